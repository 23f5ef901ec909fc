import { base58 } from '@scure/base';
import { AppError } from '../errors.ts';
import { ED25519_PUBLIC_KEY_LENGTH } from './ed25519.ts';

/** Multicodec varint prefix of an Ed25519 public key (`ed25519-pub`, 0xed, as varint 0xed 0x01). */
export const ED25519_MULTICODEC = Uint8Array.of(0xed, 0x01);

/** Base58btc (Bitcoin alphabet) of `bytes`. */
export function toBase58btc(bytes: Uint8Array): string {
  return base58.encode(bytes);
}

/** Decodes base58btc. @throws ERR_CRYPTO_BAD_ENCODING */
export function fromBase58btc(text: string): Uint8Array {
  try {
    return base58.decode(text);
  } catch (err) {
    throw new AppError(
      'ERR_CRYPTO_BAD_ENCODING',
      `not base58btc: ${JSON.stringify(String(text).slice(0, 40))}`,
      { cause: err },
    );
  }
}

/** Multibase base58btc (`z` prefix) of `bytes`. */
export function toMultibase(bytes: Uint8Array): string {
  return `z${base58.encode(bytes)}`;
}

/** Decodes a `z`-prefixed multibase string. @throws ERR_CRYPTO_BAD_ENCODING */
export function fromMultibase(text: string): Uint8Array {
  if (typeof text !== 'string' || !text.startsWith('z')) {
    throw new AppError(
      'ERR_CRYPTO_BAD_ENCODING',
      'multibase value must be base58btc with a "z" prefix',
    );
  }
  return fromBase58btc(text.slice(1));
}

/**
 * Multikey encoding of an Ed25519 public key (Controlled Identifiers v1.0 §2.2.2):
 * multibase base58btc of 0xed01 || key. Always starts with `z6Mk`.
 */
export function encodeMultikey(publicKey: Uint8Array): string {
  if (!(publicKey instanceof Uint8Array) || publicKey.length !== ED25519_PUBLIC_KEY_LENGTH) {
    throw new AppError(
      'ERR_CRYPTO_BAD_KEY',
      `Ed25519 public key expected ${ED25519_PUBLIC_KEY_LENGTH} bytes`,
    );
  }
  const out = new Uint8Array(2 + ED25519_PUBLIC_KEY_LENGTH);
  out.set(ED25519_MULTICODEC, 0);
  out.set(publicKey, 2);
  return toMultibase(out);
}

/** Decodes an Ed25519 Multikey to its 32-byte public key. @throws ERR_CRYPTO_BAD_MULTIKEY */
export function decodeMultikey(multikey: string): Uint8Array {
  let bytes: Uint8Array;
  try {
    bytes = fromMultibase(multikey);
  } catch (err) {
    throw new AppError(
      'ERR_CRYPTO_BAD_MULTIKEY',
      `Multikey ${JSON.stringify(String(multikey).slice(0, 60))} is not base58btc multibase`,
      { cause: err },
    );
  }
  if (bytes.length !== 2 + ED25519_PUBLIC_KEY_LENGTH || bytes[0] !== 0xed || bytes[1] !== 0x01) {
    throw new AppError(
      'ERR_CRYPTO_BAD_MULTIKEY',
      `Multikey must be 0xed01 followed by 32 bytes, got ${bytes.length} bytes`,
    );
  }
  return bytes.subarray(2);
}
