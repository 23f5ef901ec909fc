/**
 * The `realdid` command line, run as a child process in temporary folders: exit codes, `--json`
 * output and error codes, key files, and the tx / proof / gov commands against a running node.
 */
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { decryptKeystore, toBase58btc, toBase64url, toHex } from '../../src/crypto/index.ts';
import { isAppError } from '../../src/errors.ts';
import { DEMO_PASSPHRASE, loadDataDir, loadKeyFile } from '../../src/node/index.ts';
import { cliSandbox, startNodeProcess } from '../helpers/cli.ts';

const HEX64 = /^[0-9a-f]{64}$/;

const { folder, env, realdid, json, fails } = cliSandbox('realdid-cli-');

/** Runs a command that must succeed with `--json`; returns its parsed stdout. */

/** A TCP port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('realdid node init', () => {
  test('initializes a demo data folder once; a second init exits 3 with ERR_CLI_DATA_DIR', async () => {
    const data = join(folder(), 'data');
    const out = await json(['node', 'init', '--data', data, '--demo']);
    assert.deepEqual(out, {
      dataDir: data,
      chainId: 'realdid-demo',
      org: 'org1',
      orgs: ['org1', 'org2', 'org3'],
      keysCreated: ['org1', 'org2', 'org3'],
    });
    for (const org of ['org1', 'org2', 'org3']) {
      assert.equal(
        statSync(join(data, 'keys', `${org}.json`)).mode & 0o777,
        0o600,
        `${org} key file mode`,
      );
    }
    const genesis = JSON.parse(readFileSync(join(data, 'genesis.json'), 'utf8')) as {
      modules: { gov: { quorum: number } };
    };
    assert.equal(genesis.modules.gov.quorum, 2);
    const before = readFileSync(join(data, 'genesis.json'), 'utf8');
    const err = await fails(['node', 'init', '--data', data, '--demo'], 3, 'ERR_CLI_DATA_DIR');
    assert.match(err.message, /already initialized/);
    assert.equal(
      readFileSync(join(data, 'genesis.json'), 'utf8'),
      before,
      'the first genesis is untouched',
    );
  });

  test('neither --demo nor --orgs → exit 2 ERR_CLI_USAGE, nothing written', async () => {
    const data = join(folder(), 'data');
    const err = await fails(['node', 'init', '--data', data], 2, 'ERR_CLI_USAGE', {
      REALDID_PASSPHRASE: 'pw',
    });
    assert.match(err.message, /--demo or --orgs/);
    assert.equal(existsSync(data), false);
  });

  test('node start --did-view-cache-mb over 4096 → exit 2 ERR_CLI_USAGE, nothing written', async () => {
    const data = join(folder(), 'data');
    const err = await fails(
      ['node', 'start', '--data', data, '--demo', '--did-view-cache-mb', '5000'],
      2,
      'ERR_CLI_USAGE',
    );
    assert.match(err.message, /at most 4096, got 5000/);
    assert.equal(existsSync(data), false);
  });

  test('--orgs a:A,b:B --quorum 3 → exit 2 ERR_CLI_USAGE, nothing written', async () => {
    const data = join(folder(), 'data');
    const err = await fails(
      ['node', 'init', '--data', data, '--orgs', 'a:A,b:B', '--quorum', '3'],
      2,
      'ERR_CLI_USAGE',
      { REALDID_PASSPHRASE: 'pw' },
    );
    assert.match(err.message, /quorum 3/);
    assert.equal(existsSync(data), false);
  });
});

describe('realdid key', () => {
  test('key new writes a 0600 key file without the seed in clear; key show prints its did:key', async () => {
    const dir = folder({ 'pass.txt': 'correct horse\n' });
    const file = join(dir, 'alice.json');
    const created = await json<{ file: string; multikey: string; did: string }>([
      'key',
      'new',
      '--out',
      file,
      '--label',
      'alice',
      '--passphrase-file',
      join(dir, 'pass.txt'),
    ]);
    assert.equal(created.file, file);
    assert.match(created.multikey, /^z6Mk/);
    assert.equal(created.did, `did:key:${created.multikey}`);
    assert.equal(statSync(file).mode & 0o777, 0o600);

    const text = readFileSync(file, 'utf8');
    const stored = JSON.parse(text) as { multikey: string; keystore: unknown };
    assert.equal(stored.multikey, created.multikey);
    const seed = decryptKeystore(stored.keystore, 'correct horse'); // the file's trailing newline is not part of it
    assert.equal(seed.length, 32);
    for (const form of [
      toHex(seed),
      toBase64url(seed),
      Buffer.from(seed).toString('base64'),
      toBase58btc(seed),
      Buffer.from(seed).toString('latin1'),
    ]) {
      assert.ok(!text.includes(form), 'the seed appears in clear in the key file');
    }

    // No passphrase is needed to show the public key.
    const shown = await json<{ multikey: string; did: string; signer: string }>([
      'key',
      'show',
      '--key',
      file,
    ]);
    assert.deepEqual(shown, {
      multikey: created.multikey,
      did: created.did,
      signer: `${created.did}#${created.multikey}`,
    });
    const human = await realdid(['key', 'show', '--key', file]);
    assert.equal(human.code, 0);
    assert.match(human.stdout, new RegExp(`^did ${created.did}$`, 'm'));
  });

  test('key new never overwrites: exit 2 ERR_CLI_USAGE, the file is unchanged', async () => {
    const dir = folder({ 'taken.json': '{"multikey":"keep me"}\n' });
    await fails(['key', 'new', '--out', join(dir, 'taken.json')], 2, 'ERR_CLI_USAGE', {
      REALDID_PASSPHRASE: 'pw',
    });
    assert.equal(readFileSync(join(dir, 'taken.json'), 'utf8'), '{"multikey":"keep me"}\n');
  });

  test('key show of a missing file → exit 1 ERR_CRYPTO_BAD_KEYSTORE', async () => {
    await fails(
      ['key', 'show', '--key', join(folder(), 'none.json')],
      1,
      'ERR_CRYPTO_BAD_KEYSTORE',
    );
  });

  test('a wrong passphrase → exit 5 ERR_CRYPTO_WRONG_PASSPHRASE (before any network use)', async () => {
    const dir = folder({ 'wrong.txt': 'not the passphrase\n' });
    const file = join(dir, 'k.json');
    await json(['key', 'new', '--out', file], { REALDID_PASSPHRASE: 'the passphrase' });
    await fails(
      [
        'tx',
        'submit',
        '--kind',
        'gov.propose',
        '--body',
        '{}',
        '--key',
        file,
        '--passphrase-file',
        join(dir, 'wrong.txt'),
        '--url',
        'http://127.0.0.1:9',
      ],
      5,
      'ERR_CRYPTO_WRONG_PASSPHRASE',
    );
  });
});

test('an unreachable --url → exit 4 ERR_SDK_HTTP', async () => {
  const port = await closedPort();
  const err = await fails(['gov', 'list', '--url', `http://127.0.0.1:${port}`], 4, 'ERR_SDK_HTTP');
  assert.match(err.message, /cannot reach/);
});

describe('realdid key passwd', () => {
  /** A key file under `pass`, and its multikey. */
  async function keyFile(pass: string): Promise<{ file: string; multikey: string }> {
    const file = join(folder(), 'k.json');
    const { multikey } = await json<{ multikey: string }>(['key', 'new', '--out', file], {
      REALDID_PASSPHRASE: pass,
    });
    return { file, multikey };
  }
  const passwd = (file: string): string[] => ['key', 'passwd', '--key', file];

  test('re-encrypts the same key under the new passphrase (fresh salt); the old one no longer opens it', async () => {
    const { file, multikey } = await keyFile('old pass');
    const before = JSON.parse(readFileSync(file, 'utf8'));
    const out = await json(passwd(file), {
      REALDID_PASSPHRASE: 'old pass',
      REALDID_NEW_PASSPHRASE: 'new pass',
    });
    assert.deepEqual(out, { file, multikey });
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.deepEqual(readdirSync(dirname(file)), ['k.json'], 'no temp file left behind');
    const after = JSON.parse(readFileSync(file, 'utf8'));
    assert.equal(after.multikey, multikey);
    assert.equal(after.keystore.label, before.keystore.label);
    assert.notEqual(after.keystore.kdfParams.salt, before.keystore.kdfParams.salt);
    assert.deepEqual(
      decryptKeystore(after.keystore, 'new pass'),
      decryptKeystore(before.keystore, 'old pass'),
    );
    assert.equal(loadKeyFile(file, 'new pass').multikey, multikey);
    assert.throws(
      () => loadKeyFile(file, 'old pass'),
      (e: unknown) => isAppError(e, 'ERR_CRYPTO_WRONG_PASSPHRASE'),
    );
    // From files, as scripts pass them (a trailing newline is not part of a passphrase).
    const dir = folder({ 'cur.txt': 'new pass\n', 'next.txt': 'third pass\n' });
    await json([
      ...passwd(file),
      ...[
        '--passphrase-file',
        join(dir, 'cur.txt'),
        '--new-passphrase-file',
        join(dir, 'next.txt'),
      ],
    ]);
    assert.equal(loadKeyFile(file, 'third pass').multikey, multikey);
  });

  const refused: [string, Record<string, string>, number, string][] = [
    // Checked before a new passphrase is asked for: none is at hand here.
    [
      'a wrong current passphrase',
      { REALDID_PASSPHRASE: 'not it' },
      5,
      'ERR_CRYPTO_WRONG_PASSPHRASE',
    ],
    ['no new passphrase (no terminal)', { REALDID_PASSPHRASE: 'pw' }, 2, 'ERR_CLI_USAGE'],
    [
      'the same passphrase once normalized (NFKC, as key derivation does)',
      { REALDID_PASSPHRASE: 'pw', REALDID_NEW_PASSPHRASE: '\uff50\uff57' },
      2,
      'ERR_CLI_USAGE',
    ],
    [
      'the same passphrase',
      { REALDID_PASSPHRASE: 'pw', REALDID_NEW_PASSPHRASE: 'pw' },
      2,
      'ERR_CLI_USAGE',
    ],
    [
      'the public demo passphrase',
      { REALDID_PASSPHRASE: 'pw', REALDID_NEW_PASSPHRASE: DEMO_PASSPHRASE },
      2,
      'ERR_CLI_INSECURE_PASSPHRASE',
    ],
  ];
  for (const [what, extra, exit, code] of refused)
    test(`${what} → exit ${exit} ${code}, the file unchanged`, async () => {
      const { file } = await keyFile('pw');
      const text = readFileSync(file, 'utf8');
      await fails(passwd(file), exit, code, extra);
      assert.equal(readFileSync(file, 'utf8'), text);
    });

  test('a node key: allowed (node start then needs the new one) unless module data is sealed under the node passphrase', async () => {
    const plain = join(folder(), 'plain');
    await json(['node', 'init', '--data', plain, '--orgs', 'a:A,b:B'], {
      REALDID_PASSPHRASE: 'pw',
    });
    const out = await json(passwd(join(plain, 'keys', 'a.json')), {
      REALDID_PASSPHRASE: 'pw',
      REALDID_NEW_PASSPHRASE: 'node pass 2',
    });
    assert.equal(out.nodeDataDir, plain);
    assert.equal(loadDataDir(plain, 'node pass 2').signer.org, 'a');
    // Whose key a folder's node.json names must be known: an unreadable one stops the command.
    writeFileSync(join(plain, 'node.json'), '{ not json');
    await fails(passwd(join(plain, 'keys', 'b.json')), 3, 'ERR_CLI_DATA_DIR', {
      REALDID_PASSPHRASE: 'pw',
      REALDID_NEW_PASSPHRASE: 'b pass',
    });
    // An identity authority's folder seals its vault under the node passphrase: refused.
    const authority = join(folder(), 'ia');
    await json(['node', 'init', '--data', authority, '--orgs', 'a:A,b:B', '--authority'], {
      REALDID_PASSPHRASE: 'pw',
    });
    const own = join(authority, 'keys', 'a.json');
    const text = readFileSync(own, 'utf8');
    const err = await fails(passwd(own), 2, 'ERR_CLI_USAGE', {
      REALDID_PASSPHRASE: 'pw',
      REALDID_NEW_PASSPHRASE: 'node pass 2',
    });
    assert.match(err.message, /is the node key of data folder .*modules\/idn\/authority\.vault/);
    assert.equal(readFileSync(own, 'utf8'), text);
    // The other organization's key file in that folder is no node key of it.
    const other = await json(passwd(join(authority, 'keys', 'b.json')), {
      REALDID_PASSPHRASE: 'pw',
      REALDID_NEW_PASSPHRASE: 'b pass',
    });
    assert.equal(other.nodeDataDir, undefined);
  });
});

