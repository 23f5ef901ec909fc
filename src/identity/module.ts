/**
 * The identity module as a ledger module (namespace `idn`): real-name bindings (enroll, rebind,
 * revoke) and status lists, all written by accredited identity authorities. Every body holds
 * only tags, DIDs, list ids and indices; the personal data stays in the authority's vault.
 */
import { Type, type Static } from '@sinclair/typebox';
import { fromBase64url, toBase64url } from '../crypto/index.ts';
import {
  STATUS_CHUNK_BYTES,
  STATUS_INVALID,
  chunkOfIndex,
  setInChunk,
} from '../credentials/index.ts';
import { currentRecord, requireInvocationKey } from '../did/index.ts';
import { AppError } from '../errors.ts';
import { hasRole } from '../governance/index.ts';
import type { LedgerModule, ModuleState, StateReader, TxContext, TxKind } from '../ledger/index.ts';
import { DISCLOSURE_KINDS, DISCLOSURE_QUERIES } from './disclosures.ts';
import { IDENTITY_ERRORS } from './errors.ts';
import { identityNode } from './node.ts';
import { LAWFUL_KINDS, lawfulDeadline } from './lawful.ts';
import { LAWFUL_QUERIES } from './lawful-queries.ts';
import { IDENTITY_QUERIES } from './queries.ts';
import {
  getBinding,
  getMaster,
  getStatusList,
  IDN_KEYS,
  RDID_PATTERN,
  type Binding,
  type MasterRecord,
  type StatusListRecord,
} from './state.ts';

const Tag = Type.String({
  pattern: '^[0-9a-f]{64}$',
  description: 'uniqueness tag (hex HMAC-SHA-256)',
});
const Rdid = Type.String({ pattern: RDID_PATTERN });
const ListId = Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,63}$', description: 'status list id' });
/** Most status entries one transaction may flip (a binding's unexpired copies, with room to spare). */
export const MAX_FLIPS_PER_TX = 4096;
/** Bounds of a status list's size: from 2^10 to 2^24 entries. */
export const MIN_LIST_SIZE = 1024;
export const MAX_LIST_SIZE = 2 ** 24;

const Flips = Type.Array(
  Type.Object(
    {
      list: ListId,
      idx: Type.Array(Type.Integer({ minimum: 0, maximum: MAX_LIST_SIZE - 1 }), {
        minItems: 1,
        maxItems: MAX_FLIPS_PER_TX,
        uniqueItems: true,
      }),
    },
    { additionalProperties: false },
  ),
  { maxItems: 64, description: 'status entries set to INVALID in the same step' },
);

/** `idn.enroll`: bind the person's tag to a master DID never bound before. */
export const EnrollBody = Type.Object({ tag: Tag, did: Rdid }, { additionalProperties: false });
/** `idn.rebind`: move an active binding to a new master DID, revoking the old copies in the same step. */
export const RebindBody = Type.Object(
  { tag: Tag, did: Rdid, revoke: Flips },
  { additionalProperties: false },
);
/** `idn.revoke`: end the binding `did` holds, revoking its copies. */
export const RevokeBody = Type.Object(
  { tag: Tag, did: Rdid, revoke: Flips },
  { additionalProperties: false },
);
/** `idn.status`: set status entries of the authority's lists to INVALID. */
export const StatusBody = Type.Object({ revoke: Flips }, { additionalProperties: false });
/** `idn.list`: register a status list (1 bit per entry, whole 1 KiB chunks). */
export const ListBody = Type.Object(
  {
    id: ListId,
    size: Type.Integer({ minimum: MIN_LIST_SIZE, maximum: MAX_LIST_SIZE }),
    bits: Type.Literal(1),
  },
  { additionalProperties: false },
);
export type EnrollBody = Static<typeof EnrollBody>;
export type RebindBody = Static<typeof RebindBody>;
export type RevokeBody = Static<typeof RevokeBody>;
export type StatusBody = Static<typeof StatusBody>;
export type ListBody = Static<typeof ListBody>;
type Flips = Static<typeof Flips>;

