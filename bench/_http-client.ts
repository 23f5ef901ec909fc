/**
 * A light HTTP/1.1 client for load generators, with the part of `fetch` the SDK client uses
 * (`status`, `ok`, `text()`) and the headers a browser needs (`Set-Cookie`, `Location`). It writes
 * requests and reads answers on keep-alive `node:net` sockets itself (one request per socket at a
 * time, bodies by `Content-Length` or chunked): the global `fetch` (undici, web streams, an
 * AbortSignal per call) and even `node:http`'s client cost the bench's process about as much per
 * request as the site spends answering it, and the load the bench generates on the same two cores
 * should not be what is measured.
 */
import { connect, type Socket } from 'node:net';

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

const HEADER_END = Buffer.from('\r\n\r\n');

interface Parsed {
  readonly status: number;
  readonly headers: Map<string, string[]>;
  readonly body: string;
  readonly keepAlive: boolean;
}

/** The first whole answer at the start of `buf` and its length in bytes, or undefined. */
function parseAnswer(buf: Buffer): { parsed: Parsed; size: number } | undefined {
  const end = buf.indexOf(HEADER_END);
  if (end === -1) return undefined;
  const lines = buf.toString('latin1', 0, end).split('\r\n');
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(lines[0]!)?.[1]);
  if (!Number.isInteger(status)) throw new Error(`bad status line ${JSON.stringify(lines[0])}`);
  const headers = new Map<string, string[]>();
  for (let i = 1; i < lines.length; i++) {
    const colon = lines[i]!.indexOf(':');
    const name = lines[i]!.slice(0, colon).trim().toLowerCase();
    const list = headers.get(name) ?? [];
    list.push(lines[i]!.slice(colon + 1).trim());
    headers.set(name, list);
  }
  const start = end + HEADER_END.length;
  const keepAlive = headers.get('connection')?.[0]?.toLowerCase() !== 'close';
  if (headers.get('transfer-encoding')?.[0]?.toLowerCase() === 'chunked') {
    const chunks: Buffer[] = [];
    let at = start;
    for (;;) {
      const eol = buf.indexOf('\r\n', at);
      if (eol === -1) return undefined;
      const size = parseInt(buf.toString('latin1', at, eol), 16);
      if (!Number.isInteger(size)) throw new Error('bad chunk size');
      if (buf.length < eol + 2 + size + 2) return undefined;
      if (size === 0) {
        const trailersEnd = buf.indexOf(HEADER_END, eol); // past any trailers
        if (trailersEnd === -1) return undefined;
        const body = Buffer.concat(chunks).toString('utf8');
        return {
          parsed: { status, headers, body, keepAlive },
          size: trailersEnd + HEADER_END.length,
        };
      }
      chunks.push(buf.subarray(eol + 2, eol + 2 + size));
      at = eol + 2 + size + 2;
    }
  }
  // No length and no chunks: no body (fastify always says; read-until-close is not supported).
  const length = Number(headers.get('content-length')?.[0] ?? 0);
  if (!Number.isSafeInteger(length) || length < 0) throw new Error('bad content-length');
  if (buf.length < start + length) return undefined;
  const body = buf.toString('utf8', start, start + length);
  return { parsed: { status, headers, body, keepAlive }, size: start + length };
}

/** One keep-alive connection: a request at a time. */
class Connection {
  readonly #socket: Socket;
  #buf: Buffer = Buffer.alloc(0);
  #waiting: { resolve: (p: Parsed) => void; reject: (e: Error) => void } | undefined;
  closed = false;

  constructor(host: string, port: number) {
    this.#socket = connect({ host, port, noDelay: true });
    this.#socket.on('data', (chunk: Buffer) => this.#onData(chunk));
    this.#socket.on('error', (err) => this.#fail(err));
    this.#socket.on('close', () => this.#fail(new Error('the connection closed')));
  }

