/**
 * Queries and organization bindings. Every query by a registered querier is a ledger event,
 * allowed or denied: a query about a person is allowed only with the person's consent token
 * (signed with a one-time handle key, for this querier and purpose, unexpired, unused); a query
 * about an organization needs the querier's registered purpose only (organizations' records are
 * public by design). A denied query is logged with its reason, which the person's wallet sees.
 */
import {
  consentHash,
  verifyConsentSignature,
  type ConsentToken,
  type CreditHandle,
} from '../credentials/index.ts';
import { requireInvocationKey } from '../did/index.ts';
import { AppError, type ErrorCode } from '../errors.ts';
import { hasRole } from '../governance/index.ts';
import type { StateReader, TxContext, TxKind } from '../ledger/index.ts';
import { checkHandleKey, handleUsed, indexPersonEvent, useHandle } from './records.ts';
import { BindOrgBody, QueryBody, type OrgBinding, type QueryEvent } from './schema.ts';
import { CREDIT_KEYS, getOrgBinding } from './state.ts';
import { parseUscc } from './uscc.ts';

const sameHandle = (a: CreditHandle, b: CreditHandle): boolean =>
  a.nonce === b.nonce && a.tag === b.tag && a.key === b.key && a.locator === b.locator;

/**
 * Why a consent does not allow this query, or undefined when it does. Checked in this order:
 * present, signature, subject, querier, purpose, expiry, single use.
 */
export function consentProblem(
  state: StateReader,
  ctx: Pick<TxContext, 'signer' | 'blockTime'>,
  body: QueryBody,
  consent: ConsentToken | undefined,
): ErrorCode | undefined {
  if (body.subject.type !== 'person') return undefined;
  if (consent === undefined) return 'ERR_CREDIT_CONSENT_MISSING';
  if (!verifyConsentSignature(consent)) return 'ERR_CREDIT_CONSENT_BAD_SIGNATURE';
  if (!sameHandle(consent.handle, body.subject.handle)) return 'ERR_CREDIT_CONSENT_WRONG_SUBJECT';
  if (consent.querier !== ctx.signer) return 'ERR_CREDIT_CONSENT_WRONG_QUERIER';
  if (consent.purpose !== body.purpose) return 'ERR_CREDIT_CONSENT_WRONG_PURPOSE';
  if (consent.expires <= ctx.blockTime) return 'ERR_CREDIT_CONSENT_EXPIRED';
  if (state.get(CREDIT_KEYS.consent(consentHash(consent))) !== undefined)
    return 'ERR_CREDIT_CONSENT_REUSED';
  if (handleUsed(state, consent.handle)) return 'ERR_CREDIT_CONSENT_WRONG_SUBJECT';
  return undefined;
}

const query: TxKind<QueryBody> = {
  kind: 'credit.query',
  schema: QueryBody,
  authorize(state, ctx, body) {
    if (!hasRole(state, 'querier', ctx.signer, 'purposes', body.purpose))
      throw new AppError(
        'ERR_CREDIT_QUERIER_NOT_REGISTERED',
        `${ctx.signer} is not a querier registered for purpose "${body.purpose}"`,
      );
    requireInvocationKey(state, ctx);
  },
  apply(state, ctx, body) {
    if (body.subject.type === 'org') parseUscc(body.subject.uscc);
    else checkHandleKey(body.subject.handle.key);
    const reason = consentProblem(state.reader, ctx, body, body.consent);
    const hash = body.consent === undefined ? null : consentHash(body.consent);
    const event: QueryEvent = {
      id: ctx.tx.id,
      querier: ctx.signer,
      purpose: body.purpose,
      subject: body.subject,
      consent: hash,
      outcome: reason === undefined ? 'allowed' : 'denied',
      ...(reason === undefined ? {} : { reason }),
      at: ctx.blockTime,
    };
    state.write(CREDIT_KEYS.query(event.id), event);
    if (reason === undefined && hash !== null && body.subject.type === 'person') {
      state.write(CREDIT_KEYS.consent(hash), event.id);
      useHandle(state, body.subject.handle, `query:${event.id}`);
    }
    if (body.subject.type === 'org')
      state.write(CREDIT_KEYS.orgQuery(body.subject.uscc, event.id), 1);
    indexPersonEvent(state, ctx, body.subject, 'query', event.id);
  },
};

/**
 * Binds an organization's code to the DID that speaks for it (its disputes): written by an
 * accredited identity authority, which checked the organization's registration off-ledger.
 */
const bindOrg: TxKind<BindOrgBody> = {
  kind: 'credit.bind-org',
  schema: BindOrgBody,
  authorize(state, ctx) {
    if (!hasRole(state, 'identity-authority', ctx.signer))
      throw new AppError(
        'ERR_LEDGER_UNAUTHORIZED',
        `${ctx.signer} is not an accredited identity authority`,
      );
    requireInvocationKey(state, ctx);
  },
  apply(state, ctx, body) {
    parseUscc(body.uscc);
    const existing = getOrgBinding(state.reader, body.uscc);
    if (existing !== undefined && existing.authority !== ctx.signer)
      throw new AppError(
        'ERR_CREDIT_ORG_BOUND',
        `${body.uscc} is bound by another authority (${existing.authority})`,
      );
    const binding: OrgBinding = {
      uscc: body.uscc,
      did: body.did,
      authority: ctx.signer,
      since: ctx.blockTime,
    };
    state.write(CREDIT_KEYS.orgKey(body.uscc), binding);
  },
};

export const QUERY_KINDS = [query, bindOrg] as const;
