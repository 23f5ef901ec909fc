import { canonicalize, ed25519Verify, equalBytes } from '../crypto/index.ts';
import { AppError, isAppError } from '../errors.ts';
import type { PendingBlock } from './chain.ts';
import { MAX_DEADLINES_PER_BLOCK, type DeadlineQueue } from './deadlines.ts';
import type { BlockContext, StateReader, TxContext } from './module.ts';
import type { ModuleRegistry, RegisteredKind } from './registry.ts';
import { describeSchemaError, runModuleCode } from './registry.ts';
import type { SignatureJob } from './sig-pool.ts';
import { moduleState, readJson, StateOverlay } from './state.ts';
import { signingBytesOf, type Tx } from './tx.ts';

/** A transaction may be created at most this far ahead of the block time… */
export const MAX_TX_FUTURE_MS = 5 * 60 * 1000;
/** …and at most this long before it (so old signed transactions cannot be replayed late). */
export const MAX_TX_AGE_MS = 24 * 60 * 60 * 1000;

/** State key of a signer's last committed nonce (core namespace). */
export function nonceKey(signerDid: string): string {
  return `core/nonce/${signerDid}`;
}

/** Last committed nonce of a signer (0 if none). */
export function lastNonce(state: StateReader, signerDid: string): number {
  return readJson<number>(state, nonceKey(signerDid)) ?? 0;
}

/** A signer key as resolved at admission, with the state reads it depended on. */
interface KeyHint {
  readonly publicKey: Uint8Array;
  /** `[key, value]` of every state read the resolver made (none for a self-certifying did:key). */
  readonly reads: readonly (readonly [string, string | undefined])[];
}

/**
 * A transaction past the stateless checks, each done once: decoded, its kind registered, its
 * body valid against the kind's schema, and its signer key as the state knew it at admission
 * (undefined when the key did not exist yet: an earlier transaction may create it).
 */
export interface AdmittedTx {
  readonly tx: Tx;
  readonly kind: RegisteredKind;
  readonly key: KeyHint | undefined;
}

/**
 * Stateless checks (kind and body schema) and the signer key hint, resolved in `state`.
 * @throws ERR_LEDGER_UNKNOWN_KIND, ERR_LEDGER_SCHEMA
 */
export function admitTx(registry: ModuleRegistry, tx: Tx, state: StateReader): AdmittedTx {
  const kind = registry.kind(tx.payload.kind);
  if (!kind.validate(tx.payload.body)) {
    throw new AppError(
      'ERR_LEDGER_SCHEMA',
      `${tx.payload.kind} body ${describeSchemaError(kind.validate)}`,
    );
  }
  return { tx, kind, key: keyHint(registry, state, tx.payload.signer) };
}

function keyHint(
  registry: ModuleRegistry,
  state: StateReader,
  signer: string,
): KeyHint | undefined {
  // A did:key is self-certifying: no state to read, nothing to record.
  const reads: [string, string | undefined][] = [];
  const reader: StateReader = signer.startsWith('did:key:')
    ? state
    : {
        get(k) {
          const v = state.get(k);
          reads.push([k, v]);
          return v;
        },
      };
  try {
    return { publicKey: registry.resolveKey(reader, signer), reads };
  } catch (err) {
    // The key may come into existence in an earlier transaction: decide at execution.
    if (isAppError(err, 'ERR_LEDGER_BAD_SIGNER')) return undefined;
    throw err;
  }
}

/** The signature checks to hand to a {@link SignatureVerifier}, one per admitted tx with a key, in order. */
export function signatureJobs(admitted: readonly (AdmittedTx | undefined)[]): SignatureJob[] {
  const jobs: SignatureJob[] = [];
  for (const a of admitted)
    if (a?.key !== undefined)
      jobs.push({ sig: a.tx.sig, msg: signingBytesOf(a.tx), publicKey: a.key.publicKey });
  return jobs;
}

/**
 * Pairs verifier results back with the admitted txs: the result of each tx that had a job,
 * undefined for the others.
 */
export function signatureResults(
  admitted: readonly (AdmittedTx | undefined)[],
  results: readonly boolean[],
): (boolean | undefined)[] {
  let j = 0;
  return admitted.map((a) => (a?.key === undefined ? undefined : results[j++] === true));
}

/** A check run on a transaction's effects before they are merged into the block; throws to reject. */
export type TxGuard = (effects: StateOverlay, tx: AdmittedTx) => void;

/**
 * The one block executor: the solo orderer builds blocks with it, `verify` replays them with it,
 * and a consortium orderer will too. Per transaction, in a fixed order: time window → signer key
 * (the admission hint, re-resolved only if a state value it was read from has changed) →
 * signature (the verifier's result for the hinted key, else checked here) → nonce → module
 * authorization → module apply. All writes go to a private overlay merged into the block only
 * if every step passes, so a rejected transaction changes nothing. At the end of the block the
 * due deadlines run ({@link BlockExecutor.finish}).
 */
export class BlockExecutor implements BlockContext {
  readonly state: StateOverlay;
  readonly txs: Tx[] = [];
  readonly ids = new Set<string>();
  /** Errors of deadline handlers that threw (their writes were discarded). */
  readonly deadlineErrors: AppError[] = [];
  readonly height: number;
  readonly blockTime: number;
  readonly #registry: ModuleRegistry;
  readonly #deadlines: DeadlineQueue;
  readonly #firstLogIndex: number;

