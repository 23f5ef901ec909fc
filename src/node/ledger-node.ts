import { constants } from 'node:buffer';
import { DID_KEYS, didModule, DidViewCache } from '../did/index.ts';
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
  /** The resolver's read model of current did:rdid resolutions (see {@link DidViewCache}). */
  readonly didViews: DidViewCache;
  /** Settles when the read model holds every DID committed at open (it fills in the background). */
  readonly didViewsReady: Promise<void>;
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
  /** Memory for pre-rendered DID resolutions, MiB (0 = none). Default 2048: about 1.2 million wallet DIDs (1.6 KB each); at most 4096 (the largest Buffer). */
  readonly didViewCacheMb?: number;
}

/** Default of {@link LedgerNodeOptions.didViewCacheMb}. */
export const DEFAULT_DID_VIEW_CACHE_MB = 2048;
/** Largest {@link LedgerNodeOptions.didViewCacheMb}: the views are one Buffer. */
export const MAX_DID_VIEW_CACHE_MB = Math.floor(constants.MAX_LENGTH / 2 ** 20);
/** DIDs per fill step: about 5 ms of rendering between two turns of the event loop. */
const WARM_CHUNK = 250;

/**
 * Fills `views` from the committed `did/doc/` state in chunks, yielding to the event loop
 * between them (the node serves meanwhile; a DID not yet filled is resolved from the store).
 * Blocks committed meanwhile reach the views through the commit listener, and a chunk reads the
 * store as it is then, so the views never fall behind the state.
 */
async function warmDidViews(views: DidViewCache, chain: Chain, closed: () => boolean): Promise<void> {
  const prefix = DID_KEYS.current('');
  let after = '';
  try {
    while (!closed()) {
      const rows = chain.store.stateByPrefix(prefix, WARM_CHUNK, after);
      views.fill(rows);
      if (rows.length < WARM_CHUNK) return;
      after = rows[rows.length - 1]!.key;
      await new Promise((resolve) => setImmediate(resolve));
    }
  } catch (err) {
    // A failed store read: serve everything from the store (which will report its own errors).
    views.switchOff(`filling from the store failed: ${(err as Error).message}`);
  }
}

/** Opens the store and chain, and starts the solo orderer. */
export function openLedgerNode(options: LedgerNodeOptions): LedgerNode {
  // First, so a bad budget fails before anything is opened. @throws RangeError
  const didViews = new DidViewCache((options.didViewCacheMb ?? DEFAULT_DID_VIEW_CACHE_MB) * 2 ** 20);
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
  let closed = false;
  const viewsOn = didViews.maxBytes > 0;
  const stopViews = viewsOn ? chain.onCommit((changes) => didViews.applyChanges(changes)) : () => false;
  const didViewsReady = viewsOn ? warmDidViews(didViews, chain, () => closed) : Promise.resolve();
  const metrics = new Metrics();
  metrics.counter('realdid_tx_committed_total', 'Transactions committed.');
  metrics.counter('realdid_tx_rejected_total', 'Transactions rejected, by error code.');
  metrics.gauge('realdid_block_height', 'Height of the last committed block.', () => chain.head.height);
  metrics.gauge('realdid_log_size', 'Entries in the RFC 6962 transaction log.', () => chain.log.size);
  metrics.gauge('realdid_state_keys', 'Keys in the committed state.', () => chain.tree.size);
  metrics.gauge('realdid_tx_pending', 'Transactions accepted but not yet committed.', () => orderer.pending);
  metrics.gauge('realdid_did_views', 'DIDs whose current resolution is kept pre-rendered.', () => didViews.stats().entries);
  metrics.gauge('realdid_did_view_bytes', 'Bytes of pre-rendered DID resolutions.', () => didViews.stats().bytes);
  metrics.gauge('realdid_did_view_hits_total', 'Resolutions answered from the pre-rendered views.', () => didViews.stats().hits, 'counter');
  metrics.gauge('realdid_did_view_misses_total', 'did:rdid resolutions of DIDs without a view (resolved from the store).', () => didViews.stats().misses, 'counter');
  metrics.gauge('realdid_did_view_over_budget_total', 'DID views not kept because the memory budget was reached.', () => didViews.stats().overBudget, 'counter');
  metrics.gauge('realdid_did_views_off', '1 when the views switched themselves off (every DID is resolved from the store).', () => (didViews.stats().disabled === undefined ? 0 : 1));
  return {
    chain,
    orderer,
    metrics,
    didViews,
    didViewsReady,
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
      closed = true;
      try {
        await didViewsReady;
        // The orderer commits what is pending on close: the views follow it to the end.
        await orderer.close();
      } finally {
        stopViews();
        await verifier?.close();
        store.close();
      }
    },
  };
}
