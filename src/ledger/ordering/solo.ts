import { AppError, isAppError } from '../../errors.ts';
import type { Chain } from '../chain.ts';
import {
  admitTx,
  BlockExecutor,
  signatureJobs,
  signatureResults,
  type AdmittedTx,
  type TxGuard,
} from '../execute.ts';
import type { StateReader } from '../module.ts';
import { inlineVerifier, type SignatureVerifier } from '../sig-pool.ts';
import { decodeTx, type Tx } from '../tx.ts';
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
  /**
   * Arm a wall-clock timer for the next deadline (default true). Tests that drive an injected
   * clock turn it off and call {@link SoloOrderer.tick} themselves.
   */
  readonly deadlineTimer?: boolean;
  /** Called with each error of a deadline handler that threw (its writes were discarded). */
  readonly onDeadlineError?: (err: AppError) => void;
}

interface Waiter {
  readonly tx: Tx;
  readonly logIndex: number;
  resolve(o: SubmitOutcome): void;
}

interface OpenBlock {
  readonly exec: BlockExecutor;
  readonly waiters: Waiter[];
}

/** Longest wait setTimeout accepts; later deadlines re-arm. */
const MAX_TIMER_MS = 2 ** 31 - 1;

function rejected(error: unknown, id?: string): SubmitOutcome {
  if (!isAppError(error)) throw error; // a bug in the core, not bad input: let it surface
  return id === undefined ? { ok: false, error } : { ok: false, id, error };
}

/**
 * The embedded orderer: validates and applies each transaction against the pending block as it
 * arrives (so the client learns of a rejection at once), verifies signatures on worker
 * threads, and commits blocks of many transactions in one SQLite transaction. It also seals a
 * block when a scheduled deadline falls due, with or without transactions.
 */
