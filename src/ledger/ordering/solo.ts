import { AppError, isAppError } from '../../errors.ts';
import { ed25519Verify, equalBytes } from '../../crypto/index.ts';
import type { Chain } from '../chain.ts';
import { checkStateless, executeTx } from '../execute.ts';
import { inlineVerifier, type SignatureVerifier } from '../sig-pool.ts';
import { StateOverlay } from '../state.ts';
import { decodeTx, signingBytesOf, type Tx } from '../tx.ts';
import type { Orderer, SubmitOutcome } from './orderer.ts';

export interface SoloOptions {
  /** Seal a block once it holds this many transactions… */
  readonly maxBlockTxs?: number;
  /** …or this many milliseconds after its first transaction. */
  readonly blockIntervalMs?: number;
  /** Reject with ERR_LEDGER_OVERLOADED beyond this many uncommitted transactions. */
  readonly maxPending?: number;
  readonly verifier?: SignatureVerifier;
  /** Wall clock for block times (tests inject one); block time never goes backwards. */
  readonly clock?: () => number;
}

interface Waiter {
  readonly tx: Tx;
  readonly logIndex: number;
  resolve(o: SubmitOutcome): void;
}

interface OpenBlock {
  readonly time: number;
  readonly txs: Tx[];
  readonly waiters: Waiter[];
  readonly state: StateOverlay;
  readonly ids: Set<string>;
}

/** A checked transaction waiting for its signature result. */
interface Admitted {
  readonly tx: Tx;
  /** The signer key as known at admission; undefined if only an earlier pending tx creates it. */
  readonly publicKey: Uint8Array | undefined;
}

function rejected(error: unknown, id?: string): SubmitOutcome {
  if (!isAppError(error)) throw error; // a bug, not bad input: let it surface
  return id === undefined ? { ok: false, error } : { ok: false, id, error };
}

/**
 * The embedded orderer: validates and applies each transaction against the pending block as it
 * arrives (so the client learns of a rejection at once), verifies signatures on worker
 * threads, and commits blocks of many transactions in one SQLite transaction.
 */
export class SoloOrderer implements Orderer {
  readonly #chain: Chain;
  readonly #maxBlockTxs: number;
  readonly #intervalMs: number;
  readonly #maxPending: number;
  readonly #verifier: SignatureVerifier;
  readonly #clock: () => number;
  #block: OpenBlock | undefined;
  #timer: NodeJS.Timeout | undefined;
  #tail: Promise<void> = Promise.resolve();
  #inFlight = 0;
  #closed = false;

  constructor(chain: Chain, options: SoloOptions = {}) {
    this.#chain = chain;
    this.#maxBlockTxs = options.maxBlockTxs ?? 2000;
    this.#intervalMs = options.blockIntervalMs ?? 20;
    this.#maxPending = options.maxPending ?? 100_000;
    this.#verifier = options.verifier ?? inlineVerifier;
    this.#clock = options.clock ?? Date.now;
  }

  get pending(): number {
    return this.#inFlight;
  }

  /** State including the open block (what the next transaction is validated against). */
  get pendingState(): StateOverlay | undefined {
    return this.#block?.state;
  }

