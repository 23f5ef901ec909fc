/**
 * Generic SD-JWT (RFC 9901): the compact form `<JWT>~<D1>~…~<Dn>~[<KB-JWT>]` (§4), disclosure
 * processing (§7.1), key binding (§4.3, §7.3). Any payload, any `typ`; the SD-JWT VC profile on
 * top lives in sd-jwt-vc.ts. Signatures are checked with {@link JwsVerifier}s (EdDSA, ES256).
 */
import { hash } from 'node:crypto';
import { AppError, type ErrorCode } from '../errors.ts';
import {
  decodeSegment,
  decodeSignature,
  isObject,
  parseJson,
  processDisclosures,
  type Disclosure,
  type JsonObject,
  type ProcessOptions,
} from './_sd-process.ts';
import { VERIFY_ALGS, type JwsSigner, type JwsVerifier, type VerifyAlg } from './jws-keys.ts';

export { decodeDisclosure, processDisclosures } from './_sd-process.ts';
export type { Disclosure, ProcessedDisclosures, ProcessOptions } from './_sd-process.ts';
export type { JsonObject } from './_sd-process.ts';

/** The only `_sd_alg` accepted (RFC 9901 §4.1.1; also the default when absent). */
export const SD_ALG = 'sha-256';
/** `typ` of a key-binding JWT (RFC 9901 §4.3). */
export const KB_JWT_TYP = 'kb+jwt';

/** A compact JWS split and decoded, signature unchecked. */
export interface ParsedJws {
  readonly header: JsonObject;
  readonly payload: JsonObject;
  /** ASCII of `base64url(header).base64url(payload)`, what the signature covers. */
  readonly signingInput: Uint8Array;
  readonly signature: Uint8Array;
}

function parseObjectSegment(segment: string, what: string): JsonObject {
  const value = parseJson(decodeSegment(segment, what).toString('utf8'), what);
  if (!isObject(value)) throw new AppError('ERR_VC_MALFORMED', `${what} is not a JSON object`);
  return value;
}

/**
 * Parses the compact JWS found at `bytes[start, end)` of `text` (a latin1 view of the same text).
 * @throws ERR_VC_MALFORMED
 */
function parseJwsAt(
  text: string,
  bytes: Buffer,
  start: number,
  end: number,
  what: string,
): ParsedJws {
  const dot1 = text.indexOf('.', start);
  const dot2 = dot1 < 0 || dot1 >= end ? -1 : text.indexOf('.', dot1 + 1);
  const dot3 = dot2 < 0 || dot2 >= end ? -1 : text.indexOf('.', dot2 + 1);
  if (dot2 < 0 || dot2 >= end || (dot3 >= 0 && dot3 < end))
    throw new AppError('ERR_VC_MALFORMED', `${what} is not a compact JWS (three parts)`);
  return {
    header: parseObjectSegment(text.slice(start, dot1), `${what} header`),
    payload: parseObjectSegment(text.slice(dot1 + 1, dot2), `${what} payload`),
    signingInput: bytes.subarray(start, dot2),
    signature: decodeSignature(text.slice(dot2 + 1, end), `${what} signature`),
  };
}

/** What a compact JWS may hold: base64url characters and the `.` separators. */
const JWS_RE = /^[A-Za-z0-9_\-.]*$/;

/**
 * Parses one compact JWS (`header.payload.signature`, RFC 7515 §7.1): both JSON objects, the
 * signature canonical base64url; not verified.
 * @throws ERR_VC_MALFORMED
 */
export function parseCompactJws(jws: unknown, what: string): ParsedJws {
  if (typeof jws !== 'string') throw new AppError('ERR_VC_MALFORMED', `${what} must be a string`);
  if (!JWS_RE.test(jws))
    throw new AppError('ERR_VC_MALFORMED', `${what} holds a character outside base64url and "."`);
  return parseJwsAt(jws, Buffer.from(jws, 'latin1'), 0, jws.length, what);
}

/** Base64url of the UTF-8 JSON of `value`. */
function encodeJsonSegment(value: unknown): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

