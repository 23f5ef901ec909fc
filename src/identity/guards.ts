/**
 * What keeps the authority's API safe under load and races: single-use values that expire
 * (challenges, request nonces) with a quota per signer, and a lock per person (uniqueness tag) so
 * that enrollment, re-binding, revocation and copy issuance of one person never interleave
 * (`OneTimeValues` and `KeyedLock` of the did layer), and what a full set means here.
 */
import { KeyedLock, OneTimeValues } from '../did/index.ts';
import { AppError } from '../errors.ts';

export { KeyedLock, OneTimeValues };

/** Maps a full {@link OneTimeValues} answer to its error (a replay, a quota, the whole set). */
export function checkAdded(result: ReturnType<OneTimeValues['add']>, what: string): void {
  if (result === 'seen')
    throw new AppError('ERR_DID_AUTH_REPLAYED', `this ${what} was already received`);
  if (result === 'owner-full')
    throw new AppError(
      'ERR_IDENTITY_RATE_LIMITED',
      `too many ${what}s from this signer; retry in a few minutes`,
    );
  if (result === 'full')
    throw new AppError(
      'ERR_IDENTITY_AUTHORITY_UNAVAILABLE',
      `too many ${what}s in flight; retry later`,
    );
}
