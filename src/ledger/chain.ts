import { equalBytes, fromHex, toHex, type Ed25519KeyPair } from '../crypto/index.ts';
import { AppError } from '../errors.ts';
import {
  checkpointOf,
  hashHeader,
  invalidRootOf,
  signCheckpoint,
  verifyCheckpointSignature,
  type BlockHeader,
  type Checkpoint,
  type CheckpointSignature,
  type SignedCheckpoint,
} from './block.ts';
import { DEADLINE_PREFIX, DeadlineQueue } from './deadlines.ts';
import { BlockExecutor } from './execute.ts';
import { applyGenesis, checkGenesis, genesisHash, type GenesisDoc } from './genesis.ts';
import { hashLeaf, MerkleLog } from './merkle/index.ts';
import type { StateReader } from './module.ts';
import type { ModuleRegistry } from './registry.ts';
import { StateTree, type StateProof } from './smt/index.ts';
import { StateOverlay } from './state.ts';
import type { InvalidTx, SqliteStore, StoredTx } from './store/sqlite.ts';
import { decodeTx, type Tx } from './tx.ts';

/** Most committed reads {@link Chain} keeps in memory. */
const MAX_CACHED_READS = 100_000;

/** The organization key a node signs its blocks' checkpoints with. */

export interface NodeSigner {
  readonly org: string;
  readonly multikey: string;
  readonly keyPair: Ed25519KeyPair;
}

/** A block ready to be committed: its time, its transactions and their combined state changes. */
export interface PendingBlock {
  readonly time: number;
  readonly txs: readonly Tx[];
  readonly state: StateOverlay;
  /** Transactions ordered into this block that failed (consortium ordering records them). */
  readonly invalid?: readonly InvalidTx[];
}

/** How final a block is: signed by the governance quorum of organizations, or not yet. */
export interface Finality {
  readonly height: number;
  readonly status: 'pending' | 'final';
  /** The quorum of organizations (governance state at the head). */
  readonly quorum: number;
  readonly checkpoint: Checkpoint;
  /** Member signatures over this node's checkpoint of the block, one per organization. */
  readonly signatures: readonly CheckpointSignature[];
}

/** Receives each committed block's state changes (`null`: deleted) and the new head. */
export type CommitListener = (changes: ReadonlyMap<string, string | null>, head: Head) => void;

/** The last committed block. */
export interface Head {
  readonly height: number;
  readonly hash: string;
  readonly header: BlockHeader;
}

/**
 * Computes the next header from a parent and a block's content, appending the block's leaves
 * to `log` and its state changes to `tree`. Shared by block production and `verify`, so both
 * derive headers the same way.
 */
export function deriveHeader(
  parent: { readonly height: number; readonly hash: string },
  time: number,
  txs: readonly { readonly bytes: Uint8Array }[],
  changes: ReadonlyMap<string, string | null>,
  log: MerkleLog,
  tree: StateTree,
  invalid: readonly InvalidTx[] = [],
): { header: BlockHeader; hash: string; leaves: Uint8Array[] } {
  const leaves = txs.map((t) => hashLeaf(t.bytes));
  const txRoot = toHex(MerkleLog.fromLeafHashes(leaves).root());
  log.appendMany(leaves);
  for (const [k, v] of changes) {
    if (v === null) tree.delete(k);
    else tree.set(k, v);
  }
  let header: BlockHeader = {
    height: parent.height + 1,
    prevHash: parent.hash,
    txRoot,
    stateRoot: toHex(tree.root()),
    logSize: log.size,
    logRoot: toHex(log.root()),
    time,
  };
  const invalidRoot = invalidRootOf(invalid);
  if (invalidRoot !== undefined) header = { ...header, invalidRoot };
  return { header, hash: hashHeader(header), leaves };
}

/**
 * Is `s` a valid signature over the checkpoint by a consortium member, according to `state`
 * (the state the checkpoint commits to)? The named key must be one of the org's keys, and the
 * org must have been a member at the checkpoint's height.
 */
export function isMemberSignature(
  registry: ModuleRegistry,
  state: StateReader,
  cp: Checkpoint,
  s: CheckpointSignature,
): boolean {
  const signer = memberKeyAt(registry, state, s.org, s.key, cp.height);
  return signer !== undefined && verifyCheckpointSignature(cp, s, signer.publicKey);
}

/** Organization `org`'s member key `multikey` in `state`, if it may sign blocks at `height`. */
function memberKeyAt(
  registry: ModuleRegistry,
  state: StateReader,
  org: string,
  multikey: string,
  height: number,
): { readonly publicKey: Uint8Array } | undefined {
  const signer = registry.signers(state).find((m) => m.id === org && m.multikey === multikey);
  return signer !== undefined && signer.sinceHeight <= height ? signer : undefined;
}

