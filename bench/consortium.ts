/**
 * Consortium benchmark: a real 3-node NATS JetStream cluster (R3) and three ledger nodes, one per
 * organization, each in its own process with its own store, orderer and signature worker, each
 * submitting pre-signed bench.put transactions at full speed (closed loop) straight to its
 * orderer. Measured: transactions that reach finality (quorum-signed) per second and finality
 * latency p50/p99 (submit → the submitting node knows a quorum signed the block). Bounds measured
 * in the same run: the JetStream R3 async publish rate of tx-size messages, and the Ed25519 verify
 * rate of one thread (before and after the load; the faster counts); every node verifies every
 * transaction, so three nodes sharing the machine verify at most `ed25519VerifyPerSec × cores ÷ 3`.
 * Then a fourth node, of no organization, joins and replays the whole stream from genesis alone on
 * the machine: its rate (against `ed25519VerifyPerSec × cores`) is what one node applies with a
 * machine to itself.
 * Usage: npm run bench:consortium [-- --size N]   (N transactions per node, default 30 000)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { encodeMultikey, generateEd25519, toHex } from '../src/crypto/index.ts';
import { startNatsCluster } from '../test/helpers/nats.ts';
import {
  log,
  makeSigners,
  makeTxs,
  measureEd25519VerifyRate,
  procCpuUs,
  sizeArg,
  tempDir,
} from './common.ts';

const perNode = sizeArg(30_000);
const SECONDS = 12;
const CHUNK = 50;
const IN_FLIGHT = 4;

function percentile(sorted: readonly number[], p: number): number {
  return sorted.length === 0
    ? NaN
    : sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}

/** JetStream R3 async publish rate of `size`-byte messages, each with its own msg id. */
async function measurePublishRate(servers: readonly string[], size: number): Promise<number> {
  const nc = await connect({ servers: [...servers] });
  const jsm = await jetstreamManager(nc);
  await jsm.streams.add({ name: 'BOUND', subjects: ['bound'], num_replicas: 3 });
  const js = jetstream(nc);
  const payload = new Uint8Array(size).fill(0x61);
  const rates: number[] = [];
  for (let run = 0; run < 3; run++) {
    const n = 20_000;
    const t0 = performance.now();
    const window: Promise<unknown>[] = [];
    for (let i = 0; i < n; i++) {
      window.push(js.publish('bound', payload, { msgID: `r${run}-${i}` }));
      if (window.length >= 2000) await Promise.all(window.splice(0));
    }
    await Promise.all(window);
    rates.push(n / ((performance.now() - t0) / 1000));
  }
  await jsm.streams.delete('BOUND');
  await nc.close();
  return rates.sort((a, b) => a - b)[1]!;
}

interface NodeResult {
  org: string;
  submitted: number;
  refused: number;
  finalized: number;
  seconds: number;
  submitSeconds: number;
  latencies: number[];
  /** CPU time of the node's process (all threads) per transaction it applied, µs. */
  cpuUsPerTx: number;
  /** The part of it on the main thread (the rest: signature worker, V8's GC and compiler threads). */
  mainCpuUsPerTx: number;
}

interface ReplayResult {
  /** Transactions in the replayed chain. */
  applied: number;
  /** From starting the orderer to having applied everything the stream held. */
  seconds: number;
  /** Its signature worker threads (`realdid node start`'s default: one per core but one). */
  workers: number;
  cpuUsPerTx: number;
  mainCpuUsPerTx: number;
  height: number;
  hash: string;
}

