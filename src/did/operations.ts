import { Type, type Static } from '@sinclair/typebox';
import { AppError } from '../errors.ts';
import {
  createAjv,
  describeSchemaError,
  type LedgerModule,
  type ModuleState,
  type StateReader,
  type TxContext,
  type TxKind,
} from '../ledger/index.ts';
import {
  documentProblem,
  DocumentSpec,
  methodsFor,
  ServiceSpec,
  VerificationMethodSpec,
  RELATIONSHIPS,
  type DidRecord,
} from './document.ts';
import { DID_ERRORS } from './errors.ts';
import { didNode } from './node.ts';
import { currentRecord, DID_KEYS, opensCommitment, rdidFor, resolveRdidKey } from './state.ts';
import { parseDidUrl, parseRdid } from './syntax.ts';

const Hex32 = Type.String({ pattern: '^[0-9a-f]{64}$' });
const RdidSchema = Type.String({ pattern: '^did:rdid:[1-9A-HJ-NP-Za-km-z]{32,44}$' });
const MultikeySchema = Type.String({ pattern: '^z6Mk[1-9A-HJ-NP-Za-km-z]{44}$' });
const Version = Type.Integer({ minimum: 1 });
const Rels = Type.Array(Type.Union(RELATIONSHIPS.map((r) => Type.Literal(r))), {
  minItems: 1,
  uniqueItems: true,
});

export const CreateBody = Type.Object(
  { did: RdidSchema, document: DocumentSpec, recoveryCommitment: Hex32 },
  { additionalProperties: false },
);
export const Patch = Type.Union([
  Type.Object(
    { op: Type.Literal('add-key'), key: VerificationMethodSpec, relationships: Rels },
    { additionalProperties: false },
  ),
  Type.Object(
    { op: Type.Literal('remove-key'), id: Type.String({ pattern: '^[A-Za-z0-9_-]{1,32}$' }) },
    { additionalProperties: false },
  ),
  Type.Object(
    { op: Type.Literal('add-service'), service: ServiceSpec },
    { additionalProperties: false },
  ),
  Type.Object(
    { op: Type.Literal('remove-service'), id: Type.String({ pattern: '^[A-Za-z0-9_-]{1,32}$' }) },
    { additionalProperties: false },
  ),
]);
export const UpdateBody = Type.Object(
  { did: RdidSchema, version: Version, patches: Type.Array(Patch, { minItems: 1, maxItems: 16 }) },
  { additionalProperties: false },
);
export const RecoverBody = Type.Object(
  {
    did: RdidSchema,
    version: Version,
    recoveryKey: MultikeySchema,
    document: DocumentSpec,
    recoveryCommitment: Hex32,
  },
  { additionalProperties: false },
);
export const DeactivateBody = Type.Object(
  { did: RdidSchema, version: Version, recoveryKey: MultikeySchema },
  { additionalProperties: false },
);
export type CreateBody = Static<typeof CreateBody>;
export type Patch = Static<typeof Patch>;
export type UpdateBody = Static<typeof UpdateBody>;
export type RecoverBody = Static<typeof RecoverBody>;
export type DeactivateBody = Static<typeof DeactivateBody>;

function badDocument(message: string): never {
  throw new AppError('ERR_DID_BAD_DOCUMENT', message);
}

function checkDocument(doc: DocumentSpec): void {
  const problem = documentProblem(doc);
  if (problem !== undefined) badDocument(problem);
}

/** The active record `did`, at exactly `version` (optimistic concurrency). */
function activeRecord(state: StateReader, did: string, version: number): DidRecord {
  const record = currentRecord(state, did);
  if (record === undefined) throw new AppError('ERR_DID_NOT_FOUND', `${did} does not exist`);
  if (record.deactivated) throw new AppError('ERR_DID_DEACTIVATED', `${did} is deactivated`);
  if (record.version !== version)
    badDocument(`${did} is at version ${record.version}, the operation targets version ${version}`);
  return record;
}

