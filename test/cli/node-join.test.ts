/**
 * `realdid node join` (an organization joining an existing consortium with its own key file) and
 * the `--orderer` / `--nats` options of `node init` and `node start`, run as child processes in
 * temporary folders. Argument errors come before any passphrase prompt, and a refused join writes
 * nothing.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { cliSandbox } from '../helpers/cli.ts';

const PASS = 'consortium test passphrase';
const sandbox = cliSandbox('realdid-join-');
const { folder, fails } = sandbox;
/** `realdid args --json` with the key passphrase at hand unless told otherwise. */
const json = <T = Record<string, unknown>>(
  args: string[],
  extra: Record<string, string> = { REALDID_PASSPHRASE: PASS },
): Promise<T> => sandbox.json<T>(args, extra);

const readJson = (path: string): any => JSON.parse(readFileSync(path, 'utf8'));

/** The assembling organization's folder (org1 of org1…org3) and the others' key files. */
let assembled: string;
let genesisFile: string;
let org2Key: string;
let strangerKey: string;

before(async () => {
  const dir = folder();
  assembled = join(dir, 'org1-data');
  await json([
    'node',
    'init',
    '--data',
    assembled,
    '--orgs',
    'org1:One,org2:Two,org3:Three',
    '--quorum',
    '2',
    '--chain-id',
    'join-test',
  ]);
  genesisFile = join(assembled, 'genesis.json');
  // What the assembling organization hands to org2: its key file (see docs/consortium.md).
  org2Key = join(dir, 'org2-key.json');
  writeFileSync(org2Key, readFileSync(join(assembled, 'keys', 'org2.json')));
  strangerKey = join(dir, 'stranger.json');
  await json(['key', 'new', '--out', strangerKey]);
});

