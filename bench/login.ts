/**
 * Login benchmark: complete OpenID4VP logins per second over real HTTP against the demo site's
 * verifier (examples/demo-site, `LoginVerifier`), each one: the browser starts a login
 * (`POST /login`, the site signs a request object), the wallet fetches the signed request object
 * and verifies it, presents its copy (3 HTTP requests so far), the site verifies the presentation
 * (SD-JWT VC: issuer signature and accreditation, status list, KB-JWT nonce, aud and sd_hash,
 * nonce once, DCQL, its registration) and the browser gets its session (`GET
 * /login/:id/continue`). The node and the site run in a forked process of their own (one CPU);
 * `--wallets` people log in at once from this process, each with their copy obtained before any
 * timing and the site's registration and key kept after their first login (as a wallet would).
 * Bound, measured in the same run (between rounds, when the site is idle): the one-thread
 * `verifySdJwtVcPresentation` rate of bench:sdjwt's workload (bench/_sdjwt-workload.ts). Medians
 * of `--rounds` rounds; p99 is each round's, median over rounds. Each round also gives the CPU
 * time per login of each process (the site's says what one site thread could serve alone).
 * `--profile` adds a profiled round of both processes: CPU per login by what the samples did, and
 * the hottest functions (`--profile-dir DIR` also writes both .cpuprofile files there).
 * Usage: npm run bench:login [-- --size N (logins per round)] [--rounds R] [--wallets K] [--profile [--profile-dir DIR]]
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { Profiler } from 'node:inspector';
import { Session } from 'node:inspector/promises';
import { createServer } from 'node:net';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { sha256, utf8 } from '../src/crypto/index.ts';
import { authFragment, deriveMasterKey, derivePairwise, planCreate } from '../src/did/index.ts';
import { initDataDir, loadKeyFile } from '../src/node/index.ts';
import { proveMasterDid, RealdidClient, type Holder } from '../src/sdk/index.ts';
import {
  BENCH_PASSPHRASE,
  profileOf,
  type ServerMessage,
  type ServerReady,
} from './_login-server.ts';
import { liteClient } from './_http-client.ts';
import { BenchBrowser, learnSite, oneLogin, type KnownSite } from './_login-wallet.ts';
import { personOf } from './_enroll-setup.ts';
import { verifyFor, verifyOptionsOf } from './_sdjwt-worker.ts';
import { buildWorkload } from './_sdjwt-workload.ts';
import { log, median, sizeArg, tempDir } from './common.ts';

const intArg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(name);
  const n = i === -1 ? fallback : Number(process.argv[i + 1]);
  if (!Number.isSafeInteger(n) || n < 1) throw new Error(`${name} must be a positive integer`);
  return n;
};
const PER_ROUND = sizeArg(2000);
const ROUNDS = intArg('--rounds', 5);
const WALLETS = intArg('--wallets', 8);
const PROFILE = process.argv.includes('--profile');
const PROFILE_DIR = ((): string | undefined => {
  const i = process.argv.indexOf('--profile-dir');
  if (i === -1) return undefined;
  const dir = process.argv[i + 1];
  if (dir === undefined || dir.startsWith('--') || !PROFILE)
    throw new Error('--profile-dir DIR needs a folder and --profile');
  mkdirSync(dir, { recursive: true });
  return dir;
})();
const TARGET_RATIO = 0.3;
const TARGET_P99_MS = 50;

/** A free TCP port on 127.0.0.1 (asked of the OS, then released for the server to listen on). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

/** Asks the server process one thing. */
function ask<T>(server: ChildProcess, m: ServerMessage): Promise<T> {
  return new Promise((resolve, reject) => {
    server.once('message', (a: T & { error?: string }) =>
      a.error === undefined ? resolve(a) : reject(new Error(a.error)),
    );
    server.send(m);
  });
}

