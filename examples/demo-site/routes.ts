/**
 * The demo site's routes. People: `/` (log in), `/login/:id` (the request as a QR code and a
 * link, polled by a tiny script), `/login/:id/continue` (the session, for the browser that started
 * the login), `/login/callback` (same device: the wallet's redirect with `#response_code`),
 * `/account`, `/creator`, `/logout`. Wallets: `GET /oid4vp/request/:id` (the signed request
 * object) and `POST /oid4vp/response/:id` (`direct_post`).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, type ErrorCode } from '../../src/errors.ts';
import {
  disclosure,
  type LoginStart,
  type LoginVerifier,
  type RealdidClient,
} from '../../src/sdk/index.ts';
import {
  accountPage,
  callbackPage,
  creatorFormPage,
  creatorPage,
  homePage,
  notLoggedInPage,
  waitPage,
  type PolicyNote,
  type SiteSession,
} from './pages.ts';
import { qrSvg } from './qr.ts';
import {
  cookie,
  parseCookies,
  randomId,
  type ExpiringMap,
  type PendingLogin,
  type StoredSession,
} from './sessions.ts';

/** What the routes share. */
export interface SiteContext {
  readonly verifier: LoginVerifier;
  readonly client: RealdidClient;
  readonly secure: boolean;
  readonly sessionTtlSec: number;
  readonly threshold: number;
  /** The creator policy as the site registered it (shown before the wallet asks). */
  readonly policy: PolicyNote;
  readonly pending: ExpiringMap<PendingLogin>;
  readonly sessions: ExpiringMap<StoredSession>;
  readonly sendPage: (
    reply: FastifyReply,
    status: number,
    title: string,
    body: (nonce: string) => string,
  ) => FastifyReply;
}

const BROWSER = 'rd_browser';
const SESSION = 'rd_session';
const ID = { type: 'string', pattern: '^[A-Za-z0-9_-]{1,128}$' } as const;
const idParams = {
  type: 'object',
  properties: { id: ID },
  required: ['id'],
} as const;
type Form = Record<string, string | string[] | undefined>;
/** The creator policy of the demo site's registration. */
export const CREATOR_POLICY = 'creator-real-name';

/** A single-valued form field. @throws ERR_API_SCHEMA */
function field(form: unknown, name: string, pattern: RegExp): string {
  const v = (form as Form | undefined)?.[name];
  if (typeof v !== 'string' || !pattern.test(v))
    throw new AppError('ERR_API_SCHEMA', `form field "${name}" is missing or invalid`);
  return v;
}

/** The wallet's form: every field once. @throws ERR_IDENTITY_LOGIN_MALFORMED */
function walletForm(form: unknown): Record<string, string> {
  if (form === null || typeof form !== 'object')
    throw new AppError('ERR_IDENTITY_LOGIN_MALFORMED', 'expected a form body');
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(form as Form)) {
    if (typeof v !== 'string')
      throw new AppError('ERR_IDENTITY_LOGIN_MALFORMED', `form field "${k}" given more than once`);
    out[k] = v;
  }
  return out;
}

