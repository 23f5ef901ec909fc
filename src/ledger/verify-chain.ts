import { canonicalize, equalBytes, sha256, toHex, utf8 } from '../crypto/index.ts';
import { AppError, isAppError, type ErrorCode } from '../errors.ts';
import { checkpointOf, type BlockHeader } from './block.ts';
import { deriveHeader, isMemberSignature } from './chain.ts';
import { DeadlineQueue } from './deadlines.ts';
import {
  admitTx,
  BlockExecutor,
  signatureJobs,
  signatureResults,
  type AdmittedTx,
} from './execute.ts';
import { applyGenesis, checkGenesis, genesisHash, type GenesisDoc } from './genesis.ts';
import { hashLeaf, MerkleLog } from './merkle/index.ts';
import type { ModuleRegistry } from './registry.ts';
import { inlineVerifier, type SignatureVerifier } from './sig-pool.ts';
import { StateTree } from './smt/index.ts';
import { StateOverlay } from './state.ts';
import type { StateReader } from './module.ts';
import { admitOrdered } from './ordering/nats-apply.ts';
import type { InvalidTx, SqliteStore } from './store/sqlite.ts';
import { decodeTx, type Tx } from './tx.ts';

/** Outcome of a whole-chain verification. */
export type VerifyResult =
  | {
      readonly ok: true;
      readonly height: number;
      readonly txs: number;
      readonly blockHash: string;
      readonly stateRoot: string;
      readonly logRoot: string;
    }
  | {
      readonly ok: false;
      readonly height: number;
      readonly code: ErrorCode;
      readonly message: string;
    };

export interface VerifyOptions {
  readonly verifier?: SignatureVerifier;
  /** Called after each verified block. */
  readonly onProgress?: (height: number, lastHeight: number, txs: number) => void;
  /** Transactions per signature batch handed to the verifier (pipelined with execution). */
  readonly chunkTxs?: number;
}

interface LoadedBlock {
  readonly height: number;
  readonly rawHeader: string;
  readonly storedHash: string;
  readonly firstSeq: number;
  readonly txs: Tx[];
  /** A problem found while loading, reported when this block's turn comes. */
  readonly error?: AppError;
}

interface Chunk {
  readonly blocks: LoadedBlock[];
  /** Per transaction of the chunk: admitted (or the admission error), and its signature result. */
  readonly admitted: (AdmittedTx | AppError)[];
  readonly verified: Promise<boolean[]>;
}

function fail(code: ErrorCode, message: string): never {
  throw new AppError(code, message);
}

function parseJson(text: string, code: ErrorCode, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new AppError(code, `${what} is not JSON`, { cause: err });
  }
}

function loadBlock(store: SqliteStore, height: number): LoadedBlock {
  const raw = store.rawBlock(height);
  if (raw === undefined)
    return {
      height,
      rawHeader: '',
      storedHash: '',
      firstSeq: 0,
      txs: [],
      error: new AppError('ERR_LEDGER_CHAIN_BROKEN', `block ${height} is missing`),
    };
  const base = { height, rawHeader: raw.header, storedHash: raw.hash, firstSeq: raw.firstSeq };
  try {
    const rows = store.txRange(raw.firstSeq, raw.firstSeq + raw.txCount);
    if (rows.length !== raw.txCount)
      fail(
        'ERR_LEDGER_CHAIN_BROKEN',
        `block ${height} lists ${raw.txCount} transactions, the store has ${rows.length}`,
      );
    const txs = rows.map((row) => {
      const tx = decodeTx(row.bytes);
      if (toHex(row.id) !== tx.id)
        fail(
          'ERR_LEDGER_ROOT_MISMATCH',
          `stored id of log entry ${row.seq} is not the hash of its bytes`,
        );
      if (!equalBytes(row.leaf, hashLeaf(row.bytes)))
        fail(
          'ERR_LEDGER_ROOT_MISMATCH',
          `stored leaf hash of log entry ${row.seq} is not the hash of its bytes`,
        );
      if (row.height !== height)
        fail(
          'ERR_LEDGER_CHAIN_BROKEN',
          `log entry ${row.seq} is stored at height ${row.height}, its block is ${height}`,
        );
      return tx;
    });
    return { ...base, txs };
  } catch (err) {
    if (!isAppError(err)) throw err;
    return { ...base, txs: [], error: err };
  }
}

/**
 * Re-checks a whole ledger from genesis, trusting nothing in the store: every header's hash and
 * chain link, every transaction's bytes and signature, re-execution of every transaction, the
 * RFC 6962 tx and log roots, every state root, every checkpoint signature, and finally that the
 * stored current state equals the replayed one. Stops at the first bad height.
 */
