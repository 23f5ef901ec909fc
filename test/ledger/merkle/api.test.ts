/** Argument checks, error codes and messages of ledger/merkle. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isAppError } from '../../../src/errors.ts';
import type { ErrorCode } from '../../../src/errors.ts';
import {
  checkConsistency,
  checkInclusion,
  EMPTY_ROOT,
  hashLeaf,
  MerkleLog,
  rootFromInclusionProof,
  verifyConsistency,
  verifyInclusion,
} from '../../../src/ledger/merkle/index.ts';
import { hex } from './_reference.ts';

const leaves = Array.from({ length: 8 }, (_, i) => hashLeaf(Uint8Array.of(i)));
const log = MerkleLog.fromLeafHashes(leaves);
const leaf0 = leaves[0] as Uint8Array;

function assertCode(fn: () => unknown, code: ErrorCode, message?: RegExp): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(isAppError(err, code), `expected ${code}, got ${String(err)}`);
    if (message !== undefined) assert.match(err.message, message);
    return true;
  });
}

describe('verifiers: programmer misuse throws TypeError / RangeError', () => {
  const proof = log.inclusionProof(0);
  const root = log.root();
  for (const bad of [1.5, Number.NaN, Number.POSITIVE_INFINITY, '1', 1n, undefined]) {
    test(`index ${String(bad)} → TypeError`, () => {
      const index = bad as unknown as number;
      assert.throws(() => verifyInclusion(index, 8, leaf0, proof, root), TypeError);
      assert.throws(() => checkInclusion(index, 8, leaf0, proof, root), TypeError);
      assert.throws(() => rootFromInclusionProof(index, 8, leaf0, proof), TypeError);
      assert.throws(() => verifyConsistency(index, 8, [], root, root), TypeError);
    });
  }
  test('negative positions → RangeError', () => {
    assert.throws(() => verifyInclusion(-1, 8, leaf0, proof, root), RangeError);
    assert.throws(() => checkConsistency(1, -8, [], root, root), RangeError);
  });
  test('non-bytes hashes and non-array proofs → TypeError', () => {
    const notBytes = 'ab' as unknown as Uint8Array;
    assert.throws(() => verifyInclusion(0, 8, notBytes, proof, root), TypeError);
    assert.throws(() => verifyInclusion(0, 8, leaf0, proof, notBytes), TypeError);
    assert.throws(() => verifyInclusion(0, 8, leaf0, [notBytes], root), /"proof\[0\]"/);
    assert.throws(
      () => verifyInclusion(0, 8, leaf0, null as unknown as Uint8Array[], root),
      TypeError,
    );
    assert.throws(() => verifyConsistency(1, 8, proof, notBytes, root), TypeError);
  });
});

describe('verifiers: bad proof data is ERR_LEDGER_BAD_PROOF with the reason', () => {
  const proof = log.inclusionProof(2);
  const root = log.root();
  const leaf2 = leaves[2] as Uint8Array;
  const short = [proof[0] as Uint8Array, new Uint8Array(31), proof[2] as Uint8Array];
  const p3 = log.consistencyProof(3);
  const hex64 = '[0-9a-f]{64}';
  const rootMismatch = new RegExp(
    `^inclusion proof: root mismatch: proof gives ${hex64}, expected ${hex64}$`,
  );
  const cases: Array<[string, RegExp, () => void]> = [
    [
      'index >= size',
      /"index" 8 is not below "size" 8/,
      () => rootFromInclusionProof(8, 8, leaf2, proof),
    ],
    [
      'long proof',
      /"proof" has 4 hashes, expected 3/,
      () => checkInclusion(2, 8, leaf2, [...proof, leaf2], root),
    ],
    [
      'short proof',
      /"proof" has 2 hashes, expected 3/,
      () => checkInclusion(2, 8, leaf2, proof.slice(1), root),
    ],
    [
      'short hash',
      /"proof\[1\]" has 31 bytes, expected 32/,
      () => checkInclusion(2, 8, leaf2, short, root),
    ],
    [
      'short leaf',
      /"leafHash" has 31 bytes/,
      () => rootFromInclusionProof(2, 8, leaf2.subarray(1), proof),
    ],
    ['root mismatch', rootMismatch, () => checkInclusion(2, 8, leaf2, proof, log.root(7))],
    [
      'unsafe index',
      /"index" 18446744073709552000 is above 2\^53 - 1/,
      () => checkInclusion(2 ** 64, 8, leaf2, proof, root),
    ],
    [
      'size1 > size2',
      /"size1" 3 is greater than "size2" 2/,
      () => checkConsistency(3, 2, [], root, root),
    ],
    [
      'equal sizes, proof',
      /"proof" has 1 hash, expected 0 for equal sizes/,
      () => checkConsistency(8, 8, [root], root, root),
    ],
    ['equal sizes, roots', /root mismatch/, () => checkConsistency(8, 8, [], root, log.root(7))],
    [
      'empty tree, proof',
      /expected 0 from the empty tree/,
      () => checkConsistency(0, 8, [root], EMPTY_ROOT, root),
    ],
    [
      'empty tree, root1',
      /"root1" [0-9a-f]+ is not the empty-tree root/,
      () => checkConsistency(0, 8, [], root, root),
    ],
    [
      'consistency root2',
      /^consistency proof: root2 mismatch/,
      () => checkConsistency(3, 8, p3, log.root(3), log.root(7)),
    ],
    [
      'consistency root1',
      /^consistency proof: root1 mismatch/,
      () => checkConsistency(3, 8, p3, log.root(2), root),
    ],
    [
      'unsafe size2',
      /"size2" 1152921504606847000 is above 2\^53 - 1/,
      () => checkConsistency(3, 2 ** 60, [], root, root),
    ],
  ];
  for (const [name, message, fn] of cases) {
    test(name, () => assertCode(fn, 'ERR_LEDGER_BAD_PROOF', message));
  }
  test('verify* returns false for the same data', () => {
    assert.equal(verifyInclusion(2, 8, leaf2, [...proof, leaf2], root), false);
    assert.equal(verifyInclusion(2 ** 64, 8, leaf2, proof, root), false);
    assert.equal(verifyConsistency(3, 2, [], root, root), false);
    assert.equal(verifyConsistency(0, 8, [], EMPTY_ROOT, root), true);
    assert.equal(verifyConsistency(0, 0, [], EMPTY_ROOT, EMPTY_ROOT), true);
  });
  test('rootFromInclusionProof returns a fresh array, even for a one-leaf tree', () => {
    const root1 = rootFromInclusionProof(0, 1, leaf0, []);
    assert.equal(hex(root1), hex(leaf0));
    assert.notEqual(root1, leaf0);
    assert.equal(Object.getPrototypeOf(root1), Uint8Array.prototype);
  });
});

describe('MerkleLog', () => {
  test('empty log', () => {
    const empty = new MerkleLog();
    assert.equal(empty.size, 0);
    assert.equal(hex(empty.root()), hex(EMPTY_ROOT));
    assert.deepEqual(empty.consistencyProof(0), []);
    assertCode(
      () => empty.inclusionProof(0),
      'ERR_LEDGER_RANGE',
      /"index" 0 is outside the tree of size 0/,
    );
    assertCode(() => empty.leafHash(0), 'ERR_LEDGER_RANGE');
  });

  test('requests outside the log are ERR_LEDGER_RANGE', () => {
    assertCode(() => log.leafHash(8), 'ERR_LEDGER_RANGE', /"index" 8 is outside the log of size 8/);
    assertCode(() => log.root(9), 'ERR_LEDGER_RANGE', /"size" 9 is beyond the log size 8/);
    assertCode(() => log.inclusionProof(5, 5), 'ERR_LEDGER_RANGE');
    assertCode(() => log.inclusionProof(0, 9), 'ERR_LEDGER_RANGE');
    assertCode(
      () => log.consistencyProof(4, 3),
      'ERR_LEDGER_RANGE',
      /"size1" 4 is greater than "size2" 3/,
    );
    assertCode(() => log.consistencyProof(9), 'ERR_LEDGER_RANGE');
    assertCode(() => log.consistencyProof(1, 9), 'ERR_LEDGER_RANGE', /"size2" 9 is beyond/);
  });

  test('misuse: TypeError / RangeError', () => {
    assert.throws(() => log.root(1.5), TypeError);
    assert.throws(() => log.leafHash(-1), RangeError);
    assert.throws(() => log.inclusionProof(Number.NaN), TypeError);
    assert.throws(
      () => new MerkleLog().append(new Uint8Array(31)),
      /"leafHash" expected 32 bytes, got 31/,
    );
    assert.throws(
      () => MerkleLog.fromLeafHashes([leaf0, new Uint8Array(33)]),
      /"hashes\[1\]" expected 32 bytes/,
    );
  });

  test('append returns indices; appendMany is all-or-nothing', () => {
    const grown = new MerkleLog();
    assert.equal(grown.append(leaf0), 0);
    assert.equal(grown.append(leaf0), 1);
    assert.throws(() => grown.appendMany([leaf0, 'x' as unknown as Uint8Array]), TypeError);
    assert.equal(grown.size, 2);
    assert.equal(grown.appendMany(leaves), 2);
    assert.equal(grown.size, 10);
    assert.equal(grown.appendMany([]), 10);
  });

  test('returned hashes are copies', () => {
    const copy = MerkleLog.fromLeafHashes(leaves);
    const before = hex(copy.root());
    copy.leafHash(0).fill(0);
    copy.root().fill(0);
    copy.root(0).fill(0);
    for (const h of copy.inclusionProof(3)) h.fill(0);
    for (const h of copy.consistencyProof(3)) h.fill(0);
    assert.equal(hex(copy.root()), before);
    assert.equal(
      hex(EMPTY_ROOT),
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    );
    for (const h of [copy.leafHash(1), copy.root(), ...copy.inclusionProof(5)]) {
      assert.equal(Object.getPrototypeOf(h), Uint8Array.prototype);
    }
  });
});
