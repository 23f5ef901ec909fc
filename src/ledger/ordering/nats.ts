import {
  jetstream,
  jetstreamManager,
  type JetStreamClient,
  type JetStreamManager,
} from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { canonicalize } from '../../crypto/index.ts';
import { AppError, isAppError } from '../../errors.ts';
import type { CheckpointSignature } from '../block.ts';
import type { Chain } from '../chain.ts';
import { lastNonce, nonceKey, signatureJobs, signatureResults } from '../execute.ts';
import type { StateReader } from '../module.ts';
import { inlineVerifier, type SignatureVerifier } from '../sig-pool.ts';
import { decodeTx, type Tx } from '../tx.ts';
import { FinalityTracker, type ConsortiumAlarm } from './_finality.ts';
import {
  admitEntries,
  admitOrdered,
  applyBatch,
  type OrderedAdmission,
  type OrderedItem,
} from './nats-apply.ts';
import { ensureStreams } from './_nats-streams.ts';
import {
  batchMsgId,
  compressBatch,
  decodeBatch,
  decodeSignature,
  encodeBatch,
  type BatchEntry,
  encodeSignature,
  encodeTick,
  MAX_BATCH_BYTES,
  streamNames,
  type SignatureMessage,
  type StreamNames,
} from './nats-wire.ts';
import type { Orderer, SubmitOutcome } from './orderer.ts';

export type { ConsortiumAlarm } from './_finality.ts';

export interface NatsOrdererOptions {
  /** NATS server URLs of the cluster (any of them; the client finds the others). */
  readonly servers: readonly string[];
  /** Stream replicas (default 3: JetStream's Raft tolerates one server down). */
  readonly replicas?: number;
  readonly verifier?: SignatureVerifier;
  /** Wall clock for deadline ticks (tests inject one); block times come from the stream. */
  readonly clock?: () => number;
  /** Most transactions per published batch (= per block). */
  readonly maxBatchTxs?: number;
  /**
   * Most bytes per batch before compression (at most {@link MAX_BATCH_BYTES}, 1 MiB; uncompressed,
   * NATS refuses messages over the server's max_payload, 1 MiB by default).
   */
  readonly maxBatchBytes?: number;
  /**
   * Publish batches Brotli-compressed (default true; see {@link compressBatch}). Every node reads
   * both forms, so organizations may choose differently.
   */
  readonly compress?: boolean;
  /** Wait this long for more transactions before publishing a batch. */
  readonly batchIntervalMs?: number;
  /**
   * Retry a publish (with the same message id) this long before the submitter gets
   * ERR_LEDGER_UNAVAILABLE; also the longest wait for an ordered transaction to be applied.
   */
  readonly submitTimeoutMs?: number;
  /**
   * After the stream accepted a transaction, wait this long for this node to apply it before the
   * submitter gets ERR_LEDGER_UNAVAILABLE (a stream leader change can stall consumers for 10 s).
   */
  readonly applyTimeoutMs?: number;
  /** Reject with ERR_LEDGER_OVERLOADED beyond this many uncommitted transactions. */
  readonly maxPending?: number;
  /** Arm a wall-clock timer for the next deadline (default true). */
  readonly deadlineTimer?: boolean;
  readonly onDeadlineError?: (err: AppError) => void;
}

/** What `GET /v1/consortium` shows of a NATS-ordered node. */
export interface ConsortiumStatus {
  readonly type: 'nats';
  readonly stream: string;
  readonly connected: boolean;
  /** This node's organization; null for an observer. */
  readonly org: string | null;
  /**
   * Is this node's key its organization's member key at the head, so that it signs the blocks it
   * applies? False for an observer, and for an organization's node before governance has added
   * it (it replays and signs from then on) or after governance removed it.
   */
  readonly member: boolean;
  /** Last stream sequence this node applied. */
  readonly appliedSeq: number;
  readonly halted: { readonly code: string; readonly message: string } | null;
  readonly alarms: {
    readonly badSignature: number;
    readonly divergent: number;
    readonly equivocation: number;
  };
}

interface Waiter {
  readonly nonceKey: string;
  readonly nonce: number;
  resolve(o: SubmitOutcome): void;
  /** Give up (ERR_LEDGER_UNAVAILABLE) at this clock time: the publish deadline, then the apply deadline. */
  until: number;
  /** Has the stream acknowledged its batch? */
  published: boolean;
}

