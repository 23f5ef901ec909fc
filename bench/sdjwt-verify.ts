/**
 * SD-JWT VC verify benchmark: N distinct presentations (each its own credential: issuer
 * signature, 3 of 5 claims disclosed, a KB-JWT, a status entry), verified by our
 * verifySdJwtVcPresentation and, on the same presentations, by the stock @sd-jwt/sd-jwt-vc 0.19.0
 * verifier (its issuer and holder KeyObjects cached too, its status list token served from
 * memory). Bound: this machine's Ed25519 verify rate, measured in the same run: a presentation
 * costs at least two verifications. Then the same workload on a worker pool, one thread per core.
 * Usage: npm run bench:sdjwt [-- --size N]
 */
import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { createHeaderAndPayload, StatusList } from '@sd-jwt/jwt-status-list';
import { SDJwtVcInstance } from '@sd-jwt/sd-jwt-vc';
import { sha256 } from '../src/crypto/index.ts';
import { verifySdJwtVcPresentation } from '../src/credentials/index.ts';
import { log, measureEd25519VerifyRate, median, sizeArg } from './common.ts';
import { STATUS_URI, verifyOptionsOf } from './_sdjwt-worker.ts';
import { buildWorkload, HOLDERS, LIST_SIZE } from './_sdjwt-workload.ts';

const size = sizeArg(1500);
const ROUNDS = 7;
const POOL_ROUNDS = 3;
const POOL_MS = 1500;
const now = Math.floor(Date.now() / 1000);

log(`sdjwt-verify: ${size} presentations, ${HOLDERS} holders, 3 of 5 claims disclosed`);

