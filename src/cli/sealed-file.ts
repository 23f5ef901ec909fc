/**
 * A JSON file next to the wallet, sealed under a key derived from the wallet seed: AES-256-GCM
 * with a fresh nonce per write, the file's label as associated data, written 0600 and atomically.
 * The wallet's credential copies and its activity log are such files: they hold personal data
 * (claim values, sites visited) that must not lie on disk in clear, and they can be lost without
 * losing keys (everything in them can be obtained again or is a record of the past).
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { closeSync, existsSync, openSync, readFileSync, rmSync, statSync } from 'node:fs';
import { fromBase64url, hkdfSha256, toBase64url, utf8 } from '../crypto/index.ts';
import { AppError } from '../errors.ts';
import { replaceAtomically } from './atomic-write.ts';

interface SealedFile {
  readonly version: 1;
  readonly nonce: string;
  readonly sealed: string;
}

const keyOf = (seed: Uint8Array, label: string, info: string): Buffer =>
  Buffer.from(hkdfSha256(seed, utf8(label), utf8(info), 32));

/** One kind of sealed file: its label (domain separation and AAD) and key info. */
export interface SealedKind {
  readonly label: string;
  readonly info: string;
}

/**
 * The file's content, or `undefined` when there is no file yet.
 * @throws ERR_WALLET_CORRUPT when it cannot be opened with this seed (another wallet's, or damaged)
 */
export function readSealed<T>(path: string, seed: Uint8Array, kind: SealedKind): T | undefined {
  if (!existsSync(path)) return undefined;
  try {
    const file = JSON.parse(readFileSync(path, 'utf8')) as SealedFile;
    const sealed = fromBase64url(file.sealed);
    const d = createDecipheriv(
      'aes-256-gcm',
      keyOf(seed, kind.label, kind.info),
      fromBase64url(file.nonce),
    );
    d.setAAD(Buffer.from(kind.label));
    d.setAuthTag(sealed.subarray(sealed.length - 16));
    const plain = Buffer.concat([d.update(sealed.subarray(0, sealed.length - 16)), d.final()]);
    return JSON.parse(plain.toString('utf8')) as T;
  } catch (err) {
    throw new AppError(
      'ERR_WALLET_CORRUPT',
      `${path} cannot be read with this wallet's key (another wallet's, or damaged): ${(err as Error).message}`,
      { cause: err },
    );
  }
}

/** Replaces the file's content (sealed, 0600, atomically). */
export function writeSealed(
  path: string,
  seed: Uint8Array,
  kind: SealedKind,
  value: unknown,
): void {
  const nonce = randomBytes(12);
  const c = createCipheriv('aes-256-gcm', keyOf(seed, kind.label, kind.info), nonce);
  c.setAAD(Buffer.from(kind.label));
  const body = Buffer.concat([c.update(JSON.stringify(value), 'utf8'), c.final(), c.getAuthTag()]);
  const file: SealedFile = { version: 1, nonce: toBase64url(nonce), sealed: toBase64url(body) };
  replaceAtomically(path, `${JSON.stringify(file)}\n`);
}

/** A lock older than this is left over from a process that died: it is broken. */
const STALE_LOCK_MS = 30_000;
/** How long a writer waits for another to finish before it gives up. */
const LOCK_WAIT_MS = 10_000;

const sleep = (ms: number): void => {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
};

/** Runs `fn` holding `<path>.lock` (created exclusively), so two commands never interleave. */
function withLock<T>(path: string, fn: () => T): T {
  const lock = `${path}.lock`;
  const until = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      closeSync(openSync(lock, 'wx', 0o600));
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const age = Date.now() - (statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age > STALE_LOCK_MS) rmSync(lock, { force: true });
      else if (Date.now() > until)
        throw new AppError('ERR_CLI_SYSTEM', `${path} is locked by another command (${lock})`, {
          cause: err,
        });
      else sleep(20);
    }
  }
  try {
    return fn();
  } finally {
    rmSync(lock, { force: true });
  }
}

/**
 * Reads, changes and writes the file under a lock, so that two commands on one wallet at once
 * (a login and `wallet activity`) never lose each other's changes.
 * @throws ERR_WALLET_CORRUPT, ERR_CLI_SYSTEM when another command holds the lock too long
 */
export function updateSealed<T>(
  path: string,
  seed: Uint8Array,
  kind: SealedKind,
  empty: T,
  change: (current: T) => T,
): T {
  return withLock(path, () => {
    const next = change(readSealed<T>(path, seed, kind) ?? empty);
    writeSealed(path, seed, kind, next);
    return next;
  });
}
