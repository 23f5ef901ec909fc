import type { StateReader } from './module.ts';

/** State key prefix of scheduled deadlines (core namespace). */
export const DEADLINE_PREFIX = 'core/deadline/';
/** Digits of the zero-padded time in a deadline key, so that key order is time order. */
const TIME_DIGITS = 15;
/** Largest deadline time a key can hold (year 33658). */
export const MAX_DEADLINE_TIME = 10 ** TIME_DIGITS - 1;
/**
 * At most this many deadlines run at the end of one block; the rest run in the next blocks
 * (which the node seals at once, since they are due). A protocol constant: part of determinism.
 */
export const MAX_DEADLINES_PER_BLOCK = 10_000;

/** One scheduled deadline, as parsed from its key. */
export interface Deadline {
  readonly key: string;
  readonly at: number;
  readonly namespace: string;
  readonly ref: string;
}

/**
 * State key of a deadline: `core/deadline/<at, 15 digits>/<namespace>/<ref>`.
 * @throws RangeError for a time outside 0..MAX_DEADLINE_TIME or an empty ref (a module bug)
 */
export function deadlineKey(at: number, namespace: string, ref: string): string {
  if (!Number.isSafeInteger(at) || at < 0 || at > MAX_DEADLINE_TIME)
    throw new RangeError(`deadline time ${at} is outside 0..${MAX_DEADLINE_TIME}`);
  if (ref.length === 0 || ref.length > 256)
    throw new RangeError(`deadline ref must be 1..256 characters, got ${ref.length}`);
  return `${DEADLINE_PREFIX}${String(at).padStart(TIME_DIGITS, '0')}/${namespace}/${ref}`;
}

/** Parses a deadline key. @throws RangeError if `key` is not one */
export function parseDeadlineKey(key: string): Deadline {
  const rest = key.slice(DEADLINE_PREFIX.length);
  const slash = rest.indexOf('/', TIME_DIGITS + 1);
  const at = Number(rest.slice(0, TIME_DIGITS));
  if (
    !key.startsWith(DEADLINE_PREFIX) ||
    rest[TIME_DIGITS] !== '/' ||
    slash < 0 ||
    !Number.isSafeInteger(at)
  ) {
    throw new RangeError(`${JSON.stringify(key)} is not a deadline key`);
  }
  return { key, at, namespace: rest.slice(TIME_DIGITS + 1, slash), ref: rest.slice(slash + 1) };
}

/**
 * An in-memory index of scheduled deadline keys: a binary min-heap in key (= time) order. It is
 * derived from state (rebuilt at open from the `core/deadline/` keys) and may hold stale
 * entries: a key pushed by a transaction that was then rejected, or cancelled since. Every read
 * therefore checks the key against the state it is asked about, and drops what is not there.
 */
export class DeadlineQueue {
  readonly #heap: string[] = [];

  /** Builds the index from existing deadline keys (any order). */
  static from(keys: Iterable<string>): DeadlineQueue {
    const q = new DeadlineQueue();
    for (const k of keys) q.#heap.push(k);
    q.#heap.sort();
    return q;
  }

  get size(): number {
    return this.#heap.length;
  }

  push(key: string): void {
    const h = this.#heap;
    h.push(key);
    let i = h.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (h[parent]! <= key) break;
      h[i] = h[parent]!;
      i = parent;
    }
    h[i] = key;
  }

  /** The earliest deadline present in `state`, or undefined (stale entries on top are dropped). */
  peek(state: StateReader): Deadline | undefined {
    while (this.#heap.length > 0) {
      const top = this.#heap[0]!;
      if (state.get(top) !== undefined) return parseDeadlineKey(top);
      this.#pop();
    }
    return undefined;
  }

  /** Removes and returns the earliest deadline present in `state` if it is due at `time`. */
  takeDue(state: StateReader, time: number): Deadline | undefined {
    const d = this.peek(state);
    if (d === undefined || d.at > time) return undefined;
    this.#pop();
    return d;
  }

  #pop(): void {
    const h = this.#heap;
    const last = h.pop()!;
    if (h.length === 0) return;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= h.length) break;
      const r = l + 1;
      const c = r < h.length && h[r]! < h[l]! ? r : l;
      if (h[c]! >= last) break;
      h[i] = h[c]!;
      i = c;
    }
    h[i] = last;
  }
}
