/**
 * Ledger ingest benchmark: signed bench.put transactions submitted through the solo orderer
 * with full validation (schema, signature on worker threads, nonce, apply) and committed to
 * SQLite in blocks. Bound: this machine's single-thread Ed25519 verify rate, measured in the
 * same run. Usage: npm run bench:ledger [-- --size N]
 */
import { join } from 'node:path';
import { openLedgerNode } from '../src/node/index.ts';
import {
  benchGenesis,
  benchModules,
  log,
  makeSigners,
  makeTxs,
  measureEd25519VerifyRate,
  median,
  sizeArg,
  tempDir,
} from './common.ts';

const size = sizeArg(60_000);
const BATCH = 1000;
const IN_FLIGHT = 8;

log(`ledger-ingest: ${size} transactions, batches of ${BATCH}, ${IN_FLIGHT} batches in flight`);
const verifyRate = measureEd25519VerifyRate();
log(`Ed25519 verify (1 thread): ${Math.round(verifyRate)}/s`);

const now = Date.now();
const signers = makeSigners(1000);
const txs = makeTxs(signers, size, now, (i) => log(`  signing ${i}/${size}`));
const { genesis, org } = benchGenesis(now - 1000);
const dir = tempDir('realdid-bench-');
const node = openLedgerNode({
  path: join(dir, 'ledger.sqlite'),
  genesis,
  signer: { org: 'org1', multikey: org.multikey, keyPair: org.keyPair },
  modules: benchModules(),
  ordering: { maxBlockTxs: 4000, blockIntervalMs: 50, maxPending: 200_000 },
});

const t0 = performance.now();
let committed = 0;
let next = 0;
let lastReport = t0;
const rates: number[] = [];
let windowStart = t0;
let windowCommitted = 0;
async function worker(): Promise<void> {
  while (next < txs.length) {
    const batch = txs.slice(next, next + BATCH);
    next += BATCH;
    const out = await node.submit(batch);
    const bad = out.find((o) => !o.ok);
    if (bad !== undefined && !bad.ok)
      throw new Error(`rejected: ${bad.error.code} ${bad.error.message}`);
    committed += out.length;
    const t = performance.now();
    if (t - windowStart >= 1000) {
      rates.push(((committed - windowCommitted) * 1000) / (t - windowStart));
      windowStart = t;
      windowCommitted = committed;
    }
    if (t - lastReport > 1000) {
      log(`  committed ${committed}/${size} (height ${node.chain.head.height})`);
      lastReport = t;
    }
  }
}
await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
const seconds = (performance.now() - t0) / 1000;
await node.close();
const overall = committed / seconds;
const txPerSec = rates.length >= 3 ? median(rates) : overall;
log(
  `committed ${committed} in ${seconds.toFixed(2)} s: ${Math.round(overall)} tx/s overall, ${Math.round(txPerSec)} tx/s median of ${rates.length} one-second windows`,
);
console.log(
  JSON.stringify({
    bench: 'ledger-ingest',
    txs: committed,
    txPerSec: Math.round(txPerSec),
    overallTxPerSec: Math.round(overall),
    ed25519VerifyPerSec: Math.round(verifyRate),
    ratio: Number((txPerSec / verifyRate).toFixed(3)),
  }),
);
