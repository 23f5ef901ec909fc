/**
 * SD-JWT VC (draft-ietf-oauth-sd-jwt-vc, `typ: dc+sd-jwt`) over RFC 9901: issuance through
 * `@sd-jwt/sd-jwt-vc` with our EdDSA signer, presentation with a KB-JWT, and our own verifier
 * (one parse, one hash per disclosure, cached holder keys, no await unless a resolver or status
 * checker answers with a promise). Every top-level user claim is selectively disclosable; `iss`,
 * `iat`, `exp`, `vct`, `cnf` and `status` are always visible.
 */
import { randomBytes, randomInt } from 'node:crypto';
import { SDJwtVcInstance } from '@sd-jwt/sd-jwt-vc';
import { sha256, utf8, type JsonValue } from '../crypto/index.ts';
import { AppError } from '../errors.ts';
import { isObject, type JsonObject, type ProcessedDisclosures } from './_sd-process.ts';
import {
  checkCredential,
  checkPresentation,
  checkTyp,
  holderVerifier,
  PROCESS,
  RESERVED,
} from './_vc-verify.ts';
import type { JwsSigner, JwsVerifier, PublicJwk } from './jws-keys.ts';
import {
  parseSdJwt,
  presentSdJwt,
  processDisclosures,
  type KeyBindingClaims,
  type ParsedSdJwt,
} from './sd-jwt.ts';

export { SD_JWT_VC_TYP } from './_vc-verify.ts';
/** The credential type of a real-name credential. */
export const REAL_NAME_VCT = 'urn:realdid:vct:real-name:1';

/** A credential's entry in a status list (`status.status_list`, draft-ietf-oauth-status-list). */
export interface StatusRef {
  readonly idx: number;
  readonly uri: string;
}

/** What {@link issueSdJwtVc} signs. */
export interface IssueInput {
  /** `signer.kid` (a DID URL) goes in the header `kid`; `did` is the payload `iss`. */
  readonly issuer: { readonly did: string; readonly signer: JwsSigner };
  readonly vct: string;
  /** Seconds since the epoch (the caller rounds or jitters `iat`). */
  readonly iat: number;
  readonly exp: number;
  /** Always-visible claims, e.g. `{ real_name_verified: true }`. */
  readonly visible: Readonly<Record<string, JsonValue>>;
  /** Claims each selectively disclosable at the top level. */
  readonly disclosable: Readonly<Record<string, JsonValue>>;
  /** The holder key (`cnf.jwk`). */
  readonly holder: PublicJwk;
  readonly status: StatusRef;
  /** Decoy digests to add (default: 2 to 5, at random). */
  readonly decoys?: number;
}

/** SHA-256 for the library; any other algorithm is refused. */
function sha256Hasher(data: string | ArrayBuffer, alg: string): Uint8Array {
  if (alg !== 'sha-256') throw new AppError('ERR_VC_UNSUPPORTED_ALG', `hash ${alg} is not sha-256`);
  return sha256(typeof data === 'string' ? utf8(data) : new Uint8Array(data));
}

function assertIssueInput(input: IssueInput): void {
  const { issuer, vct, iat, exp, visible, disclosable, status } = input;
  if (typeof issuer.did !== 'string' || issuer.did === '')
    throw new TypeError('"issuer.did" empty');
  if (typeof vct !== 'string' || vct === '') throw new TypeError('"vct" expected a string');
  if (!Number.isSafeInteger(iat) || !Number.isSafeInteger(exp) || exp <= iat)
    throw new RangeError(`"iat"/"exp" expected integers with iat < exp, got ${iat}/${exp}`);
  if (!Number.isSafeInteger(status.idx) || status.idx < 0 || typeof status.uri !== 'string')
    throw new RangeError(`"status" expected {idx ≥ 0, uri}, got ${JSON.stringify(status)}`);
  const d = input.decoys;
  if (d !== undefined && !(Number.isSafeInteger(d) && d >= 0 && d <= 100))
    throw new RangeError(`"decoys" expected an integer in [0, 100], got ${d}`);
  for (const name of [...Object.keys(visible), ...Object.keys(disclosable)]) {
    if (RESERVED.has(name)) throw new RangeError(`claim ${JSON.stringify(name)} is reserved`);
  }
  for (const name of Object.keys(disclosable)) {
    if (Object.hasOwn(visible, name))
      throw new RangeError(`claim ${JSON.stringify(name)} is both visible and disclosable`);
  }
}

