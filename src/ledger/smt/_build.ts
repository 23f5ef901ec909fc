/**
 * Private bulk construction of a {@link StateTree}: leaves are split recursively by key-hash
 * bit (an in-place radix partition, so no sort), and each inner node is hashed once on the way
 * back up: O(n) hashes and O(n · depth) cheap bit tests.
 *
 * The first 32 bits of every key hash are copied into `prefix`, which moves along with `order`:
 * the partition then reads them sequentially instead of from 96-byte leaf records scattered
 * over the arena (a cache miss per test). Deeper bits, reached only by tiny ranges, are read
 * from the arena.
 */
import { EMPTY, LEAF_STRIDE, leafRef, type NodeArena, type Ref } from './_arena.ts';
import { SMT_MAX_DEPTH } from './hash.ts';

const PREFIX_BITS = 32;

/** Leaf slots to place and the first 32 bits of their key hashes, permuted together. */
interface Slots {
  readonly order: Uint32Array;
  readonly prefix: Uint32Array;
  readonly data: Uint8Array;
}

/** Bit `depth` of the key hash of the leaf at position `i` of `order`. */
function keyBit(s: Slots, i: number, depth: number): number {
  if (depth < PREFIX_BITS) return ((s.prefix[i] as number) >>> (31 - depth)) & 1;
  const byte = s.data[(s.order[i] as number) * LEAF_STRIDE + (depth >>> 3)] as number;
  return (byte >>> (7 - (depth & 7))) & 1;
}

function swap(s: Slots, i: number, j: number): void {
  const o = s.order[i] as number;
  s.order[i] = s.order[j] as number;
  s.order[j] = o;
  const p = s.prefix[i] as number;
  s.prefix[i] = s.prefix[j] as number;
  s.prefix[j] = p;
}

/** Reorders `[lo, hi)` so leaves with bit `depth` = 0 come first; returns the split point. */
function partition(s: Slots, lo: number, hi: number, depth: number): number {
  let i = lo;
  let j = hi - 1;
  for (;;) {
    while (i <= j && keyBit(s, i, depth) === 0) i++;
    while (i <= j && keyBit(s, j, depth) === 1) j--;
    if (i >= j) return i;
    swap(s, i++, j--);
  }
}

/** Identical key hashes: keeps the last pair given (the highest slot) and frees the others. */
function keepLast(a: NodeArena, order: Uint32Array, lo: number, hi: number): Ref {
  let last = order[lo] as number;
  for (let i = lo + 1; i < hi; i++) last = Math.max(last, order[i] as number);
  for (let i = lo; i < hi; i++) if (order[i] !== last) a.freeLeaf(order[i] as number);
  return leafRef(last);
}

function buildRange(a: NodeArena, s: Slots, lo: number, hi: number, depth: number): Ref {
  if (hi === lo) return EMPTY;
  if (hi - lo === 1) return leafRef(s.order[lo] as number);
  if (depth === SMT_MAX_DEPTH) return keepLast(a, s.order, lo, hi);
  const mid = partition(s, lo, hi, depth);
  const left = buildRange(a, s, lo, mid, depth + 1);
  const right = buildRange(a, s, mid, hi, depth + 1);
  // Duplicates collapsed below can leave a single leaf: the subtree is that leaf.
  if (left === EMPTY && right <= 0) return right;
  if (right === EMPTY && left < 0) return left;
  const id = a.allocInner(left, right);
  a.hashInner(id);
  return id;
}

/**
 * Builds and hashes the tree over leaf slots `0..count-1`, which must be numbered in input
 * order (a repeated key hash keeps its highest slot). Inner nodes come out clean (hashed).
 *
 * @returns the root reference: empty, a leaf (compaction), or an inner node
 */
export function buildTree(a: NodeArena, count: number): Ref {
  const order = new Uint32Array(count);
  const prefix = new Uint32Array(count);
  const data = a.leafData;
  for (let i = 0; i < count; i++) {
    const b = i * LEAF_STRIDE;
    order[i] = i;
    const hi = ((data[b] as number) << 8) | (data[b + 1] as number);
    prefix[i] = hi * 0x10000 + (((data[b + 2] as number) << 8) | (data[b + 3] as number));
  }
  return buildRange(a, { order, prefix, data }, 0, count, 0);
}
