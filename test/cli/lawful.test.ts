/**
 * Lawful de-anonymization through the real CLI, against a node (an identity authority) started
 * from a data folder whose genesis also names a court (lawful-requester), two custodians and a
 * site, each a did:rdid whose key is in a key file. A person is enrolled and issued a copy for the
 * site (through the SDK, in process). Then, as processes: the court files a request, a release
 * before enough approvals is refused with its code, the custodians approve, the court obtains the
 * identity; `lawful show` and `lawful list` print the proven state.
 */
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { encodeMultikey, generateEd25519 } from '../../src/crypto/index.ts';
import { rdidFor, recoveryCommitmentOf, walletDocument } from '../../src/did/index.ts';
import { createKeyFile, initDataDir, loadKeyFile } from '../../src/node/index.ts';
import { proveMasterDid, RealdidClient } from '../../src/sdk/index.ts';
import { runRealdid, startNodeProcess } from '../helpers/cli.ts';
import { newWallet, PEOPLE } from '../identity/_helpers.ts';
import { CAST, SITE_ORIGIN } from '../identity/_lawful.ts';

const PASS = 'lawful cli test passphrase';

/** A did:rdid whose one key (`key-0`, every relationship) is in a new key file. */
function keyFileDid(path: string, label: string) {
  const multikey = createKeyFile(path, PASS, label);
  const document = walletDocument(multikey, 'key-0');
  const recoveryCommitment = recoveryCommitmentOf(
    encodeMultikey(generateEd25519().keyPair.publicKey),
  );
  return { path, did: rdidFor(document, recoveryCommitment), document, recoveryCommitment };
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  process.kill(child.pid, 'SIGTERM');
  await exited;
}

