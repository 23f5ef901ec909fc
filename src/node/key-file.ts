/** Encrypted key files: an Ed25519 seed under scrypt + AES-256-GCM, with its public Multikey. */
import { readFileSync, writeFileSync } from 'node:fs';
import {
  decryptKeystore,
  encodeMultikey,
  ed25519FromSeed,
  encryptKeystore,
  generateEd25519,
  type Keystore,
} from '../crypto/index.ts';
import { AppError } from '../errors.ts';

/** The text of a key file. */
function keyFileText(multikey: string, keystore: Keystore): string {
  return `${JSON.stringify({ multikey, keystore }, null, 2)}\n`;
}

/**
 * Writes a new encrypted key file (mode 0600, never over an existing file) for a fresh Ed25519
 * key; returns its Multikey.
 */
export function createKeyFile(path: string, passphrase: string, label: string): string {
  const { seed, keyPair } = generateEd25519();
  const multikey = encodeMultikey(keyPair.publicKey);
  const keystore = encryptKeystore(seed, passphrase, `${label}:${multikey}`);
  writeFileSync(path, keyFileText(multikey, keystore), { mode: 0o600, flag: 'wx' });
  return multikey;
}

/**
 * A key file's JSON: the multikey it names (public: no passphrase needed) and its keystore.
 * @throws ERR_CRYPTO_BAD_KEYSTORE when it cannot be read or parsed, or names no multikey
 */
export function readKeyFile(path: string): { multikey: string; keystore: Keystore } {
  let file: { multikey?: unknown; keystore: Keystore };
  try {
    file = JSON.parse(readFileSync(path, 'utf8')) as typeof file;
  } catch (err) {
    throw new AppError(
      'ERR_CRYPTO_BAD_KEYSTORE',
      `cannot read key file ${path}: ${(err as Error).message}`,
      { cause: err },
    );
  }
  if (typeof file?.multikey !== 'string')
    throw new AppError('ERR_CRYPTO_BAD_KEYSTORE', `key file ${path} names no multikey`);
  return { multikey: file.multikey, keystore: file.keystore };
}

/** The key of a key file (its seed and key pair), checked against the multikey the file names. */
function unlockKeyFile(
  path: string,
  file: { multikey: string; keystore: Keystore },
  passphrase: string,
): { seed: Uint8Array; keyPair: ReturnType<typeof ed25519FromSeed> } {
  const seed = decryptKeystore(file.keystore, passphrase);
  const keyPair = ed25519FromSeed(seed);
  if (encodeMultikey(keyPair.publicKey) !== file.multikey)
    throw new AppError(
      'ERR_CRYPTO_BAD_KEYSTORE',
      `key file ${path} holds a different key than it names`,
    );
  return { seed, keyPair };
}

/**
 * Loads a key file written by {@link createKeyFile}.
 * @throws ERR_CRYPTO_WRONG_PASSPHRASE, ERR_CRYPTO_BAD_KEYSTORE
 */
export function loadKeyFile(
  path: string,
  passphrase: string,
): { multikey: string; keyPair: ReturnType<typeof ed25519FromSeed> } {
  const file = readKeyFile(path);
  return { multikey: file.multikey, keyPair: unlockKeyFile(path, file, passphrase).keyPair };
}

/**
 * The text of key file `path` with its key encrypted under `newPassphrase` instead (a fresh salt
 * and IV, today's scrypt parameters, the same key and label), for the caller to write over the
 * file atomically.
 * @throws ERR_CRYPTO_WRONG_PASSPHRASE, ERR_CRYPTO_BAD_KEYSTORE
 */
export function reencryptKeyFile(
  path: string,
  passphrase: string,
  newPassphrase: string,
): { multikey: string; text: string } {
  const file = readKeyFile(path);
  const { seed } = unlockKeyFile(path, file, passphrase);
  const keystore = encryptKeystore(seed, newPassphrase, file.keystore.label);
  seed.fill(0);
  return { multikey: file.multikey, text: keyFileText(file.multikey, keystore) };
}
