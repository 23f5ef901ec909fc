/**
 * Private: the hash-chaining loops of RFC 9162 §2.1.3.2 and §2.1.4.2 and the expected proof
 * lengths (as transparency-dev/merkle `decompInclProof`). Inputs are already validated by
 * verify.ts: positions are safe integers and every hash is 32 bytes.
 */
import { hashChildren } from './hash.ts';
import { bitLength, popCount, shiftRight, trailingZeros, xor } from './_int.ts';

/** Audit path length for leaf `index < size` (RFC 9162 §2.1.3.1). */
export function inclusionProofLength(index: number, size: number): number {
  const inner = bitLength(xor(index, size - 1));
  return inner + popCount(shiftRight(index, inner));
}

/** Consistency proof length for `0 < size1 < size2` (RFC 9162 §2.1.4.1). */
export function consistencyProofLength(size1: number, size2: number): number {
  const inner = bitLength(xor(size1 - 1, size2 - 1));
  const border = popCount(shiftRight(size1 - 1, inner));
  const shift = trailingZeros(size1);
  const seedInProof = size1 === 2 ** shift ? 0 : 1;
  return seedInProof + inner - shift + border;
}

/** Right-shifts `fn` and `sn` while `fn` is even and non-zero. */
function shiftWhileEven(fn: number, sn: number): [number, number] {
  while (fn % 2 === 0 && fn !== 0) {
    fn /= 2;
    sn = Math.floor(sn / 2);
  }
  return [fn, sn];
}

/**
 * RFC 9162 §2.1.3.2 steps 2-5 without the final root comparison.
 *
 * @returns the computed root, or the reason the path is malformed
 */
export function chainInclusion(
  index: number,
  size: number,
  leafHash: Uint8Array,
  proof: readonly Uint8Array[],
): Uint8Array | string {
  let fn = index;
  let sn = size - 1;
  let r = leafHash;
  for (const p of proof) {
    if (sn === 0) return 'proof is longer than the path to the root';
    if (fn % 2 === 1 || fn === sn) {
      r = hashChildren(p, r);
      [fn, sn] = shiftWhileEven(fn, sn);
    } else {
      r = hashChildren(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 ? r : 'proof is shorter than the path to the root';
}

/**
 * RFC 9162 §2.1.4.2 steps 2-6 for `0 < size1 < size2` and a non-empty proof.
 *
 * @returns the recomputed `[root1, root2]`, or the reason the proof is malformed
 */
export function chainConsistency(
  size1: number,
  size2: number,
  proof: readonly Uint8Array[],
  root1: Uint8Array,
): [Uint8Array, Uint8Array] | string {
  const path = size1 === 2 ** trailingZeros(size1) ? [root1, ...proof] : proof; // step 2
  let fn = size1 - 1;
  let sn = size2 - 1;
  while (fn % 2 === 1) {
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  let fr = path[0] as Uint8Array;
  let sr = fr;
  for (let i = 1; i < path.length; i++) {
    const c = path[i] as Uint8Array;
    if (sn === 0) return 'proof is longer than the path to the root';
    if (fn % 2 === 1 || fn === sn) {
      fr = hashChildren(c, fr);
      sr = hashChildren(c, sr);
      [fn, sn] = shiftWhileEven(fn, sn);
    } else {
      sr = hashChildren(sr, c);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 ? [fr, sr] : 'proof is shorter than the path to the root';
}