/** Forks the node + demo site process on a data folder made for it; resolves once it listens. */
async function startServer(): Promise<{ server: ChildProcess; ready: ServerReady; dir: string }> {
  const dir = tempDir('realdid-bench-login-');
  const port = await freePort();
  initDataDir(dir, {
    passphrase: BENCH_PASSPHRASE,
    orgs: [{ id: 'org1', name: 'Bench Org' }],
    quorum: 1,
    time: Date.now() - 3_600_000,
    moduleInit: {
      idn: {
        authority: { name: 'Bench Identity Authority' },
        demoSite: { origins: [`http://127.0.0.1:${port}`] },
      },
    },
  });
  const server = fork(new URL('./_login-server.ts', import.meta.url), [dir, String(port)], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const ready = await new Promise<ServerReady>((resolve, reject) => {
    server.once('message', (m: ServerReady) => resolve(m));
    server.once('exit', (code) => reject(new Error(`the server process exited with ${code}`)));
  });
  return { server, ready, dir };
}

/** Enrolls `n` people (master DIDs on the ledger) and obtains each one's copy for the site. */
async function enrollHolders(
  client: RealdidClient,
  dir: string,
  siteUrl: string,
  n: number,
): Promise<Holder[]> {
  const config = JSON.parse(readFileSync(join(dir, 'node.json'), 'utf8')) as {
    modules: { idn: { authority: string } };
  };
  const authority = config.modules.idn.authority;
  const operator = {
    kid: `${authority}#operator`,
    keyPair: loadKeyFile(join(dir, 'keys', 'ia-operator.json'), BENCH_PASSPHRASE).keyPair,
  };
  return Promise.all(
    Array.from({ length: n }, async (_, i) => {
      const seed = sha256(utf8(`bench login wallet ${i}`));
      const plan = planCreate(seed);
      await client.signAndSubmit(plan.keyPair, plan.signer, plan.kind, plan.body);
      const master = {
        kid: `${plan.did}#${authFragment(0)}`,
        keyPair: deriveMasterKey(seed, 'auth', 0).keyPair,
      };
      const { challenge } = await client.identity.challenge(operator, authority);
      const proof = proveMasterDid(authority, challenge, master);
      await client.identity.enroll(operator, authority, {
        person: personOf(i),
        did: plan.did,
        proof,
      });
      const pw = derivePairwise(seed, siteUrl);
      const copy = await client.identity.requestCopy(authority, master, pw.keyPair);
      return { credential: copy.credential, keyPair: pw.keyPair, did: pw.did };
    }),
  );
}

interface Round {
  readonly loginsPerSec: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly serverCpuMs: number;
  readonly clientCpuMs: number;
  /** The site's requests to the node per login (cached registration, issuer and status: ~0). */
  readonly nodeRequests: number;
}

const quantile = (xs: number[], q: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
};
const cpuUs = (): number => {
  const u = process.cpuUsage();
  return u.user + u.system;
};

/** `count` logins, `WALLETS` at a time, each person in their own browser. */
async function runRound(
  server: ChildProcess,
  client: RealdidClient,
  site: KnownSite,
  holders: readonly Holder[],
  browsers: readonly BenchBrowser[],
  count: number,
): Promise<Round> {
  const latencies: number[] = [];
  let next = 0;
  const worker = async (k: number): Promise<void> => {
    while (next < count) {
      next += 1;
      const t = performance.now();
      await oneLogin(client, site, browsers[k]!, holders[k]!);
      latencies.push(performance.now() - t);
    }
  };
  const s0 = await ask<{ cpuUs: number; nodeRequests: number }>(server, 'cpu');
  const c0 = cpuUs();
  const t0 = performance.now();
  await Promise.all(holders.map((_, k) => worker(k)));
  const seconds = (performance.now() - t0) / 1000;
  const s1 = await ask<{ cpuUs: number; nodeRequests: number }>(server, 'cpu');
  return {
    loginsPerSec: count / seconds,
    p50Ms: quantile(latencies, 0.5),
    p99Ms: quantile(latencies, 0.99),
    serverCpuMs: (s1.cpuUs - s0.cpuUs) / 1000 / count,
    nodeRequests: (s1.nodeRequests - s0.nodeRequests) / count,
    clientCpuMs: (cpuUs() - c0) / 1000 / count,
  };
}

log(`login: ${ROUNDS} rounds of ${PER_ROUND} logins, ${WALLETS} wallets at once, over HTTP`);
const nowSec = Math.floor(Date.now() / 1000);
const workload = await buildWorkload(500, nowSec);
const verifyOptions = verifyOptionsOf(workload);
const verifyRate = async (ms: number): Promise<number> => {
  const r = await verifyFor(workload.presentations, verifyOptions, ms);
  return (r.count * 1000) / r.elapsedMs;
};
await verifyRate(300); // warm-up

const { server, ready, dir } = await startServer();
log(
  `  node ${ready.nodeUrl}, demo site ${ready.siteUrl} (${ready.siteDid}) in process ${server.pid}`,
);
const http = liteClient(2 * WALLETS);
const client = new RealdidClient({ url: ready.nodeUrl, fetch: http.fetch });
const t0 = performance.now();
const holders = await enrollHolders(client, dir, ready.siteUrl, WALLETS);
log(
  `  ${WALLETS} people enrolled with their copies in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
);
const browsers = holders.map(() => new BenchBrowser(ready.siteUrl, http));
const site = await learnSite(client, (await browsers[0]!.start()).link);
log(`  the wallet checked ${site.prompt.site.name} once (registration proven, key resolved)`);

await runRound(server, client, site, holders, browsers, Math.min(PER_ROUND, 500)); // warm-up
const rounds: Round[] = [];
const verifyRates: number[] = [];
for (let r = 0; r < ROUNDS; r++) {
  verifyRates.push(await verifyRate(700));
  const res = await runRound(server, client, site, holders, browsers, PER_ROUND);
  rounds.push(res);
  log(
    `  round ${r + 1}: ${Math.round(res.loginsPerSec)} logins/s (p50 ${res.p50Ms.toFixed(1)} ms, p99 ${res.p99Ms.toFixed(1)} ms; CPU per login: site+node ${res.serverCpuMs.toFixed(2)} ms, wallets+browsers ${res.clientCpuMs.toFixed(2)} ms; site→node requests ${res.nodeRequests.toFixed(2)}); verify ${Math.round(verifyRates[r]!)}/s`,
  );
}
if (PROFILE) {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 200 });
  await ask(server, 'profile-start');
  await session.post('Profiler.start');
  await runRound(server, client, site, holders, browsers, PER_ROUND);
  const { profile } = await session.post('Profiler.stop');
  session.disconnect();
  const remote = await ask<{ profile: Profiler.Profile }>(server, 'profile-stop');
  if (PROFILE_DIR !== undefined) {
    writeFileSync(join(PROFILE_DIR, 'login-server.cpuprofile'), JSON.stringify(remote.profile));
    writeFileSync(join(PROFILE_DIR, 'login-wallets.cpuprofile'), JSON.stringify(profile));
    log(`  profiles written to ${PROFILE_DIR}/login-{server,wallets}.cpuprofile`);
  }
  for (const [who, p] of [
    ['server process (node + site)', remote.profile],
    ['this process (wallets + browsers)', profile],
  ] as const) {
    const { groups, hot } = profileOf(p, PER_ROUND, 40);
    log(`  profiled round, ${who}: CPU ms per login by what the sample's own frame did`);
    for (const [g, ms] of groups) log(`    ${ms.toFixed(3).padStart(7)}  ${g}`);
    log(`  hottest functions (ms over the round):`);
    for (const [fn, ms] of hot) log(`    ${ms.toFixed(1).padStart(7)}  ${fn}`);
  }
}
await ask(server, 'stop');

