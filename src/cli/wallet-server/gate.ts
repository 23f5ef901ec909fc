/**
 * Who may talk to the wallet server, checked on every request before any route runs:
 *
 * - the `Host` header must be the server's own `127.0.0.1:<port>` or `localhost:<port>`, so a page
 *   of another name that resolves to 127.0.0.1 (DNS rebinding) is refused (ERR_CLI_WALLET_HOST);
 * - `GET /?token=T` with the process's token (32 random bytes, compared in constant time) opens a
 *   session: a separate random id in an `HttpOnly; SameSite=Strict; Path=/` cookie;
 * - every `/api/…` call needs that session (ERR_CLI_WALLET_SESSION, 401), the header
 *   `x-realdid-wallet: 1` (ERR_CLI_WALLET_HEADER, 403: a page of another origin cannot send it
 *   without a CORS preflight, which is never granted), and, when the browser sends them, `Origin`
 *   equal to the server's own origin and `Sec-Fetch-Site: same-origin` (ERR_CLI_WALLET_CROSS_ORIGIN,
 *   403). Pages on other ports of 127.0.0.1 are "same-site" for cookies, so SameSite alone is not
 *   enough: these checks are what keeps them out.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { AppError } from '../../errors.ts';

/** The session cookie's name. */
export const SESSION_COOKIE = 'realdid_wallet_session';
/** The header every API call of the wallet page carries (web/wallet/wallet-api.ts). */
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

/** The value of cookie `name` in a `Cookie` header (the first one), if any. */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
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

/** The token, the sessions and the host names of one wallet server. */
export class WalletGate {
  /** The per-process token of the login URL. */
  readonly token: string = newSecret();
  readonly #sessions: string[] = [];
  #hosts: readonly string[] = [];

  /** Sets the port the server listens on: its Host names are `127.0.0.1:<port>`, `localhost:<port>`. */
  listening(port: number): void {
    this.#hosts = [`127.0.0.1:${port}`, `localhost:${port}`];
  }

  /** Does `token` open a session? (constant time) */
  tokenMatches(token: string): boolean {
    return sameSecret(token, this.token);
  }

  /** A new session id (the oldest session is forgotten beyond the bound). */
  openSession(): string {
    const id = newSecret();
    this.#sessions.push(id);
    if (this.#sessions.length > MAX_SESSIONS) this.#sessions.shift();
    return id;
  }

  /** Does the request carry one of the sessions? Every session is compared, in constant time. */
  hasSession(req: FastifyRequest): boolean {
    const given = cookieValue(req.headers.cookie, SESSION_COOKIE);
    if (given === undefined) return false;
    let found = false;
    for (const s of this.#sessions) found = sameSecret(given, s) || found;
    return found;
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
   * The API's checks, in this order: session, header, origin.
   * @throws ERR_CLI_WALLET_SESSION, ERR_CLI_WALLET_HEADER, ERR_CLI_WALLET_CROSS_ORIGIN
   */
  checkApi(req: FastifyRequest, host: string): void {
    if (!this.hasSession(req))
      throw new AppError(
        'ERR_CLI_WALLET_SESSION',
        'no wallet session: open the URL that `realdid wallet serve` printed',
      );
    if (req.headers[WALLET_HEADER] !== '1')
      throw new AppError('ERR_CLI_WALLET_HEADER', `the header ${WALLET_HEADER}: 1 is missing`);
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
