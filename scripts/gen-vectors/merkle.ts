/**
 * Project vectors for ledger/merkle as named mutations, in the style of transparency-dev/merkle
 * `testonly/cmd/proofgen`: one honest proof per case and corrupted variants that must fail.
 * Same JSON shape as the transparency-dev files, but hashes are lower-case hex.
 *
 * The tree is the first 7 RFC 6962 reference leaves, so its roots are the reference roots.
 * Pure and deterministic: the vector runner (scripts/gen-vectors.ts) writes `test/vectors/<file>`.
 */
import { fromHex, sha256, toHex, utf8 } from '../../src/crypto/index.ts';
import { EMPTY_ROOT, hashLeaf, MerkleLog } from '../../src/ledger/index.ts';

/** An inclusion proof case: `proof` shows `leafHash` is leaf `leafIdx` of (`treeSize`, `root`). */
export interface InclusionVector {
  leafIdx: number;
  treeSize: number;
  root: string;
  leafHash: string;
  proof: string[];
  desc: string;
  wantErr: boolean;
}

/** A consistency proof case: `proof` shows (`size1`, `root1`) is a prefix of (`size2`, `root2`). */
export interface ConsistencyVector {
  size1: number;
  size2: number;
  root1: string;
  root2: string;
  proof: string[];
  desc: string;
  wantErr: boolean;
}

/** One file for the runner: a path under test/vectors/ and its JSON content. */
export interface MerkleVectorFile {
  file: string;
  vector: InclusionVector | ConsistencyVector;
}

const DIR = 'ledger-merkle';
const TREE_SIZE = 7;
/** RFC 6962 / CT reference leaves (test/vectors/merkle-rfc6962/rfc6962-reference-tree.json). */
const REFERENCE_LEAVES = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657'];
const WRONG_ROOT = utf8('WrongRoot'); // 9 bytes, as transparency-dev
const RANDOM_HASH = sha256(utf8('realdid merkle vectors: random hash'));
const GARBAGE = new Uint8Array(0); // a zero-length "hash"

type Hashes = readonly Uint8Array[];

/** transparency-dev `fileName`: "modified proof[0] bit @3" → "modified-proof[0]-bit-@3". */
function slug(desc: string): string {
  return desc.replaceAll(' - ', '-').replaceAll('(', '').replaceAll(')', '').replaceAll(' ', '-');
}

/** A copy of `hash` with bit `bit` flipped (bit 0 = least significant bit of byte 0). */
function flip(hash: Uint8Array, bit: number): Uint8Array {
  const out = new Uint8Array(hash);
  out[bit >> 3] = (out[bit >> 3] as number) ^ (1 << (bit & 7));
  return out;
}

/** A deterministic bit position for case `a`, element `b`, spread over all 256 bits. */
function bitFor(a: number, b: number): number {
  return (a * 71 + b * 29 + 3) % 256;
}

interface InclusionCase {
  leafIdx: number;
  treeSize: number;
  root: Uint8Array;
  leafHash: Uint8Array;
  proof: Hashes;
}

function inclusionVector(c: InclusionCase, desc: string, wantErr: boolean): InclusionVector {
  const { leafIdx, treeSize, root, leafHash, proof } = c;
  return {
    leafIdx,
    treeSize,
    root: toHex(root),
    leafHash: toHex(leafHash),
    proof: proof.map(toHex),
    desc,
    wantErr,
  };
}

