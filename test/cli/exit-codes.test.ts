/**
 * Every way the CLI ends is documented: the exit-code table in src/cli/io.ts and the one in
 * docs/operations.md ("Exit codes") agree, every code the table names is declared in a catalog,
 * and a failure the CLI did not foresee is ERR_CLI_INTERNAL (exit 70) or ERR_CLI_SYSTEM (exit 8),
 * never the HTTP API's ERR_API_INTERNAL. Also: `verify` on a folder that was initialized but never
 * started, and on a ledger file that is not a ledger.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { CLI_ERRORS } from '../../src/cli/errors.ts';
import {
  EXIT_CODES,
  EXIT_OK,
  EXIT_OTHER,
  EXIT_VERIFY_FAILED,
  failureOf,
} from '../../src/cli/io.ts';
import { AppError } from '../../src/errors.ts';
import { DEMO_PASSPHRASE } from '../../src/node/index.ts';
import { SDK_ERRORS } from '../../src/sdk/index.ts';
import { CRYPTO_ERRORS } from '../../src/crypto/index.ts';
import { LEDGER_ERRORS } from '../../src/ledger/index.ts';
import { ROOT, runRealdid, startNodeProcess, type Run } from '../helpers/cli.ts';

const root = mkdtempSync(join(tmpdir(), 'realdid-exit-'));
after(() => rmSync(root, { recursive: true, force: true }));

function env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const base = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith('REALDID_')),
  );
  return { ...base, REALDID_HOME: join(root, 'home'), ...extra };
}

function lastJson(r: Run): { code: string; message: string } {
  return JSON.parse(r.stderr.trim().split('\n').at(-1) ?? '') as { code: string; message: string };
}

/** The "Exit codes" table of docs/operations.md: exit code → the error codes its row names. */
function documentedExitCodes(): Map<number, string[]> {
  const doc = readFileSync(join(ROOT, 'docs/operations.md'), 'utf8');
  const start = doc.indexOf('\n## Exit codes');
  assert.ok(start >= 0, 'docs/operations.md has an "Exit codes" section');
  const section = doc.slice(start + 1, doc.indexOf('\n## ', start + 1));
  const rows = new Map<number, string[]>();
  for (const line of section.split('\n')) {
    const m = /^\|\s*(\d+)\s*\|([^|]*)\|/.exec(line);
    if (m === null) continue;
    assert.ok(!rows.has(Number(m[1])), `exit ${m[1]} has two rows`);
    rows.set(Number(m[1]), m[2]!.match(/ERR_[A-Z0-9_]+/g) ?? []);
  }
  return rows;
}

