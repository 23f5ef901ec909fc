/**
 * What the wallet server's credit routes answer (src/cli/wallet-server/credit-report.ts and
 * credit-routes.ts), as the page reads it: the page speaks HTTP to its server and imports no
 * server code, so the shapes are written here again.
 */
import type {
  ConsentToken,
  CreditDispute,
  CreditQueryEvent,
  CreditRecordView,
  CreditScore,
  TrustAnchor,
  TxEvidence,
  StateEvidenceOf,
  CreditFeedEvent,
} from '../../src/sdk/index.ts';

export type { ConsentToken, CreditDispute, CreditQueryEvent, CreditRecordView, TrustAnchor };

/** A record's status in words. */
export type RecordStatus =
  'in-force' | 'disputed' | 'suppressed' | 'withdrawn' | 'restored' | 'expired';

/** Where the wallet found an event of the person's in the feed. */
export interface FoundAt {
  readonly seq: number;
  readonly height: number;
  readonly handleKey: 'record' | 'consent' | null;
  readonly seen: number;
}

/** A record about the person, with its status in words and what the wallet knows of it. */
export interface ReportRecord {
  readonly record: CreditRecordView;
  readonly status: RecordStatus;
  readonly disputable: boolean;
  readonly scored: boolean;
  readonly inReport: boolean;
  readonly found: FoundAt | null;
  readonly statements: readonly {
    readonly statement: string;
    readonly digest: string;
    readonly time: number;
  }[];
}

/** A query about the person, and where the wallet found it in the feed. */
export interface ReportQuery {
  readonly query: CreditQueryEvent;
  readonly found: FoundAt | null;
}

/** The score the wallet recomputed with the adopted model, and the node's. */
export interface ReportScore {
  readonly recomputed: CreditScore;
  readonly node: CreditScore | null;
  readonly matches: boolean;
  readonly model: { readonly version: string; readonly documentVersion: number };
}

/** A score the wallet kept when it changed. */
export interface StoredScore {
  readonly score: number;
  readonly grade: string;
  readonly model: string;
  readonly at: number;
  readonly records: readonly string[];
}

/** An event the wallet keeps, with the proofs it was checked with. */
export interface KeptEvent {
  readonly event: CreditFeedEvent;
  readonly handleKey: 'record' | 'consent' | null;
  readonly state: StateEvidenceOf<unknown>;
  readonly tx: TxEvidence;
  readonly seen: number;
}

/** `GET /api/credit/report`. */
export interface WalletCreditReport {
  readonly height: number;
  readonly at: number;
  readonly credential: {
    readonly authority: string;
    readonly consentKey: string;
    readonly obtained: number | null;
  };
  readonly records: readonly ReportRecord[];
  readonly score: ReportScore | null;
  readonly scores: readonly StoredScore[];
  readonly queries: readonly ReportQuery[];
  readonly cursor: number;
  readonly events: readonly KeptEvent[];
  readonly chain: {
    readonly chainId: string;
    readonly genesisHash: string;
    readonly trust: TrustAnchor;
  };
  readonly categories: Readonly<
    Record<string, { readonly name: string; readonly polarity: string }>
  >;
  readonly names: Readonly<Record<string, string>>;
}

/** `POST /api/credit/watch`. */
export interface WatchAnswer {
  readonly scanned: number;
  readonly found: number;
  readonly cursor: number;
  readonly kept: number;
}

/** `POST /api/credit/dispute`. */
export interface DisputeAnswer {
  readonly id: string;
  readonly height: number;
  readonly record: string;
  readonly digest: string;
  readonly dispute?: CreditDispute;
}

/** `POST /api/credit/consent`. */
export interface ConsentAnswer {
  readonly token: ConsentToken;
}
