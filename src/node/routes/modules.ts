import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { LedgerModule, ModuleQuery, QueryState } from '../../ledger/index.ts';
import type { LedgerNode } from '../ledger-node.ts';
import { errorResponses } from '../schemas.ts';

const QueryInfo = Type.Object(
  {
    name: Type.String(),
    summary: Type.String(),
    method: Type.Literal('GET'),
    path: Type.String({ description: 'fastify path; `:name` segments are path parameters' }),
    params: Type.Optional(
      Type.Object(
        {},
        { additionalProperties: true, description: 'JSON Schema of the path parameters' },
      ),
    ),
    querystring: Type.Optional(
      Type.Object(
        {},
        { additionalProperties: true, description: 'JSON Schema of the query string' },
      ),
    ),
    response: Type.Object(
      {},
      { additionalProperties: true, description: 'JSON Schema of the answer' },
    ),
  },
  { additionalProperties: false },
);

export const ModuleList = Type.Object(
  {
    modules: Type.Array(
      Type.Object(
        {
          name: Type.String(),
          namespace: Type.String(),
          kinds: Type.Array(Type.String()),
          queries: Type.Array(QueryInfo),
          errors: Type.Array(
            Type.String({ description: 'error codes the module declares (docs/errors.md)' }),
          ),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);

/** Committed state for queries: the store's reads and prefix scans, and the head. */
function queryState(node: LedgerNode): QueryState {
  const { chain } = node;
  return {
    get: (key) => chain.state.get(key),
    list: (prefix, limit, after) => chain.store.stateByPrefix(prefix, limit, after),
    get height() {
      return chain.head.height;
    },
    get time() {
      return chain.head.header.time;
    },
  };
}

function describeQuery(q: ModuleQuery): Record<string, unknown> {
  return {
    name: q.name,
    summary: q.summary,
    method: 'GET',
    path: q.path,
    ...(q.params === undefined ? {} : { params: q.params }),
    ...(q.querystring === undefined ? {} : { querystring: q.querystring }),
    response: q.response,
  };
}

const NO_QUERYSTRING = Type.Object({}, { additionalProperties: false });

/** @throws TypeError when a query's path parameters and query-string fields share a name (a module bug) */
function checkQueryInput(module: LedgerModule, q: ModuleQuery): void {
  const inPath = [...q.path.matchAll(/:([A-Za-z0-9_]+)/g)].map((m) => m[1]!);
  const inQuery = Object.keys(
    (q.querystring as { properties?: object } | undefined)?.properties ?? {},
  );
  const both = inPath.filter((name) => inQuery.includes(name));
  if (both.length > 0)
    throw new TypeError(
      `query ${module.namespace}.${q.name}: ${both.join(', ')} both in the path and the query string`,
    );
}

/** Tags every route a module registers with the module's name (its OpenAPI section). */
async function inModuleScope(
  app: FastifyInstance,
  module: LedgerModule,
  register: (scope: FastifyInstance) => void | Promise<void>,
): Promise<void> {
  await app.register(async (scope) => {
    scope.addHook('onRoute', (route) => {
      const schema = (route.schema ??= {}) as { tags?: string[] };
      schema.tags ??= [module.name];
    });
    await register(scope);
  });
}

/**
 * Mounts what each module declares: its queries as GET routes (full schemas, errors from the
 * composed registry) and its own routes, each in an encapsulated plugin tagged with the module's
 * name; and `GET /v1/modules`, the list through which the SDK and CLI reach the queries.
 */
export async function moduleRoutes(app: FastifyInstance, node: LedgerNode): Promise<void> {
  const state = queryState(node);
  const { registry } = node.chain;
  const list = {
    modules: registry.modules.map((m) => ({
      name: m.name,
      namespace: m.namespace,
      kinds: m.kinds.map((k) => k.kind),
      queries: (m.queries ?? []).map(describeQuery),
      errors: Object.keys(m.errors ?? {}),
    })),
  };
  app.get(
    '/v1/modules',
    {
      schema: {
        tags: ['modules'],
        summary:
          'The modules this node runs: their transaction kinds, queries (with schemas) and error codes',
        response: { 200: ModuleList },
      },
    },
    async () => list,
  );

  for (const module of registry.modules) {
    const runtime = node.modules.find((o) => o.module === module)?.runtime;
    await inModuleScope(app, module, async (scope) => {
      for (const q of module.queries ?? []) {
        checkQueryInput(module, q);
        scope.get(
          q.path,
          {
            schema: {
              summary: q.summary,
              ...(q.params === undefined ? {} : { params: q.params }),
              // A query without a query-string schema takes no query string at all.
              querystring: q.querystring ?? NO_QUERYSTRING,
              response: { 200: q.response, ...errorResponses },
            },
          },
          // Path parameters last: a query-string field can never stand in for a validated one.
          async (req) => q.run(state, { ...(req.query as object), ...(req.params as object) }),
        );
      }
      await runtime?.routes?.(scope);
    });
  }
}
