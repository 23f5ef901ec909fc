import type { FastifyInstance } from 'fastify';
import type { JsonValue } from '../crypto/index.ts';
import type { SignedCheckpoint } from './block.ts';
import type { CommitListener, Head } from './chain.ts';
import type { StateReader } from './module.ts';
import type { StateProof } from './smt/index.ts';
import type { SubmitOutcome } from './ordering/orderer.ts';

/**
 * The node-side part of a domain module (the Cosmos SDK's `HasServices`): opened by the
 * composition root once the chain is open, closed when the node stops. Nothing here is ever
 * reachable from `apply`, `onDeadline` or `verify`: the ledger replays without it.
 */
export interface ModuleNode {
  /**
   * Checks the module's node options before anything is opened (so a bad option fails first).
   * @throws an AppError or RangeError naming the option
   */
  checkOptions?(options: JsonValue | undefined): void;
  /**
   * Prepares this module's part of a new data folder (what `node init` does when the operator
   * asks for it, e.g. an identity authority's secrets): writes secrets into its vaults and returns
   * what the genesis document and the node's options should hold.
   */
  initData?(ctx: ModuleInitContext): ModuleInitResult;
  open(host: ModuleHost): ModuleRuntime;
}

/** What `node init` gives a module that takes part in a new data folder. */
export interface ModuleInitContext {
  /** What the operator asked of this module (e.g. `{ "authority": { "name": "…" } }`). */
  readonly request: JsonValue;
  /** This node's organization. */
  readonly org: { readonly id: string; readonly name: string };
  /** The module's vault `name`, as the node will open it (sealed with the node passphrase). */
  vault(name: string): SecretStore;
  /**
   * Creates an encrypted key file `keys/<name>.json` in the data folder (for a person or program
   * outside the node, e.g. a front-office operator) and returns its public key as a Multikey. It is
   * sealed with the passphrase `node init` was given for that name (`keyPassphrases`), else the
   * node's.
   */
  keyFile(name: string): string;
}

/** A module's contributions to a new data folder. */
export interface ModuleInitResult {
  /**
   * Genesis fragments by module namespace, merged into those modules' sections (objects merged
   * key by key, arrays appended), e.g. `{ did: { documents: [...] }, gov: { roles: [...] } }`.
   */
  readonly genesis?: Readonly<Record<string, JsonValue>>;
  /** The module's node options, stored in `node.json` and given to it at every start. */
  readonly options?: JsonValue;
}

/** What the node gives a module when it opens it. */
export interface ModuleHost {
  /** The committed ledger, read only: state, prefix scans, proofs, the head. */
  readonly chain: ChainView;
  /** State including the pending block. */
  readonly pendingState: StateReader;
  /** The module's options (the node's `modules.<namespace>` setting), checked by `checkOptions`. */
  readonly options: JsonValue | undefined;
  /**
   * The node's public base URL: `publicUrl` in node.json, else the address it listens on;
   * undefined before it listens (or for a node without HTTP).
   */
  publicUrl(): string | undefined;
  /** Submits signed transactions through the node's orderer. */
  submit(inputs: readonly unknown[]): Promise<SubmitOutcome[]>;
  /** Metrics named `realdid_<namespace>_<name>`. */
  readonly metrics: ModuleMetrics;
  /**
   * An encrypted key-value store owned by this module, opened from the data folder
   * (`<data>/modules/<namespace>/<name>.vault`) with a key derived (scrypt) from the node's
   * passphrase; in memory for a node without a data folder.
   */
  vault(name: string): SecretStore;
  /** Registers a derived read model: fed every committed block, with its memory budget and metrics. */
  readModel(model: ReadModel): void;
  readonly log: ModuleLog;
  /**
   * The services another module's node part offers on this node (its {@link ModuleRuntime.services}),
   * if that module runs here and was opened before this one (registration order). The caller checks
   * their shape: modules of one layer know each other only through such small interfaces, as Cosmos
   * SDK modules receive the keepers they depend on.
   */
  peer(namespace: string): object | undefined;
}

/**
 * What a module's node part may see of the committed ledger: reads and proofs only. It cannot
 * commit, cosign, reach the store's database or the deadline index (which would change what this
 * node, but not `verify`, runs).
 */
export interface ChainView {
  readonly chainId: string;
  readonly genesisHash: string;
  readonly state: StateReader;
  readonly head: Head;
  /** Up to `limit` committed entries whose key starts with `prefix`, in key order, after `after`. */
  list(prefix: string, limit: number, after?: string): { key: string; value: string }[];
  stateProof(key: string, value?: string | null): StateProof;
  /** {@link ChainView.stateProof} as JSON text. */
  stateProofJson(key: string, value?: string | null): string;
  /** Writes a present key's proof siblings into `out`; -1 when absent (see `Chain.writeInclusionSiblingsJson`). */
  writeInclusionSiblingsJson(key: string, out: Uint8Array, offset: number): number;
  signedCheckpoint(height?: number): SignedCheckpoint;
}

/** What an opened module hands back to the node. */
export interface ModuleRuntime {
  /** Registers the module's HTTP routes (full JSON Schemas); they are tagged with the module's name. */
  routes?(app: FastifyInstance): void | Promise<void>;
  /** Services other modules' node parts may use on this node (see {@link ModuleHost.peer}). */
  readonly services?: object;
  /** Conditions that leave the module correct but degraded, shown by `/health`. */
  warnings?(): string[];
  close?(): Promise<void>;
}

/**
 * A derived read model (an index, pre-rendered answers): rebuilt from committed state, never a
 * source of truth. `onCommit` runs synchronously after each committed block (see
 * {@link Chain.onCommit}); a model that throws is dropped and reported by `/health`.
 */
export interface ReadModel {
  /** Short name, used in metric names (`realdid_<namespace>_<name>_bytes`). */
  readonly name: string;
  readonly onCommit: CommitListener;
  /** Fills the model from committed state at open, yielding to the event loop; `closed()` asks it to stop. */
  fill?(closed: () => boolean): Promise<void>;
  /** Bytes in use and the budget (0: no budget). */
  memory(): { bytes: number; budget: number };
  /** Why the model switched itself off, if it did. */
  disabled?(): string | undefined;
}

/** Gauges and counters a module exposes at `/metrics`. */
export interface ModuleMetrics {
  gauge(name: string, help: string, read: () => number, type?: 'gauge' | 'counter'): void;
  counter(name: string, help: string): (labels?: Record<string, string>, by?: number) => void;
}

export interface ModuleLog {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/**
 * A module's off-ledger secrets and personal data, encrypted at rest (AES-256-GCM per value,
 * row ids keyed-hashed so that not even key names are stored in clear).
 */
export interface SecretStore {
  get(key: string): Uint8Array | undefined;
  set(key: string, value: Uint8Array): void;
  delete(key: string): boolean;
  has(key: string): boolean;
  /** Runs `fn` atomically: all its writes and deletes land, or (if it throws) none. */
  transaction<T>(fn: () => T): T;
  /**
   * Deletes `keys` so that nothing of their values survives on disk: no log (WAL) copy, no freed
   * page (crypto-shredding a data key). Slower than `delete`; meant for erasure.
   */
  shred(keys: readonly string[]): void;
}
