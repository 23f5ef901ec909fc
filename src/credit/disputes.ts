/**
 * Disputes: the subject disputes a record (signed by the record's own handle key for a person,
 * by the organization's bound DID for an organization); the record shows as disputed at once; its
 * issuer must uphold, amend or withdraw it before the deadline governance sets (default 20 days of
 * block time), or, at the first block at or after the deadline, the record is suppressed.
 */
import { requireInvocationKey } from '../did/index.ts';
import { AppError } from '../errors.ts';
import type { ModuleState, StateReader, TxContext, TxKind } from '../ledger/index.ts';
import {
  amendRecord,
  authorizeOwnRecord,
  closeRecord,
  disputeRef,
  indexPersonEvent,
  putRecord,
  requireOpen,
  requireNotLate,
  requireRecord,
} from './records.ts';
import { DisputeBody, RespondBody, type CreditRecord } from './schema.ts';
import { disputeDeadlineMs, getOrgBinding, getRecord } from './state.ts';

/**
 * The signer must be the record's subject: a person's record is disputed with its handle key
 * (a did:key only the person can derive), an organization's by the DID bound to its code.
 * @throws ERR_CREDIT_RECORD_NOT_FOUND, ERR_CREDIT_NOT_SUBJECT, ERR_LEDGER_UNAUTHORIZED
 */
function authorizeSubject(state: StateReader, ctx: TxContext, body: DisputeBody): void {
  const r = requireRecord(state, body.record);
  const subject =
    r.subject.type === 'person' ? r.subject.handle.key : getOrgBinding(state, r.subject.uscc)?.did;
  if (subject === undefined || ctx.signer !== subject)
    throw new AppError(
      'ERR_CREDIT_NOT_SUBJECT',
      `${ctx.signer} is not the subject of record ${r.id}`,
    );
  // an organization's DID signs transactions with a capabilityInvocation key, as every did:rdid does
  if (r.subject.type === 'org') requireInvocationKey(state, ctx);
}

const dispute: TxKind<DisputeBody> = {
  kind: 'credit.dispute',
  schema: DisputeBody,
  authorize: authorizeSubject,
  apply(state, ctx, body) {
    const r = requireRecord(state.reader, body.record);
    requireOpen(r, ctx.blockTime);
    if (r.dispute?.status === 'open')
      throw new AppError('ERR_CREDIT_DISPUTE_OPEN', `record ${r.id} already has an open dispute`);
    // One dispute per version: an answered one is not filed again until the record changes (or an
    // organization could keep itself off lists by disputing each record again after each answer).
    if (r.dispute !== undefined && r.dispute.version === r.version)
      throw new AppError(
        'ERR_CREDIT_ALREADY_DISPUTED',
        `version ${r.version} of record ${r.id} was disputed and answered (${r.dispute.status})`,
      );
    const deadline = ctx.blockTime + disputeDeadlineMs(state.reader);
    r.dispute = {
      status: 'open',
      version: r.version,
      statement: body.statement,
      filed: ctx.blockTime,
      deadline,
      tx: ctx.tx.id,
    };
    r.history.push({ at: ctx.blockTime, action: 'disputed', tx: ctx.tx.id });
    state.schedule(deadline, disputeRef(r.id));
    indexPersonEvent(state, ctx, r.subject, 'dispute', r.id);
    putRecord(state, r, ctx.blockTime);
  },
};

/** @throws ERR_CREDIT_NO_DISPUTE, ERR_CREDIT_DEADLINE_PASSED */
function openDispute(r: CreditRecord, blockTime: number): NonNullable<CreditRecord['dispute']> {
  requireNotLate(r, blockTime);
  const d = r.dispute;
  if (d?.status !== 'open')
    throw new AppError('ERR_CREDIT_NO_DISPUTE', `record ${r.id} has no open dispute`);
  return d;
}

const respond: TxKind<RespondBody> = {
  kind: 'credit.respond',
  schema: RespondBody,
  authorize: (state, ctx, body) => {
    authorizeOwnRecord(state, ctx, body.record);
  },
  apply(state, ctx, body) {
    const r = requireRecord(state.reader, body.record);
    const d = openDispute(r, ctx.blockTime);
    requireOpen(r, ctx.blockTime);
    state.unschedule(d.deadline, disputeRef(r.id));
    const answered = { answered: ctx.blockTime, note: body.note };
    if (body.decision === 'withdraw') {
      r.dispute = { ...d, status: 'withdrawn', ...answered };
      closeRecord(state, r, 'withdrawn', ctx);
      return;
    }
    if (body.decision === 'amend') {
      if (body.changes === undefined || Object.keys(body.changes).length === 0)
        throw new AppError('ERR_LEDGER_SCHEMA', 'an "amend" answer must carry "changes"');
      amendRecord(state, r, body.changes, ctx.blockTime);
      r.history.push({ at: ctx.blockTime, action: 'amended', tx: ctx.tx.id });
    } else r.history.push({ at: ctx.blockTime, action: 'upheld', tx: ctx.tx.id });
    r.dispute = { ...d, status: body.decision === 'amend' ? 'amended' : 'upheld', ...answered };
    putRecord(state, r, ctx.blockTime);
  },
};

export const DISPUTE_KINDS = [dispute, respond] as const;

/** The deadline passed with the dispute still open: the record is suppressed (time-driven). */
export function lapseDispute(state: ModuleState, id: string, blockTime: number): void {
  const r = getRecord(state.reader, id);
  if (r?.dispute?.status !== 'open' || r.expired) return;
  r.dispute = { ...r.dispute, status: 'lapsed' };
  r.suppressed = true;
  r.history.push({ at: blockTime, action: 'lapsed' });
  putRecord(state, r, blockTime);
}
