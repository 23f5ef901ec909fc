/**
 * `GET /`: what a person who opens the node's URL sees. HTML by default: the ledger explorer
 * (web/explorer/, the shell of `webShell`; its script asks the node over HTTP and verifies every
 * proof in the browser). JSON when the `Accept` header prefers `application/json`: the node, its
 * organization, its chain and head, and links to the API docs, health, metrics, the signed
 * checkpoint, the DID resolver and every other GET route.
 */
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import type { LedgerNode } from '../ledger-node.ts';
import { Hex32, Height } from '../schemas.ts';
import { webHeaders, webShell } from '../web/serve.ts';

const Link = Type.Object(
  { rel: Type.String(), href: Type.String(), title: Type.String() },
  { additionalProperties: false },
);

const RouteEntry = Type.Object(
  {
    path: Type.String({ description: 'OpenAPI path template, e.g. /v1/txs/{id}' }),
    tag: Type.String(),
    summary: Type.String(),
    linkable: Type.Boolean({
      description:
        'A plain GET of `path` answers: no path parameter and no required query parameter',
    }),
  },
  { additionalProperties: false },
);

export const Home = Type.Object(
  {
    name: Type.Literal('realdid node'),
    node: Type.Object(
      {
        org: Type.Union([Type.String(), Type.Null()], {
          description: 'The organization this node signs blocks for (null: read-only node)',
        }),
        key: Type.Union([Type.String(), Type.Null()], {
          description: 'The organization key the node signs with, as a Multikey',
        }),
      },
      { additionalProperties: false },
    ),
    chain: Type.Object(
      {
        chainId: Type.String(),
        genesisHash: Hex32,
        height: Height,
        headHash: Hex32,
        headTime: Type.Integer({ description: 'Block time of the head, ms since the epoch' }),
        pending: Type.Integer({
          minimum: 0,
          description: 'Transactions accepted but not yet committed',
        }),
      },
      { additionalProperties: false },
    ),
    consortium: Type.Union([
      Type.Object(
        { members: Type.Array(Type.String()), quorum: Type.Integer({ minimum: 0 }) },
        { additionalProperties: false },
      ),
      Type.Null(),
    ]),
    modules: Type.Array(Type.String(), {
      description: 'Modules this node runs, in registration order',
    }),
    links: Type.Array(Link),
    routes: Type.Array(RouteEntry, {
      description: 'Every GET route of the API (from the OpenAPI document)',
    }),
  },
  { additionalProperties: false },
);
export type HomeInfo = Static<typeof Home>;

/** Where a person starts. The resolver is listed only when the node serves it. */
const LINKS: readonly (Static<typeof Link> & { route?: string })[] = [
  { rel: 'docs', href: '/docs', title: 'API documentation (Swagger UI)' },
  { rel: 'openapi', href: '/docs/json', title: 'OpenAPI document' },
  { rel: 'health', href: '/health', title: 'Health: chain id, height, pending transactions' },
  { rel: 'metrics', href: '/metrics', title: 'Prometheus metrics' },
  { rel: 'checkpoint', href: '/v1/checkpoint', title: 'Latest signed checkpoint' },
  {
    rel: 'did-resolver',
    href: '/1.0/identifiers/{did}',
    title: 'DID resolver (W3C DID Resolution HTTP binding)',
    route: '/1.0/identifiers/:did',
  },
];

const HTML = 'text/html; charset=utf-8';
const JSON_TYPE = 'application/json; charset=utf-8';

/**
 * Does `accept` (an HTTP Accept header) prefer `application/json` to `text/html`? Each media
 * range's q-value applies to the types it matches, the most specific range winning (RFC 9110
 * §12.5.1); a tie, or no header, is HTML.
 */
