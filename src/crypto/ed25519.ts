import { createPrivateKey, createPublicKey, randomBytes, sign, verify, type KeyObject } from 'node:crypto';
import { AppError } from '../errors.ts';
import { assertBytes, toHex } from './bytes.ts';

/** Byte lengths of Ed25519 seeds (private keys), public keys and signatures (RFC 8032 §5.1.5). */
export const ED25519_SEED_LENGTH = 32;
export const ED25519_PUBLIC_KEY_LENGTH = 32;
export const ED25519_SIGNATURE_LENGTH = 64;

// DER prefixes of PKCS#8 and SPKI wrappers around a raw Ed25519 key (RFC 8410).
const PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

/** An Ed25519 key pair whose private key never leaves its node:crypto KeyObject. */
export interface Ed25519KeyPair {
  /** Raw 32-byte public key. */
  readonly publicKey: Uint8Array;
  /** Signs `message` (pure Ed25519, RFC 8032). */
  sign(message: Uint8Array): Uint8Array;
}

class KeyPair implements Ed25519KeyPair {
  readonly publicKey: Uint8Array;
  readonly #key: KeyObject;
  constructor(key: KeyObject) {
    this.#key = key;
    const spki = createPublicKey(key).export({ format: 'der', type: 'spki' });
    this.publicKey = new Uint8Array(spki.subarray(SPKI_PREFIX.length));
  }
  sign(message: Uint8Array): Uint8Array {
    return new Uint8Array(sign(null, message, this.#key));
  }
  toJSON(): string {
    return '[Ed25519KeyPair]'; // never serialize the private key by accident
  }
}

/**
 * Builds a key pair from a 32-byte seed (the RFC 8032 private key).
 * @throws ERR_CRYPTO_BAD_KEY if the seed is not 32 bytes
 */
export function ed25519FromSeed(seed: Uint8Array): Ed25519KeyPair {
  if (!(seed instanceof Uint8Array) || seed.length !== ED25519_SEED_LENGTH) {
    throw new AppError('ERR_CRYPTO_BAD_KEY', `Ed25519 seed expected ${ED25519_SEED_LENGTH} bytes`);
  }
  const key = createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, seed]), format: 'der', type: 'pkcs8' });
  return new KeyPair(key);
}

/** Generates a fresh key pair from the OS CSPRNG; returns it with its seed (to store encrypted). */
export function generateEd25519(): { seed: Uint8Array; keyPair: Ed25519KeyPair } {
  const seed = new Uint8Array(randomBytes(ED25519_SEED_LENGTH));
  return { seed, keyPair: ed25519FromSeed(seed) };
}

// Public KeyObjects are cached: importing a key costs more than half a verification.
const PUBLIC_KEY_CACHE_LIMIT = 50_000;
const publicKeyCache = new Map<string, KeyObject>();

function publicKeyObject(publicKey: Uint8Array): KeyObject {
  const id = toHex(publicKey);
  let key = publicKeyCache.get(id);
  if (key === undefined) {
    key = createPublicKey({ key: Buffer.concat([SPKI_PREFIX, publicKey]), format: 'der', type: 'spki' });
    if (publicKeyCache.size >= PUBLIC_KEY_CACHE_LIMIT) {
      const oldest = publicKeyCache.keys().next().value;
      if (oldest !== undefined) publicKeyCache.delete(oldest);
    }
    publicKeyCache.set(id, key);
  }
  return key;
}

/**
 * Verifies an Ed25519 signature (RFC 8032 §5.1.7). Answers false for any malformed input.
 *
 * @example ed25519Verify(sig, utf8('hello'), publicKey) // true or false
 */
export function ed25519Verify(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean {
  assertBytes(message, undefined, 'message');
  if (!(signature instanceof Uint8Array) || signature.length !== ED25519_SIGNATURE_LENGTH) return false;
  if (!(publicKey instanceof Uint8Array) || publicKey.length !== ED25519_PUBLIC_KEY_LENGTH) return false;
  let key: KeyObject;
  try {
    key = publicKeyObject(publicKey);
  } catch {
    return false; // not a point on the curve: a "no", not an exception (primitive answers yes/no)
  }
  return verify(null, message, key, signature);
}
