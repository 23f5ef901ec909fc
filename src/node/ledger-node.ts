import { availableParallelism } from 'node:os';
import type { JsonValue } from '../crypto/index.ts';
import { isAppError } from '../errors.ts';
import {
  Chain,
  ModuleRegistry,
  NatsOrderer,
  SqliteStore,
  WorkerPoolVerifier,
  type GenesisDoc,
  type ChainView,
  type LedgerModule,
  type ModuleHost,
  type ModuleLog,
  type ModuleRuntime,
  type NodeSigner,
  type ReadModel,
  type SecretStore,
  type SignatureVerifier,
  type StateReader,
  type SubmitOutcome,
  type Orderer,
} from '../ledger/index.ts';
import { DEMO_PASSPHRASE, moduleVaultPath } from './data-dir.ts';
import { defaultModules } from './default-modules.ts';
import { ErrorRegistry } from './errors.ts';
import { Metrics } from './metrics.ts';
import {
  consortiumMetrics,
  openOrderer,
  type ConsortiumView,
  type NodeOrdering,
} from './ordering.ts';
import { FileVault, MemoryVault } from './vault.ts';

/** A module opened by the node, with what it handed back. */
export interface OpenModule {
  readonly module: LedgerModule;
  readonly runtime: ModuleRuntime;
}

/** A running ledger: the chain, its orderer, metrics and opened modules. What the HTTP layer serves. */
export interface LedgerNode {
  readonly chain: Chain;
  readonly orderer: Orderer;
  readonly metrics: Metrics;
  /** Every error code this node can answer with, and its HTTP status. */
  readonly errors: ErrorRegistry;
  readonly modules: readonly OpenModule[];
  /**
   * Settles when every read model holds what was committed at open (they fill in the background)
   * and, with NATS ordering, once the orderer is connected (its streams exist, its consumer runs).
   */
  readonly ready: Promise<void>;
  /** The ordering this node takes part in: solo, or the NATS consortium's status as seen here. */
  consortium(): ConsortiumView;
  /** State as of the pending block (for nonce look-ups by clients). */
  readonly pendingState: StateReader;
  /** Conditions that leave the node correct but degraded (a read model off, a listener dropped…). */
  warnings(): string[];
  submit(inputs: readonly unknown[]): Promise<SubmitOutcome[]>;
  close(): Promise<void>;
}

/** Where modules keep their off-ledger data: `<data>/modules/<namespace>/`, opened with the node passphrase. */
export interface ModuleDataOptions {
  readonly dir: string;
  readonly passphrase: string;
}

export interface LedgerNodeOptions {
  /** SQLite file path, or `:memory:`. */
  readonly path: string;
  readonly genesis?: GenesisDoc;
  readonly signer?: NodeSigner;
  readonly modules?: readonly LedgerModule[];
  /** Solo options (default), or `{ type: 'nats', servers, … }` for consortium ordering. */
  readonly ordering?: NodeOrdering;
  /**
   * Worker threads for signature checks (0 = verify inline). Default: one per core but one (at
   * least one), since this thread orders, executes and commits: with a worker on every core it
   * competes with them (on 2 cores, credit ingest ran ≈ 0.5 of the verify bound with 2 workers,
   * ≈ 0.65 with 1).
   */
  readonly signatureThreads?: number;
  /** Per-module node options, by namespace (each module checks its own). */
  readonly moduleOptions?: Readonly<Record<string, JsonValue>>;
  /** Off-ledger module data; without it, vaults live in memory. */
  readonly moduleData?: ModuleDataOptions;
  /** Where modules and the node log (pino-compatible); default: nowhere. */
  readonly log?: ModuleLogSink;
  /** The node's public base URL (for modules that put URLs into what they issue); see `ModuleHost.publicUrl`. */
  readonly publicUrl?: () => string | undefined;
}

