/**
 * The in-memory compacted sparse Merkle tree over the ledger state (specification in
 * `./index.ts`). Nodes live in typed-array arenas; hashes are recomputed lazily by
 * {@link StateTree.root}, each dirty inner node once.
 */
import { assertBytes, isWellFormedText, sha256TextInto, toHex } from '../../crypto/index.ts';
import { EMPTY, LEAF_STRIDE, LEAF_VALUE, leafOf, leafRef, NodeArena, type Ref } from './_arena.ts';
import { buildTree } from './_build.ts';
import { SMT_EMPTY_HASH, SMT_HASH_SIZE, SMT_MAX_DEPTH, smtKeyHash, smtValueHash } from './hash.ts';
import type { StateProof } from './proof.ts';

/** Bytes of one sibling in a proof's JSON `siblings` array: `"` + 64 hex digits + `"` + `,`. */
const SIBLING_ITEM_BYTES = 2 * SMT_HASH_SIZE + 3;

function assertText(value: unknown, name: string): asserts value is string {
  if (typeof value !== 'string')
    throw new TypeError(`"${name}" expected a string, got ${typeof value}`);
  if (!isWellFormedText(value)) throw new TypeError(`"${name}" has a lone surrogate (not UTF-8)`);
}

function bitOf(hash: Uint8Array, i: number): number {
  return ((hash[i >>> 3] as number) >>> (7 - (i & 7))) & 1;
}

/** The length of an array, Map or Set, to size the arenas up front; 0 when unknown. */
function sizeHint(items: Iterable<unknown>): number {
  if (Array.isArray(items)) return items.length;
  if (items instanceof Map || items instanceof Set) return items.size;
  return 0;
}

/** Bit `i` of the key hash of the leaf record at byte `base`. */
function leafBit(data: Uint8Array, base: number, i: number): number {
  return ((data[base + (i >>> 3)] as number) >>> (7 - (i & 7))) & 1;
}

/**
 * The state commitment: a compacted sparse Merkle tree of (key, value) pairs, keyed by
 * `SHA-256(key)`. It stores hashes only (about 160 bytes per key), never the keys or values.
 *
 * @example
 * const tree = new StateTree();
 * tree.set('gov/org/org1', '{"name":"Org 1"}');
 * const proof = tree.prove('gov/org/org1', '{"name":"Org 1"}');
 * verifyStateProof(proof, tree.root()); // true
 */
export class StateTree {
  readonly #a = new NodeArena();
  #root: Ref = EMPTY;
  /** Inner node ids along the last walked path; `#path[d]` sits at depth `d`. */
  readonly #path = new Int32Array(SMT_MAX_DEPTH);
  /** Sibling refs along the last proven path. */
  readonly #siblings = new Int32Array(SMT_MAX_DEPTH);
  /** The siblings of the last proof as JSON string items, before they become a string. */
  readonly #itemsScratch = Buffer.alloc(SMT_MAX_DEPTH * SIBLING_ITEM_BYTES);
  /** Scratch of {@link StateTree.root}'s rehash: the dirty nodes, their heights, sorted by height. */
  #dirtyIds = new Int32Array(1024);
  #dirtyHeights = new Uint16Array(1024);
  #byHeight = new Int32Array(1024);
  #dirtyCount = 0;
  /** Key and value hashes of {@link StateTree.set} (setHashed keeps neither). */
  readonly #keyScratch = new Uint8Array(SMT_HASH_SIZE);
  readonly #valueScratch = new Uint8Array(SMT_HASH_SIZE);

  /**
   * Builds a tree from (key, value) pairs in O(n) hashes; a repeated key keeps its last value.
   * The result equals setting the pairs one by one, in any order.
   *
   * @param entries - state keys and their values (canonical JSON text)
   * @throws TypeError when a key or value is not a well-formed string
   */
  static build(entries: Iterable<readonly [key: string, value: string]>): StateTree {
    const tree = new StateTree();
    tree.#a.reserve(0, sizeHint(entries));
    for (const [key, value] of entries) {
      assertText(key, 'key');
      assertText(value, 'value');
      tree.#a.allocLeaf(smtKeyHash(key), smtValueHash(value));
    }
    tree.#buildFromLeaves();
    return tree;
  }

