/**
 * Who may talk to the wallet server, checked on every request before any route runs:
 *
 * - the `Host` header must be the server's own `127.0.0.1:<port>` or `localhost:<port>`, so a page
 *   of another name that resolves to 127.0.0.1 (DNS rebinding) is refused (ERR_CLI_WALLET_HOST);
 * - `GET /?token=T` with the process's token (32 random bytes, compared in constant time) opens a
 *   session: a random id in an `HttpOnly; SameSite=Strict; Path=/` cookie, and a second random
 *   secret, the session's key, which the answer (303) puts in the fragment of `/#k=<key>`: a
 *   fragment is never sent to any server, so only the page's own script (web/wallet/wallet-api.ts,
 *   which keeps it in the tab's sessionStorage) knows it;
 * - every `/api/…` call needs that session's cookie (ERR_CLI_WALLET_SESSION, 401) and its key in
 *   the header `x-realdid-wallet` (ERR_CLI_WALLET_HEADER, 403), and, when the browser sends them,
 *   `Origin` equal to the server's own origin and `Sec-Fetch-Site: same-origin`
 *   (ERR_CLI_WALLET_CROSS_ORIGIN, 403).
 *
 * Browsers do not isolate cookies by port: the cookie also goes to every other server on
 * 127.0.0.1 the browser calls, and a program holding it can send any header it likes. The key is
 * what such a program lacks. Pages on other ports are also "same-site" for cookies, so SameSite
 * does not keep them out either; they cannot send the header without a CORS preflight (never
 * granted), nor read the wallet origin's sessionStorage.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { AppError } from '../../errors.ts';

/** The session cookie's name. */
export const SESSION_COOKIE = 'realdid_wallet_session';
/** The header every API call of the wallet page carries, with the session's key (web/wallet/wallet-api.ts). */
export const WALLET_HEADER = 'x-realdid-wallet';
/** Sessions kept at once (one per browser the URL was opened in); the oldest goes first. */
const MAX_SESSIONS = 16;

/** 32 random bytes, base64url (43 characters). */
export const newSecret = (): string => randomBytes(32).toString('base64url');

/** Equality of two secrets in constant time (both hashed to 32 bytes first). */
export function sameSecret(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given, 'utf8').digest();
  const b = createHash('sha256').update(expected, 'utf8').digest();
  return timingSafeEqual(a, b);
}

/**
 * Every value of cookie `name` in a `Cookie` header, in order. A browser sends one per path (and
 * other servers on 127.0.0.1 can set their own for other paths), so each one counts.
 */
export function cookieValues(header: string | undefined, name: string): string[] {
  const out: string[] = [];
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) out.push(part.slice(eq + 1).trim());
  }
  return out;
}

/** The request path as routed (or decoded, for a request that matches no route). */
function routePath(req: FastifyRequest): string {
  if (req.routeOptions.url !== undefined) return req.routeOptions.url;
  const raw = req.url.split('?')[0] ?? '';
  try {
    return decodeURIComponent(raw);
  } catch (err) {
    if (err instanceof URIError) return raw;
    throw err;
  }
}

/** Is this a call of the API (`/api` and below)? */
export const isApiRequest = (req: FastifyRequest): boolean => {
  const path = routePath(req);
  return path === '/api' || path.startsWith('/api/');
};

/** One session: the id of its cookie, and the key only the page's script holds. */
export interface Session {
  readonly id: string;
  readonly key: string;
}

/** The token, the sessions and the host names of one wallet server. */
export class WalletGate {
  /** The per-process token of the login URL. */
  readonly token: string = newSecret();
  readonly #sessions: Session[] = [];
  #hosts: readonly string[] = [];

  /** Sets the port the server listens on: its Host names are `127.0.0.1:<port>`, `localhost:<port>`. */
  listening(port: number): void {
    this.#hosts = [`127.0.0.1:${port}`, `localhost:${port}`];
  }

  /** Does `token` open a session? (constant time) */
  tokenMatches(token: string): boolean {
    return sameSecret(token, this.token);
  }

  /** A new session: its cookie id and its key (the oldest session is forgotten beyond the bound). */
  openSession(): Session {
    const session = { id: newSecret(), key: newSecret() };
    this.#sessions.push(session);
    if (this.#sessions.length > MAX_SESSIONS) this.#sessions.shift();
    return session;
  }

  /**
   * The sessions whose cookie the request carries (any value of the cookie's name counts). Every
   * session is compared with every value, in constant time.
   */
  #sessionsOf(req: FastifyRequest): Session[] {
    const given = cookieValues(req.headers.cookie, SESSION_COOKIE);
    const found: Session[] = [];
    for (const s of this.#sessions) {
      let match = false;
      for (const g of given) match = sameSecret(g, s.id) || match;
      if (match) found.push(s);
    }
    return found;
  }

  /** Does the request carry the cookie of one of the sessions? (Enough for the page, not the API.) */
  hasSession(req: FastifyRequest): boolean {
    return this.#sessionsOf(req).length > 0;
  }

  /** The request's Host, when it is one of the server's own. @throws ERR_CLI_WALLET_HOST */
  checkHost(req: FastifyRequest): string {
    const host = (req.headers.host ?? '').toLowerCase();
    if (!this.#hosts.includes(host))
      throw new AppError(
        'ERR_CLI_WALLET_HOST',
        `this wallet server answers only to ${this.#hosts.join(' and ')}, not to the host ${JSON.stringify(host)}`,
      );
    return host;
  }

  /**
   * The API's checks, in this order: session cookie, the session's key in the header, origin.
   * @throws ERR_CLI_WALLET_SESSION, ERR_CLI_WALLET_HEADER, ERR_CLI_WALLET_CROSS_ORIGIN
   */
  checkApi(req: FastifyRequest, host: string): void {
    const sessions = this.#sessionsOf(req);
    if (sessions.length === 0)
      throw new AppError(
        'ERR_CLI_WALLET_SESSION',
        'no wallet session: open the URL that `realdid wallet serve` printed',
      );
    const header = req.headers[WALLET_HEADER];
    const given = typeof header === 'string' ? header : '';
    let keyed = false;
    for (const s of sessions) keyed = sameSecret(given, s.key) || keyed;
    if (!keyed)
      throw new AppError(
        'ERR_CLI_WALLET_HEADER',
        `the header ${WALLET_HEADER} is ${given === '' ? 'missing' : 'not the key of this session'}: only the tab that opened the URL \`realdid wallet serve\` printed holds it; open that URL again`,
      );
    const origin = req.headers.origin;
    if (origin !== undefined && origin !== `http://${host}`)
      throw new AppError(
        'ERR_CLI_WALLET_CROSS_ORIGIN',
        `calls from ${JSON.stringify(origin)} are refused: only the wallet page itself may call its API`,
      );
    const site = req.headers['sec-fetch-site'];
    if (site !== undefined && site !== 'same-origin')
      throw new AppError(
        'ERR_CLI_WALLET_CROSS_ORIGIN',
        `a ${JSON.stringify(site)} call is refused: only the wallet page itself may call its API`,
      );
  }
}

/** The session cookie's `Set-Cookie` value (a browser session cookie: no Max-Age). */
export const sessionCookie = (id: string): string =>
  `${SESSION_COOKIE}=${id}; HttpOnly; SameSite=Strict; Path=/`;

/** Where the answer opening a session sends the browser: the page, the key in the fragment. */
export const sessionLocation = (key: string): string => `/#k=${key}`;
