/**
 * The wallet file of the `realdid` CLI: the BIP-39 entropy encrypted at rest (scrypt +
 * AES-256-GCM, label {@link WALLET_LABEL}) plus public state (the wallet's DID and key indexes).
 * The mnemonic and the seed never touch the disk in clear; the file is written with mode 0600,
 * created without overwriting and updated atomically (temp file + rename).
 */
import { linkSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { decryptKeystore, encryptKeystore, type Keystore } from '../crypto/index.ts';
import { entropyMnemonic, isRdid, mnemonicEntropy, seedOfMnemonic } from '../did/index.ts';
import { AppError, isAppError } from '../errors.ts';
import { writeTemp } from './atomic-write.ts';
import { realdidHome } from './home.ts';

/** Public label bound (as AES-GCM associated data) to the wallet keystore. */
export const WALLET_LABEL = 'realdid-wallet';

/** Format version of the wallet file. */
export const WALLET_FILE_VERSION = 1;

/** Public state of a wallet: which DID it controls and which master keys are current. */
export interface WalletState {
  /** The wallet's did:rdid, once created (or found again by `wallet restore`/`sync`). */
  readonly did?: string;
  /** Index of the current authentication key (`deriveMasterKey(seed, 'auth', authIndex)`). */
  readonly authIndex: number;
  /** Index of the recovery key the DID currently commits to. */
  readonly recoveryIndex: number;
}

/** The JSON content of a wallet file. */
export interface WalletFile extends WalletState {
  readonly version: 1;
  /** `encryptKeystore(entropy, passphrase, WALLET_LABEL)`. */
  readonly keystore: Keystore;
}

/** An unlocked wallet: the file content and the 64-byte BIP-39 seed (keep it in memory only). */
export interface UnlockedWallet {
  readonly path: string;
  readonly file: WalletFile;
  readonly seed: Uint8Array;
}

/**
 * The wallet path: `--wallet`, else `$REALDID_WALLET`, else `wallet.json` in the realdid folder
 * (`$REALDID_HOME`, else `~/.realdid`).
 */
export function walletPath(option?: string): string {
  if (option !== undefined && option !== '') return option;
  const env = process.env.REALDID_WALLET;
  if (env !== undefined && env !== '') return env;
  return join(realdidHome(), 'wallet.json');
}

function isIndex(n: unknown): n is number {
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;
}

function checkWallet(path: string, value: unknown): WalletFile {
  const w = value as Partial<WalletFile> | null;
  const ok =
    w !== null &&
    typeof w === 'object' &&
    w.version === WALLET_FILE_VERSION &&
    typeof w.keystore === 'object' &&
    w.keystore !== null &&
    w.keystore.label === WALLET_LABEL &&
    isIndex(w.authIndex) &&
    isIndex(w.recoveryIndex) &&
    (w.did === undefined || isRdid(w.did));
  if (!ok) {
    throw new AppError(
      'ERR_CRYPTO_BAD_KEYSTORE',
      `${path} is not a realdid wallet file: expected {version: 1, keystore (label "${WALLET_LABEL}"), did?, authIndex, recoveryIndex}`,
    );
  }
  return w as WalletFile;
}

function serialize(file: WalletFile): string {
  const { version, keystore, did, authIndex, recoveryIndex } = file;
  return `${JSON.stringify(did === undefined ? { version, keystore, authIndex, recoveryIndex } : { version, keystore, did, authIndex, recoveryIndex }, null, 2)}\n`;
}

/**
 * Creates a wallet file for `mnemonic`, encrypted under `passphrase`. Atomic and never
 * overwriting: the content goes to a temp file that is then hard-linked to `path`.
 * @throws ERR_WALLET_EXISTS if `path` exists; ERR_WALLET_BAD_MNEMONIC
 */
export function createWallet(
  path: string,
  mnemonic: string,
  passphrase: string,
  state: WalletState = { authIndex: 0, recoveryIndex: 0 },
): WalletFile {
  const entropy = mnemonicEntropy(mnemonic);
  const file: WalletFile = {
    version: 1,
    keystore: encryptKeystore(entropy, passphrase, WALLET_LABEL),
    ...state,
  };
  entropy.fill(0);
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const tmp = writeTemp(path, serialize(file));
  try {
    linkSync(tmp, path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST')
      throw new AppError(
        'ERR_WALLET_EXISTS',
        `a wallet already exists at ${path}; move it away or pass --wallet <other file>`,
        { cause: err },
      );
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'ENOSYS') throw err;
    createExclusive(path, serialize(file)); // no hard links on this file system
  } finally {
    rmSync(tmp, { force: true });
  }
  return file;
}

function createExclusive(path: string, text: string): void {
  try {
    writeFileSync(path, text, { mode: 0o600, flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST')
      throw new AppError('ERR_WALLET_EXISTS', `a wallet already exists at ${path}`, { cause: err });
    throw err;
  }
}

/**
 * Reads a wallet file (public state and keystore; nothing is decrypted).
 * @throws ERR_WALLET_NOT_FOUND, ERR_CRYPTO_BAD_KEYSTORE for a file that is not a wallet
 */
export function loadWallet(path: string): WalletFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new AppError(
        'ERR_WALLET_NOT_FOUND',
        `no wallet at ${path}; run \`realdid wallet init\` or \`realdid wallet restore\``,
        { cause: err },
      );
    }
    throw new AppError(
      'ERR_CRYPTO_BAD_KEYSTORE',
      `cannot read wallet ${path}: ${(err as Error).message}`,
      { cause: err },
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new AppError(
      'ERR_CRYPTO_BAD_KEYSTORE',
      `${path} is not JSON: ${(err as Error).message}`,
      { cause: err },
    );
  }
  return checkWallet(path, json);
}

/**
 * Decrypts the wallet's entropy and returns its BIP-39 seed.
 * @throws ERR_CRYPTO_WRONG_PASSPHRASE, ERR_CRYPTO_BAD_KEYSTORE
 */
export function unlockWallet(file: WalletFile, passphrase: string): Uint8Array {
  const entropy = decryptKeystore(file.keystore, passphrase);
  try {
    return seedOfMnemonic(entropyMnemonic(entropy));
  } catch (err) {
    throw new AppError(
      'ERR_CRYPTO_BAD_KEYSTORE',
      'the wallet keystore does not hold BIP-39 entropy',
      { cause: err },
    );
  } finally {
    entropy.fill(0);
  }
}

/**
 * Loads and unlocks a wallet. The passphrase is asked for only once the file is known to exist.
 * @throws ERR_WALLET_NOT_FOUND, ERR_CRYPTO_WRONG_PASSPHRASE (naming the wallet), ERR_CRYPTO_BAD_KEYSTORE
 */
export async function openWallet(
  path: string,
  passphrase: string | (() => Promise<string>),
): Promise<UnlockedWallet> {
  const file = loadWallet(path);
  const pass = typeof passphrase === 'string' ? passphrase : await passphrase();
  try {
    return { path, file, seed: unlockWallet(file, pass) };
  } catch (err) {
    if (!isAppError(err, 'ERR_CRYPTO_WRONG_PASSPHRASE')) throw err;
    throw new AppError('ERR_CRYPTO_WRONG_PASSPHRASE', `wrong passphrase for the wallet ${path}`, {
      cause: err,
    });
  }
}

/**
 * Saves changed public state (DID, key indexes) atomically: a temp file (mode 0600) renamed over
 * the wallet. The keystore on disk must still be the one `file` was loaded with.
 * @throws ERR_WALLET_NOT_FOUND, ERR_CRYPTO_BAD_KEYSTORE if the file was replaced meanwhile
 */
export function saveWalletState(
  path: string,
  file: WalletFile,
  changes: Partial<WalletState>,
): WalletFile {
  const onDisk = loadWallet(path);
  if (
    onDisk.keystore.ciphertext !== file.keystore.ciphertext ||
    onDisk.keystore.kdfParams.salt !== file.keystore.kdfParams.salt
  ) {
    throw new AppError(
      'ERR_CRYPTO_BAD_KEYSTORE',
      `${path} now holds a different wallet; not overwriting it`,
    );
  }
  const next: WalletFile = { ...file, ...changes };
  checkWallet(path, next);
  const tmp = writeTemp(path, serialize(next));
  try {
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
  return next;
}