/** transparency-dev `corruptInclusionProof`, plus bit flips in the leaf and the root. */
function inclusionMutations(c: InclusionCase): Array<[string, InclusionCase]> {
  const { leafIdx: i, treeSize: n, proof, root, leafHash } = c;
  const mid = Math.floor(proof.length / 2);
  const out: Array<[string, InclusionCase]> = [
    ['leafIdx plus @1', { ...c, leafIdx: i + 1 }],
    ['leafIdx XOR @2', { ...c, leafIdx: i ^ 2 }],
    ['treeSize mul @2', { ...c, treeSize: n * 2 }],
    ['treeSize div @2', { ...c, treeSize: Math.floor(n / 2) }],
    ['wrong leaf', { ...c, leafHash: hashLeaf(utf8('WrongLeaf')) }],
    ['truncated leaf hash', { ...c, leafHash: leafHash.subarray(1) }],
    ['empty root', { ...c, root: EMPTY_ROOT }],
    ['random root', { ...c, root: RANDOM_HASH }],
    ['wrong root', { ...c, root: WRONG_ROOT }],
    ['empty proof', { ...c, proof: [] }],
    ['truncated proof', { ...c, proof: proof.slice(0, -1) }],
    ['removed component', { ...c, proof: proof.toSpliced(mid, 1) }],
    ['inserted component', { ...c, proof: proof.toSpliced(mid, 0, RANDOM_HASH) }],
    ['trailing garbage', { ...c, proof: [...proof, GARBAGE] }],
    ['preceding garbage', { ...c, proof: [GARBAGE, ...proof] }],
    ['trailing root', { ...c, proof: [...proof, root] }],
    ['preceding root', { ...c, proof: [root, ...proof] }],
    [`modified leaf bit @${bitFor(i, 90)}`, { ...c, leafHash: flip(leafHash, bitFor(i, 90)) }],
    [`modified root bit @${bitFor(i, 91)}`, { ...c, root: flip(root, bitFor(i, 91)) }],
  ];
  if (i > 0) out.push(['leafIdx sub @1', { ...c, leafIdx: i - 1 }]);
  proof.forEach((h, j) => {
    const bit = bitFor(i, j);
    out.push([`modified proof[${j}] bit @${bit}`, { ...c, proof: proof.with(j, flip(h, bit)) }]);
  });
  return out;
}

function inclusionVectors(log: MerkleLog): MerkleVectorFile[] {
  const out: MerkleVectorFile[] = [];
  const add = (c: InclusionCase, desc: string, wantErr: boolean, suffix: string): void => {
    const file = `${DIR}/inclusion/${slug(desc)}${suffix}.json`;
    out.push({ file, vector: inclusionVector(c, desc, wantErr) });
  };
  for (let i = 0; i < TREE_SIZE; i++) {
    const c: InclusionCase = {
      leafIdx: i,
      treeSize: TREE_SIZE,
      root: log.root(),
      leafHash: log.leafHash(i),
      proof: log.inclusionProof(i),
    };
    add(c, 'happy path', false, `-leaf${i}`);
    for (const [desc, bad] of inclusionMutations(c)) add(bad, desc, true, `-leaf${i}`);
  }
  const leaf0 = log.leafHash(0);
  const single = { leafIdx: 0, treeSize: 1, root: log.root(1), leafHash: leaf0, proof: [] };
  add(single, 'single leaf happy path', false, '');
  add({ ...single, root: EMPTY_ROOT }, 'single leaf empty root', true, '');
  add({ ...single, proof: [leaf0] }, 'single leaf trailing leaf', true, '');
  add({ ...single, treeSize: 0, root: EMPTY_ROOT }, 'empty tree has no leaves', true, '');
  return out;
}

interface ConsistencyCase {
  size1: number;
  size2: number;
  root1: Uint8Array;
  root2: Uint8Array;
  proof: Hashes;
}

function consistencyVector(c: ConsistencyCase, desc: string, wantErr: boolean): ConsistencyVector {
  const { size1, size2, root1, root2, proof } = c;
  const [hex1, hex2] = [toHex(root1), toHex(root2)];
  return { size1, size2, root1: hex1, root2: hex2, proof: proof.map(toHex), desc, wantErr };
}

/** transparency-dev `invalidConsistencyProof`, plus bit flips in both roots. */
function consistencyMutations(c: ConsistencyCase): Array<[string, ConsistencyCase]> {
  const { size1: m, size2: n, root1, root2, proof } = c;
  const out: Array<[string, ConsistencyCase]> = [
    ['size1 sub @1', { ...c, size1: m - 1 }],
    ['size1 plus @1', { ...c, size1: m + 1 }],
    ['size1 XOR @2', { ...c, size1: m ^ 2 }],
    ['size2 mul @2', { ...c, size2: n * 2 }],
    ['size2 div @2', { ...c, size2: Math.floor(n / 2) }],
    ['wrong root1', { ...c, root1: WRONG_ROOT }],
    ['wrong root2', { ...c, root2: WRONG_ROOT }],
    ['swapped roots', { ...c, root1: root2, root2: root1 }],
    ['empty proof', { ...c, proof: [] }],
    ['truncated proof', { ...c, proof: proof.slice(0, -1) }],
    ['trailing garbage', { ...c, proof: [...proof, GARBAGE] }],
    ['trailing root1', { ...c, proof: [...proof, root1] }],
    ['trailing root2', { ...c, proof: [...proof, root2] }],
    ['preceding garbage', { ...c, proof: [GARBAGE, ...proof] }],
    ['preceding root1', { ...c, proof: [root1, ...proof] }],
    ['preceding root2', { ...c, proof: [root2, ...proof] }],
    ['preceding proof @0', { ...c, proof: [proof[0] as Uint8Array, ...proof] }],
    [`modified root1 bit @${bitFor(m, 90)}`, { ...c, root1: flip(root1, bitFor(m, 90)) }],
    [`modified root2 bit @${bitFor(m, 91)}`, { ...c, root2: flip(root2, bitFor(m, 91)) }],
  ];
  proof.forEach((h, j) => {
    const bit = bitFor(m, j);
    out.push([`modified proof[${j}] bit @${bit}`, { ...c, proof: proof.with(j, flip(h, bit)) }]);
  });
  return out;
}

