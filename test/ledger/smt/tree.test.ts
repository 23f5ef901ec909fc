import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sha256, toHex, utf8 } from '../../../src/crypto/index.ts';
import { isAppError } from '../../../src/errors.ts';
import {
  checkStateProof,
  SMT_EMPTY_HASH,
  StateTree,
  verifyStateProof,
} from '../../../src/ledger/smt/index.ts';
import type { StateProof, StateProofFailure } from '../../../src/ledger/smt/index.ts';
import { refBit, refLeafHash, refNodeHash, refRoot } from './_reference.ts';

const ZERO_HEX = '0'.repeat(64);
const ORG1 = ['gov/org/org1', '{"name":"Org 1"}'] as const;

function failsWith(proof: unknown, root: Uint8Array, reason: StateProofFailure): void {
  assert.throws(
    () => checkStateProof(proof, root),
    (err) => isAppError(err, 'ERR_LEDGER_BAD_PROOF') && err.details?.reason === reason,
  );
  assert.equal(verifyStateProof(proof, root), false);
}

function keyHash(key: string): Uint8Array {
  return sha256(utf8(key));
}

/** Length of the common bit prefix of two key hashes. */
function commonBits(a: string, b: string): number {
  let i = 0;
  while (refBit(keyHash(a), i) === refBit(keyHash(b), i)) i++;
  return i;
}

/** Two keys whose hashes share at least `bits` leading bits (deterministic birthday search). */
function keysSharing(bits: number): [string, string] {
  const seen = new Map<number, string>();
  for (let i = 0; ; i++) {
    const key = `deep/${i}`;
    const h = keyHash(key);
    let prefix = 0;
    for (let b = 0; b < bits; b++) prefix = prefix * 2 + refBit(h, b);
    const other = seen.get(prefix);
    if (other !== undefined) return [other, key];
    seen.set(prefix, key);
  }
}

function sampleState(n: number): Map<string, string> {
  const state = new Map<string, string>();
  for (let i = 0; i < n; i++) state.set(`did/doc/${i}`, JSON.stringify({ i }));
  return state;
}

