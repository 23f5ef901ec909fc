/**
 * The CLI remembers the chain it talks to: the genesis hash of each node URL (pinned at first
 * contact, or given with --genesis-hash) and the last verified checkpoint of each chain, in a
 * trust file ($REALDID_HOME/trust.json, or --trust-file). A node restored from an old copy of its
 * data folder (a rollback), a copy that went its own way (a fork) or a node on another chain fail
 * every command with exit 6 and an error naming both checkpoints (or both genesis hashes).
 */
import assert from 'node:assert/strict';
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { DEMO_PASSPHRASE } from '../../src/node/index.ts';
import { runRealdid, startNodeProcess, type NodeProcess, type Run } from '../helpers/cli.ts';

const HEX64 = /^[0-9a-f]{64}$/;
const root = mkdtempSync(join(tmpdir(), 'realdid-trust-'));
const home = join(root, 'home'); // $REALDID_HOME of the person running the commands
const running = new Set<NodeProcess>();

after(async () => {
  for (const n of running) await stop(n);
  rmSync(root, { recursive: true, force: true });
});

/** The environment: the demo key passphrase, REALDID_HOME, nothing else from the caller's REALDID_*. */
function env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const base = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith('REALDID_')),
  );
  return {
    ...base,
    NO_COLOR: '1',
    REALDID_PASSPHRASE: DEMO_PASSPHRASE,
    REALDID_HOME: home,
    ...extra,
  };
}

function realdid(args: string[], extra: Record<string, string> = {}): Promise<Run> {
  return runRealdid(args, { env: env(extra), timeoutMs: 30_000 });
}