/** Edge cases at sizes 0 and equal sizes (transparency-dev `staticConsistencyProbes`). */
function staticConsistencyCases(log: MerkleLog): Array<[string, ConsistencyCase, boolean]> {
  const [r0, r3, r6, r7] = [EMPTY_ROOT, log.root(3), log.root(6), log.root(7)];
  const c = (s1: number, s2: number, root1: Uint8Array, root2: Uint8Array, proof: Hashes = []) =>
    ({ size1: s1, size2: s2, root1, root2, proof }) satisfies ConsistencyCase;
  return [
    ['equal sizes happy path', c(7, 7, r7, r7), false],
    ['equal sizes but roots differ', c(7, 7, r7, r6), true],
    ['equal sizes but proof is not empty', c(7, 7, r7, r7, [r7]), true],
    ['empty tree to size 7 happy path', c(0, 7, r0, r7), false],
    ['empty tree to empty tree happy path', c(0, 0, r0, r0), false],
    ['empty tree but proof is not empty', c(0, 7, r0, r7, [r7]), true],
    ['empty tree with a non-empty root1', c(0, 7, r3, r7), true],
    ['empty tree with a short root2', c(0, 7, r0, r7.subarray(1)), true],
    ['empty trees with a wrong root2', c(0, 0, r0, r7), true],
    ['size1 greater than size2', c(7, 3, r7, r3, log.consistencyProof(3)), true],
    ['size1 greater than size2 with an empty proof', c(7, 6, r7, r6), true],
  ];
}

function consistencyVectors(log: MerkleLog): MerkleVectorFile[] {
  const out: MerkleVectorFile[] = [];
  const add = (c: ConsistencyCase, desc: string, wantErr: boolean, suffix: string): void => {
    const file = `${DIR}/consistency/${slug(desc)}${suffix}.json`;
    out.push({ file, vector: consistencyVector(c, desc, wantErr) });
  };
  for (let size2 = 2; size2 <= TREE_SIZE; size2++) {
    for (let size1 = 1; size1 < size2; size1++) {
      const [root1, root2] = [log.root(size1), log.root(size2)];
      const c = { size1, size2, root1, root2, proof: log.consistencyProof(size1, size2) };
      add(c, 'happy path', false, `-${size1}-${size2}`);
      if (size2 !== TREE_SIZE) continue;
      for (const [desc, bad] of consistencyMutations(c)) add(bad, desc, true, `-${size1}-${size2}`);
    }
  }
  for (const [desc, c, wantErr] of staticConsistencyCases(log)) add(c, desc, wantErr, '');
  return out;
}

/**
 * Generates every ledger/merkle project vector: for the 7-leaf reference tree, a happy-path
 * inclusion proof for each leaf and each consistency pair, and named corrupted variants
 * (`modified-proof[i]-bit-@b`, `wrong-leaf`, `truncated-proof`, `trailing-garbage`,
 * `swapped-roots`, …) that a verifier must reject with `ERR_LEDGER_BAD_PROOF`.
 *
 * @returns files such as `ledger-merkle/inclusion/happy-path-leaf3.json`, in a stable order
 */
export function generateMerkleVectors(): MerkleVectorFile[] {
  const log = MerkleLog.fromLeafHashes(REFERENCE_LEAVES.map((h) => hashLeaf(fromHex(h))));
  return [...inclusionVectors(log), ...consistencyVectors(log)];
}