/** Signs header and payload into a compact JWS with `sign` over the ASCII signing input. */
export function signCompactJws(
  header: JsonObject,
  payload: JsonObject,
  sign: (input: Uint8Array) => Uint8Array,
): string {
  const input = `${encodeJsonSegment(header)}.${encodeJsonSegment(payload)}`;
  const sig = sign(Buffer.from(input, 'latin1'));
  return `${input}.${Buffer.from(sig.buffer, sig.byteOffset, sig.byteLength).toString('base64url')}`;
}

/** An SD-JWT split into its parts (RFC 9901 §4), signatures unchecked, disclosures undecoded. */
export interface ParsedSdJwt {
  /** The issuer-signed JWT. */
  readonly jwt: ParsedJws;
  /** The compact issuer-signed JWT as given. */
  readonly jwtCompact: string;
  /** The disclosures as presented (base64url), in order. */
  readonly disclosures: readonly string[];
  /** The key-binding JWT, if the last part is not empty. */
  readonly kbJwt: ParsedJws | undefined;
  /** ASCII of everything up to and including the last `~`: what `sd_hash` covers (§4.3.1). */
  readonly sdHashInput: Uint8Array;
}

/** What a compact SD-JWT may hold: base64url characters and the `.` and `~` separators. */
const COMPACT_RE = /^[A-Za-z0-9_\-.~]*$/;

/**
 * Splits a compact SD-JWT or SD-JWT+KB and decodes its JWS parts (not the disclosures).
 * @throws ERR_VC_MALFORMED for a character outside base64url and the separators, a missing `~`,
 *   an empty disclosure, bad base64url or JSON
 * @example parseSdJwt(sdJwt).disclosures.length
 */
export function parseSdJwt(compact: string): ParsedSdJwt {
  if (typeof compact !== 'string')
    throw new AppError('ERR_VC_MALFORMED', `an SD-JWT must be a string, got ${typeof compact}`);
  // Only base64url characters and the separators: anything else would be signed and hashed as
  // another byte (the latin1 view below) and make presentations malleable.
  if (!COMPACT_RE.test(compact))
    throw new AppError(
      'ERR_VC_MALFORMED',
      'an SD-JWT holds a character outside base64url, "." and "~"',
    );
  const first = compact.indexOf('~');
  if (first < 0) throw new AppError('ERR_VC_MALFORMED', 'an SD-JWT has no "~" separator');
  const last = compact.lastIndexOf('~');
  const bytes = Buffer.from(compact, 'latin1');
  const jwt = parseJwsAt(compact, bytes, 0, first, 'issuer-signed JWT');
  const disclosures = last > first ? compact.slice(first + 1, last).split('~') : [];
  for (let i = 0; i < disclosures.length; i++)
    if (disclosures[i] === '') throw new AppError('ERR_VC_MALFORMED', `disclosure #${i} is empty`);
  const kbJwt =
    last + 1 < compact.length
      ? parseJwsAt(compact, bytes, last + 1, compact.length, 'KB-JWT')
      : undefined;
  return {
    jwt,
    jwtCompact: compact.slice(0, first),
    disclosures,
    kbJwt,
    sdHashInput: bytes.subarray(0, last + 1),
  };
}

/**
 * Checks a JWS header's `alg` against the allow-list {@link VERIFY_ALGS} (never `none`, no HMAC)
 * and refuses `crit` (RFC 7515 §4.1.11: no extension is understood here).
 * @throws ERR_VC_UNSUPPORTED_ALG
 */
export function checkJwsAlg(header: JsonObject, what: string): VerifyAlg {
  const alg = header.alg;
  if (alg !== 'EdDSA' && alg !== 'ES256')
    throw new AppError(
      'ERR_VC_UNSUPPORTED_ALG',
      `${what} alg ${JSON.stringify(alg)} is not one of ${VERIFY_ALGS.join(', ')}`,
    );
  if (header.crit !== undefined)
    throw new AppError('ERR_VC_UNSUPPORTED_ALG', `${what} has a "crit" header, not supported`);
  return alg;
}

