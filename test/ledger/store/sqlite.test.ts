/**
 * The SQLite store's layout versions: a new store is version 2 (rowid `state` table, 16 KiB
 * pages); a version 1 store (state in a WITHOUT ROWID table) is read as it is when opened
 * read-only, migrated in place when opened for writing, and the node and `verify` accept the
 * result; any other version is refused.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import Database from 'better-sqlite3';
import { isAppError } from '../../../src/errors.ts';
import {
  ModuleRegistry,
  SCHEMA_VERSION,
  SqliteStore,
  verifyChain,
} from '../../../src/ledger/index.ts';
import {
  dataPaths,
  defaultModules,
  initDataDir,
  loadDataDir,
  openLedgerNode,
} from '../../../src/node/index.ts';

const PASS = 'store-test';
let work: string;
let data: string;
let stateBefore: [string, string][];

/** A node's genesis block, then the store turned back into the version 1 layout. */
before(async () => {
  work = mkdtempSync(join(tmpdir(), 'realdid-store-'));
  data = join(work, 'data');
  initDataDir(data, { passphrase: PASS });
  const node = openDataNode();
  await node.close();
  const db = new Database(dataPaths(data).ledger);
  try {
    assert.equal(db.pragma('page_size', { simple: true }), 16384);
    assert.equal(layout(db), 'rowid');
    db.exec(`
      CREATE TABLE state_v1 (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
      INSERT INTO state_v1 SELECT key, value FROM state;
      DROP TABLE state;
      ALTER TABLE state_v1 RENAME TO state;
      UPDATE meta SET value = '1' WHERE key = 'schemaVersion';`);
    assert.equal(layout(db), 'without rowid');
    stateBefore = db
      .prepare<[], [string, string]>('SELECT key, value FROM state ORDER BY key')
      .raw()
      .all();
  } finally {
    db.close();
  }
  assert.ok(
    stateBefore.length >= 8,
    `the genesis state has entries to migrate: ${stateBefore.length}`,
  );
});

after(() => {
  if (work !== undefined) rmSync(work, { recursive: true, force: true });
});

/** The node of the data folder (opening it checks the rebuilt trees against the head's roots). */
function openDataNode(): ReturnType<typeof openLedgerNode> {
  const { genesis, signer } = loadDataDir(data, PASS);
  return openLedgerNode({ path: dataPaths(data).ledger, genesis, signer, signatureThreads: 0 });
}

function layout(db: Database.Database): 'rowid' | 'without rowid' {
  const sql = db
    .prepare<[], string>("SELECT sql FROM sqlite_master WHERE name = 'state'")
    .pluck()
    .get()!;
  return /WITHOUT ROWID/i.test(sql) ? 'without rowid' : 'rowid';
}

function inspect(path: string): { version: string; layout: string; state: [string, string][] } {
  const db = new Database(path, { readonly: true });
  try {
    return {
      version: db
        .prepare<[], string>("SELECT value FROM meta WHERE key = 'schemaVersion'")
        .pluck()
        .get()!,
      layout: layout(db),
      state: db
        .prepare<[], [string, string]>('SELECT key, value FROM state ORDER BY key')
        .raw()
        .all(),
    };
  } finally {
    db.close();
  }
}

test('a version 1 store opened read-only is read as it is, and left at version 1', () => {
  const store = SqliteStore.open(dataPaths(data).ledger, { readonly: true });
  try {
    const [key, value] = stateBefore[0]!;
    assert.equal(store.stateGet(key), value);
    assert.deepEqual(
      [...store.stateEntries()].sort(([a], [b]) => (a < b ? -1 : 1)),
      stateBefore,
    );
  } finally {
    store.close();
  }
  assert.deepEqual(
    [inspect(dataPaths(data).ledger).version, inspect(dataPaths(data).ledger).layout],
    ['1', 'without rowid'],
  );
});

test('opened for writing, a version 1 store is migrated to version 2 with the same state; the node opens it and verify passes', async () => {
  assert.equal(SCHEMA_VERSION, 2);
  SqliteStore.open(dataPaths(data).ledger).close();
  const after = inspect(dataPaths(data).ledger);
  assert.deepEqual([after.version, after.layout], ['2', 'rowid']);
  assert.deepEqual(after.state, stateBefore);
  // the node rebuilds its trees from the migrated rows and checks them against the head's roots
  const node = openDataNode();
  assert.equal(node.chain.head.height, 0);
  await node.close();
  const store = SqliteStore.open(dataPaths(data).ledger, { readonly: true });
  try {
    const result = await verifyChain(store, new ModuleRegistry(defaultModules()));
    assert.equal(result.ok, true, JSON.stringify(result));
  } finally {
    store.close();
  }
});

test('a store of an unknown version is refused with ERR_LEDGER_STORE, read-only or not', () => {
  const path = join(work, 'future.sqlite');
  SqliteStore.open(path).close();
  const db = new Database(path);
  db.exec("UPDATE meta SET value = '3' WHERE key = 'schemaVersion'");
  db.close();
  for (const readonly of [false, true])
    assert.throws(
      () => SqliteStore.open(path, { readonly }),
      (err) => isAppError(err, 'ERR_LEDGER_STORE') && /schema version 3 is not 2/.test(err.message),
    );
});

test('a migration that fails is ERR_LEDGER_STORE and leaves the version 1 store as it was', () => {
  const path = join(work, 'stuck.sqlite');
  const db = new Database(path);
  db.exec(`
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
    INSERT INTO meta VALUES ('schemaVersion', '1');
    CREATE TABLE state (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
    INSERT INTO state VALUES ('gov/x', '1');
    CREATE TABLE state_v2 (x);`); // in the migration's way
  db.close();
  assert.throws(
    () => SqliteStore.open(path),
    (err) => isAppError(err, 'ERR_LEDGER_STORE') && /could not migrate/.test(err.message),
  );
  const after = inspect(path);
  assert.deepEqual(
    [after.version, after.layout, after.state],
    ['1', 'without rowid', [['gov/x', '1']]],
  );
});
