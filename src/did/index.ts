/** did/: the did:rdid method (a ledger module), its resolver, did:key, and wallet key derivation. */
export {
  DID_CONTEXT,
  documentMetadata,
  documentMetadataJson,
  documentProblem,
  DocumentSpec,
  methodsFor,
  RELATIONSHIPS,
  renderDocument,
  renderDocumentJson,
} from './document.ts';
export type {
  DidDocument,
  DidRecord,
  Relationship,
  ServiceSpec,
  VerificationMethodSpec,
} from './document.ts';
export {
  CreateBody,
  DeactivateBody,
  DidGenesis,
  didModule,
  Patch,
  RecoverBody,
  UpdateBody,
} from './operations.ts';
export {
  checkResolveOptions,
  checkVersionSelection,
  parseVersionTime,
  renderResolution,
  resolveDidKey,
  resolveOptionsOf,
  resolveRdid,
  RESOLUTION_OPTIONS,
  SUPPORTED_METHODS,
} from './resolve.ts';
export {
  DEREFERENCE_PARAMETERS,
  dereferenceDocument,
  dereferenceOf,
  namesResource,
} from './dereference.ts';
export type { Dereferenced, DereferenceTarget, DocumentResource } from './dereference.ts';
export type { RdidResolution, ResolveOptions } from './resolve.ts';
export {
  currentRecord,
  DID_KEYS,
  opensCommitment,
  rdidFor,
  recoveryCommitmentOf,
  resolveRdidKey,
  versionRecord,
} from './state.ts';
export { isRdid, parseDidUrl, parseRdid, RDID_METHOD, RDID_RE } from './syntax.ts';
export type { DidUrl } from './syntax.ts';
export {
  checkMnemonic,
  deriveMasterKey,
  derivePairwise,
  entropyMnemonic,
  MASTER_SALT,
  mnemonicEntropy,
  newMnemonic,
  normalizeOrigin,
  PAIRWISE_SALT,
  seedOfMnemonic,
} from './wallet-keys.ts';
export type { DerivedKey, MasterPurpose } from './wallet-keys.ts';
export {
  authFragment,
  planCreate,
  planDeactivate,
  planRecover,
  planRotate,
  planUpdate,
  walletDocument,
} from './wallet-ops.ts';
export type { PlannedTx } from './wallet-ops.ts';
export { isResolutionResult, negotiate, OFFERS, resolveForHttp } from './http.ts';
export type { ProofWriter, Representation, ResolverAnswer } from './http.ts';
export { IDENTIFIERS_ROUTE_SCHEMA } from './http-schemas.ts';
export {
  DID_ERROR_BASE,
  DID_ERROR_TYPES,
  ERROR_TYPE_OF_CODE,
  errorMetadataJson,
  MEDIA,
  problemOf,
  RESOLUTION_CONTEXT,
  RESULT_TEXT,
  resultJson,
  successMetadataJson,
} from './results.ts';
export type {
  DereferencingResult,
  DidErrorType,
  ProblemDetails,
  ResolutionResult,
  ResultForm,
  ResultMetadata,
} from './results.ts';
export { DidViewCache } from './view-cache.ts';
export type { CachedAnswer, DidViewStats, ViewProofSource } from './view-cache.ts';
export { DID_ERRORS } from './errors.ts';
export { DEFAULT_DID_VIEW_CACHE_MB, didNode, didRuntimeOf, MAX_DID_VIEW_CACHE_MB } from './node.ts';
export type { DidNodeOptions, DidRuntime } from './node.ts';
export { resolverProofs } from './proofs.ts';
export {
  controlProofBytes,
  newRequestNonce,
  PROOF_DOMAIN,
  proveControl,
  REQUEST_DOMAIN,
  REQUEST_WINDOW_MS,
  requestSigningBytes,
  signRequest,
  verifyControlProof,
  verifySignedRequest,
} from './signed-request.ts';
export type {
  ControlProof,
  ControlStatement,
  RequestPayload,
  RequestSigner,
  SignedRequest,
} from './signed-request.ts';
export { requireInvocationKey } from './tx-auth.ts';
export { GENESIS_ACTOR_KEY_ID, genesisActor } from './genesis-actor.ts';
export type { GenesisDocument } from './genesis-actor.ts';
export { KeyedLock, OneTimeValues } from './guards.ts';