describe('against a running node (child process, --port 0)', () => {
  let data: string;
  let keys: (org: string) => string;
  let node: ChildProcess | undefined;
  let exited: Promise<number | null>;
  let url: string;
  const pass = { REALDID_PASSPHRASE: DEMO_PASSPHRASE };
  const withUrl = (): Record<string, string> => ({ ...pass, REALDID_URL: url });

  before(async () => {
    data = join(folder(), 'data');
    keys = (org) => join(data, 'keys', `${org}.json`);
    await json(['node', 'init', '--data', data, '--demo']);
    ({ child: node, exited, url } = await startNodeProcess(data, { env: env(pass) }));
  });

  after(() => {
    if (node?.pid !== undefined && node.exitCode === null && node.signalCode === null)
      process.kill(node.pid, 'SIGKILL');
  });

  let txId: string;
  let first: { logSize: number; logRoot: string };

  test('tx submit signs with a key file and waits for the commit', async () => {
    const body = JSON.stringify({ change: { type: 'set-param', name: 'cliFirst', value: 1 } });
    const r = await json<{ id: string; height: number; logIndex: number }>(
      [
        'tx',
        'submit',
        '--kind',
        'gov.propose',
        '--body',
        body,
        '--key',
        keys('org1'),
        '--url',
        url,
      ],
      pass,
    );
    assert.match(r.id, HEX64);
    assert.equal(r.logIndex, 0);
    assert.ok(r.height >= 1);
    txId = r.id;
  });

  test('tx get returns the tx verified against a signed checkpoint ($REALDID_URL)', async () => {
    const r = await json<{
      id: string;
      height: number;
      logIndex: number;
      tx: Record<string, unknown>;
      verifiedAgainst: { height: number; logSize: number; logRoot: string };
    }>(['tx', 'get', txId], withUrl());
    assert.equal(r.id, txId);
    assert.equal(r.logIndex, 0);
    assert.equal(r.tx.kind, 'gov.propose');
    assert.equal(r.tx.nonce, 1);
    assert.deepEqual(r.tx.body, { change: { type: 'set-param', name: 'cliFirst', value: 1 } });
    assert.ok(r.verifiedAgainst.logSize >= 1);
    first = { logSize: r.verifiedAgainst.logSize, logRoot: r.verifiedAgainst.logRoot };
  });

  test('proof inclusion verifies the tx in the latest signed log', async () => {
    const r = await json<{
      verified: boolean;
      id: string;
      logIndex: number;
      checkpoint: { logSize: number };
    }>(['proof', 'inclusion', txId, '--url', url]);
    assert.deepEqual(
      { verified: r.verified, id: r.id, logIndex: r.logIndex },
      { verified: true, id: txId, logIndex: 0 },
    );
    assert.ok(r.checkpoint.logSize >= 1);
  });

  test('proof state gov/quorum proves the value 2', async () => {
    const r = await json<{
      verified: boolean;
      key: string;
      value: unknown;
      proof: { key: string; value: string | null };
    }>(['proof', 'state', 'gov/quorum', '--url', url]);
    assert.deepEqual(
      { verified: r.verified, key: r.key, value: r.value },
      { verified: true, key: 'gov/quorum', value: 2 },
    );
    assert.deepEqual({ key: r.proof.key, value: r.proof.value }, { key: 'gov/quorum', value: '2' });
  });

  let proposal: string;

  test('gov propose (org2) opens a proposal with its own approval', async () => {
    const change = JSON.stringify({ type: 'set-param', name: 'cliDays', value: 21 });
    const p = await json<{
      id: string;
      status: string;
      approvals: string[];
      proposer: string;
      change: unknown;
    }>(
      [
        'gov',
        'propose',
        '--change',
        change,
        '--note',
        'from the CLI test',
        '--key',
        keys('org2'),
        '--url',
        url,
      ],
      pass,
    );
    assert.match(p.id, HEX64);
    assert.deepEqual(
      { status: p.status, approvals: p.approvals, proposer: p.proposer },
      { status: 'open', approvals: ['org2'], proposer: 'org2' },
    );
    assert.deepEqual(p.change, { type: 'set-param', name: 'cliDays', value: 21 });
    proposal = p.id;
  });

  test('gov approve (org3) reaches the quorum of 2 and executes it', async () => {
    const p = await json<{ id: string; status: string; approvals: string[]; executedAt?: number }>(
      ['gov', 'approve', proposal, '--key', keys('org3'), '--url', url],
      pass,
    );
    assert.equal(p.id, proposal);
    assert.equal(p.status, 'executed');
    assert.deepEqual(p.approvals, ['org2', 'org3']);
    assert.equal(typeof p.executedAt, 'number');
  });

  test('gov list shows the executed proposal; proof state proves its effect', async () => {
    const list = await json<{
      quorum: number;
      orgs: { id: string }[];
      proposals: { id: string; status: string }[];
      roles: unknown[];
    }>(['gov', 'list', '--url', url]);
    assert.equal(list.quorum, 2);
    assert.deepEqual(
      list.orgs.map((o) => o.id),
      ['org1', 'org2', 'org3'],
    );
    assert.equal(list.proposals.find((p) => p.id === proposal)?.status, 'executed');
    assert.equal(list.proposals.find((p) => p.id === txId)?.status, 'open');
    // the demo consortium's accreditations: four credit issuers, org1's identity authority, the
    // demo court and its two custodians, the lender, the demo site and shop
    assert.deepEqual(
      (list.roles as { role: string; grantedBy: string }[]).map((r) => [r.role, r.grantedBy]),
      [
        ['credit-issuer', 'genesis'],
        ['credit-issuer', 'genesis'],
        ['credit-issuer', 'genesis'],
        ['credit-issuer', 'genesis'],
        ['identity-authority', 'genesis'],
        ['lawful-custodian', 'genesis'],
        ['lawful-custodian', 'genesis'],
        ['lawful-requester', 'genesis'],
        ['querier', 'genesis'],
        ['relying-party', 'genesis'],
        ['relying-party', 'genesis'],
      ],
    );
    const param = await json<{ verified: boolean; value: unknown }>([
      'proof',
      'state',
      'gov/param/cliDays',
      '--url',
      url,
    ]);
    assert.deepEqual(
      { verified: param.verified, value: param.value },
      { verified: true, value: 21 },
    );
  });

  test('gov cosign adds org2 to the latest checkpoint', async () => {
    const r = await json<{
      checkpoint: { height: number };
      signatures: { org: string; key: string; sig: string }[];
    }>(['gov', 'cosign', '--org', 'org2', '--key', keys('org2'), '--url', url], pass);
    assert.deepEqual(
      r.signatures.map((s) => s.org),
      ['org1', 'org2'],
    );
    assert.ok(r.checkpoint.height >= 3);
  });

  test('proof consistency: the log seen earlier is a prefix of the latest signed log', async () => {
    const r = await json<{ verified: boolean; size1: number; size2: number; hashes: string[] }>([
      'proof',
      'consistency',
      '--size1',
      String(first.logSize),
      '--root1',
      first.logRoot,
      '--url',
      url,
    ]);
    assert.equal(r.verified, true);
    assert.equal(r.size1, first.logSize);
    assert.equal(r.size2, 3);
  });

  test('SIGTERM stops the node cleanly; verify --data exits 0 with ok:true', async () => {
    process.kill(node!.pid!, 'SIGTERM');
    assert.equal(await exited, 0);
    const v = await json<{ ok: boolean; height: number; txs: number; blockHash: string }>([
      'verify',
      '--data',
      data,
    ]);
    assert.equal(v.ok, true);
    assert.equal(v.txs, 3);
    assert.match(v.blockHash, HEX64);
  });
});