describe('realdid node join', () => {
  test('creates the folder: the genesis, a 0600 copy of the key file, node.json naming the org', async () => {
    const data = join(folder(), 'org2-data');
    const out = await json([
      ...['node', 'join', '--data', data, '--genesis', genesisFile],
      ...['--org', 'org2', '--key-file', org2Key, '--port', '8082'],
    ]);
    assert.equal(out.chainId, 'join-test');
    assert.equal(out.org, 'org2');
    assert.equal(out.ordering, 'solo');
    assert.match(String(out.genesisHash), /^[0-9a-f]{64}$/);
    assert.deepEqual(readJson(join(data, 'genesis.json')), readJson(genesisFile));
    assert.deepEqual(readJson(join(data, 'node.json')), {
      org: 'org2',
      keyFile: 'keys/org2.json',
      host: '127.0.0.1',
      port: 8082,
      ordering: { type: 'solo', maxBlockTxs: 2000, blockIntervalMs: 20 },
    });
    assert.equal(statSync(join(data, 'keys')).mode & 0o777, 0o700);
    assert.equal(statSync(join(data, 'keys', 'org2.json')).mode & 0o777, 0o600);
    assert.equal(
      readFileSync(join(data, 'keys', 'org2.json'), 'utf8'),
      readFileSync(org2Key, 'utf8'),
    );

    // That a joined folder starts as its organization is shown by consortium-processes.test.ts.
    // A second join on the same folder is refused.
    await fails(
      [
        ...['node', 'join', '--data', data, '--genesis', genesisFile],
        ...['--org', 'org2', '--key-file', org2Key],
      ],
      3,
      'ERR_CLI_DATA_DIR',
      { REALDID_PASSPHRASE: PASS },
    );
  });

  test('with --orderer nats --nats, node.json orders through those servers', async () => {
    const data = join(folder(), 'org2-data');
    const out = await json([
      ...['node', 'join', '--data', data, '--genesis', genesisFile, '--org', 'org2'],
      ...['--key-file', org2Key, '--orderer', 'nats'],
      ...['--nats', 'nats://10.0.0.1:4222, nats://10.0.0.2:4222,tls://nats3.example:4222'],
    ]);
    assert.equal(out.ordering, 'nats');
    assert.deepEqual(readJson(join(data, 'node.json')).ordering, {
      type: 'nats',
      servers: ['nats://10.0.0.1:4222', 'nats://10.0.0.2:4222', 'tls://nats3.example:4222'],
    });
  });

  test('a key that is not the organization’s in genesis → exit 1 ERR_LEDGER_NOT_SIGNER, nothing written', async () => {
    const data = join(folder(), 'org2-data');
    const err = await fails(
      [
        ...['node', 'join', '--data', data, '--genesis', genesisFile],
        ...['--org', 'org2', '--key-file', strangerKey],
      ],
      1,
      'ERR_LEDGER_NOT_SIGNER',
      { REALDID_PASSPHRASE: PASS },
    );
    assert.match(err.message, /is not a key of "org2" in the genesis document of chain join-test/);
    assert.equal(existsSync(data), false);
    // Another organization's real key is refused the same way.
    const other = join(folder(), 'data');
    await fails(
      [
        ...['node', 'join', '--data', other, '--genesis', genesisFile],
        ...['--org', 'org3', '--key-file', org2Key],
      ],
      1,
      'ERR_LEDGER_NOT_SIGNER',
      { REALDID_PASSPHRASE: PASS },
    );
    assert.equal(existsSync(other), false);
  });

  test('the key check comes before the passphrase: no passphrase at hand, still ERR_LEDGER_NOT_SIGNER', async () => {
    const data = join(folder(), 'org2-data');
    await fails(
      [
        ...['node', 'join', '--data', data, '--genesis', genesisFile],
        ...['--org', 'org2', '--key-file', strangerKey],
      ],
      1,
      'ERR_LEDGER_NOT_SIGNER',
    );
  });

  test('a wrong passphrase → exit 5 ERR_CRYPTO_WRONG_PASSPHRASE, nothing written', async () => {
    const data = join(folder(), 'org2-data');
    await fails(
      [
        ...['node', 'join', '--data', data, '--genesis', genesisFile],
        ...['--org', 'org2', '--key-file', org2Key],
      ],
      5,
      'ERR_CRYPTO_WRONG_PASSPHRASE',
      { REALDID_PASSPHRASE: 'not it' },
    );
    assert.equal(existsSync(data), false);
  });

  const usage: [string, string[], RegExp][] = [
    [
      'an organization genesis does not name',
      ['--org', 'org7'],
      /org7 is not an organization.*joins with --added-by-governance/,
    ],
    [
      '--added-by-governance for an organization of the genesis',
      ['--added-by-governance', '--orderer', 'nats', '--nats', 'nats://a:4222'],
      /"org2" is an organization of chain join-test from its genesis on/,
    ],
    [
      "--added-by-governance with a genesis organization's key",
      ['--org', 'org7', '--added-by-governance', '--orderer', 'nats', '--nats', 'nats://a:4222'],
      /is organization "org2"'s key in the genesis; "org7" needs a key of its own/,
    ],
    [
      '--added-by-governance on a solo node',
      ['--org', 'org7', '--added-by-governance'],
      /a solo node must be a member from block 0/,
    ],
    ['a malformed organization id', ['--org', '../x'], /organization id must match/],
    ['--orderer nats without --nats', ['--orderer', 'nats'], /--orderer nats needs --nats/],
    ['--nats without --orderer nats', ['--nats', 'nats://a:4222'], /--nats needs --orderer nats/],
    ['--orderer raft', ['--orderer', 'raft'], /--orderer must be solo or nats/],
    ['a NATS URL with a path', ['--orderer', 'nats', '--nats', 'nats://a:1/x'], /not a NATS URL/],
    ['a port over 65535', ['--port', '70000'], /--port must be at most 65535/],
  ];
  for (const [name, extra, message] of usage) {
    test(`${name} → exit 2 ERR_CLI_USAGE before any prompt, nothing written`, async () => {
      const data = join(folder(), 'org2-data');
      const args = ['node', 'join', '--data', data, '--genesis', genesisFile];
      const withOrg = extra.includes('--org') ? extra : ['--org', 'org2', ...extra];
      const err = await fails([...args, '--key-file', org2Key, ...withOrg], 2, 'ERR_CLI_USAGE');
      assert.match(err.message, message);
      assert.equal(existsSync(data), false);
    });
  }

  test('--added-by-governance: an organization the genesis does not name joins a NATS consortium with its own key', async () => {
    const data = join(folder(), 'org4-data');
    const out = await json<Record<string, unknown>>([
      ...['node', 'join', '--data', data, '--genesis', genesisFile, '--org', 'org4'],
      ...['--key-file', strangerKey, '--added-by-governance'],
      ...['--orderer', 'nats', '--nats', 'nats://127.0.0.1:4222'],
    ]);
    const { multikey } = readJson(strangerKey);
    assert.equal(out.org, 'org4');
    assert.equal(out.multikey, multikey);
    assert.equal(out.addedByGovernance, true);
    assert.deepEqual(readJson(join(data, 'node.json')).org, 'org4');
    assert.deepEqual(readJson(join(data, 'genesis.json')), readJson(genesisFile));
    // The human form says what governance has to do, with the change to propose.
    const human = await sandbox.realdid(
      [
        ...['node', 'join', '--data', join(folder(), 'd'), '--genesis', genesisFile],
        ...['--org', 'org4', '--key-file', strangerKey, '--added-by-governance'],
        ...['--orderer', 'nats', '--nats', 'nats://127.0.0.1:4222'],
      ],
      { REALDID_PASSPHRASE: PASS },
    );
    assert.equal(human.code, 0, human.stderr);
    assert.ok(
      human.stdout.includes(
        `--change '{"type":"add-org","org":{"id":"org4","name":"…","keys":["${multikey}"]}}'`,
      ),
      human.stdout,
    );
  });

  test('a missing genesis or key file → exit 2 ERR_CLI_USAGE', async () => {
    const data = join(folder(), 'org2-data');
    const base = ['node', 'join', '--data', data, '--org', 'org2'];
    await fails(
      [...base, '--genesis', '/nonexistent/g.json', '--key-file', org2Key],
      2,
      'ERR_CLI_USAGE',
    );
    await fails(
      [...base, '--genesis', genesisFile, '--key-file', '/nonexistent/k.json'],
      2,
      'ERR_CLI_USAGE',
    );
  });

  test('a genesis document modules refuse → ERR_LEDGER_BAD_GENESIS, nothing written', async () => {
    const g = readJson(genesisFile);
    const dir = folder({ 'bad.json': JSON.stringify({ ...g, modules: { nope: {} } }) });
    const data = join(dir, 'data');
    await fails(
      [
        ...['node', 'join', '--data', data, '--genesis', join(dir, 'bad.json')],
        ...['--org', 'org2', '--key-file', org2Key],
      ],
      1,
      'ERR_LEDGER_BAD_GENESIS',
    );
    assert.equal(existsSync(data), false);
  });
});

