/**
 * Store commit benchmark: blocks of 200 transactions (each with one new state key and one nonce
 * update, the shape of `bench.put`) committed through `SqliteStore.commitBlock`, at growing
 * ledger sizes, with the default fold (state and id index written every 32 blocks) and with a
 * fold in every block (what schema version 2 did). Bound, measured in the same run: the same
 * rows appended to tables without secondary indexes, one SQLite transaction per block — what a
 * commit costs if nothing but appending were done. Usage: npm run bench:store [-- --size N]
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { SqliteStore, type BlockHeader } from '../src/ledger/index.ts';
import { log, sizeArg, tempDir } from './common.ts';

const size = sizeArg(200_000);
const BLOCK = 200;
const SIGNERS = 1000;
const MEASURED = 64; // blocks timed at each size (two folds)
const STEPS = [0, Math.round(size / 4), size].filter((n, i, a) => a.indexOf(n) === i);
const zero = '0'.repeat(64);
const value = `{"at":1767225600000,"value":"value-${'x'.repeat(64)}"}`;
const txBytes = Buffer.alloc(370, 0x61);

function idOf(seq: number): Buffer {
  return createHash('sha256').update(`tx ${seq}`).digest();
}
const signerDid = (seq: number): string =>
  `did:rdid:${createHash('sha256')
    .update(`signer ${seq % SIGNERS}`)
    .digest('hex')
    .slice(0, 32)}`;

const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

interface Rows {
  readonly header: BlockHeader;
  readonly txs: { id: Buffer; leaf: Buffer; bytes: Buffer }[];
  readonly stateChanges: Map<string, string>;
}

function blockRows(height: number, firstSeq: number): Rows {
  const txs = [];
  const stateChanges = new Map<string, string>();
  for (let seq = firstSeq; seq < firstSeq + BLOCK; seq++) {
    const id = idOf(seq);
    txs.push({ id, leaf: id, bytes: txBytes });
    stateChanges.set(`core/nonce/${signerDid(seq)}#key-1`, String(seq));
    stateChanges.set(`bench/${signerDid(seq)}/k${seq}`, value);
  }
  const header = {
    height,
    prevHash: zero,
    txRoot: zero,
    stateRoot: zero,
    logSize: firstSeq + BLOCK,
    logRoot: zero,
    time: height,
  };
  return { header, txs, stateChanges };
}

/** Mean µs per transaction of {@link MEASURED} blocks at each step, appending blocks in between. */
function measure(label: string, commit: (rows: Rows) => void): Map<number, number> {
  const perStep = new Map<number, number>();
  let height = 0;
  const timed = (): number => {
    const rows = blockRows(height, height * BLOCK);
    const t0 = process.hrtime.bigint();
    commit(rows);
    height++;
    return Number(process.hrtime.bigint() - t0) / 1e3 / BLOCK;
  };
  for (const step of STEPS) {
    while (height * BLOCK < step) timed();
    // The mean over whole fold periods: a fold's cost is spread over the blocks it covers.
    perStep.set(step, mean(Array.from({ length: MEASURED }, timed)));
    log(`  ${label}: at ${step} txs, ${perStep.get(step)!.toFixed(1)} µs/tx`);
  }
  return perStep;
}

function runStore(dir: string, foldEvery: number): Map<number, number> {
  const store = SqliteStore.open(join(dir, `fold-${foldEvery}.sqlite`), {
    synchronous: 'normal',
    foldEvery,
  });
  const perStep = measure(`fold every ${foldEvery}`, (rows) =>
    store.commitBlock({ ...rows, hash: String(rows.header.height), signatures: [] }),
  );
  store.close();
  return perStep;
}

/** The bound: the same rows appended, no secondary index, one transaction per block. */
function runAppend(dir: string): Map<number, number> {
  const db = new Database(join(dir, 'append.sqlite'));
  db.pragma('page_size = 16384');
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec(`CREATE TABLE txs (seq INTEGER PRIMARY KEY, id BLOB, height INTEGER, leaf BLOB, bytes BLOB);
    CREATE TABLE changes (height INTEGER PRIMARY KEY, changes TEXT);`);
  const insTx = db.prepare('INSERT INTO txs VALUES (?, ?, ?, ?, ?)');
  const insChanges = db.prepare('INSERT INTO changes VALUES (?, ?)');
  const append = db.transaction((rows: Rows) => {
    const first = rows.header.logSize - BLOCK;
    rows.txs.forEach((t, i) => insTx.run(first + i, t.id, rows.header.height, t.leaf, t.bytes));
    insChanges.run(rows.header.height, JSON.stringify([...rows.stateChanges]));
  });
  const perStep = measure('append only', (rows) => append(rows));
  db.close();
  return perStep;
}

log(`store-commit: blocks of ${BLOCK} txs, measured at ${STEPS.join(', ')} committed txs`);
const dir = tempDir('realdid-bench-store-');
const bound = runAppend(dir);
const folded = runStore(dir, 32);
const everyBlock = runStore(dir, 1);
for (const step of STEPS)
  log(
    `at ${step} txs: ${folded.get(step)!.toFixed(1)} µs/tx (fold every 32), ${everyBlock.get(step)!.toFixed(1)} (every block), append-only bound ${bound.get(step)!.toFixed(1)}`,
  );
const at = (m: Map<number, number>): number => m.get(size)!;
console.log(
  JSON.stringify({
    bench: 'store-commit',
    txs: size,
    commitUsPerTx: Number(at(folded).toFixed(1)),
    everyBlockUsPerTx: Number(at(everyBlock).toFixed(1)),
    appendBoundUsPerTx: Number(at(bound).toFixed(1)),
    ratio: Number((at(bound) / at(folded)).toFixed(3)),
  }),
);
