/**
 * The data folder lock (src/node/data-lock.ts) inside one process: startNode takes it, a second
 * node on the same folder fails with ERR_CLI_DATA_DIR_LOCKED before opening anything, and what a
 * crash leaves behind (a node.pid naming a dead or unrelated process) never blocks. The
 * cross-process cases (a second `realdid node start`, SIGKILL, simultaneous starts) are in
 * test/cli/node-lock.test.ts.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { isAppError } from '../../src/errors.ts';
import {
  dataPaths,
  HOLDER_FILE,
  initDataDir,
  LOCK_FILE,
  lockDataDir,
  readHolder,
  startNode,
} from '../../src/node/index.ts';

const PASS = 'lock-test';
const folders: string[] = [];
after(() => {
  for (const d of folders) rmSync(d, { recursive: true, force: true });
});

function folder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'realdid-datalock-'));
  folders.push(dir);
  return dir;
}

function start(dir: string) {
  return startNode({
    dataDir: dir,
    passphrase: PASS,
    host: '127.0.0.1',
    port: 0,
    signatureThreads: 0,
  });
}

test('lockDataDir: one holder at a time; node.pid names it; release frees the folder and removes node.pid', () => {
  const dir = folder();
  const lock = lockDataDir(dir);
  assert.deepEqual(readHolder(dir), {
    pid: process.pid,
    startedAt: lock.holder.startedAt,
    host: hostname(),
  });
  assert.ok(!Number.isNaN(Date.parse(lock.holder.startedAt)));
  assert.throws(
    () => lockDataDir(dir),
    (err) => {
      assert.ok(isAppError(err, 'ERR_CLI_DATA_DIR_LOCKED'), String(err));
      assert.equal(err.details?.pid, process.pid);
      assert.equal(err.details?.startedAt, lock.holder.startedAt);
      assert.match(err.message, new RegExp(`process ${process.pid} \\(this process\\)`));
      return true;
    },
  );
  lock.release();
  assert.equal(existsSync(join(dir, HOLDER_FILE)), false);
  assert.equal(existsSync(join(dir, LOCK_FILE)), true, 'node.lock is never deleted');
  lock.release(); // a second release does nothing
  const again = lockDataDir(dir);
  again.release();
});

test('a node.pid left by a crash (dead PID) or naming an unrelated live process (PID reuse) does not block', () => {
  const dir = folder();
  // A dead process: PIDs above the kernel's pid_max (at most 2^22) never exist.
  writeFileSync(
    join(dir, HOLDER_FILE),
    `${2 ** 22 + 7}\n2020-01-01T00:00:00.000Z\n${hostname()}\n`,
  );
  const a = lockDataDir(dir);
  assert.equal(readHolder(dir)?.pid, process.pid, 'the stale node.pid was overwritten');
  a.release();
  // A live process that holds no lock (here the test runner's parent).
  writeFileSync(
    join(dir, HOLDER_FILE),
    `${process.ppid}\n2020-01-01T00:00:00.000Z\n${hostname()}\n`,
  );
  const b = lockDataDir(dir);
  assert.equal(readHolder(dir)?.pid, process.pid);
  b.release();
  // Garbage in node.pid is not a holder either.
  writeFileSync(join(dir, HOLDER_FILE), 'not a pid file');
  lockDataDir(dir).release();
});

test(
  'a lock held by another process: ERR_CLI_DATA_DIR_LOCKED with its PID; free again once it is SIGKILLed',
  { timeout: 30_000 },
  async () => {
    const dir = folder();
    const script = `import { lockDataDir } from ${JSON.stringify(new URL('../../src/node/data-lock.ts', import.meta.url).href)};
lockDataDir(${JSON.stringify(dir)}); process.stdout.write('locked\\n'); setInterval(() => {}, 1000);`;
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', script],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const exited = new Promise((resolve) => child.once('exit', resolve));
    try {
      await new Promise<void>((resolve, reject) => {
        child.stdout
          .setEncoding('utf8')
          .on('data', (d: string) => d.includes('locked') && resolve());
        child.once('exit', (code) => reject(new Error(`lock holder exited ${code}`)));
      });
      assert.throws(
        () => lockDataDir(dir),
        (err) => {
          assert.ok(isAppError(err, 'ERR_CLI_DATA_DIR_LOCKED'), String(err));
          assert.equal(err.details?.pid, child.pid);
          assert.doesNotMatch(err.message, /this process/);
          return true;
        },
      );
    } finally {
      child.kill('SIGKILL');
      await exited;
    }
    assert.equal(readHolder(dir)?.pid, child.pid, 'a crash leaves node.pid behind');
    const lock = lockDataDir(dir);
    assert.equal(readHolder(dir)?.pid, process.pid);
    lock.release();
  },
);

test('lockDataDir on a missing folder, or on a node.lock that is not a lock file: ERR_CLI_DATA_DIR', () => {
  const dir = folder();
  assert.throws(
    () => lockDataDir(join(dir, 'nope')),
    (err) => isAppError(err, 'ERR_CLI_DATA_DIR'),
  );
  assert.equal(existsSync(join(dir, 'nope')), false, 'nothing created');
  writeFileSync(join(dir, LOCK_FILE), 'x'.repeat(4096));
  assert.throws(
    () => lockDataDir(dir),
    (err) => isAppError(err, 'ERR_CLI_DATA_DIR') && /node\.lock/.test(err.message),
  );
});

test(
  'startNode holds the folder: a second startNode on it fails with ERR_CLI_DATA_DIR_LOCKED and opens nothing; close frees it',
  { timeout: 30_000 },
  async () => {
    const dir = folder();
    initDataDir(dir, { passphrase: PASS, time: 1_700_000_000_000 });
    const first = await start(dir);
    try {
      await assert.rejects(
        start(dir),
        (err) => isAppError(err, 'ERR_CLI_DATA_DIR_LOCKED') && err.details?.pid === process.pid,
      );
      // The first node still commits and serves.
      const health = (await (await fetch(`${first.url}/health`)).json()) as { status: string };
      assert.equal(health.status, 'ok');
    } finally {
      await first.close();
    }
    assert.equal(existsSync(dataPaths(dir).holder), false);
    const second = await start(dir);
    assert.equal(readFileSync(dataPaths(dir).holder, 'utf8').split('\n')[0], String(process.pid));
    await second.close();
  },
);

test('startNode on a folder that is not initialized: ERR_CLI_DATA_DIR, and no lock file is left there', async () => {
  const dir = folder();
  await assert.rejects(start(dir), (err) => isAppError(err, 'ERR_CLI_DATA_DIR'));
  assert.equal(existsSync(join(dir, LOCK_FILE)), false);
});

test('a startNode that fails after taking the lock (wrong passphrase) releases it', async () => {
  const dir = folder();
  initDataDir(dir, { passphrase: PASS, time: 1_700_000_000_000 });
  await assert.rejects(
    startNode({ dataDir: dir, passphrase: 'wrong', host: '127.0.0.1', port: 0 }),
    (err) => isAppError(err, 'ERR_CRYPTO_WRONG_PASSPHRASE'),
  );
  lockDataDir(dir).release();
});
