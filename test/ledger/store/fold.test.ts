/**
 * The store's overlay: between folds, blocks' state changes and transaction ids live in
 * `state_changes`, `txs` and memory. Against a plain model, every read (a key, all entries, a
 * prefix page, a transaction by id) must answer the same before and after a fold, across a clean
 * close (which folds) and across a close that skips the fold (as a crash does).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { isAppError } from '../../../src/errors.ts';
import { FOLD_BLOCKS, SqliteStore, type BlockHeader } from '../../../src/ledger/index.ts';

const work = mkdtempSync(join(tmpdir(), 'realdid-fold-'));
after(() => rmSync(work, { recursive: true, force: true }));

/** Keys sharing prefixes, with non-ASCII ones where UTF-16 and UTF-8 order differ. */
const KEYS = ['a/1', 'a/2', 'a/10', 'a/é', 'a/\uffee', 'a/😀', 'ab', 'b/x', 'b/y/z', 'c'];
const PREFIXES = ['', 'a/', 'a', 'b/', 'b/y/', 'c', 'd'];

type Op =
  | { readonly op: 'block'; readonly changes: [number, string | null][]; readonly txs: number }
  | { readonly op: 'fold' }
  | { readonly op: 'reopen' }
  | { readonly op: 'crash' };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 20,
    arbitrary: fc.record({
      op: fc.constant('block' as const),
      changes: fc.array(
        fc.tuple(
          fc.nat(KEYS.length - 1),
          fc.option(fc.string({ maxLength: 4 }).map((v) => JSON.stringify(v))),
        ),
        { maxLength: 4 },
      ),
      txs: fc.nat(3),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ op: 'fold' as const }) },
  { weight: 1, arbitrary: fc.constant({ op: 'reopen' as const }) },
  { weight: 1, arbitrary: fc.constant({ op: 'crash' as const }) },
);

function utf8Order(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** What `stateByPrefix` must answer, computed from the model in SQLite's byte order. */
function expectedPage(
  model: ReadonlyMap<string, string>,
  prefix: string,
  limit: number,
  after: string,
): { key: string; value: string }[] {
  const start = after > prefix ? `${after}\u0000` : prefix;
  const end = `${prefix}\uffff`;
  return [...model]
    .filter(([k]) => utf8Order(k, start) >= 0 && utf8Order(k, end) < 0)
    .sort(([a], [b]) => utf8Order(a, b))
    .slice(0, limit)
    .map(([key, value]) => ({ key, value }));
}

function header(height: number, logSize: number): BlockHeader {
  const zero = '0'.repeat(64);
  return {
    height,
    prevHash: zero,
    txRoot: zero,
    stateRoot: zero,
    logSize,
    logRoot: zero,
    time: height,
  };
}

function idOf(seq: number): Buffer {
  const id = Buffer.alloc(32);
  id.writeUInt32BE(seq, 0);
  id.writeUInt32BE((0x9e3779b9 ^ seq) >>> 0, 28); // not in seq order
  return id;
}

function checkReads(store: SqliteStore, model: ReadonlyMap<string, string>, logSize: number): void {
  for (const k of KEYS) assert.equal(store.stateGet(k), model.get(k), `stateGet(${k})`);
  assert.deepEqual(
    [...store.stateEntries()].sort(([a], [b]) => utf8Order(a, b)),
    [...model].sort(([a], [b]) => utf8Order(a, b)),
  );
  for (const prefix of PREFIXES)
    for (const limit of [1, 2, 100])
      for (const after of ['', ...KEYS])
        assert.deepEqual(
          store.stateByPrefix(prefix, limit, after),
          expectedPage(model, prefix, limit, after),
          `stateByPrefix(${JSON.stringify(prefix)}, ${limit}, ${JSON.stringify(after)})`,
        );
  for (let seq = 0; seq < logSize; seq++) assert.equal(store.txById(idOf(seq))?.seq, seq);
  assert.equal(store.txById(idOf(logSize)), undefined);
}

test('reads through the overlay equal the model, before and after folds, clean closes and crashes', () => {
  let run = 0;
  fc.assert(
    fc.property(fc.array(opArb, { minLength: 1, maxLength: 3 * FOLD_BLOCKS }), (ops) => {
      const path = join(work, `run-${run++}.sqlite`);
      let store = SqliteStore.open(path, { synchronous: 'normal' });
      const model = new Map<string, string>();
      let height = 0;
      let logSize = 0;
      try {
        for (const o of ops) {
          if (o.op === 'block') {
            const stateChanges = new Map<string, string | null>();
            for (const [i, v] of o.changes) stateChanges.set(KEYS[i]!, v);
            const txs = Array.from({ length: o.txs }, (_, i) => ({
              id: idOf(logSize + i),
              leaf: Buffer.alloc(32, 1),
              bytes: Buffer.from(`tx ${logSize + i}`),
            }));
            logSize += o.txs;
            store.commitBlock({
              header: header(height, logSize),
              hash: String(height),
              txs,
              stateChanges,
              signatures: [],
            });
            height++;
            for (const [k, v] of stateChanges)
              if (v === null) model.delete(k);
              else model.set(k, v);
          } else if (o.op === 'fold') {
            store.fold();
            assert.equal(store.idIndexProblem(), undefined);
          } else {
            if (o.op === 'reopen') store.close();
            else store.db.close(); // no fold: what a killed process leaves
            store = SqliteStore.open(path, { synchronous: 'normal' });
          }
          checkReads(store, model, logSize);
        }
        store.close();
        const db = new Database(path, { readonly: true });
        try {
          const rows = db.prepare<[], [string, string]>('SELECT key, value FROM state').raw().all();
          assert.deepEqual(
            new Map(rows),
            model,
            'after a clean close the state table alone holds the state',
          );
          assert.equal(db.prepare('SELECT COUNT(*) FROM state_changes').pluck().get(), 0);
        } finally {
          db.close();
        }
      } finally {
        if (store.db.open) store.db.close();
        rmSync(path, { force: true });
        rmSync(`${path}-wal`, { force: true });
        rmSync(`${path}-shm`, { force: true });
      }
    }),
    { numRuns: 40 },
  );
});

test('an id index pointing at another transaction is ERR_LEDGER_STORE, and verify-side checks name it', () => {
  const path = join(work, 'damaged.sqlite');
  const store = SqliteStore.open(path);
  store.commitBlock({
    header: header(0, 2),
    hash: '0',
    txs: [0, 1].map((seq) => ({ id: idOf(seq), leaf: Buffer.alloc(32), bytes: Buffer.from('x') })),
    stateChanges: new Map([['k', '1']]),
    signatures: [],
  });
  store.close();
  const db = new Database(path);
  db.prepare('UPDATE tx_ids SET seq = 1 - seq').run();
  db.close();
  const damaged = SqliteStore.open(path, { readonly: true });
  try {
    assert.throws(
      () => damaged.txById(idOf(0)),
      (err) => isAppError(err, 'ERR_LEDGER_STORE') && /id index/.test(err.message),
    );
    assert.match(damaged.idIndexProblem() ?? '', /0 of them matching/);
  } finally {
    damaged.close();
  }
});