  submit(inputs: readonly unknown[]): Promise<SubmitOutcome[]> {
    if (this.#closed) {
      const e = new AppError('ERR_LEDGER_STOPPED', 'the node is shutting down');
      return Promise.resolve(inputs.map(() => ({ ok: false, error: e })));
    }
    if (this.#inFlight + inputs.length > this.#maxPending) {
      const e = new AppError('ERR_LEDGER_OVERLOADED', `more than ${this.#maxPending} transactions pending; retry later`);
      return Promise.resolve(inputs.map(() => ({ ok: false, error: e })));
    }
    this.#inFlight += inputs.length;
    const outcomes: (SubmitOutcome | Promise<SubmitOutcome>)[] = new Array(inputs.length);
    const admitted: (Admitted | undefined)[] = inputs.map((input, i) => {
      let tx: Tx | undefined;
      try {
        tx = decodeTx(input);
        return this.#admit(tx);
      } catch (err) {
        outcomes[i] = rejected(err, tx?.id);
        return undefined;
      }
    });
    const jobs = admitted.flatMap((a) =>
      a?.publicKey === undefined ? [] : [{ sig: a.tx.sig, msg: signingBytesOf(a.tx), publicKey: a.publicKey }]);
    const verified = this.#verifier.verifyMany(jobs);
    // Execution happens in arrival order, one submit after the other.
    const turn = this.#tail.then(async () => {
      const ok = await verified;
      let j = 0;
      admitted.forEach((a, i) => {
        if (a !== undefined) outcomes[i] = this.#execute(a, a.publicKey !== undefined && ok[j++] === true);
      });
    });
    this.#tail = turn.catch(() => undefined);
    return turn.then(async () => {
      const done = await Promise.all(outcomes);
      this.#inFlight -= inputs.length;
      return done;
    }, (err: unknown) => {
      this.#inFlight -= inputs.length;
      throw err;
    });
  }

  /** Stateless checks and the signer key as currently known (a hint for parallel checking). */
  #admit(tx: Tx): Admitted {
    checkStateless(this.#chain.registry, tx);
    const state = this.#block?.state ?? this.#chain.state;
    try {
      return { tx, publicKey: this.#chain.registry.resolveKey(state, tx.payload.signer) };
    } catch (err) {
      // The key may come into existence in an earlier transaction of this batch: decide at execution.
      if (isAppError(err, 'ERR_LEDGER_BAD_SIGNER')) return { tx, publicKey: undefined };
      throw err;
    }
  }

  #execute(a: Admitted, sigOk: boolean): SubmitOutcome | Promise<SubmitOutcome> {
    const { tx } = a;
    if (this.#chain.failed !== undefined) return rejected(this.#chain.failed, tx.id);
    const duplicate = (): SubmitOutcome =>
      rejected(new AppError('ERR_LEDGER_DUPLICATE_TX', `transaction ${tx.id} is already committed or pending`), tx.id);
    if (this.#block?.ids.has(tx.id)) return duplicate();
    const block = this.#openBlock();
    const logIndex = this.#chain.log.size + block.txs.length;
    const pos = { height: this.#chain.head.height + 1, blockTime: block.time, logIndex };
    // If the key changed between admission and execution (a rotation in this block), check again.
    const check = (t: Tx, key: Uint8Array): boolean =>
      a.publicKey !== undefined && equalBytes(key, a.publicKey) ? sigOk : ed25519Verify(t.sig, signingBytesOf(t), key);
    try {
      executeTx(this.#chain.registry, block.state, tx, pos, check);
    } catch (err) {
      // An empty block must not keep the time of a rejected transaction: the next one opens afresh.
      if (block.txs.length === 0) this.#block = undefined;
      // A committed copy necessarily fails the nonce check; only then is the store consulted.
      if (isAppError(err, 'ERR_LEDGER_REPLAY') && this.#chain.hasTx(tx.id)) return duplicate();
      return rejected(err, tx.id);
    }
    const result = new Promise<SubmitOutcome>((resolve) => {
      block.txs.push(tx);
      block.ids.add(tx.id);
      block.waiters.push({ tx, logIndex, resolve });
    });
    if (block.txs.length >= this.#maxBlockTxs) this.#seal();
    else this.#timer ??= setTimeout(() => this.#seal(), this.#intervalMs);
    return result;
  }

  #openBlock(): OpenBlock {
    if (this.#block === undefined) {
      const time = Math.max(this.#clock(), this.#chain.head.header.time + 1);
      this.#block = { time, txs: [], waiters: [], state: new StateOverlay(this.#chain.state), ids: new Set() };
    }
    return this.#block;
  }

  #seal(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const block = this.#block;
    this.#block = undefined;
    if (block === undefined || block.txs.length === 0) return;
    let height: number;
    try {
      height = this.#chain.commit(block).height;
    } catch (err) {
      for (const w of block.waiters) w.resolve(rejected(err, w.tx.id));
      return;
    }
    for (const w of block.waiters) w.resolve({ ok: true, id: w.tx.id, height, logIndex: w.logIndex });
  }

  async close(): Promise<void> {
    this.#closed = true;
    await this.#tail;
    this.#seal();
  }
}