export function siteRoutes(app: FastifyInstance, c: SiteContext): void {
  const browserOf = (req: FastifyRequest) => parseCookies(req.headers.cookie).get(BROWSER);
  const sessionOf = (req: FastifyRequest): SiteSession | undefined => {
    const sid = parseCookies(req.headers.cookie).get(SESSION);
    return sid === undefined ? undefined : c.sessions.get(sid)?.session;
  };
  /** The pending login `id` if this browser started it. @throws ERR_IDENTITY_LOGIN_UNKNOWN */
  const ownLogin = (req: FastifyRequest, id: string): PendingLogin => {
    const p = c.pending.get(id);
    const browser = browserOf(req);
    if (p === undefined || browser === undefined || p.browser !== browser)
      throw new AppError('ERR_IDENTITY_LOGIN_UNKNOWN', `no login ${id} started in this browser`);
    return p;
  };

  async function begin(
    req: FastifyRequest,
    reply: FastifyReply,
    what: Omit<PendingLogin, 'browser' | 'expires' | 'link'>,
  ): Promise<FastifyReply> {
    const policy = what.flow === 'creator' && (what.followers ?? 0) > c.threshold;
    const start: LoginStart = await c.verifier.start({
      purpose: what.flow,
      ...(policy ? { policy: CREATOR_POLICY } : {}),
      sameDevice: what.sameDevice,
    });
    let browser = browserOf(req);
    if (browser === undefined || !/^[A-Za-z0-9_-]{43}$/.test(browser)) {
      browser = randomId();
      reply.header('set-cookie', cookie(BROWSER, browser, 24 * 3600, c.secure));
    }
    c.pending.set(start.id, { ...what, browser, link: start.link, expires: start.expires });
    if ((req.headers.accept ?? '').startsWith('application/json'))
      return reply.status(201).send({ id: start.id, link: start.link, expires: start.expires });
    return reply.redirect(`/login/${encodeURIComponent(start.id)}`, 303);
  }

  /** Makes the site session of a finished login and sends the browser to its page. */
  function finish(reply: FastifyReply, p: PendingLogin, session: SiteSession['login']) {
    const to = destination(p);
    if (p.finished === true) return reply.redirect(to, 303);
    p.finished = true;
    const sid = randomId();
    const stored: SiteSession = {
      login: session,
      flow: p.flow,
      ...(p.followers === undefined ? {} : { followers: p.followers }),
    };
    c.sessions.set(sid, { session: stored, expires: Date.now() + c.sessionTtlSec * 1000 });
    return reply
      .header('set-cookie', cookie(SESSION, sid, c.sessionTtlSec, c.secure))
      .redirect(to, 303);
  }

  app.get('/', async (_req, reply) => c.sendPage(reply, 200, 'Log in', homePage));

  app.post('/login', async (req, reply) => {
    const mode = field(req.body, 'mode', /^(cross|same)$/);
    return begin(req, reply, { flow: 'login', sameDevice: mode === 'same' });
  });

  app.get('/login/callback', async (_req, reply) =>
    c.sendPage(reply, 200, 'Finishing your login', callbackPage),
  );

  app.post('/login/callback', async (req, reply) => {
    const code = field(req.body, 'response_code', /^[A-Za-z0-9_-]{1,256}$/);
    const session = c.verifier.redeem(code);
    return finish(reply, ownLogin(req, session.id), session);
  });

  app.get<{ Params: { id: string } }>(
    '/login/:id',
    { schema: { params: idParams } },
    async (req, reply) => {
      const p = ownLogin(req, req.params.id);
      const st = c.verifier.status(req.params.id);
      if (st.status !== 'pending' && st.status !== 'answered')
        return reply.redirect(`/login/${req.params.id}/continue`, 303);
      const link = p.link;
      const policy =
        p.flow === 'creator' && (p.followers ?? 0) > c.threshold ? c.policy : undefined;
      return c.sendPage(reply, 200, 'Log in with realdid', (nonce) =>
        waitPage({
          id: req.params.id,
          link,
          qr: qrSvg(link, 'QR code of the login request for your realdid wallet'),
          nonce,
          sameDevice: p.sameDevice,
          ...(policy === undefined ? {} : { policy }),
        }),
      );
    },
  );

  app.get<{ Params: { id: string } }>(
    '/login/:id/status',
    { schema: { params: idParams } },
    async (req) => {
      ownLogin(req, req.params.id);
      const st = c.verifier.status(req.params.id);
      return st.status === 'failed' ? { status: st.status, code: st.code } : { status: st.status };
    },
  );

  app.get<{ Params: { id: string } }>(
    '/login/:id/continue',
    { schema: { params: idParams } },
    async (req, reply) => {
      const p = ownLogin(req, req.params.id);
      if (p.finished === true) return reply.redirect(destination(p), 303);
      const st = c.verifier.status(req.params.id);
      if (st.status === 'done') return finish(reply, p, st.session);
      // pending, or answered on the same device (the session goes only to the browser the wallet
      // sends back with the response code): keep waiting
      if (st.status === 'pending' || st.status === 'answered')
        return reply.redirect(`/login/${req.params.id}`, 303);
      if (st.status === 'failed') throw new AppError(st.code as ErrorCode, st.message);
      throw new AppError('ERR_IDENTITY_LOGIN_UNKNOWN', `login ${req.params.id} expired`);
    },
  );

  app.get('/account', async (req, reply) => {
    const s = sessionOf(req);
    if (s === undefined) return c.sendPage(reply, 401, 'Your account', notLoggedInPage);
    return c.sendPage(reply, 200, 'Your account', () => accountPage(s));
  });

  app.get('/creator', async (req, reply) => {
    const s = sessionOf(req);
    if (s?.flow !== 'creator')
      return c.sendPage(reply, 200, 'Creator', () => creatorFormPage(c.threshold));
    const recorded = await recordedText(c.client, s);
    return c.sendPage(reply, 200, 'Creator profile', () => creatorPage(s, recorded));
  });

  app.post('/creator', async (req, reply) => {
    const followers = Number(field(req.body, 'followers', /^[0-9]{1,11}$/));
    if (followers > 1e10) throw new AppError('ERR_API_SCHEMA', 'followers must be at most 1e10');
    return begin(req, reply, { flow: 'creator', followers, sameDevice: false });
  });

  app.post('/logout', async (req, reply) => {
    const sid = parseCookies(req.headers.cookie).get(SESSION);
    if (sid !== undefined) c.sessions.delete(sid);
    return reply.header('set-cookie', cookie(SESSION, '', 0, c.secure)).redirect('/', 303);
  });

  app.get<{ Params: { id: string } }>(
    '/oid4vp/request/:id',
    { schema: { params: idParams } },
    async (req, reply) =>
      reply.type('application/oauth-authz-req+jwt').send(c.verifier.requestObject(req.params.id)),
  );

  app.post<{ Params: { id: string } }>(
    '/oid4vp/response/:id',
    { schema: { params: idParams } },
    async (req) => c.verifier.respond(req.params.id, walletForm(req.body)),
  );
}

const destination = (p: PendingLogin): string => (p.flow === 'creator' ? '/creator' : '/account');

/**
 * Whether the ledger recorded the disclosure, in words: read back by its receipt hash and checked
 * with a state proof against a signed checkpoint, not taken from the site's own memory.
 */
async function recordedText(client: RealdidClient, s: SiteSession): Promise<string> {
  const p = s.login.policy;
  if (p === undefined) return 'not applicable';
  const d = await disclosure(client, p.receiptHash);
  if (d === undefined) return p.tx === undefined ? 'no' : `not yet (transaction ${p.tx} pending)`;
  return `yes, at height ${d.height} (checked with a state proof)`;
}
