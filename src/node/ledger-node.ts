import { didModule } from '../did/index.ts';
import { governanceModule } from '../governance/index.ts';
import {
  Chain,
  ModuleRegistry,
  SoloOrderer,
  SqliteStore,
  WorkerPoolVerifier,
  type GenesisDoc,
  type LedgerModule,
  type NodeSigner,
  type SignatureVerifier,
  type SoloOptions,
  type StateReader,
  type SubmitOutcome,
} from '../ledger/index.ts';
import { Metrics } from './metrics.ts';

/** The modules every realdid node runs, in registration order. */
export function defaultModules(): LedgerModule[] {
  return [governanceModule, didModule];
}

/** A running ledger: the chain, its orderer and metrics. What the HTTP layer serves. */
export interface LedgerNode {
  readonly chain: Chain;
  readonly orderer: SoloOrderer;
  readonly metrics: Metrics;
  /** State as of the pending block (for nonce look-ups by clients). */
  readonly pendingState: StateReader;
  submit(inputs: readonly unknown[]): Promise<SubmitOutcome[]>;
  close(): Promise<void>;
}

export interface LedgerNodeOptions {
  /** SQLite file path, or `:memory:`. */
  readonly path: string;
  readonly genesis?: GenesisDoc;
  readonly signer?: NodeSigner;
  readonly modules?: readonly LedgerModule[];
  readonly ordering?: SoloOptions;
  /** Worker threads for signature checks (0 = verify inline). Default: one per core. */
  readonly signatureThreads?: number;
}

/** Opens the store and chain, and starts the solo orderer. */
export function openLedgerNode(options: LedgerNodeOptions): LedgerNode {
  const registry = new ModuleRegistry(options.modules ?? defaultModules());
  const store = SqliteStore.open(options.path);
  let chain: Chain;
  try {
    chain = Chain.open(store, registry, {
      ...(options.genesis === undefined ? {} : { genesis: options.genesis }),
      ...(options.signer === undefined ? {} : { signer: options.signer }),
    });
  } catch (err) {
    store.close();
    throw err;
  }
  const verifier: SignatureVerifier | undefined =
    options.signatureThreads === 0 ? undefined : new WorkerPoolVerifier(options.signatureThreads);
  const orderer = new SoloOrderer(chain, { ...options.ordering, ...(verifier === undefined ? {} : { verifier }) });
  const metrics = new Metrics();
  metrics.counter('realdid_tx_committed_total', 'Transactions committed.');
  metrics.counter('realdid_tx_rejected_total', 'Transactions rejected, by error code.');
  metrics.gauge('realdid_block_height', 'Height of the last committed block.', () => chain.head.height);
  metrics.gauge('realdid_log_size', 'Entries in the RFC 6962 transaction log.', () => chain.log.size);
  metrics.gauge('realdid_state_keys', 'Keys in the committed state.', () => chain.tree.size);
  metrics.gauge('realdid_tx_pending', 'Transactions accepted but not yet committed.', () => orderer.pending);
  return {
    chain,
    orderer,
    metrics,
    pendingState: { get: (k) => (orderer.pendingState ?? chain.state).get(k) },
    async submit(inputs) {
      const out = await orderer.submit(inputs);
      for (const o of out) {
        if (o.ok) metrics.inc('realdid_tx_committed_total');
        else metrics.inc('realdid_tx_rejected_total', { code: o.error.code });
      }
      return out;
    },
    async close() {
      await orderer.close();
      await verifier?.close();
      store.close();
    },
  };
}
