/**
 * The wallet page's calls to its local server (`realdid wallet serve`): same origin only, with the
 * session cookie the server set when the page was opened with its token, and the
 * `x-realdid-wallet` header, which a page of another origin cannot send without a CORS preflight
 * that the server never grants.
 */
import { api } from '../shared/api.ts';

/** The header every call of the wallet page carries. */
export const WALLET_HEADER = 'x-realdid-wallet';

/** Calls the wallet server's API (`/api/…`). @throws ApiError */
export function walletApi<T>(
  path: string,
  init: RequestInit & { json?: unknown } = {},
): Promise<T> {
  return api<T>(path, {
    ...init,
    headers: { ...(init.headers as Record<string, string> | undefined), [WALLET_HEADER]: '1' },
  });
}