describe('StateTree: roots', () => {
  it('empty tree: root is 32 zero bytes, size 0', () => {
    const tree = new StateTree();
    assert.deepEqual(tree.root(), new Uint8Array(32));
    assert.equal(tree.size, 0);
    assert.equal(tree.has('x'), false);
  });

  it('one key: root is the leaf hash (cross-checked with Python hashlib)', () => {
    const tree = new StateTree();
    tree.set(...ORG1);
    assert.equal(
      toHex(tree.root()),
      '7457465610ae363899b8c2acbd5ecdf8fa18ece07decbb2709ddb884ce86be33',
    );
    assert.deepEqual(tree.root(), refLeafHash(...ORG1));
  });

  it('three keys: root matches an independent Python computation', () => {
    const tree = StateTree.build([
      ORG1,
      ['gov/org/org2', '{"name":"Org 2"}'],
      ['did/doc/abc', '{"v":1}'],
    ]);
    assert.equal(
      toHex(tree.root()),
      '42c5757b07d764e5677c29ebb4a4a2a5aededa5fdf4e59f339fa6b9404ecf829',
    );
  });

  it('two keys differing deep: a chain of inner nodes with empty siblings', () => {
    const [a, b] = keysSharing(12);
    const p = commonBits(a, b);
    assert.ok(p >= 12);
    const tree = new StateTree();
    tree.set(a, '1');
    tree.set(b, '2');
    const la = refLeafHash(a, '1');
    const lb = refLeafHash(b, '2');
    let h = refBit(keyHash(a), p) === 0 ? refNodeHash(la, lb) : refNodeHash(lb, la);
    for (let d = p - 1; d >= 0; d--)
      h =
        refBit(keyHash(a), d) === 0
          ? refNodeHash(h, SMT_EMPTY_HASH)
          : refNodeHash(SMT_EMPTY_HASH, h);
    assert.deepEqual(tree.root(), h);
    const proof = tree.prove(a, '1');
    assert.equal(proof.siblings.length, p + 1);
    assert.deepEqual(proof.siblings.slice(0, p), Array(p).fill(ZERO_HEX));
    assert.equal(proof.siblings[p], toHex(lb));
    checkStateProof(proof, tree.root());
  });

  it('deleting every key returns to the zero root; deletes equal a rebuild', () => {
    const state = sampleState(200);
    const tree = StateTree.build(state);
    const keys = [...state.keys()];
    for (const [i, key] of keys.entries()) {
      assert.equal(tree.delete(key), true);
      state.delete(key);
      if (i % 37 === 0) assert.deepEqual(tree.root(), refRoot(state));
    }
    assert.equal(tree.delete(keys[0] as string), false);
    assert.equal(tree.size, 0);
    assert.deepEqual(tree.root(), new Uint8Array(32));
  });

  it('matches the reference for many sizes, and root() is stable', () => {
    for (const n of [0, 1, 2, 3, 5, 8, 17, 64, 300]) {
      const state = sampleState(n);
      const tree = new StateTree();
      for (const [k, v] of state) tree.set(k, v);
      assert.deepEqual(tree.root(), refRoot(state), `n=${n}`);
      assert.deepEqual(tree.root(), refRoot(state), `n=${n}, second call`);
      assert.equal(tree.size, n);
    }
  });

  it('a rehash of thousands of dirty nodes (four at a time, by height) matches the reference', () => {
    const state = sampleState(5000);
    const tree = new StateTree();
    for (const [k, v] of state) tree.set(k, v);
    assert.deepEqual(tree.root(), refRoot(state));
    // Half of the values change: a second large rehash over a tree with clean parts.
    let i = 0;
    for (const k of state.keys()) if (i++ % 2 === 0) state.set(k, `changed ${i}`);
    for (const [k, v] of state) tree.set(k, v);
    assert.deepEqual(tree.root(), refRoot(state));
  });

  it('lazy batches: sets between root() calls, overwrites, unchanged values', () => {
    const state = sampleState(100);
    const tree = StateTree.build(state);
    for (let round = 0; round < 5; round++) {
      for (let i = 0; i < 30; i++) {
        const key = `did/doc/${(round * 31 + i * 7) % 150}`;
        state.set(key, `v${round}`);
        tree.set(key, `v${round}`);
      }
      assert.deepEqual(tree.root(), refRoot(state));
    }
    tree.set('did/doc/1', state.get('did/doc/1') as string);
    assert.deepEqual(tree.root(), refRoot(state));
  });

  it('build() equals incremental, keeps the last duplicate, and accepts hashes', () => {
    const state = sampleState(500);
    const incremental = new StateTree();
    for (const [k, v] of [...state].reverse()) incremental.set(k, v);
    const built = StateTree.build(state);
    assert.deepEqual(built.root(), incremental.root());
    assert.equal(built.size, 500);
    const dup = StateTree.build([
      ['a', '1'],
      ['b', '2'],
      ['a', '3'],
      ['a', '4'],
    ]);
    assert.equal(dup.size, 2);
    assert.deepEqual(
      dup.root(),
      refRoot(
        new Map([
          ['a', '4'],
          ['b', '2'],
        ]),
      ),
    );
    const fromHashes = StateTree.buildFromHashes(
      [...state].map(([k, v]) => [keyHash(k), sha256(utf8(v))] as const),
    );
    assert.deepEqual(fromHashes.root(), built.root());
    built.set('extra', '1');
    incremental.set('extra', '1');
    assert.deepEqual(built.root(), incremental.root());
  });

  it('crafted key hashes: leaves at depth 256, duplicates in build, delete back', () => {
    const k1 = new Uint8Array(32).fill(0xab);
    const k2 = Uint8Array.from(k1);
    k2[31] = (k2[31] as number) ^ 1; // differs only in bit 255
    const v1 = sha256(utf8('1'));
    const v2 = sha256(utf8('2'));
    const tree = new StateTree();
    tree.setHashed(k1, v1);
    tree.setHashed(k2, v2);
    const l1 = sha256(Uint8Array.of(0), k1, v1);
    const l2 = sha256(Uint8Array.of(0), k2, v2);
    let h = refBit(k1, 255) === 0 ? refNodeHash(l1, l2) : refNodeHash(l2, l1);
    for (let d = 254; d >= 0; d--)
      h = refBit(k1, d) === 0 ? refNodeHash(h, SMT_EMPTY_HASH) : refNodeHash(SMT_EMPTY_HASH, h);
    assert.equal(toHex(tree.root()), toHex(h));
    const built = StateTree.buildFromHashes([
      [k2, v1],
      [k1, v1],
      [k2, v2],
    ]);
    assert.equal(built.size, 2);
    assert.equal(toHex(built.root()), toHex(h));
    assert.equal(tree.deleteHashed(k2), true);
    assert.equal(toHex(tree.root()), toHex(l1));
    assert.equal(tree.deleteHashed(k1), true);
    assert.deepEqual(tree.root(), new Uint8Array(32));
    assert.throws(() => tree.setHashed(k1.subarray(1), v1), TypeError);
  });
});

