/** node/: the fastify server, its routes and the composition root. */
export { buildApp } from './app.ts';
export type { AppOptions } from './app.ts';
export {
  checkInitOrgs,
  dataPaths,
  DEMO_ORGS,
  DEMO_PASSPHRASE,
  initDataDir,
  isInitialized,
  loadDataDir,
  mergeGenesis,
} from './data-dir.ts';
export { createKeyFile, loadKeyFile, readKeyFile, reencryptKeyFile } from './key-file.ts';
export type { InitOptions, InitOrg } from './data-dir.ts';
export { checkJoinDataDir, joinDataDir } from './join-data-dir.ts';
export type { JoinOptions } from './join-data-dir.ts';
export {
  checkNodeConfig,
  DEFAULT_SOLO_ORDERING,
  parseNatsServers,
  parseOrderingFlags,
  readNodeConfig,
  resolveOrdering,
} from './node-config.ts';
export type {
  NatsOrdering,
  NodeConfig,
  OrderingConfig,
  OrderingOverride,
  SoloOrdering,
} from './node-config.ts';
export { assertInitialized } from './data-dir.ts';
export { HOLDER_FILE, LOCK_FILE, lockDataDir, readHolder } from './data-lock.ts';
export type { DataDirLock, LockHolder } from './data-lock.ts';
export {
  API_ERRORS,
  CORE_HTTP_STATUS,
  errorHandlerFor,
  ErrorRegistry,
  toAppError,
} from './errors.ts';
export type { RegisteredError } from './errors.ts';
export { defaultModules } from './default-modules.ts';
export { openLedgerNode } from './ledger-node.ts';
export type {
  LedgerNode,
  LedgerNodeOptions,
  ModuleDataOptions,
  ModuleLogSink,
  OpenModule,
} from './ledger-node.ts';
export type { ConsortiumView, NodeOrdering } from './ordering.ts';
export { FileVault, MemoryVault } from './vault.ts';
export { Metrics } from './metrics.ts';
export { startNode } from './server.ts';
export type { RunningNode, StartOptions } from './server.ts';
export { browserPlugin, webFile, webScript, WEB_DIR } from './web/bundle.ts';
export { WEB_CSP, webAssets, webHeaders, webShell } from './web/serve.ts';
