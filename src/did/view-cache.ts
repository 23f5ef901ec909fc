/**
 * The resolver's read model: current did:rdid resolution results kept pre-rendered in memory,
 * except for the two parts that change with every block (the head checkpoint and the proof's
 * sibling hashes). Derived from committed state only, so it can always be rebuilt from it.
 */
import { constants } from 'node:buffer';
import { documentMetadataJson, renderDocumentJson, type DidRecord } from './document.ts';
import { negotiate, type Representation } from './http.ts';
import { MEDIA, RESULT_TEXT, type ResultForm } from './results.ts';
import { DID_KEYS } from './state.ts';

/** The parts of an answer that change with each block, supplied by the node that holds the proofs. */
export interface ViewProofSource {
  /** The head's signed checkpoint as JSON (UTF-8 bytes). */
  checkpointJson(): Uint8Array;
  /**
   * Writes the sibling hashes of `key`'s inclusion proof against the same head as JSON string
   * items (`"…","…"`) into `out` at `offset`; returns the offset after them, or -1 when the key
   * is absent.
   */
  writeInclusionSiblingsJson(key: string, out: Uint8Array, offset: number): number;
  /** Most bytes `writeInclusionSiblingsJson` writes. */
  readonly siblingsJsonMaxBytes: number;
}

/** A resolver answer served from the read model (the body as bytes). */
export interface CachedAnswer {
  readonly status: number;
  readonly contentType: string;
  readonly body: Buffer;
}

/** Counters of a {@link DidViewCache}. */
export interface DidViewStats {
  readonly entries: number;
  /** Bytes of rendered views (live), and the arena's capacity. */
  readonly bytes: number;
  readonly capacity: number;
  readonly hits: number;
  readonly misses: number;
  /** Views not kept because the byte budget was reached (their DIDs are resolved from the store). */
  readonly overBudget: number;
  /** Why the cache switched itself off, if it did. */
  readonly disabled?: string;
}

const RDID_PREFIX = 'did:rdid:';
const DOC_PREFIX = DID_KEYS.current('');
const MIN_ARENA = 1 << 16;
const MAX_LENGTH = constants.MAX_LENGTH;

/**
 * The three parts of a view of a current record: the JSON-LD document (a), the start of its
 * state proof (b) and the document metadata (c). A full result is
 * `head + a + metadata + PROOF_OPEN + checkpoint + PROOF_MID + b + siblings + PROOF_CLOSE + tail + c + "}"`
 * (head, metadata, tail: the result's own text, {@link RESULT_TEXT}), byte for byte what
 * {@link resolveForHttp} writes with the node's proof writer (a test holds the two together).
 */
function viewParts(
  key: string,
  value: string,
): { a: string; b: string; c: string; status: number } {
  const record = JSON.parse(value) as DidRecord;
  return {
    a: renderDocumentJson(record, true),
    b: `{"key":${JSON.stringify(key)},"value":${JSON.stringify(value)},"siblings":[`,
    c: documentMetadataJson(record),
    // A current record has no next version: deactivated means 410 Gone.
    status: record.deactivated ? 410 : 200,
  };
}

const bytes = (text: string): Buffer => Buffer.from(text);
/** `successMetadataJson` with one proof item `{"checkpoint":…,"stateProofs":[<one state proof>]}`, around its variable parts. */
const PROOF_OPEN = bytes(`{"contentType":"${MEDIA.didLdJson}","proof":[{"checkpoint":`);
const PROOF_MID = bytes(',"stateProofs":[');
const PROOF_CLOSE = bytes(']}]}]}');
const CLOSE = bytes('}');
const FORM_TEXT: Readonly<Record<ResultForm, { head: Buffer; metadata: Buffer; tail: Buffer }>> = {
  resolution: {
    head: bytes(RESULT_TEXT.resolution.head),
    metadata: bytes(RESULT_TEXT.resolution.metadata),
    tail: bytes(RESULT_TEXT.resolution.tail),
  },
  dereferencing: {
    head: bytes(RESULT_TEXT.dereferencing.head),
    metadata: bytes(RESULT_TEXT.dereferencing.metadata),
    tail: bytes(RESULT_TEXT.dereferencing.tail),
  },
};
/** Most bytes of fixed text in one answer. */
const FIXED_MAX =
  Math.max(
    ...Object.values(FORM_TEXT).map((t) => t.head.length + t.metadata.length + t.tail.length),
  ) +
  PROOF_OPEN.length +
  PROOF_MID.length +
  PROOF_CLOSE.length +
  CLOSE.length;
/** The full results the views serve, by representation. */
const SERVED: Partial<Record<Representation, { form: ResultForm; contentType: string }>> = {
  resolution: { form: 'resolution', contentType: MEDIA.resolution },
  'resolution-ld': { form: 'resolution', contentType: MEDIA.resolutionLd },
  dereferencing: { form: 'dereferencing', contentType: MEDIA.dereferencing },
};

