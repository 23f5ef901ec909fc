/**
 * Lawful de-anonymization on the ledger: a registered requester (e.g. a court) asks an identity
 * authority to resolve a site's pairwise DID, citing a legal basis; custodians approve or refuse
 * (M of N, set by governance); the authority records what it released. The person's notice is
 * written at once, or when the delay the request asked for (at most `lawfulNoticeMaxDelayMs`)
 * has passed: a deadline the ledger runs, so nobody can hold it back. A request ends
 * `lawfulRequestTtlMs` after it was filed; one that ends without a release tells the person then
 * at the latest.
 */
import { Type, type Static } from '@sinclair/typebox';
import { requireInvocationKey } from '../did/index.ts';
import { AppError, type ErrorCode } from '../errors.ts';
import { getParam, getRole, hasRole, roleHistory, type Role } from '../governance/index.ts';
import {
  MAX_DEADLINE_TIME,
  type BlockContext,
  type ModuleState,
  type StateReader,
  type TxContext,
  type TxKind,
} from '../ledger/index.ts';
import {
  getLawfulRequest,
  LAWFUL_KEYS,
  type LawfulNotice,
  type LawfulRequest,
} from './lawful-state.ts';
import { RDID_PATTERN } from './state.ts';

const Hex32 = (description: string) => Type.String({ pattern: '^[0-9a-f]{64}$', description });
/** One line of public text: no control characters. */
const Text = (max: number, description: string) =>
  Type.String({
    minLength: 1,
    maxLength: max,
    pattern: '^[^\\u0000-\\u001f\\u007f]+$',
    description,
  });
const RequestId = Hex32('the lawful request id (its `idn.lawful-request` transaction id)');

/** `idn.lawful-request`: ask `authority` to resolve the pseudonym committed to in `subject`. */
export const LawfulRequestBody = Type.Object(
  {
    authority: Type.String({ pattern: RDID_PATTERN, description: 'the identity authority asked' }),
    site: Type.String({
      pattern: '^did:[a-z0-9]+:[A-Za-z0-9._:%-]{1,200}$',
      maxLength: 220,
      description: 'the relying party whose account it is',
    }),
    subject: Hex32('sha256 hex of "realdid/lawful-subject/v1\\n" + nonce + "\\n" + pairwise DID'),
    nonce: Type.String({
      pattern: '^[A-Za-z0-9_-]{22,43}$',
      description: '16 to 32 random bytes, base64url',
    }),
    basis: Text(300, 'the legal basis cited (public; no personal data)'),
    caseRef: Hex32('sha256 hex of the case reference (which stays off the ledger)'),
    noticeDelayMs: Type.Integer({
      minimum: 0,
      description: 'how long the notice to the person is delayed (at most lawfulNoticeMaxDelayMs)',
    }),
  },
  { additionalProperties: false },
);
/** `idn.lawful-decision`: a custodian approves or refuses an open request. */
export const LawfulDecisionBody = Type.Object(
  {
    request: RequestId,
    decision: Type.Union([Type.Literal('approve'), Type.Literal('refuse')]),
    reason: Type.Optional(Text(300, 'why (public; no personal data)')),
  },
  { additionalProperties: false },
);
/** `idn.lawful-outcome`: the authority records what it did with an approved request. */
export const LawfulOutcomeBody = Type.Object(
  {
    request: RequestId,
    result: Type.Union([Type.Literal('released'), Type.Literal('not-found')]),
    releaseHash: Hex32('sha256 hex of the compact JWE handed to the requester'),
  },
  { additionalProperties: false },
);
export type LawfulRequestBody = Static<typeof LawfulRequestBody>;
export type LawfulDecisionBody = Static<typeof LawfulDecisionBody>;
export type LawfulOutcomeBody = Static<typeof LawfulOutcomeBody>;

/** A deadline time the ledger can hold (a parameter set absurdly high still schedules). */
const deadlineAt = (t: number): number => Math.min(t, MAX_DEADLINE_TIME);
/** Decisions and the outcome are taken up to and including `expires`; it expires just after. */
const expiryOf = (r: LawfulRequest): number => deadlineAt(r.expires + 1);

/**
 * The signer holds `role` now and signs with a `capabilityInvocation` key.
 * @throws `code` when it does not hold the role, ERR_LEDGER_UNAUTHORIZED for another key
 */
function requireRoleSigner(
  state: StateReader,
  ctx: TxContext,
  role: Role,
  code: ErrorCode,
  what: string,
): void {
  if (!hasRole(state, role, ctx.signer))
    throw new AppError(code, `${ctx.signer} is not ${what} (role ${role})`);
  requireInvocationKey(state, ctx);
}