/** Checks `_sd_alg` (absent means sha-256). @throws ERR_VC_UNSUPPORTED_ALG */
export function checkSdAlg(payload: JsonObject): void {
  const sdAlg = payload._sd_alg;
  if (sdAlg !== undefined && sdAlg !== SD_ALG)
    throw new AppError(
      'ERR_VC_UNSUPPORTED_ALG',
      `_sd_alg ${JSON.stringify(sdAlg)} is not ${SD_ALG}`,
    );
}

/** Verifies a parsed JWS with `verifier` (whose alg must be the header's); throws `code` if not. */
export function verifyJws(jws: ParsedJws, verifier: JwsVerifier, code: ErrorCode, what: string) {
  if (jws.header.alg !== verifier.alg)
    throw new AppError(
      code,
      `${what} alg ${String(jws.header.alg)} is not the key's ${verifier.alg}`,
    );
  if (!verifier.verify(jws.signingInput, jws.signature))
    throw new AppError(code, `${what} signature does not verify`);
}

/** Options of {@link verifySdJwt}. */
export interface VerifySdJwtOptions {
  /** The issuer's key. */
  readonly verifier: JwsVerifier;
  /** The header `typ` to require, if any. */
  readonly typ?: string;
  /** Names and omissions for disclosure processing. */
  readonly process?: ProcessOptions;
}

/** A verified SD-JWT: the processed payload (§7.1), the disclosures used, the raw KB-JWT. */
export interface VerifiedSdJwt {
  readonly header: JsonObject;
  /** The payload with every presented disclosure substituted, recursively; no `_sd`, `_sd_alg`. */
  readonly payload: JsonObject;
  readonly disclosures: readonly Disclosure[];
  /** The KB-JWT, parsed but not checked (see {@link verifyKeyBinding}). */
  readonly kbJwt: ParsedJws | undefined;
}

/**
 * Verifies an SD-JWT's issuer signature and processes its disclosures (RFC 9901 §7.1). Checks no
 * time claim and no key binding: profiles do (sd-jwt-vc.ts).
 * @throws ERR_VC_MALFORMED, ERR_VC_BAD_TYP, ERR_VC_UNSUPPORTED_ALG, ERR_VC_BAD_SIGNATURE, and
 *   the ERR_VC_DISCLOSURE_* codes of {@link processDisclosures}
 * @example verifySdJwt(sdJwt, { verifier: verifierOfJwk(issuerJwk) }).payload
 */
export function verifySdJwt(compact: string, options: VerifySdJwtOptions): VerifiedSdJwt {
  const parsed = parseSdJwt(compact);
  const { header, payload } = parsed.jwt;
  if (options.typ !== undefined && header.typ !== options.typ)
    throw new AppError(
      'ERR_VC_BAD_TYP',
      `typ ${JSON.stringify(header.typ)} is not ${JSON.stringify(options.typ)}`,
    );
  checkJwsAlg(header, 'issuer-signed JWT');
  checkSdAlg(payload);
  verifyJws(parsed.jwt, options.verifier, 'ERR_VC_BAD_SIGNATURE', 'issuer-signed JWT');
  const done = processDisclosures(payload, parsed.disclosures, options.process);
  return { header, payload: done.payload, disclosures: done.disclosures, kbJwt: parsed.kbJwt };
}

/** What a verifier expects of a key-binding JWT. */
export interface KeyBindingExpect {
  readonly nonce: string;
  readonly aud: string;
  /** Now, in seconds since the epoch. */
  readonly now: number;
  /** Oldest acceptable `iat`, in seconds before `now`. */
  readonly maxAgeSec: number;
  /** Tolerated clock skew for an `iat` in the future, in seconds. */
  readonly skewSec: number;
}

/** The checked claims of a key-binding JWT. */
export interface KeyBindingClaims {
  readonly iat: number;
  readonly nonce: string;
  readonly aud: string;
}

