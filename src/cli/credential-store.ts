/**
 * The wallet's credential copies, kept next to the wallet file (`<wallet>.credentials`): one copy
 * per site, each bound to that site's pairwise key. Copies hold personal data (names, birth date)
 * so the file is encrypted (AES-256-GCM) under a key derived from the wallet seed (HKDF), written
 * 0600 and atomically. It can be lost: after a restore from the mnemonic, new copies are obtained
 * for the same pairwise keys.
 */
import { readSealed, updateSealed, type SealedKind } from './sealed-file.ts';

/** One copy the wallet holds for a site. */
export interface StoredCopy {
  readonly origin: string;
  /** The site's pairwise DID (did:key), which the copy's `cnf` names. */
  readonly holder: string;
  readonly authority: string;
  readonly credential: string;
  readonly iat: number;
  readonly exp: number;
  readonly status: { readonly idx: number; readonly uri: string };
  /** Wall-clock ms when the wallet obtained it. */
  readonly obtained: number;
}

const KIND: SealedKind = {
  label: 'realdid/wallet-credentials/v1',
  info: 'credential store key',
};

/** Where a wallet's copies are kept: next to the wallet file. */
export const credentialStorePath = (walletPath: string): string => `${walletPath}.credentials`;

/** The copies in the store (none if there is no store yet). @throws ERR_WALLET_CORRUPT */
export function readCopies(walletPath: string, seed: Uint8Array): StoredCopy[] {
  return (
    readSealed<{ copies: StoredCopy[] }>(credentialStorePath(walletPath), seed, KIND)?.copies ?? []
  );
}

/** Keeps `copy` as the store's copy for its origin (replacing the one held), under the store's lock. */
export function keepCopy(walletPath: string, seed: Uint8Array, copy: StoredCopy): void {
  updateSealed<{ copies: StoredCopy[] }>(
    credentialStorePath(walletPath),
    seed,
    KIND,
    { copies: [] },
    (store) => ({ copies: [...store.copies.filter((c) => c.origin !== copy.origin), copy] }),
  );
}
