/**
 * ledger/merkle: the RFC 6962 / RFC 9162 §2.1 Merkle log (SHA-256) and its pure proof verifiers.
 * No I/O, no clock, no randomness.
 */
export { EMPTY_ROOT, HASH_SIZE, hashChildren, hashLeaf, LEAF_PREFIX, NODE_PREFIX } from './hash.ts';
export { MerkleLog } from './log.ts';
export {
  checkConsistency,
  checkInclusion,
  rootFromInclusionProof,
  verifyConsistency,
  verifyInclusion,
} from './verify.ts';
