/**
 * A verifier-side cache of Status List Tokens (draft-ietf-oauth-status-list, its validation rules
 * and caching considerations): answers the status of a referenced token from a fresh, verified
 * list, synchronously when one is cached, and otherwise fetches the token once per list
 * (concurrent misses share the fetch), checks that the referenced token's issuer signed it, and
 * caches it. It never answers from a list older than the freshness bound: a failed refetch is
 * ERR_VC_STATUS_UNAVAILABLE.
 */
import { AppError, isAppError } from '../errors.ts';
import type { JwsVerifier } from './jws-keys.ts';
import type { StatusList } from './status-list.ts';
import { peekStatusListToken, verifyStatusListToken } from './status-token.ts';

/** The `status_list` member of a referenced token's `status` claim (draft "Referenced Token"). */
type StatusRef = { readonly idx: number; readonly uri: string };

/** What a credential verifier asks of a status source (the structural StatusChecker). */
interface StatusCheckerShape {
  statusOf(ref: StatusRef, iss: string): number | Promise<number>;
}

/** How a {@link StatusListCache} fetches tokens, finds issuer keys and tells the time. */
export interface StatusCacheOptions {
  /** Fetches the Status List Token (compact JWT) at `uri`; a throw is ERR_VC_STATUS_UNAVAILABLE. */
  fetch(uri: string): Promise<string>;
  /**
   * The verifier of key `kid` of issuer `iss` (the token must be signed by the credential's
   * issuer). Its AppErrors pass through; any other throw is ERR_VC_STATUS_UNAVAILABLE.
   */
  verifierFor(iss: string, kid: string | undefined): JwsVerifier | Promise<JwsVerifier>;
  /** Freshness bound: a token with `now - iat` over this is stale. Default 300 s. */
  maxAgeSec?: number;
  /** The clock, seconds since the epoch; default the wall clock. */
  now?: () => number;
}

/** Default freshness bound of {@link StatusListCache}, seconds. */
export const STATUS_CACHE_MAX_AGE_SEC = 300;

interface Entry {
  readonly list: StatusList;
  /** Answers while `now <= staleAfter` (iat + maxAge) and `now < expiresAt` (exp, fetch + ttl). */
  readonly staleAfter: number;
  readonly expiresAt: number;
}

const isFresh = (e: Entry, now: number): boolean => now <= e.staleAfter && now < e.expiresAt;

const wallClock = (): number => Math.floor(Date.now() / 1000);

/**
 * A cache of verified status lists, keyed by list URI and issuer. A cached list answers while
 * `now - iat <= maxAgeSec`, `now < exp` and `now < fetched + ttl` (the token's own cache hint).
 *
 * @example
 * const cache = new StatusListCache({ fetch: (uri) => http.getText(uri), verifierFor });
 * const status = await cache.statusOf(vc.status.status_list, vc.iss); // 0 VALID, 1 INVALID, …
 */
export class StatusListCache implements StatusCheckerShape {
  /** Fast-path answers from a fresh cached list, and calls of `fetch`. */
  readonly stats = { hits: 0, fetches: 0 };
  readonly #o: StatusCacheOptions;
  readonly #maxAge: number;
  readonly #now: () => number;
  /** uri → iss → entry. */
  readonly #lists = new Map<string, Map<string, Entry>>();
  /** uri → iss → the fetch in flight. */
  readonly #pending = new Map<string, Map<string, Promise<Entry>>>();

  /** @throws RangeError for a negative or non-finite `maxAgeSec` */
  constructor(o: StatusCacheOptions) {
    const maxAge = o.maxAgeSec ?? STATUS_CACHE_MAX_AGE_SEC;
    if (!Number.isFinite(maxAge) || maxAge < 0)
      throw new RangeError(`"maxAgeSec" expected a non-negative number, got ${maxAge}`);
    this.#o = o;
    this.#maxAge = maxAge;
    this.#now = o.now ?? wallClock;
  }

