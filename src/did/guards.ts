/**
 * Guards of node-side request handling (the identity authority's API, the credit node part):
 * single-use values that expire (challenges, request nonces, proof nonces) with a quota per signer,
 * and a lock per key so that the operations on one person or record never interleave. Each module
 * maps a full or replayed answer to its own error codes.
 */

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

  /** Takes `value` out; true if it was there and not expired. */
  take(value: string, now: number): boolean {
    const e = this.#entries.get(value);
    if (e === undefined) return false;
    this.#forget(value, e.owner);
    return e.expires >= now;
  }

  #prune(now: number): void {
    for (const [value, e] of this.#entries) {
      if (e.expires >= now) return;
      this.#forget(value, e.owner);
    }
  }

  #forget(value: string, owner: string): void {
    this.#entries.delete(value);
    const n = (this.#perOwner.get(owner) ?? 1) - 1;
    if (n === 0) this.#perOwner.delete(owner);
    else this.#perOwner.set(owner, n);
  }
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
