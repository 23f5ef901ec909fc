/**
 * The credit authority's index of people's events: it reads the ledger's person-event feed
 * (`credit/event/<seq>`) after its cursor, opens each event's handle locator with the authority's
 * locator key, and files the event's ref under the person it names, once the handle's tag proves
 * it was minted with that person's subject key. Locators are costly to open (about 0.12 ms), so
 * this runs in the background after commits, in chunks, and never in `onCommit` itself. The
 * index lives in the authority's vault (`person/<pseudonymId>` rows and the `cursor`).
 */
import {
  openLocator,
  recognizeHandle,
  subjectKeyOf,
  type CreditHandle,
} from '../credentials/index.ts';
import type { X25519KeyPair } from '../crypto/index.ts';
import { isAppError } from '../errors.ts';
import type { ChainView, ModuleLog, SecretStore, StateReader } from '../ledger/index.ts';
import { readJsonRow, writeJsonRow } from './_vault.ts';
import type { PersonEvent } from './schema.ts';
import { CREDIT_KEYS, getQuery, getRecord } from './state.ts';

/** Events read per chunk (one vault transaction each). */
export const INDEX_CHUNK = 500;
/** How long the indexer waits after a commit before it reads, so that bursts share a run. */
const DEBOUNCE_MS = 5;

/** What the authority knows of a person (row `person/<pseudonymId>`): never a name or number. */
export interface PersonRow {
  /** The person's uniqueness tag at the identity authority. */
  readonly tag: string;
  /** The wallet's consent key (Multikey), once it obtained a credit credential. */
  consentKey?: string;
  readonly records: string[];
  readonly queries: string[];
  readonly disputes: string[];
}

export const AUTHORITY_ROWS = {
  secret: 'secret',
  locator: 'locator',
  cursor: 'cursor',
  person: (pseudonymId: string) => `person/${pseudonymId}`,
} as const;

/** The person's handle an event names, if the event is about a person. */
function handleOf(state: StateReader, e: PersonEvent): CreditHandle | undefined {
  const subject =
    e.kind === 'query' ? getQuery(state, e.ref)?.subject : getRecord(state, e.ref)?.subject;
  return subject?.type === 'person' ? subject.handle : undefined;
}

const LIST: Record<PersonEvent['kind'], 'records' | 'queries' | 'disputes'> = {
  record: 'records',
  query: 'queries',
  dispute: 'disputes',
};

/** Indexes person events for one authority; `indexed()` settles once the feed's head is read. */
export class SubjectIndexer {
  readonly #chain: ChainView;
  readonly #vault: SecretStore;
  readonly #locator: X25519KeyPair;
  readonly #pseudonymOf: (tag: string) => Uint8Array;
  readonly #log: ModuleLog;
  #tail: Promise<void> = Promise.resolve();
  /** A run queued but not started yet: it will read everything committed before it starts. */
  #queued: Promise<void> | undefined;
  #timer: NodeJS.Timeout | undefined;
  #closed = false;
  #cursor: number;

  constructor(o: {
    chain: ChainView;
    vault: SecretStore;
    locator: X25519KeyPair;
    pseudonymOf: (tag: string) => Uint8Array;
    log: ModuleLog;
  }) {
    this.#chain = o.chain;
    this.#vault = o.vault;
    this.#locator = o.locator;
    this.#pseudonymOf = o.pseudonymOf;
    this.#log = o.log;
    this.#cursor = readJsonRow<number>(o.vault, AUTHORITY_ROWS.cursor) ?? -1;
  }

  /** The sequence number of the last event indexed (-1 before the first). */
  get cursor(): number {
    return this.#cursor;
  }

  /** Settles when every event committed before the call is indexed. */
  indexed(closed: () => boolean = () => false): Promise<void> {
    if (this.#queued !== undefined) return this.#queued;
    const run = this.#tail.then(() => {
      this.#queued = undefined;
      return this.#drain(closed);
    });
    this.#queued = run;
    this.#tail = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  /** After a commit that wrote person events: a run soon. */
  kick(): void {
    if (this.#closed || this.#timer !== undefined) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.indexed(() => this.#closed).catch((err: unknown) =>
        this.#log.error('the credit subject index failed', { err }),
      );
    }, DEBOUNCE_MS);
    this.#timer.unref();
  }

  /** Stops after the run in progress. */
  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#tail;
  }

  async #drain(closed: () => boolean): Promise<void> {
    while (!closed() && !this.#closed) {
      const after = this.#cursor < 0 ? undefined : CREDIT_KEYS.event(this.#cursor);
      const rows = this.#chain.list(CREDIT_KEYS.eventPrefix, INDEX_CHUNK, after);
      if (rows.length === 0) return;
      this.#index(rows);
      if (rows.length < INDEX_CHUNK) return;
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  /** Files a chunk of events and moves the cursor past it, in one vault transaction. */
  #index(rows: readonly { key: string; value: string }[]): void {
    const state = this.#chain.state;
    const people = new Map<string, PersonRow | undefined>();
    for (const row of rows) {
      const e = JSON.parse(row.value) as PersonEvent;
      const handle = handleOf(state, e);
      const p = handle === undefined ? undefined : this.#personOf(handle);
      if (p === undefined) continue;
      if (!people.has(p))
        people.set(p, readJsonRow<PersonRow>(this.#vault, AUTHORITY_ROWS.person(p)));
      const person = people.get(p);
      if (person === undefined) continue;
      if (!recognizeHandle(subjectKeyOf(this.#pseudonymOf(person.tag)), handle!)) continue;
      const list = person[LIST[e.kind]];
      if (!list.includes(e.ref)) list.push(e.ref);
    }
    const last = Number(rows[rows.length - 1]!.key.slice(CREDIT_KEYS.eventPrefix.length));
    this.#vault.transaction(() => {
      for (const [p, person] of people)
        if (person !== undefined) writeJsonRow(this.#vault, AUTHORITY_ROWS.person(p), person);
      writeJsonRow(this.#vault, AUTHORITY_ROWS.cursor, last);
    });
    this.#cursor = last;
  }

  /** The pseudonymId a handle's locator names, if it was sealed to this authority for this nonce. */
  #personOf(handle: CreditHandle): string | undefined {
    try {
      const loc = openLocator(handle.locator, this.#locator);
      // the locator names the handle's own nonce and key: copied into another handle, it is refused
      return loc.n === handle.nonce && loc.k === handle.key ? loc.p : undefined;
    } catch (err) {
      // Sealed to another credit authority (or garbage a querier put in a handle): not ours.
      if (isAppError(err, 'ERR_VC_BAD_LOCATOR')) return undefined;
      throw err;
    }
  }
}