test('lawful request, decide, release, show and list through the CLI', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'realdid-lawful-cli-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const data = join(dir, 'data');
  initDataDir(data, {
    passphrase: PASS,
    orgs: [{ id: 'org1', name: 'Lawful CLI Org' }],
    quorum: 1,
    time: Date.now() - 3_600_000,
    moduleInit: { idn: { authority: { name: 'Lawful CLI Authority' } } },
  });
  const [court, c1, c2] = ['court', 'custodian-1', 'custodian-2'].map((l) =>
    keyFileDid(join(dir, `${l}.json`), l),
  ) as [
    ReturnType<typeof keyFileDid>,
    ReturnType<typeof keyFileDid>,
    ReturnType<typeof keyFileDid>,
  ];
  const genesisPath = join(data, 'genesis.json');
  const g = JSON.parse(readFileSync(genesisPath, 'utf8')) as {
    modules: { did: { documents: unknown[] }; gov: { roles: unknown[] } };
  };
  for (const k of [court, c1, c2])
    g.modules.did.documents.push({
      did: k.did,
      document: k.document,
      recoveryCommitment: k.recoveryCommitment,
    });
  g.modules.did.documents.push(CAST.site.create.body);
  g.modules.gov.roles.push(
    { role: 'lawful-requester', subject: court.did, name: 'Test Court', scope: {} },
    { role: 'lawful-custodian', subject: c1.did, name: 'Custodian One', scope: {} },
    { role: 'lawful-custodian', subject: c2.did, name: 'Custodian Two', scope: {} },
    {
      role: 'relying-party',
      subject: CAST.site.did,
      name: 'Test Shop',
      scope: {},
      site: {
        origins: [SITE_ORIGIN],
        purposes: [{ id: 'login', description: 'Log in', claims: [] }],
      },
    },
  );
  writeFileSync(genesisPath, JSON.stringify(g));
  const authority = (
    JSON.parse(readFileSync(join(data, 'node.json'), 'utf8')) as {
      modules: { idn: { authority: string } };
    }
  ).modules.idn.authority;

  const { child, url } = await startNodeProcess(data, {
    cwd: dir,
    env: { ...process.env, REALDID_PASSPHRASE: PASS },
    timeoutMs: 30_000,
  });
  t.after(() => stop(child));

  // The person: a master DID, enrolled, a copy for the site (through the SDK).
  const client = new RealdidClient({ url });
  const wallet = await newWallet(client, 'lawful cli person');
  const operator = {
    kid: `${authority}#operator`,
    keyPair: loadKeyFile(join(data, 'keys', 'ia-operator.json'), PASS).keyPair,
  };
  const { challenge } = await client.identity.challenge(operator, authority);
  await client.identity.enroll(operator, authority, {
    person: PEOPLE[2]!,
    did: wallet.did,
    proof: proveMasterDid(authority, challenge, wallet.master),
  });
  const pairwise = wallet.pairwise(SITE_ORIGIN);
  await client.identity.requestCopy(authority, wallet.master, pairwise.keyPair);

  const home = join(dir, 'home');
  mkdirSync(home);
  const env = {
    ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('REALDID_'))),
    REALDID_HOME: home,
    REALDID_URL: url,
    REALDID_PASSPHRASE: PASS,
  };
  const run = async (args: string[]) => {
    const r = await runRealdid(args, { cwd: dir, env, timeoutMs: 30_000 });
    return { ...r, code: r.code ?? -1 };
  };
  const json = <T>(r: { code: number; stdout: string; stderr: string }): T => {
    assert.equal(r.code, 0, r.stderr);
    return JSON.parse(r.stdout) as T;
  };
  const as = (k: { path: string; did: string }) => ['--key', k.path, '--did', k.did, '--json'];

  const filed = json<{ id: string; nonce: string; subject: string }>(
    await run([
      ...['lawful', 'request', '--authority', authority, '--site', CAST.site.did],
      ...['--subject', pairwise.did, '--basis', 'Criminal Procedure Law, Article 150'],
      ...['--case-ref', 'Case 2026-CLI-7', '--notice-delay', '7d', ...as(court)],
    ]),
  );
  assert.match(filed.id, /^[0-9a-f]{64}$/);

  await t.test('usage errors: a bad duration, a key that is not the DID’s', async () => {
    const bad = await run([
      ...['lawful', 'request', '--authority', authority, '--site', CAST.site.did],
      ...[
        '--subject',
        pairwise.did,
        '--basis',
        'x',
        '--case-ref',
        'y',
        '--notice-delay',
        'soon',
        ...as(court),
      ],
    ]);
    assert.equal(bad.code, 2, bad.stderr);
    const wrongKey = await run([
      'lawful',
      'decide',
      filed.id,
      'approve',
      '--key',
      c1.path,
      '--did',
      c2.did,
      '--json',
    ]);
    assert.equal(wrongKey.code, 2, wrongKey.stderr);
  });

  await t.test('before enough approvals the release is refused with its code', async () => {
    const one = json<{ status: string; approvals: unknown[] }>(
      await run(['lawful', 'decide', filed.id, 'approve', ...as(c1)]),
    );
    assert.equal(one.status, 'open');
    assert.equal(one.approvals.length, 1);
    const early = await run([
      'lawful',
      'release',
      filed.id,
      '--subject',
      pairwise.did,
      ...as(court),
    ]);
    assert.equal(early.code, 1);
    assert.equal(
      (JSON.parse(early.stderr.trim().split('\n').at(-1)!) as { code: string }).code,
      'ERR_IDENTITY_LAWFUL_NOT_APPROVED',
    );
  });

  await t.test('approved, released: the court reads the person; show and list agree', async () => {
    const two = json<{ status: string }>(
      await run(['lawful', 'decide', filed.id, 'approve', ...as(c2)]),
    );
    assert.equal(two.status, 'approved');
    const out = json<{ result: string; identity: Record<string, string>; releaseHash: string }>(
      await run(['lawful', 'release', filed.id, '--subject', pairwise.did, ...as(court)]),
    );
    assert.equal(out.result, 'released');
    assert.equal(out.identity.familyName, PEOPLE[2]!.familyName);
    assert.equal(out.identity.idNumber, PEOPLE[2]!.idNumber);
    assert.equal(out.identity.masterDid, wallet.did);
    const shown = json<{
      request: { status: string; outcome: { releaseHash: string } };
      key: string;
    }>(await run(['lawful', 'show', filed.id, '--json']));
    assert.equal(shown.request.status, 'released');
    assert.equal(shown.request.outcome.releaseHash, out.releaseHash);
    assert.equal(shown.key, `idn/lawful/${filed.id}`);
    const human = await run(['lawful', 'show', filed.id]);
    assert.equal(human.code, 0, human.stderr);
    assert.match(human.stdout, /released/);
    assert.ok(!human.stdout.includes(PEOPLE[2]!.familyName), 'show prints nothing personal');
    const listed = json<{ requests: { id: string; status: string }[] }>(
      await run(['lawful', 'list', '--status', 'released', '--json']),
    );
    assert.deepEqual(
      listed.requests.map((r) => [r.id, r.status]),
      [[filed.id, 'released']],
    );
  });
});
