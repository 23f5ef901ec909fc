/**
 * JSON Schemas (typebox) of what the wallet server's credit routes answer (credit-routes.ts,
 * credit-report.ts). As for every route of the wallet server (schemas.ts), answers are serialized
 * through them, so a field not declared here never reaches the page: the credit credential, the
 * credit pseudonym, the record key's seed and the consent key stay in the wallet process. What the
 * page checks again in the browser (transactions, state values and their proofs, checkpoints) is
 * declared field by field, as the ledger holds it, so that it reaches the page byte for byte.
 */
import { Type, type TSchema } from '@sinclair/typebox';
import { QueryEventView, RecordView } from '../../credit/index.ts';

const Str = Type.String();
const Int = Type.Integer();
const Strings = Type.Array(Type.String());
const literals = (values: readonly string[]) => Type.Union(values.map((v) => Type.Literal(v)));
const closed = (properties: Parameters<typeof Type.Object>[0]) =>
  Type.Object(properties, { additionalProperties: false });
const orNull = <T extends TSchema>(s: T) => Type.Union([s, Type.Null()]);

/** A checkpoint with the signatures of the organizations (what the browser verifies). */
const SignedCheckpoint = closed({
  checkpoint: closed({
    chainId: Str,
    height: Int,
    blockHash: Str,
    logSize: Int,
    logRoot: Str,
    stateRoot: Str,
    time: Int,
  }),
  signatures: Type.Array(closed({ org: Str, key: Str, sig: Str })),
});

/** A transaction with its inclusion proof (`TxEvidence` of the SDK). */
const TxEvidence = closed({
  id: Str,
  kind: Str,
  height: Int,
  logIndex: Int,
  tx: closed({
    kind: Str,
    body: Type.Object(
      {},
      {
        additionalProperties: true,
        description: 'the body as signed: the transaction id is the hash of the whole transaction',
      },
    ),
    signer: Str,
    nonce: Int,
    created: Int,
    sig: Str,
  }),
  inclusion: closed({ leafIndex: Int, logSize: Int, hashes: Strings }),
  checkpoint: SignedCheckpoint,
});

/** A record or query with its sparse-Merkle proof (`StateEvidenceOf` of the SDK). */
const StateEvidence = closed({
  key: Str,
  value: Type.Union([RecordView, QueryEventView]),
  proof: closed({
    key: Str,
    value: orNull(Str),
    siblings: Strings,
    leaf: Type.Optional(closed({ keyHash: Str, valueHash: Str })),
  }),
  checkpoint: SignedCheckpoint,
});

/** An event of the person's the wallet found in the feed and keeps (its handle is left out). */
const KeptEvent = closed({
  event: closed({
    seq: Int,
    kind: literals(['record', 'dispute', 'query']),
    ref: Str,
    tx: Str,
    nonce: Str,
    tag: Str,
  }),
  handleKey: orNull(literals(['record', 'consent'])),
  state: StateEvidence,
  tx: TxEvidence,
  seen: Int,
});

const FoundAt = closed({
  seq: Int,
  height: Int,
  handleKey: orNull(literals(['record', 'consent'])),
  seen: Int,
});

const Factor = { category: Str, points: Int, records: Strings };
const Score = closed({
  model: Str,
  at: Int,
  score: Int,
  grade: Str,
  reasons: Type.Array(closed({ code: Str, ...Factor })),
  records: Strings,
  factors: Type.Array(closed(Factor)),
});

/** `GET /api/credit/report` (credit-report.ts, `WalletCreditReport`). */
export const CreditReportAnswer = closed({
  height: Int,
  at: Int,
  credential: closed({ authority: Str, consentKey: Str, obtained: orNull(Int) }),
  records: Type.Array(
    closed({
      record: RecordView,
      status: literals(['in-force', 'disputed', 'suppressed', 'withdrawn', 'restored', 'expired']),
      disputable: Type.Boolean(),
      scored: Type.Boolean(),
      inReport: Type.Boolean(),
      found: orNull(FoundAt),
      statements: Type.Array(closed({ statement: Str, digest: Str, time: Int })),
    }),
  ),
  score: orNull(
    closed({
      recomputed: Score,
      node: orNull(Score),
      matches: Type.Boolean(),
      model: closed({ version: Str, documentVersion: Int }),
    }),
  ),
  scores: Type.Array(closed({ score: Int, grade: Str, model: Str, at: Int, records: Strings })),
  queries: Type.Array(closed({ query: QueryEventView, found: orNull(FoundAt) })),
  cursor: Int,
  events: Type.Array(KeptEvent),
  chain: closed({
    chainId: Str,
    genesisHash: Str,
    trust: closed({ chainId: Str, orgs: Type.Record(Type.String(), Strings) }),
  }),
  categories: Type.Record(Type.String(), closed({ name: Str, polarity: Str })),
  names: Type.Record(Type.String(), Str),
});

/** `POST /api/credit/dispute`: the dispute transaction and the dispute as the record now shows it. */
export const DisputeAnswer = closed({
  id: Str,
  height: Int,
  record: Str,
  digest: Str,
  dispute: RecordView.properties.dispute,
});
