/**
 * Project vectors for the state commitment (src/ledger/smt) as named mutations, in the style of
 * transparency-dev/merkle `testonly/cmd/proofgen`: honest proofs over a fixed 6-key state and
 * corrupted variants that must fail with `ERR_LEDGER_BAD_PROOF`.
 *
 * Each vector is `{ desc, root, proof, wantErr }`: `root` is the state root (lower-case hex),
 * `proof` a {@link StateProof} as JSON, `wantErr` whether `checkStateProof` must throw.
 * Pure and deterministic: the vector runner (scripts/gen-vectors.ts) writes `test/vectors/<file>`.
 */
import { sha256, toHex, utf8 } from '../../src/crypto/index.ts';
import { StateTree } from '../../src/ledger/index.ts';
import type { StateProof } from '../../src/ledger/index.ts';

/** The fixed state: canonical JSON values (RFC 8785). */
export const SMT_VECTOR_STATE: ReadonlyArray<readonly [string, string]> = [
  ['gov/org/org1', '{"name":"Org One"}'],
  ['gov/org/org2', '{"name":"Org Two"}'],
  ['gov/org/org3', '{"name":"Org Three"}'],
  ['gov/config', '{"quorum":2}'],
  ['did/doc/z6MkAlice', '{"id":"did:rdid:z6MkAlice"}'],
  ['did/doc/z6MkBob', '{"id":"did:rdid:z6MkBob"}'],
];

const DIR = 'ledger-smt';
const ZERO_HEX = '0'.repeat(64);

/** A state-proof case: `proof` must verify against `root` unless `wantErr`. */
export interface SmtVector {
  desc: string;
  root: string;
  proof: unknown;
  wantErr: boolean;
}

function flipBit(hex: string, bit: number): string {
  const bytes = Buffer.from(hex, 'hex');
  bytes[bit >> 3] = (bytes[bit >> 3] as number) ^ (0x80 >> (bit & 7));
  return bytes.toString('hex');
}

/** First absent key `gov/org/orgN` whose proof ends as `kind` below the root. */
function findAbsent(tree: StateTree, kind: 'empty' | 'other-leaf'): StateProof {
  for (let i = 100; ; i++) {
    const proof = tree.prove(`gov/org/org${i}`, null);
    if (proof.siblings.length > 0 && (proof.leaf === undefined) === (kind === 'empty'))
      return proof;
  }
}

/** The inclusion proof with the most siblings (ties: first in state order). */
function deepestInclusion(tree: StateTree): StateProof {
  let best: StateProof | undefined;
  for (const [k, v] of SMT_VECTOR_STATE) {
    const p = tree.prove(k, v);
    if (best === undefined || p.siblings.length > best.siblings.length) best = p;
  }
  return best as StateProof;
}