describe('realdid node init --org-key (organizations that bring their own keys)', () => {
  const ORGS = ['--orgs', 'acme:Acme Bank,tax:City Tax Office,court:District Court'];
  const TAX_PASS = 'the tax office passphrase';
  /** Keys the other organizations made on their own machines, and the multikeys they sent. */
  let taxKeyFile: string;
  let taxKey: string;
  let courtKey: string;
  before(async () => {
    taxKeyFile = join(folder(), 'tax.json');
    taxKey = (
      await json<{ multikey: string }>(['key', 'new', '--out', taxKeyFile, '--label', 'tax'], {
        REALDID_PASSPHRASE: TAX_PASS,
      })
    ).multikey;
    courtKey = (await json<{ multikey: string }>(['key', 'new', '--out', join(folder(), 'c.json')]))
      .multikey;
  });

  test('the genesis names the keys given; only this node’s key is created; the org joins with its own file', async () => {
    const data = join(folder(), 'acme-data');
    const out = await json([
      ...['node', 'init', '--data', data, ...ORGS, '--chain-id', 'own-keys'],
      ...['--org-key', `tax=${taxKey}`, '--org-key', `court=${courtKey}`],
    ]);
    assert.deepEqual(out.orgs, ['acme', 'tax', 'court']);
    assert.deepEqual(out.keysCreated, ['acme']);
    const genesis = readJson(join(data, 'genesis.json'));
    const keyOf = (id: string): string[] =>
      genesis.modules.gov.orgs.find((o: { id: string }) => o.id === id).keys;
    assert.deepEqual(keyOf('tax'), [taxKey]);
    assert.deepEqual(keyOf('court'), [courtKey]);
    assert.deepEqual(keyOf('acme'), [readJson(join(data, 'keys', 'acme.json')).multikey]);
    for (const id of ['tax', 'court'])
      assert.equal(existsSync(join(data, 'keys', `${id}.json`)), false);
    // tax joins with the key file it made itself, under its own passphrase.
    const joined = await json(
      [
        ...['node', 'join', '--data', join(folder(), 'tax-data')],
        ...['--genesis', join(data, 'genesis.json'), '--org', 'tax', '--key-file', taxKeyFile],
      ],
      { REALDID_PASSPHRASE: TAX_PASS },
    );
    assert.equal(joined.org, 'tax');
    assert.equal(joined.chainId, 'own-keys');
  });

  const refused: [string, () => string[], RegExp][] = [
    ['no "="', () => ['--org-key', taxKey], /--org-key expects org=multikey/],
    [
      'an organization not in --orgs',
      () => ['--org-key', `bank=${taxKey}`],
      /"bank", which is not one of the organizations \(acme, tax, court\)/,
    ],
    [
      'the same organization twice',
      () => ['--org-key', `tax=${taxKey}`, '--org-key', `tax=${courtKey}`],
      /organization "tax" more than once/,
    ],
    [
      'this node’s own organization',
      () => ['--org-key', `acme=${taxKey}`],
      /"acme" is this node: its key is created here/,
    ],
    [
      'one key for two organizations',
      () => ['--org-key', `tax=${taxKey}`, '--org-key', `court=${taxKey}`],
      /"tax" and "court" were given the same key/,
    ],
    [
      'not a Multikey',
      () => ['--org-key', 'tax=z6MkNotAKey'],
      /given for organization "tax" is not an Ed25519 Multikey/,
    ],
    [
      'a did:key instead of its multikey',
      () => ['--org-key', `tax=did:key:${taxKey}`],
      /is not an Ed25519 Multikey/,
    ],
  ];
  for (const [what, args, message] of refused)
    test(`${what} → exit 2 ERR_CLI_USAGE before any passphrase prompt, nothing written`, async () => {
      const data = join(folder(), 'acme-data');
      const err = await fails(
        ['node', 'init', '--data', data, ...ORGS, ...args()],
        2,
        'ERR_CLI_USAGE',
      );
      assert.match(err.message, message);
      assert.equal(existsSync(data), false);
    });
});

