import { createHash, createHmac, hash, hkdfSync, timingSafeEqual } from 'node:crypto';
import { assertBytes } from './bytes.ts';

/** Byte length of a SHA-256 digest. */
export const SHA256_LENGTH = 32;

/** SHA-256 of the concatenation of `parts` (FIPS 180-4). */
export function sha256(...parts: Uint8Array[]): Uint8Array {
  // One-shot crypto.hash is about twice as fast as createHash for the small inputs of Merkle trees.
  if (parts.length === 1) return hash('sha256', parts[0]!, 'buffer');
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest();
}

/**
 * SHA-256 of the UTF-8 bytes of `text` (a lone surrogate encodes as U+FFFD, as in `utf8`), hashed
 * without a JS-side copy: about half the time of `sha256(utf8(text))`.
 */
export function sha256Text(text: string): Uint8Array {
  return hash('sha256', text, 'buffer');
}

/** HMAC-SHA-256 (RFC 2104) of `message` under `key`. */
export function hmacSha256(key: Uint8Array, message: Uint8Array): Uint8Array {
  assertBytes(key, undefined, 'key');
  return createHmac('sha256', key).update(message).digest();
}

/**
 * HKDF-SHA-256 (RFC 5869): derives `length` bytes from input keying material, salt and info.
 *
 * @example hkdfSha256(seed, utf8('realdid/pairwise/v1'), utf8('https://shop.example'), 32)
 */
export function hkdfSha256(
  ikm: Uint8Array,
  salt: Uint8Array,
  info: Uint8Array,
  length: number,
): Uint8Array {
  assertBytes(ikm, undefined, 'ikm');
  if (!Number.isInteger(length) || length < 1 || length > 255 * 32) {
    throw new RangeError(`"length" expected 1..8160, got ${length}`);
  }
  return new Uint8Array(hkdfSync('sha256', ikm, salt, info, length));
}

/** Constant-time equality for secrets (MACs, tags). Different lengths are unequal. */
export function equalSecret(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}
