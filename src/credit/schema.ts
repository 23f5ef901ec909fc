/**
 * Shapes of the credit module: subjects, the governance documents it reads (categories, lists),
 * transaction bodies and the records, disputes and query events it keeps in state.
 */
import { Type, type Static } from '@sinclair/typebox';
import { ConsentTokenSchema, CreditHandleSchema, type CreditHandle } from '../credentials/index.ts';
import { USCC_PATTERN } from './uscc.ts';

const Hex64 = Type.String({ pattern: '^[0-9a-f]{64}$' });
/** A calendar date `YYYY-MM-DD` (checked to be a real date by the module). */
export const DateString = Type.String({ pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' });
export const CategoryId = Type.String({ pattern: '^[a-z][a-z0-9-]{1,47}$' });
export const RecordId = Type.String({ pattern: '^[0-9a-f]{64}$', description: 'the issue tx id' });
export const Purpose = Type.String({ pattern: '^[a-z0-9][a-z0-9._:/-]{0,127}$' });
const Did = Type.String({ pattern: '^did:[a-z0-9]+:[A-Za-z0-9._:%-]{1,200}$', maxLength: 220 });
const Text = (max: number) => Type.String({ minLength: 1, maxLength: max });

export const OrgSubject = Type.Object(
  { type: Type.Literal('org'), uscc: Type.String({ pattern: USCC_PATTERN }) },
  { additionalProperties: false },
);
export const PersonSubject = Type.Object(
  { type: Type.Literal('person'), handle: CreditHandleSchema },
  { additionalProperties: false },
);
/** Who a record or query is about: an organization by its code, a person by a one-time handle. */
export const Subject = Type.Union([OrgSubject, PersonSubject]);
export type OrgSubject = Static<typeof OrgSubject>;
export type PersonSubject = { readonly type: 'person'; readonly handle: CreditHandle };
export type Subject = OrgSubject | PersonSubject;

export const POLARITIES = ['negative', 'positive'] as const;
export type Polarity = (typeof POLARITIES)[number];
export const SUBJECT_TYPES = ['org', 'person'] as const;

/** A record category governance adopted (document `credit/categories`). */
export const CategorySchema = Type.Object(
  {
    id: CategoryId,
    name: Text(100),
    description: Text(500),
    polarity: Type.Union(POLARITIES.map((p) => Type.Literal(p))),
    /** Severity scale: a record's severity is 1..severities. */
    severities: Type.Integer({ minimum: 1, maximum: 10 }),
    /** Days from the effective date to expiry (the longest a record of this category may last). */
    retentionDays: Type.Integer({ minimum: 1, maximum: 36600 }),
    /** Whether records about organizations are public (people's records never are). */
    public: Type.Boolean(),
    subjects: Type.Array(Type.Union(SUBJECT_TYPES.map((s) => Type.Literal(s))), {
      minItems: 1,
      uniqueItems: true,
    }),
    /** The accredited credit issuers (DIDs) allowed to write it. */
    issuers: Type.Array(Did, { maxItems: 256, uniqueItems: true }),
  },
  { additionalProperties: false },
);
export type Category = Static<typeof CategorySchema>;
export const CategoriesDocument = Type.Object(
  { categories: Type.Array(CategorySchema, { minItems: 1, maxItems: 200 }) },
  { additionalProperties: false },
);
export type CategoriesDocument = Static<typeof CategoriesDocument>;

/** A list of organizations with an entry rule over public records (document `credit/lists`). */
export const ListRuleSchema = Type.Object(
  {
    id: Type.String({ pattern: '^[a-z][a-z0-9-]{1,47}$' }),
    name: Text(200),
    description: Text(1000),
    categories: Type.Array(CategoryId, { minItems: 1, maxItems: 32, uniqueItems: true }),
    /** Final records (active, undisputed, not suppressed) needed to enter. */
    threshold: Type.Integer({ minimum: 1, maximum: 1000 }),
    minSeverity: Type.Integer({ minimum: 1, maximum: 10 }),
  },
  { additionalProperties: false },
);
export type ListRule = Static<typeof ListRuleSchema>;
export const ListsDocument = Type.Object(
  { lists: Type.Array(ListRuleSchema, { maxItems: 64 }) },
  { additionalProperties: false },
);
export type ListsDocument = Static<typeof ListsDocument>;

const RecordFields = {
  severity: Type.Integer({ minimum: 1, maximum: 10 }),
  /** The law or rule the record rests on (no personal data: it is public on the ledger). */
  legalBasis: Text(300),
  /** SHA-256 (hex) of the evidence the issuer holds. */
  evidence: Hex64,
  /** SHA-256 (hex) of the record body kept encrypted at the issuer's node (see body.ts). */
  commitment: Hex64,
  occurred: DateString,
  effective: DateString,
  /** Default: effective + the category's retention. */
  expires: DateString,
};

export const IssueBody = Type.Object(
  {
    subject: Subject,
    category: CategoryId,
    ...RecordFields,
    expires: Type.Optional(RecordFields.expires),
  },
  { additionalProperties: false },
);
export type IssueBody = Omit<Static<typeof IssueBody>, 'subject'> & { subject: Subject };

const AmendFields = Type.Object(
  {
    severity: Type.Optional(RecordFields.severity),
    legalBasis: Type.Optional(RecordFields.legalBasis),
    evidence: Type.Optional(RecordFields.evidence),
    commitment: Type.Optional(RecordFields.commitment),
    occurred: Type.Optional(RecordFields.occurred),
    effective: Type.Optional(RecordFields.effective),
    expires: Type.Optional(RecordFields.expires),
  },
  { additionalProperties: false },
);
export type AmendFields = Static<typeof AmendFields>;
export const AmendBody = Type.Object(
  { record: RecordId, changes: AmendFields, note: Text(300) },
  { additionalProperties: false },
);
export type AmendBody = Static<typeof AmendBody>;
export const WithdrawBody = Type.Object(
  { record: RecordId, reason: Text(300) },
  { additionalProperties: false },
);
export type WithdrawBody = Static<typeof WithdrawBody>;
/** Credit restoration: the subject fulfilled what the record was about (paid, corrected). */
export const RestoreBody = Type.Object(
  { record: RecordId, fulfilled: DateString, evidence: Hex64, note: Text(300) },
  { additionalProperties: false },
);
export type RestoreBody = Static<typeof RestoreBody>;
/** The statement itself (≤ 500 characters) travels off-ledger to the issuer; the ledger keeps its digest. */
export const DisputeBody = Type.Object(
  { record: RecordId, statement: Hex64 },
  { additionalProperties: false },
);
export type DisputeBody = Static<typeof DisputeBody>;
export const DECISIONS = ['uphold', 'amend', 'withdraw'] as const;
export const RespondBody = Type.Object(
  {
    record: RecordId,
    decision: Type.Union(DECISIONS.map((d) => Type.Literal(d))),
    note: Text(300),
    changes: Type.Optional(AmendFields),
  },
  { additionalProperties: false },
);
export type RespondBody = Static<typeof RespondBody>;
export const QueryBody = Type.Object(
  { subject: Subject, purpose: Purpose, consent: Type.Optional(ConsentTokenSchema) },
  { additionalProperties: false },
);
export type QueryBody = Omit<Static<typeof QueryBody>, 'subject'> & { subject: Subject };
export const BindOrgBody = Type.Object(
  { uscc: Type.String({ pattern: USCC_PATTERN }), did: Did },
  { additionalProperties: false },
);
export type BindOrgBody = Static<typeof BindOrgBody>;

export const RECORD_STATUSES = ['active', 'withdrawn', 'restored'] as const;
export type RecordStatus = (typeof RECORD_STATUSES)[number];
export const DISPUTE_STATUSES = ['open', 'upheld', 'amended', 'withdrawn', 'lapsed'] as const;
export type DisputeStatus = (typeof DISPUTE_STATUSES)[number];

/** A dispute of a record by its subject. */
export interface Dispute {
  status: DisputeStatus;
  /** SHA-256 (hex) of the subject's statement. */
  readonly statement: string;
  /** The record's version it disputes (one dispute per version). */
  readonly version: number;
  readonly filed: number;
  /** The issuer must answer before this block time; at the first block at or after it, a still open dispute lapses. */
  readonly deadline: number;
  readonly tx: string;
  answered?: number;
  note?: string;
}

/** One change in a record's life, as the subject's report lists it. */
export interface RecordEvent {
  readonly at: number;
  readonly action:
    'issued' | 'amended' | 'withdrawn' | 'restored' | 'disputed' | 'upheld' | 'lapsed' | 'expired';
  readonly tx?: string;
}

/** A credit record as stored at `credit/record/<id>`: metadata and a commitment, never the body. */
export interface CreditRecord {
  readonly id: string;
  readonly subject: Subject;
  readonly category: string;
  readonly polarity: Polarity;
  severity: number;
  legalBasis: string;
  evidence: string;
  commitment: string;
  occurred: string;
  effective: string;
  expires: string;
  readonly issuer: string;
  readonly public: boolean;
  status: RecordStatus;
  /** Set at the first block on or after the expiry date: out of every report, list and score. */
  expired: boolean;
  /** Set when a dispute lapsed unanswered: out of reports' scores and lists. */
  suppressed: boolean;
  dispute?: Dispute;
  /** 1 at issue, one more at each amendment. */
  version: number;
  readonly issued: number;
  updated: number;
  fulfilled?: string;
  history: RecordEvent[];
}

export const QUERY_OUTCOMES = ['allowed', 'denied'] as const;
/** A query as logged at `credit/query/<tx id>`, allowed or denied. */
export interface QueryEvent {
  readonly id: string;
  readonly querier: string;
  readonly purpose: string;
  readonly subject: Subject;
  /** SHA-256 (hex) of the consent token, null when none came. */
  readonly consent: string | null;
  readonly outcome: (typeof QUERY_OUTCOMES)[number];
  /** Why it was denied: an `ERR_CREDIT_CONSENT_*` code. */
  readonly reason?: string;
  readonly at: number;
}

/** An organization code bound to the DID that speaks for it (disputes). */
export interface OrgBinding {
  readonly uscc: string;
  readonly did: string;
  readonly authority: string;
  readonly since: number;
}

/** A list entry: an organization on a list since `since`, with the records that put it there. */
export interface ListEntry {
  readonly list: string;
  readonly uscc: string;
  readonly since: number;
  records: string[];
}

/** A person-subject event, indexed by log position for wallets that watch for their own handles. */
export interface PersonEvent {
  readonly kind: 'record' | 'dispute' | 'query';
  /** The record id (record, dispute) or query id. */
  readonly ref: string;
  readonly tx: string;
  readonly nonce: string;
  readonly tag: string;
}
