import Database from 'better-sqlite3';
import {
  createCipheriv,
  createDecipheriv,
  createHmac,
  randomBytes,
  scryptSync,
  timingSafeEqual,
} from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { AppError } from '../errors.ts';
import type { SecretStore } from '../ledger/index.ts';

/** scrypt cost of a vault key (the same order as the key files: about 0.1 s once per open). */
const SCRYPT = { N: 2 ** 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 } as const;
const KEY_CHECK = 'realdid-vault-key-check';

/**
 * A module's encrypted key-value store in one SQLite file. A 32-byte key is derived with scrypt
 * from the node passphrase and a random salt kept in the file; values are sealed with
 * AES-256-GCM (random 96-bit nonce, the row id as associated data), and row ids are
 * HMAC-SHA256 of the key names, so the file reveals neither names nor values.
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
    this.#db = new Database(path);
    this.#db.pragma('journal_mode = WAL');
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
    const master = scryptSync(passphrase, salt, 64, SCRYPT);
    this.#encKey = master.subarray(0, 32);
    this.#idKey = master.subarray(32);
    this.#get = this.#db.prepare<[Buffer], Buffer>('SELECT sealed FROM kv WHERE id = ?').pluck();
    this.#put = this.#db.prepare<[Buffer, Buffer]>(
      'INSERT INTO kv (id, sealed) VALUES (?, ?) ON CONFLICT(id) DO UPDATE SET sealed = excluded.sealed',
    );
    this.#del = this.#db.prepare<[Buffer]>('DELETE FROM kv WHERE id = ?');
    // A keyed check value tells a wrong passphrase apart at open (a wrong key finds no row at all).
    const check = createHmac('sha256', master).update(KEY_CHECK).digest();
    const stored = meta.get('check');
    if (stored === undefined)
      this.#db.prepare('INSERT INTO meta (name, value) VALUES (?, ?)').run('check', check);
    else if (!timingSafeEqual(stored, check)) {
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

  close(): void {
    this.#db.close();
  }
}

/** A vault for a node without a data folder (tests, benchmarks): values kept in memory only. */
export class MemoryVault implements SecretStore {
  readonly #values = new Map<string, Uint8Array>();

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

  close(): void {
    this.#values.clear();
  }
}
