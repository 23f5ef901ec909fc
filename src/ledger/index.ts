/**
 * ledger/: the domain-free core — signed transaction envelopes, the module registry and
 * validation pipeline, hash-chained blocks, the RFC 6962 log, the state commitment,
 * checkpoints, ordering and the SQLite store.
 */
export {
  checkpointOf,
  CHECKPOINT_TAG,
  checkpointSigningBytes,
  hashHeader,
  invalidRootOf,
  signCheckpoint,
  verifyCheckpointSignature,
} from './block.ts';
export type { BlockHeader, Checkpoint, CheckpointSignature, SignedCheckpoint } from './block.ts';
export { Chain, deriveHeader, isMemberSignature } from './chain.ts';
export type {
  ChainOptions,
  CommitListener,
  Finality,
  Head,
  NodeSigner,
  PendingBlock,
} from './chain.ts';
export { didKeyOf, didKeyUrlOf, publicKeyOfDidKey } from './did-key.ts';
export {
  DEADLINE_PREFIX,
  deadlineKey,
  DeadlineQueue,
  MAX_DEADLINE_TIME,
  MAX_DEADLINES_PER_BLOCK,
  parseDeadlineKey,
} from './deadlines.ts';
export type { Deadline } from './deadlines.ts';
export {
  admitTx,
  BlockExecutor,
  lastNonce,
  MAX_TX_AGE_MS,
  MAX_TX_FUTURE_MS,
  nonceKey,
  signatureJobs,
  signatureResults,
} from './execute.ts';
export type { AdmittedTx, TxGuard } from './execute.ts';
export { applyGenesis, checkGenesis, genesisHash } from './genesis.ts';
export type { GenesisDoc } from './genesis.ts';
export {
  checkConsistency,
  checkInclusion,
  EMPTY_ROOT,
  hashLeaf,
  MerkleLog,
  rootFromInclusionProof,
  verifyConsistency,
  verifyInclusion,
} from './merkle/index.ts';
export type {
  BlockContext,
  BlockSigner,
  ConsortiumPolicy,
  KeyResolver,
  LedgerModule,
  DocumentRule,
  ModuleQuery,
  ModuleState,
  QueryState,
  StateReader,
  TxContext,
  TxKind,
} from './module.ts';
export type {
  ChainView,
  ModuleHost,
  ModuleInitContext,
  ModuleInitResult,
  ModuleLog,
  ModuleMetrics,
  ModuleNode,
  ModuleRuntime,
  ReadModel,
  SecretStore,
} from './module-host.ts';
export type { Orderer, SubmitOutcome } from './ordering/orderer.ts';
export { SoloOrderer } from './ordering/solo.ts';
export { NatsOrderer } from './ordering/nats.ts';
export type { ConsortiumAlarm, ConsortiumStatus, NatsOrdererOptions } from './ordering/nats.ts';
export { streamNames } from './ordering/nats-wire.ts';
export type { SoloOptions } from './ordering/solo.ts';
export { addFormatsTo, createAjv, describeSchemaError, ModuleRegistry } from './registry.ts';
export type { RegisteredKind } from './registry.ts';
export { inlineVerifier, WorkerPoolVerifier } from './sig-pool.ts';
export type { SignatureJob, SignatureVerifier } from './sig-pool.ts';
export { checkStateProof, StateTree, verifyStateProof } from './smt/index.ts';
export type { StateProof } from './smt/index.ts';
export { moduleState, readJson, StateOverlay } from './state.ts';
export { FOLD_BLOCKS, FOLD_ENTRIES, SCHEMA_VERSION, SqliteStore } from './store/sqlite.ts';
export type { InvalidTx, StoredTx } from './store/sqlite.ts';
export { decodeTx, MAX_TX_BYTES, signingBytes, signingBytesOf, signTx, txToJson } from './tx.ts';
export type { SignedTxJson, Tx, TxPayload } from './tx.ts';
export { LEDGER_ERRORS } from './errors.ts';
export { verifyChain } from './verify-chain.ts';
export type { VerifyOptions, VerifyResult } from './verify-chain.ts';
