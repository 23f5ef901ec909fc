/**
 * Credit records: issue, amend, withdraw, restore. Only an accredited credit issuer writes a
 * record, inside the categories it is accredited for (in governance and in the category itself),
 * with a legal basis, an evidence digest and an expiry. The body stays encrypted at the issuer's
 * node; the ledger holds its commitment.
 */
import { requireInvocationKey } from '../did/index.ts';
import { AppError } from '../errors.ts';
import { hasRole } from '../governance/index.ts';
import {
  publicKeyOfDidKey,
  type ModuleState,
  type StateReader,
  type TxContext,
  type TxKind,
} from '../ledger/index.ts';
import { addDays, dateMs, dateOf } from './dates.ts';
import { updateLists } from './lists.ts';
import {
  AmendBody,
  IssueBody,
  RestoreBody,
  WithdrawBody,
  type AmendFields,
  type Category,
  type CreditRecord,
  type PersonEvent,
  type Subject,
} from './schema.ts';
import { categoryOf, CREDIT_KEYS, getRecord } from './state.ts';
import { parseUscc } from './uscc.ts';

/** Deadline refs: a record's expiry and its open dispute's deadline. */
export const expiryRef = (id: string): string => `expire/${id}`;
export const disputeRef = (id: string): string => `dispute/${id}`;

/** @throws ERR_CREDIT_UNKNOWN_CATEGORY */
export function requireCategory(state: StateReader, id: string): Category {
  const c = categoryOf(state, id);
  if (c === undefined)
    throw new AppError('ERR_CREDIT_UNKNOWN_CATEGORY', `no record category "${id}" was adopted`);
  return c;
}

/**
 * The signer must be a credit issuer accredited now for `category`, both by its governance
 * accreditation's scope and by the category's list of issuers, signing with an invocation key.
 * @throws ERR_CREDIT_UNKNOWN_CATEGORY, ERR_CREDIT_ISSUER_NOT_ACCREDITED, ERR_LEDGER_UNAUTHORIZED
 */
export function authorizeIssuer(state: StateReader, ctx: TxContext, category: string): Category {
  const c = requireCategory(state, category);
  if (
    !hasRole(state, 'credit-issuer', ctx.signer, 'categories', category) ||
    !c.issuers.includes(ctx.signer)
  )
    throw new AppError(
      'ERR_CREDIT_ISSUER_NOT_ACCREDITED',
      `${ctx.signer} is not an accredited credit issuer for category "${category}"`,
    );
  requireInvocationKey(state, ctx);
  return c;
}

/** @throws ERR_CREDIT_RECORD_NOT_FOUND */
export function requireRecord(state: StateReader, id: string): CreditRecord {
  const r = getRecord(state, id);
  if (r === undefined) throw new AppError('ERR_CREDIT_RECORD_NOT_FOUND', `no credit record ${id}`);
  return r;
}

/**
 * The record, which the signer issued and may still write (accredited for its category).
 * @throws ERR_CREDIT_RECORD_NOT_FOUND, ERR_CREDIT_NOT_ISSUER, ERR_CREDIT_ISSUER_NOT_ACCREDITED
 */
export function authorizeOwnRecord(state: StateReader, ctx: TxContext, id: string): CreditRecord {
  const r = requireRecord(state, id);
  if (r.issuer !== ctx.signer)
    throw new AppError('ERR_CREDIT_NOT_ISSUER', `${ctx.signer} did not issue record ${id}`);
  authorizeIssuer(state, ctx, r.category);
  return r;
}

/**
 * @throws ERR_CREDIT_RECORD_CLOSED unless the record is active, unexpired (also when its expiry is
 *   due but not yet run: deadlines past the per-block limit run in later blocks) and not suppressed
 */
