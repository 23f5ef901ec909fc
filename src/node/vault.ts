import Database from 'better-sqlite3';
import {
  createCipheriv,
  createDecipheriv,
  createHmac,
  hkdfSync,
  randomBytes,
  scryptSync,
  timingSafeEqual,
} from 'node:crypto';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import { AppError } from '../errors.ts';
import type { SecretStore } from '../ledger/index.ts';

/** scrypt cost of a vault key (the same order as the key files: about 0.1 s once per open). */
const SCRYPT = { N: 2 ** 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 } as const;

/** Separate keys for sealing values, naming rows and checking the passphrase, from one master key. */
function subkey(master: Buffer, purpose: 'seal' | 'row-id' | 'check'): Buffer {
  return Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), `realdid vault ${purpose}`, 32));
}

/**
 * A module's encrypted key-value store in one SQLite file (mode 0600, in a 0700 folder). A master
 * key is derived with scrypt from the node passphrase and a random salt kept in the file, and
 * split with HKDF into a sealing key, a row-id key and a check value. Values are sealed with
 * AES-256-GCM (random 96-bit nonce, the row id as associated data, so a value cannot be moved
 * to another row); row ids are HMAC-SHA256 of the key names, so the file reveals neither names
 * nor values; deleted values are overwritten on disk (`secure_delete`). Not detected: a row put
 * back to an older sealed value of the same row.
 */
export class FileVault implements SecretStore {
  readonly #db: Database.Database;
  readonly #encKey: Buffer;
  readonly #idKey: Buffer;
  readonly #get: Database.Statement<[Buffer], Buffer>;
  readonly #put: Database.Statement<[Buffer, Buffer]>;
  readonly #del: Database.Statement<[Buffer]>;

  /**
   * Opens (creating if needed) the vault file at `path`.
   * @throws ERR_CRYPTO_WRONG_PASSPHRASE when the passphrase is not the one the vault was made with
   */
  constructor(path: string, passphrase: string) {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    // Create the file 0600 first: SQLite gives its -wal and -shm files the same mode.
    closeSync(openSync(path, 'a', 0o600));
    this.#db = new Database(path);
    this.#db.pragma('journal_mode = WAL');
    // Every commit is on disk before it returns (the ledger's commits are too): a power cut must not
    // lose a person's record whose binding the ledger already holds.
    this.#db.pragma('synchronous = FULL');
    this.#db.pragma('secure_delete = ON');
    this.#db.exec(
      'CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value BLOB NOT NULL); CREATE TABLE IF NOT EXISTS kv (id BLOB PRIMARY KEY, sealed BLOB NOT NULL) WITHOUT ROWID',
    );
    const meta = this.#db
      .prepare<[string], Buffer>('SELECT value FROM meta WHERE name = ?')
      .pluck();
    let salt = meta.get('salt');
    if (salt === undefined) {
      salt = randomBytes(16);
      this.#db.prepare('INSERT INTO meta (name, value) VALUES (?, ?)').run('salt', salt);
    }
    const master = scryptSync(passphrase, salt, 32, SCRYPT);
    this.#encKey = subkey(master, 'seal');
    this.#idKey = subkey(master, 'row-id');
    this.#get = this.#db.prepare<[Buffer], Buffer>('SELECT sealed FROM kv WHERE id = ?').pluck();
    this.#put = this.#db.prepare<[Buffer, Buffer]>(
      'INSERT INTO kv (id, sealed) VALUES (?, ?) ON CONFLICT(id) DO UPDATE SET sealed = excluded.sealed',
    );
    this.#del = this.#db.prepare<[Buffer]>('DELETE FROM kv WHERE id = ?');
    // A keyed check value tells a wrong passphrase apart at open (a wrong key finds no row at all).
    const check = subkey(master, 'check');
    const stored = meta.get('check');
    if (stored === undefined)
      this.#db.prepare('INSERT INTO meta (name, value) VALUES (?, ?)').run('check', check);
    else if (stored.length !== check.length || !timingSafeEqual(stored, check)) {
      this.#db.close();
      throw new AppError(
        'ERR_CRYPTO_WRONG_PASSPHRASE',
        `the passphrase does not open vault ${path}`,
      );
    }
  }

  #id(key: string): Buffer {
    return createHmac('sha256', this.#idKey).update(key, 'utf8').digest();
  }

  get(key: string): Uint8Array | undefined {
    const id = this.#id(key);
    const sealed = this.#get.get(id);
    if (sealed === undefined) return undefined;
    try {
      const d = createDecipheriv('aes-256-gcm', this.#encKey, sealed.subarray(0, 12));
      d.setAAD(id);
      d.setAuthTag(sealed.subarray(sealed.length - 16));
      return new Uint8Array(
        Buffer.concat([d.update(sealed.subarray(12, sealed.length - 16)), d.final()]),
      );
    } catch (err) {
      throw new AppError(
        'ERR_CRYPTO_WRONG_PASSPHRASE',
        'a vault value does not decrypt under this passphrase (or was altered)',
        { cause: err },
      );
    }
  }

  set(key: string, value: Uint8Array): void {
    const id = this.#id(key);
    const nonce = randomBytes(12);
    const c = createCipheriv('aes-256-gcm', this.#encKey, nonce);
    c.setAAD(id);
    const body = Buffer.concat([c.update(value), c.final()]);
    this.#put.run(id, Buffer.concat([nonce, body, c.getAuthTag()]));
  }

  delete(key: string): boolean {
    return this.#del.run(this.#id(key)).changes > 0;
  }

  has(key: string): boolean {
    return this.#get.get(this.#id(key)) !== undefined;
  }

  transaction<T>(fn: () => T): T {
    return this.#db.transaction(fn)();
  }

  /**
   * Deletes the rows (secure_delete zeroes their pages), then checkpoints the WAL into the main file
   * and truncates it, so no older frame holding a sealed copy of a value remains.
   */
  shred(keys: readonly string[]): void {
    this.transaction(() => {
      for (const k of keys) this.#del.run(this.#id(k));
    });
    // A reader's snapshot (another connection, a backup tool) blocks the checkpoint: retry for a
    // while, then fail rather than report an erasure that left copies in the WAL.
    for (let attempt = 0; attempt < 50; attempt++) {
      const [r] = this.#db.pragma('wal_checkpoint(TRUNCATE)') as { busy: number; log: number }[];
      if (r !== undefined && r.busy === 0) return;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
    }
    throw new Error(
      'vault WAL checkpoint stayed busy for 1 s (another reader holds a snapshot): the shredded values may remain in the WAL until it closes',
    );
  }

  close(): void {
    this.#db.close();
  }
}

/** A vault for a node without a data folder (tests, benchmarks): values kept in memory only. */
export class MemoryVault implements SecretStore {
  #values = new Map<string, Uint8Array>();

  get(key: string): Uint8Array | undefined {
    const v = this.#values.get(key);
    return v === undefined ? undefined : new Uint8Array(v);
  }

  set(key: string, value: Uint8Array): void {
    this.#values.set(key, new Uint8Array(value));
  }

  delete(key: string): boolean {
    return this.#values.delete(key);
  }

  has(key: string): boolean {
    return this.#values.has(key);
  }

  transaction<T>(fn: () => T): T {
    const before = new Map(this.#values);
    try {
      return fn();
    } catch (err) {
      this.#values = before;
      throw err;
    }
  }

  shred(keys: readonly string[]): void {
    for (const k of keys) this.#values.delete(k);
  }

  close(): void {
    this.#values.clear();
  }
}
