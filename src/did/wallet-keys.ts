import {
  entropyToMnemonic,
  generateMnemonic,
  mnemonicToEntropy,
  mnemonicToSeedSync,
  validateMnemonic,
} from '@scure/bip39';
import { wordlist } from '@scure/bip39/wordlists/english.js';
import {
  ed25519FromSeed,
  encodeMultikey,
  hkdfSha256,
  utf8,
  type Ed25519KeyPair,
} from '../crypto/index.ts';
import { AppError } from '../errors.ts';

/** HKDF salts: domain separation between the wallet's master keys and its pairwise keys. */
export const MASTER_SALT = 'realdid/wallet/v1';
export const PAIRWISE_SALT = 'realdid/pairwise/v1';

/** A new BIP-39 mnemonic (24 words, 256 bits of entropy from the OS CSPRNG). */
export function newMnemonic(words: 12 | 24 = 24): string {
  return generateMnemonic(wordlist, words === 24 ? 256 : 128);
}

/** Normalizes and checks a mnemonic (English word list, checksum). @throws ERR_WALLET_BAD_MNEMONIC */
export function checkMnemonic(mnemonic: string): string {
  const normalized = mnemonic.normalize('NFKD').trim().toLowerCase().split(/\s+/).join(' ');
  if (!validateMnemonic(normalized, wordlist)) {
    throw new AppError(
      'ERR_WALLET_BAD_MNEMONIC',
      'the mnemonic is not a valid BIP-39 English phrase (unknown word or bad checksum)',
    );
  }
  return normalized;
}

/** Entropy of a mnemonic (what the wallet file stores, encrypted). */
export function mnemonicEntropy(mnemonic: string): Uint8Array {
  return mnemonicToEntropy(checkMnemonic(mnemonic), wordlist);
}

export function entropyMnemonic(entropy: Uint8Array): string {
  return entropyToMnemonic(entropy, wordlist);
}

/** The 64-byte BIP-39 seed of a mnemonic (PBKDF2-HMAC-SHA512, 2048 rounds). */
export function seedOfMnemonic(mnemonic: string): Uint8Array {
  return mnemonicToSeedSync(checkMnemonic(mnemonic));
}

/** Which master key: authentication keys rotate by index; recovery keys are pre-rotated by index. */
export type MasterPurpose = 'auth' | 'recovery';

/** A derived key with its Multikey. */
export interface DerivedKey {
  readonly keyPair: Ed25519KeyPair;
  readonly multikey: string;
}

function derived(seed32: Uint8Array): DerivedKey {
  const keyPair = ed25519FromSeed(seed32);
  return { keyPair, multikey: encodeMultikey(keyPair.publicKey) };
}

/** Master key `index` for `purpose`: Ed25519 seed = HKDF-SHA-256(seed, MASTER_SALT, "did:rdid/<purpose>/<index>"). */
export function deriveMasterKey(
  seed: Uint8Array,
  purpose: MasterPurpose,
  index: number,
): DerivedKey {
  if (!Number.isSafeInteger(index) || index < 0)
    throw new RangeError(`"index" expected a non-negative integer, got ${index}`);
  return derived(hkdfSha256(seed, utf8(MASTER_SALT), utf8(`did:rdid/${purpose}/${index}`), 32));
}

/**
 * Normalizes a site origin (RFC 6454): scheme, lower-case host and non-default port, nothing
 * else. Only https, or http on localhost / 127.0.0.1 / [::1] for development.
 * @throws ERR_WALLET_BAD_ORIGIN
 */
export function normalizeOrigin(origin: string): string {
  let url: URL;
  try {
    url = new URL(origin);
  } catch (err) {
    throw new AppError(
      'ERR_WALLET_BAD_ORIGIN',
      `not a URL: ${JSON.stringify(origin.slice(0, 100))}`,
      { cause: err },
    );
  }
  const local = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && local)) {
    throw new AppError(
      'ERR_WALLET_BAD_ORIGIN',
      `origin must be https (or http on localhost), got ${url.protocol}`,
    );
  }
  if (
    url.username !== '' ||
    url.password !== '' ||
    (url.pathname !== '/' && url.pathname !== '') ||
    url.search !== '' ||
    url.hash !== ''
  ) {
    throw new AppError(
      'ERR_WALLET_BAD_ORIGIN',
      `an origin has no credentials, path, query or fragment: ${JSON.stringify(origin.slice(0, 100))}`,
    );
  }
  return url.origin;
}

/**
 * The pairwise key for a site: Ed25519 seed = HKDF-SHA-256(seed, PAIRWISE_SALT, origin). Same
 * seed and origin give the same did:key on any device; different origins give unrelated keys.
 */
export function derivePairwise(
  seed: Uint8Array,
  origin: string,
): DerivedKey & { origin: string; did: string } {
  const o = normalizeOrigin(origin);
  const key = derived(hkdfSha256(seed, utf8(PAIRWISE_SALT), utf8(o), 32));
  return { ...key, origin: o, did: `did:key:${key.multikey}` };
}