export function requireOpen(r: CreditRecord, blockTime: number): void {
  if (r.status !== 'active' || r.expired || r.suppressed || dateMs(r.expires) <= blockTime)
    throw new AppError(
      'ERR_CREDIT_RECORD_CLOSED',
      `record ${r.id} is ${r.expired ? 'expired' : r.suppressed ? 'suppressed' : r.status}`,
    );
}

/**
 * A dispute that lapsed, or is open past its deadline (it lapses at the end of this block), can no
 * longer be answered (by `credit.respond` or by an amendment).
 * @throws ERR_CREDIT_DEADLINE_PASSED
 */
export function requireNotLate(r: CreditRecord, blockTime: number): void {
  const d = r.dispute;
  if (d?.status === 'lapsed' || (d?.status === 'open' && blockTime >= d.deadline))
    throw new AppError(
      'ERR_CREDIT_DEADLINE_PASSED',
      `the dispute of record ${r.id} had to be answered before ${new Date(d.deadline).toISOString()}`,
    );
}

/** Checks a subject against the category; a person's handle key must be fresh. */
function checkSubject(state: StateReader, c: Category, subject: Subject): void {
  if (!c.subjects.includes(subject.type))
    throw new AppError(
      'ERR_CREDIT_BAD_SUBJECT',
      `category "${c.id}" takes no ${subject.type === 'org' ? 'organizations' : 'people'}`,
    );
  if (subject.type === 'org') {
    parseUscc(subject.uscc);
    return;
  }
  checkHandleKey(subject.handle.key);
  if (handleUsed(state, subject.handle))
    throw new AppError('ERR_CREDIT_HANDLE_USED', 'this person handle was already used');
}

/** Was this handle's key or nonce used by an earlier event? (Either would link the two.) */
export function handleUsed(state: StateReader, h: { key: string; nonce: string }): boolean {
  return (
    state.get(CREDIT_KEYS.handle(h.key)) !== undefined ||
    state.get(CREDIT_KEYS.handleNonce(h.nonce)) !== undefined
  );
}

/** Marks a handle's key and nonce used by `ref`. */
export function useHandle(
  state: ModuleState,
  h: { key: string; nonce: string },
  ref: string,
): void {
  state.write(CREDIT_KEYS.handle(h.key), ref);
  state.write(CREDIT_KEYS.handleNonce(h.nonce), ref);
}

/** @throws ERR_CREDIT_BAD_HANDLE when the handle key is no Ed25519 did:key */
export function checkHandleKey(key: string): void {
  try {
    publicKeyOfDidKey(key);
  } catch (err) {
    throw new AppError(
      'ERR_CREDIT_BAD_HANDLE',
      `handle key ${key.slice(0, 60)} is not an Ed25519 did:key`,
      {
        cause: err,
      },
    );
  }
}

/**
 * Checks the dates of a record (after a change): real dates, occurred ≤ effective ≤
 * `latestEffective` (the block's date at issue; never later than before at an amendment, so the
 * retention cannot be restarted), effective < expires ≤ effective + retention, and not already
 * expired at the block.
 * @throws ERR_CREDIT_BAD_DATES
 */
function checkDates(
  r: Pick<CreditRecord, 'occurred' | 'effective' | 'expires'>,
  c: Category,
  blockTime: number,
  latestEffective: string,
): number {
  const occurred = dateMs(r.occurred, 'occurred');
  const effective = dateMs(r.effective, 'effective');
  if (effective > dateMs(latestEffective))
    throw new AppError(
      'ERR_CREDIT_BAD_DATES',
      `effective ${r.effective} is after ${latestEffective} (the block's date, or the effective date it had)`,
    );
  const expires = dateMs(r.expires, 'expires');
  const latest = dateMs(addDays(r.effective, c.retentionDays));
  if (occurred > effective)
    throw new AppError(
      'ERR_CREDIT_BAD_DATES',
      `occurred ${r.occurred} is after effective ${r.effective}`,
    );
  if (expires <= effective || expires > latest)
    throw new AppError(
      'ERR_CREDIT_BAD_DATES',
      `expires ${r.expires} must be after ${r.effective} and at most ${c.retentionDays} days later`,
    );
  if (expires <= blockTime)
    throw new AppError(
      'ERR_CREDIT_BAD_DATES',
      `the record would already be expired (${r.expires})`,
    );
  return expires;
}

