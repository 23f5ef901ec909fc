/**
 * `npm start` as a person runs it: SIGTERM to npm, Ctrl-C (SIGINT to the terminal's process
 * group) and npm dying without a word each stop the node cleanly, and nothing is left running or
 * holding the port. The data folder and port are overridden with npm arguments
 * (`npm start -- --data DIR --port 0`), which the CLI takes over the script's own.
 *
 * Before the fix, npm ran the script through `sh -c`: Debian's dash forwards no signal to its
 * child, so SIGTERM stopped npm and sh and left the node running on its port.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, test } from 'node:test';
import { HOLDER_FILE } from '../../src/node/index.ts';
import { ROOT, runRealdid } from '../helpers/cli.ts';

const LINUX = process.platform === 'linux';
const ENV: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
delete ENV.REALDID_PASSPHRASE;
delete ENV.REALDID_URL;

const folders: string[] = [];
const leftovers = new Set<number>();
after(() => {
  for (const pid of leftovers) if (alive(pid)) process.kill(pid, 'SIGKILL');
  for (const d of folders) rmSync(d, { recursive: true, force: true });
});

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  // A zombie (exited, not yet reaped by its parent) holds nothing.
  return !/^\d+ \(.*\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
}

/** Every descendant of `pid`, from /proc. */
function descendants(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const name of readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
    let stat: string;
    try {
      stat = readFileSync(`/proc/${name}/stat`, 'utf8');
    } catch {
      continue; // exited meanwhile
    }
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    children.set(ppid, [...(children.get(ppid) ?? []), Number(name)]);
  }
  const out: number[] = [];
  const walk = (p: number): void => {
    for (const c of children.get(p) ?? []) {
      out.push(c);
      walk(c);
    }
  };
  walk(pid);
  return out;
}

async function portIsFree(port: number): Promise<boolean> {
  const server = createServer();
  return new Promise((resolve) => {
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

interface NpmStart {
  readonly npm: ChildProcess;
  readonly port: number;
  /** The node and everything else npm started, seen while it was running. */
  readonly tree: number[];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  readonly stderr: () => string;
}

/** `npm start -- --data DATA --port 0` in its own process group (as a terminal would run it). */
async function npmStart(data: string): Promise<NpmStart> {
  const npm = spawn('npm', ['start', '--', '--data', data, '--port', '0'], {
    cwd: ROOT,
    env: ENV,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    npm.once('exit', (code, signal) => {
      leftovers.delete(npm.pid!); // gone: its PID may be reused by another test's process
      resolve({ code, signal });
    }),
  );
  let out = '';
  let err = '';
  npm.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`npm start did not listen; stdout ${out}; stderr ${err}`)),
      30_000,
    );
    npm.stdout.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      const m = /listening on http:\/\/127\.0\.0\.1:(\d+)\b/.exec(out);
      if (m !== null) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    void exited.then(({ code }) =>
      reject(new Error(`npm exited ${code} before listening; stdout ${out}; stderr ${err}`)),
    );
  });
  const tree = descendants(npm.pid!);
  for (const pid of [npm.pid!, ...tree]) leftovers.add(pid);
  return { npm, port, tree, exited, stderr: () => err };
}

/** Waits until none of `pids` runs, up to `ms`; answers those still running. */
async function survivors(pids: readonly number[], ms: number): Promise<number[]> {
  const until = Date.now() + ms;
  for (;;) {
    const left = pids.filter(alive);
    // A PID seen gone may be reused by any later process (another test file's node): forget it,
    // so the cleanup below never kills a stranger.
    for (const pid of pids) if (!left.includes(pid)) leftovers.delete(pid);
    if (left.length === 0 || Date.now() > until) return left;
    await sleep(50);
  }
}

function folder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'realdid-npm-start-'));
  folders.push(dir);
  return join(dir, 'data');
}

/** What a clean stop leaves: no process, a free port, no holder file, a ledger that verifies. */
async function assertStoppedCleanly(s: NpmStart, data: string): Promise<void> {
  assert.deepEqual(
    await survivors(s.tree, 10_000),
    [],
    `processes npm started are still running: ${s.stderr()}`,
  );
  assert.equal(await portIsFree(s.port), true, `port ${s.port} is still held`);
  assert.equal(existsSync(join(data, HOLDER_FILE)), false, 'the node released its data folder');
  const v = await runRealdid(['verify', '--data', data, '--json', '--no-progress'], { env: ENV });
  assert.equal(v.code, 0, v.stderr);
}

test('package.json start: a plain `npm start` still runs ./data on the configured port, with exec so signals reach the node', () => {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
    scripts: { start: string };
  };
  assert.match(
    pkg.scripts.start,
    /^exec node bin\/realdid\.js node start --data \.\/data --demo\b/,
  );
  assert.doesNotMatch(
    pkg.scripts.start,
    /--port/,
    'the port comes from node.json (127.0.0.1:8080 for a demo folder)',
  );
});

test(
  'npm start serves the explorer at its URL; SIGTERM to npm stops the node cleanly: exit 0, no process left, port free',
  { skip: !LINUX, timeout: 60_000 },
  async () => {
    const data = folder();
    const s = await npmStart(data);
    assert.ok(s.tree.length >= 1, 'npm started the node');
    // The printed URL is the explorer, and its script bundles from this checkout.
    const page = await fetch(`http://127.0.0.1:${s.port}/`);
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type') ?? '', /^text\/html/);
    assert.match(await page.text(), /<script type="module" src="\/web\/explorer\.js">/);
    const script = await fetch(`http://127.0.0.1:${s.port}/web/explorer.js`);
    assert.equal(script.status, 200, await script.clone().text());
    assert.match(script.headers.get('content-type') ?? '', /^text\/javascript/);
    assert.ok((await script.text()).length > 10_000, 'the bundled explorer');
    process.kill(s.npm.pid!, 'SIGTERM');
    const { code, signal } = await s.exited;
    // Before the fix: the node survived here, still listening.
    await assertStoppedCleanly(s, data);
    assert.match(s.stderr(), /SIGTERM: committing pending transactions and stopping/);
    assert.deepEqual({ code, signal }, { code: 0, signal: null }, s.stderr());
  },
);

test(
  'Ctrl-C (SIGINT to the whole process group, so the node gets it twice) stops it cleanly',
  { skip: !LINUX, timeout: 60_000 },
  async () => {
    const data = folder();
    const s = await npmStart(data);
    process.kill(-s.npm.pid!, 'SIGINT');
    const { code, signal } = await s.exited;
    await assertStoppedCleanly(s, data);
    assert.match(s.stderr(), /SIGINT: committing pending transactions and stopping/);
    assert.doesNotMatch(
      s.stderr(),
      /exiting without waiting/,
      'the duplicate SIGINT did not force an exit',
    );
    assert.deepEqual({ code, signal }, { code: 0, signal: null }, s.stderr());
  },
);

test(
  'npm killed with SIGKILL (no signal forwarded): the node notices it is orphaned and stops cleanly',
  { skip: !LINUX, timeout: 60_000 },
  async () => {
    const data = folder();
    const s = await npmStart(data);
    process.kill(s.npm.pid!, 'SIGKILL');
    await s.exited;
    await assertStoppedCleanly(s, data);
  },
);
