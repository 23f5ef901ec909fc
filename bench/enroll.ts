/**
 * Enrollment benchmark: enrollments per second at an identity authority's node, each a full front
 * office and wallet exchange over the HTTP API (`app.inject`: signed requests verified, JSON
 * Schemas): a challenge, the enrollment (person check, uniqueness tag, record sealed in the vault
 * file, idn.enroll committed on the SQLite ledger), then 5 credential copies (an SD-JWT VC each,
 * a random status index, the copy recorded in the vault). `--in-flight` enrollments run at once,
 * so the solo orderer batches their transactions into blocks; the master DIDs are created before
 * any timing. Bound: this machine's single-thread Ed25519 sign rate (KeyObject reused), measured
 * in the same run. Each round also times the pieces alone, by CPU time (robust to a shared
 * machine's other load), to say where the time goes; the rates are also given per CPU second.
 * A last round runs under the V8 CPU profiler, to say the same in place (`--no-profile`: skip it).
 * Usage: npm run bench:enroll [-- --size N (per round)] [--rounds R] [--in-flight K] [--no-profile]
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { ed25519FromSeed, utf8 } from '../src/crypto/index.ts';
import { signRequest } from '../src/did/index.ts';
import type { PersonInput } from '../src/identity/index.ts';
import { FileVault } from '../src/node/index.ts';
import {
  createWallets,
  openBenchAuthority,
  openStageLedger,
  PASSPHRASE,
  personOf,
  post,
  type BenchAuthority,
  type Wallet,
} from './_enroll-setup.ts';
import { withCpuProfile, profileSummary } from './_enroll-profile.ts';
import { measureStages, stageSummary, type StageTimes } from './_enroll-round.ts';
import { copyRequest, cpuNowUs, enrollRequest } from './_enroll-stages.ts';
import { log, median, sizeArg, tempDir } from './common.ts';

const intArg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(name);
  const n = i === -1 ? fallback : Number(process.argv[i + 1]);
  if (!Number.isSafeInteger(n) || n < 1) throw new Error(`${name} must be a positive integer`);
  return n;
};
const PER_ROUND = sizeArg(256);
const ROUNDS = intArg('--rounds', 5);
const IN_FLIGHT = intArg('--in-flight', 64);
const COPIES = 5;
const WARMUP = Math.min(PER_ROUND, 128);
const PROFILE = !process.argv.includes('--no-profile');

/**
 * Single-thread Ed25519 signatures with one reused KeyObject, over `ms`: per wall-clock second
 * and per CPU second of this process.
 */
function measureEd25519SignRate(ms: number): { wall: number; cpu: number } {
  const keyPair = ed25519FromSeed(randomBytes(32));
  const msgs = Array.from({ length: 64 }, (_, i) => utf8(`${i}:${'x'.repeat(250)}`));
  let n = 0;
  const c0 = cpuNowUs();
  const t0 = performance.now();
  while (performance.now() - t0 < ms) for (let i = 0; i < 64; i++, n++) keyPair.sign(msgs[i]!);
  return { wall: n / ((performance.now() - t0) / 1000), cpu: n / ((cpuNowUs() - c0) / 1e6) };
}

interface RoundResult {
  readonly enrollPerSec: number;
  /** CPU ms per enrollment, every thread of the process (the bench's own requests included). */
  readonly cpuMsPerEnroll: number;
  /** Share of the round the main thread's event loop was busy (1: saturated). */
  readonly loopBusy: number;
  readonly txsPerBlock: number;
  readonly latencyMs: { challenge: number; enroll: number; copy: number };
}