function startNode(config: object): {
  child: ChildProcess;
  lines: AsyncIterator<string>;
} {
  const child = spawn(
    process.execPath,
    [
      ...(process.env.BENCH_CPU_PROF === undefined
        ? []
        : ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`]),
      ...(process.env.BENCH_NODE_FLAGS?.split(' ').filter(Boolean) ?? []),
      '--import',
      'tsx',
      join(import.meta.dirname, '_consortium-node.ts'),
      JSON.stringify(config),
    ],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  return { child, lines };
}

async function nextLine(lines: AsyncIterator<string>): Promise<string> {
  const r = await lines.next();
  if (r.done === true) throw new Error('a ledger node exited early');
  return r.value;
}

const cores = availableParallelism();
log(`consortium: 3 NATS servers + 3 ledger nodes on ${cores} cores, up to ${perNode} txs per node`);
// Measured again once the three nodes have stopped: the bound takes the faster of the two, so a
// moment the shared host is slow at one of them does not inflate the ratio.
const verifyAtStart = measureEd25519VerifyRate();
log(`Ed25519 verify (1 thread): ${Math.round(verifyAtStart)}/s`);
const sampleTx = makeTxs(makeSigners(1), 1, Date.now())[0]!;
const txSize = Buffer.byteLength(JSON.stringify(sampleTx));
const cluster = await startNatsCluster();
let children: ChildProcess[] = [];
try {
  const natsRate = await measurePublishRate(cluster.urls, txSize);
  log(`NATS JetStream R3 async publish, ${txSize}-byte messages: ${Math.round(natsRate)}/s`);

  const orgs = ['org1', 'org2', 'org3'].map((id) => {
    const { keyPair, seed } = generateEd25519();
    return { id, seed, multikey: encodeMultikey(keyPair.publicKey) };
  });
  const genesis = {
    chainId: `realdid-bench-${Date.now()}`,
    time: Date.now() - 1000,
    modules: {
      gov: {
        orgs: orgs.map((o) => ({ id: o.id, name: `Bench ${o.id}`, keys: [o.multikey] })),
        quorum: 2,
      },
    },
  };
  const dir = tempDir('realdid-bench-consortium-');
  const nodes = orgs.map((o) =>
    startNode({
      genesis,
      org: o.id,
      seedHex: toHex(o.seed),
      multikey: o.multikey,
      path: join(dir, `${o.id}.sqlite`),
      servers: cluster.urls,
      txs: perNode,
      chunk: CHUNK,
      inFlight: IN_FLIGHT,
      seconds: SECONDS,
    }),
  );
  children = nodes.map((n) => n.child);
  for (const n of nodes) if ((await nextLine(n.lines)) !== 'ready') throw new Error('not ready');
  log('all three nodes connected; submitting');
  const natsCpu = (): number =>
    [0, 1, 2].reduce(
      (a, i) => a + (cluster.pid(i) === undefined ? 0 : procCpuUs(`/proc/${cluster.pid(i)}/stat`)),
      0,
    );
  const natsCpuAtStart = natsCpu();
  for (const n of nodes) n.child.stdin!.write('go\n');
  const results = await Promise.all(
    nodes.map(async (n) => JSON.parse(await nextLine(n.lines)) as NodeResult),
  );
  const natsCpuUs = natsCpu() - natsCpuAtStart;
  for (const n of nodes) n.child.stdin!.write('done\n');
  const heads = await Promise.all(
    nodes.map(
      async (n) =>
        JSON.parse(await nextLine(n.lines)) as {
          height: number;
          recent: Record<number, string>;
        },
    ),
  );
  await Promise.all(nodes.map((n) => new Promise((resolve) => n.child.once('exit', resolve))));
  const verifyAfter = measureEd25519VerifyRate();
  const verifyRate = Math.max(verifyAtStart, verifyAfter);
  log(
    `Ed25519 verify (1 thread) again after the run: ${Math.round(verifyAfter)}/s; the bounds use the faster, ${Math.round(verifyRate)}/s`,
  );
  // A new node joins the chain the three left in the stream and replays it alone: what one node
  // applies per second with the machine to itself (as on a consortium member's own machine).
  log('a fourth node (an observer) replays the stream from genesis, alone on the machine');
  const replayer = startNode({
    replay: true,
    genesis,
    path: join(dir, 'observer.sqlite'),
    servers: cluster.urls,
  });
  children.push(replayer.child);
  const replay = JSON.parse(await nextLine(replayer.lines)) as ReplayResult;
  await new Promise((resolve) => replayer.child.once('exit', resolve));
  const common = Math.min(...heads.map((h) => h.height));
  // Each node sends its last 21 block hashes; a node further ahead than that is reported as such.
  const atCommon = heads.map((h) => h.recent[common] ?? 'out of window');
  const same = new Set(atCommon).size === 1 && atCommon[0] !== 'out of window';
  if (!same)
    log(
      `heights ${heads.map((h, i) => `${orgs[i]!.id} ${h.height}`).join(', ')}: block ${common}: ${atCommon.map((x) => x.slice(0, 12)).join(', ')}`,
    );
  const finalized = results.reduce((a, r) => a + r.finalized, 0);
  const refused = results.reduce((a, r) => a + r.refused, 0);
  const seconds = Math.max(...results.map((r) => r.seconds));
  const latencies = results.flatMap((r) => r.latencies).sort((a, b) => a - b);
  const finalTxPerSec = finalized / seconds;
  const verifyBound = (verifyRate * cores) / 3;
  const bound = Math.min(natsRate, verifyBound);
  for (const r of results)
    log(
      `  ${r.org}: ${r.finalized}/${r.submitted} final (${r.refused} refused) in ${r.seconds.toFixed(1)} s`,
    );
  log(
    `final ${Math.round(finalTxPerSec)} tx/s; finality p50 ${percentile(latencies, 0.5).toFixed(0)} ms, p99 ${percentile(latencies, 0.99).toFixed(0)} ms; heads ${same ? 'identical' : 'DIFFER'} at height ${common} (heights ${heads.map((h) => h.height).join(', ')})`,
  );
  const submittedOk = results.reduce((a, r) => a + r.submitted - r.refused, 0);
  log(
    `CPU per transaction: ledger nodes ${results.map((r) => `${r.cpuUsPerTx.toFixed(0)} (main thread ${r.mainCpuUsPerTx.toFixed(0)})`).join(' / ')} µs; Ed25519 verify alone ${(1e6 / verifyRate).toFixed(0)} µs; NATS servers ${(natsCpuUs / Math.max(1, submittedOk)).toFixed(0)} µs in all`,
  );
  log(
    `bound: min(NATS ${Math.round(natsRate)}/s, verify ${Math.round(verifyRate)}/s × ${cores} ÷ 3 = ${Math.round(verifyBound)}/s) = ${Math.round(bound)}/s`,
  );
  const replayTxPerSec = replay.applied / replay.seconds;
  const replaySeen = heads.map((h) => h.recent[replay.height]).filter((x) => x !== undefined);
  const replaySame = replaySeen.length > 0 && replaySeen.every((x) => x === replay.hash);
  log(
    `replay by a new node alone: ${replay.applied} txs in ${replay.seconds.toFixed(1)} s = ${Math.round(replayTxPerSec)} tx/s with ${replay.workers} signature worker(s) (bound: verify ${Math.round(verifyRate)}/s × ${cores} cores = ${Math.round(verifyRate * cores)}/s, ratio ${(replayTxPerSec / (verifyRate * cores)).toFixed(3)}); CPU per transaction ${replay.cpuUsPerTx.toFixed(0)} µs (main thread ${replay.mainCpuUsPerTx.toFixed(0)}); head ${replay.height} ${replaySame ? 'identical' : replaySeen.length === 0 ? "not among the nodes' last blocks" : 'DIFFERS'}`,
  );
  if (!same || !replaySame || refused > 0) process.exitCode = 1;
  console.log(
    JSON.stringify({
      bench: 'consortium',
      finalTxPerSec: Math.round(finalTxPerSec),
      natsPublishPerSec: Math.round(natsRate),
      ed25519VerifyPerSec: Math.round(verifyRate),
      cores,
      ratio: Number((finalTxPerSec / bound).toFixed(3)),
      finalityP50Ms: Math.round(percentile(latencies, 0.5)),
      finalityP99Ms: Math.round(percentile(latencies, 0.99)),
    }),
  );
} finally {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  await cluster.stop();
}
