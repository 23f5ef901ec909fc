/**
 * The credit credential: a compact JWS (`typ` {@link CREDIT_CREDENTIAL_TYP}, EdDSA) the credit
 * authority signs with the identity authority's issuer key, giving the wallet the person's credit
 * pseudonym P, the record key's seed and the authority's locator key (PLAN-credit.md). The wallet
 * verifies it against the issuer's `assertionMethod` key, resolved through the ledger.
 */
import { checkJwsAlg, type JsonObject } from '../credentials/index.ts';
import { fromBase64url, type X25519PublicJwk } from '../crypto/index.ts';
import { AppError } from '../errors.ts';
import type { RealdidClient } from './client.ts';
import { LedgerIssuerResolver } from './identity.ts';

/** `typ` of the credit credential (a compact JWS signed with the identity authority's issuer key). */
export const CREDIT_CREDENTIAL_TYP = 'realdid-credit+jwt';

/** What the credit credential says (its JWS payload). */
export interface CreditCredentialClaims {
  /** The credit authority (the identity authority's DID). */
  readonly iss: string;
  /** `did:key:` of the wallet's consent key. */
  readonly sub: string;
  /** The credit pseudonym P, base64url. */
  readonly pseudonym: string;
  /** The seed of the record key A0, base64url. */
  readonly recordSeed: string;
  readonly locatorKey: X25519PublicJwk;
  readonly iat: number;
}

/** A compact JWS split into its parts (not verified). */
interface SplitJws {
  readonly header: JsonObject;
  readonly payload: JsonObject;
  readonly signingInput: Uint8Array;
  readonly signature: Uint8Array;
}

function malformed(why: string, cause?: unknown): never {
  throw new AppError('ERR_VC_MALFORMED', `credit credential: ${why}`, { cause });
}

function splitJws(jws: string): SplitJws {
  const parts = jws.split('.');
  if (parts.length !== 3 || !parts.every((p) => /^[A-Za-z0-9_-]+$/.test(p)))
    malformed('not a compact JWS (three base64url parts)');
  const object = (segment: string, what: string): JsonObject => {
    let v: unknown;
    try {
      v = JSON.parse(Buffer.from(fromBase64url(segment)).toString('utf8'));
    } catch (err) {
      malformed(`the ${what} is not base64url JSON`, err);
    }
    if (v === null || typeof v !== 'object' || Array.isArray(v))
      malformed(`the ${what} is not a JSON object`);
    return v as JsonObject;
  };
  return {
    header: object(parts[0]!, 'header'),
    payload: object(parts[1]!, 'payload'),
    signingInput: new Uint8Array(Buffer.from(`${parts[0]}.${parts[1]}`, 'latin1')),
    signature: fromBase64url(parts[2]!),
  };
}

const isString = (v: unknown): v is string => typeof v === 'string' && v !== '';

/**
 * Reads a credit credential without checking its signature: its header (`typ`, EdDSA, a `kid`
 * of the issuer) and claims.
 * @throws ERR_VC_MALFORMED, ERR_VC_BAD_TYP, ERR_VC_UNSUPPORTED_ALG
 */
export function decodeCreditCredential(jws: string): {
  claims: CreditCredentialClaims;
  kid: string;
  parts: SplitJws;
} {
  const parts = splitJws(jws);
  const { header, payload: c } = parts;
  if (header.typ !== CREDIT_CREDENTIAL_TYP)
    throw new AppError(
      'ERR_VC_BAD_TYP',
      `credit credential: typ ${JSON.stringify(header.typ)}, expected ${CREDIT_CREDENTIAL_TYP}`,
    );
  if (checkJwsAlg(header, 'credit credential') !== 'EdDSA')
    throw new AppError('ERR_VC_UNSUPPORTED_ALG', 'credit credential: alg must be EdDSA');
  const lk = c.locatorKey as Partial<X25519PublicJwk> | undefined;
  if (
    !isString(c.iss) ||
    !isString(c.sub) ||
    !isString(c.pseudonym) ||
    !isString(c.recordSeed) ||
    typeof c.iat !== 'number' ||
    lk?.kty !== 'OKP' ||
    lk.crv !== 'X25519' ||
    !isString(lk.x)
  )
    malformed('claims must be {iss, sub, pseudonym, recordSeed, locatorKey (X25519), iat}');
  if (fromBase64url(c.pseudonym).length !== 32 || fromBase64url(c.recordSeed).length !== 32)
    malformed('"pseudonym" and "recordSeed" must be 32 bytes each');
  const kid = header.kid;
  if (!isString(kid) || !kid.startsWith(`${c.iss}#`))
    throw new AppError(
      'ERR_VC_ISSUER_UNKNOWN',
      `credit credential: kid ${String(kid)} is not a key of ${c.iss}`,
    );
  const claims: CreditCredentialClaims = {
    iss: c.iss,
    sub: c.sub,
    pseudonym: c.pseudonym,
    recordSeed: c.recordSeed,
    locatorKey: { kty: 'OKP', crv: 'X25519', x: lk.x },
    iat: c.iat,
  };
  return { claims, kid, parts };
}

/**
 * Verifies a credit credential: its signature by an `assertionMethod` key of the issuer's
 * did:rdid, resolved through the ledger like a light client (proven resolution, see
 * {@link LedgerIssuerResolver.verifierFor}). The issuer's accreditation is not checked (the
 * credential is the person's own secrets, not a claim shown to others).
 * @throws the decode codes, ERR_VC_ISSUER_UNKNOWN, ERR_VC_BAD_SIGNATURE, the DID resolution codes
 */
export async function verifyCreditCredential(
  client: RealdidClient,
  jws: string,
): Promise<CreditCredentialClaims> {
  const { claims, kid, parts } = decodeCreditCredential(jws);
  const verifier = await new LedgerIssuerResolver(client).verifierFor(claims.iss, kid);
  if (!verifier.verify(parts.signingInput, parts.signature))
    throw new AppError(
      'ERR_VC_BAD_SIGNATURE',
      `the credit credential's signature does not verify with ${kid}`,
    );
  return claims;
}
