import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { fromHex, toHex } from '../../../src/crypto/index.ts';
import { isAppError } from '../../../src/errors.ts';
import { checkStateProof, StateTree, verifyStateProof } from '../../../src/ledger/smt/index.ts';
import type { StateProof } from '../../../src/ledger/smt/index.ts';
import { refRoot } from './_reference.ts';

const RUNS = { numRuns: 100 };
const MUTATION_RUNS = { numRuns: 300 };

/** Keys that collide often (`k/<n>`), mixed with arbitrary Unicode ones. */
const keyArb = fc.oneof(
  { weight: 3, arbitrary: fc.nat({ max: 400 }).map((i) => `k/${i}`) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 8 }) },
);
const valueArb = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 12 });
const stateArb = fc
  .array(fc.tuple(keyArb, valueArb), { maxLength: 300, size: 'max' })
  .map((pairs) => new Map(pairs));

type Op =
  { kind: 'set'; key: string; value: string } | { kind: 'delete'; key: string } | { kind: 'root' };
const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({ kind: fc.constant('set' as const), key: keyArb, value: valueArb }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('delete' as const), key: keyArb }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'root' as const }) },
);

/** Deterministic Fisher-Yates shuffle from a seed (a small LCG). */
function shuffled<T>(items: T[], seed: number): T[] {
  const out = [...items];
  let s = seed >>> 0;
  for (let i = out.length - 1; i > 0; i--) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

/** The honest proof of the claim `(key, value)`, or undefined when the claim is false. */
function honestProof(
  tree: StateTree,
  state: Map<string, string>,
  key: string,
  value: string | null,
): StateProof | undefined {
  const actual = state.get(key) ?? null;
  return actual === value ? tree.prove(key, value) : undefined;
}

function flipHexBit(hex: string, bit: number): string {
  const bytes = fromHex(hex);
  const i = bit % (bytes.length * 8);
  bytes[i >> 3] = (bytes[i >> 3] as number) ^ (0x80 >> (i & 7));
  return toHex(bytes);
}

/** Flips one of the low 7 bits of one UTF-16 unit: a different, still well-formed string. */
function flipTextBit(text: string, pos: number, bit: number): string {
  const i = pos % text.length;
  return (
    text.slice(0, i) +
    String.fromCharCode(text.charCodeAt(i) ^ (1 << (bit % 7))) +
    text.slice(i + 1)
  );
}

/** A mutated proof verifies exactly when it is the honest proof of what it now claims. */
function assertVerdict(
  tree: StateTree,
  state: Map<string, string>,
  proof: StateProof,
  root: Uint8Array,
): void {
  const honest = honestProof(tree, state, proof.key, proof.value);
  const shouldVerify =
    honest !== undefined &&
    toHex(root) === toHex(tree.root()) &&
    JSON.stringify(honest) === JSON.stringify(proof);
  if (shouldVerify) {
    checkStateProof(proof, root);
  } else {
    assert.throws(
      () => checkStateProof(proof, root),
      (err) => isAppError(err, 'ERR_LEDGER_BAD_PROOF'),
    );
  }
  assert.equal(verifyStateProof(proof, root), shouldVerify);
}

describe('StateTree properties (fast-check)', () => {
  it('any ops sequence gives the reference root, in any insertion order, incremental or built', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 400, size: 'max' }), fc.nat(), (ops, seed) => {
        const tree = new StateTree();
        const state = new Map<string, string>();
        for (const op of ops) {
          if (op.kind === 'set') {
            tree.set(op.key, op.value);
            state.set(op.key, op.value);
          } else if (op.kind === 'delete') {
            assert.equal(tree.delete(op.key), state.delete(op.key));
          } else {
            tree.root();
          }
        }
        const want = toHex(refRoot(state));
        assert.equal(toHex(tree.root()), want);
        assert.equal(tree.size, state.size);
        assert.equal(toHex(StateTree.build(state).root()), want);
        const other = new StateTree();
        for (const [k, v] of shuffled([...state], seed)) other.set(k, v);
        assert.equal(toHex(other.root()), want);
      }),
      RUNS,
    );
  });

  it('proveJson is byte for byte JSON.stringify(prove), for inclusion and both kinds of absence', () => {
    fc.assert(
      fc.property(stateArb, fc.array(keyArb, { maxLength: 20 }), (state, probes) => {
        const tree = StateTree.build(state);
        for (const [k, v] of state)
          assert.equal(tree.proveJson(k, v), JSON.stringify(tree.prove(k, v)));
        for (const k of probes) {
          if (!state.has(k))
            assert.equal(tree.proveJson(k, null), JSON.stringify(tree.prove(k, null)));
        }
        // The empty tree and the single-leaf tree have depth-0 paths.
        assert.equal(
          new StateTree().proveJson('k', null),
          JSON.stringify(new StateTree().prove('k', null)),
        );
      }),
      RUNS,
    );
  });

  it('writeInclusionSiblingsJson writes the bytes proveJson has between "siblings":[ and ], and -1 for an absent key', () => {
    fc.assert(
      fc.property(
        stateArb,
        fc.array(keyArb, { maxLength: 10 }),
        fc.nat({ max: 9 }),
        (state, probes, offset) => {
          const tree = StateTree.build(state);
          const out = Buffer.alloc(offset + StateTree.siblingsJsonMaxBytes);
          for (const [k, v] of state) {
            const end = tree.writeInclusionSiblingsJson(k, out, offset);
            const want = /"siblings":\[(.*)\]\}$/.exec(tree.proveJson(k, v))![1]!;
            assert.equal(out.toString('latin1', offset, end), want);
          }
          for (const k of probes)
            if (!state.has(k)) assert.equal(tree.writeInclusionSiblingsJson(k, out, offset), -1);
          // After a change, the dirty path is rehashed first.
          const first = state.keys().next();
          if (!first.done) {
            tree.set(first.value, 'changed');
            const end = tree.writeInclusionSiblingsJson(first.value, out, 0);
            assert.equal(
              out.toString('latin1', 0, end),
              /"siblings":\[(.*)\]\}$/.exec(tree.proveJson(first.value, 'changed'))![1]!,
            );
          }
        },
      ),
      RUNS,
    );
  });

  it('every present key proves inclusion and absent keys prove absence', () => {
    fc.assert(
      fc.property(stateArb, fc.array(keyArb, { maxLength: 20 }), (state, probes) => {
        const tree = StateTree.build(state);
        const root = tree.root();
        for (const [k, v] of state) {
          assert.equal(tree.has(k), true);
          checkStateProof(tree.prove(k, v), root);
        }
        for (const k of probes) {
          if (state.has(k)) continue;
          assert.equal(tree.has(k), false);
          checkStateProof(JSON.parse(JSON.stringify(tree.prove(k, null))), root);
        }
      }),
      RUNS,
    );
  });

  it('one flipped bit of a sibling, the value, the key, a leaf hash or the root breaks the proof', () => {
    fc.assert(
      fc.property(stateArb, keyArb, fc.nat(), fc.nat(), fc.nat(), (state, probe, at, pos, bit) => {
        const tree = StateTree.build(state);
        const root = tree.root();
        const keys = [...state.keys()];
        const key = keys.length > 0 && at % 2 === 0 ? (keys[at % keys.length] as string) : probe;
        const proof = tree.prove(key, state.get(key) ?? null);
        const { siblings, value, leaf } = proof;
        if (siblings.length > 0) {
          const i = at % siblings.length;
          const mutated = siblings.map((s, j) => (j === i ? flipHexBit(s, bit) : s));
          assertVerdict(tree, state, { ...proof, siblings: mutated }, root);
        }
        if (value !== null)
          assertVerdict(tree, state, { ...proof, value: flipTextBit(value, pos, bit) }, root);
        assertVerdict(tree, state, { ...proof, key: flipTextBit(key, pos, bit) }, root);
        if (leaf !== undefined) {
          assertVerdict(
            tree,
            state,
            { ...proof, leaf: { ...leaf, keyHash: flipHexBit(leaf.keyHash, bit) } },
            root,
          );
          assertVerdict(
            tree,
            state,
            { ...proof, leaf: { ...leaf, valueHash: flipHexBit(leaf.valueHash, bit) } },
            root,
          );
        }
        assertVerdict(tree, state, proof, fromHex(flipHexBit(toHex(root), bit)));
        assertVerdict(tree, state, { ...proof, siblings: siblings.slice(0, -1) }, root);
        assertVerdict(tree, state, { ...proof, siblings: [...siblings, toHex(root)] }, root);
      }),
      MUTATION_RUNS,
    );
  });

  it('inclusion cannot become absence (value → null) and absence cannot become inclusion', () => {
    fc.assert(
      fc.property(stateArb, keyArb, valueArb, (state, probe, claimed) => {
        const tree = StateTree.build(state);
        const root = tree.root();
        for (const [k, v] of [...state].slice(0, 20)) {
          const { leaf: _unused, ...proof } = tree.prove(k, v);
          assertVerdict(tree, state, { ...proof, value: null }, root);
        }
        if (!state.has(probe)) {
          const absence = tree.prove(probe, null);
          assertVerdict(tree, state, { ...absence, value: claimed }, root);
          const { leaf: _dropped, ...bare } = absence;
          assertVerdict(tree, state, { ...bare, value: claimed }, root);
        }
      }),
      MUTATION_RUNS,
    );
  });
});
