import { AppError, isAppError } from '../../errors.ts';
import type { Chain, PendingBlock } from '../chain.ts';
import { admitTx, type AdmittedTx, type BlockExecutor } from '../execute.ts';
import type { StateReader } from '../module.ts';
import type { ModuleRegistry } from '../registry.ts';
import type { InvalidTx } from '../store/sqlite.ts';
import type { Tx } from '../tx.ts';
import type { BatchEntry } from './nats-wire.ts';

/** One stream message on its way to becoming a block. */
export interface OrderedItem {
  readonly seq: number;
  /** The stream's timestamp of the message, ms. */
  readonly timeMs: number;
  readonly entries: readonly BatchEntry[];
}

/** Per entry: admitted, or the stateless reason it can never apply. */
export type OrderedAdmission = AdmittedTx | AppError;

/**
 * Admission for ordered transactions. Only the stateless checks (kind, schema) may reject here:
 * the state a node admits against depends on how far its pipeline is, so a key that cannot be
 * resolved now is decided at execution, against the block's state, like on every other node.
 */
export function admitOrdered(registry: ModuleRegistry, tx: Tx, state: StateReader): AdmittedTx {
  try {
    return admitTx(registry, tx, state);
  } catch (err) {
    if (isAppError(err, 'ERR_LEDGER_SCHEMA') || isAppError(err, 'ERR_LEDGER_UNKNOWN_KIND'))
      throw err;
    // admitTx checked the kind and the schema before resolving the key: the kind is registered.
    return { tx, kind: registry.kind(tx.payload.kind), key: undefined };
  }
}

/** {@link admitOrdered} for every entry of a batch (decode failures stay errors). */
export function admitEntries(
  registry: ModuleRegistry,
  entries: readonly BatchEntry[],
  state: StateReader,
): OrderedAdmission[] {
  return entries.map((e) => {
    if (e.tx === undefined) return e.error;
    try {
      return admitOrdered(registry, e.tx, state);
    } catch (err) {
      if (!isAppError(err)) throw err;
      return err;
    }
  });
}

/** What applying one message gave. */
export interface AppliedBatch {
  /** The block to commit; undefined when the message changes nothing and records nothing. */
  readonly block: (PendingBlock & { readonly invalid: readonly InvalidTx[] }) | undefined;
  readonly valid: readonly { readonly id: string; readonly logIndex: number }[];
  readonly invalid: readonly { readonly id: string; readonly error: AppError }[];
  readonly deadlineErrors: readonly AppError[];
}

/**
 * Applies one stream message as the next block with the shared {@link BlockExecutor}: block time
 * is the stream's timestamp (never before the parent's + 1 ms); each entry in message order
 * either joins the block or is recorded as invalid with its code at the log index it was tried
 * at. Deterministic: every node that applies the same message on the same chain gets the same.
 */
export function applyBatch(
  chain: Chain,
  admitted: readonly OrderedAdmission[],
  sigs: readonly (boolean | undefined)[],
  item: OrderedItem,
): AppliedBatch {
  const exec = chain.nextBlock(item.timeMs);
  const invalidRows: InvalidTx[] = [];
  const valid: { id: string; logIndex: number }[] = [];
  const invalid: { id: string; error: AppError }[] = [];
  const record = (i: number, error: AppError): void => {
    const entry = item.entries[i]!;
    const id = entry.tx?.id ?? null;
    invalidRows.push({
      id,
      position: exec.nextLogIndex,
      code: error.code,
      message: error.message,
      bytes: entry.tx === undefined ? entry.raw : entry.tx.bytes,
    });
    if (id !== null) invalid.push({ id, error });
  };
  admitted.forEach((a, i) => {
    if (a instanceof AppError) return record(i, a);
    if (exec.ids.has(a.tx.id))
      return record(
        i,
        new AppError('ERR_LEDGER_DUPLICATE_TX', `transaction ${a.tx.id} is already in this block`),
      );
    try {
      valid.push({ id: a.tx.id, logIndex: exec.execute(a, sigs[i]) });
    } catch (err) {
      if (!isAppError(err)) throw err;
      record(i, err);
    }
  });
  const pending = exec.finish();
  const block =
    pending.txs.length === 0 && invalidRows.length === 0 && pending.deadlinesRun === 0
      ? undefined
      : { time: pending.time, txs: pending.txs, state: pending.state, invalid: invalidRows };
  return { block, valid, invalid, deadlineErrors: exec.deadlineErrors };
}
