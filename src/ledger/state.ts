import { canonicalize, type JsonValue } from '../crypto/index.ts';
import { deadlineKey, type DeadlineQueue } from './deadlines.ts';
import { AppError } from '../errors.ts';
import type { ModuleState, StateReader } from './module.ts';

/** Checks a governance document for a topic (the registry's {@link ModuleRegistry.checkDocument}). */
export type DocumentChecker = (topic: string, document: unknown, state: StateReader) => void;

/** Marker for a key deleted in an overlay. */
const DELETED = null;

/**
 * A copy-on-write layer over a reader: writes stay here until merged into the layer below.
 * Transactions run in their own overlay over the block's overlay, so a rejected transaction
 * is dropped without a trace.
 */
export class StateOverlay implements StateReader {
  readonly #base: StateReader;
  readonly changes = new Map<string, string | null>();

  constructor(base: StateReader) {
    this.#base = base;
  }

  get(key: string): string | undefined {
    const v = this.changes.get(key);
    if (v === undefined) return this.#base.get(key);
    return v === DELETED ? undefined : v;
  }

  set(key: string, value: string): void {
    this.changes.set(key, value);
  }

  delete(key: string): void {
    this.changes.set(key, DELETED);
  }

  /** Moves every change of this overlay into `target` (another overlay). */
  mergeInto(target: StateOverlay): void {
    for (const [k, v] of this.changes) target.changes.set(k, v);
    this.changes.clear();
  }
}

/** Parses a state value written by {@link ModuleState.write}. */
export function readJson<T = JsonValue>(reader: StateReader, key: string): T | undefined {
  const text = reader.get(key);
  return text === undefined ? undefined : (JSON.parse(text) as T);
}

/**
 * A module's view of an overlay: writes confined to `<namespace>/`; deadlines written under
 * `core/deadline/` and pushed to `deadlines` (which tolerates entries of rolled-back overlays).
 */
export function moduleState(
  overlay: StateOverlay,
  namespace: string,
  deadlines: DeadlineQueue,
  documents?: DocumentChecker,
): ModuleState {
  return new ModuleView(overlay, namespace, deadlines, documents);
}

/**
 * {@link moduleState}'s view: one object per transaction, methods on the prototype (a module that
 * detaches a method, `const { write } = state`, loses `this`; modules call them on the state).
 */
class ModuleView implements ModuleState {
  readonly #overlay: StateOverlay;
  readonly #namespace: string;
  readonly #prefix: string;
  readonly #deadlines: DeadlineQueue;
  readonly #documents: DocumentChecker | undefined;
  #reader: StateReader | undefined;

  constructor(
    overlay: StateOverlay,
    namespace: string,
    deadlines: DeadlineQueue,
    documents: DocumentChecker | undefined,
  ) {
    this.#overlay = overlay;
    this.#namespace = namespace;
    this.#prefix = `${namespace}/`;
    this.#deadlines = deadlines;
    this.#documents = documents;
  }

  /** Read-only for the module: writes go through write/remove, which check the namespace. */
  get reader(): StateReader {
    const overlay = this.#overlay;
    return (this.#reader ??= { get: (key) => overlay.get(key) });
  }

  read<T = JsonValue>(key: string): T | undefined {
    return readJson<T>(this.#overlay, key);
  }

  write(key: string, value: unknown): void {
    this.#check(key);
    this.#overlay.set(key, canonicalize(value));
  }

  remove(key: string): void {
    this.#check(key);
    this.#overlay.delete(key);
  }

  schedule(at: number, ref: string): void {
    const key = deadlineKey(at, this.#namespace, ref);
    this.#overlay.set(key, '1');
    this.#deadlines.push(key);
  }

  unschedule(at: number, ref: string): void {
    const key = deadlineKey(at, this.#namespace, ref);
    if (this.#overlay.get(key) !== undefined) this.#overlay.delete(key);
  }

  checkDocument(topic: string, document: unknown): void {
    if (this.#documents === undefined)
      throw new AppError('ERR_LEDGER_UNKNOWN_DOCUMENT', `no module declares document ${topic}`);
    this.#documents(topic, document, this.#overlay);
  }

  #check(key: string): void {
    if (!key.startsWith(this.#prefix) || key.length === this.#prefix.length) {
      // A module bug, not bad input: it must never write outside its namespace.
      throw new RangeError(
        `module "${this.#namespace}" tried to write key ${JSON.stringify(key)} outside its namespace`,
      );
    }
  }
}
