/**
 * The wallet's activity log, kept next to the wallet file (`<wallet>.activity`), sealed like the
 * credential copies: every presentation the wallet made or refused (site, claims shown, purpose,
 * policy and consent receipt, time), and the ledger evidence the wallet collected about the person
 * (state values with their proofs and the signed checkpoints they were checked against), so the
 * person holds evidence, not just a list.
 */
import type { SignedCheckpoint, StateProof } from '../ledger/index.ts';
import { readSealed, updateSealed, type SealedKind } from './sealed-file.ts';

/** One login answered, declined or refused by the wallet. */
export interface PresentationEntry {
  /** Wall-clock ms. */
  readonly time: number;
  readonly site: string;
  readonly siteName: string;
  /** The site's primary origin, from which its pairwise key is derived. */
  readonly origin: string;
  /** The pairwise DID the site knows the person by. */
  readonly account: string;
  readonly purpose: string;
  readonly purposeDescription: string;
  /** The claims the site asked for (shown, when `outcome` is `sent`). */
  readonly claims: readonly string[];
  readonly policy?: {
    readonly id: string;
    readonly legalBasis: string;
    readonly condition: string;
  };
  /** The consent receipt the person signed for a policy disclosure, and its SHA-256 (hex). */
  readonly receipt?: string;
  readonly receiptHash?: string;
  /** SHA-256 (base64url) of the `vp_token` sent. */
  readonly presentationHash?: string;
  /** `sent`, `declined` (by the person), or `refused` (by the wallet or the site, with `code`). */
  readonly outcome: 'sent' | 'declined' | 'refused';
  readonly code?: string;
}

/** A ledger fact about the person, with the proof that it is in the ledger's state. */
export interface Evidence {
  /** What it shows, e.g. `binding`, `disclosure`, `lawful-notice`. */
  readonly kind: string;
  readonly key: string;
  readonly value: unknown;
  readonly proof: StateProof;
  readonly checkpoint: SignedCheckpoint;
  /** Wall-clock ms when the wallet checked it. */
  readonly checked: number;
}

export interface ActivityLog {
  readonly presentations: PresentationEntry[];
  /** The latest evidence per state key. */
  readonly evidence: Evidence[];
}

const KIND: SealedKind = { label: 'realdid/wallet-activity/v1', info: 'activity log key' };

export const activityLogPath = (walletPath: string): string => `${walletPath}.activity`;

const EMPTY: ActivityLog = { presentations: [], evidence: [] };

/** The log (empty if there is none yet). @throws ERR_WALLET_CORRUPT */
export function readActivity(walletPath: string, seed: Uint8Array): ActivityLog {
  return readSealed<ActivityLog>(activityLogPath(walletPath), seed, KIND) ?? EMPTY;
}

/** Appends a presentation to the log. */
export function logPresentation(
  walletPath: string,
  seed: Uint8Array,
  entry: PresentationEntry,
): void {
  updateSealed(activityLogPath(walletPath), seed, KIND, EMPTY, (log) => ({
    ...log,
    presentations: [...log.presentations, entry],
  }));
}

/** Keeps the evidence given, replacing older evidence for the same state keys. */
export function keepEvidence(
  walletPath: string,
  seed: Uint8Array,
  evidence: readonly Evidence[],
): void {
  const fresh = new Set(evidence.map((e) => e.key));
  updateSealed(activityLogPath(walletPath), seed, KIND, EMPTY, (log) => ({
    ...log,
    evidence: [...log.evidence.filter((e) => !fresh.has(e.key)), ...evidence],
  }));
}