/** Meta keys, written in the same SQLite transaction as each block. */
const META_SEQ = 'nats.seq';
const META_SIG_SEQ = 'nats.sigSeq';
const META_SIG_ACKED = 'nats.sigAcked';
const META_HALTED = 'nats.halted';
/** Messages handed to the pipeline but not yet applied, at most. */
const PIPELINE_DEPTH = 8;
/** Own signatures being published at once, at most. */
const SIG_PUBLISH_CONCURRENCY = 16;
/** Wait between deadline ticks for the same deadline (the stream's clock may lag ours). */
const TICK_RETRY_MS = 1000;
const SIG_FLUSH_MS = 20;
/** A pull waits this long for messages (the server's minimum is 1 s)… */
const FETCH_EXPIRES_MS = 1000;
/** …and is stopped by the client if it has not ended this much later (its server is gone). */
const FETCH_GRACE_MS = 1000;
/** Timeout of JetStream API requests (consumer creation, stream info): short, and retried. */
const API_TIMEOUT_MS = 2000;

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * The stream timestamp in whole ms. Taken from the decimal digits (the client may hand a bigint
 * or a number), so every node derives the same block time from the same message.
 */
function nanosToMs(nanos: bigint | number): number {
  const digits = BigInt(nanos).toString();
  return digits.length <= 6 ? 0 : Number(digits.slice(0, -6));
}

function unavailable(message: string, cause?: unknown): AppError {
  return new AppError('ERR_LEDGER_UNAVAILABLE', message, cause === undefined ? {} : { cause });
}

/**
 * The consortium orderer: transactions are published in batches to a replicated NATS JetStream
 * stream (R3, Raft inside, `Nats-Msg-Id` dedup so retries never duplicate); every organization's
 * node consumes the stream in order from its last applied sequence, applies each message as one
 * block with the shared {@link BlockExecutor} (time from the stream, invalid transactions recorded
 * as invalid), signs the block's checkpoint and publishes the signature. A block is final once
 * the governance quorum of organizations signed the same checkpoint; a node that finds a quorum
 * signing a different one halts ({@link ConsortiumAlarm}). Submitters wait for their node to
 * apply the block; they see ERR_LEDGER_UNAVAILABLE only after a bounded wait.
 */
export class NatsOrderer implements Orderer {
  /** Resolves when the streams exist and the consumers run; rejects if closed first. */
  readonly connected: Promise<void>;
  /** Resolves once this node applied everything the stream held when it connected. */
  readonly caughtUp: Promise<void>;
  readonly #chain: Chain;
  readonly #names: StreamNames;
  readonly #o: Required<Omit<NatsOrdererOptions, 'verifier' | 'onDeadlineError'>>;
  readonly #verifier: SignatureVerifier;
  readonly #onDeadlineError: (err: AppError) => void;
  readonly #tracker: FinalityTracker;
  readonly #alarmListeners = new Set<(a: ConsortiumAlarm) => void>();
  readonly #finalListeners = new Set<(height: number) => void>();
  readonly #alarmCounts = { badSignature: 0, divergent: 0, equivocation: 0 };
  readonly #waiters = new Map<string, Waiter>();
  readonly #pendingNonces = new Map<string, number>();
  readonly #pendingState: StateReader;
  #outbox: Tx[] = [];
  /**
   * Batches this node published and has not read back from the stream yet, by message id: their
   * transactions are already decoded, so the stream's copy (compared byte for byte) is not decoded again.
   */
  readonly #published = new Map<string, { readonly bytes: Uint8Array; readonly txs: Tx[] }>();
  #outboxBytes = 0;
  #publishing = false;
  #flushTimer: NodeJS.Timeout | undefined;
  #nc: NatsConnection | undefined;
  #js: JetStreamClient | undefined;
  #jsm: JetStreamManager | undefined;
  readonly #stops = new Set<() => void>();
  #appliedSeq: number;
  #receivedSeq: number;
  #sigSeq: number;
  /** Signature messages waiting for a height this node has not reached, by stream sequence. */
  readonly #waitingSigSeqs = new Set<number>();
  /** Signature messages that are evidence of a divergence (read again after a restart). */
  readonly #evidenceSeqs = new Set<number>();
  /** Own signatures acknowledged by the stream above {@link NatsOrderer.#ackedMark}. */
  readonly #ackedHeights = new Set<number>();
  /** Every own signature up to this height is in the signature stream (persisted with blocks). */
  #ackedMark: number;
  #caughtUpNow = false;
  #closing: Promise<void> | undefined;
  #sigBuffer: { height: number; s: CheckpointSignature }[] = [];
  #sigFlushTimer: NodeJS.Timeout | undefined;
  #sigOut: SignatureMessage[] = [];
  #sigInFlight = 0;
  #applyTail: Promise<void> = Promise.resolve();
  #inPipeline = 0;
  #deadlineTimer: NodeJS.Timeout | undefined;
  #tickAttempts = new Map<number, { n: number; last: number }>();
  #sweepTimer: NodeJS.Timeout | undefined;
  #halted: AppError | undefined;
  #closed = false;
  #markConnected!: () => void;
  #failConnect!: (err: Error) => void;
  #caughtUpAt = Infinity;
  #markCaughtUp!: () => void;

