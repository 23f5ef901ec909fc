import type { FastifyInstance } from 'fastify';
import { dataPaths, loadDataDir } from './data-dir.ts';
import { buildApp } from './app.ts';
import { openLedgerNode, type LedgerNode } from './ledger-node.ts';

export interface StartOptions {
  readonly dataDir: string;
  readonly passphrase: string;
  readonly port?: number;
  readonly host?: string;
  readonly logger?: boolean | object;
  readonly signatureThreads?: number;
  /** Memory for pre-rendered DID resolutions, MiB (see LedgerNodeOptions.didViewCacheMb). */
  readonly didViewCacheMb?: number;
}

/** A node serving HTTP. */
export interface RunningNode {
  readonly node: LedgerNode;
  readonly app: FastifyInstance;
  readonly url: string;
  close(): Promise<void>;
}

/**
 * The composition root: unlocks the node key, opens the ledger in the data folder, and serves
 * the API. Closing stops HTTP first, then commits what is pending, then closes the store.
 */
export async function startNode(options: StartOptions): Promise<RunningNode> {
  const { config, genesis, signer } = loadDataDir(options.dataDir, options.passphrase);
  const node = openLedgerNode({
    path: dataPaths(options.dataDir).ledger,
    genesis,
    signer,
    ordering: { maxBlockTxs: config.ordering.maxBlockTxs, blockIntervalMs: config.ordering.blockIntervalMs },
    ...(options.signatureThreads === undefined ? {} : { signatureThreads: options.signatureThreads }),
    ...(options.didViewCacheMb === undefined ? {} : { didViewCacheMb: options.didViewCacheMb }),
  });
  let app: FastifyInstance;
  try {
    app = await buildApp(node, { logger: options.logger ?? false });
    const host = options.host ?? config.host;
    await app.listen({ host, port: options.port ?? config.port });
  } catch (err) {
    await node.close();
    throw err;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : (options.port ?? config.port);
  const host = options.host ?? config.host;
  return {
    node,
    app,
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    async close() {
      await app.close();
      await node.close();
    },
  };
}
