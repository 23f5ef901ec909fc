/**
 * `GET /`: what a person who opens the node's URL sees (until the web UI takes this place): the
 * node, its organization, its chain and head, and links to the API docs, health, metrics, the
 * signed checkpoint, the DID resolver and every other GET route. HTML by default; JSON when the
 * `Accept` header prefers `application/json`.
 */
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import type { LedgerNode } from '../ledger-node.ts';
import { Hex32, Height } from '../schemas.ts';

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

/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

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

/** A link to `path`, or (for a template or a route that needs input) the path as code. */
function routeHtml(path: string, linkable = !path.includes('{')): string {
  return linkable
    ? `<a href="${escapeHtml(path)}"><code>${escapeHtml(path)}</code></a>`
    : `<code>${escapeHtml(path)}</code>`;
}

/** The page; every value from the node passes through {@link escapeHtml}. */
export function renderHomeHtml(h: HomeInfo): string {
  const e = escapeHtml;
  const row = (name: string, value: string): string =>
    `<tr><th>${e(name)}</th><td>${value}</td></tr>`;
  const code = (text: string): string => `<code>${e(text)}</code>`;
  const org = h.node.org ?? 'none (read-only)';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${e(`realdid node ${org} · ${h.chain.chainId}`)}</title>
<style>
body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}
table{border-collapse:collapse}th,td{text-align:left;vertical-align:top;padding:.2rem 1rem .2rem 0}
th{font-weight:600;white-space:nowrap}code{font:13px ui-monospace,monospace;word-break:break-all}
.muted{color:#666}
</style>
</head>
<body>
<h1>realdid node ${code(org)}</h1>
<p class="muted">This node serves the realdid ledger API. A web interface will take this page's place; until then, start from the links below. This page is also available as JSON (<code>Accept: application/json</code>).</p>
<table>
${row('Organization', code(org))}
${row('Node key', h.node.key === null ? 'none' : code(h.node.key))}
${row('Chain id', code(h.chain.chainId))}
${row('Genesis hash', code(h.chain.genesisHash))}
${row('Height', `${e(String(h.chain.height))} <span class="muted">(head ${code(h.chain.headHash)}, ${e(new Date(h.chain.headTime).toISOString())})</span>`)}
${row('Pending transactions', e(String(h.chain.pending)))}
${row('Consortium', h.consortium === null ? 'none' : `${h.consortium.members.map(code).join(', ')} <span class="muted">(quorum ${e(String(h.consortium.quorum))})</span>`)}
${row('Modules', h.modules.map(code).join(', '))}
</table>
<h2>Start here</h2>
<ul>
${h.links.map((l) => `<li>${routeHtml(l.href)}: ${e(l.title)}</li>`).join('\n')}
</ul>
<h2>Every GET route</h2>
<table>
${h.routes.map((r) => `<tr><td>${routeHtml(r.path, r.linkable)}</td><td class="muted">${e(r.tag)}</td><td>${e(r.summary)}</td></tr>`).join('\n')}
</table>
</body>
</html>
`;
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
          'Home page: this node, its chain and links to the API (HTML; JSON with Accept: application/json)',
        response: {
          200: {
            description: 'The node, its chain and links',
            content: {
              'text/html': { schema: Type.String() },
              'application/json': { schema: Home },
            },
          },
        },
      },
    },
    async (req, reply) => {
      routes ??= routesOf(app);
      const info = homeInfo(app, node, routes);
      void reply.header('vary', 'Accept').header('cache-control', 'no-store');
      if (prefersJson(req.headers.accept)) return reply.type(JSON_TYPE).send(info);
      return reply.type(HTML).send(renderHomeHtml(info));
    },
  );
};
export default homeRoutes;
