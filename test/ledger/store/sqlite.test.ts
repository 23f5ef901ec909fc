/**
 * The SQLite store's layout versions: a new store is version 3 (rowid `state` table, 16 KiB
 * pages, transaction ids in `tx_ids`); a version 1 store (state in a WITHOUT ROWID table, ids a
 * UNIQUE column of `txs`) is read as it is when opened read-only, migrated in place when opened
 * for writing, and the node and `verify` accept the result; any other version is refused.
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
import { makeOrgs, openTestLedger } from '../../helpers/ledger.ts';

const PASS = 'store-test';

/** Turns a closed version 3 store's transaction tables back into the version 1 and 2 layout. */
const BEFORE_V3 = `
  CREATE TABLE txs_old (
    seq INTEGER PRIMARY KEY, id BLOB NOT NULL UNIQUE, height INTEGER NOT NULL,
    leaf BLOB NOT NULL, bytes BLOB NOT NULL);
  INSERT INTO txs_old SELECT seq, id, height, leaf, bytes FROM txs;
  DROP TABLE txs;
  ALTER TABLE txs_old RENAME TO txs;
  DROP TABLE tx_ids;
  DROP TABLE state_changes;
  DELETE FROM meta WHERE key = 'foldedSeq';`;
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
      ${BEFORE_V3}
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

/** The transaction ids in `table`, in id order. */
function txIds(path: string, table: 'txs' | 'tx_ids'): string[] {
  const db = new Database(path, { readonly: true });
  try {
    return db
      .prepare<[], Buffer>(`SELECT id FROM ${table} ORDER BY id`)
      .pluck()
      .all()
      .map((b) => b.toString('hex'));
  } finally {
    db.close();
  }
}

function txsIndexes(path: string): string[] {
  const db = new Database(path, { readonly: true });
  try {
    return db
      .prepare<[], string>(
        "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'txs'",
      )
      .pluck()
      .all();
  } finally {
    db.close();
  }
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

test('opened for writing, a version 1 store is migrated to version 3 with the same state and ids; the node opens it and verify passes', async () => {
  assert.equal(SCHEMA_VERSION, 3);
  const ids = txIds(dataPaths(data).ledger, 'txs');
  SqliteStore.open(dataPaths(data).ledger).close();
  const after = inspect(dataPaths(data).ledger);
  assert.deepEqual([after.version, after.layout], ['3', 'rowid']);
  assert.deepEqual(after.state, stateBefore);
  assert.deepEqual(txIds(dataPaths(data).ledger, 'tx_ids'), ids);
  assert.deepEqual(txsIndexes(dataPaths(data).ledger), [], 'txs has no id index left');
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
  db.exec("UPDATE meta SET value = '4' WHERE key = 'schemaVersion'");
  db.close();
  for (const readonly of [false, true])
    assert.throws(
      () => SqliteStore.open(path, { readonly }),
      (err) => isAppError(err, 'ERR_LEDGER_STORE') && /schema version 4 is not 3/.test(err.message),
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

test('a version 2 store with transactions is migrated to version 3: every id indexed in tx_ids, found, and verify passes', async () => {
  const path = join(work, 'v2.sqlite');
  const orgs = makeOrgs(1);
  const l = openTestLedger({ orgs, path });
  const committed: string[] = [];
  for (let i = 0; i < 40; i++)
    committed.push(
      (
        await l.submitOk(0, 'gov.propose', {
          change: { type: 'set-param', name: `p${i}`, value: i },
        })
      ).id,
    );
  await l.close();
  const db = new Database(path);
  db.exec(`${BEFORE_V3} UPDATE meta SET value = '2' WHERE key = 'schemaVersion';`);
  db.close();
  const ids = txIds(path, 'txs');
  assert.equal(ids.length, 40);
  SqliteStore.open(path).close();
  assert.equal(inspect(path).version, '3');
  assert.deepEqual(txIds(path, 'tx_ids'), ids);
  assert.deepEqual(txsIndexes(path), []);
  const store = SqliteStore.open(path, { readonly: true });
  try {
    for (const id of committed) assert.equal(store.txById(Buffer.from(id, 'hex'))?.id.length, 32);
    assert.equal(store.idIndexProblem(), undefined);
    const result = await verifyChain(store, new ModuleRegistry(defaultModules()));
    assert.equal(result.ok, true, JSON.stringify(result));
  } finally {
    store.close();
  }
  const reopened = openTestLedger({ orgs, path });
  assert.equal(reopened.node.chain.head.height, 40);
  assert.equal(reopened.node.chain.hasTx(committed[7]!), true);
  await reopened.close();
});
