import { generateMerkleVectors } from './merkle.ts';
import { generatePairwiseVectors } from './pairwise.ts';
import { generateSmtVectors } from './smt.ts';

/** Every generated vector file, by path relative to test/vectors/. */
export function generatedVectors(): Array<{ file: string; vector: object }> {
  return [...generateMerkleVectors(), ...generateSmtVectors(), ...generatePairwiseVectors()];
}
