/**
 * Pure verifiers for RFC 9162 §2.1.3.2 (inclusion) and §2.1.4.2 (consistency) proofs over
 * RFC 6962 SHA-256 trees. No I/O, no clock.
 *
 * Each check comes in three shapes: `rootFrom…` computes, `verify…` answers yes/no and never
 * throws on bad proof data, `check…` throws `ERR_LEDGER_BAD_PROOF` with the reason. All of them
 * throw `TypeError`/`RangeError` for programmer misuse (a non-integer or negative position, a
 * hash that is not a Uint8Array). Integers above 2^53 - 1 (a uint64 from the wire that a JS
 * number cannot hold exactly) are bad proof data, not misuse.
 */
import { assertBytes, equalBytes, toHex } from '../../crypto/index.ts';
import { AppError } from '../../errors.ts';
import { EMPTY_ROOT, HASH_SIZE } from './hash.ts';
import { assertNonNegativeInteger } from './_int.ts';
import {
  chainConsistency,
  chainInclusion,
  consistencyProofLength,
  inclusionProofLength,
} from './_rfc9162.ts';

type Proof = readonly Uint8Array[];

function hashes(count: number): string {
  return count === 1 ? '1 hash' : `${count} hashes`;
}

function badProof(kind: string, reason: string): AppError {
  return new AppError('ERR_LEDGER_BAD_PROOF', `${kind} proof: ${reason}`);
}

function assertProof(proof: unknown): asserts proof is Proof {
  if (!Array.isArray(proof)) {
    throw new TypeError(`"proof" expected an array of Uint8Array, got ${typeof proof}`);
  }
  proof.forEach((hash, i) => assertBytes(hash, undefined, `proof[${i}]`));
}

function unsafe(value: number, name: string): string | undefined {
  return Number.isSafeInteger(value) ? undefined : `"${name}" ${value} is above 2^53 - 1`;
}

function wrongHashSize(hash: Uint8Array, name: string): string | undefined {
  if (hash.length === HASH_SIZE) return undefined;
  return `"${name}" has ${hash.length} bytes, expected ${HASH_SIZE}`;
}

function wrongProof(proof: Proof, expected: number): string | undefined {
  if (proof.length !== expected) return `"proof" has ${hashes(proof.length)}, expected ${expected}`;
  for (let i = 0; i < proof.length; i++) {
    const bad = wrongHashSize(proof[i] as Uint8Array, `proof[${i}]`);
    if (bad !== undefined) return bad;
  }
  return undefined;
}

function mismatch(name: string, computed: Uint8Array, expected: Uint8Array): string | undefined {
  if (equalBytes(computed, expected)) return undefined;
  return `${name} mismatch: proof gives ${toHex(computed)}, expected ${toHex(expected)}`;
}

function inclusionRoot(
  index: number,
  size: number,
  leafHash: Uint8Array,
  proof: Proof,
): Uint8Array | string {
  const bad =
    unsafe(index, 'index') ??
    unsafe(size, 'size') ??
    (index >= size ? `"index" ${index} is not below "size" ${size}` : undefined) ??
    wrongHashSize(leafHash, 'leafHash') ??
    wrongProof(proof, inclusionProofLength(index, size));
  return bad ?? chainInclusion(index, size, leafHash, proof);
}

function inclusionFailure(
  index: number,
  size: number,
  leafHash: Uint8Array,
  proof: Proof,
  root: Uint8Array,
): string | undefined {
  const computed = inclusionRoot(index, size, leafHash, proof);
  if (typeof computed === 'string') return computed;
  return wrongHashSize(root, 'root') ?? mismatch('root', computed, root);
}

function assertInclusionArgs(
  index: number,
  size: number,
  leafHash: Uint8Array,
  proof: Proof,
): void {
  assertNonNegativeInteger(index, 'index');
  assertNonNegativeInteger(size, 'size');
  assertBytes(leafHash, undefined, 'leafHash');
  assertProof(proof);
}

/**
 * Computes the root a Merkle audit path leads to (RFC 9162 §2.1.3.2).
 *
 * @param index - leaf index, `0 <= index < size`
 * @param size - tree size the proof is for
 * @param leafHash - `hashLeaf(entry)`, 32 bytes
 * @param proof - sibling hashes from the leaf up (RFC 6962 §2.1.1 `PATH`)
 * @returns a fresh 32-byte root the proof commits to; compare it with a trusted root
 * @throws ERR_LEDGER_BAD_PROOF when `index >= size`, a hash is not 32 bytes or the proof has
 *   the wrong length
 * @throws TypeError / RangeError when an argument has the wrong type or is negative
 */
export function rootFromInclusionProof(
  index: number,
  size: number,
  leafHash: Uint8Array,
  proof: Proof,
): Uint8Array {
  assertInclusionArgs(index, size, leafHash, proof);
  const computed = inclusionRoot(index, size, leafHash, proof);
  if (typeof computed === 'string') throw badProof('inclusion', computed);
  return new Uint8Array(computed); // never the caller's leafHash itself, never a Buffer
}

/**
 * Does `proof` show that `leafHash` is leaf `index` of the tree (`size`, `root`)?
 * (RFC 9162 §2.1.3.2). Returns false, never throws, for any bad proof data.
 *
 * @throws TypeError / RangeError only for programmer misuse (wrong types, negative numbers)
 * @example verifyInclusion(0, 1, leafHash, [], leafHash) // true: a 1-leaf tree's root is its leaf
 */
