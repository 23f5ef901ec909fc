import { decodeMultikey } from '../crypto/index.ts';
import { AppError } from '../errors.ts';
import {
  createAjv,
  describeSchemaError,
  publicKeyOfDidKey,
  type BlockSigner,
  type LedgerModule,
  type ModuleState,
  type StateReader,
  type TxContext,
  type TxKind,
} from '../ledger/index.ts';
import {
  ApproveBody,
  GovGenesis,
  ProposeBody,
  type AdoptedDocument,
  type Change,
  type Member,
  type Org,
  type Proposal,
  type Role,
  type RoleGrant,
  type RoleGrantInput,
  type RolePeriod,
} from './schema.ts';
import { GOV_ERRORS } from './errors.ts';
import { GOV_QUERIES } from './queries.ts';
import { checkSiteGrant, putSiteOrigins } from './sites.ts';
import {
  DEFAULT_PARAMS,
  getDocument,
  getOrg,
  getParam,
  getProposal,
  getQuorum,
  getRole,
  KEYS,
  orgIds,
  orgOfKey,
  roleHistory,
} from './state.ts';

/**
 * The member organization that signed a governance transaction: the signer must be the did:key
 * of one of its registered keys.
 * @throws ERR_GOV_NOT_MEMBER
 */
export function signingOrg(state: StateReader, ctx: TxContext): string {
  const mk = ctx.signer.startsWith('did:key:') ? ctx.signer.slice('did:key:'.length) : undefined;
  const org = mk === undefined ? undefined : orgOfKey(state, mk);
  if (org === undefined)
    throw new AppError(
      'ERR_GOV_NOT_MEMBER',
      `${ctx.signer} is not a key of a consortium organization`,
    );
  return org;
}

function invalid(message: string): never {
  throw new AppError('ERR_GOV_INVALID_CHANGE', message);
}

/**
 * Writes an org and its key index; checks every key first, so a bad org writes nothing.
 * `sinceHeight` is the height from which the org may sign checkpoints.
 */
function putOrg(state: ModuleState, org: Org, sinceHeight: number): void {
  for (const k of org.keys) {
    try {
      decodeMultikey(k); // the schema checks the pattern only; checkpoint verification must decode it
    } catch (err) {
      throw new AppError(
        'ERR_GOV_INVALID_CHANGE',
        `key ${k} of organization "${org.id}" is not an Ed25519 Multikey`,
        { cause: err },
      );
    }
    const owner = orgOfKey(state.reader, k);
    if (owner !== undefined && owner !== org.id)
      invalid(`key ${k} already belongs to organization "${owner}"`);
  }
  for (const k of org.keys) state.write(KEYS.memberKey(k), org.id);
  const stored: Member = { ...org, sinceHeight };
  state.write(KEYS.org(org.id), stored);
}

function putGrant(
  state: ModuleState,
  grant: RoleGrantInput,
  since: number,
  grantedBy: string,
): void {
  const stored: RoleGrant = { ...grant, since, grantedBy };
  putSiteOrigins(state, grant);
  state.write(KEYS.role(grant.role, grant.subject), stored);
  const history = closePeriod(state, grant.role, grant.subject, since);
  history.push({ from: since, scope: grant.scope, grantedBy });
  state.write(KEYS.roleHistory(grant.role, grant.subject), history);
}

/** Ends the open accreditation period of `subject` for `role` (if any) at `until`; returns the history. */
function closePeriod(state: ModuleState, role: Role, subject: string, until: number): RolePeriod[] {
  const history = roleHistory(state.reader, role, subject);
  const last = history.at(-1);
  if (last !== undefined && last.until === undefined)
    history[history.length - 1] = { ...last, until };
  return history;
}

function checkParam(name: string, value: number | string | boolean): void {
  const known = DEFAULT_PARAMS[name];
  if (known !== undefined && typeof known !== typeof value)
    invalid(`parameter "${name}" must be a ${typeof known}`);
  if (typeof value === 'number' && (!Number.isSafeInteger(value) || value < 0))
    invalid(`parameter "${name}" must be a non-negative integer`);
  const max = PARAM_MAXIMUM[name];
  if (typeof value === 'number' && max !== undefined && value > max)
    invalid(`parameter "${name}" must be at most ${max}, got ${value}`);
  const min = PARAM_MINIMUM[name];
  if (typeof value === 'number' && min !== undefined && value < min)
    invalid(`parameter "${name}" must be at least ${min}, got ${value}`);
}

/** Upper bounds of numeric parameters: a proposal's deadline must stay a valid deadline time. */
const PARAM_MAXIMUM: Readonly<Record<string, number>> = {
  /** Ten years of block time. */
  proposalTtlMs: 10 * 366 * 24 * 60 * 60 * 1000,
  /** A year: a dispute cannot be left open longer. */
  creditDisputeDeadlineMs: 366 * 24 * 60 * 60 * 1000,
};

