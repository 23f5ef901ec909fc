import { defineErrors } from '../errors.ts';

/** Error codes of crypto/ (their HTTP statuses are mapped in node/). */
export const CRYPTO_ERRORS = defineErrors({
  ERR_CRYPTO_BAD_KEY: { meaning: 'A key has the wrong length or encoding.' },
  ERR_CRYPTO_BAD_ENCODING: {
    meaning: 'A multibase, base58btc, base64url or hex string does not decode.',
  },
  ERR_CRYPTO_BAD_MULTIKEY: {
    meaning: 'A Multikey value is not an Ed25519 public key (prefix 0xed01, 32 bytes).',
  },
  ERR_CRYPTO_NOT_CANONICAL: {
    meaning:
      'A value cannot be canonicalized with RFC 8785 JCS (non-finite number, undefined, lone surrogate…).',
  },
  ERR_CRYPTO_WRONG_PASSPHRASE: { meaning: 'The passphrase does not decrypt the keystore.' },
  ERR_CRYPTO_BAD_KEYSTORE: {
    meaning: 'A keystore file is malformed or uses unsupported parameters.',
  },
});
