/**
 * The login benchmark's clients: a browser (a cookie, the demo site's JSON start and its
 * continue redirect) and a wallet that, like a real one, checks a site's registration once and
 * then keeps it: the first link of a site goes through the SDK's `openLogin` (registration as
 * proven state, the request object's key resolved through the ledger); later links of that site
 * fetch and verify the signed request object with the kept key and registration, and every
 * answer is the SDK's `answerLogin` (presentation with a KB-JWT, posted as `direct_post`).
 */
import {
  jwkOfEd25519,
  parseRequestLink,
  REQUEST_OBJECT_MEDIA_TYPE,
  verifierOfJwk,
  verifyRequestObject,
  webOriginOf,
  type JwsVerifier,
} from '../src/credentials/index.ts';
import { decodeMultikey } from '../src/crypto/index.ts';
import {
  answerLogin,
  openLogin,
  type Holder,
  type LoginPrompt,
  type RealdidClient,
} from '../src/sdk/index.ts';
import type { LiteClient, LiteResponse } from './_http-client.ts';

/** What a wallet keeps about a site after its first login there. */
export interface KnownSite {
  /** The first prompt: the registration, purpose and policy as proven then. */
  readonly prompt: LoginPrompt;
  /** The site DID's authentication keys by kid. */
  readonly keys: ReadonlyMap<string, JwsVerifier>;
}

/** Opens a site's first link through the SDK and keeps its registration and keys. */
export async function learnSite(client: RealdidClient, link: string): Promise<KnownSite> {
  const prompt = await openLogin(client, link);
  const doc = (await client.resolveDid(prompt.site.did)).didDocument;
  const keys = new Map<string, JwsVerifier>();
  for (const m of doc.verificationMethod ?? []) {
    const kid = m.id.startsWith('#') ? `${prompt.site.did}${m.id}` : m.id;
    const auth = (doc.authentication ?? []).some((r) => r === m.id || r === kid);
    if (auth && m.publicKeyMultibase !== undefined)
      keys.set(kid, verifierOfJwk(jwkOfEd25519(decodeMultikey(m.publicKeyMultibase))));
  }
  return { prompt, keys };
}

function onOrigin(site: KnownSite, url: unknown, what: string): void {
  if (!site.prompt.site.origins.includes(webOriginOf(url, what)))
    throw new Error(`${what} is not on a registered origin of ${site.prompt.site.did}`);
}

/**
 * Opens a later link of a known site: the same checks as `openLogin` (link, origins, signature,
 * profile, expiry, purpose and claims) against what the wallet kept.
 */
export async function openKnown(
  client: RealdidClient,
  site: KnownSite,
  link: string,
): Promise<LoginPrompt> {
  const { clientId, requestUri } = parseRequestLink(link);
  if (clientId !== site.prompt.clientId) throw new Error(`another site: ${clientId}`);
  onOrigin(site, requestUri, 'request_uri');
  const jws = await client.fetchText(requestUri, REQUEST_OBJECT_MEDIA_TYPE);
  const v = await verifyRequestObject(
    jws.trim(),
    (kid) => {
      const key = site.keys.get(kid);
      if (key === undefined) throw new Error(`${kid} is not an authentication key`);
      return key;
    },
    { now: Math.floor(Date.now() / 1000), clientId },
  );
  onOrigin(site, v.claims.response_uri, 'response_uri');
  const first = site.prompt;
  const same = (a: readonly string[], b: readonly string[]) =>
    a.length === b.length && a.every((x) => b.includes(x));
  if (
    v.claims.realdid_purpose !== first.purpose.id ||
    v.claims.realdid_policy !== first.policy?.id ||
    !same(v.query.claims, first.claims)
  )
    throw new Error('the request differs from the registration the wallet checked');
  return {
    ...first,
    link,
    request: v.claims,
    claims: v.query.claims,
    credentialId: v.query.credentialId,
    responseUri: v.claims.response_uri,
    expires: v.claims.exp * 1000,
  };
}

/** A browser of one person: its `rd_browser` cookie once the site set it. */
export class BenchBrowser {
  #cookie = '';
  readonly #site: string;
  readonly #http: LiteClient;

  constructor(siteUrl: string, http: LiteClient) {
    this.#site = siteUrl;
    this.#http = http;
  }

  /** `POST /login` as a script would: the login's id and link. */
  async start(): Promise<{ id: string; link: string }> {
    const res = await this.#http.request(`${this.#site}/login`, {
      method: 'POST',
      headers: {
        accept: 'application/json',
        'content-type': 'application/x-www-form-urlencoded',
        ...(this.#cookie === '' ? {} : { cookie: this.#cookie }),
      },
      body: 'mode=cross',
    });
    const browser = cookieOf(res, 'rd_browser');
    if (browser !== undefined) this.#cookie = `rd_browser=${browser}`;
    const text = await res.text();
    if (res.status !== 201) throw new Error(`POST /login: ${res.status} ${text}`);
    return JSON.parse(text) as { id: string; link: string };
  }

  /** `GET /login/:id/continue`: the session cookie of a finished login. */
  async finish(id: string): Promise<string> {
    const res = await this.#http.request(`${this.#site}/login/${id}/continue`, {
      headers: { cookie: this.#cookie },
    });
    const session = cookieOf(res, 'rd_session');
    if (res.status !== 303 || session === undefined)
      throw new Error(`continue: ${res.status} ${await res.text()}`);
    return session;
  }
}

function cookieOf(res: LiteResponse, name: string): string | undefined {
  for (const line of res.setCookies)
    if (line.startsWith(`${name}=`)) return line.slice(name.length + 1).split(';')[0];
  return undefined;
}

/** One whole login of `holder` in `browser`: start, fetch and verify, answer, session. */
export async function oneLogin(
  client: RealdidClient,
  site: KnownSite,
  browser: BenchBrowser,
  holder: Holder,
): Promise<void> {
  const { id, link } = await browser.start();
  const prompt = await openKnown(client, site, link);
  await answerLogin(client, prompt, holder);
  await browser.finish(id);
}
