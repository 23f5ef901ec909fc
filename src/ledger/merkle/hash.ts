/**
 * RFC 6962 §2.1 (RFC 9162 §2.1.1) hashing with SHA-256: leaves and interior nodes are hashed
 * with distinct one-byte prefixes, so a leaf can never be passed off as an interior node.
 */
import { assertBytes, sha256 } from '../../crypto/index.ts';

/** Domain-separation prefix of a leaf hash (RFC 6962 §2.1). */
export const LEAF_PREFIX = 0x00;

/** Domain-separation prefix of an interior-node hash (RFC 6962 §2.1). */
export const NODE_PREFIX = 0x01;

/** Byte length of every hash in the log (SHA-256). */
export const HASH_SIZE = 32;

const LEAF_PREFIX_BYTES = Uint8Array.of(LEAF_PREFIX);
const NODE_PREFIX_BYTES = Uint8Array.of(NODE_PREFIX);

/**
 * The Merkle Tree Hash of the empty tree, `MTH({}) = SHA-256()` (RFC 6962 §2.1).
 * Frozen in spirit: callers get their own copy from {@link MerkleLog.root}; never mutate this one.
 */
export const EMPTY_ROOT: Uint8Array = new Uint8Array(sha256());

/**
 * Leaf hash `SHA-256(0x00 || data)` (RFC 6962 §2.1).
 *
 * @param data - the leaf bytes (for the ledger: canonical entry bytes)
 * @throws TypeError when `data` is not a Uint8Array
 * @example hashLeaf(new Uint8Array()) // 6e340b9c…afa01d, the root of the 1-leaf reference tree
 */
export function hashLeaf(data: Uint8Array): Uint8Array {
  assertBytes(data, undefined, 'data');
  return sha256(LEAF_PREFIX_BYTES, data);
}

/**
 * Interior-node hash `SHA-256(0x01 || left || right)` (RFC 6962 §2.1).
 *
 * Lengths are not checked here: verifiers check proof hashes before they reach this function.
 *
 * @param left - hash of the left subtree
 * @param right - hash of the right subtree
 * @throws TypeError when an argument is not a Uint8Array
 */
export function hashChildren(left: Uint8Array, right: Uint8Array): Uint8Array {
  assertBytes(left, undefined, 'left');
  assertBytes(right, undefined, 'right');
  return sha256(NODE_PREFIX_BYTES, left, right);
}
