/**
 * realdid's profile of OpenID for Verifiable Presentations 1.0 (final), pure parts: the
 * `openid4vp://` link (§9 and §13.1.2; the request passed by reference, RFC 9101 §5.2), the signed request object of a
 * site identified by the `decentralized_identifier` Client Identifier Prefix (§5.9.3: signed by a
 * key of the DID named by `kid`), response mode `direct_post` (§8.2). No I/O: keys come in through
 * a `verifierOf(kid)` function, time as a parameter. See docs/login.md.
 */
import { AppError } from '../errors.ts';
import { isRdid, parseDidUrl } from '../did/index.ts';
import { isObject, type JsonObject } from './_sd-process.ts';
import type { JwsSigner, JwsVerifier } from './jws-keys.ts';
import {
  checkDcqlQuery,
  DCQL_FORMAT,
  type ProfileQuery,
  type RealNameDcql,
} from './openid4vp-dcql.ts';
import {
  checkJwsAlg,
  parseCompactJws,
  signCompactJws,
  verifyJws,
  type ParsedJws,
} from './sd-jwt.ts';

/** The Client Identifier Prefix of a site: its `client_id` is this followed by its did:rdid (§5.9.3). */
export const CLIENT_ID_PREFIX = 'decentralized_identifier:';
/** The header `typ` of a request object (RFC 9101 §4). */
export const REQUEST_OBJECT_TYP = 'oauth-authz-req+jwt';
/** The media type a `request_uri` answers with (§5.10.1). */
export const REQUEST_OBJECT_MEDIA_TYPE = 'application/oauth-authz-req+jwt';
/** The `aud` of a request object under static discovery (§5.8). */
export const SELF_ISSUED_AUD = 'https://self-issued.me/v2';
/** The custom scheme of a wallet invocation (§9, §13.1.2). */
export const LINK_SCHEME = 'openid4vp:';
/** The Verifier metadata every site sends: SD-JWT VC with EdDSA only (§11.1; Appendix B, SD-JWT VC). */
export const VP_FORMATS_SUPPORTED = {
  [DCQL_FORMAT]: { 'sd-jwt_alg_values': ['EdDSA'], 'kb-jwt_alg_values': ['EdDSA'] },
} as const;
/** Seconds of clock skew tolerated on `iat` and `exp` by default. */
export const REQUEST_SKEW_SEC = 60;

/** `nonce` and `state`: ASCII URL-safe characters (§5.2), at least 16 of them. */
const TOKEN_RE = /^[A-Za-z0-9._~-]{16,512}$/;
/** A purpose or policy id (the governance schema's TermId). */
const TERM_RE = /^[a-z0-9][a-z0-9-]{0,63}$/;
const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

function malformed(message: string, cause?: unknown): never {
  throw new AppError('ERR_IDENTITY_LOGIN_MALFORMED', message, cause === undefined ? {} : { cause });
}

/** The `client_id` of a site's did:rdid. @throws RangeError for anything but a did:rdid */
export function clientIdOf(did: string): string {
  if (!isRdid(did)) throw new RangeError(`"did" expected a did:rdid, got ${did}`);
  return CLIENT_ID_PREFIX + did;
}

/** The did:rdid a `client_id` names. @throws ERR_IDENTITY_LOGIN_MALFORMED */
export function didOfClientId(clientId: unknown): string {
  const did =
    typeof clientId === 'string' && clientId.startsWith(CLIENT_ID_PREFIX)
      ? clientId.slice(CLIENT_ID_PREFIX.length)
      : undefined;
  if (did === undefined || !isRdid(did))
    malformed(`client_id ${JSON.stringify(clientId)} is not ${CLIENT_ID_PREFIX}did:rdid:…`);
  return did;
}

/**
 * Checks a URL a site may be reached at: https, or http on a loopback host; no credentials, no
 * fragment. Returns its origin.
 * @throws ERR_IDENTITY_LOGIN_MALFORMED
 */
export function webOriginOf(value: unknown, what: string): string {
  let url: URL;
  try {
    url = new URL(typeof value === 'string' ? value : '');
  } catch (err) {
    malformed(`${what} ${JSON.stringify(value)} is not a URL`, err);
  }
  const ok = url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK.has(url.hostname));
  if (!ok || url.username !== '' || url.password !== '' || url.hash !== '')
    malformed(`${what} must be https (http on localhost), without credentials or fragment`);
  return url.origin;
}

/** What a wallet invocation link carries (§5.10: request by reference). */
export interface RequestLink {
  readonly clientId: string;
  readonly requestUri: string;
}

/**
 * The `openid4vp://` link of a request (for a QR code or a same-device button).
 * @example formatRequestLink({ clientId, requestUri }) // 'openid4vp://?client_id=…&request_uri=…'
 */
export function formatRequestLink(link: RequestLink): string {
  const q = `client_id=${encodeURIComponent(link.clientId)}`;
  return `openid4vp://?${q}&request_uri=${encodeURIComponent(link.requestUri)}`;
}