/**
 * Pre-rendered current resolutions of did:rdid, in one off-heap byte arena (no JS object per
 * DID), within a byte budget. Fill it from committed state ({@link DidViewCache.fill}) and feed
 * it every committed block's changes ({@link DidViewCache.applyChanges}, from
 * `Chain.onCommit`), synchronously: it then always equals the state its proofs are taken from.
 * Historical versions, bare-document representations and DIDs over budget are not kept; the
 * caller resolves those from the store.
 *
 * @example
 * const views = new DidViewCache(512 * 2 ** 20);
 * views.fill(store.stateByPrefix('did/doc/', 1000));
 * chain.onCommit((changes) => views.applyChanges(changes));
 * const answer = views.answer(did, accept, query, proofSource); // undefined: resolve from the store
 */
export class DidViewCache {
  readonly maxBytes: number;
  #arena: Buffer = Buffer.alloc(0);
  #top = 0;
  #garbage = 0;
  readonly #slots = new Map<string, number>();
  readonly #freeSlots: number[] = [];
  #start = new Float64Array(0);
  #lenA = new Int32Array(0);
  #lenB = new Int32Array(0);
  #lenC = new Int32Array(0);
  #status = new Uint16Array(0);
  #scratch: Buffer = Buffer.alloc(0);
  #disabled: string | undefined;
  #hits = 0;
  #misses = 0;
  #overBudget = 0;

  /** @param maxBytes - most bytes of rendered views to keep (about 1.6 KB per wallet DID) */
  constructor(maxBytes: number) {
    if (!Number.isSafeInteger(maxBytes) || maxBytes < 0 || maxBytes > MAX_LENGTH) {
      throw new RangeError(
        `"maxBytes" expected an integer from 0 to ${MAX_LENGTH} (the largest Buffer), got ${maxBytes}`,
      );
    }
    this.maxBytes = maxBytes;
  }