/** Every committed state key under `prefix`, read in pages. */
function* prefixKeys(store: SqliteStore, prefix: string): Generator<string> {
  let after = '';
  for (;;) {
    const rows = store.stateByPrefix(prefix, 10_000, after);
    for (const r of rows) yield r.key;
    if (rows.length < 10_000) return;
    after = rows[rows.length - 1]!.key;
  }
}

/** How {@link Chain.open} opens a chain. */
export interface ChainOptions {
  /** Required for a new store (block 0 is made from it); an existing one must match it. */
  readonly genesis?: GenesisDoc;
  /** The node key that signs each committed block's checkpoint (none: an observer). */
  readonly signer?: NodeSigner;
  /**
   * false (default): the signer must be its organization's member key at the head, and a block it
   * could not sign stops the chain (a solo node seals every block, and a block nobody signed fails
   * `verify`). true: the signer signs the blocks whose state makes it a member key at their height
   * and commits the others without its signature — for consortium ordering, where blocks come
   * from the ordering service and governance adds and removes organizations: a node of an
   * organization added later replays from genesis and signs from the height it was added at. Even
   * then a signer whose organization is a member at the head with other keys is refused (a wrong
   * key file).
   */
  readonly signWhenMember?: boolean;
}

/**
 * The committed ledger: the SQLite store plus the in-memory RFC 6962 log and state tree that
 * are rebuilt from it at open. Only an orderer writes to it (through {@link Chain.commit}).
 */
export class Chain {
  readonly store: SqliteStore;
  readonly registry: ModuleRegistry;
  readonly genesis: GenesisDoc;
  readonly genesisHash: string;
  readonly log: MerkleLog;
  readonly tree: StateTree;
  readonly signer: NodeSigner | undefined;
  /** Blocks the signer may not sign are committed without its signature (see {@link ChainOptions}). */
  readonly signWhenMember: boolean;
  /** Committed state, read from the store. */
  readonly state: StateReader;
  /** Scheduled deadlines (derived from the `core/deadline/` state keys; see {@link DeadlineQueue}). */
  readonly deadlines: DeadlineQueue;
  #head: Head;
  #failed: AppError | undefined;
  /** The head's signed checkpoint, cached (every proof answer carries it). */
  #headCheckpoint: SignedCheckpoint | undefined;
  readonly #commitListeners = new Set<CommitListener>();
  /**
   * Committed values read recently, absent keys as null: most transactions read the same few keys
   * (a signer's DID document and accreditation, governance documents). Kept exact by
   * {@link Chain.#commitDerived}, the only writer of committed state; cleared when full.
   */
  readonly #reads = new Map<string, string | null>();
  readonly #listenerErrors: Error[] = [];

  private constructor(
    store: SqliteStore,
    registry: ModuleRegistry,
    genesis: GenesisDoc,
    signer: NodeSigner | undefined,
    signWhenMember: boolean,
  ) {
    this.store = store;
    this.registry = registry;
    this.genesis = genesis;
    this.genesisHash = genesisHash(genesis);
    this.signer = signer;
    this.signWhenMember = signWhenMember;
    this.state = { get: (key) => this.#read(key) };
    this.log = MerkleLog.fromLeafHashes(store.leafHashes());
    this.tree = StateTree.build(store.stateEntries());
    this.deadlines = DeadlineQueue.from(prefixKeys(store, DEADLINE_PREFIX));
    const last = store.lastHeight();
    const block = last >= 0 ? store.block(last) : undefined;
    this.#head =
      block === undefined
        ? { height: -1, hash: this.genesisHash, header: undefined as unknown as BlockHeader }
        : { height: last, hash: block.hash, header: block.header };
  }

  /**
   * Opens a chain on `store`. A new store is initialized from `genesis` (block 0); an existing
   * one must have been created from the same genesis. The rebuilt Merkle roots are checked
   * against the last header.
   * @throws ERR_LEDGER_BAD_GENESIS, ERR_LEDGER_STORE; ERR_LEDGER_NOT_SIGNER when the signer's key
   *   is not its organization's member key at the head (with `signWhenMember`: only when that
   *   organization is a member there, with other keys — a wrong key file, not a later member)
   */
  static open(store: SqliteStore, registry: ModuleRegistry, options: ChainOptions = {}): Chain {
    const storedText = store.getMeta('genesis');
    let genesis: GenesisDoc;
    if (storedText === undefined) {
      if (options.genesis === undefined)
        throw new AppError('ERR_LEDGER_STORE', 'store is empty and no genesis document was given');
      checkGenesis(options.genesis, registry);
      genesis = options.genesis;
    } else {
      genesis = JSON.parse(storedText) as GenesisDoc;
      if (options.genesis !== undefined && genesisHash(options.genesis) !== genesisHash(genesis)) {
        throw new AppError(
          'ERR_LEDGER_BAD_GENESIS',
          'the store was created from a different genesis document',
        );
      }
    }
    const chain = new Chain(
      store,
      registry,
      genesis,
      options.signer,
      options.signWhenMember ?? false,
    );
    if (chain.#head.height < 0) chain.#commitGenesis();
    else chain.#checkRebuiltRoots();
    if (!chain.#signerFits(chain.state, chain.#head.height + 1)) {
      throw new AppError(
        'ERR_LEDGER_NOT_SIGNER',
        `the node key ${options.signer!.multikey} of "${options.signer!.org}" is not a key of that consortium member at height ${chain.#head.height}; it could sign no block`,
      );
    }
    return chain;
  }

  #commitGenesis(): void {
    const state = new StateOverlay(this.state);
    applyGenesis(this.genesis, this.registry, state, this.deadlines);
    if (!this.#signerFits(state, 0)) {
      throw new AppError(
        'ERR_LEDGER_NOT_SIGNER',
        `the node key ${this.signer!.multikey} of "${this.signer!.org}" is not a key of that member in the genesis document; it could sign no block`,
      );
    }
    // Block 0 carries no transactions: its parent hash is the genesis document hash.
    this.#commitDerived(
      { height: -1, hash: this.genesisHash },
      { time: this.genesis.time, txs: [], state },
      () => this.store.setMeta('genesis', JSON.stringify(this.genesis)),
    );
  }

