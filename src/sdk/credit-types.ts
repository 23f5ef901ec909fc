/**
 * The credit registry's shapes as its API serves them (PLAN-credit.md). The SDK does not import
 * credit/ (a sibling of its layer's allowed imports), so it mirrors the few types it reads here,
 * as lawful.ts mirrors the identity module's records. Handles and consent tokens come from
 * credentials/, which the SDK may import.
 */
import type { ConsentToken, CreditHandle } from '../credentials/index.ts';
import type { X25519PublicJwk } from '../crypto/index.ts';
import type { AdoptedDocument } from '../governance/index.ts';

export type { ConsentToken, CreditHandle };

/** An organization by its Unified Social Credit Code (GB 32100-2015). */
export interface OrgSubject {
  readonly type: 'org';
  readonly uscc: string;
}

/** A person, by a one-time handle only the person can recognize. */
export interface PersonSubject {
  readonly type: 'person';
  readonly handle: CreditHandle;
}

/** Who a record or a query is about. */
export type CreditSubject = OrgSubject | PersonSubject;

/** A record category governance adopted (document `credit/categories`). */
export interface CreditCategory {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly polarity: 'negative' | 'positive';
  readonly severities: number;
  readonly retentionDays: number;
  readonly public: boolean;
  readonly subjects: readonly ('org' | 'person')[];
  readonly issuers: readonly string[];
}

/** A list of organizations with its entry rule (document `credit/lists`). */
export interface CreditListRule {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly categories: readonly string[];
  readonly threshold: number;
  readonly minSeverity: number;
}

/** An organization on a list since `since`, with the records that put it there. */
export interface CreditListEntry {
  readonly list: string;
  readonly uscc: string;
  readonly since: number;
  readonly records: readonly string[];
}

/** A dispute of a record by its subject. */
export interface CreditDispute {
  readonly status: 'open' | 'upheld' | 'amended' | 'withdrawn' | 'lapsed';
  /** Hex SHA-256 of the subject's statement (the statement itself is off the ledger). */
  readonly statement: string;
  /** The record's version it disputes (one dispute per version). */
  readonly version: number;
  readonly filed: number;
  readonly deadline: number;
  readonly tx: string;
  readonly answered?: number;
  readonly note?: string;
}

/** A credit record as the ledger holds it at `credit/record/<id>` (never its body). */
export interface CreditRecordView {
  readonly id: string;
  readonly subject: CreditSubject;
  readonly category: string;
  readonly polarity: 'negative' | 'positive';
  readonly severity: number;
  readonly legalBasis: string;
  readonly evidence: string;
  readonly commitment: string;
  readonly occurred: string;
  readonly effective: string;
  readonly expires: string;
  readonly issuer: string;
  readonly public: boolean;
  readonly status: 'active' | 'withdrawn' | 'restored';
  readonly expired: boolean;
  readonly suppressed: boolean;
  readonly dispute?: CreditDispute;
  readonly version: number;
  readonly issued: number;
  readonly updated: number;
  readonly fulfilled?: string;
  readonly history: readonly {
    readonly at: number;
    readonly action: string;
    readonly tx?: string;
  }[];
}

/** A query as logged at `credit/query/<tx id>`, allowed or denied. */
export interface CreditQueryEvent {
  readonly id: string;
  readonly querier: string;
  readonly purpose: string;
  readonly subject: CreditSubject;
  /** Hex SHA-256 of the consent token ({@link consentHash}), null when none came. */
  readonly consent: string | null;
  readonly outcome: 'allowed' | 'denied';
  /** Why it was denied: an `ERR_CREDIT_CONSENT_*` code. */
  readonly reason?: string;
  readonly at: number;
}

/** One entry of the person-event feed (`GET /v1/credit/events`). */
export interface CreditFeedEvent {
  /** The log index of the transaction that wrote it. */
  readonly seq: number;
  readonly kind: 'record' | 'dispute' | 'query';
  /** The record id (record, dispute) or the query id. */
  readonly ref: string;
  readonly tx: string;
  readonly nonce: string;
  readonly tag: string;
}

/** One category's contribution to a score. */
export interface CreditScoreFactor {
  readonly category: string;
  readonly points: number;
  readonly records: readonly string[];
}

/** A subject's score under the adopted model (see credit/score.ts for the formula). */
export interface CreditScore {
  readonly model: string;
  readonly at: number;
  readonly score: number;
  readonly grade: string;
  readonly reasons: readonly (CreditScoreFactor & { readonly code: string })[];
  readonly records: readonly string[];
  readonly factors: readonly CreditScoreFactor[];
}

/** A credit report, built by the node from ledger state at one block. */
export interface CreditReport {
  readonly audience: 'querier' | 'subject';
  readonly height: number;
  readonly at: number;
  readonly records: readonly CreditRecordView[];
  /** Null when governance has adopted no scoring model yet. */
  readonly score: CreditScore | null;
  /** The subject's own report only: every query about them. */
  readonly queries?: readonly CreditQueryEvent[];
  /** The subject's own report only: the records they disputed. */
  readonly disputes?: readonly string[];
}

/** A record body: a salt and the issuer's details, kept encrypted at the node it was sent to. */
export interface RecordBody {
  /** At least 16 random bytes, base64url. */
  readonly salt: string;
  readonly details: Readonly<Record<string, string | number | boolean>>;
}

/** A body read back, with the record version it belongs to. */
export interface ReadBody {
  readonly record: string;
  readonly version: number;
  readonly body: RecordBody;
  /** The statements of the record's disputes (SHA-256 of the text, and the text), oldest first. */
  readonly statements: readonly { readonly digest: string; readonly text: string }[];
}

/** What an issuer writes about a subject (the commitment is computed from the body). */
export interface IssueInput {
  readonly subject: CreditSubject;
  readonly category: string;
  readonly severity: number;
  readonly legalBasis: string;
  /** Hex SHA-256 of the evidence the issuer holds. */
  readonly evidence: string;
  readonly occurred: string;
  readonly effective: string;
  readonly expires?: string;
}

/** The fields an amendment may change (the commitment comes from a new body, if any). */
export interface AmendChanges {
  readonly severity?: number;
  readonly legalBasis?: string;
  readonly evidence?: string;
  readonly occurred?: string;
  readonly effective?: string;
  readonly expires?: string;
}

/** The credit authority a node serves. */
export interface CreditAuthorityInfo {
  readonly did: string;
  readonly locatorKey: X25519PublicJwk;
}

/** What a transaction sent with a body answers. */
export interface StoredRecord {
  readonly id: string;
  readonly height: number;
  readonly record: string;
}

/** A scoring model (document `credit/model`; the formula is in credit/score.ts). */
export interface CreditScoringModel {
  readonly version: string;
  readonly base: number;
  readonly min: number;
  readonly max: number;
  readonly weights: Readonly<Record<string, number>>;
  readonly severityMultipliers: readonly number[];
  readonly halfLifeDays: number;
  readonly caps: Readonly<Record<string, number>>;
  readonly bands: readonly { readonly grade: string; readonly min: number }[];
}

/** The scoring model as governance adopted it (state `gov/doc/credit/model`). */
export type AdoptedModel = AdoptedDocument<CreditScoringModel>;
