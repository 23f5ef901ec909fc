/**
 * What keeps the credit node part safe under load and races: single-use values that expire
 * (request nonces, body-read proof nonces) with a quota per signer, and a lock per key (a record)
 * so that two bodies sent for one record never interleave their store, submit and undo. The
 * identity module has the same guards; siblings do not import each other, so credit keeps its own.
 */
import { AppError } from '../errors.ts';

/**
 * Single-use values with a common lifetime: each value is remembered until it expires, at most
 * `capacity` in all and `perOwner` per owner. Expiry follows insertion order, so pruning pops the
 * oldest entries only (amortized O(1) per value).
 */
export class OneTimeValues {
  readonly #entries = new Map<string, { expires: number; owner: string }>();
  readonly #perOwner = new Map<string, number>();
  readonly #capacity: number;
  readonly #ownerLimit: number;

  constructor(capacity: number, perOwner = capacity) {
    this.#capacity = capacity;
    this.#ownerLimit = perOwner;
  }

  /**
   * Remembers `value` for `owner` until `expires`.
   * @returns `seen` for a value already there, `owner-full` / `full` when a limit is reached
   */
  add(
    value: string,
    owner: string,
    expires: number,
    now: number,
  ): 'added' | 'seen' | 'owner-full' | 'full' {
    this.#prune(now);
    if (this.#entries.has(value)) return 'seen';
    const count = this.#perOwner.get(owner) ?? 0;
    if (count >= this.#ownerLimit) return 'owner-full';
    if (this.#entries.size >= this.#capacity) return 'full';
    this.#entries.set(value, { expires, owner });
    this.#perOwner.set(owner, count + 1);
    return 'added';
  }

  #prune(now: number): void {
    for (const [value, e] of this.#entries) {
      if (e.expires >= now) return;
      this.#entries.delete(value);
      const n = (this.#perOwner.get(e.owner) ?? 1) - 1;
      if (n === 0) this.#perOwner.delete(e.owner);
      else this.#perOwner.set(e.owner, n);
    }
  }
}

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

/** One lock per key: `run(key, fn)` runs after every earlier `run` of the same key settled. */
export class KeyedLock {
  readonly #tails = new Map<string, Promise<unknown>>();

  async run<T>(key: string, fn: () => Promise<T> | T): Promise<T> {
    const before = this.#tails.get(key) ?? Promise.resolve();
    const mine = before.then(fn, fn);
    const tail = mine.then(
      () => undefined,
      () => undefined,
    );
    this.#tails.set(key, tail);
    try {
      return await mine;
    } finally {
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    }
  }
}
