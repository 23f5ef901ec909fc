import { defineErrors } from '../errors.ts';

/**
 * Error codes of credentials/: SD-JWT VC issuance, presentation and verification, key binding and
 * status lists. A verifier reports exactly one code per rejected presentation, the first check
 * that failed (in the order of {@link verifySdJwtVcPresentation}).
 */
export const CREDENTIALS_ERRORS = defineErrors({
  ERR_VC_MALFORMED: {
    status: 400,
    meaning:
      'An SD-JWT, KB-JWT or status list token is not well formed (compact form, base64url, JSON).',
  },
  ERR_VC_BAD_TYP: {
    status: 400,
    meaning: 'A JWS header has the wrong typ (dc+sd-jwt, kb+jwt or statuslist+jwt expected).',
  },
  ERR_VC_UNSUPPORTED_ALG: {
    status: 400,
    meaning:
      'A JWS uses an algorithm outside the allow-list (EdDSA, ES256), or sd_alg is not sha-256.',
  },
  ERR_VC_BAD_KEY: {
    status: 400,
    meaning: 'A JWK is malformed, private, or of an unsupported type.',
  },
  ERR_VC_BAD_SIGNATURE: {
    status: 401,
    meaning: "The issuer's signature over the SD-JWT does not verify with the issuer's key.",
  },
  ERR_VC_ISSUER_UNKNOWN: {
    status: 401,
    meaning: "The issuer's DID or key (kid) cannot be resolved on the ledger.",
  },
  ERR_VC_ISSUER_NOT_ACCREDITED: {
    status: 403,
    meaning:
      'The issuer was not accredited for this credential type when the credential was issued.',
  },
  ERR_VC_ISSUER_DEACCREDITED: {
    status: 403,
    meaning: 'The issuer has lost its accreditation for this credential type since issuance.',
  },
  ERR_VC_WRONG_VCT: {
    status: 400,
    meaning: 'The credential type (vct) is not one the verifier accepts.',
  },
  ERR_VC_MISSING_CLAIM: {
    status: 400,
    meaning:
      'A claim an SD-JWT VC must carry (iss, vct, iat, exp, cnf, status) is missing or has the wrong type.',
  },
  ERR_VC_EXPIRED: { status: 401, meaning: 'The credential is past its exp.' },
  ERR_VC_NOT_YET_VALID: { status: 401, meaning: 'The credential is used before its iat or nbf.' },
  ERR_VC_REVOKED: {
    status: 401,
    meaning: 'The status list marks the credential as revoked or suspended.',
  },
  ERR_VC_STATUS_STALE: {
    status: 503,
    meaning: 'The only status list token available is older than the freshness bound.',
  },
  ERR_VC_STATUS_UNAVAILABLE: { status: 503, meaning: 'The status list token cannot be fetched.' },
  ERR_VC_STATUS_BAD_TOKEN: {
    status: 502,
    meaning: 'A status list token is invalid: signature, subject, issuer, expiry or list encoding.',
  },
  ERR_VC_STATUS_INDEX: { status: 400, meaning: 'A status index is outside its status list.' },
  ERR_VC_DISCLOSURE_MALFORMED: {
    status: 400,
    meaning:
      'A disclosure is not a base64url JSON array of salt, name and value (or salt and value).',
  },
  ERR_VC_DISCLOSURE_UNKNOWN: {
    status: 400,
    meaning:
      'A disclosure matches no digest of this SD-JWT (tampered, or taken from another credential).',
  },
  ERR_VC_DISCLOSURE_DUPLICATE: {
    status: 400,
    meaning:
      'A disclosure or digest appears twice, or a disclosed claim name clashes with a visible one.',
  },
  ERR_VC_KB_MISSING: { status: 401, meaning: 'A key-binding JWT is required and missing.' },
  ERR_VC_KB_BAD_SIGNATURE: {
    status: 401,
    meaning: "The key-binding JWT does not verify with the holder key in the credential's cnf.",
  },
  ERR_VC_KB_NONCE: { status: 401, meaning: "The key-binding JWT's nonce is not the verifier's." },
  ERR_VC_KB_AUDIENCE: { status: 401, meaning: "The key-binding JWT's aud is not the verifier." },
  ERR_VC_KB_SD_HASH: {
    status: 401,
    meaning: "The key-binding JWT's sd_hash does not match the presented SD-JWT and disclosures.",
  },
  ERR_VC_KB_IAT: {
    status: 401,
    meaning: "The key-binding JWT's iat is outside the verifier's window.",
  },
  ERR_VC_BAD_LOCATOR: {
    status: 422,
    meaning:
      "A credit handle's locator is not a compact JWE to this authority's locator key, or its plaintext is not {k, n, p}.",
  },
  ERR_VC_NONCE_REPLAYED: {
    status: 401,
    meaning: 'The nonce was already used by an earlier presentation.',
  },
});