/** The legal basis's first word: what a requester's `bases` scope lists. */
const basisId = (basis: string): string => basis.trim().split(/\s+/)[0] ?? '';

function authorizeRequester(state: StateReader, ctx: TxContext, body: LawfulRequestBody): void {
  requireRoleSigner(
    state,
    ctx,
    'lawful-requester',
    'ERR_IDENTITY_NOT_LAWFUL_REQUESTER',
    'an accredited lawful requester',
  );
  const bases = getRole(state, 'lawful-requester', ctx.signer)?.scope.bases;
  if (bases !== undefined && !bases.includes(basisId(body.basis)))
    throw new AppError(
      'ERR_IDENTITY_NOT_LAWFUL_REQUESTER',
      `${ctx.signer} is accredited for the legal bases ${bases.join(', ')}, not "${basisId(body.basis)}"`,
    );
}

/** Writes the person's notice (once) and notes it in the request. */
function writeNotice(state: ModuleState, r: LawfulRequest, block: BlockContext): void {
  if (r.noticed !== undefined) return;
  const notice: LawfulNotice = {
    request: r.id,
    subject: r.subject,
    nonce: r.nonce,
    site: r.site,
    authority: r.authority,
    time: block.blockTime,
    height: block.height,
  };
  state.write(LAWFUL_KEYS.notice(r.id), notice);
  state.write(LAWFUL_KEYS.noticeAt(block.blockTime, r.id), r.id);
  r.noticed = block.blockTime;
  if (r.noticeAt > r.created)
    state.unschedule(deadlineAt(r.noticeAt), LAWFUL_KEYS.noticeDeadline(r.id));
}

const request: TxKind<LawfulRequestBody> = {
  kind: 'idn.lawful-request',
  schema: LawfulRequestBody,
  authorize: authorizeRequester,
  apply(state, ctx, body) {
    const reader = state.reader;
    if (!hasRole(reader, 'identity-authority', body.authority))
      throw new AppError(
        'ERR_IDENTITY_LAWFUL_BAD_TARGET',
        `${body.authority} is not an accredited identity authority`,
      );
    if (roleHistory(reader, 'relying-party', body.site).length === 0)
      throw new AppError(
        'ERR_IDENTITY_LAWFUL_BAD_TARGET',
        `${body.site} is not, and never was, a registered relying party`,
      );
    const maxDelay = getParam<number>(reader, 'lawfulNoticeMaxDelayMs') ?? 0;
    if (body.noticeDelayMs > maxDelay)
      throw new AppError(
        'ERR_IDENTITY_LAWFUL_BAD_NOTICE_DELAY',
        `a notice may be delayed at most ${maxDelay} ms, asked ${body.noticeDelayMs}`,
      );
    const ttl = getParam<number>(reader, 'lawfulRequestTtlMs') ?? 0;
    const r: LawfulRequest = {
      id: ctx.tx.id,
      requester: ctx.signer,
      ...body,
      created: ctx.blockTime,
      expires: ctx.blockTime + ttl,
      noticeAt: ctx.blockTime + body.noticeDelayMs,
      status: 'open',
      approvals: [],
      refusals: [],
    };
    if (body.noticeDelayMs === 0) writeNotice(state, r, ctx);
    else state.schedule(deadlineAt(r.noticeAt), LAWFUL_KEYS.noticeDeadline(r.id));
    state.schedule(expiryOf(r), LAWFUL_KEYS.expiryDeadline(r.id));
    state.write(LAWFUL_KEYS.request(r.id), r);
  },
};

/** The request, open for decisions and the outcome at `time`. @throws ERR_IDENTITY_LAWFUL_UNKNOWN */
function knownRequest(state: StateReader, id: string): LawfulRequest {
  const r = getLawfulRequest(state, id);
  if (r === undefined) throw new AppError('ERR_IDENTITY_LAWFUL_UNKNOWN', `no lawful request ${id}`);
  return r;
}

/**
 * The requester must still be accredited when its request is approved or acted upon: governance
 * revoking a requester's accreditation stops its requests, approved or not.
 * @throws ERR_IDENTITY_NOT_LAWFUL_REQUESTER
 */
export function requireRequesterAccredited(state: StateReader, r: LawfulRequest): void {
  if (!hasRole(state, 'lawful-requester', r.requester))
    throw new AppError(
      'ERR_IDENTITY_NOT_LAWFUL_REQUESTER',
      `${r.requester}, who filed request ${r.id}, is no longer an accredited lawful requester`,
    );
}

