/**
 * The relying party's side of realdid's OpenID4VP 1.0 login (docs/login.md): a site starts a
 * login (a signed request object behind a `request_uri`, shown as an `openid4vp://` link or QR
 * code), takes the wallet's `direct_post` response, verifies it (the SD-JWT VC through the ledger,
 * the DCQL query, its own registration, the consent receipt of an invoked disclosure policy),
 * records a policy disclosure on the ledger, and creates a session whose account id is the
 * person's pairwise did:key. Pending logins live in memory; the site's HTTP layer calls
 * {@link LoginVerifier.requestObject} and {@link LoginVerifier.respond} from its routes.
 */
import {
  checkSatisfied,
  clientIdOf,
  didKeyOfJwk,
  formatRequestLink,
  presentationHash,
  REAL_NAME_VCT,
  realNameQuery,
  signerOfKeyPair,
  signRequestObject,
  verifyConsentReceipt,
  VP_FORMATS_SUPPORTED,
  webOriginOf,
  SELF_ISSUED_AUD,
  type JwsSigner,
  type RealNameDcql,
  type VerifiedPresentation,
} from '../credentials/index.ts';
import { AppError, isAppError } from '../errors.ts';
import { LoginStore, tokens, type Pending } from './_login-store.ts';
import { credentialVerifier, type CredentialVerifier } from './identity.ts';
import { consentReceiptHash, recordDisclosure, SiteRegistry } from './sites.ts';
import { checkTerms, parseVpToken, responseForm } from './login-checks.ts';

import type { LoginSession, LoginStart, LoginStatus, LoginVerifierOptions } from './login-types.ts';

export type { LoginSession, LoginStart, LoginStatus, LoginVerifierOptions };

const MAX_PENDING = 10_000;
const MAX_QUERIES = 256;
const CODE_TTL_MS = 120_000;

function deepFreeze<T>(v: T): T {
  if (v !== null && typeof v === 'object') {
    for (const x of Object.values(v)) deepFreeze(x);
    Object.freeze(v);
  }
  return v;
}

const unknown = (what: string): AppError =>
  new AppError('ERR_IDENTITY_LOGIN_UNKNOWN', `no pending login ${what}`);

/** A site's verifier of OpenID4VP logins (see docs/login.md for the checks and their codes). */
export class LoginVerifier {
  readonly #o: LoginVerifierOptions;
  readonly #clientId: string;
  readonly #signer: JwsSigner;
  readonly #base: string;
  readonly #origin: string;
  /** One frozen DCQL query per claim list: signed as is, checked once (see checkDcqlQuery). */
  readonly #queries = new Map<string, RealNameDcql>();
  readonly #now: () => number;
  readonly #ttlMs: number;
  readonly #sites: SiteRegistry;
  readonly #store: LoginStore<LoginSession>;
  readonly #credentials: CredentialVerifier;