function mutations(tree: StateTree, root: string): Array<[string, SmtVector]> {
  const incl = deepestInclusion(tree);
  const other = findAbsent(tree, 'other-leaf');
  const leaf = other.leaf as { keyHash: string; valueHash: string };
  const bad = (name: string, desc: string, proof: unknown, r = root): [string, SmtVector] => [
    name,
    { desc: `${desc} (must fail)`, root: r, proof, wantErr: true },
  ];
  const out: Array<[string, SmtVector]> = [];
  incl.siblings.forEach((_, i) => {
    for (const b of [0, 7, 255]) {
      const siblings = incl.siblings.map((s, j) => (j === i ? flipBit(s, b) : s));
      out.push(
        bad(
          `modified-sibling[${i}]-bit-@${b}`,
          `inclusion of ${incl.key}, bit ${b} of siblings[${i}] flipped`,
          { ...incl, siblings },
        ),
      );
    }
  });
  const withoutKey = StateTree.build(SMT_VECTOR_STATE.filter(([k]) => k !== incl.key));
  const ownLeaf = {
    keyHash: toHex(sha256(utf8(incl.key))),
    valueHash: toHex(sha256(utf8(incl.value as string))),
  };
  const flipped = flipBit(leaf.keyHash, 0);
  out.push(
    bad('wrong-value', `inclusion of ${incl.key} with another value`, {
      ...incl,
      value: '{"name":"Mallory"}',
    }),
    bad('value-to-null', `inclusion of ${incl.key} turned into absence`, { ...incl, value: null }),
    bad('null-to-value', `absence of ${other.key} turned into inclusion`, {
      key: other.key,
      value: '{}',
      siblings: other.siblings,
    }),
    bad('truncated-siblings', `inclusion of ${incl.key} without its last sibling`, {
      ...incl,
      siblings: incl.siblings.slice(0, -1),
    }),
    bad('trailing-sibling', `inclusion of ${incl.key} with an extra sibling`, {
      ...incl,
      siblings: [...incl.siblings, root],
    }),
    bad(
      'wrong-root',
      `inclusion of ${incl.key} against the root of the state without it`,
      incl,
      toHex(withoutKey.root()),
    ),
    bad('leaf-is-key', `absence of ${incl.key} naming its own leaf`, {
      key: incl.key,
      value: null,
      siblings: incl.siblings,
      leaf: ownLeaf,
    }),
    bad(
      'leaf-prefix-mismatch',
      `absence of ${other.key} naming a leaf off its path (bit 0 flipped)`,
      { ...other, leaf: { ...leaf, keyHash: flipped } },
    ),
    bad('modified-leaf-value-hash', `absence of ${other.key}, bit 0 of leaf.valueHash flipped`, {
      ...other,
      leaf: { ...leaf, valueHash: flipBit(leaf.valueHash, 0) },
    }),
    bad(
      'non-canonical-empty-last-sibling',
      `inclusion of ${incl.key} with an empty trailing sibling`,
      { ...incl, siblings: [...incl.siblings, ZERO_HEX] },
    ),
    bad('too-deep', 'absence proof with 257 siblings', {
      key: other.key,
      value: null,
      siblings: Array(257).fill(root),
    }),
    bad('malformed-uppercase-hex', 'sibling hex in upper case', {
      ...incl,
      siblings: incl.siblings.map((s) => s.toUpperCase()),
    }),
    bad('malformed-unknown-field', 'proof with an unknown field', { ...incl, index: 0 }),
    bad('malformed-leaf-in-inclusion', 'inclusion proof carrying a leaf', { ...incl, leaf }),
  );
  return out;
}

/**
 * Generates the state-proof vectors over {@link SMT_VECTOR_STATE}.
 *
 * @returns `{ file, vector }` pairs; `file` is `ledger-smt/<name>.json` (slashes of a key in a
 *   name become dashes)
 */
export function generateSmtVectors(): Array<{ file: string; vector: object }> {
  const tree = StateTree.build(SMT_VECTOR_STATE);
  const root = toHex(tree.root());
  const named: Array<[string, SmtVector]> = [];
  for (const [k, v] of SMT_VECTOR_STATE) {
    named.push([
      `happy-inclusion-${k.replaceAll('/', '-')}`,
      { desc: `inclusion of ${k}`, root, proof: tree.prove(k, v), wantErr: false },
    ]);
  }
  const empty = findAbsent(tree, 'empty');
  const other = findAbsent(tree, 'other-leaf');
  named.push(
    [
      'happy-absence-empty',
      {
        desc: `absence of ${empty.key}: path ends at an empty subtree`,
        root,
        proof: empty,
        wantErr: false,
      },
    ],
    [
      'happy-absence-other-leaf',
      {
        desc: `absence of ${other.key}: path ends at another key's leaf`,
        root,
        proof: other,
        wantErr: false,
      },
    ],
    ...mutations(tree, root),
  );
  return named.map(([name, vector]) => ({ file: `${DIR}/${name}.json`, vector }));
}
