/**
 * Hashing of the state commitment (see the specification in `./index.ts`): key and value
 * hashes, leaf and inner-node hashes with one-byte domain separation (as RFC 6962 §2.1), and
 * the all-zero hash of the empty subtree.
 */
import { sha256, sha256Text } from '../../crypto/index.ts';

/** Domain-separation prefix of a leaf hash: `SHA-256(0x00 || keyHash || valueHash)`. */
export const SMT_LEAF_PREFIX = 0x00;

/** Domain-separation prefix of an inner-node hash: `SHA-256(0x01 || left || right)`. */
export const SMT_NODE_PREFIX = 0x01;

/** Byte length of every hash of the tree (SHA-256). */
export const SMT_HASH_SIZE = 32;

/** Bit length of a key path (`keyHash` has 256 bits), hence the deepest possible leaf. */
export const SMT_MAX_DEPTH = 256;

/**
 * Hash of the empty subtree, and root of the empty tree: 32 zero bytes.
 * Never mutate it; functions that return a root return a copy.
 */
export const SMT_EMPTY_HASH: Uint8Array = new Uint8Array(SMT_HASH_SIZE);

/**
 * Path of a state key: `SHA-256(utf8(key))`.
 *
 * @param key - a state key such as `'gov/org/org1'`
 * @example toHex(smtKeyHash('gov/org/org1'))
 */
export function smtKeyHash(key: string): Uint8Array {
  return sha256Text(key);
}

/**
 * Hash of a state value: `SHA-256(utf8(value))` (the value is canonical JSON text).
 *
 * @param value - the stored value text
 */
export function smtValueHash(value: string): Uint8Array {
  return sha256Text(value);
}

/**
 * Leaf hash `SHA-256(0x00 || keyHash || valueHash)`.
 *
 * Lengths are not checked here: callers pass 32-byte hashes.
 *
 * @param keyHash - {@link smtKeyHash} of the key
 * @param valueHash - {@link smtValueHash} of the value
 */
export function smtHashLeaf(keyHash: Uint8Array, valueHash: Uint8Array): Uint8Array {
  const buf = new Uint8Array(1 + 2 * SMT_HASH_SIZE);
  buf[0] = SMT_LEAF_PREFIX;
  buf.set(keyHash, 1);
  buf.set(valueHash, 1 + SMT_HASH_SIZE);
  return sha256(buf);
}

/**
 * Inner-node hash `SHA-256(0x01 || left || right)`; an empty child is {@link SMT_EMPTY_HASH}.
 *
 * @param left - hash of the left (bit 0) subtree
 * @param right - hash of the right (bit 1) subtree
 */
export function smtHashNode(left: Uint8Array, right: Uint8Array): Uint8Array {
  const buf = new Uint8Array(1 + 2 * SMT_HASH_SIZE);
  buf[0] = SMT_NODE_PREFIX;
  buf.set(left, 1);
  buf.set(right, 1 + SMT_HASH_SIZE);
  return sha256(buf);
}

/**
 * Bit `i` of a key path: bit 0 is the most significant bit of byte 0; 0 means left.
 *
 * @param hash - a 32-byte key hash
 * @param i - bit index, 0..255
 */
export function smtBit(hash: Uint8Array, i: number): 0 | 1 {
  return (((hash[i >>> 3] ?? 0) >>> (7 - (i & 7))) & 1) as 0 | 1;
}
