/** crypto/: small, pure primitives over node:crypto. No I/O, no clock. */
export {
  assertBytes,
  concatBytes,
  equalBytes,
  fromBase64url,
  fromHex,
  fromUtf8,
  isWellFormedText,
  toBase64url,
  toHex,
  utf8,
} from './bytes.ts';
export {
  equalSecret,
  hkdfSha256,
  hmacSha256,
  sha256,
  sha256Into,
  SHA256_LENGTH,
  sha256Text,
  sha256TextInto,
  sha256Node,
  sha256Node4,
  sha256NodeInput,
} from './hash.ts';
export {
  ED25519_PUBLIC_KEY_LENGTH,
  ED25519_SEED_LENGTH,
  ED25519_SIGNATURE_LENGTH,
  ed25519FromSeed,
  ed25519Verify,
  generateEd25519,
} from './ed25519.ts';
export type { Ed25519KeyPair } from './ed25519.ts';
export { canonicalBytes, canonicalize } from './jcs.ts';
export type { JsonValue } from './jcs.ts';
export {
  decodeMultikey,
  ED25519_MULTICODEC,
  encodeMultikey,
  fromBase58btc,
  fromMultibase,
  toBase58btc,
  toMultibase,
} from './multibase.ts';
export {
  concatKdf,
  decryptCompactJwe,
  encryptCompactJwe,
  generateX25519,
  x25519FromPrivate,
} from './jwe.ts';
export type { X25519KeyPair, X25519PublicJwk } from './jwe.ts';
export { decryptKeystore, DEFAULT_SCRYPT, encryptKeystore } from './keystore.ts';
export type { Keystore, ScryptParams } from './keystore.ts';
export { CRYPTO_ERRORS } from './errors.ts';
export { BLIND_PREFIX_LABEL, blindedSigner, blindingScalar, blindPublicKey } from './blind.ts';
