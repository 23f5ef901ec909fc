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
  ingest,
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

const run = await ingest(node, txs, { batch: BATCH, inFlight: IN_FLIGHT });
const { committed, seconds, overall, perSec: txPerSec } = run;
await node.close();
log(
  `committed ${committed} in ${seconds.toFixed(2)} s: ${Math.round(overall)} tx/s overall, ${Math.round(txPerSec)} tx/s median of ${run.windows} one-second windows`,
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
