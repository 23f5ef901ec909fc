/**
 * The wallet page's test world, over real HTTP on 127.0.0.1: the demo site's world (a node and
 * the demo site, test/examples/_demo-site.ts) with one more registered origin of the site, served
 * by a small "other" server that hands out request objects the test signs itself with the site's
 * key (e.g. one asking for a claim outside the site's registration) and a page of another origin
 * (`/other-page`, no CSP, for cross-origin attempts from a browser) with `/echo-cookie`, which
 * answers the `Cookie` header the browser sent it: what any server on another port of 127.0.0.1
 * receives of the wallet's session cookie. A person enrolled at the
 * front office, whose wallet was restored with `realdid wallet restore` from the mnemonic, then
 * unlocked in this process for `startWalletServer`.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import {
  openWallet,
  walletContext,
  type UnlockedWallet,
  type WalletContext,
} from '../../src/cli/index.ts';
import {
  clientIdOf,
  realNameQuery,
  SELF_ISSUED_AUD,
  signerOfKeyPair,
  signRequestObject,
  VP_FORMATS_SUPPORTED,
} from '../../src/credentials/index.ts';
import { derivePairwise } from '../../src/did/index.ts';
import {
  CookieJar,
  enrollCliPerson,
  freePort,
  openDemoWorld,
  type DemoWorld,
} from '../examples/_demo-site.ts';

export const WALLET_PASSPHRASE = 'wallet page test wallet passphrase';

/** A login the demo site started: its id and link, and the cookies of the browser that started it. */
export interface SiteLogin {
  readonly id: string;
  readonly link: string;
  readonly jar: CookieJar;
}

export interface WalletWorld {
  readonly demo: DemoWorld;
  /** The other server's origin (a registered origin of the demo site). */
  readonly otherUrl: string;
  readonly mnemonic: string;
  readonly seed: Uint8Array;
  readonly did: string;
  /** The person's pairwise DID at the demo site. */
  readonly account: string;
  readonly walletFile: string;
  /** The environment of the person's CLI runs (REALDID_HOME, _WALLET, _PASSPHRASE, _URL). */
  readonly env: NodeJS.ProcessEnv;
  readonly wallet: UnlockedWallet;
  /** A fresh context for a wallet server (its own trust file in the person's home). */
  context(): WalletContext;
  /** A link to a request signed with the site's key for `claims` under purpose `login`. */
  signedLink(id: string, claims: readonly string[]): string;
  /**
   * Starts a login at the demo site, as a browser's JSON call would; `creator` starts the creator
   * flow with that follower count (above 500,000 it invokes the site's disclosure policy).
   */
  siteLogin(o?: { creator?: number }): Promise<SiteLogin>;
  /** The demo site's status of a login it started. */
  siteStatus(l: SiteLogin): Promise<{ status: string; code?: string }>;
  close(): Promise<void>;
}

const OTHER_PAGE = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>another origin</title></head>
<body><h1>A page of another origin</h1></body></html>`;

function otherServer(requests: Map<string, string>): FastifyInstance {
  const app = Fastify({ logger: false });
  app.get<{ Params: { id: string } }>('/oid4vp/request/:id', async (req, reply) => {
    const jws = requests.get(req.params.id);
    if (jws === undefined)
      return reply.status(404).send({ code: 'ERR_API_NOT_FOUND', message: 'no' });
    return reply.type('application/oauth-authz-req+jwt').send(jws);
  });
  app.get('/other-page', async (_req, reply) => reply.type('text/html').send(OTHER_PAGE));
  app.get('/echo-cookie', async (req) => ({ cookie: req.headers.cookie ?? null }));
  return app;
}

/** Opens the world (about 3 s: a node, two sites, an enrollment, one CLI run). */
export async function openWalletWorld(): Promise<WalletWorld> {
  const otherPort = await freePort();
  const otherUrl = `http://127.0.0.1:${otherPort}`;
  const demo = await openDemoWorld({}, { extraOrigins: [otherUrl] });
  const requests = new Map<string, string>();
  const other = otherServer(requests);
  await other.listen({ port: otherPort, host: '127.0.0.1' });
  const p = await enrollCliPerson(demo, WALLET_PASSPHRASE);
  const wallet = await openWallet(p.walletFile, WALLET_PASSPHRASE);
  const clientId = clientIdOf(demo.signer.did);
  return {
    demo,
    otherUrl,
    ...p,
    account: derivePairwise(p.seed, demo.siteUrl).did,
    wallet,
    context: () =>
      walletContext(wallet, { url: demo.node.url, trustFile: join(p.home, 'trust.json') }),
    signedLink(id, claims) {
      const now = Math.floor(Date.now() / 1000);
      const jws = signRequestObject(
        {
          iss: clientId,
          aud: SELF_ISSUED_AUD,
          client_id: clientId,
          response_type: 'vp_token',
          response_mode: 'direct_post',
          response_uri: `${otherUrl}/oid4vp/response/${id}`,
          nonce: `nonce-${id}-0123456789abcdef0123456789`,
          state: `state-${id}-0123456789abcdef0123456789`,
          iat: now,
          exp: now + 300,
          dcql_query: realNameQuery([...claims]),
          client_metadata: { vp_formats_supported: VP_FORMATS_SUPPORTED },
          realdid_purpose: 'login',
        },
        signerOfKeyPair(demo.signer.keyPair, demo.signer.kid),
      );
      requests.set(id, jws);
      return `openid4vp://?client_id=${encodeURIComponent(clientId)}&request_uri=${encodeURIComponent(`${otherUrl}/oid4vp/request/${id}`)}`;
    },
    async siteLogin(o = {}) {
      const jar = new CookieJar();
      const creator = o.creator !== undefined;
      const res = await fetch(`${demo.siteUrl}/${creator ? 'creator' : 'login'}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          accept: 'application/json',
        },
        body: creator ? `followers=${o.creator}` : 'mode=cross',
      });
      assert.equal(res.status, 201);
      jar.take(res);
      const { id, link } = (await res.json()) as { id: string; link: string };
      return { id, link, jar };
    },
    async siteStatus(l) {
      const res = await fetch(`${demo.siteUrl}/login/${l.id}/status`, {
        headers: { cookie: l.jar.header, accept: 'application/json' },
      });
      return (await res.json()) as { status: string; code?: string };
    },
    async close() {
      await other.close();
      await demo.close();
    },
  };
}
