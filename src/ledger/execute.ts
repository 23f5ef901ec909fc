import { canonicalize } from '../crypto/index.ts';
import { AppError } from '../errors.ts';
import type { StateReader, TxContext } from './module.ts';
import type { ModuleRegistry, RegisteredKind } from './registry.ts';
import { describeSchemaError } from './registry.ts';
import { moduleState, readJson, StateOverlay } from './state.ts';
import type { Tx } from './tx.ts';

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

/**
 * Stateless checks: the kind is registered and the body matches its JSON Schema.
 * @throws ERR_LEDGER_UNKNOWN_KIND, ERR_LEDGER_SCHEMA
 */
export function checkStateless(registry: ModuleRegistry, tx: Tx): RegisteredKind {
  const kind = registry.kind(tx.payload.kind);
  if (!kind.validate(tx.payload.body)) {
    throw new AppError('ERR_LEDGER_SCHEMA', `${tx.payload.kind} body ${describeSchemaError(kind.validate)}`);
  }
  return kind;
}

/** Where and when a transaction is being applied. */
export interface BlockPosition {
  readonly height: number;
  readonly blockTime: number;
  readonly logIndex: number;
}

/**
 * Checks the signature for a resolved key. The solo orderer passes one that trusts a signature
 * a worker already verified for this exact key; `verify` and tests pass a synchronous check.
 */
export type SignatureCheck = (tx: Tx, publicKey: Uint8Array) => boolean;

/**
 * The validation pipeline and state transition of one transaction, in a fixed order: kind and
 * schema → time window → signer key (resolved in `state`) → signature → nonce → module
 * authorization → module apply. All writes go to a private overlay that is merged into `state`
 * only if every step passes, so a rejected transaction changes nothing.
 *
 * @throws ERR_LEDGER_UNKNOWN_KIND, ERR_LEDGER_SCHEMA, ERR_LEDGER_TX_TIME, ERR_LEDGER_BAD_SIGNER,
 *   ERR_LEDGER_BAD_SIGNATURE, ERR_LEDGER_REPLAY, ERR_LEDGER_UNAUTHORIZED, or a module's code
 */
export function executeTx(
  registry: ModuleRegistry,
  state: StateOverlay,
  tx: Tx,
  pos: BlockPosition,
  checkSignature: SignatureCheck,
): void {
  const { def, module } = checkStateless(registry, tx);
  const { payload } = tx;
  if (payload.created > pos.blockTime + MAX_TX_FUTURE_MS || payload.created < pos.blockTime - MAX_TX_AGE_MS) {
    throw new AppError('ERR_LEDGER_TX_TIME', `created ${payload.created} is outside [${pos.blockTime - MAX_TX_AGE_MS}, ${pos.blockTime + MAX_TX_FUTURE_MS}] of block time ${pos.blockTime}`);
  }
  const publicKey = registry.resolveKey(state, payload.signer);
  if (!checkSignature(tx, publicKey)) throw new AppError('ERR_LEDGER_BAD_SIGNATURE', `signature does not verify for ${payload.signer}`);
  const last = lastNonce(state, tx.signerDid);
  if (payload.nonce <= last) {
    throw new AppError('ERR_LEDGER_REPLAY', `nonce ${payload.nonce} is not greater than the last nonce ${last} of ${tx.signerDid}`, { details: { lastNonce: last } });
  }
  const ctx: TxContext = { tx, signer: tx.signerDid, keyId: payload.signer, ...pos };
  def.authorize(state, ctx, payload.body);
  const overlay = new StateOverlay(state);
  overlay.set(nonceKey(tx.signerDid), canonicalize(payload.nonce));
  def.apply(moduleState(overlay, module.namespace), ctx, payload.body);
  overlay.mergeInto(state);
}