  /**
   * Builds a tree from precomputed `[keyHash, valueHash]` pairs (see {@link StateTree.build}).
   *
   * @param pairs - 32-byte `SHA-256(utf8(key))` and `SHA-256(utf8(value))`
   * @throws TypeError when a hash is not a 32-byte Uint8Array
   */
  static buildFromHashes(
    pairs: Iterable<readonly [keyHash: Uint8Array, valueHash: Uint8Array]>,
  ): StateTree {
    const tree = new StateTree();
    tree.#a.reserve(0, sizeHint(pairs));
    for (const [keyHash, valueHash] of pairs) {
      assertBytes(keyHash, SMT_HASH_SIZE, 'keyHash');
      assertBytes(valueHash, SMT_HASH_SIZE, 'valueHash');
      tree.#a.allocLeaf(keyHash, valueHash);
    }
    tree.#buildFromLeaves();
    return tree;
  }

  /** Links the leaves of a fresh tree (slots 0..n-1 in input order) under hashed inner nodes. */
  #buildFromLeaves(): void {
    const a = this.#a;
    const count = a.leafCount;
    // About n / ln 2 ≈ 1.44 n inner nodes on random key hashes.
    a.reserve(Math.ceil(count * 1.5), 0);
    this.#root = buildTree(a, count);
    a.shrinkToFit(1 / 16);
  }

  /** Number of keys in the tree. */
  get size(): number {
    return this.#a.leafCount;
  }

  /** Bytes held by the node arenas (capacity), to measure memory per key. */
  get byteLength(): number {
    return this.#a.byteLength();
  }

  /**
   * Sets the value of `key`. Hashes above it are recomputed by the next {@link StateTree.root}.
   *
   * @throws TypeError when `key` or `value` is not a well-formed string
   */
  set(key: string, value: string): void {
    assertText(key, 'key');
    assertText(value, 'value');
    // smtKeyHash and smtValueHash, written into scratch arrays: set is the hot path of every block.
    sha256TextInto(key, this.#keyScratch, 0);
    sha256TextInto(value, this.#valueScratch, 0);
    this.setHashed(this.#keyScratch, this.#valueScratch);
  }

  /**
   * Removes `key`; returns whether it was present.
   *
   * @throws TypeError when `key` is not a well-formed string
   */
  delete(key: string): boolean {
    assertText(key, 'key');
    return this.deleteHashed(smtKeyHash(key));
  }

  /** Is `key` in the tree? */
  has(key: string): boolean {
    assertText(key, 'key');
    const keyHash = smtKeyHash(key);
    const { end } = this.#walk(keyHash);
    return end < 0 && this.#a.leafHasKey(leafOf(end), keyHash);
  }

  /**
   * {@link StateTree.set} with precomputed hashes.
   *
   * @throws TypeError when a hash is not a 32-byte Uint8Array
   */
  setHashed(keyHash: Uint8Array, valueHash: Uint8Array): void {
    assertBytes(keyHash, SMT_HASH_SIZE, 'keyHash');
    assertBytes(valueHash, SMT_HASH_SIZE, 'valueHash');
    const a = this.#a;
    const { end, depth } = this.#walk(keyHash);
    if (end < 0 && a.leafHasKey(leafOf(end), keyHash)) {
      if (a.leafHasValue(leafOf(end), valueHash)) return;
      a.setLeafValue(leafOf(end), valueHash);
      this.#markDirty(depth);
      return;
    }
    const fresh = leafRef(a.allocLeaf(keyHash, valueHash));
    this.#replace(depth, keyHash, end === EMPTY ? fresh : this.#split(end, fresh, keyHash, depth));
    this.#markDirty(depth);
  }

  /**
   * {@link StateTree.delete} with a precomputed key hash.
   *
   * @throws TypeError when `keyHash` is not a 32-byte Uint8Array
   */
  deleteHashed(keyHash: Uint8Array): boolean {
    assertBytes(keyHash, SMT_HASH_SIZE, 'keyHash');
    const a = this.#a;
    const { end, depth } = this.#walk(keyHash);
    if (end >= 0 || !a.leafHasKey(leafOf(end), keyHash)) return false;
    a.freeLeaf(leafOf(end));
    // Collapse upward while a node holds at most one leaf (compaction).
    let replacement: Ref = EMPTY;
    let level = depth;
    while (level > 0) {
      const parent = this.#path[level - 1] as number;
      const other = this.#child(parent, 1 - bitOf(keyHash, level - 1));
      if (replacement === EMPTY && other <= 0) replacement = other;
      else if (replacement >= 0 || other !== EMPTY) break;
      a.freeInner(parent);
      level--;
    }
    this.#replace(level, keyHash, replacement);
    this.#markDirty(level);
    return true;
  }

  /** The state root (a fresh copy), rehashing only the nodes changed since the last call. */
  root(): Uint8Array {
    const root = this.#root;
    if (root === EMPTY) return new Uint8Array(SMT_EMPTY_HASH);
    if (root > 0 && this.#a.dirty[root] === 1) this.#rehash(root);
    const out = new Uint8Array(SMT_HASH_SIZE);
    this.#a.copyHash(root, out, 0);
    return out;
  }

  /**
   * Proves that `key` has `value`, or is absent when `value` is `null`, against {@link StateTree.root}.
   *
   * @param key - the state key
   * @param value - the key's current value in the caller's store, or `null` when it has none
   * @param checkValue - hash `value` and compare it with the tree (default). A hot read path
   *   may skip it: a value that disagrees with the tree yields a proof no verifier accepts.
   * @throws Error when `value` disagrees with the tree (a caller bug: store and tree diverged)
   */
  prove(key: string, value: string | null, checkValue = true): StateProof {
    const { items, depth, leaf } = this.#proofParts(key, value, checkValue);
    // Item d of `items` is `"<64 hex>"` at offset d * SIBLING_ITEM_BYTES (commas between).
    const siblings: string[] = new Array<string>(depth);
    for (let d = 0; d < depth; d++)
      siblings[d] = items.slice(
        d * SIBLING_ITEM_BYTES + 1,
        d * SIBLING_ITEM_BYTES + 1 + 2 * SMT_HASH_SIZE,
      );
    return leaf === undefined ? { key, value, siblings } : { key, value, siblings, leaf };
  }

  /**
   * {@link StateTree.prove} written directly as JSON text, byte for byte
   * `JSON.stringify(tree.prove(key, value, checkValue))`: the proof-serving hot path.
   *
   * @throws Error when `value` disagrees with the tree (see {@link StateTree.prove})
   */
  proveJson(key: string, value: string | null, checkValue = true): string {
    const { items, leaf } = this.#proofParts(key, value, checkValue);
    const leafJson =
      leaf === undefined
        ? ''
        : `,"leaf":{"keyHash":"${leaf.keyHash}","valueHash":"${leaf.valueHash}"}`;
    return `{"key":${JSON.stringify(key)},"value":${JSON.stringify(value)},"siblings":[${items}]${leafJson}}`;
  }

  /**
   * Writes the siblings of `key`'s inclusion proof into `out` at `offset`, as the items of the
   * proof's JSON `siblings` array (`"…","…"`, ASCII, no brackets): the bytes
   * {@link StateTree.proveJson} puts between `"siblings":[` and `]`. For a resolver that keeps the
   * rest of the answer pre-rendered. The caller guarantees the value it serves is the key's
   * committed value (as with `checkValue = false`).
   *
   * @param out - room for at least {@link StateTree.siblingsJsonMaxBytes} bytes after `offset`
   * @returns the offset after the last byte written, or -1 when `key` is not in the tree
   * @throws TypeError when `key` is not a well-formed string
   */
  writeInclusionSiblingsJson(key: string, out: Uint8Array, offset: number): number {
    assertText(key, 'key');
    const keyHash = smtKeyHash(key);
    const { end, depth } = this.#walkSiblings(keyHash);
    if (end >= 0 || !this.#a.leafHasKey(leafOf(end), keyHash)) return -1;
    return this.#a.writeHashesJson(this.#siblings, depth, out, offset);
  }

  /** Most bytes {@link StateTree.writeInclusionSiblingsJson} writes: 256 siblings of 66 bytes plus commas. */
  static readonly siblingsJsonMaxBytes = SMT_MAX_DEPTH * SIBLING_ITEM_BYTES;

  /**
   * Brings the hashes up to date, walks `keyHash`'s path and puts the sibling at each depth in
   * `#siblings`: what every proof starts from.
   */
  #walkSiblings(keyHash: Uint8Array): { end: Ref; depth: number } {
    const root = this.#root;
    if (root > 0 && this.#a.dirty[root] === 1) this.#rehash(root);
    const walked = this.#walk(keyHash);
    const siblings = this.#siblings;
    for (let d = 0; d < walked.depth; d++)
      siblings[d] = this.#child(this.#path[d] as number, 1 - bitOf(keyHash, d));
    return walked;
  }

  /**
   * The depth of `key`'s path, its siblings as JSON string items (`"…","…"`), and for an
   * absence, the leaf it ends at.
   */
  #proofParts(
    key: string,
    value: string | null,
    checkValue: boolean,
  ): { items: string; depth: number; leaf: StateProof['leaf'] } {
    assertText(key, 'key');
    if (value !== null && checkValue) assertText(value, 'value');
    const a = this.#a;
    const keyHash = smtKeyHash(key);
    const { end, depth } = this.#walkSiblings(keyHash);
    const out = this.#itemsScratch;
    const items = out.toString('latin1', 0, a.writeHashesJson(this.#siblings, depth, out, 0));
    const own = end < 0 && a.leafHasKey(leafOf(end), keyHash);
    if (own !== (value !== null)) {
      const state = own ? 'present' : 'absent';
      const given = value === null ? 'null' : 'a string';
      throw new Error(
        `StateTree.prove: key ${JSON.stringify(key)} is ${state} in the tree, but value is ${given}`,
      );
    }
    if (value !== null) {
      if (checkValue && !a.leafHasValue(leafOf(end), smtValueHash(value))) {
        throw new Error(
          `StateTree.prove: value of key ${JSON.stringify(key)} differs from the tree`,
        );
      }
      return { items, depth, leaf: undefined };
    }
    if (end === EMPTY) return { items, depth, leaf: undefined };
    const base = leafOf(end) * LEAF_STRIDE;
    const at = (offset: number): string =>
      toHex(a.leafData.subarray(base + offset, base + offset + SMT_HASH_SIZE));
    return { items, depth, leaf: { keyHash: at(0), valueHash: at(LEAF_VALUE) } };
  }

  /** Walks from the root along `keyHash`, filling `#path`; returns the first non-inner ref. */
  #walk(keyHash: Uint8Array): { end: Ref; depth: number } {
    const { left, right } = this.#a;
    const path = this.#path;
    let ref = this.#root;
    let depth = 0;
    while (ref > 0) {
      path[depth] = ref;
      ref = (bitOf(keyHash, depth) === 1 ? right[ref] : left[ref]) as number;
      depth++;
    }
    return { end: ref, depth };
  }

  /** Inner nodes from depth `depth` down to where `other` and `fresh` leaves diverge. */
  #split(other: Ref, fresh: Ref, keyHash: Uint8Array, depth: number): Ref {
    const a = this.#a;
    const base = leafOf(other) * LEAF_STRIDE;
    let p = depth;
    while (leafBit(a.leafData, base, p) === bitOf(keyHash, p)) p++;
    let sub = bitOf(keyHash, p) === 1 ? a.allocInner(other, fresh) : a.allocInner(fresh, other);
    for (let d = p - 1; d >= depth; d--) {
      sub = bitOf(keyHash, d) === 1 ? a.allocInner(EMPTY, sub) : a.allocInner(sub, EMPTY);
    }
    return sub;
  }

  /** Child `bit` (0 = left) of inner node `id`. */
  #child(id: number, bit: number): Ref {
    return (bit === 1 ? this.#a.right[id] : this.#a.left[id]) as number;
  }

  /** Puts `ref` in the slot at `depth` on `keyHash`'s walked path. */
  #replace(depth: number, keyHash: Uint8Array, ref: Ref): void {
    if (depth === 0) {
      this.#root = ref;
      return;
    }
    const parent = this.#path[depth - 1] as number;
    if (bitOf(keyHash, depth - 1) === 1) this.#a.right[parent] = ref;
    else this.#a.left[parent] = ref;
  }

  /** Marks the first `depth` nodes of the walked path stale. */
  #markDirty(depth: number): void {
    const dirty = this.#a.dirty;
    for (let d = 0; d < depth; d++) dirty[this.#path[d] as number] = 1;
  }

  #rehash(root: number): void {
    // Every dirty inner node, with its height above the dirty nodes below it: once all lower
    // heights are hashed, a node's children are fresh. Nodes of one height are hashed four at a
    // time (SIMD), the few left over one by one.
    this.#dirtyCount = 0;
    const top = this.#collectDirty(root);
    const n = this.#dirtyCount;
    const ids = this.#dirtyIds;
    const heights = this.#dirtyHeights;
    const starts = new Int32Array(top + 2);
    for (let i = 0; i < n; i++) starts[(heights[i] as number) + 1]!++;
    for (let h = 1; h <= top + 1; h++) starts[h]! += starts[h - 1] as number;
    const byHeight = this.#byHeight;
    const fill = starts.slice(0, top + 1);
    for (let i = 0; i < n; i++) byHeight[fill[heights[i] as number]!++] = ids[i] as number;
    const a = this.#a;
    for (let h = 0; h <= top; h++) {
      let i = starts[h] as number;
      const end = starts[h + 1] as number;
      for (; i + 4 <= end; i += 4)
        a.hashInner4(
          byHeight[i] as number,
          byHeight[i + 1] as number,
          byHeight[i + 2] as number,
          byHeight[i + 3] as number,
        );
      for (; i < end; i++) a.hashInner(byHeight[i] as number);
    }
  }

  /** Lists the dirty inner nodes under `id` (dirty itself) with their heights; returns id's height. */
  #collectDirty(id: number): number {
    const a = this.#a;
    const l = a.left[id] as number;
    const r = a.right[id] as number;
    let height = 0;
    if (l > 0 && a.dirty[l] === 1) height = this.#collectDirty(l) + 1;
    if (r > 0 && a.dirty[r] === 1) height = Math.max(height, this.#collectDirty(r) + 1);
    if (this.#dirtyCount === this.#dirtyIds.length) {
      const grown = this.#dirtyIds.length * 2;
      const ids = new Int32Array(grown);
      ids.set(this.#dirtyIds);
      const heights = new Uint16Array(grown);
      heights.set(this.#dirtyHeights);
      this.#dirtyIds = ids;
      this.#dirtyHeights = heights;
      this.#byHeight = new Int32Array(grown);
    }
    this.#dirtyIds[this.#dirtyCount] = id;
    this.#dirtyHeights[this.#dirtyCount++] = height;
    return height;
  }
}
