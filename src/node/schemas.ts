import { Type } from '@sinclair/typebox';

/** JSON Schemas of the HTTP API (also the OpenAPI document at /docs). */
export const Hex32 = Type.String({
  pattern: '^[0-9a-f]{64}$',
  description: 'SHA-256, lower-case hex',
});
export const Height = Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER });

export const ErrorBody = Type.Object(
  {
    code: Type.String({ description: 'stable ERR_<AREA>_<REASON> code, see docs/errors.md' }),
    message: Type.String(),
    details: Type.Optional(Type.Object({}, { additionalProperties: true })),
  },
  { $id: 'Error' },
);

/** The error answers a route can give (statuses from the composed error registry). */
export const errorResponses = Object.fromEntries(
  [400, 401, 403, 404, 409, 410, 413, 422, 500, 503].map((s) => [s, ErrorBody]),
);

/** A signed transaction on the wire. Kind-specific body checks happen in the ledger. */
export const SignedTx = Type.Object(
  {
    kind: Type.String({ maxLength: 81 }),
    body: Type.Object({}, { additionalProperties: true }),
    signer: Type.String({ maxLength: 512 }),
    nonce: Type.Integer({ minimum: 1 }),
    created: Type.Integer({ minimum: 0 }),
    sig: Type.String({ minLength: 86, maxLength: 86 }),
  },
  { additionalProperties: false, $id: 'SignedTx' },
);

export const Receipt = Type.Object({
  id: Hex32,
  height: Height,
  logIndex: Type.Integer({ minimum: 0 }),
});

export const BatchResult = Type.Object({
  results: Type.Array(
    Type.Union([
      Type.Object({ ok: Type.Literal(true), id: Hex32, height: Height, logIndex: Type.Integer() }),
      Type.Object({ ok: Type.Literal(false), id: Type.Optional(Hex32), error: ErrorBody }),
    ]),
  ),
});

export const Header = Type.Object({
  height: Height,
  prevHash: Hex32,
  txRoot: Hex32,
  stateRoot: Hex32,
  logSize: Type.Integer(),
  logRoot: Hex32,
  time: Type.Integer(),
  invalidRoot: Type.Optional(Hex32),
});

export const CheckpointSig = Type.Object(
  {
    org: Type.String({ maxLength: 32 }),
    key: Type.String({ maxLength: 64 }),
    sig: Type.String({ minLength: 86, maxLength: 86 }),
  },
  { additionalProperties: false },
);

/** What organizations sign for a block (see `checkpointSigningBytes`). */
export const Checkpoint = Type.Object({
  chainId: Type.String(),
  height: Height,
  blockHash: Hex32,
  logSize: Type.Integer(),
  logRoot: Hex32,
  stateRoot: Hex32,
  time: Type.Integer(),
});

export const SignedCheckpoint = Type.Object({
  checkpoint: Checkpoint,
  signatures: Type.Array(CheckpointSig),
});

export const InclusionProof = Type.Object({
  leafIndex: Type.Integer(),
  logSize: Type.Integer(),
  hashes: Type.Array(Hex32),
});

export const TxWithProof = Type.Object({
  id: Hex32,
  status: Type.Optional(Type.Literal('committed')),
  tx: Type.Object({}, { additionalProperties: true }),
  height: Height,
  logIndex: Type.Integer(),
  inclusion: InclusionProof,
  checkpoint: SignedCheckpoint,
});

/** A transaction a consortium block records as invalid: ordered, tried, failed, changed nothing. */
export const InvalidTxEntry = Type.Object({
  id: Type.Union([Hex32, Type.Null()], { description: 'null: the entry could not be decoded' }),
  position: Type.Integer({ minimum: 0, description: 'the log index it was tried at' }),
  code: Type.String({ description: 'the error code every node got for it (docs/errors.md)' }),
  message: Type.String(),
});

export const Block = Type.Object({
  height: Height,
  hash: Hex32,
  header: Header,
  txIds: Type.Array(Hex32),
  signatures: Type.Array(CheckpointSig),
  invalid: Type.Array(InvalidTxEntry, {
    description: 'transactions ordered into this block that failed (always empty on a solo node)',
  }),
});