  send(head: string, body: string | undefined): Promise<Parsed> {
    if (this.closed) return Promise.reject(new Error('the connection closed'));
    return new Promise((resolve, reject) => {
      this.#waiting = { resolve, reject };
      this.#socket.write(body === undefined ? head : head + body);
    });
  }

  #onData(chunk: Buffer): void {
    this.#buf = this.#buf.length === 0 ? chunk : Buffer.concat([this.#buf, chunk]);
    let got: ReturnType<typeof parseAnswer>;
    try {
      got = parseAnswer(this.#buf);
    } catch (err) {
      this.#fail(err as Error);
      return;
    }
    if (got === undefined) return;
    this.#buf = this.#buf.subarray(got.size);
    const w = this.#waiting;
    this.#waiting = undefined;
    if (!got.parsed.keepAlive) this.close();
    w?.resolve(got.parsed);
  }

  #fail(err: Error): void {
    this.closed = true;
    this.#socket.destroy();
    const w = this.#waiting;
    this.#waiting = undefined;
    w?.reject(err);
  }

  close(): void {
    this.closed = true;
    this.#socket.destroy();
  }
}

/** A client keeping up to `maxSockets` connections per host open (more requests wait). */
export function liteClient(maxSockets: number): LiteClient {
  const idle = new Map<string, Connection[]>();
  const open = new Map<string, number>();
  const queued = new Map<string, ((c: Connection) => void)[]>();
  const acquire = (host: string, port: number): Promise<Connection> => {
    const key = `${host}:${port}`;
    const free = idle.get(key) ?? [];
    for (let c = free.pop(); c !== undefined; c = free.pop()) {
      if (!c.closed) return Promise.resolve(c);
      open.set(key, (open.get(key) ?? 1) - 1); // the server closed it while idle
    }
    if ((open.get(key) ?? 0) < maxSockets) {
      open.set(key, (open.get(key) ?? 0) + 1);
      return Promise.resolve(new Connection(host, port));
    }
    return new Promise((resolve) => queued.set(key, [...(queued.get(key) ?? []), resolve]));
  };
  const release = (host: string, port: number, c: Connection): void => {
    const key = `${host}:${port}`;
    if (c.closed) {
      open.set(key, (open.get(key) ?? 1) - 1);
      const next = queued.get(key)?.shift();
      if (next !== undefined) {
        open.set(key, (open.get(key) ?? 0) + 1);
        next(new Connection(host, port));
      }
      return;
    }
    const next = queued.get(key)?.shift();
    if (next !== undefined) next(c);
    else idle.set(key, [...(idle.get(key) ?? []), c]);
  };
  const request = async (url: string, init: LiteInit = {}): Promise<LiteResponse> => {
    const u = new URL(url);
    const port = Number(u.port || 80);
    let head = `${init.method ?? 'GET'} ${u.pathname}${u.search} HTTP/1.1\r\nhost: ${u.host}\r\n`;
    for (const [name, value] of Object.entries(init.headers ?? {})) head += `${name}: ${value}\r\n`;
    if (init.body !== undefined) head += `content-length: ${Buffer.byteLength(init.body)}\r\n`;
    head += '\r\n';
    const c = await acquire(u.hostname, port);
    try {
      const { status, headers, body } = await c.send(head, init.body);
      return {
        status,
        ok: status >= 200 && status < 300,
        headers: { get: (name) => headers.get(name.toLowerCase())?.join(', ') ?? null },
        setCookies: headers.get('set-cookie') ?? [],
        text: () => Promise.resolve(body),
      };
    } finally {
      release(u.hostname, port, c);
    }
  };
  const liteFetch = ((input: string | URL, init?: RequestInit) =>
    request(String(input), {
      ...(init?.method === undefined ? {} : { method: init.method }),
      ...(init?.headers === undefined ? {} : { headers: init.headers as Record<string, string> }),
      ...(typeof init?.body === 'string' ? { body: init.body } : {}),
    })) as unknown as typeof fetch;
  return { request, fetch: liteFetch };
}