  constructor(chain: Chain, options: NatsOrdererOptions) {
    if (options.servers.length === 0) throw new TypeError('"servers" names no NATS server');
    if ((options.maxBatchBytes ?? 0) > MAX_BATCH_BYTES)
      throw new TypeError(`"maxBatchBytes" exceeds ${MAX_BATCH_BYTES}`);
    this.#chain = chain;
    this.#names = streamNames(chain.chainId);
    this.#o = {
      servers: options.servers,
      replicas: options.replicas ?? 3,
      clock: options.clock ?? Date.now,
      maxBatchTxs: options.maxBatchTxs ?? 500,
      maxBatchBytes: options.maxBatchBytes ?? 256 * 1024,
      compress: options.compress ?? true,
      batchIntervalMs: options.batchIntervalMs ?? 5,
      submitTimeoutMs: options.submitTimeoutMs ?? 10_000,
      applyTimeoutMs: options.applyTimeoutMs ?? 30_000,
      maxPending: options.maxPending ?? 100_000,
      deadlineTimer: options.deadlineTimer ?? true,
    };
    this.#verifier = options.verifier ?? inlineVerifier;
    this.#onDeadlineError = options.onDeadlineError ?? (() => undefined);
    this.#tracker = new FinalityTracker(chain);
    this.#appliedSeq = Number(chain.store.getMeta(META_SEQ) ?? '0');
    this.#receivedSeq = this.#appliedSeq;
    this.#sigSeq = Number(chain.store.getMeta(META_SIG_SEQ) ?? '0');
    this.#ackedMark = Number(chain.store.getMeta(META_SIG_ACKED) ?? '0');
    if (chain.head.height > 0 && chain.store.getMeta(META_SEQ) === undefined)
      throw new AppError(
        'ERR_LEDGER_STORE',
        `this ledger has ${chain.head.height} blocks that were not ordered through NATS (a solo ledger); a consortium node starts from genesis`,
      );
    const halted = chain.store.getMeta(META_HALTED);
    if (halted !== undefined) {
      const h = JSON.parse(halted) as { code: 'ERR_LEDGER_DIVERGED'; message: string };
      this.#halted = new AppError(
        h.code,
        `${h.message} (halted before this start; rebuild the node: docs/consortium.md)`,
      );
    }
    const committed = chain.state;
    this.#pendingState = {
      get: (k) => {
        const n = this.#pendingNonces.get(k);
        return n === undefined ? committed.get(k) : canonicalize(n);
      },
    };
    this.connected = new Promise<void>((resolve, reject) => {
      this.#markConnected = resolve;
      this.#failConnect = reject;
    });
    this.connected.catch(() => undefined); // a caller that never awaits it must not crash the process
    this.caughtUp = new Promise<void>((resolve) => (this.#markCaughtUp = resolve));
    this.#sweepTimer = setInterval(() => this.#sweep(), 250);
    this.#sweepTimer.unref();
    void this.#start();
  }

  get pending(): number {
    return this.#waiters.size;
  }

  /** Committed state, with the nonces of transactions this node submitted and not yet applied. */
  get pendingState(): StateReader {
    return this.#pendingState;
  }

  /** Set once the node stopped applying blocks (divergence from the quorum, or a store failure). */
  get halted(): AppError | undefined {
    return this.#halted;
  }

  status(): ConsortiumStatus {
    const h = this.#halted;
    return {
      type: 'nats',
      stream: this.#names.batches,
      connected: this.#nc !== undefined && !this.#nc.isClosed(),
      org: this.#chain.signer?.org ?? null,
      member:
        this.#chain.signer !== undefined &&
        this.#chain.canSign(this.#chain.state, this.#chain.head.height + 1),
      appliedSeq: this.#appliedSeq,
      halted: h === undefined ? null : { code: h.code, message: h.message },
      alarms: { ...this.#alarmCounts },
    };
  }

  /**
   * Calls `listener` once per height, when this node learns that a quorum signed the block it
   * applied at that height (signatures of others may arrive before the block does).
   * @returns a function that removes the listener
   */
  onFinal(listener: (height: number) => void): () => void {
    this.#finalListeners.add(listener);
    return () => this.#finalListeners.delete(listener);
  }

  /** Calls `listener` with every alarm; returns a function that removes it. */
  onAlarm(listener: (a: ConsortiumAlarm) => void): () => void {
    this.#alarmListeners.add(listener);
    return () => this.#alarmListeners.delete(listener);
  }

  // ---- connection ------------------------------------------------------------------------

  /**
   * Connects, retrying every 500 ms until a server answers or the orderer is closed (the client's
   * own wait for a first connection cannot be cancelled). Once connected, reconnects are endless.
   */
  async #connect(): Promise<NatsConnection> {
    for (;;) {
      try {
        return await connect({
          servers: [...this.#o.servers],
          name: `realdid-${this.#chain.signer?.org ?? 'observer'}`,
          timeout: API_TIMEOUT_MS,
          maxReconnectAttempts: -1,
          reconnectTimeWait: 250,
        });
      } catch (err) {
        if (this.#closed) throw err;
        await sleep(500);
      }
    }
  }

  async #start(): Promise<void> {
    let nc: NatsConnection | undefined;
    try {
      nc = await this.#connect();
      if (this.#closed) throw new Error('closed');
      this.#nc = nc;
      const jsm = await jetstreamManager(nc, { timeout: API_TIMEOUT_MS });
      this.#jsm = jsm;
      const lastSeq = await ensureStreams(jsm, this.#names, this.#o.replicas, () => this.#closed);
      this.#js = jetstream(nc, { timeout: API_TIMEOUT_MS });
      this.#caughtUpAt = lastSeq;
      if (this.#appliedSeq >= lastSeq) {
        this.#caughtUpNow = true;
        this.#markCaughtUp();
      }
      void this.#consume(
        this.#names.batches,
        () => this.#receivedSeq,
        (seq, time, data, msgId) => this.#receive(seq, time, data, msgId),
      );
      void this.#consume(
        this.#names.signatures,
        () => this.#sigSeq,
        (seq, _time, data) => this.#onSignatureMessage(seq, data),
      );
      this.#armDeadline();
      this.#republishOwnSignatures();
      this.#markConnected();
      this.#schedule();
    } catch (err) {
      await nc?.close().catch(() => undefined);
      this.#failConnect(err instanceof Error ? err : new Error(String(err)));
    }
  }

  /**
   * Reads `stream` in order from the sequence after `from()`, forever. Fetches in bounded pulls
   * rather than one long subscription: after a server dies, a pull fails or comes back empty,
   * and a consumer that stays empty while the stream has more is replaced by a new one.
   */
  async #consume(
    stream: string,
    from: () => number,
    handle: (
      seq: number,
      timeMs: number,
      data: Uint8Array,
      msgId: string | undefined,
    ) => Promise<void> | void,
  ): Promise<void> {
    const running = (): boolean => !this.#closed && this.#halted === undefined;
    while (running()) {
      try {
        const consumer = await this.#js!.consumers.get(stream, { opt_start_seq: from() + 1 });
        let idle = 0;
        while (running()) {
          const pull = await consumer.fetch({ max_messages: 16, expires: FETCH_EXPIRES_MS });
          // A pull whose server died never ends by itself: stop it when it goes quiet too long.
          let watchdog = setTimeout(() => pull.stop(), FETCH_EXPIRES_MS + FETCH_GRACE_MS);
          const stop = (): void => pull.stop();
          this.#stops.add(stop);
          let got = 0;
          try {
            for await (const m of pull) {
              clearTimeout(watchdog);
              if (!running()) break;
              got++;
              await handle(
                m.seq,
                nanosToMs(m.timestampNanos),
                m.data,
                m.headers?.get('Nats-Msg-Id'),
              );
              watchdog = setTimeout(() => pull.stop(), FETCH_EXPIRES_MS + FETCH_GRACE_MS);
            }
          } finally {
            clearTimeout(watchdog);
            this.#stops.delete(stop);
          }
          idle = got > 0 ? 0 : idle + 1;
          if (idle >= 1 && (await this.#streamAhead(stream, from()))) break;
        }
      } catch {
        // Leader changes and reconnects fail pulls: resume after what was handled.
        if (running()) await sleep(250);
      }
    }
  }

  /** Does `stream` hold messages after `seq` (so an empty consumer is stuck)? */
  async #streamAhead(stream: string, seq: number): Promise<boolean> {
    const info = await this.#jsm!.streams.info(stream);
    return info.state.last_seq > seq;
  }

  // ---- submitting ------------------------------------------------------------------------

  submit(inputs: readonly unknown[]): Promise<SubmitOutcome[]> {
    const refuse = this.#closed
      ? new AppError('ERR_LEDGER_STOPPED', 'the node is shutting down')
      : (this.#halted ??
        (this.#waiters.size + inputs.length > this.#o.maxPending
          ? new AppError(
              'ERR_LEDGER_OVERLOADED',
              `more than ${this.#o.maxPending} transactions pending; retry later`,
            )
          : undefined));
    if (refuse !== undefined)
      return Promise.resolve(inputs.map(() => ({ ok: false, error: refuse })));
    const outcomes = inputs.map((input) => this.#accept(input));
    this.#schedule();
    return Promise.all(outcomes.map((o) => Promise.resolve(o)));
  }

  /** Stateless checks, then into the outbox; resolves when this node applied its block. */
  #accept(input: unknown): SubmitOutcome | Promise<SubmitOutcome> {
    let tx: Tx;
    try {
      tx = decodeTx(input);
      admitOrdered(this.#chain.registry, tx, this.#chain.state);
    } catch (err) {
      if (!isAppError(err)) throw err;
      return { ok: false, error: err };
    }
    // A committed copy necessarily has a used nonce: only then is the store consulted (as solo does).
    const committed =
      tx.payload.nonce <= lastNonce(this.#chain.state, tx.signerDid) && this.#chain.hasTx(tx.id);
    if (this.#waiters.has(tx.id) || committed)
      return {
        ok: false,
        id: tx.id,
        error: new AppError(
          'ERR_LEDGER_DUPLICATE_TX',
          `transaction ${tx.id} is already committed or pending`,
        ),
      };
    const key = nonceKey(tx.signerDid);
    const nonce = tx.payload.nonce;
    if ((this.#pendingNonces.get(key) ?? 0) < nonce) this.#pendingNonces.set(key, nonce);
    this.#outbox.push(tx);
    this.#outboxBytes += tx.bytes.length + 1;
    const until = this.#o.clock() + this.#o.submitTimeoutMs;
    return new Promise<SubmitOutcome>((resolve) =>
      this.#waiters.set(tx.id, { nonceKey: key, nonce, resolve, until, published: false }),
    );
  }

  #schedule(): void {
    if (this.#outbox.length === 0 || this.#publishing || this.#js === undefined) return;
    if (this.#outbox.length >= this.#o.maxBatchTxs || this.#outboxBytes >= this.#o.maxBatchBytes) {
      void this.#pump();
      return;
    }
    this.#flushTimer ??= setTimeout(() => {
      this.#flushTimer = undefined;
      void this.#pump();
    }, this.#o.batchIntervalMs);
  }

  /** Publishes the outbox one batch at a time (so batches keep their submission order). */
  async #pump(): Promise<void> {
    if (this.#publishing) return;
    this.#publishing = true;
    clearTimeout(this.#flushTimer);
    this.#flushTimer = undefined;
    try {
      while (this.#outbox.length > 0) {
        const batch = this.#takeBatch();
        const json = encodeBatch(batch.map((b) => b.bytes));
        const bytes = this.#o.compress ? compressBatch(json) : json;
        const msgId = batchMsgId(bytes);
        this.#published.set(msgId, { bytes, txs: batch });
        try {
          await this.#publish(this.#names.batchSubject, bytes, msgId);
          const until = this.#o.clock() + this.#o.applyTimeoutMs;
          for (const b of batch) {
            const w = this.#waiters.get(b.id);
            if (w !== undefined) {
              w.until = until;
              w.published = true;
            }
          }
        } catch (err) {
          this.#published.delete(msgId); // should the stream hold it after all, it is decoded as any batch
          const error = unavailable(
            `the ordering service did not accept the batch within ${this.#o.submitTimeoutMs} ms; the transaction may still be ordered: look it up by id before resubmitting (resubmitting the same transaction is safe)`,
            err,
          );
          for (const b of batch) this.#settle(b.id, { ok: false, id: b.id, error });
        }
      }
    } finally {
      this.#publishing = false;
    }
  }

  #takeBatch(): Tx[] {
    // A transaction whose submitter was told it was not accepted is not published after all.
    if (this.#outbox.some((b) => !this.#waiters.has(b.id))) {
      this.#outbox = this.#outbox.filter((b) => this.#waiters.has(b.id));
      this.#outboxBytes = this.#outbox.reduce((a, b) => a + b.bytes.length + 1, 0);
    }
    let n = 0;
    let size = 0;
    while (
      n < this.#outbox.length &&
      n < this.#o.maxBatchTxs &&
      (n === 0 || size + this.#outbox[n]!.bytes.length + 1 <= this.#o.maxBatchBytes)
    )
      size += this.#outbox[n++]!.bytes.length + 1;
    const batch = this.#outbox.slice(0, n);
    this.#outbox = this.#outbox.slice(n);
    this.#outboxBytes -= size;
    return batch;
  }

  /**
   * Publishes with the same message id until the stream acknowledges or `submitTimeoutMs`
   * passes (leader elections answer "jetstream not enabled", 503 or time out for a few seconds).
   */
  async #publish(subject: string, data: Uint8Array, msgID: string): Promise<void> {
    const until = this.#o.clock() + this.#o.submitTimeoutMs;
    let wait = 50;
    for (;;) {
      const left = until - this.#o.clock();
      try {
        await this.#js!.publish(subject, data, {
          msgID,
          timeout: Math.max(100, Math.min(2000, left)),
        });
        return;
      } catch (err) {
        if (this.#o.clock() + wait >= until || this.#closed) throw err;
        await sleep(wait);
        wait = Math.min(wait * 2, 500);
      }
    }
  }

  #settle(id: string, outcome: SubmitOutcome): void {
    const w = this.#waiters.get(id);
    if (w === undefined) return;
    this.#waiters.delete(id);
    if (this.#pendingNonces.get(w.nonceKey) === w.nonce) this.#pendingNonces.delete(w.nonceKey);
    w.resolve(outcome);
  }

  /** Gives up on published transactions this node has not applied in time. */
  #sweep(): void {
    const now = this.#o.clock();
    for (const [id, w] of this.#waiters) {
      if (w.until > now) continue;
      this.#settle(id, {
        ok: false,
        id,
        error: w.published
          ? unavailable(
              `transaction ${id} was ordered but this node has not applied it within ${this.#o.applyTimeoutMs} ms (it is at stream sequence ${this.#appliedSeq}); look it up by id later`,
            )
          : unavailable(
              `the ordering service did not accept transaction ${id} within ${this.#o.submitTimeoutMs} ms (${this.#js === undefined ? 'not connected to NATS' : 'the stream is not accepting writes'}); it may still be ordered: look it up by id before resubmitting (resubmitting the same transaction is safe)`,
            ),
      });
    }
  }

  // ---- applying --------------------------------------------------------------------------

  /** Hands one stream message to the pipeline: decoded and admitted now, signatures verified on workers, applied in order. */
  async #receive(
    seq: number,
    timeMs: number,
    data: Uint8Array,
    msgId: string | undefined,
  ): Promise<void> {
    if (seq <= this.#receivedSeq) return; // a re-delivery after a resubscribe
    const own = msgId === undefined ? undefined : this.#published.get(msgId);
    if (own !== undefined) this.#published.delete(msgId!);
    // A batch of this node's decodes to the transactions it was encoded from: reuse them.
    const entries: BatchEntry[] =
      own !== undefined && Buffer.compare(own.bytes, data) === 0
        ? own.txs.map((tx) => ({ tx }))
        : decodeBatch(data);
    const item: OrderedItem = { seq, timeMs, entries };
    const admitted = admitEntries(this.#chain.registry, item.entries, this.#chain.state);
    const jobs = signatureJobs(admitted.map((a) => (a instanceof AppError ? undefined : a)));
    // A worker that fails must not stop the node: check those signatures here instead.
    const verified = this.#verifier.verifyMany(jobs).catch(() => inlineVerifier.verifyMany(jobs));
    this.#receivedSeq = seq;
    this.#inPipeline++;
    const turn = this.#applyTail.then(async () => {
      const sigs = await verified;
      this.#apply(
        item,
        admitted,
        signatureResults(
          admitted.map((a) => (a instanceof AppError ? undefined : a)),
          sigs,
        ),
      );
    });
    this.#applyTail = turn
      .catch((err: unknown) => this.#fail(err))
      .finally(() => {
        this.#inPipeline--;
      });
    if (this.#inPipeline >= PIPELINE_DEPTH) await this.#applyTail;
  }

  #apply(
    item: OrderedItem,
    admitted: readonly OrderedAdmission[],
    sigs: readonly (boolean | undefined)[],
  ): void {
    if (this.#halted !== undefined) return;
    const chain = this.#chain;
    if (chain.failed !== undefined) throw chain.failed;
    const result = applyBatch(chain, admitted, sigs, item);
    for (const err of result.deadlineErrors) this.#onDeadlineError(err);
    if (result.block === undefined) {
      this.#appliedSeq = item.seq;
      this.#afterApply();
      return;
    }
    const sigBatch = this.#sigBuffer;
    this.#sigBuffer = [];
    const sigSeq = this.#safeSigSeq();
    const head = chain.commit(result.block, () => {
      chain.store.setMeta(META_SEQ, String(item.seq));
      chain.store.setMeta(META_SIG_SEQ, String(sigSeq));
      chain.store.setMeta(META_SIG_ACKED, String(this.#ackedMark));
      for (const b of sigBatch) chain.store.addSignature(b.height, b.s);
    });
    this.#appliedSeq = item.seq;
    const signed = chain.signedCheckpoint(head.height);
    this.#tracker.committed(signed.checkpoint, signed.signatures);
    for (const m of this.#tracker.takeWaiting(head.height)) this.#handleSignature(m.seq, m.message);
    if (this.#tracker.becameFinal(head.height)) this.#reportFinal(head.height);
    for (const s of signed.signatures)
      if (s.org === chain.signer?.org)
        this.#queueSignature({ checkpoint: signed.checkpoint, signature: s });
    for (const v of result.valid)
      this.#settle(v.id, { ok: true, id: v.id, height: head.height, logIndex: v.logIndex });
    for (const x of result.invalid) {
      // A copy of a committed transaction fails its nonce check: tell its submitter what it is.
      const error =
        isAppError(x.error, 'ERR_LEDGER_REPLAY') && chain.hasTx(x.id)
          ? new AppError('ERR_LEDGER_DUPLICATE_TX', `transaction ${x.id} is already committed`)
          : x.error;
      this.#settle(x.id, { ok: false, id: x.id, error });
    }
    this.#afterApply();
  }

  #afterApply(): void {
    if (this.#appliedSeq >= this.#caughtUpAt) {
      this.#caughtUpAt = Infinity;
      this.#caughtUpNow = true;
      this.#markCaughtUp();
    }
    this.#armDeadline();
  }

  /** A failure while applying: the node stops applying (its store may be behind its trees). */
  #fail(err: unknown): void {
    const e = isAppError(err)
      ? err
      : new AppError('ERR_LEDGER_STORE', `applying a stream message failed: ${String(err)}`, {
          cause: err,
        });
    this.#halt(e, {
      kind: 'halted',
      org: this.#chain.signer?.org ?? '',
      height: this.#chain.head.height + 1,
      message: e.message,
    });
  }

  #halt(err: AppError, alarm: ConsortiumAlarm): void {
    if (this.#halted !== undefined) return;
    this.#halted = err;
    if (err.code === 'ERR_LEDGER_DIVERGED') {
      try {
        this.#chain.store.setMeta(
          META_HALTED,
          JSON.stringify({ code: err.code, message: err.message }),
        );
      } catch {
        // the store failed too; the in-memory halt still holds for this run
      }
    }
    this.#emit(alarm);
    for (const stop of this.#stops) stop();
    for (const id of [...this.#waiters.keys()]) this.#settle(id, { ok: false, id, error: err });
  }

  #emit(alarm: ConsortiumAlarm): void {
    if (alarm.kind === 'bad-signature') this.#alarmCounts.badSignature++;
    else if (alarm.kind === 'divergent') this.#alarmCounts.divergent++;
    else if (alarm.kind === 'equivocation') this.#alarmCounts.equivocation++;
    for (const l of this.#alarmListeners) l(alarm);
  }

  // ---- signatures ------------------------------------------------------------------------

  async #onSignatureMessage(seq: number, data: Uint8Array): Promise<void> {
    if (seq <= this.#sigSeq) return;
    const m = decodeSignature(data);
    if (m === undefined) {
      this.#sigSeq = seq;
      this.#emit({
        kind: 'bad-signature',
        org: '',
        height: -1,
        message: `signature stream message ${seq} is not a checkpoint signature`,
      });
      return;
    }
    // Far ahead of this node (it is catching up): hold the signature stream until it gets closer.
    while (this.#handleSignature(seq, m) === 'later') {
      if (this.#closed || this.#halted !== undefined) return;
      await sleep(100);
    }
    this.#sigSeq = seq;
  }

  #handleSignature(seq: number, m: SignatureMessage): 'later' | undefined {
    this.#waitingSigSeqs.delete(seq);
    const verdict = this.#tracker.classify(seq, m);
    switch (verdict.kind) {
      case 'later':
        return 'later';
      case 'future':
        this.#waitingSigSeqs.add(seq);
        return;
      case 'ignored':
        return;
      case 'agree':
        this.#sigBuffer.push({ height: verdict.height, s: m.signature });
        if (verdict.final) {
          this.#flushSignatures();
          this.#reportFinal(verdict.height);
        } else this.#sigFlushTimer ??= setTimeout(() => this.#flushSignatures(), SIG_FLUSH_MS);
        return;
      case 'alarm':
        // Evidence of a divergence is kept in the stream: the stored position never passes it,
        // so a restarted node reads it again and reaches the same verdict.
        if (verdict.alarm.kind !== 'bad-signature') this.#evidenceSeqs.add(seq);
        if (verdict.halt)
          this.#halt(new AppError('ERR_LEDGER_DIVERGED', verdict.alarm.message), verdict.alarm);
        else this.#emit(verdict.alarm);
        return;
    }
  }

  #reportFinal(height: number): void {
    for (const l of this.#finalListeners) l(height);
  }

  /** Stores the buffered signatures in one SQLite transaction. */
  #flushSignatures(): void {
    clearTimeout(this.#sigFlushTimer);
    this.#sigFlushTimer = undefined;
    const batch = this.#sigBuffer;
    if (batch.length === 0 || this.#chain.failed !== undefined) return;
    this.#sigBuffer = [];
    const chain = this.#chain;
    try {
      chain.store.db.transaction(() => {
        for (const b of batch) chain.addCheckedSignature(b.height, b.s);
      })();
    } catch (err) {
      this.#fail(err);
    }
  }

  /** The signature stream sequence below which every message has been stored or dropped. */
  #safeSigSeq(): number {
    // Both sets receive sequences in increasing order: their first entries are their least.
    let min = this.#sigSeq;
    for (const set of [this.#waitingSigSeqs, this.#evidenceSeqs]) {
      const first = set.values().next();
      if (first.done !== true && first.value - 1 < min) min = first.value - 1;
    }
    return min;
  }

  #queueSignature(m: SignatureMessage): void {
    this.#sigOut.push(m);
    this.#pumpSignatures();
  }

  #pumpSignatures(): void {
    while (this.#sigInFlight < SIG_PUBLISH_CONCURRENCY && this.#sigOut.length > 0) {
      const m = this.#sigOut.shift()!;
      const { checkpoint: cp, signature: s } = m;
      this.#sigInFlight++;
      void this.#publishSignature(m, `${s.org}-${cp.height}-${cp.blockHash}`)
        .then((ok) => {
          if (ok) this.#acked(cp.height);
        })
        .finally(() => {
          this.#sigInFlight--;
          this.#pumpSignatures();
        });
    }
  }

  /** Publishes an own signature, retrying until it is stored (the others need it for finality). */
  async #publishSignature(m: SignatureMessage, msgID: string): Promise<boolean> {
    const subject = this.#names.sigSubjectPrefix + m.signature.org;
    while (this.#nc !== undefined && !this.#nc.isClosed()) {
      try {
        await this.#publish(subject, encodeSignature(m), msgID);
        return true;
      } catch {
        if (this.#closed) return false; // republished from the stored mark at the next start
        await sleep(250); // the cluster is down: keep the signature and try again
      }
    }
    return false;
  }

  #acked(height: number): void {
    this.#ackedHeights.add(height);
    while (this.#ackedHeights.delete(this.#ackedMark + 1)) this.#ackedMark++;
  }

  /** Publishes again the own signatures of blocks after the stored mark (lost in a crash or a close). */
  #republishOwnSignatures(): void {
    const chain = this.#chain;
    const org = chain.signer?.org;
    if (org === undefined) return;
    for (let h = Math.max(1, this.#ackedMark + 1); h <= chain.head.height; h++) {
      const signed = chain.signedCheckpoint(h);
      const own = signed.signatures.find((x) => x.org === org);
      if (own === undefined)
        this.#acked(h); // not a member then: nothing to publish
      else this.#queueSignature({ checkpoint: signed.checkpoint, signature: own });
    }
  }

  // ---- deadlines -------------------------------------------------------------------------

  /**
   * Publishes a deadline tick if a deadline is due by the clock: the stream's time then decides
   * (every node gets the same message, so the same block).
   */
  tick(): void {
    // A node still replaying the stream would tick for deadlines the stream already passed.
    if (this.#closed || this.#halted !== undefined || this.#js === undefined || !this.#caughtUpNow)
      return;
    const next = this.#chain.deadlines.peek(this.#chain.state);
    if (next === undefined || next.at > this.#o.clock()) {
      this.#armDeadline();
      return;
    }
    const now = this.#o.clock();
    const attempt = this.#tickAttempts.get(next.at) ?? { n: 0, last: -Infinity };
    if (now - attempt.last < TICK_RETRY_MS) {
      this.#armDeadline(attempt.last + TICK_RETRY_MS - now);
      return;
    }
    this.#tickAttempts.clear();
    this.#tickAttempts.set(next.at, { n: attempt.n + 1, last: now });
    const bytes = encodeTick(next.at);
    void this.#publish(this.#names.batchSubject, bytes, `tick-${next.at}-${attempt.n}`)
      .catch(() => undefined) // the cluster is down; the next arm retries
      .finally(() => this.#armDeadline(TICK_RETRY_MS));
  }

  #armDeadline(minWait = 0): void {
    clearTimeout(this.#deadlineTimer);
    this.#deadlineTimer = undefined;
    if (this.#closed || !this.#o.deadlineTimer || this.#halted !== undefined) return;
    const next = this.#chain.deadlines.peek(this.#chain.state);
    if (next === undefined) return;
    const wait = Math.min(Math.max(next.at - this.#o.clock(), minWait, 0), 2 ** 31 - 1);
    this.#deadlineTimer = setTimeout(() => this.tick(), wait);
    this.#deadlineTimer.unref();
  }

  // ---- closing ---------------------------------------------------------------------------

  /**
   * Stops accepting; publishes what is in the outbox and waits (bounded by `submitTimeoutMs`)
   * for this node to apply it; then stops consuming, stores buffered signatures and disconnects.
   */
  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close(): Promise<void> {
    const until = Date.now() + this.#o.submitTimeoutMs;
    if (this.#js !== undefined) {
      await this.#pump();
      while (this.#waiters.size > 0 && Date.now() < until && this.#halted === undefined)
        await sleep(20);
    }
    this.#closed = true;
    clearTimeout(this.#deadlineTimer);
    clearTimeout(this.#flushTimer);
    clearInterval(this.#sweepTimer);
    for (const stop of this.#stops) stop();
    await this.#applyTail;
    this.#flushSignatures();
    // Own signatures of the last blocks still on their way (bounded; the rest at the next start).
    const sigsUntil = Date.now() + 2000;
    while ((this.#sigOut.length > 0 || this.#sigInFlight > 0) && Date.now() < sigsUntil)
      await sleep(10);
    try {
      this.#chain.store.setMeta(META_SIG_ACKED, String(this.#ackedMark));
    } catch {
      // a failed store: the next start republishes from the mark of the last block
    }
    this.#published.clear();
    const error = new AppError('ERR_LEDGER_STOPPED', 'the node stopped before applying it');
    for (const id of [...this.#waiters.keys()]) this.#settle(id, { ok: false, id, error });
    this.#failConnect(new Error('closed'));
    await this.#nc?.close().catch(() => undefined);
  }
}
