/**
 * End to end through the real CLI: a person and an identity authority's front office, each with
 * their own environment, against a demo node (the demo org is an identity authority) in a
 * temporary folder. The person creates a wallet and a master DID, answers the front office's
 * challenge, is enrolled, obtains a credential copy for a site and sees it valid; a second
 * enrollment of the same ID number (the front office sending it again) is refused; after a
 * revocation the wallet sees the copy revoked. The credential store holds the copies only
 * encrypted. The node listens on port 0 and its status list URIs follow the port it got.
 */
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { sha256, toBase64url, utf8 } from '../../src/crypto/index.ts';
import { decodeSdJwtVc } from '../../src/credentials/index.ts';
import { isAppError } from '../../src/errors.ts';
import { credentialStorePath, readCopies } from '../../src/cli/credential-store.ts';
import { EXIT_OTHER } from '../../src/cli/io.ts';
import { planCreate, seedOfMnemonic } from '../../src/did/index.ts';
import { checkDigitOf } from '../../src/identity/index.ts';
import { runRealdid, startNodeProcess } from '../helpers/cli.ts';
import { assertSealedFile, errorOf, json, partyEnv, type Run } from './_party.ts';

const NODE_PASSPHRASE = 'identity cli test node passphrase';
const WALLET_PASSPHRASE = 'identity cli test wallet passphrase';
const SHOP = 'https://shop.example';

/** A synthetic resident ID number with its check digit (no real person's). */
const idNumber = (first17: string): string => first17 + checkDigitOf(first17);

const PERSON = {
  familyName: '皇甫',
  givenName: '测试玥',
  idNumber: idNumber('11010519900307' + '428'),
  birthdate: '1990-03-07',
  nationality: 'CN',
};

const CLAIMS = [
  'family_name',
  'given_name',
  'birthdate',
  'nationality',
  'region',
  'age_over_14',
  'age_over_16',
  'age_over_18',
  'age_over_60',
];

/** Stops a node child by its PID: SIGTERM (a clean stop), SIGKILL if it is still there after 10 s. */
async function stopByPid(child: ChildProcess): Promise<void> {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  process.kill(child.pid, 'SIGTERM');
  const timer = setTimeout(() => {
    if (child.exitCode === null && child.signalCode === null) process.kill(child.pid!, 'SIGKILL');
  }, 10_000);
  await exited;
  clearTimeout(timer);
}

interface Binding {
  did: string;
  status: string;
  authority: string;
  reason?: string;
  copies: { issued: number; unexpired: number };
  record: string;
}

interface CopyView {
  origin: string;
  holder: string;
  authority: string;
  iat: number;
  exp: number;
  expired: boolean;
  status: string;
  statusList: { idx: number; uri: string };
  claims: string[];
}