export async function verifyChain(
  store: SqliteStore,
  registry: ModuleRegistry,
  options: VerifyOptions = {},
): Promise<VerifyResult> {
  const verifier = options.verifier ?? inlineVerifier;
  const chunkTxs = options.chunkTxs ?? 4096;
  const lastHeight = store.lastHeight();
  const state = new Map<string, string>();
  const reader = { get: (k: string) => state.get(k) };
  const log = new MerkleLog();
  const tree = new StateTree();
  const deadlines = new DeadlineQueue();
  let height = 0;
  let txCount = 0;

  const loadChunk = (from: number): Chunk | undefined => {
    if (from > lastHeight) return undefined;
    const blocks: LoadedBlock[] = [];
    let n = 0;
    for (let h = from; h <= lastHeight && (blocks.length === 0 || n < chunkTxs); h++) {
      const b = loadBlock(store, h);
      blocks.push(b);
      n += b.txs.length;
    }
    // Admitted against the state as replayed so far: the key hints may be stale for txs after
    // a rotation, which the executor notices and re-checks.
    const admitted = blocks.flatMap((b) =>
      b.txs.map((tx) => {
        try {
          return admitTx(registry, tx, reader);
        } catch (err) {
          if (!isAppError(err)) throw err;
          return err;
        }
      }),
    );
    const jobs = signatureJobs(admitted.map((a) => (a instanceof AppError ? undefined : a)));
    return { blocks, admitted, verified: verifier.verifyMany(jobs) };
  };

  try {
    const genesisText = store.getMeta('genesis');
    if (genesisText === undefined)
      fail('ERR_LEDGER_BAD_GENESIS', 'the store holds no genesis document');
    const genesis = parseJson(genesisText, 'ERR_LEDGER_BAD_GENESIS', 'the stored genesis document');
    checkGenesis(genesis, registry);
    let parent = { height: -1, hash: genesisHash(genesis), time: -1 };
    let next = loadChunk(0);
    while (next !== undefined) {
      const chunk = next;
      const lastInChunk = chunk.blocks.at(-1)!.height;
      next = loadChunk(lastInChunk + 1); // its signatures verify on workers while this chunk executes
      const sigs = signatureResults(
        chunk.admitted.map((a) => (a instanceof AppError ? undefined : a)),
        await chunk.verified,
      );
      let tIndex = 0;
      for (const block of chunk.blocks) {
        height = block.height;
        const first = tIndex;
        tIndex += block.txs.length;
        parent = replayBlock(
          block,
          parent,
          genesis,
          chunk.admitted.slice(first, tIndex),
          sigs.slice(first, tIndex),
        );
        txCount += block.txs.length;
        options.onProgress?.(height, lastHeight, txCount);
      }
    }
    height = lastHeight;
    compareStoredState(store, state);
    const indexProblem = store.idIndexProblem();
    if (indexProblem !== undefined)
      fail('ERR_LEDGER_STORE', `the transaction-id index is damaged: ${indexProblem}`);
    return {
      ok: true,
      height: lastHeight,
      txs: txCount,
      blockHash: parent.hash,
      stateRoot: toHex(tree.root()),
      logRoot: toHex(log.root()),
    };
  } catch (err) {
    if (!isAppError(err)) throw err;
    return { ok: false, height, code: err.code, message: err.message };
  }

  function replayBlock(
    block: LoadedBlock,
    parent: { height: number; hash: string; time: number },
    genesis: GenesisDoc,
    admitted: readonly (AdmittedTx | AppError)[],
    sigResults: readonly (boolean | undefined)[],
  ): { height: number; hash: string; time: number } {
    if (block.error !== undefined) throw block.error;
    const header = parseJson(
      block.rawHeader,
      'ERR_LEDGER_CHAIN_BROKEN',
      `header ${block.height}`,
    ) as BlockHeader;
    if (header === null || typeof header !== 'object' || Array.isArray(header))
      fail('ERR_LEDGER_CHAIN_BROKEN', `header ${block.height} is not an object`);
    if (canonicalize(header) !== block.rawHeader)
      fail('ERR_LEDGER_CHAIN_BROKEN', `header ${block.height} is not canonical JSON`);
    if (toHex(sha256(utf8(block.rawHeader))) !== block.storedHash)
      fail(
        'ERR_LEDGER_CHAIN_BROKEN',
        `stored hash of block ${block.height} is not the hash of its header`,
      );
    if (header.height !== block.height || header.prevHash !== parent.hash)
      fail(
        'ERR_LEDGER_CHAIN_BROKEN',
        `block ${block.height} does not link to block ${parent.height}`,
      );
    if (block.height === 0 ? header.time !== genesis.time : !(header.time > parent.time))
      fail(
        'ERR_LEDGER_CHAIN_BROKEN',
        `block ${block.height} time ${header.time} does not follow ${parent.time}`,
      );
    if (block.firstSeq !== log.size)
      fail(
        'ERR_LEDGER_CHAIN_BROKEN',
        `block ${block.height} starts at log index ${block.firstSeq}, expected ${log.size}`,
      );
    let changes: ReadonlyMap<string, string | null>;
    const invalid = block.height === 0 ? [] : store.invalidTxs(block.height);
    if (block.height === 0) {
      if (block.txs.length > 0)
        fail('ERR_LEDGER_CHAIN_BROKEN', 'block 0 must not hold transactions');
      const overlay = new StateOverlay(reader);
      applyGenesis(genesis, registry, overlay, deadlines);
      changes = overlay.changes;
    } else {
      const exec = new BlockExecutor(
        registry,
        reader,
        deadlines,
        block.height,
        header.time,
        log.size,
      );
      let next = 0;
      const replayInvalidAt = (logIndex: number): void => {
        while (next < invalid.length && invalid[next]!.position === logIndex)
          replayInvalid(registry, reader, exec, block.height, invalid[next++]!);
      };
      admitted.forEach((a, i) => {
        if (a instanceof AppError) throw a;
        replayInvalidAt(exec.nextLogIndex);
        exec.execute(a, sigResults[i]);
      });
      replayInvalidAt(exec.nextLogIndex);
      if (next < invalid.length)
        fail(
          'ERR_LEDGER_CHAIN_BROKEN',
          `block ${block.height} records an invalid transaction at log index ${invalid[next]!.position}, outside the block`,
        );
      changes = exec.finish().state.changes;
    }
    const derived = deriveHeader(parent, header.time, block.txs, changes, log, tree, invalid);
    for (const field of ['txRoot', 'logSize', 'logRoot', 'stateRoot', 'invalidRoot'] as const) {
      if (derived.header[field] !== header[field])
        fail(
          'ERR_LEDGER_ROOT_MISMATCH',
          `block ${block.height}: recomputed ${field} ${derived.header[field]} differs from the header's ${header[field]}`,
        );
    }
    for (const [k, v] of changes) {
      if (v === null) state.delete(k);
      else state.set(k, v);
    }
    const sigs = store.signatures(block.height);
    if (sigs.length === 0)
      fail('ERR_LEDGER_BAD_CHECKPOINT', `block ${block.height} has no checkpoint signature`);
    const cp = checkpointOf(genesis.chainId, header, derived.hash);
    for (const s of sigs) {
      if (!isMemberSignature(registry, reader, cp, s))
        fail(
          'ERR_LEDGER_BAD_CHECKPOINT',
          `block ${block.height}: signature of "${s.org}" does not verify`,
        );
    }
    return { height: block.height, hash: derived.hash, time: header.time };
  }
}

