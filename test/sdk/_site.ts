/**
 * The login tests' world: a node serving an identity authority whose genesis also creates site
 * DIDs and registers some as relying parties (a genesis fragment of our own), a minimal site
 * server per site (fastify: GET request path → the signed request object, POST response path →
 * `LoginVerifier.respond`, errors as `{code, message}` with the registry's status), and one
 * `fetch` that routes by host to the node or a site, all through `app.inject()`.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fastify, { type FastifyInstance } from 'fastify';
import { REQUEST_OBJECT_MEDIA_TYPE } from '../../src/credentials/index.ts';
import type { JsonValue } from '../../src/crypto/index.ts';
import { orgSignerUrl, type SiteTerms } from '../../src/governance/index.ts';
import {
  defaultModules,
  errorHandlerFor,
  ErrorRegistry,
  loadKeyFile,
} from '../../src/node/index.ts';
import { RealdidClient } from '../../src/sdk/index.ts';
import { LoginVerifier, type LoginVerifierOptions } from '../../src/sdk/login-verifier.ts';
import { injectFetch } from '../helpers/inject-fetch.ts';
import { makeSite, siteTerms, type TestSite } from '../helpers/sites.ts';
import {
  IA_URL,
  initAuthorityDir,
  openAuthorityNode,
  PASSPHRASE,
  type IaNode,
} from '../identity/_helpers.ts';

/**
 * A site server for tests (and a model for a real one): the request object at the request path,
 * the wallet's form at the response path, both handled by the site's current verifier; `raw`
 * serves hand-made request objects by id.
 */
export async function siteApp(
  verifierOf: () => LoginVerifier,
  raw = new Map<string, string>(),
): Promise<FastifyInstance> {
  const app = fastify({ logger: false });
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string' },
    (_req, body, done) => {
      done(null, Object.fromEntries(new URLSearchParams(body as string)));
    },
  );
  app.setErrorHandler(errorHandlerFor(new ErrorRegistry(defaultModules())));
  app.get<{ Params: { id: string } }>('/oid4vp/request/:id', async (req, reply) =>
    reply
      .type(REQUEST_OBJECT_MEDIA_TYPE)
      .send(raw.get(req.params.id) ?? verifierOf().requestObject(req.params.id)),
  );
  app.post<{ Params: { id: string }; Body: Record<string, string> }>(
    '/oid4vp/response/:id',
    async (req) => verifierOf().respond(req.params.id, req.body ?? {}),
  );
  await app.ready();
  return app;
}

/** A `fetch` that answers each host through its app's `inject()` (hosts may be added later). */
export function routeFetch(hosts: ReadonlyMap<string, FastifyInstance>): typeof fetch {
  const fetches = new Map<FastifyInstance, typeof fetch>();
  return (input, init) => {
    const url = new URL(
      typeof input === 'string' ? input : input instanceof URL ? input.href : input.url,
    );
    const app = hosts.get(url.host);
    if (app === undefined)
      return Promise.reject(new TypeError(`fetch failed: no host ${url.host}`));
    if (!fetches.has(app)) fetches.set(app, injectFetch(app));
    return fetches.get(app)!(input, init);
  };
}

/** A site of the world: its DID and keys, origin, and (once opened) its verifier and server. */
export interface WorldSite extends TestSite {
  readonly origin: string;
  readonly terms: SiteTerms;
  /** Hand-made request objects its server serves by id. */
  readonly raw: Map<string, string>;
  verifier: LoginVerifier;
}

export interface World {
  readonly ia: IaNode;
  readonly fetch: typeof fetch;
  /** A fresh client over the routed fetch (the wallet's, or a site's). */
  client(): RealdidClient;
  readonly sites: Record<'shop' | 'news' | 'gone' | 'stranger', WorldSite>;
  /** A new verifier for a site (fresh caches), installed in its server. */
  verifierFor(site: WorldSite, o?: Partial<LoginVerifierOptions>): LoginVerifier;
  /** Proposes a governance change as org1 (quorum 1: executed at once). */
  govern(change: unknown): Promise<void>;
  close(): Promise<void>;
}

/** Purposes of the test sites: a login showing age, and a creator purpose under a policy. */
export function worldTerms(origin: string, policy: boolean): SiteTerms {
  const t = siteTerms([origin], { policy });
  return {
    ...t,
    purposes: [
      ...t.purposes,
      {
        id: 'profile',
        description: 'Show your name on your profile',
        claims: ['given_name', 'region'],
      },
    ],
  };
}

/** Appends the sites' DIDs (and the registered ones' grants) to the data folder's genesis. */
function addToGenesis(
  dir: string,
  sites: readonly WorldSite[],
  registered: readonly WorldSite[],
): void {
  const path = join(dir, 'genesis.json');
  const g = JSON.parse(readFileSync(path, 'utf8')) as {
    modules: Record<string, Record<string, JsonValue[]>>;
  };
  g.modules.did!.documents = [
    ...(g.modules.did!.documents ?? []),
    ...sites.map((s) => s.create as unknown as JsonValue),
  ];
  const grants = registered.map((s) => ({
    role: 'relying-party',
    subject: s.did,
    name: `Site ${s.origin}`,
    scope: {},
    site: s.terms,
  }));
  g.modules.gov!.roles = [...(g.modules.gov!.roles ?? []), ...(grants as unknown as JsonValue[])];
  writeFileSync(path, `${JSON.stringify(g, null, 2)}\n`);
}

/** Opens the world: an authority node with four sites (shop, news, gone registered; stranger not). */
export async function openWorld(): Promise<World> {
  const dir = initAuthorityDir('realdid-login-');
  const site = (label: string, origin: string, policy: boolean): WorldSite =>
    ({
      ...makeSite(`login ${label}`),
      origin,
      terms: worldTerms(origin, policy),
      raw: new Map(),
    }) as WorldSite;
  const sites = {
    shop: site('shop', 'https://shop.example', true),
    news: site('news', 'https://news.example', false),
    gone: site('gone', 'https://gone.example', false),
    stranger: site('stranger', 'https://stranger.example', false),
  };
  addToGenesis(dir, Object.values(sites), [sites.shop, sites.news, sites.gone]);
  const ia = await openAuthorityNode({ dir });
  const hosts = new Map<string, FastifyInstance>([[new URL(IA_URL).host, ia.app]]);
  const fetch = routeFetch(hosts);
  const client = () => new RealdidClient({ url: IA_URL, fetch });
  const apps: FastifyInstance[] = [];
  const verifierFor = (s: WorldSite, o: Partial<LoginVerifierOptions> = {}): LoginVerifier => {
    s.verifier = new LoginVerifier({
      client: client(),
      site: { did: s.did, kid: s.kid, keyPair: s.keyPair },
      baseUrl: s.origin,
      ...o,
    });
    return s.verifier;
  };
  for (const s of Object.values(sites)) {
    verifierFor(s);
    const app = await siteApp(() => s.verifier, s.raw);
    apps.push(app);
    hosts.set(new URL(s.origin).host, app);
  }
  const org = loadKeyFile(join(dir, 'keys', 'org1.json'), PASSPHRASE);
  return {
    ia,
    fetch,
    client,
    sites,
    verifierFor,
    async govern(change) {
      await ia.client.signAndSubmit(org.keyPair, orgSignerUrl(org.multikey), 'gov.propose', {
        change,
      } as never);
    },
    async close() {
      for (const app of apps) await app.close();
      await ia.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