/** Enrolls `people[i]` with `wallets[i]`, `IN_FLIGHT` at a time, each with its copies. */
async function runRound(
  ia: BenchAuthority,
  people: readonly PersonInput[],
  wallets: readonly Wallet[],
  label: string,
): Promise<RoundResult> {
  // Requests that need no answer from the node are signed before the clock starts.
  const challenges = people.map(() =>
    signRequest('identity.challenge', ia.authority, {}, ia.operator),
  );
  const copies = wallets.map((w) =>
    Array.from({ length: COPIES }, () => copyRequest(ia.authority, w.master)),
  );
  const lat = { challenge: [] as number[], enroll: [] as number[], copy: [] as number[] };
  const timed = async (kind: keyof typeof lat, url: string, env: object): Promise<string> => {
    const t = performance.now();
    const body = await post(ia, url, env);
    lat[kind].push(performance.now() - t);
    return body;
  };
  let next = 0;
  let done = 0;
  const worker = async (): Promise<void> => {
    while (next < people.length) {
      const i = next++;
      const answer = await timed('challenge', '/v1/identity/challenges', challenges[i]!);
      const { challenge } = JSON.parse(answer) as { challenge: string };
      const env = enrollRequest(ia.authority, ia.operator, people[i]!, wallets[i]!, challenge);
      await timed('enroll', '/v1/identity/enrollments', env);
      for (const copy of copies[i]!) await timed('copy', '/v1/identity/copies', copy);
      done += 1;
    }
  };
  const progress = setInterval(() => log(`  ${label}: ${done}/${people.length} enrolled`), 1000);
  const h0 = ia.node.chain.head.height;
  const cpu0 = cpuNowUs();
  const elu0 = performance.eventLoopUtilization();
  const t0 = performance.now();
  try {
    await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  } finally {
    clearInterval(progress);
  }
  const seconds = (performance.now() - t0) / 1000;
  const cpu = cpuNowUs() - cpu0;
  const elu = performance.eventLoopUtilization(elu0);
  const n = people.length;
  return {
    enrollPerSec: n / seconds,
    cpuMsPerEnroll: cpu / 1000 / n,
    loopBusy: elu.utilization,
    txsPerBlock: n / Math.max(1, ia.node.chain.head.height - h0),
    latencyMs: {
      challenge: median(lat.challenge),
      enroll: median(lat.enroll),
      copy: median(lat.copy),
    },
  };
}

/** Every enrolled wallet of a round holds its copies (a check that the run did what it says). */
async function checkCopies(ia: BenchAuthority, wallets: readonly Wallet[]): Promise<void> {
  for (const w of [wallets[0]!, wallets.at(-1)!]) {
    const env = signRequest('identity.show', ia.authority, { did: w.did }, ia.operator);
    const view = JSON.parse(await post(ia, '/v1/identity/lookups', env)) as {
      status: string;
      copies: { issued: number };
    };
    if (view.status !== 'active' || view.copies.issued < COPIES)
      throw new Error(`${w.did}: ${view.status}, ${view.copies.issued} copies recorded`);
  }
}

log(
  `enroll: ${ROUNDS} rounds of ${PER_ROUND} enrollments (${COPIES} copies each), ${IN_FLIGHT} in flight, after a warm-up of ${WARMUP}`,
);
const dir = tempDir('realdid-bench-enroll-');
const ia = await openBenchAuthority(join(dir, 'ia'));
const total = WARMUP + (ROUNDS + (PROFILE ? 1 : 0)) * PER_ROUND;
log(`  data folder ${dir} (vault file + SQLite ledger); creating ${total} master DIDs`);
const t0 = performance.now();
const wallets = await createWallets(ia.node, 'ia', total);
const people = Array.from({ length: total }, (_, i) => personOf(i));
const stage = openStageLedger(join(dir, 'stage'), ia.ordering);
const stageVault = new FileVault(join(dir, 'stage', 'stage.vault'), PASSPHRASE);
log(
  `  master DIDs created in ${((performance.now() - t0) / 1000).toFixed(1)} s; ordering: blocks of up to ${ia.ordering.maxBlockTxs} txs or ${ia.ordering.blockIntervalMs} ms`,
);
log(
  `  Ed25519 per enrollment: ${1 + COPIES} signs (tx, credentials) and ${3 + 2 * COPIES} verifies (requests, proof, holder pops) on the main thread, 1 verify (tx) on the worker pool; ${2} signs by the bench client`,
);

