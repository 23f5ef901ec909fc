import Database from 'better-sqlite3';
import { canonicalize, toHex } from '../../crypto/index.ts';
import { AppError } from '../../errors.ts';
import type { BlockHeader, CheckpointSignature } from '../block.ts';

/**
 * Bumped whenever the on-disk layout changes. 2: `state` is a rowid table with its key in an
 * index (version 1 kept whole rows in a WITHOUT ROWID B-tree, which splits pages about twice as
 * often under a block's random-key inserts). 3: transaction ids are indexed in their own table
 * (`tx_ids`) and, with the state table, brought up to date every few blocks from the blocks'
 * own rows (see {@link FOLD_BLOCKS}), not in every block. A version 1 or 2 store is migrated
 * when opened for writing, and read as it is when opened read-only.
 */
export const SCHEMA_VERSION = 3;

/**
 * The `state` table and the `tx_ids` index are written every this many blocks (a fold), not in
 * every block: a block appends its transactions and its state changes as one row each, and reads
 * see them through an in-memory overlay until the fold. Random-key inserts into a large B-tree
 * dirty one page each; folding 32 blocks at once in key order dirties each page once instead of
 * up to 32 times, so a block's commit costs about the same at 200 000 transactions as at none
 * (about 3 times less there than writing both in every block).
 */