  /**
   * The status (0 VALID, 1 INVALID, 2 SUSPENDED, …) of `ref.idx` in the list at `ref.uri`, whose
   * token must be issued by `iss`. Returns a number (no promise) when a fresh list is cached.
   * @throws ERR_VC_STATUS_INDEX (synchronously on the fast path) for an index outside the list;
   *   rejects with ERR_VC_STATUS_UNAVAILABLE (fetch failed), ERR_VC_STATUS_STALE (the fetched
   *   token is older than `maxAgeSec`), ERR_VC_STATUS_BAD_TOKEN (another issuer, bad signature,
   *   sub, exp or list) or the codes of {@link verifyStatusListToken}
   */
  statusOf(ref: StatusRef, iss: string): number | Promise<number> {
    const entry = this.#lists.get(ref.uri)?.get(iss);
    if (entry !== undefined && isFresh(entry, this.#now())) {
      this.stats.hits++;
      return entry.list.get(ref.idx);
    }
    return this.#load(ref.uri, iss).then((e) => e.list.get(ref.idx));
  }

  /** Forgets the cached list of `uri` (all when omitted); fetches in flight are not reused. */
  invalidate(uri?: string): void {
    if (uri === undefined) {
      this.#lists.clear();
      this.#pending.clear();
    } else {
      this.#lists.delete(uri);
      this.#pending.delete(uri);
    }
  }

  #load(uri: string, iss: string): Promise<Entry> {
    const inFlight = this.#pending.get(uri)?.get(iss);
    if (inFlight !== undefined) return inFlight;
    const promise = this.#fetchAndVerify(uri, iss).then(
      (entry) => {
        if (this.#pending.get(uri)?.get(iss) === promise) {
          this.#forget(this.#pending, uri, iss);
          nested(this.#lists, uri).set(iss, entry);
        }
        return entry;
      },
      (err: unknown) => {
        if (this.#pending.get(uri)?.get(iss) === promise) {
          this.#forget(this.#pending, uri, iss);
          this.#forget(this.#lists, uri, iss); // a failed refetch leaves no stale list behind
        }
        throw err;
      },
    );
    nested(this.#pending, uri).set(iss, promise);
    return promise;
  }

  #forget<V>(map: Map<string, Map<string, V>>, uri: string, iss: string): void {
    const inner = map.get(uri);
    inner?.delete(iss);
    if (inner?.size === 0) map.delete(uri);
  }

  async #fetchAndVerify(uri: string, iss: string): Promise<Entry> {
    this.stats.fetches++;
    let jwt: string;
    try {
      jwt = await this.#o.fetch(uri);
    } catch (err) {
      throw new AppError('ERR_VC_STATUS_UNAVAILABLE', `cannot fetch the status list ${uri}`, {
        cause: err,
        details: { uri },
      });
    }
    const { header, claims } = peekStatusListToken(jwt);
    if (claims.iss !== undefined && claims.iss !== iss)
      throw new AppError(
        'ERR_VC_STATUS_BAD_TOKEN',
        `the status list ${uri} is issued by ${JSON.stringify(claims.iss)}, not ${JSON.stringify(iss)}`,
        { details: { uri, iss: claims.iss, expected: iss } },
      );
    let verifier: JwsVerifier;
    try {
      verifier = await this.#o.verifierFor(iss, header.kid);
    } catch (err) {
      if (isAppError(err)) throw err;
      throw new AppError('ERR_VC_STATUS_UNAVAILABLE', `cannot find the key of ${iss}`, {
        cause: err,
        details: { iss, kid: header.kid },
      });
    }
    const now = this.#now();
    const token = verifyStatusListToken(jwt, { verifier, uri, now });
    const staleAfter = token.iat + this.#maxAge;
    if (now > staleAfter)
      throw new AppError(
        'ERR_VC_STATUS_STALE',
        `the status list ${uri} was issued ${now - token.iat} s ago, over the ${this.#maxAge} s bound`,
        { details: { uri, iat: token.iat, now, maxAgeSec: this.#maxAge } },
      );
    const ttlEnd = token.ttl === undefined ? Infinity : now + token.ttl;
    return { list: token.list, staleAfter, expiresAt: Math.min(token.exp ?? Infinity, ttlEnd) };
  }
}

function nested<V>(map: Map<string, Map<string, V>>, key: string): Map<string, V> {
  let inner = map.get(key);
  if (inner === undefined) map.set(key, (inner = new Map<string, V>()));
  return inner;
}
