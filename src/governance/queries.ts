import { Type } from '@sinclair/typebox';
import { AppError } from '../errors.ts';
import type { ModuleQuery, QueryState } from '../ledger/index.ts';
import {
  ChangeSchema,
  DocumentTopic,
  OrgSchema,
  Did,
  RoleGrantInput,
  ROLES,
  Scope,
  SiteOrigin,
  type AdoptedDocument,
  type Proposal,
  type Role,
} from './schema.ts';
import { siteOfOrigin, SITE_ROLE } from './sites.ts';
import {
  getDocument,
  getDocumentVersion,
  getOrg,
  getProposal,
  getQuorum,
  getRole,
  KEYS,
  orgIds,
  roleHistory,
} from './state.ts';

const Hex32 = Type.String({ pattern: '^[0-9a-f]{64}$' });
const AdoptedDocumentView = Type.Object(
  {
    topic: DocumentTopic,
    version: Type.Integer({ minimum: 1 }),
    document: Type.Unknown(),
    adopted: Type.Integer(),
    proposal: Type.String(),
  },
  { additionalProperties: false },
);
const PROPOSAL_STATUSES = ['open', 'executed', 'failed', 'expired'] as const;
const ErrorCodeAndMessage = Type.Object({ code: Type.String(), message: Type.String() });

/** A proposal as the API shows it. */
export const ProposalView = Type.Object(
  {
    id: Hex32,
    change: ChangeSchema,
    note: Type.Optional(Type.String()),
    proposer: Type.String(),
    approvals: Type.Array(Type.String()),
    created: Type.Integer(),
    expires: Type.Integer(),
    status: Type.Union(PROPOSAL_STATUSES.map((s) => Type.Literal(s))),
    executedAt: Type.Optional(Type.Integer()),
    expiredAt: Type.Optional(Type.Integer()),
    failure: Type.Optional(ErrorCodeAndMessage),
  },
  { additionalProperties: false },
);

const Member = Type.Composite(
  [OrgSchema, Type.Object({ sinceHeight: Type.Integer({ minimum: 0 }) })],
  { additionalProperties: false },
);
const RoleGrantView = Type.Composite(
  [RoleGrantInput, Type.Object({ since: Type.Integer(), grantedBy: Type.String() })],
  { additionalProperties: false },
);

const Limit = Type.Optional(
  Type.Integer({ minimum: 1, maximum: 500, description: 'page size (default 100)' }),
);
const After = Type.Optional(
  Type.String({ maxLength: 300, description: 'the `next` of the previous page' }),
);
const Next = Type.Union([Type.String(), Type.Null()], {
  description: 'pass as `after` for the next page; null on the last page',
});

/** Entries scanned per step while filtering a page. */
const SCAN_STEP = 500;

/**
 * One page of the values under `prefix` that pass `keep`, filtering before paging: a page holds
 * up to `limit` matches, and `next` (the key after which the next page starts) is set only when
 * another match follows the last one returned.
 */
export function pageByPrefix<T>(
  state: QueryState,
  prefix: string,
  limit: number,
  after: string | undefined,
  parse: (value: string) => T,
  keep: (item: T) => boolean = () => true,
): { items: T[]; next: string | null } {
  const items: T[] = [];
  let cursor = after === undefined ? '' : prefix + after;
  let lastReturned = cursor;
  for (;;) {
    const rows = state.list(prefix, SCAN_STEP, cursor);
    for (const row of rows) {
      const item = parse(row.value);
      if (!keep(item)) continue;
      if (items.length === limit) return { items, next: lastReturned.slice(prefix.length) };
      items.push(item);
      lastReturned = row.key;
    }
    if (rows.length < SCAN_STEP) return { items, next: null };
    cursor = rows[rows.length - 1]!.key;
  }
}

/** Types a query's input and output where it is declared. */
const query = <I, O>(q: ModuleQuery<I, O>): ModuleQuery<I, O> => q;

