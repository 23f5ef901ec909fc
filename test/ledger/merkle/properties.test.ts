/**
 * Properties of MerkleLog and the verifiers, checked exhaustively for small trees and with
 * fast-check elsewhere, against the naive RFC 6962 reference in _reference.ts.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import {
  EMPTY_ROOT,
  hashChildren,
  hashLeaf,
  MerkleLog,
  rootFromInclusionProof,
  verifyConsistency,
  verifyInclusion,
} from '../../../src/ledger/merkle/index.ts';
import {
  flipBit,
  hex,
  leafRangeHash,
  REF_EMPTY_ROOT,
  refConsistency,
  refLeafHash,
  refNodeHash,
  refPath,
  uniformRangeHash,
} from './_reference.ts';
import {
  bitLength,
  popCount,
  shiftRight,
  splitExponent,
  trailingZeros,
  xor,
} from '../../../src/ledger/merkle/_int.ts';

const MAX_SIZE = 300;
const MAX_CONSISTENCY = 64;

const leafData = (i: number): Uint8Array => new TextEncoder().encode(`leaf ${i}`);
const leaves = Array.from({ length: MAX_SIZE }, (_, i) => refLeafHash(leafData(i)));
const log = MerkleLog.fromLeafHashes(leaves);
const mth = leafRangeHash(leaves);
const refRoot = (n: number): Uint8Array => (n === 0 ? REF_EMPTY_ROOT : mth(0n, BigInt(n)));

describe('hashing matches RFC 6962 §2.1', () => {
  test('hashLeaf, hashChildren and EMPTY_ROOT', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 100 }),
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        (data, other) => {
          assert.equal(hex(hashLeaf(data)), hex(refLeafHash(data)));
          assert.equal(hex(hashChildren(data, other)), hex(refNodeHash(data, other)));
        },
      ),
    );
    assert.equal(hex(EMPTY_ROOT), hex(REF_EMPTY_ROOT));
  });
});

describe(`inclusion: every leaf of every tree size 1..${MAX_SIZE}`, () => {
  test('root(size) of every past size equals the naive MTH of the prefix', () => {
    assert.equal(hex(log.root(0)), hex(REF_EMPTY_ROOT));
    for (let n = 1; n <= MAX_SIZE; n++)
      assert.equal(hex(log.root(n)), hex(refRoot(n)), `root(${n})`);
  });

  test('proofs equal the naive PATH and verify against root(size) and the naive root', () => {
    for (let n = 1; n <= MAX_SIZE; n++) {
      const root = log.root(n);
      const naiveRoot = refRoot(n);
      for (let i = 0; i < n; i++) {
        const proof = log.inclusionProof(i, n);
        const want = refPath(BigInt(i), 0n, BigInt(n), mth);
        assert.deepEqual(proof.map(hex), want.map(hex), `PATH(${i}, ${n})`);
        const leaf = leaves[i] as Uint8Array;
        assert.ok(verifyInclusion(i, n, leaf, proof, root), `verify ${i}/${n}`);
        assert.ok(verifyInclusion(i, n, leaf, proof, naiveRoot), `verify naive ${i}/${n}`);
      }
    }
  });

  test('flipping one bit of a proof hash, the leaf hash or the root breaks verification', () => {
    const caseArb = fc
      .integer({ min: 1, max: MAX_SIZE })
      .chain((n) => fc.tuple(fc.constant(n), fc.nat(n - 1), fc.nat(1000), fc.nat(255)));
    fc.assert(
      fc.property(caseArb, ([n, i, pick, bit]) => {
        const proof = log.inclusionProof(i, n);
        const leaf = leaves[i] as Uint8Array;
        const root = log.root(n);
        const target = pick % (proof.length + 2);
        if (target === proof.length) return !verifyInclusion(i, n, flipBit(leaf, bit), proof, root);
        if (target === proof.length + 1)
          return !verifyInclusion(i, n, leaf, proof, flipBit(root, bit));
        const bad = proof.map((h, j) => (j === target ? flipBit(h, bit) : h));
        return !verifyInclusion(i, n, leaf, bad, root);
      }),
      { numRuns: 4000 },
    );
  });

  test('a proof does not verify for another index, nor against the root of another size', () => {
    // (The proof alone does not bind the size: PATH(0, D[3]) also chains to root(3) as if for
    // size 4. Only the tree head of the claimed size does.)
    const roots = Array.from({ length: 42 }, (_, n) => log.root(n));
    for (let n = 1; n <= 40; n++) {
      for (let i = 0; i < n; i++) {
        const proof = log.inclusionProof(i, n);
        const leaf = leaves[i] as Uint8Array;
        for (let j = 0; j < n; j++) {
          if (j !== i && verifyInclusion(j, n, leaf, proof, roots[n] as Uint8Array)) {
            assert.fail(`PATH(${i}, ${n}) verifies for index ${j}`);
          }
        }
        for (let m = i + 1; m <= 41; m++) {
          if (m !== n && verifyInclusion(i, m, leaf, proof, roots[m] as Uint8Array)) {
            assert.fail(`PATH(${i}, ${n}) verifies against root(${m})`);
          }
        }
      }
    }
  });
});

describe(`consistency: all pairs 0 <= size1 <= size2 <= ${MAX_CONSISTENCY}`, () => {
  const pairs: Array<[number, number]> = [];
  for (let s2 = 0; s2 <= MAX_CONSISTENCY; s2++)
    for (let s1 = 0; s1 <= s2; s1++) pairs.push([s1, s2]);

  test('proofs equal the naive PROOF and verify', () => {
    for (const [s1, s2] of pairs) {
      const proof = log.consistencyProof(s1, s2);
      const want = s1 === 0 ? [] : refConsistency(BigInt(s1), BigInt(s2), mth);
      assert.deepEqual(proof.map(hex), want.map(hex), `PROOF(${s1}, ${s2})`);
      assert.ok(verifyConsistency(s1, s2, proof, log.root(s1), log.root(s2)), `${s1} -> ${s2}`);
      assert.ok(verifyConsistency(s1, s2, proof, refRoot(s1), refRoot(s2)), `naive ${s1} -> ${s2}`);
    }
  });

  test('flipping one bit of any proof hash or a root breaks verification', () => {
    for (const [s1, s2] of pairs) {
      const proof = log.consistencyProof(s1, s2);
      const [r1, r2] = [log.root(s1), log.root(s2)];
      const bit = (s1 * 31 + s2 * 7) % 256;
      proof.forEach((h, j) => {
        const bad = proof.map((p, k) => (k === j ? flipBit(h, (bit + 13 * j) % 256) : p));
        assert.ok(!verifyConsistency(s1, s2, bad, r1, r2), `${s1} -> ${s2} proof[${j}]`);
      });
      assert.ok(!verifyConsistency(s1, s2, proof, flipBit(r1, bit), r2), `${s1} -> ${s2} root1`);
      // From the empty tree, any 32-byte root2 is consistent: there is nothing to break.
      if (s1 > 0 || s2 === 0)
        assert.ok(!verifyConsistency(s1, s2, proof, r1, flipBit(r2, bit)), `${s1} -> ${s2} root2`);
    }
  });

  test('random one-bit flips (fast-check)', () => {
    const pairArb = fc.constantFrom(...pairs.filter(([s1, s2]) => s1 > 0 && s1 < s2));
    fc.assert(
      fc.property(pairArb, fc.nat(1000), fc.nat(255), ([s1, s2], pick, bit) => {
        const proof = log.consistencyProof(s1, s2);
        const [r1, r2] = [log.root(s1), log.root(s2)];
        const target = pick % (proof.length + 2);
        if (target === proof.length) return !verifyConsistency(s1, s2, proof, flipBit(r1, bit), r2);
        if (target === proof.length + 1)
          return !verifyConsistency(s1, s2, proof, r1, flipBit(r2, bit));
        const bad = proof.map((h, j) => (j === target ? flipBit(h, bit) : h));
        return !verifyConsistency(s1, s2, bad, r1, r2);
      }),
      { numRuns: 3000 },
    );
  });

  test('consistency proofs between larger sizes verify (fast-check)', () => {
    const arb = fc.tuple(
      fc.integer({ min: 1, max: MAX_SIZE }),
      fc.integer({ min: 1, max: MAX_SIZE }),
    );
    fc.assert(
      fc.property(arb, ([a, b]) => {
        const [s1, s2] = a <= b ? [a, b] : [b, a];
        const proof = log.consistencyProof(s1, s2);
        assert.deepEqual(proof.map(hex), refConsistency(BigInt(s1), BigInt(s2), mth).map(hex));
        return verifyConsistency(s1, s2, proof, log.root(s1), log.root(s2));
      }),
      { numRuns: 500 },
    );
  });
});

describe('positions up to 2^53 - 1 (virtual trees of identical leaves)', () => {
  const leaf = refLeafHash(Uint8Array.of(42));
  const vmth = uniformRangeHash(leaf);
  const sizeArb = fc.oneof(
    fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
    fc.integer({ min: 1, max: 53 }).map((e) => 2 ** e - 1),
    fc.integer({ min: 0, max: 52 }).map((e) => 2 ** e),
    fc.integer({ min: 1, max: 52 }).map((e) => 2 ** e + 1),
  );

  test('inclusion proofs from the naive PATH verify; wrong lengths are rejected', () => {
    const arb = sizeArb.chain((n) => fc.tuple(fc.constant(n), fc.integer({ min: 0, max: n - 1 })));
    fc.assert(
      fc.property(arb, ([n, i]) => {
        const proof = refPath(BigInt(i), 0n, BigInt(n), vmth);
        const root = vmth(0n, BigInt(n));
        assert.equal(hex(rootFromInclusionProof(i, n, leaf, proof)), hex(root));
        assert.ok(!verifyInclusion(i, n, leaf, [...proof, leaf], root));
        if (proof.length > 0) assert.ok(!verifyInclusion(i, n, leaf, proof.slice(1), root));
      }),
      { numRuns: 300 },
    );
  });

  test('consistency proofs from the naive PROOF verify', () => {
    const arb = fc
      .tuple(sizeArb, sizeArb)
      .map(([a, b]): [number, number] => (a <= b ? [a, b] : [b, a]));
    fc.assert(
      fc.property(arb, ([s1, s2]) => {
        const proof = refConsistency(BigInt(s1), BigInt(s2), vmth);
        const [r1, r2] = [vmth(0n, BigInt(s1)), vmth(0n, BigInt(s2))];
        assert.ok(verifyConsistency(s1, s2, proof, r1, r2), `${s1} -> ${s2}`);
        if (s1 < s2) assert.ok(!verifyConsistency(s1, s2, proof.slice(1), r1, r2));
      }),
      { numRuns: 300 },
    );
  });
});

describe('53-bit integer helpers agree with BigInt', () => {
  test('bitLength, popCount, trailingZeros, xor, shiftRight, splitExponent', () => {
    const safe = fc.oneof(
      fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
      fc.integer({ min: 0, max: 53 }).map((e) => Math.min(2 ** e, Number.MAX_SAFE_INTEGER)),
      fc.integer({ min: 1, max: 53 }).map((e) => 2 ** e - 1),
    );
    fc.assert(
      fc.property(safe, safe, fc.nat(60), (a, b, bits) => {
        const [x, y] = [BigInt(a), BigInt(b)];
        assert.equal(bitLength(a), x.toString(2).replace(/^0+/, '').length);
        assert.equal(popCount(a), [...x.toString(2)].filter((c) => c === '1').length);
        assert.equal(xor(a, b), Number(x ^ y));
        assert.equal(shiftRight(a, bits), Number(x >> BigInt(bits)));
        if (a > 0)
          assert.equal(trailingZeros(a), x.toString(2).length - x.toString(2).lastIndexOf('1') - 1);
        if (a > 1)
          assert.equal(
            2 ** splitExponent(a),
            Number(2n ** BigInt((x - 1n).toString(2).length - 1)),
          );
      }),
      { numRuns: 2000 },
    );
  });
});

describe('fromLeafHashes and append build the same log', () => {
  test('same size, leaves, roots and proofs, also after further appends', () => {
    const hashArb = fc.uint8Array({ minLength: 32, maxLength: 32 });
    fc.assert(
      fc.property(
        fc.array(hashArb, { maxLength: 150, size: 'max' }),
        fc.array(hashArb, { maxLength: 40, size: 'max' }),
        (first, more) => {
          const bulk = MerkleLog.fromLeafHashes(first);
          const single = new MerkleLog();
          for (const h of first) single.append(h);
          assertSameLog(bulk, single);
          assert.equal(bulk.appendMany(more), first.length);
          for (const h of more) single.append(h);
          assertSameLog(bulk, single);
          const fromGenerator = MerkleLog.fromLeafHashes(
            (function* () {
              yield* first;
              yield* more;
            })(),
          );
          assertSameLog(fromGenerator, single);
        },
      ),
      { numRuns: 60 },
    );
  });
});

function assertSameLog(a: MerkleLog, b: MerkleLog): void {
  assert.equal(a.size, b.size);
  for (let n = 0; n <= a.size; n++) assert.equal(hex(a.root(n)), hex(b.root(n)), `root(${n})`);
  for (let i = 0; i < a.size; i++) {
    assert.equal(hex(a.leafHash(i)), hex(b.leafHash(i)));
    assert.deepEqual(a.inclusionProof(i).map(hex), b.inclusionProof(i).map(hex));
  }
  for (let s1 = 0; s1 <= a.size; s1 += 7) {
    assert.deepEqual(a.consistencyProof(s1).map(hex), b.consistencyProof(s1).map(hex));
  }
}