test('a person is enrolled, obtains a copy, and sees it revoked, all through the CLI', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'realdid-identity-cli-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const run = async (env: NodeJS.ProcessEnv, args: string[]): Promise<Run> => {
    const r = await runRealdid(args, { cwd: dir, env, timeoutMs: 30_000 });
    return { ...r, code: r.code ?? -1 };
  };
  const officeHome = join(dir, 'office');
  const personHome = join(dir, 'person');
  for (const h of [officeHome, personHome]) mkdirSync(h);
  const walletFile = join(personHome, 'wallet.json');
  /** The person's environment: their own wallet, trust file and wallet passphrase. */
  const personEnv = (url?: string): NodeJS.ProcessEnv =>
    partyEnv({
      REALDID_HOME: personHome,
      REALDID_WALLET: walletFile,
      REALDID_PASSPHRASE: WALLET_PASSPHRASE,
      ...(url === undefined ? {} : { REALDID_URL: url }),
    });

  // Independent steps run at once (each CLI run costs seconds): the node's data folder and the
  // person's wallet.
  const [init, created] = await Promise.all([
    run(partyEnv({ REALDID_PASSPHRASE: NODE_PASSPHRASE }), [
      ...['node', 'init', '--data', 'data', '--demo', '--json'],
    ]),
    run(personEnv(), ['wallet', 'init', '--words', '12', '--json']),
  ]);
  assert.equal(init.code, 0, init.stderr);
  const seed = seedOfMnemonic(json<{ mnemonic: string }>(created).mnemonic);
  const config = JSON.parse(readFileSync(join(dir, 'data', 'node.json'), 'utf8')) as {
    modules: { idn: { authority: string; publicUrl?: string } };
  };
  // No public URL configured: the status list URIs follow the address the node listens on, so a
  // node on port 0 puts its real port into the credentials it issues (checked below).
  assert.equal(config.modules.idn.publicUrl, undefined);
  const authority = config.modules.idn.authority;
  const { child, url } = await startNodeProcess('data', {
    cwd: dir,
    env: partyEnv({ REALDID_PASSPHRASE: NODE_PASSPHRASE }),
    timeoutMs: 30_000,
  });
  t.after(() => stopByPid(child));

  const office = partyEnv({
    REALDID_HOME: officeHome,
    REALDID_URL: url,
    REALDID_PASSPHRASE: NODE_PASSPHRASE,
  });
  const operator = ['--operator-key', join(dir, 'data', 'keys', 'ia-operator.json'), '--json'];
  const person = personEnv(url);
  const enrollArgs = (did: string, proof: string): string[] => [
    ...['ia', 'enroll', '--family-name', PERSON.familyName, '--given-name', PERSON.givenName],
    ...['--id-number', PERSON.idNumber, '--birthdate', PERSON.birthdate],
    ...['--nationality', PERSON.nationality, '--did', did, '--proof', proof],
    ...operator,
  ];
  const copies = async (): Promise<CopyView[]> =>
    json<{ copies: CopyView[] }>(await run(person, ['wallet', 'credentials', '--json'])).copies;

  // The master DID on the ledger (`did create`) while the front office asks for a challenge; then
  // the person's answer (`wallet prove` prints the proof as JSON).
  const [createRun, challengeRun] = await Promise.all([
    run(person, ['did', 'create', '--json']),
    run(office, ['ia', 'challenge', ...operator]),
  ]);
  const { did } = json<{ did: string }>(createRun);
  assert.equal(did, planCreate(seed).did);
  const challenge = json<{ challenge: string; authority: string }>(challengeRun);
  assert.equal(challenge.authority, authority);
  const prove = await run(person, [
    ...['wallet', 'prove', challenge.challenge, '--authority', authority],
  ]);
  const proof = json<{ challenge: string; signer: string; signature: string }>(prove);
  assert.equal(proof.challenge, challenge.challenge);
  assert.ok(proof.signer.startsWith(`${did}#`), proof.signer);

  await t.test('ia enroll: the binding is active; the answer holds no personal data', async () => {
    const r = await run(office, enrollArgs(did, prove.stdout));
    const b = json<Binding>(r);
    assert.equal(b.did, did);
    assert.equal(b.status, 'active');
    assert.equal(b.authority, authority);
    assert.equal(b.record, 'held');
    for (const v of [PERSON.familyName, PERSON.givenName, PERSON.idNumber, PERSON.birthdate])
      assert.ok(!r.stdout.includes(v) && !r.stderr.includes(v), `${v} printed`);
  });

  // The front office enrolls the same person again, with a fresh challenge the person answers (it
  // runs while the person obtains a copy); the proof comes first, then uniqueness.
  const duplicate = (async () => {
    const again = json<{ challenge: string }>(await run(office, ['ia', 'challenge', ...operator]));
    const proved = await run(person, [
      'wallet',
      'prove',
      again.challenge,
      '--authority',
      authority,
    ]);
    return run(office, enrollArgs(did, proved.stdout));
  })();

  await t.test(
    'wallet credentials get, then the list: one valid copy, its expiry and claims; ia show counts it',
    async () => {
      const got = json<CopyView & { obtained: boolean }>(
        await run(person, ['wallet', 'credentials', 'get', SHOP, '--json']),
      );
      assert.equal(got.obtained, true);
      assert.equal(got.origin, SHOP);
      assert.match(got.holder, /^did:key:z6Mk/);
      const [list, show] = await Promise.all([
        copies(),
        run(office, ['ia', 'show', did, ...operator]),
      ]);
      const [listed, ...rest] = list;
      assert.equal(rest.length, 0);
      assert.ok(listed);
      assert.equal(listed.origin, SHOP);
      assert.equal(listed.holder, got.holder);
      assert.equal(listed.authority, authority);
      assert.equal(listed.status, 'valid');
      assert.equal(listed.expired, false);
      assert.equal(listed.exp, got.exp);
      const now = Math.floor(Date.now() / 1000);
      assert.ok(listed.exp > now && listed.exp <= now + 8 * 24 * 3600, `exp ${listed.exp}`);
      assert.ok(listed.iat <= now);
      assert.deepEqual([...listed.claims].sort(), [...CLAIMS].sort());
      assert.ok(listed.statusList.uri.startsWith(`${url}/v1/identity/status-lists/`));
      const shown = json<Binding>(show);
      assert.equal(shown.status, 'active');
      assert.deepEqual(shown.copies, { issued: 1, unexpired: 1 });
    },
  );

  await t.test('the credential store is 0600 and holds the copy only encrypted', () => {
    const path = credentialStorePath(walletFile);
    assert.equal(path, `${walletFile}.credentials`);
    assertSealedFile(path);
    const text = readFileSync(path, 'utf8');
    const [copy] = readCopies(walletFile, seed);
    assert.ok(copy);
    const decoded = decodeSdJwtVc(copy.credential);
    const family = decoded.disclosures.find((d) => d.name === 'family_name');
    assert.equal(family?.value, PERSON.familyName);
    const secrets = [
      PERSON.familyName,
      PERSON.givenName,
      PERSON.idNumber,
      toBase64url(utf8(PERSON.familyName)),
      copy.credential.slice(0, 40),
      ...copy.credential.split('~').filter((part) => part.length > 20),
    ];
    for (const s of secrets) assert.ok(!text.includes(s), `${s.slice(0, 24)}… in clear`);
    // Another wallet's key cannot open it.
    assert.throws(
      () => readCopies(walletFile, sha256(utf8('another wallet'))),
      (e: unknown) => isAppError(e, 'ERR_WALLET_CORRUPT'),
    );
  });

  await t.test(
    'a second enrollment of the same ID number → exit 1, ERR_IDENTITY_ALREADY_ENROLLED',
    async () => {
      const r = await duplicate;
      assert.equal(r.code, EXIT_OTHER, r.stderr);
      assert.equal(errorOf(r).code, 'ERR_IDENTITY_ALREADY_ENROLLED');
      assert.equal(r.stdout, '');
    },
  );

  await t.test(
    'ia revoke: the binding is revoked, and the wallet sees its copy revoked',
    async () => {
      const b = json<Binding>(await run(office, ['ia', 'revoke', did, ...operator]));
      assert.equal(b.did, did);
      assert.equal(b.status, 'revoked');
      assert.equal(b.reason, 'holder-request');
      const listed = await copies();
      assert.equal(listed.length, 1);
      assert.equal(listed[0]!.status, 'revoked');
    },
  );
});
