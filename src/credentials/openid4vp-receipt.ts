/**
 * Consent receipts of realdid's OpenID4VP profile: when a site invokes a disclosure policy, the
 * person signs, with the pairwise key the presentation is bound to, what they agreed to (policy,
 * site, claims, time, the presentation's hash). Both sides keep it; the ledger records only its
 * hash (`idn.disclosure`). A compact JWS, `typ: realdid-consent+jwt`, `alg: EdDSA`, `kid` the
 * pairwise did:key URL.
 */
import { hash } from 'node:crypto';
import { encodeMultikey } from '../crypto/index.ts';
import { AppError } from '../errors.ts';
import { holderVerifier } from './_vc-verify.ts';
import { ed25519OfJwk, type JwsSigner, type PublicJwk } from './jws-keys.ts';
import {
  checkJwsAlg,
  parseCompactJws,
  signCompactJws,
  verifyJws,
  type ParsedJws,
} from './sd-jwt.ts';

/** The header `typ` of a consent receipt. */
export const CONSENT_RECEIPT_TYP = 'realdid-consent+jwt';

/** `presentation_hash`: base64url(SHA-256(UTF-8 of the `vp_token` form value)). */
export function presentationHash(vpToken: string): string {
  if (typeof vpToken !== 'string') throw new TypeError('"vpToken" expected a string');
  return hash('sha256', Buffer.from(vpToken, 'utf8'), 'base64url');
}

/** The did:key of an Ed25519 public JWK and its key's DID URL (`did:key:z…#z…`). */
export function didKeyOfJwk(jwk: PublicJwk): { did: string; kid: string } {
  const multikey = encodeMultikey(ed25519OfJwk(jwk));
  return { did: `did:key:${multikey}`, kid: `did:key:${multikey}#${multikey}` };
}

/** The claims of a consent receipt. */
export type ConsentReceiptClaims = {
  /** The pairwise did:key of the person at this site. */
  readonly iss: string;
  /** The site's `client_id`. */
  readonly aud: string;
  /** The site's did:rdid. */
  readonly site: string;
  readonly policy: string;
  /** The claims disclosed under the policy (the presentation's). */
  readonly claims: readonly string[];
  readonly iat: number;
  readonly presentation_hash: string;
};

/** What {@link signConsentReceipt} signs. */
export interface ConsentReceiptInput {
  /** The pairwise key (the credential's `cnf` key). */
  readonly holder: JwsSigner;
  readonly clientId: string;
  readonly site: string;
  readonly policy: string;
  readonly claims: readonly string[];
  /** Seconds since the epoch. */
  readonly iat: number;
  readonly presentationHash: string;
}

/**
 * Signs a consent receipt with the pairwise key.
 * @throws ERR_VC_BAD_KEY for a holder key that is not Ed25519; RangeError for a non-integer iat
 */
export function signConsentReceipt(input: ConsentReceiptInput): string {
  if (!Number.isSafeInteger(input.iat)) throw new RangeError(`"iat" expected an integer`);
  const { did, kid } = didKeyOfJwk(input.holder.jwk);
  const claims: ConsentReceiptClaims = {
    iss: did,
    aud: input.clientId,
    site: input.site,
    policy: input.policy,
    claims: [...input.claims],
    iat: input.iat,
    presentation_hash: input.presentationHash,
  };
  const header = { alg: input.holder.alg, typ: CONSENT_RECEIPT_TYP, kid };
  return signCompactJws(header, claims, (b) => input.holder.sign(b));
}

/** What a consent receipt must say. */
export interface ReceiptExpect {
  /** The key the presentation was bound to (its `cnf.jwk`). */
  readonly holderJwk: PublicJwk;
  readonly clientId: string;
  readonly site: string;
  readonly policy: string;
  /** The claims presented (order does not matter). */
  readonly claims: readonly string[];
  readonly presentationHash: string;
  /** Now, in seconds since the epoch; with it, `iat` must be within `maxAgeSec` (300) and skew (60). */
  readonly now?: number;
  readonly maxAgeSec?: number;
  readonly skewSec?: number;
}

function bad(message: string, cause?: unknown): never {
  throw new AppError('ERR_IDENTITY_BAD_RECEIPT', message, cause === undefined ? {} : { cause });
}

function parseReceipt(jws: unknown): ParsedJws {
  try {
    return parseCompactJws(jws, 'consent receipt');
  } catch (err) {
    return bad(`the consent receipt is not a compact JWS: ${(err as Error).message}`, err);
  }
}

const sameSet = (a: unknown, b: readonly string[]): boolean =>
  Array.isArray(a) &&
  a.length === b.length &&
  new Set(a).size === a.length &&
  a.every((x) => typeof x === 'string' && b.includes(x));

/**
 * Verifies a consent receipt: form, typ, alg EdDSA, kid and iss the did:key of the presentation's
 * holder key, its signature, and that it names the expected site, client, policy, claims and
 * presentation (and, with `now`, a recent iat).
 * @throws ERR_IDENTITY_BAD_RECEIPT
 */
export function verifyConsentReceipt(jws: unknown, expect: ReceiptExpect): ConsentReceiptClaims {
  const parsed = parseReceipt(jws);
  const { header, payload: p } = parsed;
  if (header.typ !== CONSENT_RECEIPT_TYP) bad(`receipt typ ${JSON.stringify(header.typ)}`);
  try {
    if (checkJwsAlg(header, 'consent receipt') !== 'EdDSA') throw new Error('alg is not EdDSA');
  } catch (err) {
    bad(`consent receipt: ${(err as Error).message}`, err);
  }
  let holder;
  try {
    holder = { ids: didKeyOfJwk(expect.holderJwk), verifier: holderVerifier(expect.holderJwk) };
  } catch (err) {
    return bad(`the holder key is not an Ed25519 key: ${(err as Error).message}`, err);
  }
  if (header.kid !== holder.ids.kid) bad('the receipt is not signed by the presenting key (kid)');
  verifyJws(parsed, holder.verifier, 'ERR_IDENTITY_BAD_RECEIPT', 'consent receipt');
  const want = (ok: boolean, what: string): void => {
    if (!ok) bad(`consent receipt: ${what}`);
  };
  want(p.iss === holder.ids.did, '"iss" is not the pairwise DID of the presentation');
  want(p.aud === expect.clientId, `"aud" is not ${expect.clientId}`);
  want(p.site === expect.site, `"site" is not ${expect.site}`);
  want(p.policy === expect.policy, `"policy" is not ${expect.policy}`);
  want(sameSet(p.claims, expect.claims), `"claims" are not ${expect.claims.join(', ')}`);
  want(p.presentation_hash === expect.presentationHash, 'it names another presentation');
  want(Number.isSafeInteger(p.iat), '"iat" must be an integer');
  if (expect.now !== undefined) {
    const iat = p.iat as number;
    want(iat >= expect.now - (expect.maxAgeSec ?? 300), `"iat" ${iat} is too old`);
    want(iat <= expect.now + (expect.skewSec ?? 60), `"iat" ${iat} is ahead of now`);
  }
  return p as unknown as ConsentReceiptClaims;
}