/** @throws ERR_CREDIT_SEVERITY */
function checkSeverity(severity: number, c: Category): void {
  if (severity > c.severities)
    throw new AppError(
      'ERR_CREDIT_SEVERITY',
      `severity ${severity} is outside category "${c.id}"'s scale 1..${c.severities}`,
    );
}

/** Indexes a person-subject event by its log position, for wallets watching for their handles. */
export function indexPersonEvent(
  state: ModuleState,
  ctx: TxContext,
  subject: Subject,
  kind: PersonEvent['kind'],
  ref: string,
): void {
  if (subject.type !== 'person') return;
  const event: PersonEvent = {
    kind,
    nonce: subject.handle.nonce,
    ref,
    tag: subject.handle.tag,
    tx: ctx.tx.id,
  };
  state.write(CREDIT_KEYS.event(ctx.logIndex), event);
}

/** Writes a changed record, keeping the organization's lists up to date. */
export function putRecord(state: ModuleState, r: CreditRecord, blockTime: number): void {
  r.updated = blockTime;
  state.write(CREDIT_KEYS.record(r.id), r);
  if (r.subject.type === 'org') updateLists(state, r, blockTime);
}

/**
 * Applies amended fields to a record (checked against its category), moving its expiry
 * deadline when the expiry changes.
 * @throws ERR_CREDIT_SEVERITY, ERR_CREDIT_BAD_DATES
 */
export function amendRecord(
  state: ModuleState,
  r: CreditRecord,
  changes: AmendFields,
  blockTime: number,
): void {
  if (Object.keys(changes).length === 0)
    throw new AppError('ERR_LEDGER_SCHEMA', 'an amendment must change something');
  const c = requireCategory(state.reader, r.category);
  const before = dateMs(r.expires);
  const latestEffective = r.effective < dateOf(blockTime) ? r.effective : dateOf(blockTime);
  Object.assign(r, changes);
  checkSeverity(r.severity, c);
  const after = checkDates(r, c, blockTime, latestEffective);
  if (after !== before) {
    state.unschedule(before, expiryRef(r.id));
    state.schedule(after, expiryRef(r.id));
  }
  r.version += 1;
}

const issue: TxKind<IssueBody> = {
  kind: 'credit.issue',
  schema: IssueBody,
  authorize: (state, ctx, body) => {
    authorizeIssuer(state, ctx, body.category);
  },
  apply(state, ctx, body) {
    const c = requireCategory(state.reader, body.category);
    checkSubject(state.reader, c, body.subject);
    checkSeverity(body.severity, c);
    const expires = body.expires ?? addDays(body.effective, c.retentionDays);
    // Fields in canonical (sorted) order: the state write then serializes on the fast path.
    const r: CreditRecord = {
      category: c.id,
      commitment: body.commitment,
      effective: body.effective,
      evidence: body.evidence,
      expired: false,
      expires,
      history: [{ action: 'issued', at: ctx.blockTime, tx: ctx.tx.id }],
      id: ctx.tx.id,
      issued: ctx.blockTime,
      issuer: ctx.signer,
      legalBasis: body.legalBasis,
      occurred: body.occurred,
      polarity: c.polarity,
      public: c.public && body.subject.type === 'org',
      severity: body.severity,
      status: 'active',
      subject: body.subject,
      suppressed: false,
      updated: ctx.blockTime,
      version: 1,
    };
    state.schedule(checkDates(r, c, ctx.blockTime, dateOf(ctx.blockTime)), expiryRef(r.id));
    if (body.subject.type === 'person') useHandle(state, body.subject.handle, r.id);
    else state.write(CREDIT_KEYS.orgRecord(body.subject.uscc, r.id), 1);
    indexPersonEvent(state, ctx, r.subject, 'record', r.id);
    putRecord(state, r, ctx.blockTime);
  },
};

