/**
 * JWS keys for SD-JWT VC and status list tokens: signers over an Ed25519 key pair, verifiers over
 * a cached node:crypto KeyObject (importing a key costs more than verifying with it, so callers
 * build a verifier once per key and reuse it). Algorithms are an allow-list: EdDSA (Ed25519,
 * RFC 8037) for signing and verifying, ES256 (P-256, RFC 7518 §3.4) for verifying only.
 */
import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import { fromBase64url, toBase64url, type Ed25519KeyPair } from '../crypto/index.ts';
import { AppError } from '../errors.ts';

/** The JWS algorithms a verifier accepts; anything else is ERR_VC_UNSUPPORTED_ALG. */
export const VERIFY_ALGS = ['EdDSA', 'ES256'] as const;
export type VerifyAlg = (typeof VERIFY_ALGS)[number];

/** A public JWK of an accepted key type (RFC 7517; OKP per RFC 8037). */
export type PublicJwk =
  | { readonly kty: 'OKP'; readonly crv: 'Ed25519'; readonly x: string }
  | { readonly kty: 'EC'; readonly crv: 'P-256'; readonly x: string; readonly y: string };

/** Signs JWS signing inputs (`base64url(header).base64url(payload)` as bytes). */
export interface JwsSigner {
  readonly alg: 'EdDSA';
  /** The `kid` header to put on what it signs (a DID URL for issuers), if any. */
  readonly kid?: string;
  readonly jwk: PublicJwk;
  sign(signingInput: Uint8Array): Uint8Array;
}

/** Verifies JWS signatures with one key, imported once. */
export interface JwsVerifier {
  readonly alg: VerifyAlg;
  readonly jwk: PublicJwk;
  verify(signingInput: Uint8Array, signature: Uint8Array): boolean;
}

/** The public JWK of a raw 32-byte Ed25519 public key. */
export function jwkOfEd25519(publicKey: Uint8Array): PublicJwk {
  if (publicKey.length !== 32)
    throw new RangeError(`"publicKey" expected 32 bytes, got ${publicKey.length}`);
  return { kty: 'OKP', crv: 'Ed25519', x: toBase64url(publicKey) };
}

/** The raw Ed25519 public key of an OKP JWK. @throws ERR_VC_BAD_KEY */
export function ed25519OfJwk(jwk: PublicJwk): Uint8Array {
  if (jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519')
    throw new AppError('ERR_VC_BAD_KEY', `expected an Ed25519 OKP JWK, got ${jwk.kty}/${jwk.crv}`);
  const x = fromBase64url(jwk.x);
  if (x.length !== 32)
    throw new AppError('ERR_VC_BAD_KEY', `"x" expected 32 bytes, got ${x.length}`);
  return x;
}

/** A JWS signer over an Ed25519 key pair (alg EdDSA). */
export function signerOfKeyPair(keyPair: Ed25519KeyPair, kid?: string): JwsSigner {
  const jwk = jwkOfEd25519(keyPair.publicKey);
  return {
    alg: 'EdDSA',
    ...(kid === undefined ? {} : { kid }),
    jwk,
    sign: (input) => keyPair.sign(input),
  };
}

function checkJwk(value: unknown): PublicJwk {
  const jwk = value as Record<string, unknown> | null;
  const str = (k: string): boolean => typeof jwk?.[k] === 'string' && jwk[k] !== '';
  if (jwk === null || typeof jwk !== 'object' || Array.isArray(jwk))
    throw new AppError('ERR_VC_BAD_KEY', 'a JWK must be a JSON object');
  if ('d' in jwk) throw new AppError('ERR_VC_BAD_KEY', 'a public JWK must not carry "d"');
  if (jwk.kty === 'OKP' && jwk.crv === 'Ed25519' && str('x'))
    return { kty: 'OKP', crv: 'Ed25519', x: jwk.x as string };
  if (jwk.kty === 'EC' && jwk.crv === 'P-256' && str('x') && str('y'))
    return { kty: 'EC', crv: 'P-256', x: jwk.x as string, y: jwk.y as string };
  throw new AppError(
    'ERR_VC_BAD_KEY',
    `unsupported JWK ${JSON.stringify(jwk.kty)}/${JSON.stringify(jwk.crv)}: expected OKP/Ed25519 or EC/P-256`,
  );
}

/**
 * A verifier for a public JWK: EdDSA for OKP/Ed25519, ES256 for EC/P-256 (signatures in the JWS
 * r||s form). Build it once per key and reuse it.
 * @throws ERR_VC_BAD_KEY for another key type, a private key or a key node:crypto rejects
 */
export function verifierOfJwk(value: unknown): JwsVerifier {
  const jwk = checkJwk(value);
  let key: KeyObject;
  try {
    key = createPublicKey({ key: { ...jwk }, format: 'jwk' });
  } catch (err) {
    throw new AppError(
      'ERR_VC_BAD_KEY',
      `the JWK is not a valid public key: ${(err as Error).message}`,
      {
        cause: err,
      },
    );
  }
  if (jwk.kty === 'OKP') {
    return {
      alg: 'EdDSA',
      jwk,
      verify: (input, sig) => sig.length === 64 && verify(null, input, key, sig),
    };
  }
  return {
    alg: 'ES256',
    jwk,
    verify: (input, sig) =>
      sig.length === 64 && verify('sha256', input, { key, dsaEncoding: 'ieee-p1363' }, sig),
  };
}
