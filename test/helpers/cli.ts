/**
 * The `realdid` command line as a child process, shared by the CLI and ledger tests: one run to
 * completion, or a node started with `node start --port 0` and awaited until it listens.
 *
 * @example
 * const r = await runRealdid(['verify', '--data', dir, '--json']);
 * const node = await startNodeProcess(data, { env: { ...process.env, REALDID_PASSPHRASE: 'pw' } });
 * process.kill(node.child.pid!, 'SIGTERM');
 * assert.equal(await node.exited, 0);
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after } from 'node:test';
import { fileURLToPath } from 'node:url';

/** The repository root (with a trailing separator): the default working folder of every run. */
export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** The published entry point (`bin/realdid.js`: the TypeScript sources through tsx's loader). */
export const REAL_BIN = join(ROOT, 'bin', 'realdid.js');

/**
 * The CLI entry point the tests run with the current `node` binary: the same sources as
 * {@link REAL_BIN}, bundled by esbuild (tsx's own transformer) once per test process, because
 * loading them through tsx costs about 1.5 CPU-seconds per spawn and the CLI tests spawn
 * hundreds. `REALDID_TEST_REAL_BIN=1` runs `bin/realdid.js` itself; `npm start` (tested in
 * npm-start.test.ts) always does.
 */
export const BIN = process.env.REALDID_TEST_REAL_BIN === '1' ? REAL_BIN : await bundleCli();

async function bundleCli(): Promise<string> {
  const { build } = await import('esbuild');
  const cache = join(ROOT, 'node_modules', '.cache');
  mkdirSync(cache, { recursive: true });
  const dir = mkdtempSync(join(cache, 'realdid-cli-'));
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  const outfile = join(dir, 'realdid.mjs');
  await build({
    entryPoints: [join(ROOT, 'src', 'cli', 'main.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external', // resolved from node_modules, as bin/realdid.js resolves them
    logLevel: 'error',
  });
  return outfile;
}

/** A finished run: the exit code (null when a signal ended it) and everything it printed. */
export type Run = { code: number | null; stdout: string; stderr: string };

/** Where and how a child runs. Without `env` it inherits this process's environment. */
export interface RunOptions {
  readonly env?: NodeJS.ProcessEnv;
  /** Working folder, {@link ROOT} by default. */
  readonly cwd?: string;
}

/** A `realdid node start` child process that has printed its URL and height. */
export interface NodeProcess {
  readonly child: ChildProcess;
  /** The `http://host:port` base URL the node printed. */
  readonly url: string;
  /** The height the node reported at start-up. */
  readonly startHeight: number;
  /** Resolves with the exit code (null when a signal ended it) once the child has exited. */
  readonly exited: Promise<number | null>;
  /** Everything the child printed on stderr so far. */
  readonly stderr: () => string;
}

/**
 * Runs `node bin/realdid.js ...args` to completion with stdin closed.
 * `timeoutMs` (none by default) sends SIGTERM to a run that takes longer; it then ends with code null.
 * @throws the spawn error when the child cannot be started
 */
export function runRealdid(
  args: string[],
  options: RunOptions & { readonly timeoutMs?: number } = {},
): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: options.cwd ?? ROOT,
      env: options.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    const timer =
      options.timeoutMs === undefined
        ? undefined
        : setTimeout(() => child.kill('SIGTERM'), options.timeoutMs);
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/**
 * Spawns `realdid node start --data DATA --port 0` and resolves once its stdout has printed both
 * `at height N` and `listening on http://…`. Rejects, with what it printed, if the child exits
 * first, or after `timeoutMs` (20 s by default; the child is then SIGKILLed). Stopping a started
 * node is the caller's job.
 */
export function startNodeProcess(
  data: string,
  options: RunOptions & { readonly timeoutMs?: number } = {},
): Promise<NodeProcess> {
  const child = spawn(process.execPath, [BIN, 'node', 'start', '--data', data, '--port', '0'], {
    cwd: options.cwd ?? ROOT,
    env: options.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  let out = '';
  let err = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
  return new Promise<NodeProcess>((resolve, reject) => {
    const timeoutMs = options.timeoutMs ?? 20_000;
    const timer = setTimeout(() => {
      if (child.pid !== undefined && child.exitCode === null && child.signalCode === null)
        process.kill(child.pid, 'SIGKILL');
      reject(new Error(`node did not start in ${timeoutMs} ms; stdout ${out}; stderr ${err}`));
    }, timeoutMs);
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      // Whole lines only, so a number or URL cut between two chunks is never taken.
      const url = /listening on (http:\/\/\S+)[^\n]*\n/.exec(out)?.[1];
      const height = /at height (\d+)[^\n]*\n/.exec(out)?.[1];
      if (url !== undefined && height !== undefined) {
        clearTimeout(timer);
        resolve({ child, url, startHeight: Number(height), exited, stderr: () => err });
      }
    });
    child.once('error', (e) => {
      clearTimeout(timer);
      reject(new Error(`node could not be spawned: ${e.message}`));
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(
        new Error(
          `node exited before listening (code ${code}, signal ${child.signalCode}); stdout ${out}; stderr ${err}`,
        ),
      );
    });
  });
}

/** Temporary folders of one test file (removed after it) and the environment of its runs. */
export interface CliSandbox {
  /** A temporary folder holding `files` (path → content), as changesets' `gitdir` builds one. */
  readonly folder: (files?: Record<string, string>) => string;
  /** The environment of a run: no passphrase or node URL inherited from the caller's shell. */
  readonly env: (extra: Record<string, string>) => NodeJS.ProcessEnv;
  /** Runs `realdid args` in the sandbox's environment plus `extra`. */
  readonly realdid: (args: string[], extra?: Record<string, string>) => Promise<Run>;
  /** Runs `realdid args --json`, which must exit 0, and parses its stdout. */
  readonly json: <T = Record<string, unknown>>(
    args: string[],
    extra?: Record<string, string>,
  ) => Promise<T>;
  /** Runs `realdid args --json`, which must fail: checks the exit code, the error code on stderr and an empty stdout. */
  readonly fails: (
    args: string[],
    exit: number,
    code: string,
    extra?: Record<string, string>,
  ) => Promise<{ code: string; message: string }>;
}

/**
 * A sandbox for CLI runs: folders named `<prefix>XXXXXX`, and a realdid home folder of its own
 * (wallet, trust file), never the real ~/.realdid. Call it at the top level of a test file.
 */
export function cliSandbox(prefix: string): CliSandbox {
  const folders: string[] = [];
  after(() => {
    for (const d of folders) rmSync(d, { recursive: true, force: true });
  });
  const folder = (files: Record<string, string> = {}): string => {
    const dir = mkdtempSync(join(tmpdir(), prefix));
    folders.push(dir);
    for (const [path, content] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), content);
    }
    return dir;
  };
  const home = folder();
  const env = (extra: Record<string, string>): NodeJS.ProcessEnv => {
    const e: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', REALDID_HOME: home, ...extra };
    if (!('REALDID_PASSPHRASE' in extra)) delete e.REALDID_PASSPHRASE;
    if (!('REALDID_URL' in extra)) delete e.REALDID_URL;
    return e;
  };
  const realdid = (args: string[], extra: Record<string, string> = {}): Promise<Run> =>
    runRealdid(args, { env: env(extra) });
  return {
    folder,
    env,
    realdid,
    async json<T>(args: string[], extra: Record<string, string> = {}): Promise<T> {
      const r = await realdid([...args, '--json'], extra);
      assert.equal(r.code, 0, `realdid ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
      return JSON.parse(r.stdout) as T;
    },
    async fails(args, exit, code, extra = {}) {
      const r = await realdid([...args, '--json'], extra);
      assert.equal(
        r.code,
        exit,
        `realdid ${args.join(' ')}: expected exit ${exit}, got ${r.code}; stdout ${r.stdout}; stderr ${r.stderr}`,
      );
      const lines = r.stderr.trim().split('\n');
      const err = JSON.parse(lines[lines.length - 1] ?? '') as { code: string; message: string };
      assert.equal(err.code, code, err.message);
      assert.equal(r.stdout, '', 'nothing on stdout when a command fails');
      return err;
    },
  };
}
