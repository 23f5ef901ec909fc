/**
 * Private: the checks of the SD-JWT VC verifier before and after the issuer lookup, and the LRU of
 * holder-key verifiers (importing a key costs about as much as one verification with it).
 */
import type { JsonValue } from '../crypto/index.ts';
import { AppError } from '../errors.ts';
import { isObject, type JsonObject, type ProcessOptions } from './_sd-process.ts';
import { verifierOfJwk, type JwsVerifier } from './jws-keys.ts';
import {
  checkJwsAlg,
  checkSdAlg,
  parseSdJwt,
  processDisclosures,
  verifyJws,
  verifyKeyBinding,
  type ParsedSdJwt,
} from './sd-jwt.ts';
import type { StatusRef, VerifiedPresentation, VerifyOptions } from './sd-jwt-vc.ts';

/** The header `typ` of an SD-JWT VC. */
export const SD_JWT_VC_TYP = 'dc+sd-jwt';

/** Claim names a disclosure may never carry (SD-JWT VC §3.2.2: these stay visible). */
export const RESERVED: ReadonlySet<string> = new Set([
  '_sd',
  '...',
  '_sd_alg',
  'iss',
  'nbf',
  'exp',
  'iat',
  'cnf',
  'vct',
  'vct#integrity',
  'status',
]);
/** Registered claims left out of `claims` (they have their own fields). */
const OMIT = new Set(['iss', 'vct', 'iat', 'exp', 'nbf', 'cnf', 'status']);
export const PROCESS: ProcessOptions = { reserved: RESERVED, omit: OMIT };

const HOLDER_CACHE_LIMIT = 1024;
const holderCache = new Map<string, JwsVerifier>();

/**
 * The verifier of a holder JWK (`cnf.jwk`), from an LRU of {@link HOLDER_CACHE_LIMIT} keys keyed
 * by kty, crv, x and y: importing a key costs about as much as verifying with it.
 * @throws ERR_VC_BAD_KEY
 */
export function holderVerifier(jwk: JsonObject): JwsVerifier {
  const { kty, crv, x, y } = jwk;
  // Only string members make a cache key (an array ["k"] would print as "k"); "d" never matches.
  if (typeof x !== 'string' || !(y === undefined || typeof y === 'string') || 'd' in jwk)
    return verifierOfJwk(jwk);
  const id = `${String(kty)}|${String(crv)}|${x}|${y ?? ''}`;
  let verifier = holderCache.get(id);
  if (verifier !== undefined) {
    holderCache.delete(id);
  } else {
    verifier = verifierOfJwk(jwk);
    if (holderCache.size >= HOLDER_CACHE_LIMIT) {
      const oldest = holderCache.keys().next().value;
      if (oldest !== undefined) holderCache.delete(oldest);
    }
  }
  holderCache.set(id, verifier);
  return verifier;
}

/** What the checks before the issuer lookup found. */
export interface Checked {
  readonly parsed: ParsedSdJwt;
  readonly iss: string;
  readonly kid: string | undefined;
  readonly vct: string;
  readonly iat: number;
  readonly exp: number;
  readonly nbf: unknown;
  readonly jwk: JsonObject;
  readonly status: StatusRef;
}

/** @throws ERR_VC_BAD_TYP unless the header typ is dc+sd-jwt */
export function checkTyp(parsed: ParsedSdJwt): void {
  const typ = parsed.jwt.header.typ;
  if (typ !== SD_JWT_VC_TYP)
    throw new AppError('ERR_VC_BAD_TYP', `typ ${JSON.stringify(typ)} is not ${SD_JWT_VC_TYP}`);
}

const missing = (what: string, got: unknown): AppError =>
  new AppError('ERR_VC_MISSING_CLAIM', `${what} expected, got ${JSON.stringify(got) ?? 'nothing'}`);

/** Form, typ, alg, the required claims and vct: everything before the issuer is looked up. */
export function checkCredential(presentation: string, vcts: readonly string[]): Checked {
  const parsed = parseSdJwt(presentation);
  const { header, payload } = parsed.jwt;
  checkTyp(parsed);
  checkJwsAlg(header, 'SD-JWT VC');
  checkSdAlg(payload);
  const { kid } = header;
  if (kid !== undefined && typeof kid !== 'string')
    throw new AppError('ERR_VC_MALFORMED', `header kid is a ${typeof kid}, not a string`);
  const { iss, vct, iat, exp, nbf, cnf, status } = payload;
  if (typeof iss !== 'string') throw missing('"iss" string', iss);
  if (typeof vct !== 'string') throw missing('"vct" string', vct);
  if (typeof iat !== 'number') throw missing('"iat" number', iat);
  if (typeof exp !== 'number') throw missing('"exp" number', exp);
  if (nbf !== undefined && typeof nbf !== 'number') throw missing('"nbf" number', nbf);
  if (!isObject(cnf) || !isObject(cnf.jwk)) throw missing('"cnf.jwk" object', cnf);
  const list = isObject(status) ? status.status_list : undefined;
  if (!isObject(list) || !Number.isSafeInteger(list.idx) || (list.idx as number) < 0)
    throw missing('"status.status_list" with an integer idx ≥ 0', status);
  if (typeof list.uri !== 'string') throw missing('"status.status_list.uri" string', list.uri);
  if (!vcts.includes(vct))
    throw new AppError('ERR_VC_WRONG_VCT', `vct ${JSON.stringify(vct)} is not accepted here`);
  const ref = { idx: list.idx as number, uri: list.uri };
  return { parsed, iss, kid, vct, iat, exp, nbf, jwk: cnf.jwk, status: ref };
}

/** Signature, times, disclosures, key binding, nonce: everything between issuer and status. */
export function checkPresentation(
  c: Checked,
  issuer: JwsVerifier,
  o: VerifyOptions,
): Omit<VerifiedPresentation, keyof Checked> {
  verifyJws(c.parsed.jwt, issuer, 'ERR_VC_BAD_SIGNATURE', 'issuer-signed JWT');
  const skew = o.clockSkewSec ?? 60;
  if (!(c.exp > o.now - skew)) throw new AppError('ERR_VC_EXPIRED', `exp ${c.exp} has passed`);
  if (!(c.iat <= o.now + skew) || (c.nbf as number) > o.now + skew)
    throw new AppError('ERR_VC_NOT_YET_VALID', `iat ${c.iat} / nbf ${String(c.nbf)} is ahead`);
  const done = processDisclosures(c.parsed.jwt.payload, c.parsed.disclosures, PROCESS);
  const holder = holderVerifier(c.jwk);
  const kb = verifyKeyBinding(c.parsed, holder, {
    nonce: o.nonce,
    aud: o.aud,
    now: o.now,
    maxAgeSec: o.kbMaxAgeSec ?? 300,
    skewSec: skew,
  });
  const disclosed: string[] = [];
  for (const d of done.disclosures) if (d.name !== undefined) disclosed.push(d.name);
  return { claims: done.payload as Record<string, JsonValue>, disclosed, holder: holder.jwk, kb };
}
