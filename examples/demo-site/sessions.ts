/**
 * The demo site's memory: which browser started which login (so only that browser gets the
 * session it leads to), and the sessions behind the `rd_session` cookie. Both are bounded maps
 * whose entries expire; a restart forgets them, as a demo may.
 */
import { randomBytes } from 'node:crypto';
import type { SiteSession } from './pages.ts';

/** A login this site started, and for whom. */
export interface PendingLogin {
  /** The `rd_browser` cookie of the browser that started it. */
  readonly browser: string;
  readonly flow: 'login' | 'creator';
  readonly followers?: number;
  readonly sameDevice: boolean;
  /** The `openid4vp://` link of the request. */
  readonly link: string;
  readonly expires: number;
  /** Set once a session was made from it (a second finish just goes to the page). */
  finished?: boolean;
}

/** A random cookie value: 32 bytes, base64url. */
export const randomId = (): string => randomBytes(32).toString('base64url');

/** A map whose entries expire, holding at most `max` (the oldest go first). */
export class ExpiringMap<V extends { readonly expires: number }> {
  readonly #items = new Map<string, V>();
  readonly #max: number;
  readonly #now: () => number;

  constructor(max: number, now: () => number = Date.now) {
    this.#max = max;
    this.#now = now;
  }

  get(key: string): V | undefined {
    const v = this.#items.get(key);
    if (v !== undefined && v.expires <= this.#now()) {
      this.#items.delete(key);
      return undefined;
    }
    return v;
  }

  set(key: string, value: V): void {
    this.#items.delete(key);
    const now = this.#now();
    for (const [k, v] of this.#items) {
      if (this.#items.size < this.#max && v.expires > now) break;
      this.#items.delete(k);
    }
    this.#items.set(key, value);
  }

  delete(key: string): void {
    this.#items.delete(key);
  }

  get size(): number {
    return this.#items.size;
  }
}

/** A site session behind a cookie. */
export interface StoredSession {
  readonly session: SiteSession;
  readonly expires: number;
}

/** Parses a `Cookie` header into name → value (the first of a repeated name wins). */
export function parseCookies(header: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const name = part.slice(0, eq).trim();
    if (!out.has(name)) out.set(name, part.slice(eq + 1).trim());
  }
  return out;
}

/** A `Set-Cookie` value: HttpOnly, SameSite=Lax, Path=/, Secure on https sites. */
export function cookie(name: string, value: string, maxAgeSec: number, secure: boolean): string {
  return `${name}=${value}; Path=/; Max-Age=${maxAgeSec}; HttpOnly; SameSite=Lax${secure ? '; Secure' : ''}`;
}
