/**
 * The browser's {@link ./hash.ts}: the same exports over `@noble/hashes` (audited, pure JS), for
 * the bundle the web pages verify proofs with. The bundler swaps this file in for `hash.ts`;
 * test/crypto/browser-crypto.test.ts checks both export the same names and agree on vectors.
 */
import { hkdf } from '@noble/hashes/hkdf.js';
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js';
import { assertBytes, utf8 } from './bytes.ts';

/** Byte length of a SHA-256 digest. */
export const SHA256_LENGTH = 32;

/** SHA-256 of the concatenation of `parts` (FIPS 180-4). */
export function sha256(...parts: Uint8Array[]): Uint8Array {
  if (parts.length === 1) return nobleSha256(parts[0]!);
  const h = nobleSha256.create();
  for (const p of parts) h.update(p);
  return h.digest();
}

/** Writes SHA-256 of `data` into `out` at `offset`. */
export function sha256Into(data: Uint8Array, out: Uint8Array, offset: number): void {
  out.set(nobleSha256(data), offset);
}

/** SHA-256 of the UTF-8 bytes of `text`. */
export function sha256Text(text: string): Uint8Array {
  return nobleSha256(utf8(text));
}

/** Writes SHA-256 of the UTF-8 bytes of `text` into `out` at `offset`. */
export function sha256TextInto(text: string, out: Uint8Array, offset: number): void {
  out.set(nobleSha256(utf8(text)), offset);
}

/** Where node hashes take their data: 64 words, lane k's 64 bytes at words 16k…16k+15. */
export const sha256NodeInput = new Int32Array(64);
const nodeBytes = new Uint8Array(sha256NodeInput.buffer);
const nodeMessage = new Uint8Array(65);

/** Writes SHA-256 of `prefix || lane 0's 64 bytes` of {@link sha256NodeInput} into `out` at `offset`. */
export function sha256Node(prefix: number, out: Uint8Array, offset: number): void {
  nodeHashOf(0, prefix, out, offset);
}

/** {@link sha256Node} of the four lanes; lane k's digest goes into `out` at offset `ok`. */
export function sha256Node4(
  prefix: number,
  out: Uint8Array,
  o0: number,
  o1: number,
  o2: number,
  o3: number,
): void {
  [o0, o1, o2, o3].forEach((o, k) => nodeHashOf(k, prefix, out, o));
}

function nodeHashOf(lane: number, prefix: number, out: Uint8Array, offset: number): void {
  nodeMessage[0] = prefix;
  nodeMessage.set(nodeBytes.subarray(64 * lane, 64 * lane + 64), 1);
  out.set(nobleSha256(nodeMessage), offset);
}

/** HMAC-SHA-256 (RFC 2104) of `message` under `key`. */
export function hmacSha256(key: Uint8Array, message: Uint8Array): Uint8Array {
  assertBytes(key, undefined, 'key');
  return hmac(nobleSha256, key, message);
}

/** HKDF-SHA-256 (RFC 5869): derives `length` bytes from input keying material, salt and info. */
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
  return hkdf(nobleSha256, ikm, salt, info, length);
}

/** Equality for secrets without early exit. Different lengths are unequal. */
export function equalSecret(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}
