/** Files the CLI keeps for the person (wallet, trust file): private, and never half-written. */
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

/** Writes `text` to a fresh temp file next to `path` (mode 0600, fsynced); returns its name. */
export function writeTemp(path: string, text: string): string {
  const tmp = `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  const fd = openSync(tmp, 'wx', 0o600);
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  return tmp;
}

/**
 * Replaces (or creates) `path` with `text` atomically and durably: a temp file (mode 0600, owned
 * by the running user) fsynced, renamed over it, and the folder fsynced. Missing parent folders
 * are created with mode 0700.
 */
export function replaceAtomically(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const tmp = writeTemp(path, text);
  try {
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
  // The rename itself lives in the folder: synced, it survives a crash too.
  const dir = openSync(dirname(path), 'r');
  try {
    fsyncSync(dir);
  } finally {
    closeSync(dir);
  }
}
