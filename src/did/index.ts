/** did/: the did:rdid method (a ledger module), its resolver, did:key, and wallet key derivation. */
export { DID_CONTEXT, documentMetadata, documentMetadataJson, documentProblem, DocumentSpec, methodsFor, RELATIONSHIPS, renderDocument, renderDocumentJson } from './document.ts';
export type { DidDocument, DidRecord, Relationship, ServiceSpec, VerificationMethodSpec } from './document.ts';
export { CreateBody, DeactivateBody, didModule, Patch, RecoverBody, UpdateBody } from './operations.ts';
export {
  checkVersionSelection,
  parseVersionTime,
  renderResolution,
  resolveDidKey,
  resolveOptionsOf,
  resolveRdid,
  SUPPORTED_METHODS,
} from './resolve.ts';
export type { RdidResolution, ResolveOptions } from './resolve.ts';
export { currentRecord, DID_KEYS, opensCommitment, rdidFor, recoveryCommitmentOf, resolveRdidKey, versionRecord } from './state.ts';
export { isRdid, parseDidUrl, parseRdid, RDID_METHOD, RDID_RE } from './syntax.ts';
export type { DidUrl } from './syntax.ts';
export { checkMnemonic, deriveMasterKey, derivePairwise, entropyMnemonic, MASTER_SALT, mnemonicEntropy, newMnemonic, normalizeOrigin, PAIRWISE_SALT, seedOfMnemonic } from './wallet-keys.ts';
export type { DerivedKey, MasterPurpose } from './wallet-keys.ts';
export { authFragment, planCreate, planDeactivate, planRecover, planRotate, planUpdate, walletDocument } from './wallet-ops.ts';
export type { PlannedTx } from './wallet-ops.ts';
export { isResolutionResult, MEDIA, negotiate, RESOLUTION_CONTEXT, resolveForHttp } from './http.ts';
export type { ProofWriter, Representation, ResolutionResult, ResolverAnswer } from './http.ts';
export { DidViewCache } from './view-cache.ts';
export type { CachedAnswer, DidViewStats, ViewProofSource } from './view-cache.ts';
