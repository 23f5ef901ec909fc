/**
 * A throw-away 3-node NATS JetStream cluster for tests and benchmarks, started with the project's
 * own `scripts/nats-cluster.sh` in a fresh temporary folder on free ports, so test files running
 * in parallel never share servers. Nodes are stopped by PID only, and a process `exit` handler
 * SIGKILLs whatever a crashed test left running.
 *
 * @example
 * const skip = natsServerInstalled() ? false : NATS_MISSING;
 * const cluster = await startNatsCluster();
 * const nc = await connect({ servers: [...cluster.urls] });
 * await cluster.kill(await cluster.streamLeader('LEDGER'));
 * await cluster.stop();
 */
import { execFile, spawn } from 'node:child_process';
import { accessSync, closeSync, constants, mkdtempSync, openSync } from 'node:fs';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

/** `scripts/nats-cluster.sh`, which every cluster here is started and stopped with. */
export const NATS_CLUSTER_SCRIPT = fileURLToPath(
  new URL('../../scripts/nats-cluster.sh', import.meta.url),
);
/** The reason to skip with when {@link natsServerInstalled} is false. */
export const NATS_MISSING =
  'nats-server not installed (apt-get install nats-server; .ci/run does it)';

/** Nodes per cluster; node `i` (0-based) is the script's `n${i + 1}`. */
const NODES = 3;
/** Offsets of a node's route and monitoring ports from its client port (see the script). */
const ROUTE_OFFSET = 2000;
const MONITOR_OFFSET = 4000;
const START_ATTEMPTS = 3;
const READY_TIMEOUT_MS = 20_000;
const GONE_TIMEOUT_MS = 10_000;
const LEADER_TIMEOUT_MS = 10_000;

/** A running cluster started by {@link startNatsCluster}. */
export interface NatsCluster {
  /** The folder with the conf files, logs, PID files and JetStream stores (`nX/`). */
  readonly dir: string;
  /** Client URLs, index 0..2 = n1..n3. */
  readonly urls: readonly string[];
  /** The live PID of node `i` (0-based), or undefined when it is not running. */
  pid(i: number): number | undefined;
  /** Sends `signal` (SIGKILL by default) to node `i`; resolves once the process is gone. */
  kill(i: number, signal?: NodeJS.Signals): Promise<void>;
  /** Starts node `i` again from its conf file (same store dir); resolves when its /healthz is ok. */
  restart(i: number): Promise<void>;
  /** Index of the node leading `stream`, as that node's monitoring /jsz reports; retried ≤ 10 s. */
  streamLeader(stream: string): Promise<number>;
  /** `scripts/nats-cluster.sh stop --clean`: stops every node and deletes {@link NatsCluster.dir}. */
  stop(): Promise<void>;
}

/** PIDs started here and not yet seen gone, SIGKILLed on process exit. */
const livePids = new Set<number>();
let exitHandlerInstalled = false;

function installExitHandler(): void {
  if (exitHandlerInstalled) return;
  exitHandlerInstalled = true;
  process.on('exit', () => {
    for (const pid of livePids) if (isNatsPid(pid)) process.kill(pid, 'SIGKILL');
  });
}

/** The nats-server binary: `$NATS_SERVER` when set, else PATH, else Debian's /usr/sbin. */
function natsServerPath(): string | undefined {
  const fromEnv = process.env.NATS_SERVER;
  const candidates = fromEnv
    ? [fromEnv]
    : [...(process.env.PATH ?? '').split(delimiter).filter(Boolean), '/usr/sbin'].map((d) =>
        join(d, 'nats-server'),
      );
  return candidates.find((file) => {
    try {
      accessSync(file, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/** True when a nats-server binary is available (the same lookup as the script's). */
export function natsServerInstalled(): boolean {
  return natsServerPath() !== undefined;
}

/** True when `pid` is a live, non-zombie nats-server process (from /proc; PID 1 may reap late). */
function isNatsPid(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return comm === 'nats-server' && state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}

/** Runs the cluster script with `args`; rejects with its exit code and stderr on failure. */
function runScript(args: string[]): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(NATS_CLUSTER_SCRIPT, args, { timeout: 60_000 }, (err, stdout, stderr) => {
      if (err) {
        const code = (err as { code?: unknown }).code;
        reject(
          new Error(`nats-cluster.sh ${args.join(' ')} exited ${code}: ${stderr}`, { cause: err }),
        );
      } else resolve({ stdout, stderr });
    });
  });
}

/** True when nothing listens on 127.0.0.1:`port` (we could bind it). */
function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** A base port in 20000..39990 (a multiple of 10) whose nine cluster ports are all free. */
async function pickBasePort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 20_000 + Math.floor(Math.random() * 2_000) * 10;
    const ports = [0, 1, 2].flatMap((i) => [
      base + i,
      base + ROUTE_OFFSET + i,
      base + MONITOR_OFFSET + i,
    ]);
    const free = await Promise.all(ports.map(portFree));
    if (free.every(Boolean)) return base;
  }
  throw new Error('no free base port found for a NATS cluster');
}