/**
 * Verifies the key-binding JWT of a parsed SD-JWT+KB (RFC 9901 §7.3) with the holder's key.
 * @throws in this order: ERR_VC_KB_MISSING, ERR_VC_BAD_TYP, ERR_VC_UNSUPPORTED_ALG,
 *   ERR_VC_KB_BAD_SIGNATURE, ERR_VC_KB_NONCE, ERR_VC_KB_AUDIENCE, ERR_VC_KB_SD_HASH, ERR_VC_KB_IAT
 */
export function verifyKeyBinding(
  parsed: ParsedSdJwt,
  holder: JwsVerifier,
  expect: KeyBindingExpect,
): KeyBindingClaims {
  const kb = parsed.kbJwt;
  if (kb === undefined)
    throw new AppError('ERR_VC_KB_MISSING', 'the presentation ends in "~": no KB-JWT');
  if (kb.header.typ !== KB_JWT_TYP)
    throw new AppError(
      'ERR_VC_BAD_TYP',
      `KB-JWT typ ${JSON.stringify(kb.header.typ)} is not kb+jwt`,
    );
  checkJwsAlg(kb.header, 'KB-JWT');
  verifyJws(kb, holder, 'ERR_VC_KB_BAD_SIGNATURE', 'KB-JWT');
  const { iat, nonce, aud, sd_hash: sdHash } = kb.payload;
  if (nonce !== expect.nonce)
    throw new AppError('ERR_VC_KB_NONCE', `KB-JWT nonce ${JSON.stringify(nonce)} is not ours`);
  if (aud !== expect.aud)
    throw new AppError(
      'ERR_VC_KB_AUDIENCE',
      `KB-JWT aud ${JSON.stringify(aud)} is not ${JSON.stringify(expect.aud)}`,
    );
  if (sdHash !== hash('sha256', parsed.sdHashInput, 'base64url'))
    throw new AppError(
      'ERR_VC_KB_SD_HASH',
      `KB-JWT sd_hash ${JSON.stringify(sdHash)} is not the hash of the presented SD-JWT`,
    );
  if (typeof iat !== 'number' || !(iat >= expect.now - expect.maxAgeSec))
    throw new AppError('ERR_VC_KB_IAT', `KB-JWT iat ${String(iat)} is older than allowed`);
  if (iat > expect.now + expect.skewSec)
    throw new AppError('ERR_VC_KB_IAT', `KB-JWT iat ${iat} is in the future`);
  return { iat, nonce: nonce, aud: aud };
}

/** The claims a holder puts in a KB-JWT (`sd_hash` is computed). */
export interface KeyBindingInput {
  readonly iat: number;
  readonly aud: string;
  readonly nonce: string;
}

/**
 * Builds an SD-JWT+KB: the issuer-signed JWT, the chosen disclosures and a KB-JWT signed by the
 * holder (`typ` kb+jwt, `sd_hash` over the rest, RFC 9901 §4.3).
 * @example presentSdJwt(parsed.jwtCompact, chosen, holderSigner, { iat, aud, nonce })
 */
export function presentSdJwt(
  jwtCompact: string,
  disclosures: readonly string[],
  holder: JwsSigner,
  kb: KeyBindingInput,
): string {
  if (!Number.isSafeInteger(kb.iat))
    throw new RangeError(`"iat" expected an integer, got ${kb.iat}`);
  if (typeof kb.aud !== 'string' || kb.aud === '') throw new TypeError('"aud" expected a string');
  if (typeof kb.nonce !== 'string' || kb.nonce === '')
    throw new TypeError('"nonce" expected a string');
  const sdPart =
    disclosures.length === 0 ? `${jwtCompact}~` : `${jwtCompact}~${disclosures.join('~')}~`;
  const sdHash = hash('sha256', sdPart, 'base64url');
  const header = { typ: KB_JWT_TYP, alg: holder.alg };
  const payload = { iat: kb.iat, aud: kb.aud, nonce: kb.nonce, sd_hash: sdHash };
  return sdPart + signCompactJws(header, payload, (input) => holder.sign(input));
}