describe('--orderer and --nats on node init and node start', () => {
  test('node init --orderer nats --nats writes a NATS ordering; without --nats it is ERR_CLI_USAGE', async () => {
    const data = join(folder(), 'data');
    const out = await json([
      ...['node', 'init', '--data', data, '--orgs', 'a:A,b:B,c:C'],
      ...['--orderer', 'nats', '--nats', 'nats://127.0.0.1:4222'],
    ]);
    assert.equal(out.ordering, 'nats');
    assert.deepEqual(readJson(join(data, 'node.json')).ordering, {
      type: 'nats',
      servers: ['nats://127.0.0.1:4222'],
    });
    const other = join(folder(), 'data');
    await fails(
      ['node', 'init', '--data', other, '--orgs', 'a:A', '--orderer', 'nats'],
      2,
      'ERR_CLI_USAGE',
    );
    assert.equal(existsSync(other), false);

    // A NATS node is never run solo; arguments are checked before the passphrase.
    const err = await fails(
      ['node', 'start', '--data', data, '--orderer', 'solo'],
      2,
      'ERR_CLI_USAGE',
    );
    assert.match(err.message, /--orderer solo: this node orders through NATS/);
  });

  test('node start --nats on a solo folder needs --orderer nats; a malformed node.json is ERR_CLI_DATA_DIR', async () => {
    const data = join(folder(), 'data');
    await json(['node', 'init', '--data', data, '--orgs', 'a:A']);
    const err = await fails(
      ['node', 'start', '--data', data, '--nats', 'nats://127.0.0.1:4222'],
      2,
      'ERR_CLI_USAGE',
    );
    assert.match(err.message, /--nats needs --orderer nats/);
    const config = readJson(join(data, 'node.json'));
    writeFileSync(
      join(data, 'node.json'),
      JSON.stringify({ ...config, ordering: { type: 'nats', server: 'nats://x:4222' } }),
    );
    const bad = await fails(['node', 'start', '--data', data], 3, 'ERR_CLI_DATA_DIR', {
      REALDID_PASSPHRASE: PASS,
    });
    assert.match(bad.message, /node\.json: "\/ordering/);
  });
});
