/**
 * The wallet page's calls to its local server (`realdid wallet serve`): same origin only, with the
 * session cookie the server set when the page was opened with its token, and the session's key in
 * the `x-realdid-wallet` header.
 *
 * The key reaches the page in the fragment of the address the token redirects to (`/#k=<key>`): a
 * fragment is never sent to a server, so unlike the cookie (which browsers send to every server
 * on 127.0.0.1, whatever its port) no other program sees it. On load this module takes it out of
 * the address bar (`history.replaceState`, leaving `#/`) and keeps it in the tab's sessionStorage,
 * which belongs to this origin (port included) and ends with the tab. A page of another origin can
 * neither read it nor send the header without a CORS preflight, which the server never grants.
 */
import { ApiError, api } from '../shared/api.ts';

/** The header every call of the wallet page carries: the session's key. */
export const WALLET_HEADER = 'x-realdid-wallet';
/** Where the tab keeps the session's key (sessionStorage). */
export const KEY_STORAGE = 'realdid.wallet.key';

/** The fragment the server's redirect puts the key in. */
const KEY_FRAGMENT = /^#k=([A-Za-z0-9_-]{43,128})$/;

/** The session's key: taken from the address on load (then removed from it), else from sessionStorage. */
function sessionKey(): string | undefined {
  if (typeof location === 'undefined' || typeof sessionStorage === 'undefined') return undefined;
  const given = KEY_FRAGMENT.exec(location.hash)?.[1];
  if (given !== undefined) {
    sessionStorage.setItem(KEY_STORAGE, given);
    history.replaceState(history.state, '', `${location.pathname}${location.search}#/`);
  }
  return sessionStorage.getItem(KEY_STORAGE) ?? undefined;
}

/** Read once, when the page loads (before the router reads `location.hash`). */
const KEY = sessionKey();

/** Why this tab cannot call its server: it holds no key, or not the key of the browser's session. */
function noKey(why: string, status = 401): ApiError {
  return new ApiError(
    status,
    'ERR_CLI_WALLET_SESSION',
    `${why}: open the URL that realdid wallet serve printed again (each tab needs it)`,
  );
}

/**
 * Calls the wallet server's API (`/api/…`).
 * @throws ApiError; ERR_CLI_WALLET_SESSION when this tab has no session key (a new tab, or the
 *   page opened without the printed URL) or the server refuses it (another tab opened the URL
 *   since, or the server restarted), which the page explains as "open the printed URL again"
 */
export async function walletApi<T>(
  path: string,
  init: RequestInit & { json?: unknown } = {},
): Promise<T> {
  if (KEY === undefined) throw noKey('this tab holds no key of the wallet session');
  try {
    return await api<T>(path, {
      ...init,
      headers: { ...(init.headers as Record<string, string> | undefined), [WALLET_HEADER]: KEY },
    });
  } catch (err) {
    if (err instanceof ApiError && err.code === 'ERR_CLI_WALLET_HEADER')
      throw noKey(
        `the server refused this tab's key (${err.code}: the URL was opened again in another tab since?)`,
        err.status,
      );
    throw err;
  }
}