async function ok<T = Record<string, unknown>>(
  args: string[],
  extra: Record<string, string> = {},
): Promise<T> {
  const r = await realdid([...args, '--json'], extra);
  assert.equal(r.code, 0, `realdid ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}

type Failure = { code: string; message: string; details?: Record<string, any> };

async function fails(
  args: string[],
  exit: number,
  code: string,
  extra: Record<string, string> = {},
): Promise<Failure> {
  const r = await realdid([...args, '--json'], extra);
  const last = r.stderr.trim().split('\n').at(-1) ?? '';
  assert.equal(
    r.code,
    exit,
    `realdid ${args.join(' ')}: expected exit ${exit}, got ${r.code}; stderr ${r.stderr}`,
  );
  const err = JSON.parse(last) as Failure;
  assert.equal(err.code, code, err.message);
  assert.equal(r.stdout, '');
  return err;
}

async function start(data: string): Promise<NodeProcess> {
  const n = await startNodeProcess(data, { env: env(), timeoutMs: 30_000 });
  running.add(n);
  return n;
}

async function stop(n: NodeProcess): Promise<void> {
  running.delete(n);
  if (n.child.exitCode !== null || n.child.signalCode !== null) return;
  process.kill(n.child.pid!, 'SIGTERM');
  await n.exited;
}

const trustPath = join(home, 'trust.json');
const readTrust = (path = trustPath): any => JSON.parse(readFileSync(path, 'utf8'));

/** Proposes set-param `name` = `value` as org1 of `data`, through `url` (with its own trust file). */
async function propose(
  data: string,
  url: string,
  name: string,
  value: number,
): Promise<{ height: number }> {
  const body = JSON.stringify({ change: { type: 'set-param', name, value } });
  return ok(
    [
      'tx',
      'submit',
      '--kind',
      'gov.propose',
      '--body',
      body,
      '--key',
      join(data, 'keys', 'org1.json'),
      '--url',
      url,
    ],
    { REALDID_HOME: join(root, `home-of-${name}`) },
  );
}

describe('the trust file', () => {
  const A = join(root, 'a');
  const F = join(root, 'f'); // a copy of A taken at height 1
  let genesisHash: string;
  let a1: NodeProcess;

  before(async () => {
    await ok(['node', 'init', '--data', A, '--demo']);
    a1 = await start(A);
    genesisHash = ((await (await fetch(`${a1.url}/v1/genesis`)).json()) as { hash: string }).hash;
  });

  test('first contact pins the genesis hash of the URL and remembers the checkpoint, in $REALDID_HOME/trust.json (0600)', async () => {
    assert.equal(existsSync(trustPath), false);
    await propose(A, a1.url, 'one', 1);
    const r = await ok<{ checkpoint: { height: number; blockHash: string } }>([
      'proof',
      'state',
      'gov/quorum',
      '--url',
      a1.url,
    ]);
    assert.equal(r.checkpoint.height, 1);
    assert.equal(statSync(trustPath).mode & 0o777, 0o600);
    const t = readTrust();
    assert.equal(t.version, 1);
    assert.equal(t.nodes[a1.url].genesisHash, genesisHash);
    assert.match(genesisHash, HEX64);
    assert.equal(t.chains[genesisHash].chainId, 'realdid-demo');
    assert.deepEqual(t.chains[genesisHash].checkpoint, r.checkpoint);
  });

  test('trust show lists the pinned node and the remembered checkpoint', async () => {
    const s = await ok<{
      file: string;
      nodes: { url: string; genesisHash: string }[];
      chains: { genesisHash: string; height: number; blockHash: string }[];
    }>(['trust', 'show']);
    assert.equal(s.file, trustPath);
    assert.deepEqual(
      s.nodes.map((n) => [n.url, n.genesisHash]),
      [[a1.url, genesisHash]],
    );
    assert.deepEqual(
      s.chains.map((c) => [c.genesisHash, c.height]),
      [[genesisHash, 1]],
    );
  });

  let a2: NodeProcess;
  let remembered: { height: number; blockHash: string };

  test('the node moves on (another URL, same chain): accepted, the newer checkpoint is remembered', async () => {
    await stop(a1);
    cpSync(A, F, { recursive: true }); // a backup taken at height 1
    a2 = await start(A);
    await propose(A, a2.url, 'two', 2);
    const r = await ok<{ checkpoint: { height: number; blockHash: string } }>([
      'proof',
      'state',
      'gov/param/two',
      '--url',
      a2.url,
    ]);
    assert.equal(r.checkpoint.height, 2);
    remembered = r.checkpoint;
    assert.equal(readTrust().chains[genesisHash].checkpoint.height, 2);
    assert.equal(readTrust().nodes[a2.url].genesisHash, genesisHash);
  });

  let f: NodeProcess;
  let fHeight1: { height: number; blockHash: string };

  test('a node restored from the old copy (height 1 < 2) → exit 6 ERR_SDK_ROLLBACK naming both checkpoints', async () => {
    await stop(a2);
    f = await start(F);
    fHeight1 = (
      (await (await fetch(`${f.url}/v1/checkpoint`)).json()) as {
        checkpoint: { height: number; blockHash: string };
      }
    ).checkpoint;
    const before = readFileSync(trustPath, 'utf8');
    for (const args of [
      ['proof', 'state', 'gov/quorum'],
      ['gov', 'list'],
      ['tx', 'get', '00'.repeat(32)],
    ]) {
      const err = await fails([...args, '--url', f.url], 6, 'ERR_SDK_ROLLBACK');
      for (const s of [
        String(remembered.height),
        remembered.blockHash,
        String(fHeight1.height),
        fHeight1.blockHash,
      ])
        assert.ok(err.message.includes(s), `${args[0]}: message names ${s}: ${err.message}`);
      assert.deepEqual(
        [err.details?.remembered.height, err.details?.remembered.blockHash],
        [remembered.height, remembered.blockHash],
      );
      assert.deepEqual(
        [err.details?.received.height, err.details?.received.blockHash],
        [fHeight1.height, fHeight1.blockHash],
      );
    }
    const after = readTrust();
    assert.deepEqual(after.chains, JSON.parse(before).chains, 'the remembered checkpoint is kept');
  });

  test('--accept-lagging does not help a node that cannot prove it is a prefix of what was seen', async () => {
    await fails(
      ['proof', 'state', 'gov/quorum', '--url', f.url, '--accept-lagging'],
      6,
      'ERR_SDK_ROLLBACK',
    );
  });

  test('the copy goes its own way (another block at height 2) → exit 6 ERR_LEDGER_INCONSISTENT naming both', async () => {
    await propose(F, f.url, 'forked', 3); // with a trust file of its own
    const forked = (
      (await (await fetch(`${f.url}/v1/checkpoint`)).json()) as {
        checkpoint: { height: number; blockHash: string };
      }
    ).checkpoint;
    assert.equal(forked.height, 2);
    assert.notEqual(forked.blockHash, remembered.blockHash);
    const err = await fails(
      ['proof', 'state', 'gov/quorum', '--url', f.url],
      6,
      'ERR_LEDGER_INCONSISTENT',
    );
    for (const s of [remembered.blockHash, forked.blockHash])
      assert.ok(err.message.includes(s), `message names ${s}: ${err.message}`);
    assert.deepEqual([err.details?.remembered.height, err.details?.received.height], [2, 2]);
  });

  test("trust forget <url> drops the pin and the chain's checkpoint; the next command pins again", async () => {
    const out = await ok<{ forgot: { url: string; genesisHash: string } }>([
      'trust',
      'forget',
      f.url,
    ]);
    assert.deepEqual(out.forgot, { url: f.url, genesisHash });
    assert.equal(readTrust().chains[genesisHash], undefined);
    const r = await ok<{ value: unknown; checkpoint: { height: number; blockHash: string } }>([
      'proof',
      'state',
      'gov/quorum',
      '--url',
      f.url,
    ]);
    assert.deepEqual([r.value, r.checkpoint.height], [2, 2]);
    assert.equal(readTrust().chains[genesisHash].checkpoint.blockHash, r.checkpoint.blockHash);
  });

  test('--genesis-hash: a node on another chain → exit 6 ERR_SDK_GENESIS_MISMATCH naming both hashes', async () => {
    const err = await fails(
      [
        'gov',
        'list',
        '--url',
        f.url,
        '--genesis-hash',
        'ab'.repeat(32),
        '--trust-file',
        join(root, 'other-trust.json'),
      ],
      6,
      'ERR_SDK_GENESIS_MISMATCH',
    );
    assert.ok(
      err.message.includes('ab'.repeat(32)) && err.message.includes(genesisHash),
      err.message,
    );
    assert.equal(
      existsSync(join(root, 'other-trust.json')),
      false,
      'nothing is pinned on a mismatch',
    );
    await fails(['gov', 'list', '--url', f.url, '--genesis-hash', 'xyz'], 2, 'ERR_CLI_USAGE');
  });

  test('a trust file that pinned this URL to another chain (the folder was re-initialized) → exit 6, and says how to go on', async () => {
    const file = join(root, 'pinned-elsewhere.json');
    writeFileSync(
      file,
      JSON.stringify({
        version: 1,
        nodes: {
          [f.url]: {
            genesisHash: 'cd'.repeat(32),
            chainId: 'old',
            pinnedAt: '2026-01-01T00:00:00.000Z',
          },
        },
        chains: {},
      }),
      { mode: 0o600 },
    );
    const before = readFileSync(file, 'utf8');
    const err = await fails(
      ['proof', 'state', 'gov/quorum', '--url', f.url, '--trust-file', file],
      6,
      'ERR_SDK_GENESIS_MISMATCH',
    );
    assert.match(err.message, /realdid trust forget/);
    assert.equal(readFileSync(file, 'utf8'), before, 'the pin is not replaced silently');
    // Pinning the new chain explicitly is the other way on.
    await ok([
      'proof',
      'state',
      'gov/quorum',
      '--url',
      f.url,
      '--trust-file',
      file,
      '--genesis-hash',
      genesisHash,
    ]);
    assert.equal(readTrust(file).nodes[f.url].genesisHash, genesisHash);
  });

  test('--max-age: a checkpoint whose block time is older → exit 7 ERR_SDK_STALE_CHECKPOINT; a bad value → exit 2', async () => {
    await new Promise((resolve) => setTimeout(resolve, 1100)); // the last block is at least 1 s old
    const err = await fails(
      ['gov', 'list', '--url', f.url, '--max-age', '1'],
      7,
      'ERR_SDK_STALE_CHECKPOINT',
    );
    assert.equal(err.details?.reason, 'age');
    assert.ok(err.details?.ageMs > 1000, String(err.details?.ageMs));
    await ok(['gov', 'list', '--url', f.url, '--max-age', '3600']);
    await fails(['gov', 'list', '--url', f.url, '--max-age', 'soon'], 2, 'ERR_CLI_USAGE');
  });

  test('a damaged trust file → exit 6 ERR_CLI_TRUST_FILE, left as it is; one others can write → the same', async () => {
    const file = join(root, 'damaged.json');
    writeFileSync(file, '{"version":1,"nodes":', { mode: 0o600 });
    await fails(['gov', 'list', '--url', f.url, '--trust-file', file], 6, 'ERR_CLI_TRUST_FILE');
    assert.equal(readFileSync(file, 'utf8'), '{"version":1,"nodes":');
    const open = join(root, 'open.json');
    writeFileSync(open, JSON.stringify({ version: 1, nodes: {}, chains: {} }));
    chmodSync(open, 0o666);
    const err = await fails(
      ['gov', 'list', '--url', f.url, '--trust-file', open],
      6,
      'ERR_CLI_TRUST_FILE',
    );
    assert.match(err.message, /writable by others/);
  });
});