/**
 * Only a currently accredited identity authority signs identity transactions, and only with a
 * `capabilityInvocation` key of its DID: its front-office (`authentication`-only) keys sign
 * requests to its node, never ledger transactions.
 */
function authorizeAuthority(state: StateReader, ctx: TxContext): void {
  if (!hasRole(state, 'identity-authority', ctx.signer))
    throw new AppError(
      'ERR_LEDGER_UNAUTHORIZED',
      `${ctx.signer} is not an accredited identity authority`,
    );
  requireInvocationKey(state, ctx);
}

/** The master DID must be an active did:rdid nobody has enrolled before. */
function checkNewMaster(state: StateReader, did: string): void {
  const record = currentRecord(state, did);
  if (record === undefined || record.deactivated)
    throw new AppError(
      'ERR_IDENTITY_UNKNOWN_DID',
      `${did} is not an active did:rdid on this ledger`,
    );
  if (getMaster(state, did) !== undefined)
    throw new AppError('ERR_IDENTITY_DID_IN_USE', `${did} holds or held a real-name binding`);
}

/** The signer's own active binding for `tag`. */
function activeBinding(state: StateReader, ctx: TxContext, tag: string): Binding {
  const b = getBinding(state, ctx.signer, tag);
  if (b === undefined || b.authority !== ctx.signer || b.status !== 'active')
    throw new AppError(
      'ERR_IDENTITY_NOT_ENROLLED',
      `no active binding of ${ctx.signer} for this tag`,
    );
  return b;
}

/** Sets the listed entries to INVALID, rewriting only the chunks they fall in. Checks all first. */
function applyFlips(state: ModuleState, ctx: TxContext, flips: Flips): void {
  let total = 0;
  const lists = flips.map((f) => {
    const list = getStatusList(state.reader, f.list);
    if (list === undefined || list.issuer !== ctx.signer)
      throw new AppError(
        'ERR_IDENTITY_LIST_UNKNOWN',
        `${ctx.signer} has no status list "${f.list}"`,
      );
    const over = f.idx.find((i) => i >= list.size);
    if (over !== undefined)
      throw new AppError(
        'ERR_IDENTITY_BAD_STATUS_INDEX',
        `index ${over} is outside list "${f.list}" of ${list.size} entries`,
      );
    total += f.idx.length;
    return list;
  });
  if (total > MAX_FLIPS_PER_TX)
    throw new AppError(
      'ERR_IDENTITY_BAD_STATUS_INDEX',
      `${total} flips exceed ${MAX_FLIPS_PER_TX}`,
    );
  flips.forEach((f, n) => flipIn(state, lists[n]!, f.idx));
}

function flipIn(state: ModuleState, list: StatusListRecord, indices: readonly number[]): void {
  const chunks = new Map<number, Uint8Array | undefined>();
  for (const idx of indices) {
    const { chunk } = chunkOfIndex(idx, list.bits);
    if (!chunks.has(chunk)) {
      const stored = state.read<string>(IDN_KEYS.chunk(list.id, chunk));
      chunks.set(chunk, stored === undefined ? undefined : fromBase64url(stored));
    }
    chunks.set(chunk, setInChunk(chunks.get(chunk), idx, list.bits, STATUS_INVALID));
  }
  for (const [chunk, bytes] of chunks)
    state.write(IDN_KEYS.chunk(list.id, chunk), toBase64url(bytes!));
}

const enroll: TxKind<EnrollBody> = {
  kind: 'idn.enroll',
  schema: EnrollBody,
  authorize: authorizeAuthority,
  apply(state, ctx, body) {
    const existing = getBinding(state.reader, ctx.signer, body.tag);
    if (existing?.status === 'active')
      throw new AppError(
        'ERR_IDENTITY_ALREADY_ENROLLED',
        'this person already has an active real-name binding',
      );
    checkNewMaster(state.reader, body.did);
    const binding: Binding = {
      authority: ctx.signer,
      did: body.did,
      status: 'active',
      enrolled: ctx.blockTime,
      updated: ctx.blockTime,
      rebinds: 0,
    };
    const master: MasterRecord = {
      tag: body.tag,
      authority: ctx.signer,
      status: 'active',
      since: ctx.blockTime,
    };
    state.write(IDN_KEYS.binding(ctx.signer, body.tag), binding);
    state.write(IDN_KEYS.master(body.did), master);
  },
};