/**
 * Parses a wallet invocation link: `openid4vp://…?` or an https link with the same query; exactly
 * one `client_id` (a site's) and one `request_uri` (https), `request_uri_method` absent or `get`,
 * no `request` by value. Other parameters are ignored (the request object alone counts, §5.10.1).
 * @throws ERR_IDENTITY_LOGIN_MALFORMED
 */
export function parseRequestLink(uri: unknown): RequestLink {
  if (typeof uri !== 'string' || uri.length > 4096) malformed('the link must be a short string');
  let url: URL;
  try {
    url = new URL(uri);
  } catch (err) {
    malformed(`the link ${JSON.stringify(uri.slice(0, 100))} is not a URL`, err);
  }
  if (url.protocol !== LINK_SCHEME) webOriginOf(uri, 'the link');
  const p = url.searchParams;
  const one = (name: string): string => {
    const all = p.getAll(name);
    if (all.length !== 1) malformed(`the link needs one "${name}", got ${all.length}`);
    return all[0]!;
  };
  if (p.has('request')) malformed('a request by value ("request") is not supported');
  const method = p.getAll('request_uri_method');
  if (method.length > 1 || (method.length === 1 && method[0] !== 'get'))
    malformed('"request_uri_method" must be get');
  const clientId = one('client_id');
  didOfClientId(clientId);
  const requestUri = one('request_uri');
  webOriginOf(requestUri, 'request_uri');
  return { clientId, requestUri };
}

/** The claims of a request object (§5, §8.2 and realdid's two extensions). */
export type RequestObjectClaims = {
  /** Sites send the `client_id`; wallets ignore it (§5). */
  readonly iss?: string;
  readonly aud: typeof SELF_ISSUED_AUD;
  readonly client_id: string;
  readonly response_type: 'vp_token';
  readonly response_mode: 'direct_post';
  readonly response_uri: string;
  readonly nonce: string;
  readonly state: string;
  /** Seconds since the epoch. */
  readonly iat: number;
  readonly exp: number;
  readonly dcql_query: RealNameDcql;
  readonly client_metadata: { readonly vp_formats_supported: JsonObject };
  /** The registered purpose the site asks under. */
  readonly realdid_purpose: string;
  /** The registered disclosure policy the site invokes, if any. */
  readonly realdid_policy?: string;
};

/** A verified request object: its claims, what its DCQL query asks for, who signed it. */
export interface VerifiedRequest {
  readonly claims: RequestObjectClaims;
  readonly query: ProfileQuery;
  /** The header `kid`: a DID URL of the site's key. */
  readonly kid: string;
  /** The site's did:rdid (from `client_id`, equal to the kid's DID). */
  readonly did: string;
}

/** `client_metadata.vp_formats_supported` must accept EdDSA SD-JWT VCs. */
function checkClientMetadata(m: unknown): void {
  const formats = isObject(m) ? m.vp_formats_supported : undefined;
  const f = isObject(formats) ? formats[DCQL_FORMAT] : undefined;
  if (!isObject(f)) malformed(`client_metadata.vp_formats_supported has no ${DCQL_FORMAT}`);
  for (const k of ['sd-jwt_alg_values', 'kb-jwt_alg_values']) {
    const algs = f[k];
    if (algs !== undefined && !(Array.isArray(algs) && algs.includes('EdDSA')))
      malformed(`client_metadata ${k} does not accept EdDSA`);
  }
}

/**
 * Checks the claims of a request object against the profile (not the time, not the signature);
 * `iss` is ignored, as §5 asks of wallets.
 * @throws ERR_IDENTITY_LOGIN_MALFORMED, ERR_IDENTITY_DCQL_UNSUPPORTED
 */
export function checkRequestClaims(p: JsonObject): {
  claims: RequestObjectClaims;
  query: ProfileQuery;
} {
  didOfClientId(p.client_id);
  const want = (ok: boolean, what: string): void => {
    if (!ok) malformed(`request object: ${what}`);
  };
  want(p.aud === SELF_ISSUED_AUD, `"aud" must be ${SELF_ISSUED_AUD}`);
  want(p.response_type === 'vp_token', '"response_type" must be vp_token');
  want(p.response_mode === 'direct_post', '"response_mode" must be direct_post');
  for (const k of ['redirect_uri', 'scope', 'transaction_data', 'presentation_definition'])
    want(p[k] === undefined, `"${k}" is not allowed`);
  webOriginOf(p.response_uri, 'response_uri');
  want(
    typeof p.nonce === 'string' && TOKEN_RE.test(p.nonce),
    '"nonce" is not 16+ URL-safe characters',
  );
  want(
    typeof p.state === 'string' && TOKEN_RE.test(p.state),
    '"state" is not 16+ URL-safe characters',
  );
  want(
    Number.isSafeInteger(p.iat) && Number.isSafeInteger(p.exp),
    '"iat" and "exp" must be integers',
  );
  want((p.exp as number) > (p.iat as number), '"exp" must be after "iat"');
  want(
    typeof p.realdid_purpose === 'string' && TERM_RE.test(p.realdid_purpose),
    'bad "realdid_purpose"',
  );
  want(
    p.realdid_policy === undefined ||
      (typeof p.realdid_policy === 'string' && TERM_RE.test(p.realdid_policy)),
    'bad "realdid_policy"',
  );
  checkClientMetadata(p.client_metadata);
  const query = checkDcqlQuery(p.dcql_query);
  return { claims: p as unknown as RequestObjectClaims, query };
}

