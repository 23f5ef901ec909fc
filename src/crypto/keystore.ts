import { createCipheriv, createDecipheriv, randomBytes, scryptSync } from 'node:crypto';
import { AppError } from '../errors.ts';
import { fromBase64url, toBase64url } from './bytes.ts';

/** scrypt parameters (RFC 7914). N = 2^15 costs about 100 ms and 32 MiB per unlock. */
export interface ScryptParams {
  readonly n: number;
  readonly r: number;
  readonly p: number;
}

export const DEFAULT_SCRYPT: ScryptParams = { n: 1 << 15, r: 8, p: 1 };

/** An encrypted secret at rest: scrypt key derivation, AES-256-GCM, all fields base64url. */
export interface Keystore {
  readonly version: 1;
  readonly kdf: 'scrypt';
  readonly kdfParams: ScryptParams & { readonly salt: string };
  readonly cipher: 'aes-256-gcm';
  readonly iv: string;
  readonly ciphertext: string;
  readonly tag: string;
  /** Public, unencrypted label (e.g. the key's DID); authenticated as associated data. */
  readonly label: string;
}

function deriveKey(passphrase: string, salt: Uint8Array, params: ScryptParams): Buffer {
  return scryptSync(passphrase.normalize('NFKC'), salt, 32, {
    N: params.n,
    r: params.r,
    p: params.p,
    maxmem: 256 * params.n * params.r + 1024 * 1024,
  });
}

/**
 * Encrypts `secret` under `passphrase`.
 * @param label a public label bound to the ciphertext (changing it breaks decryption)
 */
export function encryptKeystore(
  secret: Uint8Array,
  passphrase: string,
  label = '',
  params: ScryptParams = DEFAULT_SCRYPT,
): Keystore {
  const salt = randomBytes(16);
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', deriveKey(passphrase, salt, params), iv);
  cipher.setAAD(Buffer.from(label, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(secret), cipher.final()]);
  return {
    version: 1,
    kdf: 'scrypt',
    kdfParams: { ...params, salt: toBase64url(salt) },
    cipher: 'aes-256-gcm',
    iv: toBase64url(iv),
    ciphertext: toBase64url(ciphertext),
    tag: toBase64url(cipher.getAuthTag()),
    label,
  };
}

function checkShape(ks: unknown): asserts ks is Keystore {
  const k = ks as Partial<Keystore> | null;
  const p = k?.kdfParams;
  const ok =
    k !== null &&
    typeof k === 'object' &&
    k.version === 1 &&
    k.kdf === 'scrypt' &&
    k.cipher === 'aes-256-gcm' &&
    typeof k.iv === 'string' &&
    typeof k.ciphertext === 'string' &&
    typeof k.tag === 'string' &&
    typeof k.label === 'string' &&
    p !== undefined &&
    Number.isInteger(p.n) &&
    p.n >= 1 << 10 &&
    p.n <= 1 << 20 &&
    (p.n & (p.n - 1)) === 0 &&
    Number.isInteger(p.r) &&
    p.r >= 1 &&
    p.r <= 32 &&
    Number.isInteger(p.p) &&
    p.p >= 1 &&
    p.p <= 16 &&
    typeof p.salt === 'string';
  if (!ok)
    throw new AppError(
      'ERR_CRYPTO_BAD_KEYSTORE',
      'keystore must be {version:1, kdf:"scrypt", cipher:"aes-256-gcm", …} with sane scrypt parameters',
    );
}

/**
 * Decrypts a keystore.
 * @throws ERR_CRYPTO_BAD_KEYSTORE for a malformed file, ERR_CRYPTO_WRONG_PASSPHRASE when the
 *   passphrase (or the label) does not authenticate
 */
export function decryptKeystore(keystore: unknown, passphrase: string): Uint8Array {
  checkShape(keystore);
  const { kdfParams: p } = keystore;
  const decipher = createDecipheriv(
    'aes-256-gcm',
    deriveKey(passphrase, fromBase64url(p.salt), p),
    fromBase64url(keystore.iv),
  );
  decipher.setAAD(Buffer.from(keystore.label, 'utf8'));
  decipher.setAuthTag(fromBase64url(keystore.tag));
  try {
    return new Uint8Array(
      Buffer.concat([decipher.update(fromBase64url(keystore.ciphertext)), decipher.final()]),
    );
  } catch (err) {
    throw new AppError(
      'ERR_CRYPTO_WRONG_PASSPHRASE',
      'wrong passphrase: the keystore does not decrypt',
      { cause: err },
    );
  }
}
