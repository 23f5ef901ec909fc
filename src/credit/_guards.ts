/**
 * What keeps the credit node part safe under load and races: single-use values that expire
 * (request nonces, body-read proof nonces) with a quota per signer, and a lock per key (a record)
 * so that two bodies sent for one record never interleave their store, submit and undo
 * (`OneTimeValues` and `KeyedLock` of the did layer), and what a full set means here.
 */
import { KeyedLock, OneTimeValues } from '../did/index.ts';
import { AppError } from '../errors.ts';

export { KeyedLock, OneTimeValues };

/**
 * Maps a {@link OneTimeValues} answer to its error.
 * @throws ERR_DID_AUTH_REPLAYED for a value seen before, ERR_CREDIT_RATE_LIMITED for a full quota
 */
export function checkAdded(result: ReturnType<OneTimeValues['add']>, what: string): void {
  if (result === 'seen')
    throw new AppError('ERR_DID_AUTH_REPLAYED', `this ${what} was already received`);
  if (result === 'owner-full')
    throw new AppError(
      'ERR_CREDIT_RATE_LIMITED',
      `too many ${what}s from this signer; retry in a few minutes`,
    );
  if (result === 'full')
    throw new AppError('ERR_CREDIT_RATE_LIMITED', `too many ${what}s in flight; retry later`);
}
