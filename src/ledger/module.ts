import type { TSchema } from '@sinclair/typebox';
import type { JsonValue } from '../crypto/index.ts';
import type { ErrorCatalog } from '../errors.ts';
import type { ModuleNode } from './module-host.ts';
import type { Tx } from './tx.ts';

/** Read access to committed (or pending) ledger state: canonical JSON text by key. */
export interface StateReader {
  get(key: string): string | undefined;
}

/**
 * What a module's `apply` sees: reads anywhere, writes only inside its own namespace
 * (`<namespace>/…`). Values are JSON, stored canonically.
 */
export interface ModuleState {
  read<T = JsonValue>(key: string): T | undefined;
  /** Stores `value` as canonical JSON. @throws ERR_CRYPTO_NOT_CANONICAL for non-JSON values */
  write(key: string, value: unknown): void;
  remove(key: string): void;
  /**
   * Schedules a deadline: the module's {@link LedgerModule.onDeadline} runs with `ref` at the end
   * of the first block whose time is at or after `at` (ms since the epoch). Scheduling the same
   * `(at, ref)` twice is one deadline. A node seals a block for a due deadline even without traffic.
   */
  schedule(at: number, ref: string): void;
  /** Cancels a deadline scheduled with the same `(at, ref)`; nothing happens if there is none. */
  unschedule(at: number, ref: string): void;
  /** The raw reader, for helpers of other modules (e.g. governance role lookups). */
  readonly reader: StateReader;
  /**
   * Checks a document that governance is adopting for topic `<namespace>/<name>` against the
   * {@link DocumentRule} the owning module declared (schema, then its `check`).
   * @throws ERR_LEDGER_UNKNOWN_DOCUMENT for a topic no module declares; the rule's own codes
   */
  checkDocument(topic: string, document: unknown): void;
}

/**
 * A document a module lets governance adopt (e.g. the credit module's record categories or its
 * scoring model): governance stores it, versioned; the module reads it. The module alone knows its
 * shape, so governance asks it (through {@link ModuleState.checkDocument}) before adopting one.
 */
export interface DocumentRule {
  readonly summary: string;
  /** JSON Schema (TypeBox) of the document. */
  readonly schema: TSchema;
  /** Checks beyond the schema, against the state it would be adopted in. Throws typed errors. */
  check?(this: void, document: unknown, state: StateReader): void;
}

/** The block a time-driven transition runs in. */
export interface BlockContext {
  readonly height: number;
  /** The block time (ms since the epoch): the only clock a module ever sees. */
  readonly blockTime: number;
}

/** Facts about the transaction being applied; all deterministic (no wall clock). */
export interface TxContext {
  readonly tx: Tx;
  /** Signer DID (without fragment) and the full key DID URL that signed. */
  readonly signer: string;
  readonly keyId: string;
  /** Height of the block being built and its time (ms since epoch). */
  readonly height: number;
  readonly blockTime: number;
  /** Index of this tx in the global log. */
  readonly logIndex: number;
}

/** One transaction kind a module registers: schema, authorization rule and state transition. */
export interface TxKind<Body = unknown> {
  /** `<namespace>.<verb>`; the namespace must be the module's. */
  readonly kind: string;
  /** JSON Schema of the body (TypeBox), checked before anything else. */
  readonly schema: TSchema;
  /** Throws an AppError (usually ERR_LEDGER_UNAUTHORIZED) if the signer may not submit this. */
  authorize(state: StateReader, ctx: TxContext, body: Body): void;
  /** Deterministic state transition: no clock, no randomness, no I/O. Throws to reject. */
  apply(state: ModuleState, ctx: TxContext, body: Body): void;
}

/** Resolves a DID URL to an Ed25519 public key in the given state, or undefined. */
export type KeyResolver = (state: StateReader, didUrl: string) => Uint8Array | undefined;

/** A consortium member's key allowed to sign checkpoints of blocks at heights >= `sinceHeight`. */
export interface BlockSigner {
  readonly id: string;
  /** The key as a Multikey (what a checkpoint signature names) and as raw bytes. */
  readonly multikey: string;
  readonly publicKey: Uint8Array;
  readonly sinceHeight: number;
}

/**
 * Who may sign checkpoints, looked up in state. Exactly one module (governance) provides it;
 * the core itself knows no organizations.
 */
export interface ConsortiumPolicy {
  signers(state: StateReader): BlockSigner[];
  quorum(state: StateReader): number;
  /** The module's genesis section for a new consortium of these organizations (what `node init` writes). */
  genesisSection(
    orgs: readonly {
      readonly id: string;
      readonly name: string;
      readonly keys: readonly string[];
    }[],
    quorum: number,
  ): JsonValue;
}

/**
 * A domain module: one folder that carries its whole domain. The ledger core uses its namespace,
 * transaction kinds, key resolvers, genesis and deadlines; the node composes its error codes,
 * queries and `node` part (routes, read models, off-ledger services). Each part is optional, as
 * with the Cosmos SDK module manager's small interfaces.
 */
export interface LedgerModule {
  readonly name: string;
  /** State key prefix (`<namespace>/`) and tx kind prefix (`<namespace>.`). */
  readonly namespace: string;
  readonly kinds: readonly TxKind[];
  /** Key resolvers per DID method (`rdid` → …); `did:key` is built into the core. */
  readonly keyResolvers?: Readonly<Record<string, KeyResolver>>;
  /** Validates this module's section of the genesis document and writes its initial state. */
  initGenesis?(state: ModuleState, config: JsonValue | undefined, genesisTime: number): void;
  readonly consortium?: ConsortiumPolicy;
  /** The error codes this module throws, with their HTTP statuses and meanings. */
  readonly errors?: ErrorCatalog;
  /**
   * A time-driven transition: runs at the end of a block, after its transactions, once for each
   * due deadline this module scheduled (in key order: time, then namespace, then `ref`), with the block time.
   * Deterministic like `apply`; its writes are discarded if it throws.
   */
  onDeadline?(this: void, state: ModuleState, block: BlockContext, ref: string, at: number): void;
  /** Read-only queries over committed state, each mounted as a GET route with its schemas. */
  readonly queries?: readonly ModuleQuery[];
  /** Documents governance may adopt for this module, by name (topic `<namespace>/<name>`). */
  readonly documents?: Readonly<Record<string, DocumentRule>>;
  /** The node-side part: HTTP routes, derived read models, off-ledger services. */
  readonly node?: ModuleNode;
}

/** Committed state as a query sees it: single keys, ordered prefix scans and the head block. */
export interface QueryState extends StateReader {
  /** Up to `limit` entries whose key starts with `prefix`, in key order, after the key `after` (exclusive). */
  list(prefix: string, limit: number, after?: string): { key: string; value: string }[];
  readonly height: number;
  /** The head block's time. */
  readonly time: number;
}

/**
 * A read-only query a module declares. The node mounts it at `GET <path>` with its schemas
 * (path parameters, query string, response) under the module's OpenAPI tag, and lists it at
 * `GET /v1/modules`, which is how the SDK (`client.query`) and the CLI (`realdid query`) find it.
 */
export interface ModuleQuery<Input = unknown, Output = unknown> {
  /** Unique inside the module, e.g. `proposals`. */
  readonly name: string;
  readonly summary: string;
  /** A fastify path, e.g. `/v1/gov/proposals/:id`. */
  readonly path: string;
  readonly params?: TSchema;
  readonly querystring?: TSchema;
  readonly response: TSchema;
  /** Computes the answer; `input` holds the validated params and query string fields. Throws typed errors. */
  run(state: QueryState, input: Input): Output;
}