/**
 * Issues an SD-JWT VC: header `{typ: dc+sd-jwt, kid, alg: EdDSA}`, every `disclosable` claim in
 * its own disclosure with a fresh 16-byte salt, `_sd` sorted with decoys (RFC 9901 §4.2.5).
 * @returns the compact SD-JWT with all disclosures, ending in `~`
 * @throws ERR_VC_BAD_KEY for a holder key that is not a public Ed25519 or P-256 JWK;
 *   TypeError/RangeError for misuse (reserved or clashing claim names, bad times)
 */
export async function issueSdJwtVc(input: IssueInput): Promise<string> {
  assertIssueInput(input);
  const { signer } = input.issuer;
  holderVerifier(input.holder);
  const sdjwt = new SDJwtVcInstance({
    signer: (data) => Buffer.from(signer.sign(Buffer.from(data, 'utf8'))).toString('base64url'),
    signAlg: signer.alg,
    hasher: sha256Hasher,
    hashAlg: 'sha-256',
    saltGenerator: () => randomBytes(16).toString('base64url'),
  });
  const { idx, uri } = input.status;
  const payload = {
    iss: input.issuer.did,
    iat: input.iat,
    exp: input.exp,
    vct: input.vct,
    ...input.visible,
    ...input.disclosable,
    cnf: { jwk: { ...input.holder } },
    status: { status_list: { idx, uri } },
  };
  const frame = { _sd: Object.keys(input.disclosable), _sd_decoy: input.decoys ?? randomInt(2, 6) };
  const header = signer.kid === undefined ? {} : { kid: signer.kid };
  // The library types a frame by the payload's literal keys; ours are only known at run time.
  return sdjwt.issue(payload, frame as never, { header });
}

/** One disclosure as a wallet lists it. */
export interface DecodedDisclosure {
  readonly digest: string;
  readonly salt: string;
  /** The claim name (for an array element: the claim holding the array). */
  readonly name: string;
  readonly value: JsonValue;
  readonly encoded: string;
  /** True for an array-element disclosure (RFC 9901 §4.2.2). */
  readonly element: boolean;
}

/** An SD-JWT VC decoded without checking its signature. */
export interface DecodedSdJwtVc {
  readonly header: JsonObject;
  /** The issuer-signed payload as signed (with `_sd` digests). */
  readonly payload: JsonObject;
  readonly disclosures: DecodedDisclosure[];
  /** Visible and disclosed claims, processed, without the registered ones (iss, cnf, …). */
  readonly claims: Record<string, JsonValue>;
}

/**
 * Decodes an SD-JWT VC for a wallet's listing. Checks form, `typ` and disclosures, NOT the
 * signature: never trust the result.
 * @throws ERR_VC_MALFORMED, ERR_VC_BAD_TYP, ERR_VC_DISCLOSURE_*
 */
export function decodeSdJwtVc(compact: string): DecodedSdJwtVc {
  const parsed = parseSdJwt(compact);
  checkTyp(parsed);
  return decodedOf(parsed, processDisclosures(parsed.jwt.payload, parsed.disclosures, PROCESS));
}

function decodedOf(parsed: ParsedSdJwt, done: ProcessedDisclosures): DecodedSdJwtVc {
  const disclosures = done.disclosures.map((d, i) => ({
    digest: d.digest,
    salt: d.salt,
    name: done.claims[i]!,
    value: d.value,
    encoded: d.encoded,
    element: d.name === undefined,
  }));
  const { header, payload } = parsed.jwt;
  return { header, payload, disclosures, claims: done.payload as Record<string, JsonValue> };
}

