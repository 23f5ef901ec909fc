/**
 * A small cache of proven lookups (an issuer's key and accreditation, a site's registration):
 * answers kept for a time, least recently used dropped first, and one lookup in flight per key
 * however many callers wait for it. A failed lookup is not kept.
 */
export class TtlCache<V> {
  readonly #ttlMs: number;
  readonly #max: number;
  readonly #now: () => number;
  /** Settled answers, least recently used first; and lookups in flight (one per key). */
  readonly #ready = new Map<string, { readonly value: V; readonly at: number }>();
  readonly #inFlight = new Map<string, Promise<V>>();

  /**
   * @param o.ttlMs how long an answer stays fresh; o.maxEntries how many are kept (default 1024)
   * @throws RangeError for a negative ttl or fewer than one entry
   */
  constructor(o: {
    readonly ttlMs: number;
    readonly maxEntries?: number;
    readonly now?: () => number;
  }) {
    if (!(o.ttlMs >= 0)) throw new RangeError(`"ttlMs" must be >= 0, got ${o.ttlMs}`);
    const max = o.maxEntries ?? 1024;
    if (!(Number.isSafeInteger(max) && max >= 1))
      throw new RangeError(`"maxEntries" must be a positive integer, got ${max}`);
    this.#ttlMs = o.ttlMs;
    this.#max = max;
    this.#now = o.now ?? Date.now;
  }

  /** The fresh answer for `key`, if there is one (marking it most recently used). */
  peek(key: string): V | undefined {
    const e = this.#ready.get(key);
    if (e === undefined || this.#now() - e.at >= this.#ttlMs) return undefined;
    this.#ready.delete(key);
    this.#ready.set(key, e);
    return e.value;
  }

  /** The fresh answer for `key`, else the answer of `load` (shared by every caller meanwhile). */
  get(key: string, load: () => Promise<V>): Promise<V> {
    const fresh = this.peek(key);
    if (fresh !== undefined) return Promise.resolve(fresh);
    const pending = this.#inFlight.get(key);
    if (pending !== undefined) return pending;
    const p = load()
      .then((value) => {
        this.#ready.delete(key);
        this.#ready.set(key, { value, at: this.#now() });
        if (this.#ready.size > this.#max) this.#ready.delete(this.#ready.keys().next().value!);
        return value;
      })
      .finally(() => this.#inFlight.delete(key));
    this.#inFlight.set(key, p);
    return p;
  }

  /** Forgets `key`'s answer (e.g. after a change the caller made itself). */
  delete(key: string): void {
    this.#ready.delete(key);
  }
}
