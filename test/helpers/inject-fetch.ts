/**
 * A `fetch` for RealdidClient that answers through fastify's `app.inject()` (no port), whatever the
 * URL's host (a node's own URL, a status list URI): shared by the SDK, DID and identity tests.
 */
import type { FastifyInstance } from 'fastify';

/** What the custom fetch hands to a tamper function, and what the function may change. */
export interface Exchange {
  readonly method: string;
  readonly path: string;
  status: number;
  /** The parsed JSON answer (undefined if the body is not JSON). */
  json: unknown;
}

/**
 * A `fetch` for RealdidClient that routes to `app.inject()` (no port). `tamper` may rewrite the
 * status and JSON of any answer before the client sees it.
 */
export function injectFetch(app: FastifyInstance, tamper?: (x: Exchange) => void): typeof fetch {
  return async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = new URL(
      typeof input === 'string' ? input : input instanceof URL ? input.href : input.url,
    );
    const method = (init?.method ?? 'GET') as 'GET' | 'POST';
    const res = await app.inject({
      method,
      url: url.pathname + url.search,
      headers: (init?.headers ?? {}) as Record<string, string>,
      ...(typeof init?.body === 'string' ? { payload: init.body } : {}),
    });
    let text = res.body;
    let status = res.statusCode;
    if (tamper !== undefined) {
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined; // not JSON: handed over as undefined, left alone unless replaced
      }
      const x: Exchange = { method, path: url.pathname + url.search, status, json };
      tamper(x);
      status = x.status;
      if (x.json !== undefined) text = JSON.stringify(x.json);
    }
    return new Response(text, {
      status,
      headers: { 'content-type': String(res.headers['content-type'] ?? 'application/json') },
    });
  };
}