/** Ends the current master DID's hold on a binding. */
function retireMaster(
  state: ModuleState,
  did: string,
  status: 'rebound' | 'revoked',
  at: number,
): void {
  const old = getMaster(state.reader, did);
  if (old !== undefined) state.write(IDN_KEYS.master(did), { ...old, status, until: at });
}

const rebind: TxKind<RebindBody> = {
  kind: 'idn.rebind',
  schema: RebindBody,
  authorize: authorizeAuthority,
  apply(state, ctx, body) {
    const b = activeBinding(state.reader, ctx, body.tag);
    checkNewMaster(state.reader, body.did);
    applyFlips(state, ctx, body.revoke);
    retireMaster(state, b.did, 'rebound', ctx.blockTime);
    state.write(IDN_KEYS.binding(ctx.signer, body.tag), {
      ...b,
      did: body.did,
      updated: ctx.blockTime,
      rebinds: b.rebinds + 1,
    });
    state.write(IDN_KEYS.master(body.did), {
      tag: body.tag,
      authority: ctx.signer,
      status: 'active',
      since: ctx.blockTime,
    } satisfies MasterRecord);
  },
};

const revoke: TxKind<RevokeBody> = {
  kind: 'idn.revoke',
  schema: RevokeBody,
  authorize: authorizeAuthority,
  apply(state, ctx, body) {
    const b = activeBinding(state.reader, ctx, body.tag);
    if (b.did !== body.did)
      throw new AppError('ERR_IDENTITY_NOT_ENROLLED', `${body.did} does not hold this binding`);
    applyFlips(state, ctx, body.revoke);
    retireMaster(state, b.did, 'revoked', ctx.blockTime);
    state.write(IDN_KEYS.binding(ctx.signer, body.tag), {
      ...b,
      status: 'revoked',
      updated: ctx.blockTime,
    } satisfies Binding);
  },
};

const status: TxKind<StatusBody> = {
  kind: 'idn.status',
  schema: StatusBody,
  authorize: authorizeAuthority,
  apply(state, ctx, body) {
    applyFlips(state, ctx, body.revoke);
  },
};

const list: TxKind<ListBody> = {
  kind: 'idn.list',
  schema: ListBody,
  authorize: authorizeAuthority,
  apply(state, ctx, body) {
    if (getStatusList(state.reader, body.id) !== undefined)
      throw new AppError('ERR_IDENTITY_LIST_EXISTS', `status list "${body.id}" already exists`);
    if ((body.size * body.bits) % (STATUS_CHUNK_BYTES * 8) !== 0)
      throw new AppError(
        'ERR_IDENTITY_BAD_STATUS_INDEX',
        `a list's size must fill whole ${STATUS_CHUNK_BYTES}-byte chunks, got ${body.size}`,
      );
    state.write(IDN_KEYS.list(body.id), {
      id: body.id,
      issuer: ctx.signer,
      size: body.size,
      bits: body.bits,
      created: ctx.blockTime,
    } satisfies StatusListRecord);
  },
};

/** The identity module: real-name bindings and status lists of accredited identity authorities. */
export const identityModule: LedgerModule = {
  name: 'identity',
  namespace: 'idn',
  kinds: [enroll, rebind, revoke, status, list, ...DISCLOSURE_KINDS, ...LAWFUL_KINDS],
  errors: IDENTITY_ERRORS,
  queries: [...IDENTITY_QUERIES, ...DISCLOSURE_QUERIES, ...LAWFUL_QUERIES],
  onDeadline: (state, block, ref) => lawfulDeadline(state, block, ref),
  node: identityNode,
};