/** Signed by a did:key that is a key of `doc` under `relationship`? */
function signedByDocKey(
  ctx: TxContext,
  doc: DocumentSpec,
  relationship: 'authentication' | 'capabilityInvocation',
): boolean {
  const mk = ctx.signer.startsWith('did:key:') ? ctx.signer.slice('did:key:'.length) : undefined;
  return (
    mk !== undefined && methodsFor(doc, relationship).some((vm) => vm.publicKeyMultibase === mk)
  );
}

/** Signed by a current capabilityInvocation key of `did` (a did:rdid key URL)? */
function signedByController(state: StateReader, ctx: TxContext, did: string): boolean {
  if (ctx.signer !== did) return false;
  const record = currentRecord(state, did);
  const fragment = parseDidUrl(ctx.keyId).fragment;
  return (
    record !== undefined &&
    methodsFor(record.document, 'capabilityInvocation').some((vm) => vm.id === fragment)
  );
}

/** Signed by the revealed recovery key that opens the DID's commitment? */
function signedByRecoveryKey(state: StateReader, ctx: TxContext, did: string): boolean {
  const record = currentRecord(state, did);
  const mk = ctx.signer.startsWith('did:key:') ? ctx.signer.slice('did:key:'.length) : undefined;
  return record !== undefined && mk !== undefined && opensCommitment(mk, record.recoveryCommitment);
}

function unauthorized(message: string): never {
  throw new AppError('ERR_LEDGER_UNAUTHORIZED', message);
}

/** Moves the current record to history and writes its successor. */
function supersede(
  state: ModuleState,
  old: DidRecord,
  next: Omit<DidRecord, 'did' | 'version' | 'created'>,
): void {
  const id = parseRdid(old.did);
  state.write(DID_KEYS.version(id, old.version), old);
  const record: DidRecord = {
    did: old.did,
    version: old.version + 1,
    created: old.created,
    ...next,
  };
  state.write(DID_KEYS.current(id), record);
}

function applyPatches(doc: DocumentSpec, patches: readonly Patch[]): DocumentSpec {
  const d = structuredClone<{ -readonly [K in keyof DocumentSpec]: DocumentSpec[K] }>(doc);
  for (const p of patches) {
    switch (p.op) {
      case 'add-key':
        d.verificationMethod = [...d.verificationMethod, p.key];
        for (const rel of p.relationships) d[rel] = [...(d[rel] ?? []), p.key.id];
        break;
      case 'remove-key':
        if (!d.verificationMethod.some((vm) => vm.id === p.id))
          badDocument(`no verification method "${p.id}"`);
        d.verificationMethod = d.verificationMethod.filter((vm) => vm.id !== p.id);
        for (const rel of RELATIONSHIPS)
          if (d[rel] !== undefined) d[rel] = d[rel].filter((r) => r !== p.id);
        break;
      case 'add-service':
        d.service = [...(d.service ?? []), p.service];
        break;
      case 'remove-service':
        if (!(d.service ?? []).some((s) => s.id === p.id)) badDocument(`no service "${p.id}"`);
        d.service = (d.service ?? []).filter((s) => s.id !== p.id);
        break;
    }
  }
  for (const rel of ['assertionMethod', 'capabilityDelegation', 'service'] as const)
    if (d[rel]?.length === 0) delete d[rel];
  return d;
}

const create: TxKind<CreateBody> = {
  kind: 'did.create',
  schema: CreateBody,
  authorize(_state, ctx, body) {
    if (!signedByDocKey(ctx, body.document, 'authentication'))
      unauthorized(
        'did.create must be signed by (the did:key of) an authentication key of the new document',
      );
  },
  apply(state, ctx, body) {
    createDid(state, body, ctx.blockTime, ctx.tx.id);
  },
};

/** Writes version 1 of a new DID (from a did.create, or from genesis with txId "genesis"). */
function createDid(state: ModuleState, body: CreateBody, time: number, txId: string): void {
  checkDocument(body.document);
  const did = rdidFor(body.document, body.recoveryCommitment);
  if (did !== body.did)
    badDocument(`the document and recovery commitment hash to ${did}, not ${body.did}`);
  if (currentRecord(state.reader, did) !== undefined)
    throw new AppError('ERR_DID_ALREADY_EXISTS', `${did} already exists`);
  const record: DidRecord = {
    did,
    version: 1,
    created: time,
    updated: time,
    deactivated: false,
    recoveryCommitment: body.recoveryCommitment,
    document: body.document,
    txId,
  };
  state.write(DID_KEYS.current(parseRdid(did)), record);
}