const t0 = performance.now();
const w = await buildWorkload(size, now);
log(`  built in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
const options = verifyOptionsOf(w);

/**
 * The stock verifier, issuer and holder KeyObjects cached (holders by JWK x). As shipped it
 * fetches, decodes and inflates the status list token on every call (`statusListFetcher`); with
 * `cachedStatus` its status step reads the same in-memory bitset ours does, so the two compare
 * SD-JWT verification and not status-list decoding.
 */
function stockVerifier(cachedStatus: boolean): SDJwtVcInstance {
  const issuerKey = createPublicKey({ key: { ...w.issuerJwk }, format: 'jwk' });
  const holderKeys = new Map<string, KeyObject>();
  const bits = w.statusBits;
  const statuses = Array.from(
    { length: LIST_SIZE },
    (_, i) => ((bits[i >> 3] ?? 0) >> (i & 7)) & 1,
  );
  const { header, payload } = createHeaderAndPayload(
    new StatusList(statuses, 1),
    { iss: w.issuerDid, sub: STATUS_URI, iat: now - 60 },
    { alg: 'EdDSA', typ: 'statuslist+jwt' },
  );
  const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  const token = `${b64(header)}.${b64(payload)}.${'A'.repeat(86)}`; // trusted: see statusVerifier
  const check = (key: KeyObject, data: string, sig: string) =>
    verify(null, Buffer.from(data), key, Buffer.from(sig, 'base64url'));
  const instance = new SDJwtVcInstance({
    hasher: (data) => sha256(typeof data === 'string' ? Buffer.from(data) : new Uint8Array(data)),
    verifier: (data, sig) => check(issuerKey, data, sig),
    statusVerifier: () => true, // the token was checked once by whoever cached it
    statusListFetcher: () => Promise.resolve(token),
    kbVerifier: (data, sig, p) => {
      const jwk = (p.cnf as { jwk: { x: string } }).jwk;
      let key = holderKeys.get(jwk.x);
      if (key === undefined) {
        key = createPublicKey({ key: { ...jwk }, format: 'jwk' });
        holderKeys.set(jwk.x, key);
      }
      return check(key, data, sig);
    },
  });
  if (cachedStatus) {
    type Result = { payload: { status?: { status_list?: { idx: number; uri: string } } } };
    (instance as unknown as { verifyStatus: (r: Result) => Promise<void> }).verifyStatus = (r) => {
      const ref = r.payload.status?.status_list;
      if (ref?.uri !== STATUS_URI) return Promise.reject(new Error('unknown status list'));
      const value = ((bits[ref.idx >> 3] ?? 0) >> (ref.idx & 7)) & 1;
      return value === 0 ? Promise.resolve() : Promise.reject(new Error(`status ${value}`));
    };
  }
  return instance;
}
const stock = stockVerifier(true);
const stockAsShipped = stockVerifier(false);

async function pass(fn: (i: number) => Promise<unknown>): Promise<number> {
  const t = performance.now();
  for (let i = 0; i < size; i++) await fn(i);
  return size / ((performance.now() - t) / 1000);
}
const ours = (i: number) => verifySdJwtVcPresentation(w.presentations[i]!, options[i]!);
const stockOf = (v: SDJwtVcInstance) => (i: number) =>
  v.verify(w.presentations[i]!, { keyBindingNonce: w.nonces[i]!, currentDate: now });
const theirs = stockOf(stock);

await pass(ours); // warm-up (JIT, holder-key caches)
await pass(theirs);
// Each round measures the bound too, so a load spike on this shared machine hits all three.
const edRates: number[] = [];
const oursRates: number[] = [];
const stockRates: number[] = [];
for (let r = 0; r < ROUNDS; r++) {
  edRates.push(measureEd25519VerifyRate(1, 400));
  oursRates.push(await pass(ours));
  stockRates.push(await pass(theirs));
  log(
    `  round ${r + 1}: Ed25519 ${Math.round(edRates[r]!)}/s, ours ${Math.round(oursRates[r]!)}/s, ` +
      `stock ${Math.round(stockRates[r]!)}/s`,
  );
}
const ed25519Rate = median(edRates);
const perSec = median(oursRates);
const stockPerSec = median(stockRates);
const bound = ed25519Rate / 2;
log(`Ed25519 verify (1 thread, KeyObject reused): ${Math.round(ed25519Rate)}/s`);
log(`ours (1 thread): ${Math.round(perSec)}/s = ${(perSec / bound).toFixed(3)} × Ed25519 rate / 2`);
log(
  `stock @sd-jwt/sd-jwt-vc, same cached status (1 thread): ${Math.round(stockPerSec)}/s; ` +
    `ours ÷ stock = ${(perSec / stockPerSec).toFixed(2)}`,
);
await pass(stockOf(stockAsShipped));
const shipped = await pass(stockOf(stockAsShipped));
log(
  `  (stock as shipped, decoding the ${LIST_SIZE}-entry status list token per call: ${Math.round(shipped)}/s)`,
);

/** Starts one worker per core (TypeScript through tsx's loader, registered in the thread). */
function startPool(n: number): Worker[] {
  const api = import.meta.resolve('tsx/esm/api');
  const file = new URL('./_sdjwt-worker.ts', import.meta.url).href;
  const boot = `import(${JSON.stringify(api)}).then(({ register }) => { register(); return import(${JSON.stringify(file)}); })`;
  return Array.from({ length: n }, () => new Worker(boot, { eval: true, workerData: w }));
}
function ask(worker: Worker, ms: number): Promise<{ count: number; elapsedMs: number }> {
  return new Promise((resolve, reject) => {
    worker.once('message', (m: { count: number; elapsedMs: number; error?: string }) =>
      m.error === undefined ? resolve(m) : reject(new Error(m.error)),
    );
    worker.once('error', reject);
    worker.postMessage({ ms });
  });
}
const workers = availableParallelism();
const pool = startPool(workers);
await Promise.all(pool.map((p) => ask(p, 300))); // warm-up
const poolRates: number[] = [];
for (let r = 0; r < POOL_ROUNDS; r++) {
  const out = await Promise.all(pool.map((p) => ask(p, POOL_MS)));
  poolRates.push(out.reduce((s, o) => s + (o.count * 1000) / o.elapsedMs, 0));
}
await Promise.all(pool.map((p) => p.terminate()));
const poolPerSec = median(poolRates);
log(`ours on ${workers} worker threads: ${Math.round(poolPerSec)}/s`);

console.log(
  JSON.stringify({
    bench: 'sdjwt-verify',
    perSec: Math.round(perSec),
    stockPerSec: Math.round(stockPerSec),
    ed25519VerifyPerSec: Math.round(ed25519Rate),
    ratio: Number((perSec / bound).toFixed(3)),
    stockRatio: Number((perSec / stockPerSec).toFixed(3)),
    poolPerSec: Math.round(poolPerSec),
    workers,
  }),
);
