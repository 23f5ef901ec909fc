/**
 * One data folder, one node process.
 *
 * The lock is a kernel lock, not a convention: `node.lock` is an empty SQLite database on which
 * the holder keeps an exclusive transaction open (`BEGIN EXCLUSIVE`, a POSIX `fcntl` lock). The
 * kernel drops it when the holder exits for any reason, SIGKILL included, so a crash never leaves
 * a stale lock, and a PID that was reused by another program is never mistaken for the holder.
 * Two simultaneous starts cannot both win: taking the lock is one atomic step. (The ledger's own
 * SQLite locks do not do this: in WAL mode any number of processes may open it for writing.)
 *
 * `node.pid` tells people and error messages who holds the lock: the PID, start time and host,
 * one per line. It is written after the lock is taken and removed before it is released; after a
 * crash it stays behind, naming a dead process, and is overwritten by the next holder. It is
 * never the lock: deleting it changes nothing. `node.lock` itself is never deleted (deleting a
 * lock file that another process has just opened would let two processes hold "the" lock).
 *
 * `realdid verify` takes no lock: it opens the ledger read-only, which WAL allows beside a writer.
 */
import Database from 'better-sqlite3';
import { existsSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { AppError } from '../errors.ts';

/** The lock file in a data folder (an empty SQLite database; never delete it). */
export const LOCK_FILE = 'node.lock';
/** Who holds the lock: PID, start time (ISO 8601) and host name, one per line. */
export const HOLDER_FILE = 'node.pid';

/** The process that holds a data folder. */
export interface LockHolder {
  readonly pid: number;
  /** When it took the lock, ISO 8601. */
  readonly startedAt: string;
  readonly host: string;
}

/** A held data folder lock. */
export interface DataDirLock {
  /** The data folder, as given. */
  readonly dir: string;
  /** This process, as written to `node.pid`. */
  readonly holder: LockHolder;
  /** Releases the lock (removes `node.pid`, then unlocks). Calling it again does nothing. */
  release(): void;
}

/** How long a contender waits for the holder to write `node.pid` (it does so right after locking). */
const HOLDER_WAIT_MS = 500;

/**
 * Takes the lock of a data folder for this process, failing at once if another process (or
 * another node in this process) holds it.
 *
 * @param dir an existing data folder
 * @throws ERR_CLI_DATA_DIR_LOCKED when the folder is held (the message and `details` name the
 *   holder's PID, start time and host); ERR_CLI_DATA_DIR when the folder does not exist or the
 *   lock cannot be created (read-only folder, a `node.lock` that is not a lock file)
 * @example
 * const lock = lockDataDir('./data');
 * try { ... } finally { lock.release(); }
 */
export function lockDataDir(dir: string): DataDirLock {
  if (!existsSync(dir) || !statSync(dir).isDirectory())
    throw new AppError('ERR_CLI_DATA_DIR', `no data folder ${dir}`);
  const path = join(dir, LOCK_FILE);
  let db: Database.Database | undefined;
  try {
    // timeout 0: a held lock is an answer, not something to wait for. No journal file: the
    // transaction never writes.
    db = new Database(path, { timeout: 0 });
    db.pragma('journal_mode = MEMORY');
    db.exec('BEGIN EXCLUSIVE');
  } catch (err) {
    db?.close();
    if ((err as { code?: unknown }).code === 'SQLITE_BUSY') throw lockedError(dir);
    throw new AppError(
      'ERR_CLI_DATA_DIR',
      `cannot lock data folder ${dir} (${path}): ${(err as Error).message}`,
      { cause: err },
    );
  }
  const holder: LockHolder = {
    pid: process.pid,
    startedAt: new Date().toISOString(),
    host: hostname(),
  };
  try {
    writeHolder(dir, holder);
  } catch (err) {
    db.close();
    throw new AppError(
      'ERR_CLI_DATA_DIR',
      `cannot write ${join(dir, HOLDER_FILE)}: ${(err as Error).message}`,
      { cause: err },
    );
  }
  const locked = db;
  let held = true;
  return {
    dir,
    holder,
    release() {
      if (!held) return;
      held = false;
      try {
        if (readHolder(dir)?.pid === holder.pid) unlinkSync(join(dir, HOLDER_FILE));
      } finally {
        locked.close();
      }
    },
  };
}

/** Writes `node.pid` in one step (a reader sees the old file or the whole new one). */
function writeHolder(dir: string, h: LockHolder): void {
  const tmp = join(dir, `${HOLDER_FILE}.${process.pid}.tmp`);
  writeFileSync(tmp, `${h.pid}\n${h.startedAt}\n${h.host}\n`, { mode: 0o644 });
  renameSync(tmp, join(dir, HOLDER_FILE));
}

/** Reads `node.pid`; undefined when it is missing or not in the expected form. */
export function readHolder(dir: string): LockHolder | undefined {
  let text: string;
  try {
    text = readFileSync(join(dir, HOLDER_FILE), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new AppError(
      'ERR_CLI_DATA_DIR',
      `cannot read ${join(dir, HOLDER_FILE)}: ${(err as Error).message}`,
      { cause: err },
    );
  }
  const [pid, startedAt, host] = text.split('\n');
  const n = Number(pid);
  if (
    !Number.isSafeInteger(n) ||
    n <= 0 ||
    startedAt === undefined ||
    host === undefined ||
    host === ''
  )
    return undefined;
  return { pid: n, startedAt, host };
}

/** Is a process with this PID running on this host? (EPERM: it runs under another user.) */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** `node.pid` of a held folder, once it names a live process (or a process on another host). */
function currentHolder(dir: string): LockHolder | undefined {
  const until = Date.now() + HOLDER_WAIT_MS;
  for (;;) {
    const h = readHolder(dir);
    // A dead PID here is the previous holder's, left by a crash: the new one is about to write.
    if (h !== undefined && (h.host !== hostname() || isRunning(h.pid))) return h;
    if (Date.now() >= until) return undefined;
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
  }
}

function lockedError(dir: string): AppError {
  const h = currentHolder(dir);
  const lockFile = resolve(dir, LOCK_FILE);
  if (h === undefined) {
    return new AppError(
      'ERR_CLI_DATA_DIR_LOCKED',
      `data folder ${dir} is in use by another process, which has not recorded its PID in ${HOLDER_FILE}; stop it, or use another --data folder`,
      { details: { lockFile } },
    );
  }
  const who = h.pid === process.pid && h.host === hostname() ? ' (this process)' : '';
  const where = h.host === hostname() ? '' : ` on host ${h.host}`;
  return new AppError(
    'ERR_CLI_DATA_DIR_LOCKED',
    `data folder ${dir} is in use by realdid node process ${h.pid}${who}${where}, running since ${h.startedAt}; stop it (kill ${h.pid}) or use another --data folder`,
    { details: { pid: h.pid, startedAt: h.startedAt, host: h.host, lockFile } },
  );
}
