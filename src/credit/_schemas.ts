/** JSON Schemas of the credit node's routes: signed envelopes, bodies, handles, reports. */
import { Type, type TSchema } from '@sinclair/typebox';
import { CreditHandleSchema } from '../credentials/index.ts';
import { QueryEventView, RecordView } from './queries.ts';
import { RecordId } from './schema.ts';

const B64u = (max: number) => Type.String({ pattern: '^[A-Za-z0-9_-]+$', maxLength: max });
const Nonce = Type.String({
  pattern: '^[A-Za-z0-9_-]{22}$',
  description: '16 random bytes, base64url',
});
const Created = Type.Integer({
  description: 'ms since the epoch (within 5 minutes of the server clock)',
});

/** A DID-signed request (did/signed-request.ts) carrying `body` for `action`. */
export function Signed(action: string, body: TSchema, audience: string) {
  return Type.Object(
    {
      request: Type.Object(
        {
          action: Type.Literal(action),
          audience: Type.String({ maxLength: 220, description: audience }),
          body,
          created: Created,
          nonce: Nonce,
        },
        { additionalProperties: false },
      ),
      signer: Type.String({ maxLength: 300, description: 'DID URL of the signing key' }),
      signature: B64u(100),
    },
    { additionalProperties: false },
  );
}

export const AUTHORITY_AUDIENCE = "the credit authority's DID (GET /v1/credit/authority)";
export const NODE_AUDIENCE = '"realdid:credit"';

/** A person's proof with a record's handle key (see `bodyReadBytes`). */
export const PersonProofSchema = Type.Object(
  {
    created: Created,
    nonce: Nonce,
    signature: Type.String({
      pattern: '^[A-Za-z0-9_-]{86}$',
      description:
        'Ed25519 signature by the handle key over utf8("realdid/credit/body-read/v1|<record>|<created>|<nonce>")',
    }),
  },
  { additionalProperties: false, description: "the subject's proof with the record's handle key" },
);

/** A signed transaction (the wire form of POST /v1/txs), checked again by the ledger. */
/** A signed transaction of one of `kinds` (its body is checked by the ledger, its kind here). */
export const signedTxOf = (kinds: readonly string[]) =>
  Type.Object(
    {
      kind: Type.Union(kinds.map((k) => Type.Literal(k))),
      body: Type.Object({}, { additionalProperties: true }),
      signer: Type.String({ maxLength: 512 }),
      nonce: Type.Integer({ minimum: 1 }),
      created: Type.Integer({ minimum: 0 }),
      sig: Type.String({ pattern: '^[A-Za-z0-9_-]{86}$' }),
    },
    { additionalProperties: false },
  );

export const SignedTxSchema = signedTxOf(['credit.issue', 'credit.amend']);

export const StoredBodyView = Type.Object(
  {
    id: Type.String({ description: 'the transaction id' }),
    height: Type.Integer(),
    record: RecordId,
  },
  { additionalProperties: false },
);

export const Multikey = Type.String({ pattern: '^z6Mk[1-9A-HJ-NP-Za-km-z]{44}$' });

export const LocatorKey = Type.Object(
  { kty: Type.Literal('OKP'), crv: Type.Literal('X25519'), x: Type.String() },
  { additionalProperties: false },
);

export const HandleView = Type.Object(
  { handle: CreditHandleSchema },
  { additionalProperties: false },
);

const Factor = {
  category: Type.String(),
  points: Type.Integer(),
  records: Type.Array(RecordId),
};
export const ScoreView = Type.Object(
  {
    model: Type.String(),
    at: Type.Integer(),
    score: Type.Integer(),
    grade: Type.String(),
    reasons: Type.Array(
      Type.Object({ code: Type.String(), ...Factor }, { additionalProperties: false }),
    ),
    records: Type.Array(RecordId),
    factors: Type.Array(Type.Object(Factor, { additionalProperties: false })),
  },
  { additionalProperties: false },
);

const ReportFields = {
  audience: Type.Union([Type.Literal('querier'), Type.Literal('subject')]),
  height: Type.Integer(),
  at: Type.Integer({ description: 'block time of the report (the score’s time)' }),
  records: Type.Array(RecordView),
  score: Type.Union([ScoreView, Type.Null()], { description: 'null before a model is adopted' }),
};

/** A querier's report. */
export const ReportView = Type.Object(ReportFields, { additionalProperties: false });

/** The subject's own report: also every query about them and the records they disputed. */
export const MyReportView = Type.Object(
  {
    ...ReportFields,
    queries: Type.Array(QueryEventView),
    disputes: Type.Array(RecordId),
  },
  { additionalProperties: false },
);