const amend: TxKind<AmendBody> = {
  kind: 'credit.amend',
  schema: AmendBody,
  authorize: (state, ctx, body) => {
    authorizeOwnRecord(state, ctx, body.record);
  },
  apply(state, ctx, body) {
    const r = requireRecord(state.reader, body.record);
    requireOpen(r, ctx.blockTime);
    // An open dispute past its deadline lapses in this block: too late to answer it by amending.
    requireNotLate(r, ctx.blockTime);
    amendRecord(state, r, body.changes, ctx.blockTime);
    if (r.dispute?.status === 'open') {
      state.unschedule(r.dispute.deadline, disputeRef(r.id));
      r.dispute = { ...r.dispute, status: 'amended', answered: ctx.blockTime, note: body.note };
    }
    r.history.push({ at: ctx.blockTime, action: 'amended', tx: ctx.tx.id });
    putRecord(state, r, ctx.blockTime);
  },
};

/** Ends a record's life early (withdrawn, or restored after fulfilment); an open dispute closes with it. */
export function closeRecord(
  state: ModuleState,
  r: CreditRecord,
  status: 'withdrawn' | 'restored',
  ctx: TxContext,
): void {
  r.status = status;
  if (r.dispute?.status === 'open') {
    state.unschedule(r.dispute.deadline, disputeRef(r.id));
    r.dispute = { ...r.dispute, status: 'withdrawn', answered: ctx.blockTime };
  }
  r.history.push({ at: ctx.blockTime, action: status, tx: ctx.tx.id });
  putRecord(state, r, ctx.blockTime);
}

const withdraw: TxKind<WithdrawBody> = {
  kind: 'credit.withdraw',
  schema: WithdrawBody,
  authorize: (state, ctx, body) => {
    authorizeOwnRecord(state, ctx, body.record);
  },
  apply(state, ctx, body) {
    const r = requireRecord(state.reader, body.record);
    if (r.status !== 'active' || r.expired)
      throw new AppError(
        'ERR_CREDIT_RECORD_CLOSED',
        `record ${r.id} is ${r.expired ? 'expired' : r.status}`,
      );
    closeRecord(state, r, 'withdrawn', ctx);
  },
};

const restore: TxKind<RestoreBody> = {
  kind: 'credit.restore',
  schema: RestoreBody,
  authorize: (state, ctx, body) => {
    authorizeOwnRecord(state, ctx, body.record);
  },
  apply(state, ctx, body) {
    const r = requireRecord(state.reader, body.record);
    requireOpen(r, ctx.blockTime);
    if (r.polarity !== 'negative')
      throw new AppError('ERR_CREDIT_RECORD_CLOSED', 'only a negative record can be restored');
    dateMs(body.fulfilled, 'fulfilled');
    if (body.fulfilled < r.occurred)
      throw new AppError(
        'ERR_CREDIT_BAD_DATES',
        `fulfilled ${body.fulfilled} is before ${r.occurred}`,
      );
    r.fulfilled = body.fulfilled;
    closeRecord(state, r, 'restored', ctx);
  },
};

export const RECORD_KINDS = [issue, amend, withdraw, restore] as const;

/** Expiry (a time-driven transition): out of every report, list and score; the commitment stays. */
export function expireRecord(state: ModuleState, id: string, blockTime: number): void {
  const r = getRecord(state.reader, id);
  if (r === undefined || r.expired) return;
  r.expired = true;
  if (r.dispute?.status === 'open') state.unschedule(r.dispute.deadline, disputeRef(r.id));
  r.history.push({ at: blockTime, action: 'expired' });
  putRecord(state, r, blockTime);
}
