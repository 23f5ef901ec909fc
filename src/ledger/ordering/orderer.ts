import type { AppError } from '../../errors.ts';
import type { StateReader } from '../module.ts';

/** What happened to one submitted transaction. */
export type SubmitOutcome =
  | { readonly ok: true; readonly id: string; readonly height: number; readonly logIndex: number }
  | { readonly ok: false; readonly id?: string; readonly error: AppError };

/**
 * Orders transactions into blocks. `submit` resolves once each transaction is committed
 * (durable) or rejected; a rejected transaction changed nothing. Implementations: `solo`
 * (one process, embedded) and, later, `nats` (JetStream-replicated log for a consortium).
 */
export interface Orderer {
  /** Submits signed transactions (wire JSON values), preserving their order. */
  submit(inputs: readonly unknown[]): Promise<SubmitOutcome[]>;
  /** Number of transactions accepted but not yet committed. */
  readonly pending: number;
  /** State including what is accepted but not yet committed (for nonce look-ups by clients). */
  readonly pendingState: StateReader;
  /** Re-reads the clock and seals a block for deadlines that fell due (tests that move a clock call it). */
  tick(): void;
  /** Stops accepting, commits what is pending, and resolves when done. */
  close(): Promise<void>;
}