/** The did module's genesis section: DIDs that exist from the start (e.g. the first authorities'). */
export const DidGenesis = Type.Object(
  { documents: Type.Array(CreateBody, { maxItems: 1000 }) },
  { additionalProperties: false },
);
const validateGenesis = createAjv().compile<Static<typeof DidGenesis>>(DidGenesis);

function initGenesis(state: ModuleState, config: unknown, genesisTime: number): void {
  if (config === undefined) return;
  if (!validateGenesis(config))
    throw new AppError(
      'ERR_LEDGER_BAD_GENESIS',
      `genesis "did" ${describeSchemaError(validateGenesis)}`,
    );
  try {
    for (const body of config.documents) createDid(state, body, genesisTime, 'genesis');
  } catch (err) {
    throw new AppError('ERR_LEDGER_BAD_GENESIS', `genesis "did": ${(err as Error).message}`, {
      cause: err,
    });
  }
}

const update: TxKind<UpdateBody> = {
  kind: 'did.update',
  schema: UpdateBody,
  authorize(state, ctx, body) {
    if (!signedByController(state, ctx, body.did))
      unauthorized(
        `did.update of ${body.did} must be signed by one of its capabilityInvocation keys`,
      );
  },
  apply(state, ctx, body) {
    const old = activeRecord(state.reader, body.did, body.version);
    const document = applyPatches(old.document, body.patches);
    checkDocument(document);
    supersede(state, old, {
      updated: ctx.blockTime,
      deactivated: false,
      recoveryCommitment: old.recoveryCommitment,
      document,
      txId: ctx.tx.id,
    });
  },
};

const recover: TxKind<RecoverBody> = {
  kind: 'did.recover',
  schema: RecoverBody,
  authorize(state, ctx, body) {
    if (ctx.signer !== `did:key:${body.recoveryKey}`)
      unauthorized('did.recover must be signed by the revealed recovery key');
    if (!signedByRecoveryKey(state, ctx, body.did))
      throw new AppError(
        'ERR_DID_BAD_RECOVERY',
        `the recovery key does not open the commitment of ${body.did}`,
      );
  },
  apply(state, ctx, body) {
    const old = activeRecord(state.reader, body.did, body.version);
    checkDocument(body.document);
    if (body.recoveryCommitment === old.recoveryCommitment)
      throw new AppError('ERR_DID_BAD_RECOVERY', 'recovery must commit to a new recovery key');
    supersede(state, old, {
      updated: ctx.blockTime,
      deactivated: false,
      recoveryCommitment: body.recoveryCommitment,
      document: body.document,
      txId: ctx.tx.id,
    });
  },
};

const deactivate: TxKind<DeactivateBody> = {
  kind: 'did.deactivate',
  schema: DeactivateBody,
  authorize(state, ctx, body) {
    // Only the recovery key may end a DID: a stolen update key must not be able to destroy it.
    if (ctx.signer !== `did:key:${body.recoveryKey}`)
      unauthorized('did.deactivate must be signed by the revealed recovery key');
    if (!signedByRecoveryKey(state, ctx, body.did))
      throw new AppError(
        'ERR_DID_BAD_RECOVERY',
        `the recovery key does not open the commitment of ${body.did}`,
      );
  },
  apply(state, ctx, body) {
    const old = activeRecord(state.reader, body.did, body.version);
    // Final: keys and services are kept for history, but nothing can sign for it any more.
    supersede(state, old, {
      updated: ctx.blockTime,
      deactivated: true,
      recoveryCommitment: '',
      document: old.document,
      txId: ctx.tx.id,
    });
  },
};

/** The did:rdid method as a ledger module: create, update, recover, deactivate. */
export const didModule: LedgerModule = {
  name: 'did:rdid',
  namespace: 'did',
  kinds: [create, update, recover, deactivate],
  keyResolvers: { rdid: resolveRdidKey },
  initGenesis: (state, config, time) => initGenesis(state, config, time),
  errors: DID_ERRORS,
  node: didNode,
};