export const FOLD_BLOCKS = 32;
/** A fold also happens once this many state keys are waiting (bounds the overlay's memory). */
export const FOLD_ENTRIES = 16_384;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS blocks (
  height INTEGER PRIMARY KEY, hash TEXT NOT NULL, header TEXT NOT NULL,
  first_seq INTEGER NOT NULL, tx_count INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS txs (
  seq INTEGER PRIMARY KEY, id BLOB NOT NULL, height INTEGER NOT NULL,
  leaf BLOB NOT NULL, bytes BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS tx_ids (id BLOB PRIMARY KEY, seq INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS state (key TEXT NOT NULL PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS state_changes (height INTEGER PRIMARY KEY, changes TEXT NOT NULL);
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
 *
 * The current state and the transaction-id index lag up to {@link FOLD_BLOCKS} blocks behind:
 * the blocks since the last fold keep their state changes in `state_changes` (one row per block,
 * in the same transaction as the block) and their ids in `txs`, and every read goes through an
 * in-memory overlay of them, rebuilt at open. Read `state` directly only after {@link fold}
 * (which {@link close} does).
 */
export class SqliteStore {
  readonly db: Database.Database;
  readonly #stmt;
  /** State changes not yet in `state`, latest value per key (null: deleted). */
  readonly #pending = new Map<string, string | null>();
  /** Hex id → seq of the transactions not yet in `tx_ids`. */
  readonly #pendingIds = new Map<string, number>();
  #pendingBlocks = 0;
  /** The log size: one past the last transaction's seq. */
  #logSize = 0;
  /** Statements on the version 3 tables (absent from an older store opened read-only). */
  readonly #fold;
  /** Blocks per fold ({@link FOLD_BLOCKS} unless a benchmark or test asks otherwise). */
  readonly #foldEvery: number;

  private constructor(db: Database.Database, version: number, foldEvery: number) {
    if (!Number.isSafeInteger(foldEvery) || foldEvery < 1)
      throw new TypeError(`foldEvery must be a positive integer, got ${foldEvery}`);
    this.db = db;
    this.#foldEvery = foldEvery;
    const columns = 'seq, id, height, leaf, bytes';
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
      txInsert: db.prepare(`INSERT INTO txs (${columns}) VALUES (?, ?, ?, ?, ?)`),
      // Before version 3 the id is a UNIQUE column of `txs`; since, `tx_ids` indexes it.
      txById: db.prepare<[Uint8Array], StoredTx>(
        version >= 3
          ? `SELECT ${columns} FROM txs WHERE seq = (SELECT seq FROM tx_ids WHERE id = ?)`
          : `SELECT ${columns} FROM txs WHERE id = ?`,
      ),
      txBySeq: db.prepare<[number], StoredTx>(`SELECT ${columns} FROM txs WHERE seq = ?`),
      txRange: db.prepare<[number, number], StoredTx>(
        `SELECT ${columns} FROM txs WHERE seq >= ? AND seq < ? ORDER BY seq`,
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
    this.#fold =
      version >= 3
        ? {
            changesInsert: db.prepare('INSERT INTO state_changes (height, changes) VALUES (?, ?)'),
            changesAll: db
              .prepare<[], string>('SELECT changes FROM state_changes ORDER BY height')
              .pluck(),
            idInsert: db.prepare('INSERT INTO tx_ids (id, seq) VALUES (?, ?)'),
            idsFrom: db.prepare<[number], { id: Uint8Array; seq: number }>(
              'SELECT id, seq FROM txs WHERE seq >= ?',
            ),
          }
        : undefined;
    this.#logSize = db
      .prepare<[], number>('SELECT COALESCE(MAX(seq) + 1, 0) FROM txs')
      .pluck()
      .get()!;
    this.#loadOverlay();
  }

  /**
   * Opens (creating if needed) the store at `path` (`:memory:` for tests and `verify`).
   * @throws ERR_LEDGER_STORE if the file was written by another schema version, or could not
   *   be migrated from an older one
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
      /** Blocks per fold (default {@link FOLD_BLOCKS}); 1 writes both tables in every block. */
      foldEvery?: number;
    } = {},
  ): SqliteStore {
    const readonly = options.readonly ?? false;
    const db = new Database(path, { readonly, fileMustExist: readonly });
    try {
      // Memory-mapped reads: a state read costs about a third less than through read() calls.
      db.pragma('mmap_size = 8589934592');
      if (!readonly) {
        // 16 KiB pages (a new file only; an existing one keeps its size): fewer page splits and
        // tree levels under a block's random-key inserts of rows up to a few KiB (a block of
        // 4 000 credit records commits about a quarter faster than with 4 KiB pages).
        db.pragma('page_size = 16384');
        db.pragma('journal_mode = WAL');
        db.pragma(options.synchronous === 'normal' ? 'synchronous = NORMAL' : 'synchronous = FULL');
        db.exec(SCHEMA);
      }
      const stored = readMeta(db, 'schemaVersion');
      let version = stored === undefined ? SCHEMA_VERSION : Number(stored);
      if (!['1', '2', String(SCHEMA_VERSION)].includes(stored ?? String(SCHEMA_VERSION)))
        throw new AppError(
          'ERR_LEDGER_STORE',
          `store schema version ${stored} is not ${SCHEMA_VERSION}`,
        );
      if (stored === undefined && !readonly) {
        db.prepare('INSERT INTO meta (key, value) VALUES (?, ?)').run(
          'schemaVersion',
          String(SCHEMA_VERSION),
        );
      } else if (version < SCHEMA_VERSION && !readonly) {
        try {
          migrate(db, version);
        } catch (err) {
          throw new AppError(
            'ERR_LEDGER_STORE',
            `could not migrate the store from schema version ${version} to ${SCHEMA_VERSION} (it is unchanged): ${(err as Error).message}`,
            { cause: err },
          );
        }
        version = SCHEMA_VERSION;
      }
      return new SqliteStore(db, version, options.foldEvery ?? FOLD_BLOCKS);
    } catch (err) {
      db.close();
      throw err;
    }
  }

  /** Folds the overlay into the tables (when writable), then closes the file. */
  close(): void {
    if (!this.db.open) return;
    try {
      if (!this.db.readonly && this.#fold !== undefined) this.fold();
    } finally {
      this.db.close();
    }
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

  /** @throws ERR_LEDGER_STORE if the id index points at another transaction (a damaged file) */
  txById(id: Uint8Array): StoredTx | undefined {
    const seq = this.#pendingIds.size === 0 ? undefined : this.#pendingIds.get(toHex(id));
    const tx = seq === undefined ? this.#stmt.txById.get(id) : this.#stmt.txBySeq.get(seq);
    if (tx !== undefined && Buffer.compare(tx.id, id) !== 0)
      throw new AppError(
        'ERR_LEDGER_STORE',
        `the id index points ${toHex(id)} at transaction ${tx.seq}, whose id differs; run \`realdid verify\``,
      );
    return tx;
  }

  /**
   * What is wrong with the transaction-id index, if anything: every folded transaction must be
   * indexed under its own id, and nothing else (for `verify`; the index is derived data).
   */
  idIndexProblem(): string | undefined {
    if (this.#fold === undefined) return undefined; // before version 3: a UNIQUE column of txs
    const folded = Number(this.getMeta('foldedSeq') ?? 0);
    const { total, matching, past } = this.db
      .prepare<[number], { total: number; matching: number; past: number }>(
        `SELECT (SELECT COUNT(*) FROM tx_ids) AS total,
           (SELECT COUNT(*) FROM tx_ids i JOIN txs t ON t.seq = i.seq AND t.id = i.id) AS matching,
           (SELECT COUNT(*) FROM tx_ids WHERE seq >= ?) AS past`,
      )
      .get(folded)!;
    if (folded > this.#logSize)
      return `foldedSeq ${folded} is past the log's ${this.#logSize} transactions`;
    if (total !== folded || matching !== folded || past > 0)
      return `tx_ids holds ${total} entries, ${matching} of them matching their transaction; ${folded} expected`;
    return undefined;
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
    const pending = this.#pending.get(key);
    if (pending !== undefined) return pending ?? undefined;
    return this.#stmt.stateGet.get(key);
  }

  /** Every current state entry, in no particular order. */
  *stateEntries(): IterableIterator<[string, string]> {
    const pending = this.#pending;
    for (const row of this.#stmt.stateAll.iterate())
      if (!pending.has(row.key)) yield [row.key, row.value];
    for (const [k, v] of pending) if (v !== null) yield [k, v];
  }

  /**
   * Up to `limit` state entries whose key starts with `prefix` and sorts after `after`, in key
   * order (SQLite's: UTF-8 bytes).
   */
  stateByPrefix(prefix: string, limit: number, after = ''): { key: string; value: string }[] {
    const start = after > prefix ? `${after}\u0000` : prefix;
    const end = `${prefix}\uffff`;
    const inRange = (k: string): boolean => compareUtf8(k, start) >= 0 && compareUtf8(k, end) < 0;
    const overlay: [string, string | null][] = [];
    for (const e of this.#pending) if (e[0].startsWith(prefix) && inRange(e[0])) overlay.push(e);
    if (overlay.length === 0) return this.#stmt.statePrefix.all(start, end, limit);
    overlay.sort(([a], [b]) => compareUtf8(a, b));
    // Each overlay key hides at most one stored row: read that many more.
    const rows = this.#stmt.statePrefix.all(start, end, limit + overlay.length);
    const out: { key: string; value: string }[] = [];
    let i = 0;
    let j = 0;
    while (out.length < limit && (i < rows.length || j < overlay.length)) {
      const row = rows[i];
      const [k, v] = overlay[j] ?? [];
      const order = row === undefined ? 1 : k === undefined ? -1 : compareUtf8(row.key, k);
      if (order < 0) {
        out.push(row!);
        i++;
        continue;
      }
      if (order === 0) i++; // the overlay's value replaces the stored one
      if (v !== null && v !== undefined) out.push({ key: k!, value: v });
      j++;
    }
    return out;
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

  /**
   * Writes a whole block atomically: header, transactions, state changes, signatures, and
   * whatever `extra` writes (e.g. the orderer's position), in one SQLite transaction; every
   * {@link FOLD_BLOCKS} blocks that transaction also folds the overlay into the tables. The
   * overlay changes only once the transaction has committed.
   */
  commitBlock(write: BlockWrite, extra?: () => void): void {
    const f = this.#fold;
    if (f === undefined)
      throw new AppError('ERR_LEDGER_STORE', 'a store opened read-only cannot commit blocks');
    const s = this.#stmt;
    const { header } = write;
    const firstSeq = header.logSize - write.txs.length;
    const ids = write.txs.map((t) => toHex(t.id));
    const folding =
      this.#pendingBlocks + 1 >= this.#foldEvery ||
      this.#pending.size + write.stateChanges.size >= FOLD_ENTRIES;
    this.db.transaction(() => {
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
      if (folding) {
        // Copies: the overlay must stay as it is if the transaction fails.
        const state = new Map(this.#pending);
        const txIds = new Map(this.#pendingIds);
        addBlock(state, txIds, write.stateChanges, ids, firstSeq);
        this.#writeFold(state, txIds, header.logSize);
      } else f.changesInsert.run(header.height, changesJson(write.stateChanges));
      extra?.();
    })();
    this.#logSize = header.logSize;
    if (folding) {
      this.#clearOverlay();
      return;
    }
    addBlock(this.#pending, this.#pendingIds, write.stateChanges, ids, firstSeq);
    this.#pendingBlocks++;
  }

  /** Writes the overlay into `state` and `tx_ids` now (a no-op when nothing is waiting). */
  fold(): void {
    if (this.#pendingBlocks === 0 && this.#pendingIds.size === 0) return;
    this.db.transaction(() => this.#writeFold(this.#pending, this.#pendingIds, this.#logSize))();
    this.#clearOverlay();
  }

  /** In key order, so each B-tree page is written once; `foldedSeq`: the log size now indexed. */
  #writeFold(
    state: ReadonlyMap<string, string | null>,
    txIds: ReadonlyMap<string, number>,
    foldedSeq: number,
  ): void {
    const s = this.#stmt;
    for (const k of [...state.keys()].sort(compareUtf8)) {
      const v = state.get(k)!;
      if (v === null) s.stateDel.run(k);
      else s.stateSet.run(k, v);
    }
    const { idInsert } = this.#fold!;
    for (const id of [...txIds.keys()].sort()) idInsert.run(Buffer.from(id, 'hex'), txIds.get(id));
    this.db.exec('DELETE FROM state_changes');
    s.metaSet.run('foldedSeq', String(foldedSeq));
  }

  #clearOverlay(): void {
    this.#pending.clear();
    this.#pendingIds.clear();
    this.#pendingBlocks = 0;
  }

  /** The overlay of the blocks since the last fold (one `state_changes` row each), from disk. */
  #loadOverlay(): void {
    const f = this.#fold;
    if (f === undefined) return;
    for (const row of f.changesAll.iterate()) {
      for (const [k, v] of JSON.parse(row) as [string, string | null][]) this.#pending.set(k, v);
      this.#pendingBlocks++;
    }
    for (const { id, seq } of f.idsFrom.iterate(Number(this.getMeta('foldedSeq') ?? 0)))
      this.#pendingIds.set(toHex(id), seq);
  }
}

/** Adds one block's state changes and transaction ids (hex, from `firstSeq` on) to an overlay. */
function addBlock(
  state: Map<string, string | null>,
  txIds: Map<string, number>,
  changes: ReadonlyMap<string, string | null>,
  ids: readonly string[],
  firstSeq: number,
): void {
  changes.forEach((v, k) => state.set(k, v));
  ids.forEach((id, i) => txIds.set(id, firstSeq + i));
}

/** `JSON.stringify([...changes])`, without the array of entries: a block's `state_changes` row. */
function changesJson(changes: ReadonlyMap<string, string | null>): string {
  let out = '[';
  changes.forEach((v, k) => {
    out += `${out.length === 1 ? '' : ','}[${JSON.stringify(k)},${JSON.stringify(v)}]`;
  });
  return `${out}]`;
}

function readMeta(db: Database.Database, key: string): string | undefined {
  const hasMeta = db
    .prepare<[], number>("SELECT COUNT(*) FROM sqlite_master WHERE name = 'meta'")
    .pluck()
    .get()!;
  if (hasMeta === 0) return undefined;
  return db.prepare<[string], string>('SELECT value FROM meta WHERE key = ?').pluck().get(key);
}

/**
 * Brings a version 1 or 2 store to the current layout in one transaction (all or nothing).
 * 1 → 2: the state rows move, unchanged, into a rowid table. 2 → 3: `txs` is rebuilt without its
 * UNIQUE id column constraint, the ids are copied into `tx_ids`, and the store counts as folded.
 */
function migrate(db: Database.Database, from: number): void {
  db.transaction(() => {
    if (from < 2)
      db.exec(`
        CREATE TABLE state_v2 (key TEXT NOT NULL PRIMARY KEY, value TEXT NOT NULL);
        INSERT INTO state_v2 (key, value) SELECT key, value FROM state ORDER BY key;
        DROP TABLE state;
        ALTER TABLE state_v2 RENAME TO state;`);
    const txsIndexed = db
      .prepare<[], number>(
        "SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND tbl_name = 'txs'",
      )
      .pluck()
      .get()!;
    if (txsIndexed > 0)
      db.exec(`
        CREATE TABLE txs_v3 (
          seq INTEGER PRIMARY KEY, id BLOB NOT NULL, height INTEGER NOT NULL,
          leaf BLOB NOT NULL, bytes BLOB NOT NULL);
        INSERT INTO txs_v3 (seq, id, height, leaf, bytes)
          SELECT seq, id, height, leaf, bytes FROM txs ORDER BY seq;
        DROP TABLE txs;
        ALTER TABLE txs_v3 RENAME TO txs;`);
    db.exec(`
      INSERT INTO tx_ids (id, seq) SELECT id, seq FROM txs ORDER BY id;
      INSERT INTO meta (key, value) SELECT 'foldedSeq', COUNT(*) FROM txs WHERE true
        ON CONFLICT(key) DO UPDATE SET value = excluded.value;
      UPDATE meta SET value = '${SCHEMA_VERSION}' WHERE key = 'schemaVersion';`);
  })();
}

/** Orders strings as SQLite's BINARY collation does (UTF-8 bytes, i.e. code points). */
function compareUtf8(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    // Surrogates (astral code points) sort after U+E000–U+FFFF in code point order.
    if (x >= 0xd800 && y >= 0xd800) {
      const sx = x < 0xe000;
      const sy = y < 0xe000;
      if (sx !== sy) return sx ? 1 : -1;
    }
    return x - y;
  }
  return a.length - b.length;
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
