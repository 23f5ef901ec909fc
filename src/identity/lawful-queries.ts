/**
 * Read-only queries of lawful de-anonymization: one request, the requests (paged), and the
 * notices by the time they were written, which is how a wallet finds what concerns its person.
 * Each answer names the state key of each record, so a client proves it with `GET /v1/state`.
 */
import { Type } from '@sinclair/typebox';
import { AppError } from '../errors.ts';
import type { ModuleQuery, QueryState } from '../ledger/index.ts';
import {
  getLawfulNotice,
  getLawfulRequest,
  LAWFUL_KEYS,
  LAWFUL_STATUSES,
  type LawfulNotice,
  type LawfulRequest,
  type LawfulStatus,
} from './lawful-state.ts';

const Hex32 = Type.String({ pattern: '^[0-9a-f]{64}$' });
const Status = Type.Union(LAWFUL_STATUSES.map((s) => Type.Literal(s)));
const Decision = Type.Object(
  { custodian: Type.String(), time: Type.Integer(), reason: Type.Optional(Type.String()) },
  { additionalProperties: false },
);

/** A lawful request as the API shows it (exactly the ledger record). */
export const LawfulRequestView = Type.Object(
  {
    id: Hex32,
    requester: Type.String(),
    authority: Type.String(),
    site: Type.String(),
    subject: Hex32,
    nonce: Type.String(),
    basis: Type.String(),
    caseRef: Hex32,
    noticeDelayMs: Type.Integer(),
    created: Type.Integer(),
    expires: Type.Integer(),
    noticeAt: Type.Integer(),
    status: Status,
    approvals: Type.Array(Decision),
    refusals: Type.Array(Decision),
    approvedAt: Type.Optional(Type.Integer()),
    closedAt: Type.Optional(Type.Integer()),
    outcome: Type.Optional(
      Type.Object(
        {
          result: Type.Union([Type.Literal('released'), Type.Literal('not-found')]),
          releaseHash: Hex32,
          time: Type.Integer(),
        },
        { additionalProperties: false },
      ),
    ),
    noticed: Type.Optional(Type.Integer()),
  },
  { additionalProperties: false },
);

/** A person's notice as the API shows it (exactly the ledger record). */
export const LawfulNoticeView = Type.Object(
  {
    request: Hex32,
    subject: Hex32,
    nonce: Type.String(),
    site: Type.String(),
    authority: Type.String(),
    time: Type.Integer(),
    height: Type.Integer(),
  },
  { additionalProperties: false },
);

const Limit = Type.Optional(
  Type.Integer({ minimum: 1, maximum: 500, description: 'page size (default 100)' }),
);
const Next = Type.Union([Type.String(), Type.Null()], {
  description: 'pass as `after` for the next page; null on the last page',
});
/** Entries scanned per step while filtering a page. */
const SCAN_STEP = 500;

/** Up to `limit` requests after `after` (an id) that pass `keep`, filtered before paging. */
function pageOfRequests(
  state: QueryState,
  limit: number,
  after: string | undefined,
  keep: (r: LawfulRequest) => boolean,
): { requests: LawfulRequest[]; next: string | null } {
  const prefix = LAWFUL_KEYS.requestPrefix;
  const requests: LawfulRequest[] = [];
  let cursor = after === undefined ? undefined : LAWFUL_KEYS.request(after);
  for (;;) {
    const rows = state.list(prefix, SCAN_STEP, cursor);
    for (const row of rows) {
      const r = JSON.parse(row.value) as LawfulRequest;
      if (!keep(r)) continue;
      if (requests.length === limit) return { requests, next: requests.at(-1)!.id };
      requests.push(r);
    }
    if (rows.length < SCAN_STEP) return { requests, next: null };
    cursor = rows.at(-1)!.key;
  }
}

const query = <I, O>(q: ModuleQuery<I, O>): ModuleQuery<I, O> => q;

/** The lawful de-anonymization queries of the identity module. */
export const LAWFUL_QUERIES: readonly ModuleQuery[] = [
  query({
    name: 'lawful-request',
    summary:
      'One lawful de-anonymization request with its decisions and outcome (prove it with GET /v1/state?key=<key>)',
    path: '/v1/identity/lawful-requests/:id',
    params: Type.Object({ id: Hex32 }, { additionalProperties: false }),
    response: Type.Object(
      { request: LawfulRequestView, key: Type.String({ description: 'its state key' }) },
      { additionalProperties: false },
    ),
    run: (state, input: { id: string }) => {
      const request = getLawfulRequest(state, input.id);
      if (request === undefined)
        throw new AppError('ERR_IDENTITY_LAWFUL_UNKNOWN', `no lawful request ${input.id}`);
      return { request, key: LAWFUL_KEYS.request(input.id) };
    },
  }),
  query({
    name: 'lawful-requests',
    summary: 'Lawful de-anonymization requests, paged by id (filtered by status before paging)',
    path: '/v1/identity/lawful-requests',
    querystring: Type.Object(
      {
        limit: Limit,
        after: Type.Optional(Hex32),
        status: Type.Optional(Status),
        requester: Type.Optional(Type.String({ maxLength: 220 })),
      },
      { additionalProperties: false },
    ),
    response: Type.Object(
      { requests: Type.Array(LawfulRequestView), next: Next },
      { additionalProperties: false },
    ),
    run: (
      state,
      input: { limit?: number; after?: string; status?: LawfulStatus; requester?: string },
    ) =>
      pageOfRequests(
        state,
        input.limit ?? 100,
        input.after,
        (r) =>
          (input.status === undefined || r.status === input.status) &&
          (input.requester === undefined || r.requester === input.requester),
      ),
  }),
  query({
    name: 'lawful-notices',
    summary:
      "Notices to people of lawful requests, in the order they were written: a wallet matches each notice's subject against its pairwise DIDs",
    path: '/v1/identity/lawful-notices',
    querystring: Type.Object(
      {
        since: Type.Optional(
          Type.Integer({
            minimum: 0,
            description: 'only notices written at or after this block time (ms)',
          }),
        ),
        limit: Limit,
        after: Type.Optional(
          Type.String({
            pattern: '^[0-9]{15}/[0-9a-f]{64}$',
            description: 'the `next` of the previous page',
          }),
        ),
      },
      { additionalProperties: false },
    ),
    response: Type.Object(
      {
        notices: Type.Array(LawfulNoticeView),
        next: Next,
        keys: Type.Array(Type.String(), { description: "each notice's state key, in order" }),
      },
      { additionalProperties: false },
    ),
    run: (state, input: { since?: number; limit?: number; after?: string }) => {
      const limit = input.limit ?? 100;
      const prefix = LAWFUL_KEYS.noticeAtPrefix;
      const from = input.since === undefined ? undefined : LAWFUL_KEYS.noticeAtFrom(input.since);
      const after = input.after === undefined ? from : prefix + input.after;
      const cursor = from !== undefined && after !== undefined && from > after ? from : after;
      const rows = state.list(prefix, limit + 1, cursor);
      const notices = rows
        .slice(0, limit)
        .map((r) => getLawfulNotice(state, JSON.parse(r.value) as string))
        .filter((n): n is LawfulNotice => n !== undefined);
      return {
        notices,
        next: rows.length > limit ? rows[limit - 1]!.key.slice(prefix.length) : null,
        keys: notices.map((n) => LAWFUL_KEYS.notice(n.request)),
      };
    },
  }),
];