function closed(r: LawfulRequest, time: number): AppError {
  const why = time > r.expires && r.closedAt === undefined ? `expired at ${r.expires}` : r.status;
  return new AppError('ERR_IDENTITY_LAWFUL_CLOSED', `lawful request ${r.id} is ${why}`);
}

const decision: TxKind<LawfulDecisionBody> = {
  kind: 'idn.lawful-decision',
  schema: LawfulDecisionBody,
  authorize: (state, ctx) =>
    requireRoleSigner(
      state,
      ctx,
      'lawful-custodian',
      'ERR_IDENTITY_NOT_CUSTODIAN',
      'an accredited lawful custodian',
    ),
  apply(state, ctx, body) {
    const r = knownRequest(state.reader, body.request);
    if (r.status !== 'open' || ctx.blockTime > r.expires) throw closed(r, ctx.blockTime);
    if (r.requester === ctx.signer)
      throw new AppError(
        'ERR_IDENTITY_NOT_CUSTODIAN',
        `${ctx.signer} filed request ${r.id}: a requester does not decide its own request`,
      );
    if ([...r.approvals, ...r.refusals].some((d) => d.custodian === ctx.signer))
      throw new AppError(
        'ERR_IDENTITY_LAWFUL_ALREADY_DECIDED',
        `${ctx.signer} already decided on request ${r.id}`,
      );
    const d = {
      custodian: ctx.signer,
      time: ctx.blockTime,
      ...(body.reason === undefined ? {} : { reason: body.reason }),
    };
    if (body.decision === 'approve') {
      requireRequesterAccredited(state.reader, r);
      r.approvals.push(d);
      if (r.approvals.length >= (getParam<number>(state.reader, 'lawfulApprovals') ?? 1)) {
        r.status = 'approved';
        r.approvedAt = ctx.blockTime;
      }
    } else {
      r.refusals.push(d);
      if (r.refusals.length >= (getParam<number>(state.reader, 'lawfulRefusals') ?? 1)) {
        r.status = 'refused';
        r.closedAt = ctx.blockTime;
      }
    }
    state.write(LAWFUL_KEYS.request(r.id), r);
  },
};

const outcome: TxKind<LawfulOutcomeBody> = {
  kind: 'idn.lawful-outcome',
  schema: LawfulOutcomeBody,
  authorize(state, ctx) {
    if (!hasRole(state, 'identity-authority', ctx.signer))
      throw new AppError(
        'ERR_LEDGER_UNAUTHORIZED',
        `${ctx.signer} is not an accredited identity authority`,
      );
    requireInvocationKey(state, ctx);
  },
  apply(state, ctx, body) {
    const r = knownRequest(state.reader, body.request);
    if (r.authority !== ctx.signer)
      throw new AppError(
        'ERR_LEDGER_UNAUTHORIZED',
        `request ${r.id} was made to ${r.authority}, not to ${ctx.signer}`,
      );
    if (r.status === 'open' && ctx.blockTime <= r.expires)
      throw new AppError(
        'ERR_IDENTITY_LAWFUL_NOT_APPROVED',
        `request ${r.id} has ${r.approvals.length} of the approvals it needs`,
      );
    if (r.status !== 'approved' || ctx.blockTime > r.expires) throw closed(r, ctx.blockTime);
    requireRequesterAccredited(state.reader, r);
    r.status = body.result;
    r.closedAt = ctx.blockTime;
    r.outcome = { result: body.result, releaseHash: body.releaseHash, time: ctx.blockTime };
    state.unschedule(expiryOf(r), LAWFUL_KEYS.expiryDeadline(r.id));
    state.write(LAWFUL_KEYS.request(r.id), r);
  },
};

/** The lawful de-anonymization transaction kinds. */
export const LAWFUL_KINDS = [request, decision, outcome] as const;

/**
 * The identity module's time-driven transitions: a delayed notice falls due; a request reaches
 * its end (open or approved: `expired`; without a release, its notice is written now if it was
 * still waiting). Deterministic: block time only.
 */
export function lawfulDeadline(state: ModuleState, block: BlockContext, ref: string): void {
  const slash = ref.indexOf('/');
  const r = getLawfulRequest(state.reader, ref.slice(slash + 1));
  if (r === undefined) return;
  const what = ref.slice(0, slash + 1);
  if (what === LAWFUL_KEYS.noticeDeadline('')) {
    writeNotice(state, r, block);
  } else if (what === LAWFUL_KEYS.expiryDeadline('')) {
    if (r.status === 'open' || r.status === 'approved') {
      r.status = 'expired';
      r.closedAt = block.blockTime;
    }
    if (r.status === 'expired' || r.status === 'refused') writeNotice(state, r, block);
  } else return;
  state.write(LAWFUL_KEYS.request(r.id), r);
}
