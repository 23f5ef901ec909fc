/**
 * The realdid demo site: a small relying party, server-rendered, that logs people in with
 * OpenID4VP 1.0 through the SDK's `LoginVerifier`. `createDemoSite` builds the fastify app (used
 * by the tests and the login benchmark); run this file to serve it against a node:
 *
 *   npm start                    # a demo node on http://127.0.0.1:8080 (./data)
 *   npm run demo-site            # this site on http://127.0.0.1:4000
 *
 * Options: --node <url> (default http://127.0.0.1:8080), --data <node data folder> (default
 * ./data: keys/demo-site.json and genesis.json), --port 4000, --host 127.0.0.1, --base-url <url>
 * (default http://<host>:<port>; must be a registered origin). The key passphrase is
 * REALDID_PASSPHRASE, else the demo passphrase.
 */
import { randomBytes } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { AppError } from '../../src/errors.ts';
import { CREATOR_FOLLOWER_THRESHOLD, demoSiteTerms } from '../../src/identity/index.ts';
import { defaultModules, ErrorRegistry, toAppError } from '../../src/node/index.ts';
import {
  LoginVerifier,
  RealdidClient,
  type LoginVerifierOptions,
  type SiteSigner,
} from '../../src/sdk/index.ts';
import { layout, pageCsp } from './html.ts';
import { errorPage } from './pages.ts';
import { CREATOR_POLICY, siteRoutes, type SiteContext } from './routes.ts';
import { ExpiringMap } from './sessions.ts';
import { loadDemoSiteSigner } from './site-key.ts';

/** How the demo site is built. */
export interface DemoSiteOptions {
  /** A client of the node the site checks presentations and registrations against. */
  readonly client: RealdidClient;
  /** The site's registered DID and its signing key. */
  readonly site: SiteSigner;
  /** The site's public base URL, e.g. `http://127.0.0.1:4000`: one of its registered origins. */
  readonly baseUrl: string;
  /** More verifier options (login lifetime, clock). */
  readonly verifier?: Partial<Omit<LoginVerifierOptions, 'client' | 'site' | 'baseUrl'>>;
  /** Lifetime of a site session (default one hour). */
  readonly sessionTtlSec?: number;
  /** Follower count above which a creator must show their real name (default 500,000). */
  readonly followerThreshold?: number;
  /** fastify's logger option (default off). */
  readonly logger?: boolean;
}

const MAX_ENTRIES = 20_000;
/** Headers of every answer; pages send their own nonce-based CSP instead of this one. */
const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cache-control': 'no-store',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
} as const;
const FORM_LIMIT = 64 * 1024;

/** The registry that gives each error code its HTTP status (the node's, so both agree). */
const REGISTRY = new ErrorRegistry(defaultModules());

/** HTTP status of an error code: the node's registry; a failure to reach the node is 502. */
export function statusOf(code: string): number {
  return code.startsWith('ERR_SDK_') ? 502 : REGISTRY.status(code);
}

/** Routes that answer JSON (wallets and the status poll); all others answer HTML pages. */
const isJsonRoute = (r: FastifyRequest): boolean =>
  r.url.startsWith('/oid4vp/') ||
  /^\/login\/[^/]+\/status/.test(r.url) ||
  (r.headers.accept ?? '').startsWith('application/json');

/** Sends a page with a fresh CSP nonce for its inline style and scripts. */
export function sendPage(
  reply: FastifyReply,
  status: number,
  title: string,
  body: (nonce: string) => string,
): FastifyReply {
  const nonce = randomBytes(16).toString('base64');
  return reply
    .status(status)
    .header('content-security-policy', pageCsp(nonce))
    .type('text/html; charset=utf-8')
    .send(layout(title, body(nonce), nonce));
}

/** Answers an error: JSON `{code, message}` to wallets, a page in plain words to people. */
function sendError(request: FastifyRequest, reply: FastifyReply, err: unknown): FastifyReply {
  const e = toAppError(err);
  const status = statusOf(e.code);
  if (status >= 500) request.log.error({ err }, 'demo site error');
  if (isJsonRoute(request)) return reply.status(status).send({ code: e.code, message: e.message });
  return sendPage(reply, status, 'Error', () => errorPage(e.code, e.message));
}

