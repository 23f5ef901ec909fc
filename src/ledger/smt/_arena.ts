/**
 * Private node storage of {@link StateTree}: structure-of-arrays arenas in typed arrays, so
 * millions of nodes cost no JS objects (about 96 bytes per leaf and 41 per inner node).
 *
 * A node reference (`Ref`) is an int32: `0` is the empty subtree, `id > 0` an inner node,
 * `-(leaf + 1)` a leaf. Inner ids start at 1; freed slots are reused.
 */
import { sha256Node, sha256Node4, sha256NodeInput } from '../../crypto/index.ts';
import { SMT_HASH_SIZE, SMT_LEAF_PREFIX, SMT_NODE_PREFIX } from './hash.ts';

/** Reference to a subtree: 0 = empty, > 0 = inner node id, < 0 = `-(leaf + 1)`. */
export type Ref = number;

/** The empty subtree. */
export const EMPTY: Ref = 0;

const H = SMT_HASH_SIZE;
/** Bytes per leaf record: keyHash (0..32), valueHash (32..64), leaf hash (64..96). */
export const LEAF_STRIDE = 3 * H;
/** Offset of the value hash in a leaf record. */
export const LEAF_VALUE = H;
/** Offset of the cached leaf hash in a leaf record. */
export const LEAF_HASH = 2 * H;

/** Reference of leaf slot `leaf`. */
export function leafRef(leaf: number): Ref {
  return -leaf - 1;
}

/** Leaf slot of a leaf reference (`ref < 0`). */
export function leafOf(ref: Ref): number {
  return -ref - 1;
}

const QUOTE = 0x22;
const COMMA = 0x2c;
const ZERO_DIGIT = 0x30;
/** Byte → its two lower-case hex digits as ASCII, high digit in the high byte. */
const HEX_PAIRS = Uint16Array.from({ length: 256 }, (_, b) => {
  const digits = b.toString(16).padStart(2, '0');
  return (digits.charCodeAt(0) << 8) | digits.charCodeAt(1);
});

/** Byte offset of the hash of `ref` (not empty): in `innerHash` for an inner node, else in `leafData`. */
function hashOffset(ref: Ref): number {
  return ref > 0 ? ref * H : leafOf(ref) * LEAF_STRIDE + LEAF_HASH;
}

/** New capacity: at least `need`, and 1.5 × the old one so that one-by-one growth is amortized. */
function grown(cap: number, need: number): number {
  return Math.max(16, need, Math.ceil(cap * 1.5));
}

/** Growable arenas of inner nodes and leaves, plus the hashing of one node into its slot. */
export class NodeArena {
  left = new Int32Array(0);
  right = new Int32Array(0);
  innerHash = new Uint8Array(0);
  /** 1 when the inner node's hash is stale. */
  dirty = new Uint8Array(0);
  leafData = new Uint8Array(0);
  innerCount = 0;
  leafCount = 0;
  #innerTop = 1;
  #innerFree = 0;
  #leafTop = 0;
  readonly #leafFree: number[] = [];
  /** `innerHash` and `leafData` as 32-bit words, to move hashes into {@link sha256NodeInput}. */
  #inner32 = new Int32Array(0);
  #leaf32 = new Int32Array(0);

  /** Reserves room for `inner` more inner nodes and `leaves` more leaves. */
  reserve(inner: number, leaves: number): void {
    const needInner = this.#innerTop + inner;
    if (needInner > this.left.length) {
      const cap = grown(this.left.length, needInner);
      this.left = copyInto(new Int32Array(cap), this.left);
      this.right = copyInto(new Int32Array(cap), this.right);
      this.dirty = copyInto(new Uint8Array(cap), this.dirty);
      this.innerHash = copyInto(new Uint8Array(cap * H), this.innerHash);
    }
    const needLeaves = this.#leafTop + leaves;
    if (needLeaves * LEAF_STRIDE > this.leafData.length) {
      const cap = grown(this.leafData.length / LEAF_STRIDE, needLeaves);
      this.leafData = copyInto(new Uint8Array(cap * LEAF_STRIDE), this.leafData);
    }
    this.#words();
  }

