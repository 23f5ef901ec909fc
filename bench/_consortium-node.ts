/**
 * One organization's ledger node for bench/consortium.ts, in its own process: a file store, the
 * NATS orderer, one signature worker, and its own closed-loop load of pre-signed bench.put
 * transactions submitted straight to the orderer. Reads its config as JSON from argv[2], prints
 * `ready`, waits for `go` on stdin, then prints one JSON result line.
 *
 * With `replay: true` it is instead a new node that belongs to no organization (an observer): it
 * joins the chain the others left in the stream, replays it from genesis with this machine's
 * default signature workers, prints one JSON line (how long that took, its CPU, its head) and exits.
 */
import { availableParallelism } from 'node:os';
import { createInterface } from 'node:readline';
import { ed25519FromSeed, fromHex } from '../src/crypto/index.ts';
import {
  Chain,
  ModuleRegistry,
  NatsOrderer,
  SqliteStore,
  WorkerPoolVerifier,
  type GenesisDoc,
  type NodeSigner,
} from '../src/ledger/index.ts';
import { benchModules, makeSigners, makeTxs, procCpuUs } from './common.ts';

interface Config {
  readonly genesis: GenesisDoc;
  readonly org: string;
  readonly seedHex: string;
  readonly multikey: string;
  readonly path: string;
  readonly servers: string[];
  readonly txs: number;
  readonly chunk: number;
  readonly inFlight: number;
  readonly seconds: number;
}

interface ReplayConfig {
  readonly replay: true;
  readonly genesis: GenesisDoc;
  readonly path: string;
  readonly servers: string[];
}

/** The node's chain in its own file store; an organization's node signs, an observer does not. */
function openChain(path: string, genesis: GenesisDoc, signer?: NodeSigner): Chain {
  return Chain.open(
    SqliteStore.open(path, { synchronous: 'normal' }),
    new ModuleRegistry(benchModules()),
    { genesis, signer },
  );
}

/** Starts counting this process's CPU; the result gives µs per `n` of it all and of the main thread. */
function cpuMeter(): (n: number) => { cpuUsPerTx: number; mainCpuUsPerTx: number } {
  const all = process.cpuUsage();
  const main = procCpuUs(`/proc/self/task/${process.pid}/stat`);
  return (n) => {
    const used = process.cpuUsage(all);
    return {
      cpuUsPerTx: (used.user + used.system) / Math.max(1, n),
      mainCpuUsPerTx: (procCpuUs(`/proc/self/task/${process.pid}/stat`) - main) / Math.max(1, n),
    };
  };
}

const parsed = JSON.parse(process.argv[2]!) as Config | ReplayConfig;
if ('replay' in parsed) await replay(parsed);
const config = parsed as Config;
const chain = openChain(config.path, config.genesis, {
  org: config.org,
  multikey: config.multikey,
  keyPair: ed25519FromSeed(fromHex(config.seedHex)),
});
const verifier = new WorkerPoolVerifier(1);
const orderer = new NatsOrderer(chain, {
  servers: config.servers,
  verifier,
  maxPending: 1_000_000,
  applyTimeoutMs: 120_000,
});
const txs = makeTxs(makeSigners(256), config.txs, Date.now());
await orderer.connected;
await orderer.caughtUp;

/** Submit time of every transaction's chunk, and the height it committed at. */
const submittedAt: number[] = [];
const heightOf: number[] = [];
const finalAt = new Map<number, number>();
orderer.onFinal((h) => finalAt.set(h, performance.now()));

process.stdout.write('ready\n');
await new Promise<void>((resolve) => {
  createInterface({ input: process.stdin }).once('line', () => resolve());
});

const start = performance.now();
const cpuPerTx = cpuMeter();
const txsAtStart = chain.store.txCount();
const stopAt = start + config.seconds * 1000;
let next = 0;
let refused = 0;
async function lane(): Promise<void> {
  while (next < txs.length && performance.now() < stopAt) {
    const from = next;
    next = Math.min(next + config.chunk, txs.length);
    const t = performance.now();
    const out = await orderer.submit(txs.slice(from, next));
    out.forEach((o, i) => {
      submittedAt[from + i] = t;
      if (o.ok) heightOf[from + i] = o.height;
      else refused++;
    });
  }
}
await Promise.all(Array.from({ length: config.inFlight }, lane));
const submitEnd = performance.now();
// Wait (bounded) for the last blocks to become final.
const lastHeight = chain.head.height;
const waitUntil = performance.now() + 10_000;
while (performance.now() < waitUntil && ![...finalAt.keys()].some((h) => h >= lastHeight))
  await new Promise((r) => setTimeout(r, 20));

// CPU of the whole process (main thread and signature worker) per transaction it applied.
const cpu = cpuPerTx(chain.store.txCount() - txsAtStart);
const latencies: number[] = [];
let lastFinal = 0;
let finalized = 0;
for (let i = 0; i < next; i++) {
  const h = heightOf[i];
  if (h === undefined) continue;
  const f = finalAt.get(h);
  if (f === undefined) continue;
  finalized++;
  latencies.push(f - submittedAt[i]!);
  if (f > lastFinal) lastFinal = f;
}
process.stdout.write(
  `${JSON.stringify({
    org: config.org,
    submitted: next,
    refused,
    finalized,
    seconds: (lastFinal - start) / 1000,
    submitSeconds: (submitEnd - start) / 1000,
    latencies,
    ...cpu,
  })}\n`,
);
// Let the other nodes finish before this one stops signing.
await new Promise<void>((resolve) => {
  createInterface({ input: process.stdin }).once('line', () => resolve());
});
// The hashes of the last blocks: the nodes may stand a block or two apart at this moment, so the
// parent compares them at the lowest height they all have.
const recent: Record<number, string> = {};
for (let h = Math.max(0, chain.head.height - 20); h <= chain.head.height; h++)
  recent[h] = chain.store.block(h)!.hash;
process.stdout.write(`${JSON.stringify({ height: chain.head.height, recent })}\n`);
await orderer.close();
await verifier.close();
chain.store.close();
process.exit(0);

/** Joins as an observer, replays the whole stream, prints what it took and exits. */
async function replay(config: ReplayConfig): Promise<never> {
  const chain = openChain(config.path, config.genesis);
  const workers = Math.max(1, availableParallelism() - 1); // what `realdid node start` runs
  const verifier = new WorkerPoolVerifier(workers);
  const start = performance.now();
  const cpuPerTx = cpuMeter();
  const orderer = new NatsOrderer(chain, { servers: config.servers, verifier });
  const stuck = setTimeout(() => {
    process.stderr.write('replay: not caught up within 300 s\n');
    process.exit(1);
  }, 300_000);
  await orderer.connected;
  await orderer.caughtUp;
  clearTimeout(stuck);
  const seconds = (performance.now() - start) / 1000;
  const applied = chain.store.txCount();
  const cpu = cpuPerTx(applied);
  const head = chain.head.height;
  process.stdout.write(
    `${JSON.stringify({
      applied,
      seconds,
      workers,
      ...cpu,
      height: head,
      hash: chain.store.block(head)!.hash,
    })}\n`,
  );
  await orderer.close();
  await verifier.close();
  chain.store.close();
  process.exit(0);
}