const loginsPerSec = median(rounds.map((r) => r.loginsPerSec));
const verifyPerSec = median(verifyRates);
const p99Ms = median(rounds.map((r) => r.p99Ms));
const ratio = loginsPerSec / verifyPerSec;
const siteCpuMs = median(rounds.map((r) => r.serverCpuMs));
const walletCpuMs = median(rounds.map((r) => r.clientCpuMs));
log(
  `logins: ${Math.round(loginsPerSec)}/s, p99 ${p99Ms.toFixed(1)} ms (median of ${ROUNDS} rounds)`,
);
log(`verifySdJwtVcPresentation (1 thread): ${Math.round(verifyPerSec)}/s`);
log(
  `CPU per login: site+node ${siteCpuMs.toFixed(2)} ms (one site thread could serve ${Math.round(1000 / siteCpuMs)}/s = ${(1000 / siteCpuMs / verifyPerSec).toFixed(3)} × verify), wallets+browsers ${walletCpuMs.toFixed(2)} ms, on ${availableParallelism()} CPUs shared with them`,
);
log(
  `ratio ${ratio.toFixed(3)} (target ≥ ${TARGET_RATIO}: ${ratio >= TARGET_RATIO ? 'met' : 'NOT met'}); p99 target ≤ ${TARGET_P99_MS} ms: ${p99Ms <= TARGET_P99_MS ? 'met' : 'NOT met'}`,
);
console.log(
  JSON.stringify({
    bench: 'login',
    loginsPerSec: Math.round(loginsPerSec),
    verifyPerSec: Math.round(verifyPerSec),
    ratio: Number(ratio.toFixed(3)),
    p99Ms: Number(p99Ms.toFixed(1)),
  }),
);
