/** node/: the fastify server, its routes and the composition root. */
export { buildApp } from './app.ts';
export type { AppOptions } from './app.ts';
export { createKeyFile, dataPaths, DEMO_ORGS, DEMO_PASSPHRASE, initDataDir, isInitialized, loadDataDir, loadKeyFile } from './data-dir.ts';
export type { InitOptions, NodeConfig } from './data-dir.ts';
export { resolverProofs } from './did-proofs.ts';
export { errorHandler, toAppError } from './errors.ts';
export { DEFAULT_DID_VIEW_CACHE_MB, defaultModules, MAX_DID_VIEW_CACHE_MB, openLedgerNode } from './ledger-node.ts';
export type { LedgerNode, LedgerNodeOptions } from './ledger-node.ts';
export { Metrics } from './metrics.ts';
export { startNode } from './server.ts';
export type { RunningNode, StartOptions } from './server.ts';