/** `GET /v1/blocks`: the newest blocks first, as the node lists them (each block's own route has the rest). */
export const BlockList = Type.Object(
  {
    blocks: Type.Array(
      Type.Object(
        {
          height: Height,
          hash: Hex32,
          time: Type.Integer({ description: 'block time, ms since the epoch' }),
          txCount: Type.Integer({ minimum: 0, description: 'committed transactions' }),
        },
        { additionalProperties: false },
      ),
    ),
    next: Type.Union([Height, Type.Null()], {
      description: 'pass as `before` for the next (older) page; null once block 0 was listed',
    }),
  },
  { additionalProperties: false },
);

export const BlockListQuery = Type.Object(
  {
    before: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: Number.MAX_SAFE_INTEGER,
        description: 'list blocks below this height (default: from the head down)',
      }),
    ),
    limit: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 100, description: 'page size (default 20)' }),
    ),
  },
  { additionalProperties: false },
);

/** `GET /v1/txs/{id}` of a transaction a consortium block recorded as invalid. */
export const InvalidTxAnswer = Type.Object({
  id: Hex32,
  status: Type.Literal('invalid'),
  height: Height,
  position: Type.Integer({ minimum: 0 }),
  code: Type.String(),
  message: Type.String(),
});

/** Whether a block is final: signed by the governance quorum of organizations. */
export const Finality = Type.Object({
  height: Height,
  status: Type.Union([Type.Literal('pending'), Type.Literal('final')]),
  quorum: Type.Integer({ minimum: 1, description: 'the governance quorum at the head' }),
  checkpoint: Checkpoint,
  signatures: Type.Array(CheckpointSig, {
    description: "member signatures over this node's checkpoint of the block, one per organization",
  }),
});

/** `GET /v1/consortium`: solo, or what this node sees of the NATS consortium. */
export const ConsortiumView = Type.Union([
  Type.Object({ type: Type.Literal('solo') }),
  Type.Object({
    type: Type.Literal('nats'),
    stream: Type.String(),
    connected: Type.Boolean(),
    org: Type.Union([Type.String(), Type.Null()], {
      description: "this node's organization (null: an observer)",
    }),
    member: Type.Boolean({
      description:
        "is this node's key its organization's member key at the head (it signs the blocks it applies)?",
    }),
    appliedSeq: Type.Integer({ minimum: 0, description: 'last stream sequence applied' }),
    halted: Type.Union([
      Type.Null(),
      Type.Object({
        code: Type.String(),
        message: Type.String(),
        height: Type.Optional(Height),
      }),
    ]),
    alarms: Type.Object({
      badSignature: Type.Integer({ minimum: 0 }),
      divergent: Type.Integer({ minimum: 0 }),
      equivocation: Type.Integer({ minimum: 0 }),
    }),
  }),
]);

export const ConsistencyProof = Type.Object({
  size1: Type.Integer(),
  size2: Type.Integer(),
  hashes: Type.Array(Hex32),
});

export const StateProofBody = Type.Object(
  {
    key: Type.String(),
    value: Type.Union([Type.String(), Type.Null()], {
      description: 'canonical JSON text of the value, or null if absent',
    }),
    siblings: Type.Array(Type.String()),
    leaf: Type.Optional(Type.Object({ keyHash: Hex32, valueHash: Hex32 })),
  },
  { additionalProperties: true },
);

export const StateWithProof = Type.Object({
  key: Type.String(),
  value: Type.Unknown({ description: 'the parsed value, or null' }),
  proof: StateProofBody,
  checkpoint: SignedCheckpoint,
});

export const StateKeyQuery = Type.Object(
  { key: Type.String({ minLength: 1, maxLength: 512 }) },
  { additionalProperties: false },
);

export const Genesis = Type.Object(
  {
    chainId: Type.String(),
    time: Type.Integer({ minimum: 0 }),
    modules: Type.Record(Type.String(), Type.Unknown(), {
      description: 'one section per module namespace, each checked by its module',
    }),
  },
  { additionalProperties: false },
);
