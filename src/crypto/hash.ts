import { createHash, createHmac, hash, hkdfSync, timingSafeEqual } from 'node:crypto';
import { assertBytes } from './bytes.ts';
import {
  SHA256_WASM_MAX_INPUT,
  sha256Small,
  sha256SmallInto,
  sha256SmallParts,
  sha256SmallText,
  sha256SmallTextInto,
  sha256Node,
  sha256Node4,
  sha256NodeInput,
} from './sha256-wasm.ts';

/** Byte length of a SHA-256 digest. */
export const SHA256_LENGTH = 32;

/** SHA-256 of the concatenation of `parts` (FIPS 180-4). */
export function sha256(...parts: Uint8Array[]): Uint8Array {
  // Small inputs (Merkle and state tree nodes, keys, ids) are hashed in WebAssembly, 2-4 times
  // faster than a call into node:crypto; longer ones by node:crypto's one-shot hash.
  if (parts.length === 1) {
    const data = parts[0]!;
    return data.length <= SHA256_WASM_MAX_INPUT
      ? sha256Small(data)
      : hash('sha256', data, 'buffer');
  }
  const small = sha256SmallParts(parts);
  if (small !== undefined) return small;
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest();
}

/** Writes SHA-256 of `data` into `out` at `offset`, allocating nothing for small inputs. */
export function sha256Into(data: Uint8Array, out: Uint8Array, offset: number): void {
  if (data.length <= SHA256_WASM_MAX_INPUT) sha256SmallInto(data, out, offset);
  else out.set(hash('sha256', data, 'buffer'), offset);
}

/**
 * SHA-256 of the UTF-8 bytes of `text` (a lone surrogate encodes as U+FFFD, as in `utf8`), hashed
 * without an intermediate copy.
 */
export function sha256Text(text: string): Uint8Array {
  return sha256SmallText(text) ?? hash('sha256', text, 'buffer');
}

/** Writes {@link sha256Text} of `text` into `out` at `offset`, allocating nothing for short texts. */
export function sha256TextInto(text: string, out: Uint8Array, offset: number): void {
  if (!sha256SmallTextInto(text, out, offset)) out.set(hash('sha256', text, 'buffer'), offset);
}

/**
 * Node hashes of the Merkle and state trees, `SHA-256(prefix || 64 bytes)`, without copying bytes:
 * the caller moves the 64 bytes of up to four nodes into {@link sha256NodeInput} as 32-bit words
 * (lane k at words 16k…16k+15), then `sha256Node` hashes lane 0 and `sha256Node4` the four at
 * once, writing digests into its `out` at the given offsets.
 */
export { sha256Node, sha256Node4, sha256NodeInput };

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
