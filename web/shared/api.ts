/** JSON over HTTP for the pages, with the server's typed errors kept (`code`, `status`). */

/** An error answer of the server (its `ERR_…` code) or of the network (`ERR_SDK_HTTP`). */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  constructor(status: number, code: string, message: string) {
    super(message);
    this.status = status;
    this.code = code;
    this.name = 'ApiError';
  }
}

/**
 * Every item of a paged list (`{ <field>: T[], next }`, `next` passed back as `after`): `path`
 * holds the other query parameters, e.g. `/v1/gov/roles?limit=500`.
 * @throws ApiError
 */
export async function allPages<T>(path: string, field: string): Promise<T[]> {
  const out: T[] = [];
  let after: string | null = null;
  do {
    const url: string = after === null ? path : `${path}&after=${encodeURIComponent(after)}`;
    const page = await api<Record<string, unknown> & { next: string | null }>(url);
    out.push(...(page[field] as T[]));
    after = page.next;
  } while (after !== null);
  return out;
}

/**
 * GETs or POSTs JSON and answers the parsed body.
 * @throws ApiError with the server's code, or ERR_SDK_HTTP when nothing answered
 */
export async function api<T>(
  path: string,
  init: RequestInit & { json?: unknown } = {},
): Promise<T> {
  const { json, headers, ...rest } = init;
  let res: Response;
  try {
    res = await fetch(path, {
      ...rest,
      credentials: 'same-origin',
      headers: {
        accept: 'application/json',
        ...(json === undefined ? {} : { 'content-type': 'application/json' }),
        ...(headers as Record<string, string> | undefined),
      },
      ...(json === undefined ? {} : { body: JSON.stringify(json) }),
    });
  } catch (err) {
    throw new ApiError(0, 'ERR_SDK_HTTP', err instanceof Error ? err.message : String(err));
  }
  const text = await res.text();
  let body: unknown = undefined;
  if (text !== '') {
    try {
      body = JSON.parse(text);
    } catch {
      body = { message: text.slice(0, 200) };
    }
  }
  if (!res.ok) {
    const e = (body ?? {}) as { code?: string; message?: string };
    throw new ApiError(res.status, e.code ?? `HTTP_${res.status}`, e.message ?? res.statusText);
  }
  return body as T;
}