/**
 * Signs a request object with the site's key (`signer.kid`, a DID URL of the `client_id`'s DID):
 * header `{alg: EdDSA, typ: oauth-authz-req+jwt, kid}`.
 * @throws ERR_IDENTITY_LOGIN_MALFORMED or ERR_IDENTITY_DCQL_UNSUPPORTED for claims outside the
 *   profile; RangeError when the signer's kid is not a key of the client_id's DID
 */
export function signRequestObject(claims: RequestObjectClaims, signer: JwsSigner): string {
  checkRequestClaims(claims);
  const did = didOfClientId(claims.client_id);
  if (signer.kid === undefined || !signer.kid.startsWith(`${did}#`))
    throw new RangeError(`"signer.kid" must be a key of ${did}, got ${String(signer.kid)}`);
  const header = { alg: signer.alg, typ: REQUEST_OBJECT_TYP, kid: signer.kid };
  return signCompactJws(header, claims, (input) => signer.sign(input));
}

/** How {@link verifyRequestObject} judges a request object. */
export interface VerifyRequestOptions {
  /** Now, in seconds since the epoch. */
  readonly now: number;
  readonly skewSec?: number;
  /** The `client_id` of the link the request came with: the object's must be identical (§5.10.1). */
  readonly clientId?: string;
}

function parseRequestJws(jws: unknown): ParsedJws {
  try {
    return parseCompactJws(jws, 'request object');
  } catch (err) {
    return malformed(`the request object is not a compact JWS: ${(err as Error).message}`, err);
  }
}

/**
 * Verifies a request object, in this order: form and `typ` (ERR_IDENTITY_LOGIN_MALFORMED); alg
 * EdDSA and no `crit` (ERR_IDENTITY_LOGIN_BAD_SIGNATURE); `kid` a DID URL (MALFORMED);
 * `client_id` a site's and equal to the link's (MALFORMED); the kid's DID the client_id's
 * (BAD_SIGNATURE); the signature with `verifierOf(kid)` (its own codes, then BAD_SIGNATURE); the
 * claims (MALFORMED, ERR_IDENTITY_DCQL_UNSUPPORTED); `exp` not passed and `iat` not ahead, with
 * skew (MALFORMED).
 * @example await verifyRequestObject(jws, (kid) => keyOf(kid), { now, clientId: link.clientId })
 */
export async function verifyRequestObject(
  jws: unknown,
  verifierOf: (kid: string) => JwsVerifier | Promise<JwsVerifier>,
  o: VerifyRequestOptions,
): Promise<VerifiedRequest> {
  const parsed = parseRequestJws(jws);
  const { header, payload } = parsed;
  if (header.typ !== REQUEST_OBJECT_TYP)
    malformed(`request object typ ${JSON.stringify(header.typ)} is not ${REQUEST_OBJECT_TYP}`);
  try {
    if (checkJwsAlg(header, 'request object') !== 'EdDSA') throw new Error('alg is not EdDSA');
  } catch (err) {
    throw new AppError('ERR_IDENTITY_LOGIN_BAD_SIGNATURE', (err as Error).message, { cause: err });
  }
  const kid = header.kid;
  let kidDid: string;
  try {
    const url = parseDidUrl(typeof kid === 'string' ? kid : '');
    if (url.fragment === undefined || url.path !== undefined) throw new Error('no fragment');
    kidDid = url.did;
  } catch (err) {
    return malformed(`request object kid ${JSON.stringify(kid)} is not a DID URL of a key`, err);
  }
  const did = didOfClientId(payload.client_id);
  if (o.clientId !== undefined && payload.client_id !== o.clientId)
    malformed(`client_id ${String(payload.client_id)} is not the link's ${o.clientId}`);
  if (kidDid !== did)
    throw new AppError(
      'ERR_IDENTITY_LOGIN_BAD_SIGNATURE',
      `kid ${kid as string} is not a key of ${did}`,
    );
  verifyJws(
    parsed,
    await verifierOf(kid as string),
    'ERR_IDENTITY_LOGIN_BAD_SIGNATURE',
    'request object',
  );
  const { claims, query } = checkRequestClaims(payload);
  const skew = o.skewSec ?? REQUEST_SKEW_SEC;
  if (!(claims.exp > o.now - skew)) malformed(`the request expired at ${claims.exp}`);
  if (claims.iat > o.now + skew) malformed(`the request's iat ${claims.iat} is ahead of now`);
  return { claims, query, kid: kid as string, did };
}