/** What {@link presentSdJwtVc} discloses and binds. */
export interface PresentInput {
  /**
   * Claim names to disclose (nested disclosures bring the ones holding them), or a function that
   * chooses them from the decoded credential (as {@link decodeSdJwtVc} gives it; its errors
   * propagate), so a wallet that decides by the credential's content decodes it once. Only the
   * function form checks the header `typ` (ERR_VC_BAD_TYP), as decodeSdJwtVc does.
   */
  readonly disclose: readonly string[] | ((credential: DecodedSdJwtVc) => readonly string[]);
  /** The holder key of the credential's `cnf`. */
  readonly holder: JwsSigner;
  readonly nonce: string;
  readonly aud: string;
  readonly iat: number;
}

function sameKey(a: unknown, b: PublicJwk): boolean {
  if (!isObject(a) || a.kty !== b.kty || a.crv !== b.crv || a.x !== b.x) return false;
  return b.kty === 'OKP' || a.y === b.y;
}

/**
 * Presents a credential: only the chosen disclosures, then a KB-JWT (`typ` kb+jwt, `alg` EdDSA,
 * `iat`, `aud`, `nonce`, `sd_hash`) signed by the holder.
 * @throws ERR_VC_MALFORMED (not an issued SD-JWT, or it already has a KB-JWT), ERR_VC_BAD_KEY
 *   (the holder signer is not the `cnf` key), ERR_VC_DISCLOSURE_*; RangeError for a name the
 *   credential cannot disclose
 */
export function presentSdJwtVc(credential: string, input: PresentInput): string {
  const parsed = parseSdJwt(credential);
  if (parsed.kbJwt !== undefined)
    throw new AppError('ERR_VC_MALFORMED', 'the credential already carries a KB-JWT');
  const cnf = parsed.jwt.payload.cnf;
  if (!isObject(cnf) || !sameKey(cnf.jwk, input.holder.jwk))
    throw new AppError('ERR_VC_BAD_KEY', "the holder signer's key is not the credential's cnf key");
  const done = processDisclosures(parsed.jwt.payload, parsed.disclosures, PROCESS);
  let names = input.disclose;
  if (typeof names === 'function') {
    checkTyp(parsed);
    names = names(decodedOf(parsed, done));
  }
  const want = new Set(names);
  const found = new Set<string>();
  const keep = new Array<boolean>(done.disclosures.length).fill(false);
  for (let i = 0; i < keep.length; i++) {
    if (!want.has(done.claims[i]!)) continue;
    found.add(done.claims[i]!);
    for (let j = i; j >= 0 && !keep[j]; j = done.parents[j]!) keep[j] = true;
  }
  for (const name of want) {
    if (!found.has(name))
      throw new RangeError(`"disclose": the credential has no disclosable ${JSON.stringify(name)}`);
  }
  const chosen = parsed.disclosures.filter((_, i) => keep[i]);
  return presentSdJwt(parsed.jwtCompact, chosen, input.holder, input);
}

/** Finds the issuer's key and checks its accreditation for `vct` at `iat`. */
export interface IssuerResolver {
  /** @throws ERR_VC_ISSUER_UNKNOWN, ERR_VC_ISSUER_NOT_ACCREDITED, ERR_VC_ISSUER_DEACCREDITED */
  resolveIssuer(
    iss: string,
    kid: string | undefined,
    vct: string,
    iat: number,
  ): JwsVerifier | Promise<JwsVerifier>;
}

/** Looks up a credential's status (0 = valid). */
export interface StatusChecker {
  /** @throws ERR_VC_STATUS_STALE, ERR_VC_STATUS_UNAVAILABLE, ERR_VC_STATUS_BAD_TOKEN, … */
  statusOf(ref: StatusRef, iss: string): number | Promise<number>;
}

/** Remembers KB-JWT nonces. */
export interface NonceStore {
  /** Marks `nonce` used; false if it already was. */
  consume(nonce: string): boolean;
}

