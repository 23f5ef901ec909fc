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
});

export const CheckpointSig = Type.Object(
  {
    org: Type.String({ maxLength: 32 }),
    key: Type.String({ maxLength: 64 }),
    sig: Type.String({ minLength: 86, maxLength: 86 }),
  },
  { additionalProperties: false },
);

export const SignedCheckpoint = Type.Object({
  checkpoint: Type.Object({
    chainId: Type.String(),
    height: Height,
    blockHash: Hex32,
    logSize: Type.Integer(),
    logRoot: Hex32,
    stateRoot: Hex32,
    time: Type.Integer(),
  }),
  signatures: Type.Array(CheckpointSig),
});

export const InclusionProof = Type.Object({
  leafIndex: Type.Integer(),
  logSize: Type.Integer(),
  hashes: Type.Array(Hex32),
});

export const TxWithProof = Type.Object({
  id: Hex32,
  tx: Type.Object({}, { additionalProperties: true }),
  height: Height,
  logIndex: Type.Integer(),
  inclusion: InclusionProof,
  checkpoint: SignedCheckpoint,
});

export const Block = Type.Object({
  height: Height,
  hash: Hex32,
  header: Header,
  txIds: Type.Array(Hex32),
  signatures: Type.Array(CheckpointSig),
});

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
