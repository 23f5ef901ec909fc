/** The project vectors from scripts/gen-vectors/merkle.ts: happy paths verify, mutations fail. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { generateMerkleVectors } from '../../../scripts/gen-vectors/merkle.ts';
import type { ConsistencyVector, InclusionVector } from '../../../scripts/gen-vectors/merkle.ts';
import { fromHex } from '../../../src/crypto/index.ts';
import { isAppError } from '../../../src/errors.ts';
import {
  checkConsistency,
  checkInclusion,
  verifyConsistency,
  verifyInclusion,
} from '../../../src/ledger/merkle/index.ts';

const files = generateMerkleVectors();

function assertBadProof(fn: () => unknown, label: string): void {
  assert.throws(fn, (err: unknown) => isAppError(err, 'ERR_LEDGER_BAD_PROOF'), label);
}

describe('generated ledger-merkle vectors', () => {
  test('file names are unique, stable and JSON round-trips', () => {
    assert.equal(new Set(files.map((f) => f.file)).size, files.length);
    assert.deepEqual(generateMerkleVectors(), files);
    for (const { file, vector } of files) {
      assert.match(file, /^ledger-merkle\/(inclusion|consistency)\/[\w[\]@.-]+\.json$/);
      assert.deepEqual(JSON.parse(JSON.stringify(vector)), vector);
    }
    const names = files.map((f) => f.file);
    for (const expected of [
      'ledger-merkle/inclusion/happy-path-leaf3.json',
      'ledger-merkle/inclusion/wrong-leaf-leaf3.json',
      'ledger-merkle/inclusion/truncated-proof-leaf0.json',
      'ledger-merkle/inclusion/trailing-garbage-leaf6.json',
      'ledger-merkle/consistency/happy-path-3-7.json',
      'ledger-merkle/consistency/swapped-roots-3-7.json',
    ]) {
      assert.ok(names.includes(expected), expected);
    }
    assert.ok(names.some((n) => /inclusion\/modified-proof\[2\]-bit-@\d+-leaf0\.json$/.test(n)));
  });

  test('the tree is the RFC 6962 reference tree (its 7-leaf root)', () => {
    const happy = files.find((f) => f.file === 'ledger-merkle/inclusion/happy-path-leaf3.json');
    assert.equal(
      (happy?.vector as InclusionVector).root,
      'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
    );
  });

  for (const { file, vector } of files) {
    test(file, () => {
      if (file.includes('/inclusion/')) checkInclusionVector(vector as InclusionVector);
      else checkConsistencyVector(vector as ConsistencyVector);
    });
  }
});

function checkInclusionVector(v: InclusionVector): void {
  const [leaf, root, proof] = [fromHex(v.leafHash), fromHex(v.root), v.proof.map(fromHex)];
  assert.equal(verifyInclusion(v.leafIdx, v.treeSize, leaf, proof, root), !v.wantErr, v.desc);
  if (v.wantErr)
    assertBadProof(() => checkInclusion(v.leafIdx, v.treeSize, leaf, proof, root), v.desc);
  else checkInclusion(v.leafIdx, v.treeSize, leaf, proof, root);
}

function checkConsistencyVector(v: ConsistencyVector): void {
  const [root1, root2, proof] = [fromHex(v.root1), fromHex(v.root2), v.proof.map(fromHex)];
  assert.equal(verifyConsistency(v.size1, v.size2, proof, root1, root2), !v.wantErr, v.desc);
  if (v.wantErr)
    assertBadProof(() => checkConsistency(v.size1, v.size2, proof, root1, root2), v.desc);
  else checkConsistency(v.size1, v.size2, proof, root1, root2);
}