export class SoloOrderer implements Orderer {
  readonly #chain: Chain;
  readonly #maxBlockTxs: number;
  readonly #intervalMs: number;
  readonly #maxPending: number;
  readonly #verifier: SignatureVerifier;
  readonly #clock: () => number;
  readonly #onDeadlineError: (err: AppError) => void;
  readonly #guard: TxGuard | undefined;
  readonly #deadlineTimerOn: boolean;
  #block: OpenBlock | undefined;
  #timer: NodeJS.Timeout | undefined;
  #deadlineTimer: NodeJS.Timeout | undefined;
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
    this.#onDeadlineError = options.onDeadlineError ?? (() => undefined);
    this.#guard = signerGuard(chain, () => this.pendingState);
    this.#deadlineTimerOn = options.deadlineTimer ?? true;
    this.#armDeadline();
  }

  get pending(): number {
    return this.#inFlight;
  }

  /** State including the open block (what the next transaction is validated against). */
  get pendingState(): StateReader {
    return this.#block?.exec.state ?? this.#chain.state;
  }

  submit(inputs: readonly unknown[]): Promise<SubmitOutcome[]> {
    if (this.#closed) {
      const e = new AppError('ERR_LEDGER_STOPPED', 'the node is shutting down');
      return Promise.resolve(inputs.map(() => ({ ok: false, error: e })));
    }
    if (this.#inFlight + inputs.length > this.#maxPending) {
      const e = new AppError(
        'ERR_LEDGER_OVERLOADED',
        `more than ${this.#maxPending} transactions pending; retry later`,
      );
      return Promise.resolve(inputs.map(() => ({ ok: false, error: e })));
    }
    const outcomes = new Array<SubmitOutcome | Promise<SubmitOutcome>>(inputs.length);
    const state = this.pendingState;
    // Admission is synchronous; the pending count rises only once it is through.
    const admitted = inputs.map((input, i): AdmittedTx | undefined => {
      let tx: Tx | undefined;
      try {
        tx = decodeTx(input);
        return admitTx(this.#chain.registry, tx, state);
      } catch (err) {
        outcomes[i] = rejected(err, tx?.id);
        return undefined;
      }
    });
    this.#inFlight += inputs.length;
    const verified = this.#verifier.verifyMany(signatureJobs(admitted));
    // Execution happens in arrival order, one submit after the other.
    const turn = this.#tail.then(async () => {
      const sigs = signatureResults(admitted, await verified);
      admitted.forEach((a, i) => {
        if (a !== undefined) outcomes[i] = this.#execute(a, sigs[i]);
      });
    });
    this.#tail = turn.catch(() => undefined);
    return turn.then(
      async () => {
        const done = await Promise.all(outcomes.map((o) => Promise.resolve(o)));
        this.#inFlight -= inputs.length;
        return done;
      },
      (err: unknown) => {
        this.#inFlight -= inputs.length;
        throw err;
      },
    );
  }

  #execute(a: AdmittedTx, sigOk: boolean | undefined): SubmitOutcome | Promise<SubmitOutcome> {
    const { tx } = a;
    if (this.#chain.failed !== undefined) return rejected(this.#chain.failed, tx.id);
    const duplicate = (): SubmitOutcome =>
      rejected(
        new AppError(
          'ERR_LEDGER_DUPLICATE_TX',
          `transaction ${tx.id} is already committed or pending`,
        ),
        tx.id,
      );
    if (this.#block?.exec.ids.has(tx.id)) return duplicate();
    const block = this.#openBlock();
    let logIndex: number;
    try {
      logIndex = block.exec.execute(a, sigOk, this.#guard);
    } catch (err) {
      // An empty block must not keep the time of a rejected transaction: the next one opens afresh.
      if (block.exec.txs.length === 0) this.#block = undefined;
      // A committed copy necessarily fails the nonce check; only then is the store consulted.
      if (isAppError(err, 'ERR_LEDGER_REPLAY') && this.#chain.hasTx(tx.id)) return duplicate();
      return rejected(err, tx.id);
    }
    const result = new Promise<SubmitOutcome>((resolve) =>
      block.waiters.push({ tx, logIndex, resolve }),
    );
    if (block.exec.txs.length >= this.#maxBlockTxs) this.#seal();
    else this.#timer ??= setTimeout(() => this.#seal(), this.#intervalMs);
    return result;
  }

  #openBlock(): OpenBlock {
    if (this.#block === undefined) {
      this.#block = {
        exec: this.#chain.nextBlock(this.#clock()),
        waiters: [],
      };
    }
    return this.#block;
  }

  #seal(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const block = this.#block;
    this.#block = undefined;
    if (block !== undefined) this.#commit(block);
    this.#armDeadline();
  }

  #commit(block: OpenBlock): void {
    const pending = block.exec.finish();
    for (const err of block.exec.deadlineErrors) this.#onDeadlineError(err);
    if (pending.txs.length === 0 && pending.deadlinesRun === 0) return;
    let height: number;
    try {
      height = this.#chain.commit(pending).height;
    } catch (err) {
      for (const w of block.waiters) w.resolve(rejected(err, w.tx.id));
      return;
    }
    for (const w of block.waiters)
      w.resolve({ ok: true, id: w.tx.id, height, logIndex: w.logIndex });
  }

  /**
   * Seals a block for deadlines that are due by the clock, if no block is open (an open block
   * runs them when it is sealed). Called by the deadline timer; tests that move an injected
   * clock call it themselves.
   */
  tick(): void {
    if (this.#closed || this.#block !== undefined || this.#chain.failed !== undefined) return;
    const next = this.#chain.deadlines.peek(this.#chain.state);
    if (next === undefined) return;
    if (next.at <= Math.max(this.#clock(), this.#chain.head.header.time + 1)) {
      this.#openBlock();
      this.#seal();
    } else {
      this.#armDeadline();
    }
  }

  /** Arms the wall-clock timer for the earliest scheduled deadline. */
  #armDeadline(): void {
    clearTimeout(this.#deadlineTimer);
    this.#deadlineTimer = undefined;
    if (this.#closed || !this.#deadlineTimerOn) return;
    const next = this.#chain.deadlines.peek(this.#chain.state);
    if (next === undefined) return;
    const wait = Math.min(Math.max(next.at - this.#clock(), 0), MAX_TIMER_MS);
    this.#deadlineTimer = setTimeout(() => this.tick(), wait);
    this.#deadlineTimer.unref();
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#deadlineTimer);
    await this.#tail;
    this.#seal();
  }
}

/**
 * Refuses a transaction after which this node could no longer sign blocks (its organization
 * removed, or its key dropped), since a solo node is the only signer: every later block would
 * be unsigned and fail `verify`. Checked only for transactions of the module that holds the
 * consortium policy (the only state that decides who signs).
 */
function signerGuard(chain: Chain, blockState: () => StateReader): TxGuard | undefined {
  const policyModule = chain.registry.consortiumModule;
  if (chain.signer === undefined || policyModule === undefined) return undefined;
  return (effects, a) => {
    if (a.kind.module !== policyModule) return;
    const height = chain.head.height + 1;
    if (chain.canSign(blockState(), height) && !chain.canSign(effects, height)) {
      throw new AppError(
        'ERR_LEDGER_NOT_SIGNER',
        `${a.tx.payload.kind} would leave this node's organization "${chain.signer!.org}" unable to sign blocks; a solo node refuses it (run the node as another member first; see docs/operations.md)`,
      );
    }
  };
}
