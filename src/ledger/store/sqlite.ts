import Database from 'better-sqlite3';
import { canonicalize } from '../../crypto/index.ts';
import { AppError } from '../../errors.ts';
import type { BlockHeader, CheckpointSignature } from '../block.ts';

/**
 * Bumped whenever the on-disk layout changes. 2: `state` is a rowid table with its key in an
 * index (version 1 kept whole rows in a WITHOUT ROWID B-tree, which splits pages about twice as
 * often under a block's random-key inserts); a version 1 store is migrated when opened for
 * writing, and read as it is (same columns) when opened read-only.
 */
export const SCHEMA_VERSION = 2;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS blocks (
  height INTEGER PRIMARY KEY, hash TEXT NOT NULL, header TEXT NOT NULL,
  first_seq INTEGER NOT NULL, tx_count INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS txs (
  seq INTEGER PRIMARY KEY, id BLOB NOT NULL UNIQUE, height INTEGER NOT NULL,
  leaf BLOB NOT NULL, bytes BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS state (key TEXT NOT NULL PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS signatures (
  height INTEGER NOT NULL, org TEXT NOT NULL, key TEXT NOT NULL, sig TEXT NOT NULL,
  PRIMARY KEY (height, org)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS invalid_txs (
  height INTEGER NOT NULL, ord INTEGER NOT NULL, position INTEGER NOT NULL, id BLOB,
  code TEXT NOT NULL, message TEXT NOT NULL, bytes BLOB NOT NULL,
  PRIMARY KEY (height, ord)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS invalid_txs_id ON invalid_txs (id);
`;

/**
 * A transaction a consortium block holds as invalid (as Hyperledger Fabric records them): it was
 * ordered, every node tried it at the same place and it failed with the same code, so it changed
 * nothing; it is kept for accountability, outside the transaction log.
 */
export interface InvalidTx {
  /** Hex transaction id; null when the entry could not even be decoded. */
  readonly id: string | null;
  /** The log index it was tried at (the number of log entries before it). */
  readonly position: number;
  readonly code: string;
  readonly message: string;
  /** The entry as ordered: a transaction's canonical bytes, or the raw JSON of an undecodable entry. */
  readonly bytes: Uint8Array;
}

/** One committed transaction row. */
export interface StoredTx {
  readonly seq: number;
  readonly id: Uint8Array;
  readonly height: number;
  readonly leaf: Uint8Array;
  readonly bytes: Uint8Array;
}

/** Everything one block writes, committed atomically. */
export interface BlockWrite {
  readonly header: BlockHeader;
  readonly hash: string;
  readonly txs: readonly {
    readonly id: Uint8Array;
    readonly leaf: Uint8Array;
    readonly bytes: Uint8Array;
  }[];
  readonly stateChanges: ReadonlyMap<string, string | null>;
  readonly signatures: readonly CheckpointSignature[];
  /** Transactions the block records as invalid (consortium ordering), in the order tried. */
  readonly invalid?: readonly InvalidTx[];
}

/**
 * The ledger's durable store: SQLite in WAL mode with synchronous=FULL, so a committed block
 * survives a crash at any instant, and a block is written in one SQLite transaction (all or
 * nothing). Only blocks, transactions, current state and signatures are stored; Merkle trees
 * are rebuilt in memory from them.
 */
export class SqliteStore {
  readonly db: Database.Database;
  readonly #stmt;

  private constructor(db: Database.Database) {
    this.db = db;
    this.#stmt = {
      metaGet: db.prepare<[string], { value: string }>('SELECT value FROM meta WHERE key = ?'),
      metaSet: db.prepare(
        'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value',
      ),
      lastBlock: db.prepare<[], { height: number }>(
        'SELECT height FROM blocks ORDER BY height DESC LIMIT 1',
      ),
      block: db.prepare<
        [number],
        { hash: string; header: string; first_seq: number; tx_count: number }
      >('SELECT hash, header, first_seq, tx_count FROM blocks WHERE height = ?'),
      blockInsert: db.prepare(
        'INSERT INTO blocks (height, hash, header, first_seq, tx_count) VALUES (?, ?, ?, ?, ?)',
      ),
      txInsert: db.prepare('INSERT INTO txs (seq, id, height, leaf, bytes) VALUES (?, ?, ?, ?, ?)'),
      txById: db.prepare<[Uint8Array], StoredTx>(
        'SELECT seq, id, height, leaf, bytes FROM txs WHERE id = ?',
      ),
      txBySeq: db.prepare<[number], StoredTx>(
        'SELECT seq, id, height, leaf, bytes FROM txs WHERE seq = ?',
      ),
      txRange: db.prepare<[number, number], StoredTx>(
        'SELECT seq, id, height, leaf, bytes FROM txs WHERE seq >= ? AND seq < ? ORDER BY seq',
      ),
      txCount: db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM txs'),
      leaves: db.prepare<[], { leaf: Uint8Array }>('SELECT leaf FROM txs ORDER BY seq'),
      stateGet: db.prepare<[string], string>('SELECT value FROM state WHERE key = ?').pluck(),
      stateSet: db.prepare(
        'INSERT INTO state (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value',
      ),
      stateDel: db.prepare('DELETE FROM state WHERE key = ?'),
      stateAll: db.prepare<[], { key: string; value: string }>('SELECT key, value FROM state'),
      statePrefix: db.prepare<[string, string, number], { key: string; value: string }>(
        'SELECT key, value FROM state WHERE key >= ? AND key < ? ORDER BY key LIMIT ?',
      ),
      sigs: db.prepare<[number], CheckpointSignature>(
        'SELECT org, key, sig FROM signatures WHERE height = ? ORDER BY org',
      ),
      invalidInsert: db.prepare(
        'INSERT INTO invalid_txs (height, ord, position, id, code, message, bytes) VALUES (?, ?, ?, ?, ?, ?, ?)',
      ),
      invalidByHeight: db.prepare<[number], InvalidRow>(
        'SELECT height, position, id, code, message, bytes FROM invalid_txs WHERE height = ? ORDER BY ord',
      ),
      invalidById: db.prepare<[Uint8Array], InvalidRow>(
        'SELECT height, position, id, code, message, bytes FROM invalid_txs WHERE id = ? ORDER BY height, ord LIMIT 1',
      ),
      sigInsert: db.prepare(
        'INSERT OR IGNORE INTO signatures (height, org, key, sig) VALUES (?, ?, ?, ?)',
      ),
    };
  }

  /**
   * Opens (creating if needed) the store at `path` (`:memory:` for tests and `verify`).
   * @throws ERR_LEDGER_STORE if the file was written by another schema version
   */
  static open(
    path: string,
    options: {
      readonly?: boolean;
      /**
       * `full` (default): a committed block survives a power loss. `normal`: WAL stays
       * consistent, but the last blocks may be lost on a power loss — right only where they can
       * be re-derived, as on a NATS-ordered node, which replays them from the replicated stream
       * (its last applied sequence is committed with each block).
       */
      synchronous?: 'full' | 'normal';
    } = {},
  ): SqliteStore {
    const db = new Database(path, {
      readonly: options.readonly ?? false,
      fileMustExist: options.readonly ?? false,
    });
    // Memory-mapped reads: a state read costs about a third less than through read() calls.
    db.pragma('mmap_size = 8589934592');
    if (!options.readonly) {
      // 16 KiB pages (a new file only; an existing one keeps its size): fewer page splits and
      // tree levels under a block's random-key inserts of rows up to a few KiB (a block of
      // 4 000 credit records commits about a quarter faster than with 4 KiB pages).
      db.pragma('page_size = 16384');
      db.pragma('journal_mode = WAL');
      db.pragma(options.synchronous === 'normal' ? 'synchronous = NORMAL' : 'synchronous = FULL');
      db.exec(SCHEMA);
    }
    const store = new SqliteStore(db);
    const version = store.getMeta('schemaVersion');
    if (version === undefined && !options.readonly)
      store.setMeta('schemaVersion', String(SCHEMA_VERSION));
    else if (version === '1' && !options.readonly) {
      try {
        migrateStateTable(store);
      } catch (err) {
        db.close();
        throw new AppError(
          'ERR_LEDGER_STORE',
          `could not migrate the store from schema version 1 to ${SCHEMA_VERSION} (it is unchanged): ${(err as Error).message}`,
          { cause: err },
        );
      }
    } else if (version !== String(SCHEMA_VERSION) && version !== '1') {
      db.close();
      throw new AppError(
        'ERR_LEDGER_STORE',
        `store schema version ${version ?? 'none'} is not ${SCHEMA_VERSION}`,
      );
    }
    return store;
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  getMeta(key: string): string | undefined {
    return this.#stmt.metaGet.get(key)?.value;
  }

  setMeta(key: string, value: string): void {
    this.#stmt.metaSet.run(key, value);
  }

  /** Height of the last committed block, or -1 for an empty store. */
  lastHeight(): number {
    return this.#stmt.lastBlock.get()?.height ?? -1;
  }

  block(
    height: number,
  ): { hash: string; header: BlockHeader; firstSeq: number; txCount: number } | undefined {
    const row = this.#stmt.block.get(height);
    if (row === undefined) return undefined;
    let header: BlockHeader;
    try {
      header = JSON.parse(row.header) as BlockHeader;
    } catch (err) {
      throw new AppError(
        'ERR_LEDGER_STORE',
        `header of block ${height} is not JSON; run \`realdid verify\``,
        { cause: err },
      );
    }
    return { hash: row.hash, header, firstSeq: row.first_seq, txCount: row.tx_count };
  }

  /** Raw header text as stored (for `verify`, which must not trust a re-serialization). */
  rawBlock(
    height: number,
  ): { hash: string; header: string; firstSeq: number; txCount: number } | undefined {
    const row = this.#stmt.block.get(height);
    return row === undefined
      ? undefined
      : { hash: row.hash, header: row.header, firstSeq: row.first_seq, txCount: row.tx_count };
  }

  txById(id: Uint8Array): StoredTx | undefined {
    return this.#stmt.txById.get(id);
  }

  txBySeq(seq: number): StoredTx | undefined {
    return this.#stmt.txBySeq.get(seq);
  }

  /** Transactions with `from <= seq < to`, in log order. */
  txRange(from: number, to: number): StoredTx[] {
    return this.#stmt.txRange.all(from, to);
  }

  txCount(): number {
    return this.#stmt.txCount.get()?.n ?? 0;
  }

  /** Every leaf hash of the log, in order (to rebuild the Merkle log at start). */
  *leafHashes(): IterableIterator<Uint8Array> {
    for (const row of this.#stmt.leaves.iterate()) yield row.leaf;
  }

  stateGet(key: string): string | undefined {
    return this.#stmt.stateGet.get(key);
  }

  *stateEntries(): IterableIterator<[string, string]> {
    for (const row of this.#stmt.stateAll.iterate()) yield [row.key, row.value];
  }

  /** Up to `limit` state entries whose key starts with `prefix`, in key order. */
  stateByPrefix(prefix: string, limit: number, after = ''): { key: string; value: string }[] {
    const start = after > prefix ? `${after}\u0000` : prefix;
    return this.#stmt.statePrefix.all(start, `${prefix}\uffff`, limit);
  }

  signatures(height: number): CheckpointSignature[] {
    return this.#stmt.sigs.all(height);
  }

  /** Adds a cosignature; a second signature of the same org at the same height is ignored. */
  addSignature(height: number, s: CheckpointSignature): boolean {
    return this.#stmt.sigInsert.run(height, s.org, s.key, s.sig).changes === 1;
  }

  /** The transactions block `height` records as invalid, in the order they were tried. */
  invalidTxs(height: number): InvalidTx[] {
    return this.#stmt.invalidByHeight.all(height).map(invalidOf);
  }

  /** The first block that records transaction `id` as invalid, if any. */
  invalidTx(id: Uint8Array): { height: number; tx: InvalidTx } | undefined {
    const row = this.#stmt.invalidById.get(id);
    return row === undefined ? undefined : { height: row.height, tx: invalidOf(row) };
  }

  /** Writes a whole block atomically: header, transactions, state changes, signatures. */
  commitBlock(write: BlockWrite): void {
    const s = this.#stmt;
    this.db.transaction(() => {
      const { header } = write;
      const firstSeq = header.logSize - write.txs.length;
      s.blockInsert.run(
        header.height,
        write.hash,
        canonicalize(header),
        firstSeq,
        write.txs.length,
      );
      write.txs.forEach((t, i) =>
        s.txInsert.run(firstSeq + i, t.id, header.height, t.leaf, t.bytes),
      );
      for (const [k, v] of write.stateChanges) {
        if (v === null) s.stateDel.run(k);
        else s.stateSet.run(k, v);
      }
      for (const sig of write.signatures) s.sigInsert.run(header.height, sig.org, sig.key, sig.sig);
      write.invalid?.forEach((t, i) =>
        s.invalidInsert.run(
          header.height,
          i,
          t.position,
          t.id === null ? null : Buffer.from(t.id, 'hex'),
          t.code,
          t.message,
          t.bytes,
        ),
      );
    })();
  }
}

/** Version 1 → 2: the state rows move, unchanged, into a rowid table, in one transaction. */
function migrateStateTable(store: SqliteStore): void {
  store.db.transaction(() => {
    store.db.exec(`
      CREATE TABLE state_v2 (key TEXT NOT NULL PRIMARY KEY, value TEXT NOT NULL);
      INSERT INTO state_v2 (key, value) SELECT key, value FROM state ORDER BY key;
      DROP TABLE state;
      ALTER TABLE state_v2 RENAME TO state;`);
    store.setMeta('schemaVersion', '2');
  })();
}

interface InvalidRow {
  readonly height: number;
  readonly position: number;
  readonly id: Uint8Array | null;
  readonly code: string;
  readonly message: string;
  readonly bytes: Uint8Array;
}

function invalidOf(row: InvalidRow): InvalidTx {
  const { position, code, message, bytes } = row;
  const id = row.id === null ? null : Buffer.from(row.id).toString('hex');
  return { id, position, code, message, bytes };
}
