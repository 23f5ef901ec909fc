/**
 * Whole-chain verify benchmark: builds a ledger of N signed transactions through the solo
 * orderer, then re-checks it from genesis exactly as `realdid verify` does (signatures on worker
 * threads, re-execution, every Merkle and state root). Bound: this machine's single-thread
 * Ed25519 verify rate, measured in the same run. Usage: npm run bench:verify [-- --size N]
 */
import { join } from 'node:path';
import {
  ModuleRegistry,
  SqliteStore,
  verifyChain,
  WorkerPoolVerifier,
} from '../src/ledger/index.ts';
import { openLedgerNode } from '../src/node/index.ts';
import {
  benchGenesis,
  benchModules,
  log,
  makeSigners,
  makeTxs,
  measureEd25519VerifyRate,
  sizeArg,
  tempDir,
} from './common.ts';

const size = sizeArg(60_000);
log(`chain-verify: building a ledger of ${size} transactions`);
const verifyRate = measureEd25519VerifyRate();
log(`Ed25519 verify (1 thread): ${Math.round(verifyRate)}/s`);

const dir = tempDir('realdid-bench-');
const path = join(dir, 'ledger.sqlite');
const now = Date.now();
const { genesis, org } = benchGenesis(now - 1000);
const node = openLedgerNode({
  path,
  genesis,
  signer: { org: 'org1', multikey: org.multikey, keyPair: org.keyPair },
  modules: benchModules(),
  ordering: { maxBlockTxs: 2000, blockIntervalMs: 50, maxPending: 200_000 },
});
const signers = makeSigners(1000);
const CHUNK = 20_000;
for (let done = 0; done < size; done += CHUNK) {
  const txs = makeTxs(signers, Math.min(CHUNK, size - done), Date.now());
  const out = await Promise.all(
    Array.from({ length: Math.ceil(txs.length / 1000) }, (_, i) =>
      node.submit(txs.slice(i * 1000, i * 1000 + 1000)),
    ),
  );
  const bad = out.flat().find((o) => !o.ok);
  if (bad !== undefined && !bad.ok) throw new Error(`rejected: ${bad.error.code}`);
  log(`  built ${done + txs.length}/${size} (height ${node.chain.head.height})`);
}
await node.close();

const store = SqliteStore.open(path, { readonly: true });
const verifier = new WorkerPoolVerifier();
let lastLog = performance.now();
const t0 = performance.now();
const result = await verifyChain(store, new ModuleRegistry(benchModules()), {
  verifier,
  onProgress: (h, last, txs) => {
    if (performance.now() - lastLog > 1000) {
      lastLog = performance.now();
      log(`  verified height ${h}/${last}, ${txs} txs`);
    }
  },
});
const seconds = (performance.now() - t0) / 1000;
await verifier.close();
store.close();
if (!result.ok)
  throw new Error(`verify failed at ${result.height}: ${result.code} ${result.message}`);
const txPerSec = result.txs / seconds;
log(`verified ${result.txs} txs in ${result.height + 1} blocks in ${seconds.toFixed(2)} s`);
console.log(
  JSON.stringify({
    bench: 'chain-verify',
    txs: result.txs,
    seconds: Number(seconds.toFixed(2)),
    txPerSec: Math.round(txPerSec),
    ed25519VerifyPerSec: Math.round(verifyRate),
    ratio: Number((txPerSec / verifyRate).toFixed(3)),
  }),
);