/** The governance module's read-only queries (mounted under `/v1/gov`). */
export const GOV_QUERIES: readonly ModuleQuery[] = [
  query({
    name: 'orgs',
    summary: 'Consortium organizations, their keys and the quorum',
    path: '/v1/gov/orgs',
    response: Type.Object(
      { quorum: Type.Integer({ minimum: 1 }), orgs: Type.Array(Member) },
      { additionalProperties: false },
    ),
    run: (state) => ({
      quorum: getQuorum(state),
      orgs: orgIds(state).map((id) => getOrg(state, id)!),
    }),
  }),
  query({
    name: 'proposals',
    summary: 'Governance proposals, paged by id (filtered by status before paging)',
    path: '/v1/gov/proposals',
    querystring: Type.Object(
      {
        limit: Limit,
        after: After,
        status: Type.Optional(Type.Union(PROPOSAL_STATUSES.map((s) => Type.Literal(s)))),
      },
      { additionalProperties: false },
    ),
    response: Type.Object(
      { proposals: Type.Array(ProposalView), next: Next },
      { additionalProperties: false },
    ),
    run: (state, input: { limit?: number; after?: string; status?: Proposal['status'] }) => {
      const page = pageByPrefix(
        state,
        KEYS.proposal(''),
        input.limit ?? 100,
        input.after,
        (v) => JSON.parse(v) as Proposal,
        (p) => input.status === undefined || p.status === input.status,
      );
      return { proposals: page.items, next: page.next };
    },
  }),
  query({
    name: 'proposal',
    summary: 'One proposal with its approvals and status',
    path: '/v1/gov/proposals/:id',
    params: Type.Object({ id: Hex32 }, { additionalProperties: false }),
    response: ProposalView,
    run: (state, input: { id: string }) => {
      const p = getProposal(state, input.id);
      if (p === undefined)
        throw new AppError('ERR_GOV_PROPOSAL_NOT_FOUND', `no proposal ${input.id}`);
      return p;
    },
  }),
  query({
    name: 'roles',
    summary: 'Accredited identity authorities, credit issuers, queriers and relying parties',
    path: '/v1/gov/roles',
    querystring: Type.Object(
      {
        limit: Limit,
        after: After,
        role: Type.Optional(Type.Union(ROLES.map((r) => Type.Literal(r)))),
      },
      { additionalProperties: false },
    ),
    response: Type.Object(
      { roles: Type.Array(RoleGrantView), next: Next },
      { additionalProperties: false },
    ),
    run: (state, input: { limit?: number; after?: string; role?: Role }) => {
      const prefix = input.role === undefined ? 'gov/role/' : KEYS.role(input.role, '');
      const page = pageByPrefix(
        state,
        prefix,
        input.limit ?? 100,
        input.after,
        (v) => JSON.parse(v) as unknown,
      );
      return { roles: page.items, next: page.next };
    },
  }),
  query({
    name: 'accreditation',
    summary: "A subject's accreditation for a role: the current grant and every period it held it",
    path: '/v1/gov/accreditations/:role/:subject',
    params: Type.Object(
      { role: Type.Union(ROLES.map((r) => Type.Literal(r))), subject: Did },
      { additionalProperties: false },
    ),
    response: Type.Object(
      {
        role: Type.String(),
        subject: Type.String(),
        current: Type.Union([RoleGrantView, Type.Null()]),
        periods: Type.Array(
          Type.Object(
            {
              from: Type.Integer(),
              until: Type.Optional(Type.Integer()),
              scope: Scope,
              grantedBy: Type.String(),
            },
            { additionalProperties: false },
          ),
        ),
      },
      { additionalProperties: false },
    ),
    run: (state, input: { role: Role; subject: string }) => ({
      role: input.role,
      subject: input.subject,
      current: getRole(state, input.role, input.subject) ?? null,
      periods: roleHistory(state, input.role, input.subject),
    }),
  }),
  query({
    name: 'site-origin',
    summary:
      'The relying party registered for a web origin and its registration (prove both with GET /v1/state?key=, the keys are in the answer)',
    path: '/v1/gov/site-origins/:origin',
    params: Type.Object({ origin: SiteOrigin }, { additionalProperties: false }),
    response: Type.Object(
      {
        origin: Type.String(),
        did: Type.String(),
        registration: RoleGrantView,
        keys: Type.Object(
          {
            origin: Type.String({ description: 'state key of the origin → DID entry' }),
            registration: Type.String({ description: "state key of the site's accreditation" }),
          },
          { additionalProperties: false },
        ),
      },
      { additionalProperties: false },
    ),
    run: (state, input: { origin: string }) => {
      const did = siteOfOrigin(state, input.origin);
      const registration = did === undefined ? undefined : getRole(state, SITE_ROLE, did);
      if (did === undefined || registration === undefined)
        throw new AppError(
          'ERR_LEDGER_NOT_FOUND',
          `no relying party is registered for ${input.origin}`,
        );
      return {
        origin: input.origin,
        did,
        registration,
        keys: { origin: KEYS.siteOrigin(input.origin), registration: KEYS.role(SITE_ROLE, did) },
      };
    },
  }),
  query({
    name: 'documents',
    summary:
      'Module documents governance adopted (e.g. credit categories, scoring model): the current version of each',
    path: '/v1/gov/documents',
    response: Type.Object(
      { documents: Type.Array(AdoptedDocumentView) },
      { additionalProperties: false },
    ),
    run: (state) => ({
      documents: state
        .list(KEYS.document(''), 500)
        .map((row) => JSON.parse(row.value) as AdoptedDocument),
    }),
  }),
  query({
    name: 'document',
    summary: 'One adopted module document: the current version, or `version` from its history',
    path: '/v1/gov/documents/:namespace/:name',
    params: Type.Object(
      {
        namespace: Type.String({ pattern: '^[a-z][a-z0-9-]{0,31}$' }),
        name: Type.String({ pattern: '^[a-z][a-z0-9-]{0,63}$' }),
      },
      { additionalProperties: false },
    ),
    querystring: Type.Object(
      { version: Type.Optional(Type.Integer({ minimum: 1 })) },
      { additionalProperties: false },
    ),
    response: AdoptedDocumentView,
    run: (state, input: { namespace: string; name: string; version?: number }) => {
      const topic = `${input.namespace}/${input.name}`;
      const doc =
        input.version === undefined
          ? getDocument(state, topic)
          : getDocumentVersion(state, topic, input.version);
      if (doc === undefined)
        throw new AppError(
          'ERR_LEDGER_NOT_FOUND',
          `no document ${topic}${input.version === undefined ? '' : ` version ${input.version}`} was adopted`,
        );
      return doc;
    },
  }),
];
