import { resolve } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import type { JsonValue } from '../crypto/index.ts';
import { assertInitialized, dataPaths, loadDataDir } from './data-dir.ts';
import { lockDataDir, type DataDirLock } from './data-lock.ts';
import { buildApp } from './app.ts';
import { openLedgerNode, type LedgerNode } from './ledger-node.ts';
import { resolveOrdering, type OrderingOverride } from './node-config.ts';

export interface StartOptions {
  readonly dataDir: string;
  readonly passphrase: string;
  readonly port?: number;
  readonly host?: string;
  readonly logger?: boolean | object;
  readonly signatureThreads?: number;
  /** Per-module node options, by namespace (e.g. `{ did: { viewCacheMb: 512 } }`); each module checks its own. */
  readonly moduleOptions?: Readonly<Record<string, JsonValue>>;
  /**
   * The lock of `dataDir`, already taken with {@link lockDataDir} (e.g. before initializing the
   * folder). The node owns it from here: it is released when the node closes or fails to start.
   * Default: taken by {@link startNode}.
   */
  readonly lock?: DataDirLock;
  /**
   * Overrides node.json's ordering for this run (`node start --orderer nats --nats …`); see
   * {@link resolveOrdering} for what may be combined.
   */
  readonly ordering?: OrderingOverride;
  /**
   * The clock block times come from (default: the wall clock). `realdid demo` runs its node a few
   * hours ahead, so that a record's expiry date comes during the story.
   */
  readonly clock?: () => number;
}

/** A node serving HTTP. */
export interface RunningNode {
  readonly node: LedgerNode;
  readonly app: FastifyInstance;
  readonly url: string;
  close(): Promise<void>;
}

/**
 * The composition root: takes the data folder's lock, unlocks the node key, opens the ledger in
 * the data folder, and serves the API. Closing stops HTTP first, then commits what is pending,
 * then closes the store and releases the lock.
 * @throws ERR_CLI_DATA_DIR_LOCKED when another node holds the folder (before anything is opened),
 *   ERR_CLI_DATA_DIR, ERR_CLI_USAGE (an ordering override that does not fit node.json),
 *   ERR_CRYPTO_WRONG_PASSPHRASE, the ledger's open errors, listen errors
 */
export async function startNode(options: StartOptions): Promise<RunningNode> {
  let lock = options.lock;
  if (lock === undefined) {
    assertInitialized(options.dataDir);
    lock = lockDataDir(options.dataDir);
  } else if (resolve(lock.dir) !== resolve(options.dataDir)) {
    throw new TypeError(`"lock" is for ${lock.dir}, not the data folder ${options.dataDir}`);
  }
  try {
    return await serve(options, lock);
  } catch (err) {
    lock.release();
    throw err;
  }
}

async function serve(options: StartOptions, lock: DataDirLock): Promise<RunningNode> {
  const { config, genesis, signer } = loadDataDir(options.dataDir, options.passphrase);
  let listening: string | undefined = undefined; // set once the app listens
  const node = openLedgerNode({
    publicUrl: () => config.publicUrl ?? listening,
    path: dataPaths(options.dataDir).ledger,
    genesis,
    signer,
    ordering: {
      ...resolveOrdering(config.ordering, options.ordering ?? {}),
      ...(options.clock === undefined ? {} : { clock: options.clock }),
    },
    ...((options.signatureThreads ?? config.signatureThreads) === undefined
      ? {}
      : { signatureThreads: options.signatureThreads ?? config.signatureThreads }),
    moduleOptions: { ...config.modules, ...options.moduleOptions },
    // Modules keep their off-ledger data (vaults) under <data>/modules/, sealed with the node passphrase.
    moduleData: { dir: options.dataDir, passphrase: options.passphrase },
    ...(options.logger === undefined || options.logger === false
      ? {}
      : { log: pino(options.logger === true ? {} : options.logger) }),
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
  const port =
    typeof address === 'object' && address !== null ? address.port : (options.port ?? config.port);
  const host = options.host ?? config.host;
  listening = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  return {
    node,
    app,
    url: listening,
    async close() {
      try {
        await app.close();
        await node.close();
      } finally {
        lock.release();
      }
    },
  };
}