  /**
   * Adds or replaces the views of committed `did/doc/<id>` state entries (other keys are
   * ignored). Never throws (see {@link DidViewCache.applyChanges}).
   */
  fill(entries: Iterable<{ readonly key: string; readonly value: string }>): void {
    this.#guarded(() => {
      for (const { key, value } of entries) this.#update(key, value);
    });
  }

  /**
   * Applies one committed block's state changes (`null`: deleted). Never throws: a view that
   * cannot be rendered (a record the DID module would never write) switches the whole cache off,
   * and every DID is then resolved from the store; {@link DidViewCache.stats} tells why.
   */
  applyChanges(changes: ReadonlyMap<string, string | null>): void {
    this.#guarded(() => {
      for (const [key, value] of changes) this.#update(key, value);
    });
  }

  #guarded(work: () => void): void {
    if (this.#disabled !== undefined) return;
    try {
      work();
    } catch (err) {
      this.switchOff(`a committed record could not be kept: ${(err as Error).message}`);
    }
  }

  /**
   * Empties the views and stops using them: every DID is then resolved from the store (the same
   * answers, only slower). For failures the views cannot recover from; `stats().disabled` says why.
   */
  switchOff(reason: string): void {
    this.#disabled = reason;
    this.#slots.clear();
    this.#freeSlots.length = 0;
    this.#arena = Buffer.alloc(0);
    this.#top = 0;
    this.#garbage = 0;
  }

  #update(key: string, value: string | null): void {
    if (!key.startsWith(DOC_PREFIX)) return;
    const id = key.slice(DOC_PREFIX.length);
    this.#drop(id);
    if (value === null) return;
    const { a, b, c, status } = viewParts(key, value);
    const la = Buffer.byteLength(a);
    const lb = Buffer.byteLength(b);
    const lc = Buffer.byteLength(c);
    if (!this.#reserve(la + lb + lc)) {
      this.#overBudget++;
      return;
    }
    const slot = this.#freeSlots.pop() ?? this.#newSlot();
    let at = this.#top;
    this.#start[slot] = at;
    at += this.#arena.write(a, at);
    at += this.#arena.write(b, at);
    at += this.#arena.write(c, at);
    this.#top = at;
    this.#lenA[slot] = la;
    this.#lenB[slot] = lb;
    this.#lenC[slot] = lc;
    this.#status[slot] = status;
    this.#slots.set(id, slot);
  }

  #drop(id: string): void {
    const slot = this.#slots.get(id);
    if (slot === undefined) return;
    this.#slots.delete(id);
    this.#garbage += this.#size(slot);
    this.#freeSlots.push(slot);
  }

  #size(slot: number): number {
    return (
      (this.#lenA[slot] as number) + (this.#lenB[slot] as number) + (this.#lenC[slot] as number)
    );
  }

  /**
   * Makes room for `bytes` more at the arena's top by copying the live views into a new arena
   * half again their size (within the budget); false when the budget is reached (or nearly: a
   * compaction must free at least a sixteenth of the arena, so a full cache does not copy itself
   * on every update).
   */
  #reserve(bytes: number): boolean {
    if (this.#top + bytes <= this.#arena.length) return true;
    const need = this.#top - this.#garbage + bytes;
    if (need > this.maxBytes) return false;
    const size = Math.min(this.maxBytes, Math.max(MIN_ARENA, Math.ceil(need * 1.5)));
    if (size - need < size / 16) return false;
    // Compact in place when the arena is big enough; growing copies into a new one (for that
    // moment both are allocated).
    this.#compactInto(size <= this.#arena.length ? this.#arena : Buffer.allocUnsafeSlow(size));
    return true;
  }

  /**
   * Copies the live views to the start of `target` (the arena itself, or a bigger one), dropping
   * the space of replaced ones. The slot map iterates in insertion order, which is ascending
   * arena order (a replaced view is deleted and re-added at the top), so in place every view
   * moves down over space already copied.
   */
  #compactInto(target: Buffer): void {
    let at = 0;
    for (const slot of this.#slots.values()) {
      const start = this.#start[slot] as number;
      const size = this.#size(slot);
      if (target === this.#arena) target.copyWithin(at, start, start + size);
      else this.#arena.copy(target, at, start, start + size);
      this.#start[slot] = at;
      at += size;
    }
    this.#arena = target;
    this.#top = at;
    this.#garbage = 0;
  }

  #newSlot(): number {
    const slot = this.#slots.size + this.#freeSlots.length;
    if (slot >= this.#start.length) {
      const cap = Math.max(1024, Math.ceil(this.#start.length * 1.5));
      const grow = <T extends Float64Array | Int32Array | Uint16Array>(old: T, fresh: T): T => {
        fresh.set(old);
        return fresh;
      };
      this.#start = grow(this.#start, new Float64Array(cap));
      this.#lenA = grow(this.#lenA, new Int32Array(cap));
      this.#lenB = grow(this.#lenB, new Int32Array(cap));
      this.#lenC = grow(this.#lenC, new Int32Array(cap));
      this.#status = grow(this.#status, new Uint16Array(cap));
    }
    return slot;
  }

  /**
   * The answer to `GET /1.0/identifiers/{did}` from the read model: a full result (the DID
   * resolution result, `application/did-resolution` or its JSON-LD profile, or the DID URL
   * dereferencing result, `application/did-url-dereferencing`) of the current version of a plain
   * did:rdid with no options. Undefined for anything else, or a DID not kept: the caller then
   * resolves from the store.
   */
  answer(
    did: string,
    accept: string | undefined,
    query: Readonly<Record<string, string>>,
    proof: ViewProofSource,
  ): CachedAnswer | undefined {
    if (!did.startsWith(RDID_PREFIX)) return undefined;
    const representation = negotiate(accept);
    const served = representation === undefined ? undefined : SERVED[representation];
    if (served === undefined) return undefined;
    if (Object.keys(query).length > 0) return undefined;
    const id = did.slice(RDID_PREFIX.length);
    const slot = this.#slots.get(id);
    if (slot === undefined) {
      this.#misses++;
      return undefined;
    }
    const cp = proof.checkpointJson();
    const text = FORM_TEXT[served.form];
    const start = this.#start[slot] as number;
    const endA = start + (this.#lenA[slot] as number);
    const endB = endA + (this.#lenB[slot] as number);
    const out = this.#scratchOf(
      this.#size(slot) + cp.length + proof.siblingsJsonMaxBytes + FIXED_MAX,
    );
    let at = put(out, 0, text.head);
    at += this.#arena.copy(out, at, start, endA);
    at = put(out, at, text.metadata);
    at = put(out, at, PROOF_OPEN);
    at = put(out, at, cp);
    at = put(out, at, PROOF_MID);
    at += this.#arena.copy(out, at, endA, endB);
    at = proof.writeInclusionSiblingsJson(DOC_PREFIX + id, out, at);
    if (at < 0) {
      // Not in the state tree: the views missed a commit. Trust none of them.
      this.switchOff(`${did} has a view but no state`);
      return undefined;
    }
    at = put(out, at, PROOF_CLOSE);
    at = put(out, at, text.tail);
    at += this.#arena.copy(out, at, endB, endB + (this.#lenC[slot] as number));
    at = put(out, at, CLOSE);
    this.#hits++;
    return {
      status: this.#status[slot] as number,
      contentType: served.contentType,
      body: Buffer.from(out.subarray(0, at)),
    };
  }

  #scratchOf(bytes: number): Buffer {
    if (this.#scratch.length < bytes)
      this.#scratch = Buffer.allocUnsafeSlow(Math.max(bytes, 2 * this.#scratch.length));
    return this.#scratch;
  }

  /** Entry count, bytes and hit counters. */
  stats(): DidViewStats {
    return {
      entries: this.#slots.size,
      bytes: this.#top - this.#garbage,
      capacity: this.#arena.length,
      hits: this.#hits,
      misses: this.#misses,
      overBudget: this.#overBudget,
      ...(this.#disabled === undefined ? {} : { disabled: this.#disabled }),
    };
  }
}

/** Writes `bytes` into `out` at `at`; returns the offset after them. */
function put(out: Buffer, at: number, bytes: Uint8Array): number {
  out.set(bytes, at);
  return at + bytes.length;
}
