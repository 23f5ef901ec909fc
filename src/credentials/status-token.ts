/**
 * The Status List Token in JWT format (draft-ietf-oauth-status-list, "Status List Token in JWT
 * Format"): a JWS with header `typ: statuslist+jwt` over the claims `sub` (the status list URI),
 * `iat`, `exp`, `ttl` and `status_list`. Verification follows the draft's validation rules: typ,
 * the algorithm allow-list, the signature, `sub` equal to the referenced `uri`, and `exp`.
 */
import { AppError } from '../errors.ts';
import { isObject, type JsonObject } from './_sd-process.ts';
import { VERIFY_ALGS, type JwsSigner, type JwsVerifier } from './jws-keys.ts';
import { parseCompactJws, signCompactJws } from './sd-jwt.ts';
import { isStatusBits, StatusList } from './status-list.ts';

/** The JWS `typ` of a Status List Token (draft "Status List Token in JWT Format"). */
export const STATUS_LIST_TYP = 'statuslist+jwt';

/** Seconds an `iat` may lie ahead of the verifier's clock. */
export const STATUS_TOKEN_IAT_LEEWAY_SEC = 60;

/** The claims of a Status List Token (draft "Status List Token in JWT Format"). */
export interface StatusListTokenClaims {
  /** The URI of the status list; equals the `uri` of the referencing `status_list` claim. */
  sub: string;
  /** Issued at, seconds since the epoch. */
  iat: number;
  /** Expiry, seconds since the epoch (RECOMMENDED). */
  exp?: number;
  /** Seconds a consumer may cache the token before fetching a fresh one (RECOMMENDED). */
  ttl?: number;
  iss?: string;
  status_list: { bits: number; lst: string };
}

/** What {@link verifyStatusListToken} returns: the decoded list and the token's claims. */
export interface VerifiedStatusListToken {
  list: StatusList;
  sub: string;
  iat: number;
  exp?: number;
  ttl?: number;
  iss?: string;
  /** The `kid` header, if any. */
  kid?: string;
}

const malformed = (message: string, cause?: unknown): AppError =>
  new AppError('ERR_VC_MALFORMED', message, cause === undefined ? {} : { cause });
const badToken = (message: string, details?: Record<string, unknown>): AppError =>
  new AppError('ERR_VC_STATUS_BAD_TOKEN', message, details === undefined ? {} : { details });

const isSeconds = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;

/** The claims of `value`, or why they are malformed. */
function checkClaims(value: unknown): StatusListTokenClaims | string {
  if (!isObject(value)) return 'the payload must be a JSON object';
  const { sub, iat, exp, ttl, iss, status_list: sl } = value;
  if (typeof sub !== 'string' || sub === '') return '"sub" expected a non-empty string';
  if (!isSeconds(iat)) return '"iat" expected a NumericDate (integer seconds)';
  if (exp !== undefined && !isSeconds(exp)) return '"exp" expected a NumericDate';
  if (ttl !== undefined && !isSeconds(ttl)) return '"ttl" expected a non-negative integer';
  if (iss !== undefined && typeof iss !== 'string') return '"iss" expected a string';
  if (!isObject(sl) || typeof sl.lst !== 'string' || typeof sl.bits !== 'number')
    return '"status_list" expected an object {bits, lst}';
  return {
    sub,
    iat,
    ...(exp === undefined ? {} : { exp }),
    ...(ttl === undefined ? {} : { ttl }),
    ...(iss === undefined ? {} : { iss }),
    status_list: { bits: sl.bits, lst: sl.lst },
  };
}

function claimsOf(payload: JsonObject): StatusListTokenClaims {
  const claims = checkClaims(payload);
  if (typeof claims === 'string') throw malformed(claims);
  return claims;
}

/**
 * Signs a Status List Token: header `{alg, typ: "statuslist+jwt", kid}` (kid from the signer).
 * @throws TypeError for claims that are not a valid Status List Token payload
 * @example
 * const jwt = signStatusListToken({ sub: uri, iat, ttl: 300, status_list: list.encode() }, signer);
 */
export function signStatusListToken(claims: StatusListTokenClaims, signer: JwsSigner): string {
  const checked = checkClaims(claims);
  if (typeof checked === 'string') throw new TypeError(checked);
  if (!isStatusBits(checked.status_list.bits))
    throw new TypeError(`"status_list.bits" expected 1, 2, 4 or 8`);
  const header = {
    alg: signer.alg,
    typ: STATUS_LIST_TYP,
    ...(signer.kid === undefined ? {} : { kid: signer.kid }),
  };
  return signCompactJws(header, checked as unknown as JsonObject, (input) => signer.sign(input));
}

