/**
 * The types of a site's `LoginVerifier` (login-verifier.ts): its options, a started login,
 * a session, a login's status.
 */
import type { JsonValue } from '../crypto/index.ts';
import type { RealdidClient } from './client.ts';
import type { SiteSigner } from './sites.ts';

export type { SiteSigner };

/** How a site's `LoginVerifier` runs. */
export interface LoginVerifierOptions {
  readonly client: RealdidClient;
  readonly site: SiteSigner;
  /** The site's base URL, e.g. `http://127.0.0.1:4000`: a registered origin and optional path prefix. */
  readonly baseUrl: string;
  /** Default `id => /oid4vp/request/${id}`. */
  readonly requestPath?: (id: string) => string;
  /** Default `id => /oid4vp/response/${id}`. */
  readonly responsePath?: (id: string) => string;
  /** Same-device redirect target (with `#response_code=…`), default `/login/callback`. */
  readonly callbackPath?: string;
  /** Lifetime of a login request, default 300 s. */
  readonly ttlSec?: number;
  /** Record each policy disclosure on the ledger (`idn.disclosure`), default true. */
  readonly recordDisclosures?: boolean;
  /** How long the site's registration is cached, default 60 s. */
  readonly siteCacheSec?: number;
  /** Now in ms (tests). */
  readonly now?: () => number;
}

/** A started login: what the site shows (the link) and keeps (id, expiry). */
export interface LoginStart {
  readonly id: string;
  readonly state: string;
  readonly nonce: string;
  /** `openid4vp://?client_id=…&request_uri=…`, for a QR code or a same-device button. */
  readonly link: string;
  readonly requestUri: string;
  readonly responseUri: string;
  /** ms since the epoch. */
  readonly expires: number;
}

/** A logged-in session. */
export interface LoginSession {
  readonly id: string;
  /** The person's pairwise did:key at this site: the same at every login and after a restore. */
  readonly account: string;
  /** The claims shown: disclosed ones and those always visible (e.g. real_name_verified). */
  readonly claims: Record<string, JsonValue>;
  readonly purpose: string;
  /** For a login under a disclosure policy: the receipt, its hash, and the ledger tx id. */
  readonly policy?: {
    readonly id: string;
    readonly receipt: string;
    readonly receiptHash: string;
    readonly tx?: string;
  };
  /** ms since the epoch. */
  readonly at: number;
}

/** What became of a login. */
export type LoginStatus =
  | { status: 'pending'; expires: number }
  | { status: 'done'; session: LoginSession }
  /**
   * A same-device login was answered: its session goes only to the browser the wallet redirected,
   * through `redeem(response_code)` (OpenID4VP 1.0 §13.3: whoever started the login and polls it
   * must not get the session of whoever answered it).
   */
  | { status: 'answered' }
  | { status: 'failed'; code: string; message: string }
  | { status: 'expired' };