/** Lower bounds of numeric parameters. */
const PARAM_MINIMUM: Readonly<Record<string, number>> = {
  /** A second (the demo uses seconds; a real consortium days): never 0, the issuer must be able to answer. */
  creditDisputeDeadlineMs: 1000,
};

/**
 * Applies a change to the state. Checks everything first, so a change that cannot apply
 * writes nothing.
 * @throws ERR_GOV_INVALID_CHANGE
 */
export function applyChange(
  state: ModuleState,
  change: Change,
  at: { blockTime: number; height: number },
  proposalId: string,
): void {
  const r = state.reader;
  const ids = orgIds(r);
  switch (change.type) {
    case 'add-org':
      if (ids.includes(change.org.id)) invalid(`organization "${change.org.id}" already exists`);
      putOrg(state, change.org, at.height);
      state.write(KEYS.orgs, [...ids, change.org.id].sort());
      return;
    case 'remove-org': {
      const org = getOrg(r, change.org);
      if (org === undefined) invalid(`no organization "${change.org}"`);
      if (ids.length - 1 < getQuorum(r))
        invalid(
          `removing "${change.org}" would leave ${ids.length - 1} organizations, fewer than the quorum ${getQuorum(r)}`,
        );
      for (const k of org.keys) state.remove(KEYS.memberKey(k));
      state.remove(KEYS.org(org.id));
      state.write(
        KEYS.orgs,
        ids.filter((id) => id !== org.id),
      );
      return;
    }
    case 'set-quorum':
      if (change.quorum > ids.length)
        invalid(`quorum ${change.quorum} exceeds the ${ids.length} organizations`);
      state.write(KEYS.quorum, change.quorum);
      return;
    case 'accredit':
      checkSiteGrant(r, change.grant);
      putGrant(state, change.grant, at.blockTime, proposalId);
      return;
    case 'revoke':
      if (getRole(r, change.role, change.subject) === undefined)
        invalid(`${change.subject} does not hold role ${change.role}`);
      state.remove(KEYS.role(change.role, change.subject));
      state.write(
        KEYS.roleHistory(change.role, change.subject),
        closePeriod(state, change.role, change.subject, at.blockTime),
      );
      return;
    case 'set-param':
      checkParam(change.name, change.value);
      state.write(KEYS.param(change.name), change.value);
      return;
    case 'adopt':
      putDocument(state, change.topic, change.document, at.blockTime, proposalId);
      return;
  }
}

/**
 * Adopts a module document: the owning module checks it first; stored as the topic's next version.
 * @throws ERR_LEDGER_UNKNOWN_DOCUMENT, ERR_LEDGER_BAD_DOCUMENT, the module's own codes
 */
function putDocument(
  state: ModuleState,
  topic: string,
  document: unknown,
  adopted: number,
  proposal: string,
): void {
  state.checkDocument(topic, document);
  const version = (getDocument(state.reader, topic)?.version ?? 0) + 1;
  const stored: AdoptedDocument = { topic, version, document, adopted, proposal };
  state.write(KEYS.document(topic), stored);
  state.write(KEYS.documentVersion(topic, version), stored);
}

/** A proposal can be approved up to and including its `expires` time; it expires just after. */
const expiryOf = (p: Proposal): number => p.expires + 1;

/** Executes the proposal if enough current members approved; records a failure instead of throwing. */
function maybeExecute(
  state: ModuleState,
  p: Proposal,
  at: { blockTime: number; height: number },
): void {
  const members = new Set(orgIds(state.reader));
  const votes = p.approvals.filter((o) => members.has(o)).length;
  if (votes < getQuorum(state.reader)) return;
  state.unschedule(expiryOf(p), p.id);
  try {
    applyChange(state, p.change, at, p.id);
    p.status = 'executed';
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    p.status = 'failed';
    p.failure = { code: err.code, message: err.message };
  }
  p.executedAt = at.blockTime;
}

const authorizeMember = (state: StateReader, ctx: TxContext): void => {
  signingOrg(state, ctx);
};

const propose: TxKind<ProposeBody> = {
  kind: 'gov.propose',
  schema: ProposeBody,
  authorize: authorizeMember,
  apply(state, ctx, body) {
    const org = signingOrg(state.reader, ctx);
    const ttl = getParam<number>(state.reader, 'proposalTtlMs') ?? 0;
    const p: Proposal = {
      id: ctx.tx.id,
      change: body.change,
      ...(body.note === undefined ? {} : { note: body.note }),
      proposer: org,
      approvals: [org],
      created: ctx.blockTime,
      expires: ctx.blockTime + ttl,
      status: 'open',
    };
    // a document its module refuses is refused at once, not only when the quorum is reached
    if (body.change.type === 'adopt') state.checkDocument(body.change.topic, body.change.document);
    state.schedule(expiryOf(p), p.id);
    maybeExecute(state, p, ctx);
    state.write(KEYS.proposal(p.id), p);
  },
};