  #checkRebuiltRoots(): void {
    const h = this.#head.header;
    if (
      toHex(this.tree.root()) !== h.stateRoot ||
      this.log.size !== h.logSize ||
      toHex(this.log.root()) !== h.logRoot
    ) {
      throw new AppError(
        'ERR_LEDGER_STORE',
        `rebuilt roots do not match block ${h.height}; run \`realdid verify\``,
      );
    }
  }

  get head(): Head {
    return this.#head;
  }

  get chainId(): string {
    return this.genesis.chainId;
  }

  /** Set once a commit failed: the in-memory trees may be ahead of the store; restart. */
  get failed(): AppError | undefined {
    return this.#failed;
  }

  /**
   * Commits a block atomically and signs its checkpoint with the node key.
   * @throws ERR_LEDGER_STORE if the store write fails, ERR_LEDGER_NOT_SIGNER if the block leaves
   *   the signer unfit (see {@link ChainOptions.signWhenMember}); the chain then refuses further
   *   commits
   */
  commit(block: PendingBlock, extra?: () => void): Head {
    if (this.#failed !== undefined) throw this.#failed;
    if (this.signer !== undefined && !this.#signerFits(block.state, this.#head.height + 1)) {
      // Solo: committing would write a block no member signed, which `verify` rejects: stop
      // sealing. Consortium: the node's organization is a member with keys other than the node's.
      this.#failed = new AppError(
        'ERR_LEDGER_NOT_SIGNER',
        this.signWhenMember
          ? `block ${this.#head.height + 1} makes "${this.signer.org}" a consortium member with keys other than this node's ${this.signer.multikey}; the node stops applying (see docs/consortium.md)`
          : `block ${this.#head.height + 1} would not be signable by this node's organization "${this.signer.org}"; the node stops sealing (see docs/operations.md)`,
      );
      throw this.#failed;
    }
    return this.#commitDerived(this.#head, block, extra);
  }

  /**
   * An executor for the block after the head, at `time` but never before the head's time + 1 ms
   * (block times strictly increase). What every orderer builds its blocks with.
   */
  nextBlock(time: number): BlockExecutor {
    const head = this.#head;
    return new BlockExecutor(
      this.registry,
      this.state,
      this.deadlines,
      head.height + 1,
      Math.max(time, head.header.time + 1),
      this.log.size,
    );
  }

  /**
   * May the chain open with, and commit under, its signer at `height` of `state`? Its key must be
   * a member key there; with `signWhenMember` it need not be, unless its organization is a member
   * with other keys (a wrong key file, or governance named another key for it).
   */
  #signerFits(state: StateReader, height: number): boolean {
    if (this.canSign(state, height)) return true;
    return (
      this.signWhenMember && !this.registry.signers(state).some((m) => m.id === this.signer!.org)
    );
  }

  /** Is this node's key a consortium member's key in `state`, allowed to sign at `height`? */
  canSign(state: StateReader, height: number): boolean {
    const s = this.signer;
    if (s === undefined || this.registry.consortium === undefined) return true;
    return this.registry
      .signers(state)
      .some((m) => m.id === s.org && m.multikey === s.multikey && m.sinceHeight <= height);
  }

  #read(key: string): string | undefined {
    const cached = this.#reads.get(key);
    if (cached !== undefined) return cached ?? undefined;
    const value = this.store.stateGet(key);
    if (this.#reads.size >= MAX_CACHED_READS) this.#reads.clear();
    this.#reads.set(key, value ?? null);
    return value;
  }

  #commitDerived(
    parent: { height: number; hash: string },
    block: PendingBlock,
    extra?: () => void,
  ): Head {
    if (this.#failed !== undefined) throw this.#failed;
    const { header, hash, leaves } = deriveHeader(
      parent,
      block.time,
      block.txs,
      block.state.changes,
      this.log,
      this.tree,
      block.invalid,
    );
    // From here the in-memory trees are ahead of the store: any failure is fatal for this process.
    try {
      const signatures = this.#ownSignature(header, hash, block.state);
      this.store.commitBlock(
        {
          header,
          hash,
          txs: block.txs.map((t, i) => ({ id: fromHex(t.id), leaf: leaves[i]!, bytes: t.bytes })),
          stateChanges: block.state.changes,
          signatures,
          ...(block.invalid === undefined ? {} : { invalid: block.invalid }),
        },
        extra,
      );
    } catch (err) {
      this.#failed = new AppError(
        'ERR_LEDGER_STORE',
        `could not commit block ${header.height}: ${(err as Error).message}`,
        { cause: err },
      );
      throw this.#failed;
    }
    for (const [key, value] of block.state.changes)
      if (this.#reads.has(key)) this.#reads.set(key, value);
    this.#head = { height: header.height, hash, header };
    this.#headCheckpoint = undefined;
    for (const listener of this.#commitListeners) {
      try {
        listener(block.state.changes, this.#head);
      } catch (err) {
        // The block is committed whatever a listener does: drop the listener, keep its error.
        this.#commitListeners.delete(listener);
        this.#listenerErrors.push(err instanceof Error ? err : new Error(String(err)));
      }
    }
    return this.#head;
  }

  /**
   * Calls `listener` after each committed block, synchronously, with the block's state changes,
   * once the store, the trees and the head all show the block: nothing else runs in between, so a
   * derived read model updated here is never out of step with the state it serves proofs for.
   * A listener that throws is removed (the block stays committed) and its error is kept in
   * {@link Chain.listenerErrors}; the model it fed must then be considered stale.
   * @returns a function that removes the listener
   */
  onCommit(listener: CommitListener): () => void {
    this.#commitListeners.add(listener);
    return () => this.#commitListeners.delete(listener);
  }

  /** Errors thrown by commit listeners (each such listener was removed). */
  get listenerErrors(): readonly Error[] {
    return this.#listenerErrors;
  }

  #ownSignature(header: BlockHeader, hash: string, state: StateReader): CheckpointSignature[] {
    if (this.signer === undefined) return [];
    const cp = checkpointOf(this.chainId, header, hash);
    const { org, multikey, keyPair } = this.signer;
    // Sign only as a member of the state the block commits to; otherwise leave it unsigned. The
    // member's key must be this node's key pair's, so the signature verifies under it.
    const member = memberKeyAt(this.registry, state, org, multikey, header.height);
    if (member === undefined || !equalBytes(member.publicKey, keyPair.publicKey)) return [];
    return [signCheckpoint(cp, org, multikey, keyPair)];
  }

  /** The signed checkpoint of block `height` (default: the head). @throws ERR_LEDGER_NOT_FOUND */
  signedCheckpoint(height = this.#head.height): SignedCheckpoint {
    if (height === this.#head.height && this.#headCheckpoint !== undefined)
      return this.#headCheckpoint;
    const block = this.store.block(height);
    if (block === undefined)
      throw new AppError('ERR_LEDGER_NOT_FOUND', `no block at height ${height}`);
    const signed = {
      checkpoint: checkpointOf(this.chainId, block.header, block.hash),
      signatures: this.store.signatures(height),
    };
    if (height === this.#head.height) this.#headCheckpoint = signed;
    return signed;
  }

  /**
   * Adds another organization's signature to a checkpoint (cosigning).
   * @throws ERR_LEDGER_NOT_FOUND, ERR_LEDGER_BAD_CHECKPOINT if it is not a member's valid signature
   */
  cosign(height: number, s: CheckpointSignature): SignedCheckpoint {
    const { checkpoint } = this.signedCheckpoint(height);
    if (!isMemberSignature(this.registry, this.state, checkpoint, s)) {
      throw new AppError(
        'ERR_LEDGER_BAD_CHECKPOINT',
        `signature of "${s.org}" is not a valid consortium member signature over checkpoint ${height}`,
      );
    }
    this.store.addSignature(height, s);
    if (height === this.#head.height) this.#headCheckpoint = undefined;
    return this.signedCheckpoint(height);
  }

  /**
   * Stores a signature the caller has checked with {@link isMemberSignature} against this
   * node's checkpoint of block `height`.
   * @returns false if that organization's signature was already stored
   */
  addCheckedSignature(height: number, s: CheckpointSignature): boolean {
    const added = this.store.addSignature(height, s);
    if (added && height === this.#head.height) this.#headCheckpoint = undefined;
    return added;
  }

  /**
   * Whether block `height` (default: the head) is final: signed by at least the governance
   * quorum of organizations over the checkpoint this node computed.
   * @throws ERR_LEDGER_NOT_FOUND
   */
  finality(height = this.#head.height): Finality {
    const { checkpoint, signatures } = this.signedCheckpoint(height);
    const policy = this.registry.consortium;
    const quorum = policy === undefined ? 1 : policy.quorum(this.state);
    const orgs = new Set(signatures.map((s) => s.org));
    return {
      height,
      status: orgs.size >= quorum ? 'final' : 'pending',
      quorum,
      checkpoint,
      signatures,
    };
  }

  /** The transactions block `height` records as invalid (consortium ordering). */
  invalidTxs(height: number): InvalidTx[] {
    return this.store.invalidTxs(height);
  }

  /** The block that recorded transaction `id` (hex) as invalid, if one did. */
  invalidTx(id: string): { height: number; tx: InvalidTx } | undefined {
    return /^[0-9a-f]{64}$/.test(id) ? this.store.invalidTx(fromHex(id)) : undefined;
  }

  /** A committed transaction by hex id. @throws ERR_LEDGER_NOT_FOUND */
  tx(id: string): { tx: Tx; stored: StoredTx } {
    const stored = /^[0-9a-f]{64}$/.test(id) ? this.store.txById(fromHex(id)) : undefined;
    if (stored === undefined)
      throw new AppError('ERR_LEDGER_NOT_FOUND', `no committed transaction ${id}`);
    return { tx: decodeTx(stored.bytes), stored };
  }

  /** Is a transaction with this id committed? */
  hasTx(id: string): boolean {
    return this.store.txById(fromHex(id)) !== undefined;
  }

  /** Inclusion proof of log entry `index` in the log of size `size` (default: the head's). */
  inclusionProof(index: number, size = this.log.size): string[] {
    this.#checkSize(size);
    return this.log.inclusionProof(index, size).map(toHex);
  }

  /** Consistency proof between two committed log sizes. @throws ERR_LEDGER_RANGE */
  consistencyProof(size1: number, size2 = this.log.size): string[] {
    this.#checkSize(size2);
    if (size1 > size2)
      throw new AppError('ERR_LEDGER_RANGE', `size1 ${size1} is greater than size2 ${size2}`);
    return this.log.consistencyProof(size1, size2).map(toHex);
  }

  #checkSize(size: number): void {
    if (!Number.isSafeInteger(size) || size < 0 || size > this.log.size) {
      throw new AppError('ERR_LEDGER_RANGE', `log size ${size} is outside 0..${this.log.size}`);
    }
  }

  /**
   * A proof of a state key's current value (or absence) against the head's state root.
   * @param value the key's committed value if the caller just read it (saves a store read)
   */
  stateProof(key: string, value: string | null = this.state.get(key) ?? null): StateProof {
    // The value comes from the committed store, which commits together with the tree; a
    // divergence would give a proof that no client accepts, so the hot path skips re-hashing it.
    return this.tree.prove(key, value, false);
  }

  /**
   * The siblings of a present key's state proof against the head, written into `out` as the
   * proof's JSON `siblings` items (see {@link StateTree.writeInclusionSiblingsJson}).
   * @returns the offset after the last byte, or -1 when `key` is absent
   */
  writeInclusionSiblingsJson(key: string, out: Uint8Array, offset: number): number {
    return this.tree.writeInclusionSiblingsJson(key, out, offset);
  }

  /** {@link Chain.stateProof} as JSON text (see {@link StateTree.proveJson}). */
  stateProofJson(key: string, value: string | null = this.state.get(key) ?? null): string {
    return this.tree.proveJson(key, value, false);
  }
}
