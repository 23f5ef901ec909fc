/**
 * Compact JWE (RFC 7516 §7.1) with key agreement `ECDH-ES` over X25519 (RFC 7518 §4.6, RFC 8037
 * §3.2) and content encryption `A256GCM` (RFC 7518 §5.3): what `jose`'s
 * `new CompactEncrypt(…).setProtectedHeader({alg: 'ECDH-ES', enc: 'A256GCM'})` produces for an
 * OKP X25519 key, and reads back. Direct key agreement: the Concat KDF output is the content
 * key, the encrypted key part is empty.
 */
import {
  createCipheriv,
  createDecipheriv,
  createPrivateKey,
  createPublicKey,
  diffieHellman,
  generateKeyPairSync,
  randomBytes,
  type KeyObject,
} from 'node:crypto';
import { AppError } from '../errors.ts';
import { concatBytes, fromBase64url, toBase64url, utf8 } from './bytes.ts';
import { sha256 } from './hash.ts';

/** A public X25519 key as a JWK (RFC 8037 §2). */
export interface X25519PublicJwk {
  readonly kty: 'OKP';
  readonly crv: 'X25519';
  /** The 32-byte public key, base64url. */
  readonly x: string;
}

/** An X25519 key pair whose private key stays in its KeyObject. */
export interface X25519KeyPair {
  readonly publicJwk: X25519PublicJwk;
  /** Computes the shared secret with a peer's public key. */
  agree(peer: X25519PublicJwk): Uint8Array;
}

const JWE_ALG = 'ECDH-ES';
const JWE_ENC = 'A256GCM';

function keyPairOf(privateKey: KeyObject): X25519KeyPair {
  const jwk = createPublicKey(privateKey).export({ format: 'jwk' });
  return {
    publicJwk: { kty: 'OKP', crv: 'X25519', x: jwk.x! },
    agree: (peer) =>
      new Uint8Array(diffieHellman({ privateKey, publicKey: publicKeyObject(peer) })),
  };
}

/** A fresh X25519 key pair (RFC 7748). */
export function generateX25519(): X25519KeyPair {
  return keyPairOf(generateKeyPairSync('x25519').privateKey);
}

/** An X25519 key pair from its 32-byte private key (RFC 7748 §5). @throws ERR_CRYPTO_BAD_KEY */
export function x25519FromPrivate(d: Uint8Array): X25519KeyPair {
  if (!(d instanceof Uint8Array) || d.length !== 32)
    throw new AppError('ERR_CRYPTO_BAD_KEY', `X25519 private key expected 32 bytes`);
  // The public key is derived from "d"; "x" must be present for the JWK import only.
  const x = toBase64url(new Uint8Array(32));
  return keyPairOf(
    createPrivateKey({
      key: { kty: 'OKP', crv: 'X25519', d: toBase64url(d), x },
      format: 'jwk',
    }),
  );
}

function publicKeyObject(jwk: X25519PublicJwk): KeyObject {
  if (
    jwk === null ||
    typeof jwk !== 'object' ||
    jwk.kty !== 'OKP' ||
    jwk.crv !== 'X25519' ||
    typeof jwk.x !== 'string' ||
    !/^[A-Za-z0-9_-]{43}$/.test(jwk.x)
  )
    throw new AppError(
      'ERR_CRYPTO_BAD_KEY',
      'expected an X25519 public JWK {kty: OKP, crv: X25519, x}',
    );
  return createPublicKey({ key: { kty: 'OKP', crv: 'X25519', x: jwk.x }, format: 'jwk' });
}

/** A 32-bit big-endian length (or number) as bytes. */
function be32(n: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, n);
  return b;
}

const lengthPrefixed = (bytes: Uint8Array): Uint8Array => concatBytes(be32(bytes.length), bytes);

/**
 * The Concat KDF of NIST SP 800-56A §5.8.1 as RFC 7518 §4.6.2 uses it, with SHA-256, for a key of
 * `keyBits` ≤ 256 (one round): SHA-256(1 ‖ Z ‖ AlgorithmID ‖ PartyUInfo ‖ PartyVInfo ‖ SuppPubInfo).
 */
export function concatKdf(
  z: Uint8Array,
  algorithmId: string,
  keyBits: number,
  apu: Uint8Array = new Uint8Array(0),
  apv: Uint8Array = new Uint8Array(0),
): Uint8Array {
  if (!Number.isInteger(keyBits) || keyBits <= 0 || keyBits > 256 || keyBits % 8 !== 0)
    throw new RangeError(`concatKdf: keyBits must be a multiple of 8 in 8..256, got ${keyBits}`);
  const digest = sha256(
    concatBytes(
      be32(1),
      z,
      lengthPrefixed(utf8(algorithmId)),
      lengthPrefixed(apu),
      lengthPrefixed(apv),
      be32(keyBits),
    ),
  );
  return digest.subarray(0, keyBits / 8);
}

