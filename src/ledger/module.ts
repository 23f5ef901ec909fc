import type { TSchema } from '@sinclair/typebox';
import type { JsonValue } from '../crypto/index.ts';
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
  /** The raw reader, for helpers of other modules (e.g. governance role lookups). */
  readonly reader: StateReader;
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
export interface TxKind<Body = any> {
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
}

/** A domain module: its namespace, transaction kinds and optional hooks. */
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
}