/** Parses an `application/x-www-form-urlencoded` body; a repeated field becomes an array. */
function parseForm(body: string): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = Object.create(null) as Record<string, string>;
  for (const [k, v] of new URLSearchParams(body)) {
    const prev = out[k];
    out[k] = prev === undefined ? v : [...(Array.isArray(prev) ? prev : [prev]), v];
  }
  return out;
}

/**
 * Builds the demo site: its pages, the OpenID4VP request-object and `direct_post` endpoints, and
 * security headers on every answer (CSP, no sniffing, no framing, no referrer, no caching).
 * @example
 * const app = createDemoSite({ client, site, baseUrl: 'http://127.0.0.1:4000' });
 * await app.listen({ port: 4000, host: '127.0.0.1' });
 */
export function createDemoSite(o: DemoSiteOptions): FastifyInstance {
  const app = Fastify({
    logger: o.logger ?? false,
    bodyLimit: FORM_LIMIT,
    routerOptions: { maxParamLength: 256 },
  });
  const ctx: SiteContext = {
    verifier: new LoginVerifier({
      ...o.verifier,
      client: o.client,
      site: o.site,
      baseUrl: o.baseUrl,
    }),
    client: o.client,
    secure: o.baseUrl.startsWith('https:'),
    sessionTtlSec: o.sessionTtlSec ?? 3600,
    threshold: o.followerThreshold ?? CREATOR_FOLLOWER_THRESHOLD,
    policy: demoSiteTerms().policies!.find((p) => p.id === CREATOR_POLICY)!,
    pending: new ExpiringMap(MAX_ENTRIES),
    sessions: new ExpiringMap(MAX_ENTRIES),
    sendPage,
  };
  app.removeAllContentTypeParsers(); // forms only: JSON or text bodies are 415
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string', bodyLimit: FORM_LIMIT },
    (_req, body, done) => done(null, parseForm(body as string)),
  );
  // Set first, so every answer has them (errors included); pages replace the CSP with their own.
  app.addHook('onRequest', (_request, reply, done) => {
    reply.headers(SECURITY_HEADERS);
    done();
  });
  app.setErrorHandler((err, request, reply) => sendError(request, reply, err));
  app.setNotFoundHandler((request, reply) =>
    sendError(
      request,
      reply,
      new AppError('ERR_API_NOT_FOUND', `no page ${request.method} ${request.url.split('?')[0]}`),
    ),
  );
  siteRoutes(app, ctx);
  return app;
}

/** `npm run demo-site`: serves the site against a running node. */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      node: { type: 'string', default: 'http://127.0.0.1:8080' },
      data: { type: 'string', default: './data' },
      port: { type: 'string', default: '4000' },
      host: { type: 'string', default: '127.0.0.1' },
      'base-url': { type: 'string' },
    },
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new RangeError(`--port must be 0..65535, got ${values.port}`);
  const loaded = loadDemoSiteSigner(values.data);
  const baseUrl = values['base-url'] ?? `http://${values.host}:${port}`;
  if (!loaded.origins.includes(baseUrl))
    process.stderr.write(
      `warning: ${baseUrl} is not a registered origin of the site (${loaded.origins.join(', ')}); wallets will refuse its requests\n`,
    );
  const client = new RealdidClient({ url: values.node, genesisHash: loaded.genesisHash });
  const app = createDemoSite({ client, site: loaded.signer, baseUrl });
  await app.listen({ port, host: values.host });
  process.stdout.write(
    `realdid demo site (${loaded.signer.did}) on ${baseUrl}, checking against the node at ${values.node}\n`,
  );
  const stop = (): void => {
    app.close().then(
      () => process.exit(0),
      (err: unknown) => {
        process.stderr.write(`error while stopping: ${(err as Error).message}\n`);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href)
  main().catch((err: unknown) => {
    const e = err as { code?: string; message?: string };
    process.stderr.write(`demo site: ${e.code ?? 'error'}: ${e.message ?? String(err)}\n`);
    process.exit(1);
  });