describe('the exit-code table', () => {
  test('docs/operations.md lists exactly the exit codes of src/cli/io.ts, each with the same error codes', () => {
    const fromSource = new Map<number, string[]>([
      [EXIT_OK, []],
      [EXIT_OTHER, []],
      [EXIT_VERIFY_FAILED, []],
    ]);
    for (const [code, exit] of Object.entries(EXIT_CODES))
      fromSource.set(exit, [...(fromSource.get(exit) ?? []), code]);
    const documented = documentedExitCodes();
    assert.deepEqual(
      [...documented.keys()].sort((a, b) => a - b),
      [...fromSource.keys()].sort((a, b) => a - b),
    );
    for (const [exit, codes] of fromSource)
      assert.deepEqual([...documented.get(exit)!].sort(), [...codes].sort(), `exit ${exit}`);
  });

  test('every code in the table is declared by a catalog', () => {
    const declared = new Set(
      Object.keys({ ...CLI_ERRORS, ...SDK_ERRORS, ...CRYPTO_ERRORS, ...LEDGER_ERRORS }),
    );
    for (const code of Object.keys(EXIT_CODES))
      assert.ok(declared.has(code), `${code} is declared`);
  });

  test("failureOf: a plain Error → ERR_CLI_INTERNAL (70); an OS error → ERR_CLI_SYSTEM (8); a node's ERR_API_INTERNAL → ERR_SDK_HTTP (4)", () => {
    const bug = failureOf(new TypeError("Cannot read properties of undefined (reading 'x')"));
    assert.deepEqual([bug.error.code, bug.exit], ['ERR_CLI_INTERNAL', 70]);
    assert.match(bug.error.message, /Cannot read properties/);
    const os = Object.assign(
      new Error('listen EADDRINUSE: address already in use 127.0.0.1:8080'),
      { code: 'EADDRINUSE', syscall: 'listen', errno: -98 },
    );
    const sys = failureOf(os);
    assert.deepEqual([sys.error.code, sys.exit], ['ERR_CLI_SYSTEM', 8]);
    const node = failureOf(
      new AppError('ERR_API_INTERNAL', 'internal error; the ledger is unchanged'),
    );
    assert.deepEqual([node.error.code, node.exit], ['ERR_SDK_HTTP', 4]);
    assert.match(node.error.message, /ERR_API_INTERNAL/);
    const typed = failureOf(new AppError('ERR_LEDGER_REPLAY', 'nonce'));
    assert.deepEqual([typed.error.code, typed.exit], ['ERR_LEDGER_REPLAY', 1]);
    assert.deepEqual(failureOf('a thrown string').error.code, 'ERR_CLI_INTERNAL');
  });

  test('a port in use → exit 8 ERR_CLI_SYSTEM (not ERR_API_INTERNAL)', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as { port: number };
      const r = await runRealdid(
        ['node', 'start', '--data', join(root, 'busy'), '--demo', '--port', String(port), '--json'],
        { env: env(), timeoutMs: 30_000 },
      );
      assert.equal(r.code, 8, r.stderr);
      const err = lastJson(r);
      assert.equal(err.code, 'ERR_CLI_SYSTEM');
      assert.match(err.message, /EADDRINUSE/);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});

describe('realdid verify on a folder that was never started', () => {
  test('initialized, never started → exit 0: the genesis is verified (height 0), with the block 0 the node will write', async () => {
    const data = join(root, 'fresh');
    const init = await runRealdid(['node', 'init', '--data', data, '--demo', '--json'], {
      env: env(),
    });
    assert.equal(init.code, 0, init.stderr);
    const r = await runRealdid(['verify', '--data', data, '--json'], { env: env() });
    assert.equal(r.code, 0, r.stderr);
    const v = JSON.parse(r.stdout) as {
      ok: boolean;
      started: boolean;
      height: number;
      txs: number;
      blockHash: string;
      genesisHash: string;
      stateRoot: string;
    };
    assert.deepEqual(
      { ok: v.ok, started: v.started, height: v.height, txs: v.txs },
      { ok: true, started: false, height: 0, txs: 0 },
    );
    assert.match(v.blockHash, /^[0-9a-f]{64}$/);
    const human = await runRealdid(['verify', '--data', data], { env: env() });
    assert.equal(human.code, 0);
    assert.match(human.stdout, /never started/);

    // The node, once started, writes exactly that block 0; verify then checks the stored ledger.
    const node = await startNodeProcess(data, {
      env: env({ REALDID_PASSPHRASE: DEMO_PASSPHRASE }),
      timeoutMs: 30_000,
    });
    process.kill(node.child.pid!, 'SIGTERM');
    assert.equal(await node.exited, 0);
    const stored = await runRealdid(['verify', '--data', data, '--json'], { env: env() });
    assert.equal(stored.code, 0, stored.stderr);
    const s = JSON.parse(stored.stdout) as {
      ok: boolean;
      height: number;
      blockHash: string;
      stateRoot: string;
      started?: boolean;
    };
    assert.deepEqual(
      { ok: s.ok, height: s.height, blockHash: s.blockHash, stateRoot: s.stateRoot },
      { ok: true, height: 0, blockHash: v.blockHash, stateRoot: v.stateRoot },
    );
    assert.equal(s.started, true);
  });

  test('a genesis.json that is not a valid genesis → exit 10 with ERR_LEDGER_BAD_GENESIS', async () => {
    const data = join(root, 'bad-genesis');
    assert.equal(
      (await runRealdid(['node', 'init', '--data', data, '--demo'], { env: env() })).code,
      0,
    );
    writeFileSync(
      join(data, 'genesis.json'),
      JSON.stringify({ chainId: 'x', time: 1, modules: { gov: { orgs: [] } } }),
    );
    const r = await runRealdid(['verify', '--data', data, '--json'], { env: env() });
    assert.equal(r.code, 10, r.stderr);
    const v = JSON.parse(r.stdout) as { ok: boolean; code: string };
    assert.deepEqual([v.ok, v.code], [false, 'ERR_LEDGER_BAD_GENESIS']);
  });

  test('a ledger.sqlite that is not a database → exit 1 ERR_LEDGER_STORE (not ERR_API_INTERNAL)', async () => {
    const data = join(root, 'garbage');
    assert.equal(
      (await runRealdid(['node', 'init', '--data', data, '--demo'], { env: env() })).code,
      0,
    );
    writeFileSync(
      join(data, 'ledger.sqlite'),
      'this is not a database, it is a text file of some length. '.repeat(100),
    );
    const r = await runRealdid(['verify', '--data', data, '--json'], { env: env() });
    assert.equal(r.code, 1, r.stderr);
    assert.equal(lastJson(r).code, 'ERR_LEDGER_STORE');
  });
});