export function verifyInclusion(
  index: number,
  size: number,
  leafHash: Uint8Array,
  proof: Proof,
  root: Uint8Array,
): boolean {
  assertInclusionArgs(index, size, leafHash, proof);
  assertBytes(root, undefined, 'root');
  return inclusionFailure(index, size, leafHash, proof, root) === undefined;
}

/**
 * Like {@link verifyInclusion}, but throws with the reason the proof fails.
 *
 * @throws ERR_LEDGER_BAD_PROOF e.g. `inclusion proof: "proof" has 4 hashes, expected 3` or
 *   `inclusion proof: root mismatch: proof gives …, expected …`
 * @throws TypeError / RangeError for programmer misuse
 */
export function checkInclusion(
  index: number,
  size: number,
  leafHash: Uint8Array,
  proof: Proof,
  root: Uint8Array,
): void {
  assertInclusionArgs(index, size, leafHash, proof);
  assertBytes(root, undefined, 'root');
  const reason = inclusionFailure(index, size, leafHash, proof, root);
  if (reason !== undefined) throw badProof('inclusion', reason);
}

/** size1 = 0: the empty tree is a prefix of every tree, but only with the empty-tree root. */
function fromEmptyTreeFailure(
  size2: number,
  proof: Proof,
  root1: Uint8Array,
  root2: Uint8Array,
): string | undefined {
  if (proof.length !== 0) {
    return `"proof" has ${hashes(proof.length)}, expected 0 from the empty tree`;
  }
  if (!equalBytes(root1, EMPTY_ROOT)) return `"root1" ${toHex(root1)} is not the empty-tree root`;
  if (size2 > 0) return wrongHashSize(root2, 'root2');
  if (equalBytes(root2, EMPTY_ROOT)) return undefined;
  return `"root2" ${toHex(root2)} is not the empty-tree root`;
}

function consistencyFailure(
  size1: number,
  size2: number,
  proof: Proof,
  root1: Uint8Array,
  root2: Uint8Array,
): string | undefined {
  const bad = unsafe(size1, 'size1') ?? unsafe(size2, 'size2');
  if (bad !== undefined) return bad;
  if (size1 > size2) return `"size1" ${size1} is greater than "size2" ${size2}`;
  if (size1 === 0) return fromEmptyTreeFailure(size2, proof, root1, root2);
  if (size1 === size2) {
    // RFC 9162 §2.1.4.1: the proof between equal trees is empty; the heads must be identical.
    if (proof.length !== 0) {
      return `"proof" has ${hashes(proof.length)}, expected 0 for equal sizes`;
    }
    if (equalBytes(root1, root2)) return undefined;
    return 'root mismatch: "root1" and "root2" differ for equal sizes';
  }
  const malformed =
    wrongHashSize(root1, 'root1') ??
    wrongHashSize(root2, 'root2') ??
    wrongProof(proof, consistencyProofLength(size1, size2));
  if (malformed !== undefined) return malformed;
  const roots = chainConsistency(size1, size2, proof, root1);
  if (typeof roots === 'string') return roots;
  return mismatch('root1', roots[0], root1) ?? mismatch('root2', roots[1], root2);
}

function assertConsistencyArgs(
  size1: number,
  size2: number,
  proof: Proof,
  root1: Uint8Array,
  root2: Uint8Array,
): void {
  assertNonNegativeInteger(size1, 'size1');
  assertNonNegativeInteger(size2, 'size2');
  assertProof(proof);
  assertBytes(root1, undefined, 'root1');
  assertBytes(root2, undefined, 'root2');
}

/**
 * Does `proof` show that the tree (`size1`, `root1`) is a prefix of the tree (`size2`, `root2`)?
 * (RFC 9162 §2.1.4.2). Returns false, never throws, for any bad proof data.
 *
 * Edge cases: `size1 > size2` fails; `size1 == size2` needs an empty proof and identical roots;
 * `size1 == 0` needs an empty proof, `root1` equal to {@link EMPTY_ROOT} and a 32-byte `root2`
 * (or `root2 == EMPTY_ROOT` when `size2 == 0`).
 *
 * @param proof - RFC 6962 §2.1.2 `PROOF(size1, D[size2])`
 * @throws TypeError / RangeError only for programmer misuse (wrong types, negative numbers)
 */
export function verifyConsistency(
  size1: number,
  size2: number,
  proof: Proof,
  root1: Uint8Array,
  root2: Uint8Array,
): boolean {
  assertConsistencyArgs(size1, size2, proof, root1, root2);
  return consistencyFailure(size1, size2, proof, root1, root2) === undefined;
}

/**
 * Like {@link verifyConsistency}, but throws with the reason the proof fails.
 *
 * @throws ERR_LEDGER_BAD_PROOF e.g. `consistency proof: root2 mismatch: proof gives …` or
 *   `consistency proof: "proof" has 2 hashes, expected 3`
 * @throws TypeError / RangeError for programmer misuse
 */
export function checkConsistency(
  size1: number,
  size2: number,
  proof: Proof,
  root1: Uint8Array,
  root2: Uint8Array,
): void {
  assertConsistencyArgs(size1, size2, proof, root1, root2);
  const reason = consistencyFailure(size1, size2, proof, root1, root2);
  if (reason !== undefined) throw badProof('consistency', reason);
}