/**
 * Encrypts `plaintext` to `recipient` as a compact JWE `{alg: ECDH-ES, enc: A256GCM, epk}`.
 * @throws ERR_CRYPTO_BAD_KEY for a recipient key that is not an X25519 public JWK
 */
export function encryptCompactJwe(plaintext: Uint8Array, recipient: X25519PublicJwk): string {
  publicKeyObject(recipient); // checks it first
  const ephemeral = generateX25519();
  const header = { alg: JWE_ALG, enc: JWE_ENC, epk: ephemeral.publicJwk };
  const protectedB64 = toBase64url(utf8(JSON.stringify(header)));
  let z: Uint8Array;
  try {
    z = ephemeral.agree(recipient);
  } catch (err) {
    throw new AppError(
      'ERR_CRYPTO_BAD_KEY',
      `no key agreement with this X25519 key: ${(err as Error).message}`,
      {
        cause: err,
      },
    );
  }
  const cek = concatKdf(z, JWE_ENC, 256);
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', cek, iv);
  cipher.setAAD(Buffer.from(protectedB64, 'ascii'));
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  cek.fill(0);
  return [
    protectedB64,
    '',
    toBase64url(iv),
    toBase64url(ciphertext),
    toBase64url(cipher.getAuthTag()),
  ].join('.');
}

/**
 * Decrypts a compact JWE made by {@link encryptCompactJwe} (or by jose with the same algorithms).
 * @returns the plaintext, or undefined when the JWE does not decrypt with this key
 * `apu` and `apv`, when present, enter the Concat KDF (RFC 7518 §4.6.2); `zip` is refused.
 * @throws ERR_CRYPTO_BAD_ENCODING when it is not a compact JWE with `alg: ECDH-ES`, `enc: A256GCM`
 */
export function decryptCompactJwe(jwe: string, recipient: X25519KeyPair): Uint8Array | undefined {
  const parts = typeof jwe === 'string' ? jwe.split('.') : [];
  const bad = (why: string): never => {
    throw new AppError('ERR_CRYPTO_BAD_ENCODING', `not a compact ECDH-ES/A256GCM JWE: ${why}`);
  };
  if (parts.length !== 5) bad(`expected 5 parts, got ${parts.length}`);
  const [protectedB64, encryptedKey, ivB64, ctB64, tagB64] = parts as [
    string,
    string,
    string,
    string,
    string,
  ];
  if (encryptedKey !== '') bad('ECDH-ES has no encrypted key');
  let header: {
    alg?: unknown;
    enc?: unknown;
    epk?: X25519PublicJwk;
    crit?: unknown;
    zip?: unknown;
    apu?: unknown;
    apv?: unknown;
  };
  let iv: Uint8Array, ct: Uint8Array, tag: Uint8Array, apu: Uint8Array, apv: Uint8Array;
  const party = (v: unknown, name: string): Uint8Array => {
    if (v === undefined) return new Uint8Array(0);
    if (typeof v !== 'string') throw new TypeError(`"${name}" is not a base64url string`);
    return fromBase64url(v);
  };
  try {
    header = JSON.parse(Buffer.from(fromBase64url(protectedB64)).toString('utf8')) as typeof header;
    iv = fromBase64url(ivB64);
    ct = fromBase64url(ctB64);
    tag = fromBase64url(tagB64);
    // RFC 7518 §4.6.1.2-3: PartyUInfo and PartyVInfo of the Concat KDF, as jose reads them
    apu = party(header?.apu, 'apu');
    apv = party(header?.apv, 'apv');
  } catch (err) {
    throw new AppError('ERR_CRYPTO_BAD_ENCODING', `not a compact JWE: ${(err as Error).message}`, {
      cause: err,
    });
  }
  if (header === null || typeof header !== 'object') bad('the header is not an object');
  if (header.alg !== JWE_ALG || header.enc !== JWE_ENC)
    bad(`alg ${String(header.alg)} / enc ${String(header.enc)}`);
  if (header.crit !== undefined) bad('no critical header parameter is understood');
  // RFC 7516 §4.1.3: a "zip" the recipient does not support must be rejected, not ignored
  if (header.zip !== undefined) bad(`compression ("zip": ${JSON.stringify(header.zip)})`);
  if (iv.length !== 12 || tag.length !== 16) bad('the IV must be 12 bytes, the tag 16');
  let z: Uint8Array;
  try {
    z = recipient.agree(header.epk!);
  } catch (err) {
    throw new AppError('ERR_CRYPTO_BAD_ENCODING', `bad "epk": ${(err as Error).message}`, {
      cause: err,
    });
  }
  const cek = concatKdf(z, JWE_ENC, 256, apu, apv);
  const decipher = createDecipheriv('aes-256-gcm', cek, iv);
  decipher.setAAD(Buffer.from(protectedB64, 'ascii'));
  decipher.setAuthTag(tag);
  try {
    return new Uint8Array(Buffer.concat([decipher.update(ct), decipher.final()]));
  } catch (err) {
    if (err instanceof Error && /authenticate/i.test(err.message)) return undefined;
    throw err;
  } finally {
    cek.fill(0);
  }
}
