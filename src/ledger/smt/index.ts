/**
 * The ledger's state commitment: a compacted sparse Merkle tree over the key/value state, with
 * proofs of a key's value and of its absence, checked by a pure verifier.
 *
 * ## Specification
 *
 * - **Paths.** A state key is a string (e.g. `'gov/org/org1'`), a value is a string (canonical
 *   JSON text); both must be well-formed UTF-16 (no lone surrogates). `keyHash =
 *   SHA-256(utf8(key))` is the key's 256-bit path: bit `i` is bit `7 - i mod 8` of byte
 *   `floor(i / 8)` (bit 0 is the most significant bit of byte 0); 0 goes left, 1 goes right.
 *   `valueHash = SHA-256(utf8(value))`.
 * - **Hashes.** Leaf: `SHA-256(0x00 || keyHash || valueHash)`. Inner node:
 *   `SHA-256(0x01 || left || right)`. The empty subtree: 32 zero bytes.
 * - **Compaction.** The subtree at a path prefix is empty when no key has that prefix; it IS the
 *   leaf hash of the key when exactly one key has it (so a leaf sits at the shallowest depth
 *   where its prefix is unique); and it is an inner node when two or more keys have it, even if
 *   one child is empty. The root is the subtree at the empty prefix: 32 zero bytes for the empty
 *   state, the leaf hash for a single key. The root is a function of the set of (key, value)
 *   pairs only, independent of insertion order.
 * - **Proofs** ({@link StateProof}, hashes as 64 lower-case hex characters). `siblings[i]` is
 *   the hash of the sibling at depth `i + 1` of the key's path (the other child of the inner node
 *   at depth `i`), from the root downward; `siblings.length` (at most 256) is the depth `d` where
 *   the path ends. An empty sibling is written as 64 zeros (on random key hashes, empty siblings
 *   appear only in short runs above a leaf, about one per proof, so a bitmap would save little).
 *   - Inclusion (`value` is a string, no `leaf`): the path ends at the key's own leaf,
 *     `SHA-256(0x00 || keyHash || SHA-256(utf8(value)))`.
 *   - Absence, empty (`value: null`, no `leaf`): the path ends at an empty subtree.
 *   - Absence, other leaf (`value: null`, `leaf: {keyHash, valueHash}`): the path ends at the
 *     leaf of another key, whose `keyHash` differs from the key's and shares its first `d` bits.
 * - **Verification.** Start from the end node above, then for `i = d - 1 … 0` hash
 *   `node = bit_i(keyHash) = 0 ? H(0x01 || node || siblings[i]) : H(0x01 || siblings[i] || node)`;
 *   the proof verifies when the result equals the state root. A proof is rejected as
 *   non-canonical when `d > 0` and the last sibling is empty (its parent would hold at most one
 *   leaf, which compaction forbids), and as malformed when it has unknown fields, bad hex, a
 *   lone surrogate, or a `leaf` in a proof of inclusion.
 *
 * @module
 */
export {
  SMT_EMPTY_HASH,
  SMT_HASH_SIZE,
  SMT_LEAF_PREFIX,
  SMT_MAX_DEPTH,
  SMT_NODE_PREFIX,
  smtBit,
  smtHashLeaf,
  smtHashNode,
  smtKeyHash,
  smtValueHash,
} from './hash.ts';
export { checkStateProof, verifyStateProof } from './proof.ts';
export type { StateProof, StateProofFailure } from './proof.ts';
export { StateTree } from './tree.ts';
