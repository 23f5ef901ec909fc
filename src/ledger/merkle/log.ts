/**
 * An in-memory, append-only RFC 6962 Merkle log of leaf hashes.
 *
 * Storage is one flat, growable byte buffer per tree level with 32-byte slots: level `k` holds
 * the hash of every complete subtree of `2^k` leaves, in order (level 0 holds the leaves). That
 * is about `2n` hashes for `n` leaves and no per-node objects. Roots and proofs for any past size
 * are assembled from these complete subtrees with O(log n) hashing (RFC 6962 §2.1, §2.1.1,
 * §2.1.2).
 */
import { constants } from 'node:buffer';
import { assertBytes, sha256Node, sha256Node4, sha256NodeInput } from '../../crypto/index.ts';
import { AppError } from '../../errors.ts';
import { EMPTY_ROOT, HASH_SIZE, hashChildren, NODE_PREFIX } from './hash.ts';
import { assertNonNegativeInteger, splitExponent } from './_int.ts';

const INITIAL_SLOTS = 16;
/** The most 32-byte slots one level buffer can hold (the largest byte array Node allocates). */
const MAX_SLOTS = Math.floor(constants.MAX_LENGTH / HASH_SIZE);

/** {@link sha256NodeInput} as bytes: lane k's 64 bytes (a pair: left ‖ right) at 64 k. */
const staged = new Uint8Array(
  sha256NodeInput.buffer,
  sha256NodeInput.byteOffset,
  4 * 2 * HASH_SIZE,
);
/** The hash of the last pair {@link append} hashed (appends allocate nothing). */
const pairHash = new Uint8Array(HASH_SIZE);

/** Copies the two adjacent slots at `at` of `level` (left, then right) into lane `lane`. */
function stagePair(level: Uint8Array, at: number, lane: number): void {
  const to = lane * 2 * HASH_SIZE;
  for (let i = 0; i < 2 * HASH_SIZE; i++) staged[to + i] = level[at + i] as number;
}

/** Writes `hashChildren` of the two adjacent slots at `at` of `level` into `out` at `offset`. */
function hashPairInto(level: Uint8Array, at: number, out: Uint8Array, offset: number): void {
  stagePair(level, at, 0);
  sha256Node(NODE_PREFIX, out, offset);
}

function outOfRange(message: string): AppError {
  return new AppError('ERR_LEDGER_RANGE', message);
}

/** A fresh plain Uint8Array (Buffer#slice would return a view). */
function copy(hash: Uint8Array): Uint8Array {
  return new Uint8Array(hash);
}

function assertLeafHash(hash: unknown, name: string): asserts hash is Uint8Array {
  assertBytes(hash, HASH_SIZE, name);
}

/**
 * Append-only Merkle log (RFC 6962 §2.1, RFC 9162 §2.1) of 32-byte leaf hashes.
 * Proofs it produces verify with {@link verifyInclusion} and {@link verifyConsistency}.
 *
 * Positions are JS numbers; every method throws `TypeError` for a non-integer and `RangeError`
 * for a negative one. Returned hashes are fresh copies. Memory is about 64 bytes per leaf (up to
 * twice that while appending, as buffers double); the leaf level is one byte array, so a log
 * holds at most `buffer.constants.MAX_LENGTH / 32` leaves (2^27 on Node 20).
 *
 * @example
 * const log = MerkleLog.fromLeafHashes(entries.map(hashLeaf));
 * const proof = log.inclusionProof(3);
 * verifyInclusion(3, log.size, log.leafHash(3), proof, log.root()); // true
 */
export class MerkleLog {
  /** `#levels[k]` holds `floor(size / 2^k)` subtree hashes of 32 bytes each. */
  readonly #levels: Uint8Array[] = [];
  #size = 0;

  /**
   * Builds a log from leaf hashes in one pass (O(n) hashes, buffers sized exactly).
   *
   * @throws TypeError when an item is not a 32-byte Uint8Array
   */
  static fromLeafHashes(hashes: Iterable<Uint8Array>): MerkleLog {
    const leaves = Array.isArray(hashes) ? (hashes as Uint8Array[]) : Array.from(hashes);
    leaves.forEach((h, i) => assertLeafHash(h, `hashes[${i}]`));
    const log = new MerkleLog();
    log.#bulkAppend(leaves);
    return log;
  }