/** GETs `path` from a node's monitoring port; undefined when it does not answer 2xx. */
async function monitor(port: number, path: string): Promise<unknown> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}${path}`, {
      signal: AbortSignal.timeout(2_000),
    });
    return res.ok ? await res.json() : undefined;
  } catch {
    return undefined;
  }
}

function checkIndex(i: number): void {
  if (!Number.isInteger(i) || i < 0 || i >= NODES) {
    throw new RangeError(`"i" expected a node index 0..${NODES - 1}, got ${i}`);
  }
}

function tail(file: string, lines = 15): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/** The leader of `stream` reported by the node on `port`, if it reports one. */
async function reportedLeader(port: number, stream: string): Promise<string | undefined> {
  const jsz = (await monitor(port, '/jsz?streams=true')) as
    | { account_details?: { stream_detail?: { name: string; cluster?: { leader?: string } }[] }[] }
    | undefined;
  const streams = (jsz?.account_details ?? []).flatMap((a) => a.stream_detail ?? []);
  return streams.find((s) => s.name === stream)?.cluster?.leader;
}

class Cluster implements NatsCluster {
  readonly dir: string;
  readonly urls: readonly string[];
  readonly basePort: number;
  readonly #pids: (number | undefined)[];
  readonly #bin: string;

  constructor(dir: string, basePort: number, urls: string[], bin: string) {
    this.dir = dir;
    this.basePort = basePort;
    this.urls = Object.freeze(urls);
    this.#bin = bin;
    this.#pids = [0, 1, 2].map((i) => {
      const pid = Number(readFileSync(join(dir, `n${i + 1}.pid`), 'utf8').trim());
      livePids.add(pid);
      return pid;
    });
  }

  pid(i: number): number | undefined {
    checkIndex(i);
    const pid = this.#pids[i];
    return pid !== undefined && isNatsPid(pid) ? pid : undefined;
  }

  async kill(i: number, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const pid = this.pid(i);
    if (pid === undefined) return;
    process.kill(pid, signal);
    const deadline = Date.now() + GONE_TIMEOUT_MS;
    while (isNatsPid(pid)) {
      if (Date.now() > deadline) throw new Error(`node n${i + 1} (pid ${pid}) survived ${signal}`);
      await sleep(20);
    }
    livePids.delete(pid);
    this.#pids[i] = undefined;
    rmSync(join(this.dir, `n${i + 1}.pid`), { force: true });
  }

  async restart(i: number): Promise<void> {
    if (this.pid(i) !== undefined) throw new Error(`node n${i + 1} is still running`);
    const name = `n${i + 1}`;
    const log = openSync(join(this.dir, `${name}.log`), 'a');
    const child = spawn(this.#bin, ['-c', join(this.dir, `${name}.conf`)], {
      stdio: ['ignore', log, log],
    });
    closeSync(log);
    child.unref();
    // A failed spawn (no pid) also emits 'error' later; the thrown error below reports it.
    child.once('error', () => undefined);
    const pid = child.pid;
    if (pid === undefined) throw new Error(`could not start node ${name} with ${this.#bin}`);
    livePids.add(pid);
    this.#pids[i] = pid;
    writeFileSync(join(this.dir, `${name}.pid`), `${pid}\n`);
    const port = this.basePort + MONITOR_OFFSET + i;
    const deadline = Date.now() + READY_TIMEOUT_MS;
    for (;;) {
      const health = (await monitor(port, '/healthz')) as { status?: string } | undefined;
      if (health?.status === 'ok' && this.pid(i) === pid) return;
      if (this.pid(i) === undefined || Date.now() > deadline) {
        throw new Error(
          `node ${name} did not become healthy:\n${tail(join(this.dir, `${name}.log`))}`,
        );
      }
      await sleep(50);
    }
  }

  async streamLeader(stream: string): Promise<number> {
    const deadline = Date.now() + LEADER_TIMEOUT_MS;
    for (;;) {
      // Followers can name a dead leader for a while; trust a live node that names itself.
      for (let i = 0; i < NODES; i++) {
        if (this.pid(i) === undefined) continue;
        const leader = await reportedLeader(this.basePort + MONITOR_OFFSET + i, stream);
        if (leader === `n${i + 1}`) return i;
      }
      if (Date.now() > deadline) throw new Error(`stream ${stream} has no leader after 10 s`);
      await sleep(100);
    }
  }

  async stop(): Promise<void> {
    await runScript(['stop', '--clean', '--dir', this.dir]);
    for (const pid of this.#pids) if (pid !== undefined) livePids.delete(pid);
    this.#pids.fill(undefined);
  }
}

/**
 * Starts a cluster with `scripts/nats-cluster.sh start` in a fresh temporary folder, on
 * `options.basePort` or on a free random base port (retried on a port race), and resolves once
 * every node is healthy and JetStream has a meta leader.
 * @throws when nats-server is missing or the cluster does not come up (with the script's stderr)
 */
export async function startNatsCluster(options: { basePort?: number } = {}): Promise<NatsCluster> {
  const bin = natsServerPath();
  if (bin === undefined) throw new Error(NATS_MISSING);
  installExitHandler();
  for (let attempt = 1; ; attempt++) {
    const basePort = options.basePort ?? (await pickBasePort());
    const dir = mkdtempSync(join(tmpdir(), 'realdid-nats-'));
    try {
      const { stdout } = await runScript(['start', '--dir', dir, '--base-port', String(basePort)]);
      const urls = stdout.trim().split('\n').at(-1)?.split(',') ?? [];
      if (urls.length !== NODES)
        throw new Error(`nats-cluster.sh printed ${JSON.stringify(stdout)}`);
      return new Cluster(dir, basePort, urls, bin);
    } catch (err) {
      // The script stops what it started; a port taken between our check and its start is retried.
      rmSync(dir, { recursive: true, force: true });
      if (options.basePort !== undefined || attempt >= START_ATTEMPTS) throw err;
    }
  }
}
