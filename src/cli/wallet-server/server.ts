/**
 * `realdid wallet serve`: the person's wallet as a local web page. A fastify server on 127.0.0.1
 * only serves the page (`web/wallet/`), its script and style, and a JSON API over the wallet
 * unlocked in this process; the seed, keys and passphrase never leave it, and the page is sent
 * only what it shows. Who may talk to it is decided by {@link WalletGate} (gate.ts): the Host,
 * the token of the printed URL and the session it opens (a cookie, and a key the page's script
 * alone receives, in the redirect's fragment), the API's key and origin checks.
 */
import { Type } from '@sinclair/typebox';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { webAssets, webHeaders, webShell } from '../../node/index.ts';
import { creditRoutes } from './credit-routes.ts';
import type { WalletContext } from './context.ts';
import { isApiRequest, sessionCookie, sessionLocation, WalletGate } from './gate.ts';
import { walletErrorHandler, walletNotFound } from './http-errors.ts';
import { activityRoutes } from './activity-routes.ts';
import { loginRoutes } from './login-routes.ts';
import { PendingLogins } from './pending-logins.ts';
import { statusRoutes } from './status-routes.ts';

/** A running wallet server. */
export interface WalletServer {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  /**
   * The URL to open: `url + '/?token=…'` (the token opens a session and leaves the address bar;
   * the session's key goes to the page in the fragment of the redirect, `/#k=…`).
   */
  readonly loginUrl: string;
  /** Declines undecided logins and stops listening. */
  close(): Promise<void>;
}

const BODY_LIMIT = 64 * 1024;

/** The page shown without a session: where to find the right URL, in both languages. */
export const NO_SESSION_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>realdid wallet: open the printed URL · 请打开打印的网址</title>
<link rel="stylesheet" href="/web/style.css">
</head>
<body>
<header class="top"><h1>realdid wallet · <span lang="zh-CN">realdid 钱包</span></h1></header>
<main>
<h2 id="no-session">Open the URL that <code>realdid wallet serve</code> printed</h2>
<p>This is your realdid wallet on this computer. It opens only from the address printed in the terminal where you started it (<code>wallet page: http://127.0.0.1:…/?token=…</code>), so that no other page or program can use your wallet. Copy that whole address into this browser.</p>
<section lang="zh-CN">
<h2>请打开 <code>realdid wallet serve</code> 打印的网址</h2>
<p>这是您在本机上的 realdid 钱包。只有通过启动它的终端中打印的地址（<code>wallet page: http://127.0.0.1:…/?token=…</code>）才能打开，这样其他网页或程序都无法使用您的钱包。请把完整地址复制到此浏览器中。</p>
</section>
</main>
</body>
</html>
`;

function noSession(reply: FastifyReply): FastifyReply {
  return webHeaders(reply).status(401).type('text/html; charset=utf-8').send(NO_SESSION_PAGE);
}

/**
 * `GET /`: the page with a session's cookie (the shell holds nothing secret: a program with the
 * cookie alone may fetch it); `?token=` opens a session and redirects (303) to `/#k=<key>`, the
 * session's key in a fragment that no server receives; else 401.
 */
function pageRoute(app: FastifyInstance, gate: WalletGate): void {
  app.get<{ Querystring: { token?: string } }>(
    '/',
    {
      schema: {
        querystring: Type.Object(
          { token: Type.Optional(Type.String({ maxLength: 256 })) },
          { additionalProperties: false },
        ),
      },
    },
    async (req, reply) => {
      const { token } = req.query;
      if (token !== undefined) {
        if (!gate.tokenMatches(token)) return noSession(reply);
        const session = gate.openSession();
        return reply
          .header('set-cookie', sessionCookie(session.id))
          .redirect(sessionLocation(session.key), 303);
      }
      if (!gate.hasSession(req)) return noSession(reply);
      return webHeaders(reply)
        .type('text/html; charset=utf-8')
        .send(webShell('wallet', 'realdid wallet'));
    },
  );
}

/** The checks every request goes through before routing (see gate.ts). */
function guard(gate: WalletGate) {
  return async (req: FastifyRequest, reply: FastifyReply): Promise<void> => {
    void webHeaders(reply).header('cache-control', 'no-store');
    const host = gate.checkHost(req);
    if (isApiRequest(req)) gate.checkApi(req, host);
  };
}

/** The fastify app of a wallet server (not listening yet). */
export async function buildWalletApp(
  ctx: WalletContext,
  gate: WalletGate,
  pending: PendingLogins,
): Promise<FastifyInstance> {
  const app = Fastify({
    logger: false,
    bodyLimit: BODY_LIMIT,
    routerOptions: { maxParamLength: 256 },
    frameworkErrors: (err, req, reply) => walletErrorHandler(err, req, reply),
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false, useDefaults: false } },
  });
  app.removeContentTypeParser('text/plain'); // JSON bodies only
  app.setErrorHandler(walletErrorHandler);
  app.setNotFoundHandler(walletNotFound);
  app.addHook('onRequest', guard(gate));
  pageRoute(app, gate);
  await app.register(webAssets, { apps: ['wallet'] });
  await app.register(
    async (api) => {
      await api.register(statusRoutes, { ctx });
      await api.register(loginRoutes, { pending });
      await api.register(activityRoutes, { ctx });
      await api.register(creditRoutes, { ctx, prefix: '/credit' });
    },
    { prefix: '/api' },
  );
  return app;
}

/**
 * Starts the wallet server on 127.0.0.1 (never another interface).
 * @param options.port the port (default 0: a free one)
 * @throws the listen error (e.g. EADDRINUSE) as Node raises it
 * @example
 * const server = await startWalletServer(walletContext(wallet, { url }));
 * console.log(`wallet page: ${server.loginUrl}`);
 */
export async function startWalletServer(
  ctx: WalletContext,
  options: { port?: number } = {},
): Promise<WalletServer> {
  const gate = new WalletGate();
  const pending = new PendingLogins(ctx);
  const app = await buildWalletApp(ctx, gate, pending);
  await app.listen({ host: '127.0.0.1', port: options.port ?? 0 });
  const address = app.server.address();
  if (address === null || typeof address === 'string')
    throw new TypeError('the wallet server has no TCP address');
  gate.listening(address.port);
  const url = `http://127.0.0.1:${address.port}`;
  return {
    url,
    loginUrl: `${url}/?token=${gate.token}`,
    async close() {
      await pending.declineAll();
      await app.close();
    },
  };
}