  constructor(
    registry: ModuleRegistry,
    base: StateReader,
    deadlines: DeadlineQueue,
    height: number,
    blockTime: number,
    firstLogIndex: number,
  ) {
    this.height = height;
    this.blockTime = blockTime;
    this.#registry = registry;
    this.state = new StateOverlay(base);
    this.#deadlines = deadlines;
    this.#firstLogIndex = firstLogIndex;
  }

  /** Log index the next transaction gets. */
  get nextLogIndex(): number {
    return this.#firstLogIndex + this.txs.length;
  }

  /**
   * Validates and applies one admitted transaction; on success it joins the block.
   * @param sigOk the verifier's result for the admission key (undefined: none was checked)
   * @returns its log index
   * @throws ERR_LEDGER_TX_TIME, ERR_LEDGER_BAD_SIGNER, ERR_LEDGER_BAD_SIGNATURE, ERR_LEDGER_REPLAY,
   *   ERR_LEDGER_UNAUTHORIZED, ERR_LEDGER_MODULE_FAILED (a module bug), or a module's code
   */
  execute(a: AdmittedTx, sigOk: boolean | undefined, guard?: TxGuard): number {
    const { tx } = a;
    const { payload } = tx;
    const time = this.blockTime;
    if (payload.created > time + MAX_TX_FUTURE_MS || payload.created < time - MAX_TX_AGE_MS) {
      throw new AppError(
        'ERR_LEDGER_TX_TIME',
        `created ${payload.created} is outside [${time - MAX_TX_AGE_MS}, ${time + MAX_TX_FUTURE_MS}] of block time ${time}`,
      );
    }
    if (!this.#signatureHolds(a, sigOk))
      throw new AppError(
        'ERR_LEDGER_BAD_SIGNATURE',
        `signature does not verify for ${payload.signer}`,
      );
    const last = lastNonce(this.state, tx.signerDid);
    if (payload.nonce <= last) {
      throw new AppError(
        'ERR_LEDGER_REPLAY',
        `nonce ${payload.nonce} is not greater than the last nonce ${last} of ${tx.signerDid}`,
        { details: { lastNonce: last } },
      );
    }
    const logIndex = this.nextLogIndex;
    const ctx: TxContext = {
      tx,
      signer: tx.signerDid,
      keyId: payload.signer,
      height: this.height,
      blockTime: time,
      logIndex,
    };
    const { def, module } = a.kind;
    const effects = new StateOverlay(this.state);
    effects.set(nonceKey(tx.signerDid), canonicalize(payload.nonce));
    runModuleCode(module, payload.kind, () => {
      def.authorize(this.state, ctx, payload.body);
      def.apply(
        moduleState(effects, module.namespace, this.#deadlines, this.#registry.checkDocument),
        ctx,
        payload.body,
      );
    });
    guard?.(effects, a);
    effects.mergeInto(this.state);
    this.txs.push(tx);
    this.ids.add(tx.id);
    return logIndex;
  }

  /** Is the signature good for the signer key as it is now in the block's state? */
  #signatureHolds(a: AdmittedTx, sigOk: boolean | undefined): boolean {
    const hint = a.key;
    if (
      hint !== undefined &&
      sigOk !== undefined &&
      hint.reads.every(([k, v]) => this.state.get(k) === v)
    )
      return sigOk;
    // No hint, or the key's state changed since admission (e.g. rotated earlier in this block).
    const publicKey = this.#registry.resolveKey(this.state, a.tx.payload.signer);
    if (hint !== undefined && sigOk !== undefined && equalBytes(publicKey, hint.publicKey))
      return sigOk;
    return ed25519Verify(a.tx.sig, signingBytesOf(a.tx), publicKey);
  }

  /**
   * Runs the deadlines due at the block time (at most {@link MAX_DEADLINES_PER_BLOCK}, in key
   * order: time, then namespace and ref), each in its own overlay, and returns the block.
   * A handler that throws has its writes discarded (the deadline is still consumed) and its error
   * kept in {@link BlockExecutor.deadlineErrors}.
   */
  finish(): PendingBlock & { readonly deadlinesRun: number } {
    // Handlers see the block's height and time only, never the executor or its overlay.
    const block: BlockContext = Object.freeze({ height: this.height, blockTime: this.blockTime });
    let run = 0;
    while (run < MAX_DEADLINES_PER_BLOCK) {
      const d = this.#deadlines.takeDue(this.state, this.blockTime);
      if (d === undefined) break;
      run++;
      const module = this.#registry.moduleOf(d.namespace);
      const effects = new StateOverlay(this.state);
      effects.delete(d.key);
      const handler = module?.onDeadline;
      if (module !== undefined && handler !== undefined) {
        try {
          runModuleCode(module, `deadline ${d.ref}`, () =>
            handler(
              moduleState(effects, module.namespace, this.#deadlines, this.#registry.checkDocument),
              block,
              d.ref,
              d.at,
            ),
          );
        } catch (err) {
          // runModuleCode throws only typed errors.
          this.deadlineErrors.push(err as AppError);
          effects.changes.clear();
          effects.delete(d.key);
        }
      }
      effects.mergeInto(this.state);
    }
    return { time: this.blockTime, txs: this.txs, state: this.state, deadlinesRun: run };
  }
}
