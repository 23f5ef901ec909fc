/**
 * The browser's {@link ./ed25519.ts}: the same exports over `@noble/curves` (pure JS), for the
 * bundle the web pages verify proofs with. Verification is RFC 8032 §5.1.7 without ZIP-215
 * leniency (canonical encodings only), as OpenSSL verifies on the node. The bundler swaps this
 * file in for `ed25519.ts`; test/crypto/browser-crypto.test.ts checks that both export the same
 * names and agree on RFC 8032 vectors and on malformed input.
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { AppError } from '../errors.ts';
import { assertBytes } from './bytes.ts';

/** Byte lengths of Ed25519 seeds (private keys), public keys and signatures (RFC 8032 §5.1.5). */
export const ED25519_SEED_LENGTH = 32;
export const ED25519_PUBLIC_KEY_LENGTH = 32;
export const ED25519_SIGNATURE_LENGTH = 64;

/** An Ed25519 key pair. */
export interface Ed25519KeyPair {
  /** Raw 32-byte public key. */
  readonly publicKey: Uint8Array;
  /** Signs `message` (pure Ed25519, RFC 8032). */
  sign(message: Uint8Array): Uint8Array;
}

/**
 * Builds a key pair from a 32-byte seed (the RFC 8032 private key).
 * @throws ERR_CRYPTO_BAD_KEY if the seed is not 32 bytes
 */
export function ed25519FromSeed(seed: Uint8Array): Ed25519KeyPair {
  if (!(seed instanceof Uint8Array) || seed.length !== ED25519_SEED_LENGTH) {
    throw new AppError('ERR_CRYPTO_BAD_KEY', `Ed25519 seed expected ${ED25519_SEED_LENGTH} bytes`);
  }
  const secret = seed.slice();
  const publicKey = ed25519.getPublicKey(secret);
  return {
    publicKey,
    sign: (message) => ed25519.sign(message, secret),
    toJSON: () => '[Ed25519KeyPair]',
  } as Ed25519KeyPair;
}

/** Generates a fresh key pair from the platform CSPRNG; returns it with its seed. */
export function generateEd25519(): { seed: Uint8Array; keyPair: Ed25519KeyPair } {
  const seed = crypto.getRandomValues(new Uint8Array(ED25519_SEED_LENGTH));
  return { seed, keyPair: ed25519FromSeed(seed) };
}

/** Verifies an Ed25519 signature (RFC 8032 §5.1.7). Answers false for any malformed input. */
export function ed25519Verify(
  signature: Uint8Array,
  message: Uint8Array,
  publicKey: Uint8Array,
): boolean {
  assertBytes(message, undefined, 'message');
  if (!(signature instanceof Uint8Array) || signature.length !== ED25519_SIGNATURE_LENGTH)
    return false;
  if (!(publicKey instanceof Uint8Array) || publicKey.length !== ED25519_PUBLIC_KEY_LENGTH)
    return false;
  try {
    return ed25519.verify(signature, message, publicKey, { zip215: false });
  } catch (err) {
    if (err instanceof Error) return false; // not a point on the curve: a "no"
    throw err;
  }
}
