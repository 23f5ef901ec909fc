/**
 * The wallet's credential copies, kept next to the wallet file (`<wallet>.credentials`): one copy
 * per site, each bound to that site's pairwise key. Copies hold personal data (names, birth date)
 * so the file is encrypted (AES-256-GCM) under a key derived from the wallet seed (HKDF), written
 * 0600 and atomically. It can be lost: after a restore from the mnemonic, new copies are obtained
 * for the same pairwise keys.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { fromBase64url, hkdfSha256, toBase64url, utf8 } from '../crypto/index.ts';
import { AppError } from '../errors.ts';
import { replaceAtomically } from './atomic-write.ts';

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

interface StoreFile {
  readonly version: 1;
  readonly nonce: string;
  readonly sealed: string;
}

const LABEL = 'realdid/wallet-credentials/v1';

const keyOf = (seed: Uint8Array): Buffer =>
  Buffer.from(hkdfSha256(seed, utf8(LABEL), utf8('credential store key'), 32));

/** Where a wallet's copies are kept: next to the wallet file. */
export const credentialStorePath = (walletPath: string): string => `${walletPath}.credentials`;

/** The copies in the store (none if there is no store yet). @throws ERR_WALLET_CORRUPT */
export function readCopies(walletPath: string, seed: Uint8Array): StoredCopy[] {
  const path = credentialStorePath(walletPath);
  if (!existsSync(path)) return [];
  try {
    const file = JSON.parse(readFileSync(path, 'utf8')) as StoreFile;
    const sealed = fromBase64url(file.sealed);
    const d = createDecipheriv('aes-256-gcm', keyOf(seed), fromBase64url(file.nonce));
    d.setAAD(Buffer.from(LABEL));
    d.setAuthTag(sealed.subarray(sealed.length - 16));
    const plain = Buffer.concat([d.update(sealed.subarray(0, sealed.length - 16)), d.final()]);
    return (JSON.parse(plain.toString('utf8')) as { copies: StoredCopy[] }).copies;
  } catch (err) {
    throw new AppError(
      'ERR_WALLET_CORRUPT',
      `${path} cannot be read with this wallet's key (another wallet's, or damaged): ${(err as Error).message}`,
      { cause: err },
    );
  }
}

/** Replaces the store's content. */
export function writeCopies(
  walletPath: string,
  seed: Uint8Array,
  copies: readonly StoredCopy[],
): void {
  const nonce = randomBytes(12);
  const c = createCipheriv('aes-256-gcm', keyOf(seed), nonce);
  c.setAAD(Buffer.from(LABEL));
  const body = Buffer.concat([
    c.update(JSON.stringify({ copies }), 'utf8'),
    c.final(),
    c.getAuthTag(),
  ]);
  const file: StoreFile = { version: 1, nonce: toBase64url(nonce), sealed: toBase64url(body) };
  replaceAtomically(credentialStorePath(walletPath), `${JSON.stringify(file)}\n`);
}
