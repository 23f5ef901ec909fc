/**
 * External vectors: the RFC 6962 reference tree and every transparency-dev/merkle proof file
 * (test/vectors/merkle-rfc6962/, see SOURCE.md there).
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, test } from 'node:test';
import { fromHex, toHex } from '../../../src/crypto/index.ts';
import { isAppError } from '../../../src/errors.ts';
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

const VECTORS = new URL('../../vectors/merkle-rfc6962/', import.meta.url).pathname;
const TD = join(VECTORS, 'transparency-dev-testdata');

interface ReferenceTree {
  emptyTreeRootHex: string;
  leavesHex: string[];
  rootsHexByTreeSize: Record<string, string>;
  consistencyProofsHex: Array<{ size1: number; size2: number; proof: string[] }>;
}

interface InclusionFile {
  leafIdx: number;
  treeSize: number;
  root: string;
  leafHash: string;
  proof: string[] | null;
  desc: string;
  wantErr: boolean;
}

interface ConsistencyFile {
  size1: number;
  size2: number;
  root1: string;
  root2: string;
  proof: string[] | null;
  desc: string;
  wantErr: boolean;
}

const B64_RE = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Strict standard base64 with padding; "" is a zero-length hash. */
function b64(text: string): Uint8Array {
  assert.match(text, B64_RE, `not padded standard base64: ${text}`);
  return new Uint8Array(Buffer.from(text, 'base64'));
}

function jsonFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.json'))
    .map((e) => join(e.parentPath, e.name))
    .sort();
}

function read<T>(file: string): T {
  return JSON.parse(readFileSync(file, 'utf8')) as T;
}

/** Asserts that `fn` throws an AppError with code ERR_LEDGER_BAD_PROOF. */
function assertBadProof(fn: () => unknown, label: string): void {
  assert.throws(fn, (err: unknown) => isAppError(err, 'ERR_LEDGER_BAD_PROOF'), label);
}

describe('RFC 6962 reference tree', () => {
  const ref = read<ReferenceTree>(join(VECTORS, 'rfc6962-reference-tree.json'));
  const log = MerkleLog.fromLeafHashes(ref.leavesHex.map((h) => hashLeaf(fromHex(h))));

  test('empty-tree root and MerkleLog.root(0)', () => {
    assert.equal(toHex(EMPTY_ROOT), ref.emptyTreeRootHex);
    assert.equal(toHex(log.root(0)), ref.emptyTreeRootHex);
    assert.equal(toHex(new MerkleLog().root()), ref.emptyTreeRootHex);
  });

  test('roots for sizes 1..8 (past sizes and appended logs)', () => {
    const grown = new MerkleLog();
    for (let n = 1; n <= 8; n++) {
      const want = ref.rootsHexByTreeSize[String(n)];
      grown.append(hashLeaf(fromHex(ref.leavesHex[n - 1] as string)));
      assert.equal(toHex(log.root(n)), want, `root(${n})`);
      assert.equal(toHex(grown.root()), want, `appended root ${n}`);
    }
  });

  test('every inclusion proof of every size verifies', () => {
    for (let n = 1; n <= 8; n++) {
      const root = fromHex(ref.rootsHexByTreeSize[String(n)] as string);
      for (let i = 0; i < n; i++)
        checkInclusion(i, n, log.leafHash(i), log.inclusionProof(i, n), root);
    }
  });

  test('the 5 consistency proofs are produced exactly and verify', () => {
    assert.equal(ref.consistencyProofsHex.length, 5);
    for (const { size1, size2, proof } of ref.consistencyProofsHex) {
      assert.deepEqual(log.consistencyProof(size1, size2).map(toHex), proof, `${size1}->${size2}`);
      const root1 = fromHex(ref.rootsHexByTreeSize[String(size1)] as string);
      const root2 = fromHex(ref.rootsHexByTreeSize[String(size2)] as string);
      checkConsistency(size1, size2, proof.map(fromHex), root1, root2);
    }
  });
});

describe('transparency-dev inclusion vectors', () => {
  const files = jsonFiles(join(TD, 'inclusion'));
  test('all files are present', () => {
    assert.equal(files.length, 98);
    assert.equal(files.filter((f) => f.endsWith('happy-path.json')).length, 5);
  });
  for (const file of files) {
    const v = read<InclusionFile>(file);
    test(`${relative(TD, file)}: ${v.desc}`, () => {
      const leaf = b64(v.leafHash);
      const root = b64(v.root);
      const proof = (v.proof ?? []).map(b64);
      if (!v.wantErr) {
        assert.equal(verifyInclusion(v.leafIdx, v.treeSize, leaf, proof, root), true);
        checkInclusion(v.leafIdx, v.treeSize, leaf, proof, root);
        assert.equal(
          toHex(rootFromInclusionProof(v.leafIdx, v.treeSize, leaf, proof)),
          toHex(root),
        );
        return;
      }
      assert.equal(verifyInclusion(v.leafIdx, v.treeSize, leaf, proof, root), false);
      assertBadProof(() => checkInclusion(v.leafIdx, v.treeSize, leaf, proof, root), v.desc);
    });
  }
});

describe('transparency-dev consistency vectors', () => {
  const files = jsonFiles(join(TD, 'consistency'));
  test('all files are present', () => {
    assert.equal(files.length, 98);
    assert.equal(files.filter((f) => f.endsWith('happy-path.json')).length, 5);
  });
  for (const file of files) {
    const v = read<ConsistencyFile>(file);
    test(`${relative(TD, file)}: ${v.desc}`, () => {
      const root1 = b64(v.root1);
      const root2 = b64(v.root2);
      const proof = (v.proof ?? []).map(b64);
      if (!v.wantErr) {
        assert.equal(verifyConsistency(v.size1, v.size2, proof, root1, root2), true);
        checkConsistency(v.size1, v.size2, proof, root1, root2);
        return;
      }
      assert.equal(verifyConsistency(v.size1, v.size2, proof, root1, root2), false);
      assertBadProof(() => checkConsistency(v.size1, v.size2, proof, root1, root2), v.desc);
    });
  }
});