describe('StateTree: proofs', () => {
  it('empty tree: absence proof with no siblings', () => {
    const tree = new StateTree();
    const proof = tree.prove('anything', null);
    assert.deepEqual(proof, { key: 'anything', value: null, siblings: [] });
    checkStateProof(proof, tree.root());
  });

  it('one key: inclusion, and absence through the other leaf at depth 0', () => {
    const tree = new StateTree();
    tree.set(...ORG1);
    const incl = tree.prove(...ORG1);
    assert.deepEqual(incl, { key: ORG1[0], value: ORG1[1], siblings: [] });
    checkStateProof(incl, tree.root());
    const abs = tree.prove('gov/org/org9', null);
    assert.deepEqual(abs.leaf, {
      keyHash: toHex(keyHash(ORG1[0])),
      valueHash: toHex(sha256(utf8(ORG1[1]))),
    });
    checkStateProof(abs, tree.root());
  });

  it('every key proves inclusion; absent keys prove absence of both kinds', () => {
    const state = sampleState(64);
    const tree = StateTree.build(state);
    const root = tree.root();
    for (const [k, v] of state) assert.equal(verifyStateProof(tree.prove(k, v), root), true, k);
    const kinds = new Set<string>();
    for (let i = 0; kinds.size < 2 || i < 64; i++) {
      const proof = tree.prove(`absent/${i}`, null);
      kinds.add(proof.leaf === undefined ? 'empty' : 'other-leaf');
      checkStateProof(proof, root);
    }
  });

  it('prove() throws a plain Error when the caller value disagrees with the tree', () => {
    const tree = StateTree.build([ORG1]);
    assert.throws(
      () => tree.prove(ORG1[0], '{"name":"other"}'),
      (err) => err instanceof Error && !isAppError(err),
    );
    assert.throws(() => tree.prove(ORG1[0], null), Error);
    assert.throws(() => tree.prove('missing', '1'), Error);
    assert.throws(() => tree.set('lone\uD800', '1'), TypeError);
  });

  it('prove() sees changes without an explicit root() call', () => {
    const tree = StateTree.build(sampleState(20));
    tree.set('new', '1');
    const proof = tree.prove('new', '1');
    checkStateProof(proof, tree.root());
  });
});

describe('checkStateProof: rejection reasons', () => {
  const tree = StateTree.build(sampleState(40));
  const root = tree.root();
  const incl = tree.prove('did/doc/7', '{"i":7}');

  it('malformed input', () => {
    for (const bad of [
      null,
      42,
      'x',
      [],
      {},
      { ...incl, extra: 1 },
      { ...incl, value: undefined },
      { ...incl, key: 7 },
    ]) {
      failsWith(bad, root, 'malformed');
    }
    failsWith({ ...incl, siblings: incl.siblings.map((s) => s.toUpperCase()) }, root, 'malformed');
    failsWith({ ...incl, siblings: [...incl.siblings.slice(1), 'zz'] }, root, 'malformed');
    failsWith({ ...incl, leaf: { keyHash: ZERO_HEX, valueHash: ZERO_HEX } }, root, 'malformed');
    failsWith({ ...incl, key: 'did/doc/\uDC00' }, root, 'malformed');
  });

  it('too deep, non-canonical, leaf-is-key, leaf prefix mismatch, root mismatch', () => {
    failsWith({ ...incl, siblings: Array(257).fill('11'.repeat(32)) }, root, 'too-deep');
    const single = StateTree.build([ORG1]);
    failsWith({ ...single.prove(...ORG1), siblings: [ZERO_HEX] }, single.root(), 'non-canonical');
    const ownLeaf = {
      keyHash: toHex(keyHash('did/doc/7')),
      valueHash: toHex(sha256(utf8('{"i":7}'))),
    };
    failsWith(
      { key: 'did/doc/7', value: null, siblings: incl.siblings, leaf: ownLeaf },
      root,
      'leaf-is-key',
    );
    let abs: StateProof = tree.prove('absent/0', null);
    for (let i = 1; abs.leaf === undefined || abs.siblings.length === 0; i++)
      abs = tree.prove(`absent/${i}`, null);
    const { leaf } = abs;
    assert.ok(leaf !== undefined);
    // Flip bit 0 of the other leaf's key hash: it leaves the key's path at the root.
    const flipped =
      (parseInt(leaf.keyHash.slice(0, 1), 16) ^ 8).toString(16) + leaf.keyHash.slice(1);
    failsWith({ ...abs, leaf: { ...leaf, keyHash: flipped } }, root, 'leaf-prefix-mismatch');
    failsWith(incl, new Uint8Array(32), 'root-mismatch');
  });

  it('a bad stateRoot is misuse for check, false for verify', () => {
    assert.throws(() => checkStateProof(incl, new Uint8Array(31)), TypeError);
    assert.equal(verifyStateProof(incl, new Uint8Array(31)), false);
    assert.equal(verifyStateProof(incl, 'x' as unknown as Uint8Array), false);
  });
});
