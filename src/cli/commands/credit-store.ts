/**
 * The wallet's credit store, next to the wallet file (`<wallet>.credit`), sealed like the
 * activity log: the credit credential (the person's pseudonym and record seed: secrets), the feed
 * cursor of the last look, every event of the person's found so far with the proofs it was
 * checked with (transaction inclusion, record or query state, the signed checkpoints), and the
 * statements of the person's disputes (the ledger keeps only their SHA-256).
 */
import type { WatchedEvent } from '../../sdk/index.ts';
import { readSealed, updateSealed, type SealedKind } from '../sealed-file.ts';

/** An event kept with its proofs, and when the wallet first saw it (wall-clock ms). */
export type StoredCreditEvent = WatchedEvent & { readonly seen: number };

/** A dispute statement the person filed: the text, its digest on the ledger, the tx. */
export interface StoredStatement {
  readonly record: string;
  readonly statement: string;
  readonly digest: string;
  readonly tx: string;
  readonly time: number;
}

/** A score the wallet recomputed for the person's own report, kept when it changed. */
export interface StoredScore {
  readonly score: number;
  readonly grade: string;
  readonly model: string;
  /** The block time the score is for. */
  readonly at: number;
  /** The records behind it. */
  readonly records: readonly string[];
}

/** How many scores the store keeps (the latest ones). */
export const MAX_STORED_SCORES = 20;

export interface CreditStore {
  readonly credential?: string;
  readonly authority?: string;
  /** Wall-clock ms when the credential was obtained. */
  readonly obtained?: number;
  /** The last feed seq looked at (-1 before the first look). */
  readonly cursor: number;
  readonly events: readonly StoredCreditEvent[];
  readonly statements: readonly StoredStatement[];
  /** The scores of the person's own report as the wallet recomputed them, oldest first. */
  readonly scores?: readonly StoredScore[];
}

const KIND: SealedKind = { label: 'realdid/wallet-credit/v1', info: 'credit store key' };
const EMPTY: CreditStore = { cursor: -1, events: [], statements: [] };

/** Where a wallet's credit store is kept: next to the wallet file. */
export const creditStorePath = (walletPath: string): string => `${walletPath}.credit`;

/** The store (empty if there is none yet). @throws ERR_WALLET_CORRUPT */
export function readCreditStore(walletPath: string, seed: Uint8Array): CreditStore {
  return readSealed<CreditStore>(creditStorePath(walletPath), seed, KIND) ?? EMPTY;
}

/** Changes the store under its lock. @throws ERR_WALLET_CORRUPT, ERR_CLI_SYSTEM */
export function updateCreditStore(
  walletPath: string,
  seed: Uint8Array,
  change: (s: CreditStore) => CreditStore,
): CreditStore {
  return updateSealed(creditStorePath(walletPath), seed, KIND, EMPTY, change);
}

/**
 * Adds the events of a look (new ones only, by feed seq) and moves the cursor; a new
 * credential (another authority) starts the store over.
 */
export function keepLook(
  walletPath: string,
  seed: Uint8Array,
  look: { events: readonly WatchedEvent[]; cursor: number },
): CreditStore {
  const now = Date.now();
  return updateCreditStore(walletPath, seed, (s) => {
    const known = new Set(s.events.map((e) => e.event.seq));
    const fresh = look.events
      .filter((e) => !known.has(e.event.seq))
      .map((e) => ({ ...e, seen: now }));
    return { ...s, cursor: Math.max(s.cursor, look.cursor), events: [...s.events, ...fresh] };
  });
}

/**
 * Keeps a recomputed score when it differs (score, grade, model or records) from the last one
 * kept; answers the scores kept, oldest first.
 */
export function keepScore(walletPath: string, seed: Uint8Array, score: StoredScore): StoredScore[] {
  const same = (a: StoredScore, b: StoredScore) =>
    a.score === b.score &&
    a.grade === b.grade &&
    a.model === b.model &&
    a.records.join() === b.records.join();
  const kept = updateCreditStore(walletPath, seed, (s) => {
    const scores = s.scores ?? [];
    const last = scores.at(-1);
    if (last !== undefined && same(last, score)) return s;
    return { ...s, scores: [...scores, score].slice(-MAX_STORED_SCORES) };
  });
  return [...(kept.scores ?? [])];
}