export function prefersJson(accept: string | undefined): boolean {
  if (accept === undefined || accept.trim() === '') return false;
  const ranges = accept.split(',').map((part) => {
    const [range = '', ...params] = part.split(';').map((s) => s.trim().toLowerCase());
    const q = params.find((p) => p.startsWith('q='));
    const value = q === undefined ? 1 : Number(q.slice(2));
    return { range, q: Number.isFinite(value) ? Math.min(Math.max(value, 0), 1) : 0 };
  });
  const quality = (type: string): number => {
    const [major] = type.split('/');
    let best: { specificity: number; q: number } = { specificity: -1, q: 0 };
    for (const r of ranges) {
      const specificity =
        r.range === type ? 2 : r.range === `${major}/*` ? 1 : r.range === '*/*' ? 0 : -1;
      if (specificity > best.specificity) best = { specificity, q: r.q };
    }
    return best.q;
  };
  return quality('application/json') > quality('text/html');
}

/** GET routes of the OpenAPI document, in path order (computed once: routes are fixed after ready). */
function routesOf(app: FastifyInstance): Static<typeof RouteEntry>[] {
  type Operation = {
    tags?: string[];
    summary?: string;
    parameters?: { in?: string; required?: boolean }[];
  };
  const doc = app.swagger() as { paths?: Record<string, { get?: Operation }> };
  return Object.entries(doc.paths ?? {})
    .flatMap(([path, ops]) =>
      ops.get === undefined || path === '/' ? [] : [{ path, get: ops.get }],
    )
    .map(({ path, get }) => ({
      path,
      tag: get.tags?.[0] ?? '',
      summary: get.summary ?? '',
      linkable: !path.includes('{') && !(get.parameters ?? []).some((p) => p.required === true),
    }))
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** What `GET /` answers as JSON. */
function homeInfo(
  app: FastifyInstance,
  node: LedgerNode,
  routes: Static<typeof RouteEntry>[],
): HomeInfo {
  const { chain } = node;
  const policy = chain.registry.consortium;
  return {
    name: 'realdid node',
    node: { org: chain.signer?.org ?? null, key: chain.signer?.multikey ?? null },
    chain: {
      chainId: chain.chainId,
      genesisHash: chain.genesisHash,
      height: chain.head.height,
      headHash: chain.head.hash,
      headTime: chain.head.header.time,
      pending: node.orderer.pending,
    },
    consortium:
      policy === undefined
        ? null
        : {
            members: [...new Set(policy.signers(chain.state).map((s) => s.id))],
            quorum: policy.quorum(chain.state),
          },
    modules: chain.registry.modules.map((m) => m.name),
    links: LINKS.filter(
      (l) => l.route === undefined || app.hasRoute({ method: 'GET', url: l.route }),
    ).map(({ rel, href, title }) => ({ rel, href, title })),
    routes,
  };
}

/**
 * The home route as a fastify plugin (registered by app.ts with `app.register(import(...), { node })`).
 */
const homeRoutes: FastifyPluginAsync<{ node: LedgerNode }> = async (app, { node }) => {
  let routes: Static<typeof RouteEntry>[] | undefined;
  app.get(
    '/',
    {
      schema: {
        tags: ['ops'],
        summary:
          'Home page: the ledger explorer (HTML); this node, its chain and links to the API with Accept: application/json',
        response: {
          200: {
            description:
              'text/html: the explorer page (its script verifies proofs in the browser); application/json: the node, its chain and links',
            content: {
              'text/html': { schema: Type.String() },
              'application/json': { schema: Home },
            },
          },
        },
      },
    },
    async (req, reply) => {
      void reply.header('vary', 'Accept').header('cache-control', 'no-store');
      if (prefersJson(req.headers.accept)) {
        routes ??= routesOf(app);
        return reply.type(JSON_TYPE).send(homeInfo(app, node, routes));
      }
      const title = `realdid explorer · ${node.chain.signer?.org ?? 'read-only node'} · ${node.chain.chainId}`;
      return webHeaders(reply).type(HTML).send(webShell('explorer', title));
    },
  );
};
export default homeRoutes;
