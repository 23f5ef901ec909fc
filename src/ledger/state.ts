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
  const prefix = `${namespace}/`;
  const check = (key: string): void => {
    if (!key.startsWith(prefix) || key.length === prefix.length) {
      // A module bug, not bad input: it must never write outside its namespace.
      throw new RangeError(
        `module "${namespace}" tried to write key ${JSON.stringify(key)} outside its namespace`,
      );
    }
  };
  return {
    // Read-only for the module: writes go through write/remove, which check the namespace.
    reader: { get: (key) => overlay.get(key) },
    read: <T = JsonValue>(key: string) => readJson<T>(overlay, key),
    write(key, value) {
      check(key);
      overlay.set(key, canonicalize(value));
    },
    remove(key) {
      check(key);
      overlay.delete(key);
    },
    schedule(at, ref) {
      const key = deadlineKey(at, namespace, ref);
      overlay.set(key, '1');
      deadlines.push(key);
    },
    unschedule(at, ref) {
      const key = deadlineKey(at, namespace, ref);
      if (overlay.get(key) !== undefined) overlay.delete(key);
    },
    checkDocument(topic, document) {
      if (documents === undefined)
        throw new AppError('ERR_LEDGER_UNKNOWN_DOCUMENT', `no module declares document ${topic}`);
      documents(topic, document, overlay);
    },
  };
}
