/**
 * A naive, independent RFC 6962 §2.1 reference for tests: recursive MTH, PATH (§2.1.1) and
 * PROOF/SUBPROOF (§2.1.2) written straight from the definitions, with BigInt positions and
 * node:crypto directly (nothing from src/ledger/merkle).
 */
import { createHash } from 'node:crypto';

/** `MTH(D[lo:hi])` for `0 <= lo < hi`. */
export type RangeHash = (lo: bigint, hi: bigint) => Uint8Array;

function sha256(...parts: Uint8Array[]): Uint8Array {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
}

/** SHA-256(0x00 || data). */
export function refLeafHash(data: Uint8Array): Uint8Array {
  return sha256(Uint8Array.of(0), data);
}

/** SHA-256(0x01 || left || right). */
export function refNodeHash(left: Uint8Array, right: Uint8Array): Uint8Array {
  return sha256(Uint8Array.of(1), left, right);
}

/** SHA-256 of the empty string: MTH of the empty tree. */
export const REF_EMPTY_ROOT = sha256();

/** The largest power of two strictly less than `n` (n >= 2). */
export function splitPoint(n: bigint): bigint {
  let k = 1n;
  while (k * 2n < n) k *= 2n;
  return k;
}

/** Memoized recursive MTH over concrete leaf hashes. */
export function leafRangeHash(leafHashes: readonly Uint8Array[]): RangeHash {
  const memo = new Map<string, Uint8Array>();
  const mth: RangeHash = (lo, hi) => {
    const key = `${lo}:${hi}`;
    let h = memo.get(key);
    if (h === undefined) {
      const n = hi - lo;
      if (n === 1n) h = leafHashes[Number(lo)]!;
      else {
        const k = splitPoint(n);
        h = refNodeHash(mth(lo, lo + k), mth(lo + k, hi));
      }
      memo.set(key, h);
    }
    return h;
  };
  return mth;
}

/**
 * MTH over a virtual tree whose leaves all have the same hash: it depends only on the range
 * length, so trees of up to 2^53 - 1 leaves can be checked in O(log n).
 */
export function uniformRangeHash(leafHash: Uint8Array): RangeHash {
  const memo = new Map<bigint, Uint8Array>([[1n, leafHash]]);
  const byLength = (n: bigint): Uint8Array => {
    let h = memo.get(n);
    if (h === undefined) {
      const k = splitPoint(n);
      h = refNodeHash(byLength(k), byLength(n - k));
      memo.set(n, h);
    }
    return h;
  };
  return (lo, hi) => byLength(hi - lo);
}

/** RFC 6962 §2.1.1 `PATH(m, D[lo:hi])` with `m` relative to `lo`. */
export function refPath(m: bigint, lo: bigint, hi: bigint, mth: RangeHash): Uint8Array[] {
  const n = hi - lo;
  if (n === 1n) return [];
  const k = splitPoint(n);
  if (m < k) return [...refPath(m, lo, lo + k, mth), mth(lo + k, hi)];
  return [...refPath(m - k, lo + k, hi, mth), mth(lo, lo + k)];
}

/** RFC 6962 §2.1.2 `SUBPROOF(m, D[lo:hi], b)` with `m` relative to `lo`. */
function refSubproof(m: bigint, lo: bigint, hi: bigint, b: boolean, mth: RangeHash): Uint8Array[] {
  const n = hi - lo;
  if (m === n) return b ? [] : [mth(lo, hi)];
  const k = splitPoint(n);
  if (m <= k) return [...refSubproof(m, lo, lo + k, b, mth), mth(lo + k, hi)];
  return [...refSubproof(m - k, lo + k, hi, false, mth), mth(lo, lo + k)];
}

/** RFC 6962 §2.1.2 `PROOF(m, D[n])` for `0 < m <= n`. */
export function refConsistency(m: bigint, n: bigint, mth: RangeHash): Uint8Array[] {
  return refSubproof(m, 0n, n, true, mth);
}

/** A copy of `bytes` with bit `bit` (0 = LSB of byte 0) flipped. */
export function flipBit(bytes: Uint8Array, bit: number): Uint8Array {
  const out = new Uint8Array(bytes);
  out[bit >> 3] = (out[bit >> 3] as number) ^ (1 << (bit & 7));
  return out;
}

/** Lower-case hex, for readable assertions. */
export function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}
