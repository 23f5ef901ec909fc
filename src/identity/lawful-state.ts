/**
 * Ledger state of lawful de-anonymization (namespace `idn`): requests, the custodians' decisions,
 * the authority's outcome, and the notices that tell a person. Nothing here names a person: the
 * subject is a commitment (a hash of a fresh nonce and the site's pairwise DID), the case
 * reference a hash; the pairwise DID itself never reaches the ledger.
 */
import { sha256, toHex, utf8 } from '../crypto/index.ts';
import { readJson, type StateReader } from '../ledger/index.ts';

/** Domain tag of the subject commitment. */
export const LAWFUL_SUBJECT_TAG = 'realdid/lawful-subject/v1';

/**
 * The commitment a lawful request holds instead of the pairwise DID:
 * hex SHA-256 of `realdid/lawful-subject/v1\n<nonce>\n<pairwise DID>` (UTF-8). A wallet recomputes
 * it for each of its pairwise DIDs to find the notices about its person.
 */
export function lawfulSubjectOf(nonce: string, pairwiseDid: string): string {
  return toHex(sha256(utf8(`${LAWFUL_SUBJECT_TAG}\n${nonce}\n${pairwiseDid}`)));
}

/** Digits of a zero-padded time in a key, so that key order is time order (as deadlines do). */
const TIME_DIGITS = 15;
const padTime = (t: number): string => String(t).padStart(TIME_DIGITS, '0');

/** State keys and deadline refs of lawful de-anonymization: all of them, in one place. */
export const LAWFUL_KEYS = {
  request: (id: string) => `idn/lawful/${id}`,
  requestPrefix: 'idn/lawful/',
  notice: (id: string) => `idn/lawful-notice/${id}`,
  /** Notices by the block time they were written: what a wallet scans since its last visit. */
  noticeAt: (time: number, id: string) => `idn/lawful-notice-at/${padTime(time)}/${id}`,
  noticeAtPrefix: 'idn/lawful-notice-at/',
  /** A scan's exclusive `after` that starts at the first entry written at or after `time`. */
  noticeAtFrom: (time: number) => `idn/lawful-notice-at/${padTime(time)}/`,
  /** Deadline refs: the delayed notice, and the end of the request's life. */
  noticeDeadline: (id: string) => `lawful-notice/${id}`,
  expiryDeadline: (id: string) => `lawful-expiry/${id}`,
} as const;

/** Where a request stands. `released` and `not-found` are the authority's outcomes. */
export const LAWFUL_STATUSES = [
  'open',
  'approved',
  'refused',
  'expired',
  'released',
  'not-found',
] as const;
export type LawfulStatus = (typeof LAWFUL_STATUSES)[number];

/** One custodian's approval or refusal. */
export interface LawfulDecision {
  readonly custodian: string;
  readonly time: number;
  readonly reason?: string;
}

/** What the authority did with an approved request. */
export interface LawfulOutcome {
  readonly result: 'released' | 'not-found';
  /** Hex SHA-256 of the compact JWE the authority gave the requester (off the ledger). */
  readonly releaseHash: string;
  readonly time: number;
}

/** A lawful de-anonymization request as the ledger holds it (`idn/lawful/<id>`). */
export interface LawfulRequest {
  /** The `idn.lawful-request` transaction id. */
  readonly id: string;
  readonly requester: string;
  readonly authority: string;
  readonly site: string;
  /** {@link lawfulSubjectOf}(nonce, pairwise DID). */
  readonly subject: string;
  readonly nonce: string;
  /** The legal basis cited (public text). */
  readonly basis: string;
  /** Hex SHA-256 of the case reference (which stays with the requester). */
  readonly caseRef: string;
  readonly noticeDelayMs: number;
  /** Block times: filed; last moment decisions and the outcome are taken; when the notice is due. */
  readonly created: number;
  readonly expires: number;
  readonly noticeAt: number;
  status: LawfulStatus;
  approvals: LawfulDecision[];
  refusals: LawfulDecision[];
  approvedAt?: number;
  /** When it reached a final status (refused, expired, released, not-found). */
  closedAt?: number;
  outcome?: LawfulOutcome;
  /** Block time the person's notice was written. */
  noticed?: number;
}

/** The notice a person's wallet finds (`idn/lawful-notice/<request id>`). */
export interface LawfulNotice {
  readonly request: string;
  readonly subject: string;
  readonly nonce: string;
  readonly site: string;
  readonly authority: string;
  /** Block time and height it was written. */
  readonly time: number;
  readonly height: number;
}

/** A lawful request, if any. */
export function getLawfulRequest(state: StateReader, id: string): LawfulRequest | undefined {
  return readJson<LawfulRequest>(state, LAWFUL_KEYS.request(id));
}

/** The notice of a lawful request, once it is written. */
export function getLawfulNotice(state: StateReader, id: string): LawfulNotice | undefined {
  return readJson<LawfulNotice>(state, LAWFUL_KEYS.notice(id));
}