/** A pino-compatible logger (the fastify logger fits). */
export interface ModuleLogSink {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

const NO_LOG: ModuleLogSink = {
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

/**
 * Opens the store and chain, starts the orderer (solo, or NATS) and opens every module's node part: their
 * vaults, read models (fed by each commit, filled in the background), metrics and routes.
 * @throws a module's option error before anything is opened; ERR_LEDGER_BAD_GENESIS, ERR_LEDGER_STORE
 */
export function openLedgerNode(options: LedgerNodeOptions): LedgerNode {
  const registry = new ModuleRegistry(options.modules ?? defaultModules());
  const errors = new ErrorRegistry(registry.modules);
  for (const m of registry.modules) m.node?.checkOptions?.(options.moduleOptions?.[m.namespace]);
  const log = options.log ?? NO_LOG;
  // A NATS-ordered node re-derives any block a power loss takes from the replicated stream, so
  // it need not wait for the disk at every block (docs/consortium.md, "Durability").
  const store = SqliteStore.open(options.path, {
    synchronous: options.ordering?.type === 'nats' ? 'normal' : 'full',
  });
  let chain: Chain;
  try {
    chain = Chain.open(store, registry, {
      ...(options.genesis === undefined ? {} : { genesis: options.genesis }),
      ...(options.signer === undefined ? {} : { signer: options.signer }),
      // Consortium blocks come from the stream: a node signs those its organization may sign
      // (an organization governance adds later signs from then on; one it removes, no longer).
      signWhenMember: options.ordering?.type === 'nats',
    });
  } catch (err) {
    store.close();
    throw err;
  }
  const verifier: SignatureVerifier | undefined =
    options.signatureThreads === 0
      ? undefined
      : new WorkerPoolVerifier(options.signatureThreads ?? Math.max(1, availableParallelism() - 1));
  const metrics = new Metrics();
  const orderer = openOrderer(chain, options.ordering, verifier, (err) => {
    metrics.inc('realdid_deadline_errors_total', { code: err.code });
    log.error({ err, code: err.code }, 'a deadline handler failed; its writes were discarded');
  });
  const nats = orderer instanceof NatsOrderer ? orderer : undefined;
  let closed = false;
  const models: { namespace: string; model: ReadModel }[] = [];
  const vaults: (FileVault | MemoryVault)[] = [];
  const stops: (() => void)[] = [];
  const pendingState: StateReader = { get: (k) => orderer.pendingState.get(k) };
  const submit = async (inputs: readonly unknown[]): Promise<SubmitOutcome[]> => {
    const out = await orderer.submit(inputs);
    for (const o of out) {
      if (o.ok) {
        metrics.inc('realdid_tx_committed_total');
        continue;
      }
      metrics.inc('realdid_tx_rejected_total', { code: o.error.code });
      // A module bug: the tx was rejected alone; its stack goes to the log, not to the client.
      if (isAppError(o.error, 'ERR_LEDGER_MODULE_FAILED'))
        log.error({ err: o.error.cause, txId: o.id }, o.error.message);
    }
    return out;
  };
  nodeMetrics(metrics, chain, orderer);
  if (nats !== undefined) stops.push(consortiumMetrics(metrics, nats, log));

  const view = chainView(chain);
  const opened: OpenModule[] = [];
  /** Closes what the node opened, newest first: listeners, modules, vaults, workers, the store. */
  const release = async (): Promise<void> => {
    for (const stop of stops) stop();
    for (const { runtime } of opened.toReversed()) await runtime.close?.();
    for (const v of vaults) v.close();
    await verifier?.close();
    store.close();
  };
  for (const module of registry.modules) {
    if (module.node === undefined) continue;
    const host: ModuleHost = {
      chain: view,
      pendingState,
      options: options.moduleOptions?.[module.namespace],
      publicUrl: () => options.publicUrl?.(),
      submit,
      metrics: moduleMetrics(metrics, module.namespace),
      vault(name): SecretStore {
        if (!/^[a-z][a-z0-9-]{0,31}$/.test(name))
          throw new RangeError(
            `vault name ${JSON.stringify(name)} must match ^[a-z][a-z0-9-]{0,31}$`,
          );
        const vault =
          options.moduleData === undefined
            ? new MemoryVault()
            : new FileVault(
                moduleVaultPath(options.moduleData.dir, module.namespace, name),
                options.moduleData.passphrase,
              );
        vaults.push(vault);
        return vault;
      },
      readModel(model) {
        models.push({ namespace: module.namespace, model });
        stops.push(chain.onCommit(model.onCommit));
        readModelMetrics(metrics, module.namespace, model);
      },
      log: moduleLog(log, module.name),
      peer: (namespace) => opened.find((o) => o.module.namespace === namespace)?.runtime.services,
    };
    try {
      opened.push({ module, runtime: module.node.open(host) });
    } catch (err) {
      // A module that cannot open (a wrong vault passphrase…) stops the node: undo what is open.
      void orderer.close().finally(release);
      throw err;
    }
  }
  const filled = Promise.all(
    models.map(({ model }) => model.fill?.(() => closed) ?? Promise.resolve()),
  ).then(() => undefined);
  // Not awaited by close(): a node that never reaches NATS must still close.
  const ready = Promise.all([filled, nats?.connected]).then(() => undefined);
  ready.catch(() => undefined); // for callers that never await it; awaiting it still rejects

  return {
    chain,
    orderer,
    metrics,
    errors,
    modules: opened,
    ready,
    pendingState,
    consortium: () => nats?.status() ?? { type: 'solo' },
    warnings() {
      const out = chain.listenerErrors.map(
        (e) => `a commit listener failed and was removed: ${e.message}`,
      );
      for (const { namespace, model } of models) {
        const off = model.disabled?.();
        if (off !== undefined) out.push(`read model ${namespace}.${model.name} is off: ${off}`);
      }
      for (const { runtime } of opened) out.push(...(runtime.warnings?.() ?? []));
      const status = nats?.status();
      if (status !== undefined && !status.connected)
        out.push('the node is not connected to NATS: it orders and applies no transaction');
      if (status !== undefined && chain.signer !== undefined && !status.member)
        out.push(
          `"${chain.signer.org}" is no consortium member at height ${chain.head.height}: the node applies blocks and signs none (governance adds an organization with add-org, naming this node's key ${chain.signer.multikey})`,
        );
      if (vaults.length > 0 && options.moduleData?.passphrase === DEMO_PASSPHRASE) {
        out.push(
          `module vaults are sealed with the public demo passphrase "${DEMO_PASSPHRASE}": demo data only, never personal data`,
        );
      }
      return out;
    },
    submit,
    async close() {
      closed = true;
      try {
        await filled;
        // The orderer commits what is pending on close: the read models follow it to the end.
        await orderer.close();
      } finally {
        await release();
      }
    },
  };
}

/** The read-only face of the chain that modules get (see {@link ChainView}). */
function chainView(chain: Chain): ChainView {
  return {
    chainId: chain.chainId,
    genesisHash: chain.genesisHash,
    state: chain.state,
    get head() {
      return chain.head;
    },
    list: (prefix, limit, after) => chain.store.stateByPrefix(prefix, limit, after),
    stateProof: (key, value) => chain.stateProof(key, value),
    stateProofJson: (key, value) => chain.stateProofJson(key, value),
    writeInclusionSiblingsJson: (key, out, offset) =>
      chain.writeInclusionSiblingsJson(key, out, offset),
    signedCheckpoint: (height) => chain.signedCheckpoint(height),
  };
}

function nodeMetrics(metrics: Metrics, chain: Chain, orderer: Orderer): void {
  metrics.counter('realdid_tx_committed_total', 'Transactions committed.');
  metrics.counter('realdid_tx_rejected_total', 'Transactions rejected, by error code.');
  metrics.counter(
    'realdid_deadline_errors_total',
    'Deadline handlers that threw (their writes were discarded), by error code.',
  );
  metrics.gauge(
    'realdid_block_height',
    'Height of the last committed block.',
    () => chain.head.height,
  );
  metrics.gauge(
    'realdid_log_size',
    'Entries in the RFC 6962 transaction log.',
    () => chain.log.size,
  );
  metrics.gauge('realdid_state_keys', 'Keys in the committed state.', () => chain.tree.size);
  metrics.gauge(
    'realdid_tx_pending',
    'Transactions accepted but not yet committed.',
    () => orderer.pending,
  );
  metrics.gauge(
    'realdid_deadlines_scheduled',
    'Deadline entries in the in-memory index (stale ones included until read).',
    () => chain.deadlines.size,
  );
}

/** A module's metrics: every name gets the prefix `realdid_<namespace>_`. */
function moduleMetrics(metrics: Metrics, namespace: string): ModuleHost['metrics'] {
  const prefix = `realdid_${namespace.replace(/-/g, '_')}_`;
  return {
    gauge: (name, help, read, type) => metrics.gauge(prefix + name, help, read, type),
    counter(name, help) {
      metrics.counter(prefix + name, help);
      return (labels, by) => metrics.inc(prefix + name, labels, by);
    },
  };
}

function readModelMetrics(metrics: Metrics, namespace: string, model: ReadModel): void {
  const name = `realdid_${namespace.replace(/-/g, '_')}_${model.name}`;
  metrics.gauge(
    `${name}_bytes`,
    `Bytes held by the ${namespace}.${model.name} read model.`,
    () => model.memory().bytes,
  );
  metrics.gauge(
    `${name}_budget_bytes`,
    `Memory budget of the ${namespace}.${model.name} read model (0: none).`,
    () => model.memory().budget,
  );
  if (model.disabled !== undefined) {
    const disabled = model.disabled.bind(model);
    metrics.gauge(
      `${name}_off`,
      `1 when the ${namespace}.${model.name} read model switched itself off.`,
      () => (disabled() === undefined ? 0 : 1),
    );
  }
}

function moduleLog(sink: ModuleLogSink, module: string): ModuleLog {
  return {
    info: (message, fields = {}) => sink.info({ module, ...fields }, message),
    warn: (message, fields = {}) => sink.warn({ module, ...fields }, message),
    error: (message, fields = {}) => sink.error({ module, ...fields }, message),
  };
}
