/**
 * Read-only queries of the credit module (mounted under `/v1/credit`): categories, one record, one
 * query event, the public credit list of organizations and the person-event feed wallets watch.
 * Nothing here groups a person's records: a person appears only as one-time handles.
 */
import { Type } from '@sinclair/typebox';
import { AppError } from '../errors.ts';
import { getDocument } from '../governance/index.ts';
import type { ModuleQuery, QueryState } from '../ledger/index.ts';
import {
  CategorySchema,
  DateString,
  DISPUTE_STATUSES,
  ListRuleSchema,
  POLARITIES,
  QUERY_OUTCOMES,
  RECORD_STATUSES,
  RecordId,
  Subject,
  type CategoriesDocument,
  type CreditRecord,
  type ListEntry,
  type PersonEvent,
} from './schema.ts';
import { CREDIT_KEYS, CREDIT_TOPICS, getQuery, getRecord, inForce, listRulesOf } from './state.ts';
import { parseUscc, USCC_PATTERN } from './uscc.ts';

const Hex64 = Type.String({ pattern: '^[0-9a-f]{64}$' });
const literals = (values: readonly string[]) => Type.Union(values.map((v) => Type.Literal(v)));

export const DisputeView = Type.Object(
  {
    status: literals(DISPUTE_STATUSES),
    statement: Hex64,
    version: Type.Integer(),
    filed: Type.Integer(),
    deadline: Type.Integer(),
    tx: Hex64,
    answered: Type.Optional(Type.Integer()),
    note: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);

/** A record as the API shows it (its state, never its body). */
export const RecordView = Type.Object(
  {
    id: RecordId,
    subject: Subject,
    category: Type.String(),
    polarity: literals(POLARITIES),
    severity: Type.Integer(),
    legalBasis: Type.String(),
    evidence: Hex64,
    commitment: Hex64,
    occurred: DateString,
    effective: DateString,
    expires: DateString,
    issuer: Type.String(),
    public: Type.Boolean(),
    status: literals(RECORD_STATUSES),
    expired: Type.Boolean(),
    suppressed: Type.Boolean(),
    dispute: Type.Optional(DisputeView),
    version: Type.Integer(),
    issued: Type.Integer(),
    updated: Type.Integer(),
    fulfilled: Type.Optional(DateString),
    history: Type.Array(
      Type.Object(
        { at: Type.Integer(), action: Type.String(), tx: Type.Optional(Hex64) },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);

export const QueryEventView = Type.Object(
  {
    id: Hex64,
    querier: Type.String(),
    purpose: Type.String(),
    subject: Subject,
    consent: Type.Union([Hex64, Type.Null()]),
    outcome: literals(QUERY_OUTCOMES),
    reason: Type.Optional(Type.String()),
    at: Type.Integer(),
  },
  { additionalProperties: false },
);

export const ListEntryView = Type.Object(
  {
    list: Type.String(),
    uscc: Type.String(),
    since: Type.Integer(),
    records: Type.Array(RecordId),
  },
  { additionalProperties: false },
);

const Limit = Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 }));
const Next = Type.Union([Type.String(), Type.Null()]);
const query = <I, O>(q: ModuleQuery<I, O>): ModuleQuery<I, O> => q;

/** An organization's public records (in force, public categories) from its record index. */
export function publicRecordsOf(
  state: Pick<QueryState, 'get' | 'list'>,
  uscc: string,
): CreditRecord[] {
  const out: CreditRecord[] = [];
  let after: string | undefined;
  for (;;) {
    const rows = state.list(CREDIT_KEYS.orgRecordPrefix(uscc), 500, after);
    for (const row of rows) {
      const r = getRecord(state, row.key.slice(CREDIT_KEYS.orgRecordPrefix(uscc).length));
      if (r !== undefined && r.public && inForce(r)) out.push(r);
    }
    if (rows.length < 500) return out;
    after = rows[rows.length - 1]!.key;
  }
}

export const CREDIT_QUERIES: readonly ModuleQuery[] = [
  query({
    name: 'categories',
    summary: 'The record categories governance adopted (with the document version)',
    path: '/v1/credit/categories',
    response: Type.Object(
      { version: Type.Integer(), categories: Type.Array(CategorySchema) },
      { additionalProperties: false },
    ),
    run: (state) => {
      const doc = getDocument<CategoriesDocument>(state, CREDIT_TOPICS.categories);
      return { version: doc?.version ?? 0, categories: doc?.document.categories ?? [] };
    },
  }),
  query({
    name: 'record',
    summary: "One credit record's state: metadata, status, dispute, history (never its body)",
    path: '/v1/credit/records/:id',
    params: Type.Object({ id: RecordId }, { additionalProperties: false }),
    response: RecordView,
    run: (state, input: { id: string }) => {
      const r = getRecord(state, input.id);
      if (r === undefined)
        throw new AppError('ERR_CREDIT_RECORD_NOT_FOUND', `no credit record ${input.id}`);
      return r;
    },
  }),
  query({
    name: 'query',
    summary: 'One query event: querier, purpose, subject handle, consent hash, outcome',
    path: '/v1/credit/queries/:id',
    params: Type.Object({ id: Hex64 }, { additionalProperties: false }),
    response: QueryEventView,
    run: (state, input: { id: string }) => {
      const q = getQuery(state, input.id);
      if (q === undefined)
        throw new AppError('ERR_CREDIT_QUERY_NOT_FOUND', `no credit query ${input.id}`);
      return q;
    },
  }),
  query({
    name: 'public',
    summary:
      "An organization's public credit record: public records in force and the lists it is on",
    path: '/v1/credit/public/:uscc',
    params: Type.Object(
      { uscc: Type.String({ pattern: USCC_PATTERN }) },
      { additionalProperties: false },
    ),
    response: Type.Object(
      { uscc: Type.String(), records: Type.Array(RecordView), lists: Type.Array(ListEntryView) },
      { additionalProperties: false },
    ),
    run: (state, input: { uscc: string }) => {
      parseUscc(input.uscc);
      const lists = listRulesOf(state)
        .map((rule) => state.get(CREDIT_KEYS.listed(rule.id, input.uscc)))
        .filter((v): v is string => v !== undefined)
        .map((v) => JSON.parse(v) as ListEntry);
      return { uscc: input.uscc, records: publicRecordsOf(state, input.uscc), lists };
    },
  }),
  query({
    name: 'lists',
    summary: 'The lists of organizations governance defined, with their entry rules',
    path: '/v1/credit/lists',
    response: Type.Object({ lists: Type.Array(ListRuleSchema) }, { additionalProperties: false }),
    run: (state) => ({ lists: [...listRulesOf(state)] }),
  }),
  query({
    name: 'list',
    summary: 'The organizations on one list, each with the records that put it there',
    path: '/v1/credit/lists/:id',
    params: Type.Object(
      { id: Type.String({ pattern: '^[a-z][a-z0-9-]{1,47}$' }) },
      { additionalProperties: false },
    ),
    querystring: Type.Object(
      { limit: Limit, after: Type.Optional(Type.String({ pattern: USCC_PATTERN })) },
      { additionalProperties: false },
    ),
    response: Type.Object(
      { list: ListRuleSchema, entries: Type.Array(ListEntryView), next: Next },
      { additionalProperties: false },
    ),
    run: (state, input: { id: string; limit?: number; after?: string }) => {
      const rule = listRulesOf(state).find((l) => l.id === input.id);
      if (rule === undefined) throw new AppError('ERR_LEDGER_NOT_FOUND', `no list "${input.id}"`);
      const prefix = CREDIT_KEYS.listedPrefix(rule.id);
      const limit = input.limit ?? 100;
      const rows = state.list(
        prefix,
        limit + 1,
        input.after === undefined ? undefined : prefix + input.after,
      );
      const entries = rows.slice(0, limit).map((r) => JSON.parse(r.value) as ListEntry);
      return { list: rule, entries, next: rows.length > limit ? entries.at(-1)!.uscc : null };
    },
  }),
  query({
    name: 'events',
    summary:
      'Person-subject events (records, disputes, queries) in log order, each with its handle nonce and tag: wallets scan it for their own',
    path: '/v1/credit/events',
    querystring: Type.Object(
      { after: Type.Optional(Type.Integer({ minimum: -1 })), limit: Limit },
      { additionalProperties: false },
    ),
    response: Type.Object(
      {
        events: Type.Array(
          Type.Object(
            {
              seq: Type.Integer(),
              kind: literals(['record', 'dispute', 'query']),
              ref: Hex64,
              tx: Hex64,
              nonce: Type.String(),
              tag: Type.String(),
            },
            { additionalProperties: false },
          ),
        ),
        next: Type.Union([Type.Integer(), Type.Null()]),
      },
      { additionalProperties: false },
    ),
    run: (state, input: { after?: number; limit?: number }) => {
      const limit = input.limit ?? 1000;
      const after =
        input.after === undefined || input.after < 0 ? undefined : CREDIT_KEYS.event(input.after);
      const rows = state.list(CREDIT_KEYS.eventPrefix, limit, after);
      const events = rows.map((row) => ({
        seq: Number(row.key.slice(CREDIT_KEYS.eventPrefix.length)),
        ...(JSON.parse(row.value) as PersonEvent),
      }));
      return { events, next: rows.length === limit ? events.at(-1)!.seq : null };
    },
  }),
];