const approve: TxKind<ApproveBody> = {
  kind: 'gov.approve',
  schema: ApproveBody,
  authorize: authorizeMember,
  apply(state, ctx, body) {
    const org = signingOrg(state.reader, ctx);
    const p = getProposal(state.reader, body.proposal);
    if (p === undefined)
      throw new AppError('ERR_GOV_PROPOSAL_NOT_FOUND', `no proposal ${body.proposal}`);
    if (p.status !== 'open')
      throw new AppError('ERR_GOV_PROPOSAL_CLOSED', `proposal ${p.id} is ${p.status}`);
    if (ctx.blockTime > p.expires)
      throw new AppError('ERR_GOV_PROPOSAL_CLOSED', `proposal ${p.id} expired at ${p.expires}`);
    if (p.approvals.includes(org))
      throw new AppError('ERR_GOV_ALREADY_APPROVED', `"${org}" already approved proposal ${p.id}`);
    p.approvals.push(org);
    maybeExecute(state, p, ctx);
    state.write(KEYS.proposal(p.id), p);
  },
};

const validateGenesis = createAjv().compile(GovGenesis);

function initGenesis(state: ModuleState, config: unknown, genesisTime: number): void {
  if (!validateGenesis(config))
    throw new AppError(
      'ERR_LEDGER_BAD_GENESIS',
      `genesis "gov" ${describeSchemaError(validateGenesis)}`,
    );
  const g = config as GovGenesis;
  const ids = g.orgs.map((o) => o.id);
  if (new Set(ids).size !== ids.length)
    throw new AppError('ERR_LEDGER_BAD_GENESIS', 'genesis "gov": organization ids must be unique');
  if (g.quorum > g.orgs.length)
    throw new AppError(
      'ERR_LEDGER_BAD_GENESIS',
      `genesis "gov": quorum ${g.quorum} exceeds ${g.orgs.length} organizations`,
    );
  try {
    for (const org of g.orgs) putOrg(state, org, 0);
    for (const [name, value] of Object.entries(g.params ?? {})) {
      checkParam(name, value);
      state.write(KEYS.param(name), value);
    }
  } catch (err) {
    throw new AppError('ERR_LEDGER_BAD_GENESIS', `genesis "gov": ${(err as Error).message}`, {
      cause: err,
    });
  }
  state.write(KEYS.orgs, [...ids].sort());
  state.write(KEYS.quorum, g.quorum);
  for (const grant of g.roles ?? []) {
    try {
      checkSiteGrant(state.reader, grant);
    } catch (err) {
      throw new AppError('ERR_LEDGER_BAD_GENESIS', `genesis "gov": ${(err as Error).message}`, {
        cause: err,
      });
    }
    putGrant(state, grant, genesisTime, 'genesis');
  }
  for (const d of g.documents ?? []) {
    try {
      putDocument(state, d.topic, d.document, genesisTime, 'genesis');
    } catch (err) {
      throw new AppError('ERR_LEDGER_BAD_GENESIS', `genesis "gov": ${(err as Error).message}`, {
        cause: err,
      });
    }
  }
}

/** Consortium members and their keys, for checkpoint signatures. */
function signers(state: StateReader): BlockSigner[] {
  return orgIds(state).flatMap((id) => {
    const org = getOrg(state, id);
    return (org?.keys ?? []).map((k) => ({
      id,
      multikey: k,
      publicKey: decodeMultikey(k),
      sinceHeight: org?.sinceHeight ?? 0,
    }));
  });
}

/** A proposal still open when its deadline passes becomes `expired` (in that block). */
function expire(state: ModuleState, block: { blockTime: number }, id: string): void {
  const p = getProposal(state.reader, id);
  if (p === undefined || p.status !== 'open') return;
  p.status = 'expired';
  p.expiredAt = block.blockTime;
  state.write(KEYS.proposal(id), p);
}

/** The governance module: orgs, quorum, accreditations, parameters, M-of-N proposals. */
export const governanceModule: LedgerModule = {
  name: 'governance',
  namespace: 'gov',
  kinds: [propose, approve],
  initGenesis: (state, config, time) => initGenesis(state, config, time),
  consortium: {
    signers,
    quorum: getQuorum,
    genesisSection: (orgs, quorum) => ({
      orgs: orgs.map((o) => ({ ...o, keys: [...o.keys] })),
      quorum,
    }),
  },
  errors: GOV_ERRORS,
  onDeadline: (state, block, ref) => expire(state, block, ref),
  queries: GOV_QUERIES,
};

/** The signer DID URL of an organization key, as governance transactions use it. */
export function orgSignerUrl(multikey: string): string {
  publicKeyOfDidKey(`did:key:${multikey}`); // asserts it is an Ed25519 Multikey
  return `did:key:${multikey}#${multikey}`;
}
