/**
 * A naive reference of the state commitment, written straight from the specification in
 * src/ledger/smt/index.ts and sharing no code with it: recursive, one filter per level.
 */
import { sha256, utf8 } from '../../../src/crypto/index.ts';

const ZERO = new Uint8Array(32);

/** Bit `i` of `hash`, bit 0 being the most significant bit of byte 0. */
export function refBit(hash: Uint8Array, i: number): number {
  const byte = hash[Math.floor(i / 8)] ?? 0;
  return (byte >> (7 - (i % 8))) & 1;
}

/** `SHA-256(0x00 || SHA-256(key) || SHA-256(value))`. */
export function refLeafHash(key: string, value: string): Uint8Array {
  return new Uint8Array(sha256(Uint8Array.of(0), sha256(utf8(key)), sha256(utf8(value))));
}

/** `SHA-256(0x01 || left || right)`. */
export function refNodeHash(left: Uint8Array, right: Uint8Array): Uint8Array {
  return new Uint8Array(sha256(Uint8Array.of(1), left, right));
}

interface RefLeaf {
  keyHash: Uint8Array;
  hash: Uint8Array;
}

function subtree(leaves: RefLeaf[], depth: number): Uint8Array {
  if (leaves.length === 0) return ZERO;
  if (leaves.length === 1) return (leaves[0] as RefLeaf).hash;
  const left = leaves.filter((l) => refBit(l.keyHash, depth) === 0);
  const right = leaves.filter((l) => refBit(l.keyHash, depth) === 1);
  return refNodeHash(subtree(left, depth + 1), subtree(right, depth + 1));
}

/** The state root of a key/value map, by definition. */
export function refRoot(state: ReadonlyMap<string, string>): Uint8Array {
  const leaves = [...state].map(([k, v]) => ({
    keyHash: sha256(utf8(k)),
    hash: refLeafHash(k, v),
  }));
  return subtree(leaves, 0);
}