  #words(): void {
    if (this.#inner32.buffer !== this.innerHash.buffer)
      this.#inner32 = new Int32Array(this.innerHash.buffer, 0, this.innerHash.length / 4);
    if (this.#leaf32.buffer !== this.leafData.buffer)
      this.#leaf32 = new Int32Array(this.leafData.buffer, 0, this.leafData.length / 4);
  }

  /**
   * Shrinks capacities to what is used plus `slack` (a fraction, e.g. 1/16), after a bulk build
   * from an input of unknown length grew them by 1.5×.
   */
  shrinkToFit(slack: number): void {
    const inner = Math.ceil(this.#innerTop * (1 + slack));
    if (inner < this.left.length) {
      this.left = this.left.slice(0, inner);
      this.right = this.right.slice(0, inner);
      this.dirty = this.dirty.slice(0, inner);
      this.innerHash = this.innerHash.slice(0, inner * H);
    }
    const leaves = Math.ceil(this.#leafTop * (1 + slack));
    if (leaves * LEAF_STRIDE < this.leafData.length) {
      this.leafData = this.leafData.slice(0, leaves * LEAF_STRIDE);
    }
    this.#words();
  }

  /** Allocates a dirty inner node with the given children. */
  allocInner(left: Ref, right: Ref): number {
    let id = this.#innerFree;
    if (id !== 0) {
      this.#innerFree = this.left[id] as number;
    } else {
      if (this.#innerTop >= this.left.length) this.reserve(1, 0);
      id = this.#innerTop++;
    }
    this.left[id] = left;
    this.right[id] = right;
    this.dirty[id] = 1;
    this.innerCount++;
    return id;
  }

  /** Returns inner node `id` to the free list (linked through `left`). */
  freeInner(id: number): void {
    this.left[id] = this.#innerFree;
    this.right[id] = EMPTY;
    this.dirty[id] = 0;
    this.#innerFree = id;
    this.innerCount--;
  }

  /** Allocates a leaf slot holding `keyHash` and `valueHash`, and hashes it. */
  allocLeaf(keyHash: Uint8Array, valueHash: Uint8Array): number {
    let leaf = this.#leafFree.pop();
    if (leaf === undefined) {
      if (this.#leafTop * LEAF_STRIDE >= this.leafData.length) this.reserve(0, 1);
      leaf = this.#leafTop++;
    }
    this.leafData.set(keyHash, leaf * LEAF_STRIDE);
    this.setLeafValue(leaf, valueHash);
    this.leafCount++;
    return leaf;
  }

  /** Returns leaf slot `leaf` to the free list. */
  freeLeaf(leaf: number): void {
    this.leafData.fill(0, leaf * LEAF_STRIDE, (leaf + 1) * LEAF_STRIDE);
    this.#leafFree.push(leaf);
    this.leafCount--;
  }

  /** Stores a new value hash in leaf `leaf` and recomputes its leaf hash. */
  setLeafValue(leaf: number, valueHash: Uint8Array): void {
    const base = leaf * LEAF_STRIDE;
    this.leafData.set(valueHash, base + LEAF_VALUE);
    // The leaf hash: SHA-256(0x00 || keyHash || valueHash), the 64 bytes at the record's start.
    const from = base / 4;
    for (let i = 0; i < 16; i++) sha256NodeInput[i] = this.#leaf32[from + i] as number;
    sha256Node(SMT_LEAF_PREFIX, this.leafData, base + LEAF_HASH);
  }

  /** Does leaf `leaf` hold `keyHash` (32 bytes)? */
  leafHasKey(leaf: number, keyHash: Uint8Array): boolean {
    const data = this.leafData;
    const base = leaf * LEAF_STRIDE;
    for (let i = 0; i < H; i++) if (data[base + i] !== keyHash[i]) return false;
    return true;
  }

  /** Does leaf `leaf` hold `valueHash` (32 bytes)? */
  leafHasValue(leaf: number, valueHash: Uint8Array): boolean {
    const data = this.leafData;
    const base = leaf * LEAF_STRIDE + LEAF_VALUE;
    for (let i = 0; i < H; i++) if (data[base + i] !== valueHash[i]) return false;
    return true;
  }

  /**
   * Writes the hashes of `refs[0..count)` into `out` at `offset` as the items of a JSON array of
   * hex strings (`"…","…"`, no brackets; 64 zeros for an empty ref), ASCII bytes; returns the
   * offset after the last one. `out` must have room for `count * 67` bytes. The one hex encoder
   * of proofs: the proof-serving hot path.
   */
  writeHashesJson(refs: Int32Array, count: number, out: Uint8Array, offset: number): number {
    const lut = HEX_PAIRS;
    let o = offset;
    for (let i = 0; i < count; i++) {
      if (i > 0) out[o++] = COMMA;
      out[o++] = QUOTE;
      const ref = refs[i] as number;
      if (ref === EMPTY) {
        out.fill(ZERO_DIGIT, o, o + 2 * H);
        o += 2 * H;
      } else {
        const src = ref > 0 ? this.innerHash : this.leafData;
        const base = ref > 0 ? ref * H : leafOf(ref) * LEAF_STRIDE + LEAF_HASH;
        for (let j = 0; j < H; j++) {
          const pair = lut[src[base + j] as number] as number;
          out[o++] = pair >>> 8;
          out[o++] = pair & 0xff;
        }
      }
      out[o++] = QUOTE;
    }
    return o;
  }

  /** Copies the (fresh) hash of `ref` into `out` at `offset`. */
  copyHash(ref: Ref, out: Uint8Array, offset: number): void {
    if (ref === EMPTY) {
      out.fill(0, offset, offset + H);
      return;
    }
    const src = ref > 0 ? this.innerHash : this.leafData;
    const base = hashOffset(ref);
    for (let i = 0; i < H; i++) out[offset + i] = src[base + i] as number;
  }

  /** Hashes inner node `id` from its children's hashes, which must be fresh. */
  hashInner(id: number): void {
    this.#stage(0, id);
    sha256Node(SMT_NODE_PREFIX, this.innerHash, id * H);
  }

  /** {@link NodeArena.hashInner} of four inner nodes at once (SIMD); their children must be fresh. */
  hashInner4(i0: number, i1: number, i2: number, i3: number): void {
    this.#stage(0, i0);
    this.#stage(1, i1);
    this.#stage(2, i2);
    this.#stage(3, i3);
    sha256Node4(SMT_NODE_PREFIX, this.innerHash, i0 * H, i1 * H, i2 * H, i3 * H);
  }

  /** Moves inner node `id`'s children's hashes into lane `lane` of {@link sha256NodeInput}. */
  #stage(lane: number, id: number): void {
    this.#stageHash(this.left[id] as number, 16 * lane);
    this.#stageHash(this.right[id] as number, 16 * lane + 8);
    this.dirty[id] = 0;
  }

  /** The (fresh) hash of `ref` as 8 words of {@link sha256NodeInput} from word `at`. */
  #stageHash(ref: Ref, at: number): void {
    const dst = sha256NodeInput;
    if (ref === EMPTY) {
      for (let i = 0; i < 8; i++) dst[at + i] = 0;
      return;
    }
    const src = ref > 0 ? this.#inner32 : this.#leaf32;
    const from = hashOffset(ref) / 4;
    for (let i = 0; i < 8; i++) dst[at + i] = src[from + i] as number;
  }

  /** Bytes held by the arenas (capacity, not use). */
  byteLength(): number {
    const inner =
      this.left.byteLength +
      this.right.byteLength +
      this.dirty.byteLength +
      this.innerHash.byteLength;
    return inner + this.leafData.byteLength;
  }
}

function copyInto<T extends Int32Array | Uint8Array>(fresh: T, old: T): T {
  fresh.set(old);
  return fresh;
}