/**
 * Decodes a Status List Token without verifying it, to find its `kid` and `iss` first.
 * @throws ERR_VC_MALFORMED for a token that is not a compact JWS with a valid claim set
 */
export function peekStatusListToken(jwt: string): {
  header: { kid?: string; alg: string };
  claims: StatusListTokenClaims;
} {
  const { header, payload } = parseCompactJws(jwt, 'status list token');
  if (typeof header.alg !== 'string') throw malformed('"alg" expected a string');
  if (header.kid !== undefined && typeof header.kid !== 'string')
    throw malformed('"kid" expected a string');
  return {
    header: { alg: header.alg, ...(header.kid === undefined ? {} : { kid: header.kid }) },
    claims: claimsOf(payload),
  };
}

/** RFC 7515 §4.1.9: `typ` compares case-insensitively, with "application/" implied. */
function isStatusListTyp(typ: unknown): boolean {
  if (typeof typ !== 'string') return false;
  const t = typ.toLowerCase();
  return t === STATUS_LIST_TYP || t === `application/${STATUS_LIST_TYP}`;
}

function checkHeader(header: Record<string, unknown>, verifier: JwsVerifier): void {
  if (!isStatusListTyp(header.typ))
    throw new AppError(
      'ERR_VC_BAD_TYP',
      `"typ" expected ${STATUS_LIST_TYP}, got ${JSON.stringify(header.typ)}`,
    );
  const alg = header.alg;
  if (typeof alg !== 'string' || !(VERIFY_ALGS as readonly string[]).includes(alg))
    throw new AppError('ERR_VC_UNSUPPORTED_ALG', `"alg" ${JSON.stringify(alg)} is not allowed`);
  if (alg !== verifier.alg)
    throw new AppError(
      'ERR_VC_UNSUPPORTED_ALG',
      `"alg" ${alg} does not match the key (${verifier.alg})`,
    );
  if (header.crit !== undefined) throw badToken('"crit" names extensions this verifier lacks');
  if (header.kid !== undefined && typeof header.kid !== 'string')
    throw malformed('"kid" expected a string');
}

/**
 * Verifies a Status List Token (the draft's validation rules) and decodes its list.
 * @param o.verifier the key of the referenced token's issuer; its `alg` is the only one accepted
 * @param o.uri the `uri` of the referencing `status_list` claim; must equal `sub`
 * @param o.now the verifier's clock, seconds since the epoch
 * @throws ERR_VC_MALFORMED (not a compact JWS, bad base64url/JSON, bad claims),
 *   ERR_VC_BAD_TYP (typ), ERR_VC_UNSUPPORTED_ALG (alg outside the allow-list or not the key's),
 *   ERR_VC_STATUS_BAD_TOKEN (signature, sub ≠ uri, exp ≤ now, iat in the future, bad `lst`)
 */
export function verifyStatusListToken(
  jwt: string,
  o: { verifier: JwsVerifier; uri: string; now: number },
): VerifiedStatusListToken {
  const { header, payload, signingInput, signature } = parseCompactJws(jwt, 'status list token');
  checkHeader(header, o.verifier);
  if (!o.verifier.verify(signingInput, signature))
    throw badToken('the status list token signature does not verify');
  const claims = claimsOf(payload);
  if (claims.sub !== o.uri)
    throw badToken(
      `"sub" ${JSON.stringify(claims.sub)} is not the status list ${JSON.stringify(o.uri)}`,
      {
        sub: claims.sub,
        uri: o.uri,
      },
    );
  if (claims.exp !== undefined && claims.exp <= o.now)
    throw badToken(`the status list token expired at ${claims.exp} (now ${o.now})`, {
      exp: claims.exp,
      now: o.now,
    });
  if (claims.iat > o.now + STATUS_TOKEN_IAT_LEEWAY_SEC)
    throw badToken(
      `the status list token is issued in the future (iat ${claims.iat}, now ${o.now})`,
    );
  const list = StatusList.decode(claims.status_list);
  const { status_list: _omit, ...rest } = claims;
  return { list, ...rest, ...(typeof header.kid === 'string' ? { kid: header.kid } : {}) };
}
