/**
 * A light HTTP/1.1 client for load generators: node:http over a keep-alive agent, with the part
 * of `fetch` the SDK client uses (`status`, `ok`, `text()`) and the headers a browser needs
 * (`Set-Cookie`, `Location`). The global `fetch` (undici, web streams, an AbortSignal per call)
 * costs the bench's own process several times what the site spends on a request; the load it
 * generates should not be what is measured.
 */
import { Agent, request as httpRequest } from 'node:http';

/** An answer: status, headers by lower-case name, the body as text. */
export interface LiteResponse {
  readonly status: number;
  readonly ok: boolean;
  readonly headers: { get(name: string): string | null };
  /** Every `Set-Cookie` line. */
  readonly setCookies: readonly string[];
  text(): Promise<string>;
}

/** What a request may say. */
export interface LiteInit {
  readonly method?: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
}

/** A client: `request` for the bench's browsers, `fetch` for the SDK's `RealdidClient`. */
export interface LiteClient {
  request(url: string, init?: LiteInit): Promise<LiteResponse>;
  readonly fetch: typeof fetch;
}

/** A client keeping up to `maxSockets` connections per host open. */
export function liteClient(maxSockets: number): LiteClient {
  const agent = new Agent({ keepAlive: true, maxSockets, noDelay: true });
  const request = (url: string, init: LiteInit = {}): Promise<LiteResponse> =>
    new Promise((resolve, reject) => {
      const u = new URL(url);
      const headers: Record<string, string | number> = { ...init.headers };
      if (init.body !== undefined) headers['content-length'] = Buffer.byteLength(init.body);
      const req = httpRequest(
        {
          agent,
          host: u.hostname,
          port: u.port,
          path: u.pathname + u.search,
          method: init.method ?? 'GET',
          headers,
        },
        (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (body += chunk));
          res.on('error', reject);
          res.on('end', () => {
            const status = res.statusCode ?? 0;
            const h = res.headers;
            resolve({
              status,
              ok: status >= 200 && status < 300,
              headers: {
                get: (name) => {
                  const v = h[name.toLowerCase()];
                  return v === undefined ? null : Array.isArray(v) ? v.join(', ') : v;
                },
              },
              setCookies: h['set-cookie'] ?? [],
              text: () => Promise.resolve(body),
            });
          });
        },
      );
      req.on('error', reject);
      req.end(init.body);
    });
  const liteFetch = ((input: string | URL, init?: RequestInit) =>
    request(String(input), {
      ...(init?.method === undefined ? {} : { method: init.method }),
      ...(init?.headers === undefined ? {} : { headers: init.headers as Record<string, string> }),
      ...(typeof init?.body === 'string' ? { body: init.body } : {}),
    })) as unknown as typeof fetch;
  return { request, fetch: liteFetch };
}