const warm = wallets.slice(0, WARMUP);
await runRound(ia, people.slice(0, WARMUP), warm, 'warm-up');
await measureStages({
  ia,
  stage,
  stageVault,
  wallets: warm,
  people,
  round: 0,
  inFlight: IN_FLIGHT,
});
const rounds: RoundResult[] = [];
const stageRounds: StageTimes[] = [];
const signRates: { wall: number; cpu: number }[] = [];
for (let r = 0; r < ROUNDS; r++) {
  const from = WARMUP + r * PER_ROUND;
  const ws = wallets.slice(from, from + PER_ROUND);
  const res = await runRound(ia, people.slice(from, from + PER_ROUND), ws, `round ${r + 1}`);
  await checkCopies(ia, ws);
  rounds.push(res);
  const sign = measureEd25519SignRate(400);
  signRates.push(sign);
  log(
    `  round ${r + 1}: ${res.enrollPerSec.toFixed(1)} enroll/s, CPU ${res.cpuMsPerEnroll.toFixed(2)} ms/enroll, event loop ${(100 * res.loopBusy).toFixed(0)}% busy, ${res.txsPerBlock.toFixed(1)} txs/block; Ed25519 ${Math.round(sign.wall)} sign/s (${Math.round(sign.cpu)} per CPU s)`,
  );
  const o = { ia, stage, stageVault, wallets: ws, people, round: r + 1, inFlight: IN_FLIGHT };
  stageRounds.push(await measureStages(o));
  log(`  round ${r + 1}: stages timed`);
}
let profiled: ReturnType<typeof profileSummary> | undefined;
if (PROFILE) {
  const from = WARMUP + ROUNDS * PER_ROUND;
  const ws = wallets.slice(from, from + PER_ROUND);
  const { profile } = await withCpuProfile(() =>
    runRound(ia, people.slice(from, from + PER_ROUND), ws, 'profiled round'),
  );
  profiled = profileSummary(profile, PER_ROUND);
}
await ia.close();
await stage.close();
stageVault.close();

const med = (f: (r: RoundResult) => number): number => median(rounds.map(f));
const fixed = (x: number, digits: number): number => Number(x.toFixed(digits));
const enrollPerSec = med((r) => r.enrollPerSec);
const cpuMsPerEnroll = med((r) => r.cpuMsPerEnroll);
const signPerSec = median(signRates.map((s) => s.wall));
const signPerCpuSec = median(signRates.map((s) => s.cpu));
const latencyMs = {
  challenge: fixed(
    med((r) => r.latencyMs.challenge),
    1,
  ),
  enroll: fixed(
    med((r) => r.latencyMs.enroll),
    1,
  ),
  copy: fixed(
    med((r) => r.latencyMs.copy),
    1,
  ),
};
const summary = stageSummary(stageRounds, COPIES);
log(
  `enrollments: ${enrollPerSec.toFixed(1)}/s, median of ${ROUNDS} rounds (${(1000 / enrollPerSec).toFixed(2)} ms each by the wall clock; ${cpuMsPerEnroll.toFixed(2)} ms of CPU, all threads, bench client included)`,
);
log(
  `  latency medians: challenge ${latencyMs.challenge} ms, enroll ${latencyMs.enroll} ms, copy ${latencyMs.copy} ms; ${med((r) => r.txsPerBlock).toFixed(1)} txs/block; event loop ${(100 * med((r) => r.loopBusy)).toFixed(0)}% busy`,
);
log(
  `Ed25519 sign (1 thread, reused KeyObject): ${Math.round(signPerSec)}/s (${Math.round(signPerCpuSec)} per CPU second)`,
);
log(
  `ratio enroll/s ÷ sign/s: ${(enrollPerSec / signPerSec).toFixed(4)} by the wall clock, ${(1000 / cpuMsPerEnroll / signPerCpuSec).toFixed(4)} per CPU second`,
);
for (const line of summary.lines) log(line);
for (const line of profiled?.lines ?? []) log(line);
log(
  `  (the stages sum to ${summary.stages.sum} ms; the run used ${cpuMsPerEnroll.toFixed(2)} ms of CPU per enrollment)`,
);
console.log(
  JSON.stringify({
    bench: 'enroll',
    enrollments: ROUNDS * PER_ROUND,
    rounds: ROUNDS,
    inFlight: IN_FLIGHT,
    enrollPerSec: fixed(enrollPerSec, 1),
    copiesPerEnroll: COPIES,
    ed25519SignPerSec: Math.round(signPerSec),
    ratio: fixed(enrollPerSec / signPerSec, 5),
    cpuMsPerEnroll: fixed(cpuMsPerEnroll, 3),
    enrollPerCpuSec: fixed(1000 / cpuMsPerEnroll, 1),
    ed25519SignPerCpuSec: Math.round(signPerCpuSec),
    ratioCpu: fixed(1000 / cpuMsPerEnroll / signPerCpuSec, 5),
    txsPerBlock: fixed(
      med((r) => r.txsPerBlock),
      1,
    ),
    eventLoopBusy: fixed(
      med((r) => r.loopBusy),
      3,
    ),
    latencyMs,
    stages: summary.stages,
    perOpUs: summary.perOpUs,
    ...(profiled === undefined ? {} : { profileMsPerEnroll: profiled.groups }),
  }),
);