/** How {@link verifySdJwtVcPresentation} judges a presentation. */
export interface VerifyOptions {
  readonly issuers: IssuerResolver;
  /** Required unless `requireStatus` is false. */
  readonly status?: StatusChecker;
  /** The nonce and audience the KB-JWT must carry. */
  readonly nonce: string;
  readonly aud: string;
  /** Now, in seconds since the epoch. */
  readonly now: number;
  /** Accepted credential types. */
  readonly vct: readonly string[];
  /** Oldest KB-JWT `iat` accepted, in seconds before `now` (default 300). */
  readonly kbMaxAgeSec?: number;
  /** Clock skew tolerated on every time check, in seconds (default 60). */
  readonly clockSkewSec?: number;
  readonly nonces?: NonceStore;
  /** False to skip the status check (default true). */
  readonly requireStatus?: boolean;
}

/** A verified presentation. */
export interface VerifiedPresentation {
  readonly iss: string;
  readonly kid: string | undefined;
  readonly vct: string;
  readonly iat: number;
  readonly exp: number;
  /** Visible and disclosed claims (no `_sd`, `_sd_alg`, `cnf`, `status`, iss, vct, iat, exp, nbf). */
  readonly claims: Record<string, JsonValue>;
  /** Names of the disclosed claims, in the order presented. */
  readonly disclosed: string[];
  readonly holder: PublicJwk;
  readonly status: StatusRef;
  readonly kb: KeyBindingClaims;
}

function isThenable<T>(value: T | PromiseLike<T>): value is PromiseLike<T> {
  return typeof (value as { then?: unknown }).then === 'function';
}

/**
 * Verifies an SD-JWT VC presentation (SD-JWT+KB). Checks, in this order, each failing with its
 * code: form (ERR_VC_MALFORMED), typ (ERR_VC_BAD_TYP), alg and _sd_alg (ERR_VC_UNSUPPORTED_ALG),
 * required claims (ERR_VC_MISSING_CLAIM), vct (ERR_VC_WRONG_VCT), the issuer (the resolver's
 * ERR_VC_ISSUER_*), its signature (ERR_VC_BAD_SIGNATURE), exp (ERR_VC_EXPIRED), iat/nbf
 * (ERR_VC_NOT_YET_VALID), disclosures (ERR_VC_DISCLOSURE_MALFORMED, _UNKNOWN, _DUPLICATE), the
 * holder key (ERR_VC_BAD_KEY), the KB-JWT (ERR_VC_KB_MISSING, ERR_VC_BAD_TYP,
 * ERR_VC_UNSUPPORTED_ALG, ERR_VC_KB_BAD_SIGNATURE, ERR_VC_KB_NONCE, ERR_VC_KB_AUDIENCE,
 * ERR_VC_KB_SD_HASH, ERR_VC_KB_IAT), the nonce store (ERR_VC_NONCE_REPLAYED) and the status
 * (the checker's ERR_VC_STATUS_*, then ERR_VC_REVOKED). Time is `options.now`, never the clock.
 * @throws TypeError if no status checker is given and requireStatus is not false
 * @example await verifySdJwtVcPresentation(vp, { issuers, status, nonce, aud, now, vct: [REAL_NAME_VCT] })
 */
export async function verifySdJwtVcPresentation(
  presentation: string,
  options: VerifyOptions,
): Promise<VerifiedPresentation> {
  const checker = options.status;
  if (checker === undefined && options.requireStatus !== false)
    throw new TypeError('"status" is required unless requireStatus is false');
  const c = checkCredential(presentation, options.vct);
  const found = options.issuers.resolveIssuer(c.iss, c.kid, c.vct, c.iat);
  const issuer = isThenable(found) ? await found : found;
  const p = checkPresentation(c, issuer, options);
  if (checker !== undefined) {
    const got = checker.statusOf(c.status, c.iss);
    const value = isThenable(got) ? await got : got;
    if (value !== 0)
      throw new AppError('ERR_VC_REVOKED', `status ${value} at ${c.status.uri}#${c.status.idx}`, {
        details: { status: value },
      });
  }
  // Last: a presentation refused for a transient reason (status list unavailable or stale) may be
  // sent again with the same nonce.
  if (options.nonces !== undefined && !options.nonces.consume(p.kb.nonce))
    throw new AppError('ERR_VC_NONCE_REPLAYED', `nonce ${JSON.stringify(p.kb.nonce)} was used`);
  const { iss, kid, vct, iat, exp, status } = c;
  return { iss, kid, vct, iat, exp, ...p, status };
}