/**
 * Re-tries a transaction the block records as invalid, at its place: it must fail again with the
 * recorded code (an undecodable entry must still not decode), and so change nothing.
 */
function replayInvalid(
  registry: ModuleRegistry,
  state: StateReader,
  exec: BlockExecutor,
  height: number,
  inv: InvalidTx,
): void {
  // An entry that never decoded has no id and no effect; its bytes and code are bound by the
  // header's invalidRoot, which is all there is to check.
  if (inv.id === null) return;
  let error: AppError | undefined;
  try {
    const tx = decodeTx(inv.bytes);
    if (tx.id !== inv.id)
      fail(
        'ERR_LEDGER_ROOT_MISMATCH',
        `block ${height}: a recorded invalid entry's id is not the hash of its bytes`,
      );
    if (exec.ids.has(tx.id)) throw new AppError('ERR_LEDGER_DUPLICATE_TX', 'in this block');
    exec.execute(admitOrdered(registry, tx, state), undefined);
  } catch (err) {
    if (!isAppError(err)) throw err;
    if (err.code === 'ERR_LEDGER_ROOT_MISMATCH') throw err;
    error = err;
  }
  if (error === undefined || error.code !== inv.code)
    fail(
      'ERR_LEDGER_ROOT_MISMATCH',
      `block ${height}: transaction ${inv.id ?? '(undecodable)'} is recorded invalid with ${inv.code}, replay gives ${error?.code ?? 'success'}`,
    );
}

/** The store's current-state table must equal the replayed state exactly. */
function compareStoredState(store: SqliteStore, replayed: ReadonlyMap<string, string>): void {
  let n = 0;
  for (const [k, v] of store.stateEntries()) {
    n++;
    if (replayed.get(k) !== v)
      fail(
        'ERR_LEDGER_ROOT_MISMATCH',
        `stored state key ${JSON.stringify(k)} differs from the replayed state`,
      );
  }
  if (n !== replayed.size)
    fail('ERR_LEDGER_ROOT_MISMATCH', `stored state has ${n} keys, the replay ${replayed.size}`);
}
