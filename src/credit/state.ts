/**
 * Ledger state of the credit module (namespace `credit`). Records about people name a one-time
 * handle, never a pseudonym: no key here groups the events of one person. Organizations' records
 * are indexed by their code (public by design).
 */
import { getParam, GOV_KEYS, type AdoptedDocument } from '../governance/index.ts';
import { readJson, type StateReader } from '../ledger/index.ts';
import type { ScoringModel } from './score.ts';
import type {
  CategoriesDocument,
  Category,
  CreditRecord,
  ListEntry,
  ListRule,
  ListsDocument,
  OrgBinding,
  QueryEvent,
} from './schema.ts';

/** Digits of the log index in person-event keys, so that key order is log order. */
const EVENT_DIGITS = 12;

export const CREDIT_KEYS = {
  record: (id: string) => `credit/record/${id}`,
  recordPrefix: 'credit/record/',
  /** A handle key (did:key) is used once: by a record (its id) or a consented query (`query:<id>`). */
  handle: (key: string) => `credit/handle/${key}`,
  /** A handle's nonce is used once too (a nonce, tag and locator copied into another handle would link). */
  handleNonce: (nonce: string) => `credit/handle-nonce/${nonce}`,
  orgRecord: (uscc: string, id: string) => `credit/org-records/${uscc}/${id}`,
  orgRecordPrefix: (uscc: string) => `credit/org-records/${uscc}/`,
  /** The ids of an organization's records that count for lists (public, final), per list. */
  orgQualifying: (uscc: string) => `credit/org-qualifying/${uscc}`,
  orgKey: (uscc: string) => `credit/org-key/${uscc}`,
  query: (id: string) => `credit/query/${id}`,
  /** Queries about an organization, by its code (organizations are public by design). */
  orgQuery: (uscc: string, id: string) => `credit/org-queries/${uscc}/${id}`,
  orgQueryPrefix: (uscc: string) => `credit/org-queries/${uscc}/`,
  consent: (hash: string) => `credit/consent/${hash}`,
  listed: (list: string, uscc: string) => `credit/listed/${list}/${uscc}`,
  listedPrefix: (list: string) => `credit/listed/${list}/`,
  listHistory: (list: string, uscc: string) => `credit/list-history/${list}/${uscc}`,
  event: (logIndex: number) => `credit/event/${String(logIndex).padStart(EVENT_DIGITS, '0')}`,
  eventPrefix: 'credit/event/',
} as const;

/** Governance document topics the credit module declares. */
export const CREDIT_TOPICS = {
  categories: 'credit/categories',
  model: 'credit/model',
  lists: 'credit/lists',
} as const;

export function getRecord(state: StateReader, id: string): CreditRecord | undefined {
  return readJson<CreditRecord>(state, CREDIT_KEYS.record(id));
}

export function getQuery(state: StateReader, id: string): QueryEvent | undefined {
  return readJson<QueryEvent>(state, CREDIT_KEYS.query(id));
}

export function getOrgBinding(state: StateReader, uscc: string): OrgBinding | undefined {
  return readJson<OrgBinding>(state, CREDIT_KEYS.orgKey(uscc));
}

export function getListEntry(
  state: StateReader,
  list: string,
  uscc: string,
): ListEntry | undefined {
  return readJson<ListEntry>(state, CREDIT_KEYS.listed(list, uscc));
}

/**
 * The last document text parsed per topic and its value: every record reads the categories, and
 * they change only with governance. Pure (the value depends on the text alone).
 */
const parsed = new Map<string, { raw: string; value: unknown }>();

function documentOf<T>(state: StateReader, topic: string): T | undefined {
  const raw = state.get(GOV_KEYS.document(topic));
  if (raw === undefined) return undefined;
  const last = parsed.get(topic);
  if (last?.raw === raw) return last.value as T;
  const value = (JSON.parse(raw) as AdoptedDocument<T>).document;
  parsed.set(topic, { raw, value });
  return value;
}

/** The categories governance adopted (none before the first adoption). Do not mutate the answer. */
export function categoriesOf(state: StateReader): readonly Category[] {
  return documentOf<CategoriesDocument>(state, CREDIT_TOPICS.categories)?.categories ?? [];
}

export function categoryOf(state: StateReader, id: string): Category | undefined {
  return categoriesOf(state).find((c) => c.id === id);
}

export function listRulesOf(state: StateReader): readonly ListRule[] {
  return documentOf<ListsDocument>(state, CREDIT_TOPICS.lists)?.lists ?? [];
}

/** The scoring model in force, if governance adopted one. */
export function modelOf(state: StateReader): ScoringModel | undefined {
  return documentOf<ScoringModel>(state, CREDIT_TOPICS.model);
}

/** How long an issuer has to answer a dispute (governance parameter, default 20 days). */
export function disputeDeadlineMs(state: StateReader): number {
  return getParam<number>(state, 'creditDisputeDeadlineMs')!;
}

/** Does a record count (reports' scores, lists): active, not expired, not suppressed. */
export function inForce(r: CreditRecord): boolean {
  return r.status === 'active' && !r.expired && !r.suppressed;
}

/** Counts for a list: in force and without an open dispute. */
export function isFinal(r: CreditRecord): boolean {
  return inForce(r) && r.dispute?.status !== 'open';
}