  /**
   * @throws RangeError for a site that is not a did:rdid or a kid of another DID;
   *   ERR_IDENTITY_LOGIN_MALFORMED for a base URL that is not https (or http on a loopback host)
   */
  constructor(o: LoginVerifierOptions) {
    this.#o = o;
    this.#clientId = clientIdOf(o.site.did);
    const kid = o.site.kid.startsWith('did:')
      ? o.site.kid
      : `${o.site.did}#${o.site.kid.replace(/^#/, '')}`;
    if (!kid.startsWith(`${o.site.did}#`))
      throw new RangeError(`"site.kid" is not a key of ${o.site.did}`);
    this.#signer = signerOfKeyPair(o.site.keyPair, kid);
    this.#base = o.baseUrl.replace(/\/+$/, '');
    this.#origin = webOriginOf(this.#base, 'baseUrl');
    this.#now = o.now ?? Date.now;
    this.#ttlMs = (o.ttlSec ?? 300) * 1000;
    this.#sites = new SiteRegistry(
      o.client,
      o.siteCacheSec === undefined ? {} : { cacheSec: o.siteCacheSec },
    );
    this.#store = new LoginStore({ max: MAX_PENDING, retainMs: this.#ttlMs });
    this.#credentials = credentialVerifier(o.client, { nonces: this.#store });
  }

  /** The site's `client_id` (`decentralized_identifier:<did>`). */
  get clientId(): string {
    return this.#clientId;
  }

  /**
   * Starts a login: checks the site's own registration (purpose, policy, claims, the base URL's
   * origin), signs the request object and returns the link.
   * @throws ERR_IDENTITY_SITE_NOT_REGISTERED, ERR_IDENTITY_PURPOSE_NOT_REGISTERED,
   *   ERR_IDENTITY_POLICY_NOT_REGISTERED, ERR_IDENTITY_CLAIM_NOT_REGISTERED,
   *   ERR_IDENTITY_ORIGIN_NOT_REGISTERED, the ledger client's codes
   */
  async start(input: {
    readonly purpose: string;
    readonly claims?: readonly string[];
    readonly policy?: string;
    readonly sameDevice?: boolean;
  }): Promise<LoginStart> {
    const reg = await this.#sites.get(this.#o.site.did);
    if (!reg.site.origins.includes(this.#origin))
      throw new AppError(
        'ERR_IDENTITY_ORIGIN_NOT_REGISTERED',
        `${this.#base} is not an origin of ${reg.did}`,
      );
    const asked =
      input.claims ?? reg.site.purposes.find((p) => p.id === input.purpose)?.claims ?? [];
    const { purpose, policy } = checkTerms(reg.site, input.purpose, input.policy, asked);
    const claims = [...new Set([...asked, ...(policy?.claims ?? [])])];
    const now = this.#now();
    const [id, state, nonce] = tokens(16, 32, 32);
    const requestUri = this.#base + (this.#o.requestPath ?? ((i) => `/oid4vp/request/${i}`))(id);
    const responseUri = this.#base + (this.#o.responsePath ?? ((i) => `/oid4vp/response/${i}`))(id);
    const expires = now + this.#ttlMs;
    const dcql = this.#queryOf(claims);
    const jws = signRequestObject(
      {
        iss: this.#clientId,
        aud: SELF_ISSUED_AUD,
        client_id: this.#clientId,
        response_type: 'vp_token',
        response_mode: 'direct_post',
        response_uri: responseUri,
        nonce,
        state,
        iat: Math.floor(now / 1000),
        exp: Math.floor(expires / 1000),
        dcql_query: dcql,
        client_metadata: { vp_formats_supported: VP_FORMATS_SUPPORTED },
        realdid_purpose: purpose.id,
        ...(policy === undefined ? {} : { realdid_policy: policy.id }),
      },
      this.#signer,
    );
    const query = { credentialId: dcql.credentials[0].id, vct: REAL_NAME_VCT, claims };
    this.#store.add(
      {
        id,
        state,
        nonce,
        jws,
        query,
        purpose,
        policy,
        sameDevice: input.sameDevice === true,
        expires,
        outcome: { status: 'pending' },
      },
      now,
    );
    const link = formatRequestLink({ clientId: this.#clientId, requestUri });
    return { id, state, nonce, link, requestUri, responseUri, expires };
  }

  #queryOf(claims: readonly string[]): RealNameDcql {
    const key = claims.join(' ');
    let q = this.#queries.get(key);
    if (q === undefined) {
      q = deepFreeze(realNameQuery(claims));
      if (this.#queries.size < MAX_QUERIES) this.#queries.set(key, q);
    }
    return q;
  }

  #live(id: string): Pending<LoginSession> {
    const p = this.#store.get(id);
    if (p === undefined || p.expires <= this.#now() || p.outcome.status !== 'pending')
      throw unknown(id);
    return p;
  }

  /** The signed request object of a pending login (served at its request_uri). @throws ERR_IDENTITY_LOGIN_UNKNOWN */
  requestObject(id: string): string {
    return this.#live(id).jws;
  }

  /**
   * Takes the wallet's response to login `id` (the form posted to its response_uri). Checks, in
   * order: the state is known (ERR_IDENTITY_LOGIN_UNKNOWN) and this login's
   * (ERR_IDENTITY_LOGIN_STATE_MISMATCH), not yet answered (ERR_IDENTITY_LOGIN_ANSWERED): these
   * leave the login untouched; then the form (ERR_IDENTITY_LOGIN_MALFORMED), the presentation
   * (ERR_VC_*: issuer through the ledger, status, KB-JWT nonce and aud = client_id, nonce once),
   * the DCQL query (ERR_IDENTITY_DCQL_UNSATISFIED), the site's registration
   * (ERR_IDENTITY_SITE_NOT_REGISTERED, _PURPOSE_, _POLICY_, _CLAIM_NOT_REGISTERED), the consent
   * receipt of a policy (ERR_IDENTITY_BAD_RECEIPT), then records the disclosure: any of these
   * fails the login. A wallet's error response (`error=…`) fails it with
   * ERR_IDENTITY_CONSENT_DECLINED and is answered `{}`.
   * @returns `{redirect_uri}` (with `#response_code=…`) for a same-device login, else `{}`
   */
  async respond(
    id: string,
    form: Readonly<Record<string, string | undefined>>,
  ): Promise<{ redirect_uri?: string }> {
    const now = this.#now();
    const p = this.#store.byState(form.state ?? '');
    if (p === undefined || p.expires <= now) throw unknown('with this state');
    if (p.id !== id)
      throw new AppError('ERR_IDENTITY_LOGIN_STATE_MISMATCH', `the state is not login ${id}'s`);
    if (p.outcome.status !== 'pending')
      throw new AppError('ERR_IDENTITY_LOGIN_ANSWERED', `login ${id} was already answered`);
    p.outcome = { status: 'answering' };
    try {
      if (form.error !== undefined) {
        p.outcome = {
          status: 'failed',
          code: 'ERR_IDENTITY_CONSENT_DECLINED',
          message: `the wallet answered ${form.error}: ${form.error_description ?? ''}`,
        };
        return {};
      }
      const session = await this.#verify(p, form, now);
      p.outcome = { status: 'done', session };
      if (!p.sameDevice) return {};
      const code = this.#store.issueCode(session, now, CODE_TTL_MS, MAX_PENDING);
      return {
        redirect_uri: `${this.#base}${this.#o.callbackPath ?? '/login/callback'}#response_code=${code}`,
      };
    } catch (err) {
      p.outcome = isAppError(err)
        ? { status: 'failed', code: err.code, message: err.message }
        : { status: 'failed', code: 'ERR_API_INTERNAL', message: 'internal error' };
      throw err;
    }
  }

  async #verify(
    p: Pending<LoginSession>,
    form: Readonly<Record<string, string | undefined>>,
    now: number,
  ): Promise<LoginSession> {
    const { vpToken, receipt } = responseForm(form, p.policy !== undefined);
    const { credentialId, presentation } = parseVpToken(vpToken);
    const nowSec = Math.floor(now / 1000);
    const v: VerifiedPresentation = await this.#credentials.verify(presentation, {
      nonce: p.nonce,
      aud: this.#clientId,
      now: nowSec,
    });
    const visible = Object.keys(v.claims).filter((k) => !v.disclosed.includes(k));
    checkSatisfied(p.query, credentialId, { vct: v.vct, disclosed: v.disclosed, visible });
    const reg = await this.#sites.get(this.#o.site.did);
    checkTerms(reg.site, p.purpose.id, p.policy?.id, p.query.claims);
    const account = didKeyOfJwk(v.holder).did;
    const base = { id: p.id, account, claims: v.claims, purpose: p.purpose.id, at: now };
    if (p.policy === undefined) return base;
    verifyConsentReceipt(receipt, {
      holderJwk: v.holder,
      clientId: this.#clientId,
      site: this.#o.site.did,
      policy: p.policy.id,
      claims: p.query.claims,
      presentationHash: presentationHash(vpToken),
      now: nowSec,
    });
    const receiptHash = consentReceiptHash(receipt!);
    const tx =
      this.#o.recordDisclosures === false
        ? undefined
        : (await recordDisclosure(this.#o.client, this.#o.site, p.policy.id, receiptHash)).id;
    return {
      ...base,
      policy: {
        id: p.policy.id,
        receipt: receipt!,
        receiptHash,
        ...(tx === undefined ? {} : { tx }),
      },
    };
  }

  /** What became of login `id`. @throws ERR_IDENTITY_LOGIN_UNKNOWN once it is forgotten */
  status(id: string): LoginStatus {
    const p = this.#store.get(id);
    if (p === undefined) throw unknown(id);
    const o = p.outcome;
    if (o.status === 'done' && p.sameDevice) return { status: 'answered' };
    if (o.status === 'done' || o.status === 'failed') return o;
    if (p.expires <= this.#now()) return { status: 'expired' };
    return { status: 'pending', expires: p.expires };
  }

  /**
   * The session of a same-device login, for the response code the wallet's redirect carried:
   * single use, valid 120 s.
   * @throws ERR_IDENTITY_LOGIN_BAD_RESPONSE_CODE
   */
  redeem(responseCode: string): LoginSession {
    return this.#store.redeem(responseCode, this.#now());
  }
}
