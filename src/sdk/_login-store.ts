/**
 * Private: the relying party's pending logins and response codes, in memory and bounded. Logins
 * are kept in creation order, so with one lifetime for all they also expire in that order and the
 * oldest are pruned first; a finished or expired login stays visible (`status`) for one more
 * lifetime, then is forgotten.
 */
import { randomBytes } from 'node:crypto';
import type { ProfileQuery } from '../credentials/index.ts';
import { AppError } from '../errors.ts';
import type { SitePurpose, DisclosurePolicy } from '../governance/index.ts';

/** A random token: `bytes` bytes from the OS CSPRNG, base64url. */
export const token = (bytes: number): string => randomBytes(bytes).toString('base64url');

/** Three random tokens of these sizes from one draw of the CSPRNG, base64url each. */
export function tokens(a: number, b: number, c: number): [string, string, string] {
  const all = randomBytes(a + b + c);
  const part = (from: number, n: number) => all.subarray(from, from + n).toString('base64url');
  return [part(0, a), part(a, b), part(a + b, c)];
}

/** What became of a login. */
export type Outcome<S> =
  | { status: 'pending' }
  | { status: 'answering' }
  | { status: 'done'; session: S }
  | { status: 'failed'; code: string; message: string };

/** A login request the site started. */
export interface Pending<S> {
  readonly id: string;
  readonly state: string;
  readonly nonce: string;
  readonly jws: string;
  readonly query: ProfileQuery;
  readonly purpose: SitePurpose;
  readonly policy: DisclosurePolicy | undefined;
  readonly sameDevice: boolean;
  /** ms since the epoch. */
  readonly expires: number;
  outcome: Outcome<S>;
}

/** Pending logins by id and by state, their unused nonces, and same-device response codes. */
export class LoginStore<S> {
  readonly #max: number;
  readonly #retainMs: number;
  readonly #byId = new Map<string, Pending<S>>();
  readonly #byState = new Map<string, string>();
  readonly #nonces = new Set<string>();
  readonly #codes = new Map<string, { readonly session: S; readonly expires: number }>();

  constructor(o: { readonly max: number; readonly retainMs: number }) {
    this.#max = o.max;
    this.#retainMs = o.retainMs;
  }

  /** Adds a login, forgetting the oldest ones past their retention or beyond the bound. */
  add(p: Pending<S>, now: number): void {
    this.prune(now);
    while (this.#byId.size >= this.#max) this.#drop(this.#byId.keys().next().value!);
    this.#byId.set(p.id, p);
    this.#byState.set(p.state, p.id);
    this.#nonces.add(p.nonce);
  }

  /** Forgets logins whose retention ended and response codes that expired. */
  prune(now: number): void {
    for (const [id, p] of this.#byId) {
      if (p.expires + this.#retainMs > now) break;
      this.#drop(id);
    }
    for (const [code, c] of this.#codes) if (c.expires <= now) this.#codes.delete(code);
  }

  #drop(id: string): void {
    const p = this.#byId.get(id);
    if (p === undefined) return;
    this.#byId.delete(id);
    this.#byState.delete(p.state);
    this.#nonces.delete(p.nonce);
  }

  /** The login `id`, if still remembered. */
  get(id: string): Pending<S> | undefined {
    return this.#byId.get(id);
  }

  /** The login whose `state` this is, if still remembered. */
  byState(state: string): Pending<S> | undefined {
    const id = this.#byState.get(state);
    return id === undefined ? undefined : this.#byId.get(id);
  }

  /** Marks a login's nonce used (the credential verifier's nonce store); false if it was. */
  consume(nonce: string): boolean {
    return this.#nonces.delete(nonce);
  }

  /** A new single-use response code for `session`, valid `ttlMs`. */
  issueCode(session: S, now: number, ttlMs: number, maxCodes: number): string {
    while (this.#codes.size >= maxCodes) this.#codes.delete(this.#codes.keys().next().value!);
    const code = token(32);
    this.#codes.set(code, { session, expires: now + ttlMs });
    return code;
  }

  /** The session of a response code, once. @throws ERR_IDENTITY_LOGIN_BAD_RESPONSE_CODE */
  redeem(code: string, now: number): S {
    const c = this.#codes.get(code);
    this.#codes.delete(code);
    if (c === undefined || c.expires <= now)
      throw new AppError(
        'ERR_IDENTITY_LOGIN_BAD_RESPONSE_CODE',
        'the response code is unknown, expired or already used',
      );
    return c.session;
  }
}