  /** Number of leaves in the log. */
  get size(): number {
    return this.#size;
  }

  /**
   * Appends one leaf hash (`hashLeaf(entry)`).
   *
   * @returns the index of the new leaf
   * @throws TypeError when `leafHash` is not a 32-byte Uint8Array
   */
  append(leafHash: Uint8Array): number {
    assertLeafHash(leafHash, 'leafHash');
    const index = this.#size;
    this.#write(0, index, leafHash);
    // Each odd position completes a pair: hash it into the level above.
    let level = 0;
    let pos = index;
    while (pos % 2 === 1) {
      hashPairInto(this.#levels[level]!, (pos - 1) * HASH_SIZE, pairHash, 0);
      level++;
      pos = (pos - 1) / 2;
      this.#write(level, pos, pairHash);
    }
    this.#size = index + 1;
    return index;
  }

  /**
   * Appends leaf hashes in order, all or none: every item is checked before the first is added.
   *
   * @returns the index of the first appended leaf (the old size)
   * @throws TypeError when an item is not a 32-byte Uint8Array (the log is unchanged)
   */
  appendMany(leafHashes: Iterable<Uint8Array>): number {
    const leaves = Array.from(leafHashes);
    leaves.forEach((h, i) => assertLeafHash(h, `leafHashes[${i}]`));
    const first = this.#size;
    if (first === 0) this.#bulkAppend(leaves);
    else for (const leaf of leaves) this.append(leaf);
    return first;
  }

  /**
   * The leaf hash at `index`.
   *
   * @throws ERR_LEDGER_RANGE when `index >= size`
   */
  leafHash(index: number): Uint8Array {
    assertNonNegativeInteger(index, 'index');
    if (index >= this.#size) {
      throw outOfRange(`"index" ${index} is outside the log of size ${this.#size}`);
    }
    return copy(this.#node(0, index));
  }

  /**
   * The Merkle Tree Hash `MTH(D[0:size])` of the first `size` leaves (RFC 6962 §2.1).
   *
   * @param size - any past size, `0 <= size <= this.size`; `root(0)` is {@link EMPTY_ROOT}
   * @throws ERR_LEDGER_RANGE when `size > this.size`
   */
  root(size: number = this.#size): Uint8Array {
    this.#assertSize(size, 'size');
    return copy(size === 0 ? EMPTY_ROOT : this.#rangeHash(0, size));
  }

  /**
   * The audit path `PATH(index, D[0:size])` (RFC 6962 §2.1.1), bottom-up.
   *
   * @throws ERR_LEDGER_RANGE when `size > this.size` or `index >= size`
   */
  inclusionProof(index: number, size: number = this.#size): Uint8Array[] {
    assertNonNegativeInteger(index, 'index');
    this.#assertSize(size, 'size');
    if (index >= size) throw outOfRange(`"index" ${index} is outside the tree of size ${size}`);
    const path: Uint8Array[] = [];
    let lo = 0;
    let hi = size;
    while (hi - lo > 1) {
      const e = splitExponent(hi - lo);
      const k = 2 ** e;
      if (index < lo + k) {
        path.push(this.#rangeHash(lo + k, hi));
        hi = lo + k;
      } else {
        path.push(this.#node(e, lo / k));
        lo += k;
      }
    }
    return path.reverse().map(copy);
  }

  /**
   * The consistency proof `PROOF(size1, D[0:size2])` (RFC 6962 §2.1.2). Empty when
   * `size1 == 0` or `size1 == size2`.
   *
   * @throws ERR_LEDGER_RANGE when `size2 > this.size` or `size1 > size2`
   */
  consistencyProof(size1: number, size2: number = this.#size): Uint8Array[] {
    assertNonNegativeInteger(size1, 'size1');
    this.#assertSize(size2, 'size2');
    if (size1 > size2) throw outOfRange(`"size1" ${size1} is greater than "size2" ${size2}`);
    if (size1 === 0 || size1 === size2) return [];
    const proof: Uint8Array[] = [];
    let lo = 0;
    let hi = size2;
    let wholeOldTree = true; // SUBPROOF's flag b: is D[lo:hi] still the whole tree of size1?
    while (size1 !== hi) {
      const e = splitExponent(hi - lo);
      const k = 2 ** e;
      if (size1 - lo <= k) {
        proof.push(this.#rangeHash(lo + k, hi));
        hi = lo + k;
      } else {
        proof.push(this.#node(e, lo / k));
        lo += k;
        wholeOldTree = false;
      }
    }
    if (!wholeOldTree) proof.push(this.#rangeHash(lo, hi));
    return proof.reverse().map(copy);
  }

  #assertSize(size: number, name: string): void {
    assertNonNegativeInteger(size, name);
    if (size > this.#size) {
      throw outOfRange(`"${name}" ${size} is beyond the log size ${this.#size}`);
    }
  }

  /** View (no copy) of the complete-subtree hash at `level`, position `pos`. */
  #node(level: number, pos: number): Uint8Array {
    const offset = pos * HASH_SIZE;
    return (this.#levels[level] as Uint8Array).subarray(offset, offset + HASH_SIZE);
  }

  /**
   * `MTH(D[lo:hi])` for `lo < hi <= size` with `lo` a multiple of a power of two `>= hi - lo`:
   * the right fold of the complete subtrees that tile the range, smallest (rightmost) first.
   */
  #rangeHash(lo: number, hi: number): Uint8Array {
    let acc: Uint8Array | undefined;
    let rest = hi - lo;
    let end = hi;
    for (let level = 0, width = 1; rest > 0; level++, width *= 2) {
      if (rest % 2 === 1) {
        end -= width;
        const node = this.#node(level, end / width);
        acc = acc === undefined ? node : hashChildren(node, acc);
      }
      rest = Math.floor(rest / 2);
    }
    return acc as Uint8Array;
  }

  #write(level: number, pos: number, hash: Uint8Array): void {
    let buf = this.#levels[level];
    const end = (pos + 1) * HASH_SIZE;
    if (buf === undefined || buf.length < end) {
      if (pos >= MAX_SLOTS) throw new RangeError(`a MerkleLog holds at most ${MAX_SLOTS} leaves`);
      const doubled = ((buf?.length ?? 0) / HASH_SIZE) * 2;
      const slots = Math.min(MAX_SLOTS, Math.max(INITIAL_SLOTS, doubled, pos + 1));
      const grown = new Uint8Array(slots * HASH_SIZE);
      if (buf !== undefined) grown.set(buf);
      this.#levels[level] = buf = grown;
    }
    buf.set(hash, end - HASH_SIZE);
  }

  /** Level-by-level build into an empty log; buffers are allocated at their final size. */
  #bulkAppend(leaves: readonly Uint8Array[]): void {
    let count = leaves.length;
    if (count === 0) return;
    const base = new Uint8Array(count * HASH_SIZE);
    leaves.forEach((leaf, i) => base.set(leaf, i * HASH_SIZE));
    this.#levels[0] = base;
    for (let level = 0; count > 1; level++) {
      const parents = Math.floor(count / 2);
      const up = new Uint8Array(parents * HASH_SIZE);
      this.#levels[level + 1] = up;
      const below = this.#levels[level]!;
      const P = 2 * HASH_SIZE;
      let j = 0;
      // Four pairs at a time (SIMD), the rest one by one.
      for (; j + 4 <= parents; j += 4) {
        for (let k = 0; k < 4; k++) stagePair(below, (j + k) * P, k);
        sha256Node4(
          NODE_PREFIX,
          up,
          j * HASH_SIZE,
          (j + 1) * HASH_SIZE,
          (j + 2) * HASH_SIZE,
          (j + 3) * HASH_SIZE,
        );
      }
      for (; j < parents; j++) hashPairInto(below, j * P, up, j * HASH_SIZE);
      count = parents;
    }
    this.#size = leaves.length;
  }
}
