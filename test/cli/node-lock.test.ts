/**
 * One data folder, one node process: a second `realdid node start` on a folder in use fails at
 * once with ERR_CLI_DATA_DIR_LOCKED naming the holder's PID, a node killed with SIGKILL does not
 * block a restart, two simultaneous starts leave exactly one node, and `realdid verify` still
 * reads a live folder.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { DEMO_PASSPHRASE } from '../../src/node/index.ts';
import { BIN, ROOT, runRealdid, startNodeProcess, type NodeProcess } from '../helpers/cli.ts';

const ENV: NodeJS.ProcessEnv = {
  ...process.env,
  REALDID_PASSPHRASE: DEMO_PASSPHRASE,
  NO_COLOR: '1',
};
delete ENV.REALDID_URL;

const folders: string[] = [];
const children = new Set<ChildProcess>();
after(() => {
  for (const c of children)
    if (c.pid !== undefined && c.exitCode === null && c.signalCode === null)
      process.kill(c.pid, 'SIGKILL');
  for (const d of folders) rmSync(d, { recursive: true, force: true });
});

/** A fresh, initialized demo data folder. */
async function initialized(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'realdid-lock-'));
  folders.push(dir);
  const data = join(dir, 'data');
  const r = await runRealdid(['node', 'init', '--data', data, '--demo', '--json'], { env: ENV });
  assert.equal(r.code, 0, r.stderr);
  return data;
}

async function start(data: string): Promise<NodeProcess> {
  const n = await startNodeProcess(data, { env: ENV });
  children.add(n.child);
  return n;
}

async function stop(n: NodeProcess): Promise<void> {
  process.kill(n.child.pid!, 'SIGTERM');
  assert.equal(await n.exited, 0, n.stderr());
}

/** The last line of stderr of a `--json` run, parsed. */
function jsonError(stderr: string): {
  code: string;
  message: string;
  details?: Record<string, unknown>;
} {
  const lines = stderr.trim().split('\n');
  return JSON.parse(lines[lines.length - 1] ?? '') as {
    code: string;
    message: string;
    details?: Record<string, unknown>;
  };
}

test(
  'a second node start on a folder in use fails at once with ERR_CLI_DATA_DIR_LOCKED naming the PID; the first keeps serving',
  { timeout: 60_000 },
  async () => {
    const data = await initialized();
    const first = await start(data);
    try {
      const began = Date.now();
      // Before the fix, this second node started (and ran until the timeout killed it: code null).
      const second = await runRealdid(['node', 'start', '--data', data, '--port', '0', '--json'], {
        env: ENV,
        timeoutMs: 15_000,
      });
      assert.equal(
        second.code,
        1,
        `second start: exit ${second.code}; stdout ${second.stdout}; stderr ${second.stderr}`,
      );
      assert.equal(second.stdout, '', 'the second node printed no startup line');
      const err = jsonError(second.stderr);
      assert.equal(err.code, 'ERR_CLI_DATA_DIR_LOCKED', err.message);
      assert.equal(err.details?.pid, first.child.pid);
      assert.match(err.message, new RegExp(`\\b${first.child.pid}\\b`));
      assert.ok(Date.now() - began < 10_000, 'fails at once, not after a timeout');

      // The human form names the PID too.
      const human = await runRealdid(['node', 'start', '--data', data, '--port', '0'], {
        env: ENV,
        timeoutMs: 15_000,
      });
      assert.equal(human.code, 1);
      assert.match(
        human.stderr,
        new RegExp(`ERR_CLI_DATA_DIR_LOCKED: .*process ${first.child.pid}\\b`),
      );

      // The first node is unharmed and still commits.
      const health = (await (await fetch(`${first.url}/health`)).json()) as { status: string };
      assert.equal(health.status, 'ok');

      // verify reads the live folder (read-only, no lock needed).
      const v = await runRealdid(['verify', '--data', data, '--json', '--no-progress'], {
        env: ENV,
      });
      assert.equal(v.code, 0, v.stderr);
      assert.equal((JSON.parse(v.stdout) as { ok: boolean }).ok, true);
    } finally {
      await stop(first);
    }
    // Stopped cleanly: the folder is free again.
    await stop(await start(data));
  },
);

test(
  'a node killed with SIGKILL does not block a restart on its folder',
  { timeout: 60_000 },
  async () => {
    const data = await initialized();
    for (let i = 0; i < 2; i++) {
      const n = await start(data);
      process.kill(n.child.pid!, 'SIGKILL');
      assert.equal(await n.exited, null);
    }
    const again = await start(data);
    assert.equal(
      ((await (await fetch(`${again.url}/health`)).json()) as { status: string }).status,
      'ok',
    );
    await stop(again);
  },
);

/** Spawns `node start --demo --json --port 0` and settles with its startup line or its exit. */
function race(data: string): Promise<{
  child: ChildProcess;
  listening?: { url: string };
  exit?: number | null;
  stderr: string;
}> {
  const child = spawn(
    process.execPath,
    [BIN, 'node', 'start', '--data', data, '--demo', '--port', '0', '--json'],
    { cwd: ROOT, env: ENV, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  children.add(child);
  let out = '';
  let err = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
  return new Promise((resolve) => {
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      // The JSON startup line is pretty-printed: wait for its closing brace.
      if (/\n\}\n?$/.test(out))
        resolve({ child, listening: JSON.parse(out) as { url: string }, stderr: err });
    });
    child.once('exit', (code) => resolve({ child, exit: code, stderr: err }));
  });
}

test(
  'two simultaneous starts on one (even uninitialized) folder: exactly one node runs, the other gets ERR_CLI_DATA_DIR_LOCKED',
  { timeout: 90_000 },
  async () => {
    for (let round = 0; round < 2; round++) {
      const dir = mkdtempSync(join(tmpdir(), 'realdid-lock-race-'));
      folders.push(dir);
      const data = join(dir, 'data');
      const results = await Promise.all([race(data), race(data)]);
      const winners = results.filter((r) => r.listening !== undefined);
      const losers = results.filter((r) => r.listening === undefined);
      try {
        assert.equal(
          winners.length,
          1,
          `round ${round}: ${results.map((r) => `exit ${r.exit}: ${r.stderr}`).join(' | ')}`,
        );
        assert.equal(losers[0]!.exit, 1, losers[0]!.stderr);
        const err = jsonError(losers[0]!.stderr);
        assert.equal(err.code, 'ERR_CLI_DATA_DIR_LOCKED', err.message);
        assert.equal(err.details?.pid, winners[0]!.child.pid);
        const health = (await (await fetch(`${winners[0]!.listening!.url}/health`)).json()) as {
          status: string;
          height: number;
        };
        assert.equal(health.status, 'ok');
      } finally {
        for (const w of winners) {
          const exited = new Promise((resolve) => w.child.once('exit', resolve));
          process.kill(w.child.pid!, 'SIGTERM');
          assert.equal(await exited, 0);
        }
      }
      const v = await runRealdid(['verify', '--data', data, '--json', '--no-progress'], {
        env: ENV,
      });
      assert.equal(v.code, 0, v.stderr);
    }
  },
);
