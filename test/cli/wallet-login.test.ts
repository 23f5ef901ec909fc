/**
 * The CLI wallet against a site over real HTTP. An identity authority's node serves HTTP on a free
 * 127.0.0.1 port (started in process from a data folder whose genesis registers the demo site on
 * the origin of a second free port); the site (test/sdk/_site.ts around a LoginVerifier) listens
 * on that origin. A person's wallet (`realdid wallet init`, a master DID, enrolled at the front
 * office through the SDK) logs in with `realdid wallet login` as a child process: the account is
 * the pairwise did:key of the site's origin, only the requested claims are shown; the next logins
 * reuse the copy, and one under a disclosure policy prints a receipt hash the ledger shows. A
 * login without consent sends nothing; a request for an unregistered claim is refused and logged;
 * on a terminal (util-linux `script`) the prompt shows what is asked and "n" declines. `realdid
 * wallet activity` lists it all; its log is sealed under the wallet's seed, and the evidence kept
 * in it re-verifies offline against the genesis' trust anchor.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import {
  clientIdOf,
  realNameQuery,
  SELF_ISSUED_AUD,
  signerOfKeyPair,
  signRequestObject,
  VP_FORMATS_SUPPORTED,
} from '../../src/credentials/index.ts';
import { toBase64url, utf8 } from '../../src/crypto/index.ts';
import { derivePairwise, newMnemonic, planCreate, seedOfMnemonic } from '../../src/did/index.ts';
import { isAppError } from '../../src/errors.ts';
import type { RoleGrantInput } from '../../src/governance/index.ts';
import { DEMO_SITE_KEY_FILE, DEMO_SITE_KEY_ID, IDN_KEYS } from '../../src/identity/index.ts';
import { initDataDir, loadKeyFile, startNode, type RunningNode } from '../../src/node/index.ts';
import {
  consentReceiptHash,
  disclosure,
  LoginVerifier,
  proveMasterDid,
  RealdidClient,
  trustFromGenesis,
  verifySignedCheckpoint,
  verifyStateAnswer,
  type RequestKey,
  type TrustAnchor,
} from '../../src/sdk/index.ts';
import { activityLogPath, readActivity } from '../../src/cli/activity-log.ts';
import { readCopies } from '../../src/cli/credential-store.ts';
import { EXIT_CODES, EXIT_OTHER } from '../../src/cli/io.ts';
import { createWallet, openWallet, saveWalletState } from '../../src/cli/wallet-file.ts';
import { masterKey } from '../../src/cli/commands/wallet-credentials.ts';
import { BIN, runRealdid } from '../helpers/cli.ts';
import { PEOPLE } from '../identity/_helpers.ts';
import { siteApp } from '../sdk/_site.ts';
import { assertSealedFile, errorOf, json, partyEnv, type Run } from './_party.ts';

const NODE_PASS = 'wallet login cli test node passphrase';
const WALLET_PASS = 'wallet login cli test wallet passphrase';
const PERSON = PEOPLE[0]!;
const POLICY = 'creator-real-name';

/** A site verifier that remembers which logins a wallet posted an answer to. */
class CountingVerifier extends LoginVerifier {
  readonly posted: string[] = [];
  override respond(id: string, form: Readonly<Record<string, string | undefined>>) {
    this.posted.push(id);
    return super.respond(id, form);
  }
}

interface LoginJson {
  site: string;
  name: string;
  account: string;
  purpose: string;
  disclosed: string[];
  policy?: string;
  receiptHash?: string;
}

interface Item {
  kind: string;
  text: string;
  details: Record<string, unknown>;
  evidence?: { key: string; height: number; signers: string[] };
}

const root = mkdtempSync(join(tmpdir(), 'realdid-wallet-login-'));
const dataDir = join(root, 'data');
const personHome = join(root, 'person');
const walletFile = join(personHome, 'wallet.json');
let node: RunningNode;
let site: FastifyInstance;
let verifier: CountingVerifier;
const raw = new Map<string, string>();
let origin: string;
let siteDid: string;
let siteKey: RequestKey;
let trust: TrustAnchor;
let operator: RequestKey;
let authority: string;
let seed: Uint8Array;
let did: string;
let account: string;

const client = () => new RealdidClient({ url: node.url, trust });

/** A CLI run as the person (`home`: their REALDID_HOME, i.e. trust file; wallet A by default). */
async function run(args: string[], o: { home?: string; wallet?: string } = {}): Promise<Run> {
  const home = o.home ?? personHome;
  mkdirSync(home, { recursive: true });
  const env = partyEnv({
    REALDID_HOME: home,
    REALDID_WALLET: o.wallet ?? walletFile,
    REALDID_PASSPHRASE: WALLET_PASS,
    ...(node === undefined ? {} : { REALDID_URL: node.url }),
  });
  const r = await runRealdid(args, { cwd: root, env, timeoutMs: 60_000 });
  return { ...r, code: r.code ?? -1 };
}

const hasScript = spawnSync('script', ['-qec', 'true', '/dev/null']).status === 0;
const shellQuote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * A CLI run as the person on a terminal: util-linux `script` gives it a pseudo-terminal and
 * types `input`; what it printed (stdout and stderr together, as on a screen) comes back as stdout.
 */
function runOnTerminal(args: string[], input: string): Promise<Run> {
  const command = [process.execPath, BIN, ...args].map(shellQuote).join(' ');
  const env = partyEnv({
    REALDID_HOME: personHome,
    REALDID_WALLET: walletFile,
    REALDID_PASSPHRASE: WALLET_PASS,
    REALDID_URL: node.url,
    SHELL: '/bin/sh',
  });
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-qec', command, '/dev/null'], { cwd: root, env });
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.resume();
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr: '' }));
    child.stdin.end(input);
  });
}

before(async () => {
  mkdirSync(personHome, { recursive: true });
  // the wallet (a CLI run of a few seconds) while the node and the site start
  const init = run(['wallet', 'init', '--words', '12', '--json']);
  // the site's port first, so genesis can register its origin
  site = await siteApp(() => verifier, raw);
  await site.listen({ host: '127.0.0.1', port: 0 });
  origin = `http://127.0.0.1:${(site.server.address() as AddressInfo).port}`;
  const { genesis, config } = initDataDir(dataDir, {
    passphrase: NODE_PASS,
    orgs: [{ id: 'org1', name: 'Wallet Login Test Org' }],
    quorum: 1,
    port: 0,
    moduleInit: {
      idn: { authority: { name: 'Wallet Login Test Authority' }, demoSite: { origins: [origin] } },
    },
  });
  node = await startNode({ dataDir, passphrase: NODE_PASS, port: 0 });
  trust = trustFromGenesis(genesis);
  const roles = (genesis.modules.gov as unknown as { roles: RoleGrantInput[] }).roles;
  siteDid = roles.find((r) => r.role === 'relying-party')!.subject;
  siteKey = {
    kid: `${siteDid}#${DEMO_SITE_KEY_ID}`,
    keyPair: loadKeyFile(join(dataDir, 'keys', `${DEMO_SITE_KEY_FILE}.json`), NODE_PASS).keyPair,
  };
  verifier = new CountingVerifier({
    client: client(),
    site: { did: siteDid, ...siteKey },
    baseUrl: origin,
  });
  authority = (config.modules!.idn as { authority: string }).authority;
  operator = {
    kid: `${authority}#operator`,
    keyPair: loadKeyFile(join(dataDir, 'keys', 'ia-operator.json'), NODE_PASS).keyPair,
  };

  // the person's master DID on the ledger, then the front office's enrollment
  seed = seedOfMnemonic(json<{ mnemonic: string }>(await init).mnemonic);
  const w = await openWallet(walletFile, WALLET_PASS);
  const plan = planCreate(w.seed, 0, 0);
  await client().signAndSubmit(plan.keyPair, plan.signer, plan.kind, plan.body);
  did = plan.did;
  const file = saveWalletState(walletFile, w.file, { did });
  const { challenge } = await client().identity.challenge(operator, authority);
  const proof = proveMasterDid(authority, challenge, masterKey({ ...w, file }));
  const b = await client().identity.enroll(operator, authority, { person: PERSON, did, proof });
  assert.equal(b.status, 'active');
  account = derivePairwise(seed, origin).did;
});

after(async () => {
  await site?.close();
  await node?.close();
  rmSync(root, { recursive: true, force: true });
});

/** The site's session of login `id` (it must be done). */
function sessionOf(id: string) {
  const st = verifier.status(id);
  assert.equal(st.status, 'done', JSON.stringify(st));
  return st.status === 'done' ? st.session : assert.fail();
}

describe('realdid wallet login against a site over HTTP', () => {
  let firstObtained = 0;
  let receiptHash = '';

  test('login --yes --json: the account is the pairwise did:key of the origin, only the requested claims are shown', async () => {
    const start = await verifier.start({ purpose: 'login' });
    const [login, pairwise] = await Promise.all([
      run(['wallet', 'login', start.link, '--yes', '--json']),
      run(['wallet', 'pairwise', origin, '--json']),
    ]);
    const out = json<LoginJson>(login);
    assert.equal(out.account, json<{ did: string }>(pairwise).did);
    assert.equal(out.account, account);
    assert.equal(out.site, siteDid);
    assert.equal(out.name, 'realdid demo site');
    assert.equal(out.purpose, 'login');
    assert.deepEqual(out.disclosed, ['age_over_18']);
    assert.equal(out.policy, undefined);
    assert.equal(out.receiptHash, undefined);
    const session = sessionOf(start.id);
    assert.equal(session.account, account);
    assert.deepEqual(session.claims, { real_name_verified: true, age_over_18: true });
    const copies = readCopies(walletFile, seed);
    assert.equal(copies.length, 1);
    assert.equal(copies[0]!.origin, origin);
    assert.equal(copies[0]!.holder, account);
    firstObtained = copies[0]!.obtained;
  });

  test('a second login, under a disclosure policy, reuses the copy and prints a receipt hash that `realdid proof state` shows; a third gives the same account', async () => {
    const start = await verifier.start({ purpose: 'creator', policy: POLICY });
    const out = json<LoginJson>(await run(['wallet', 'login', start.link, '--yes', '--json']));
    assert.equal(out.account, account);
    assert.equal(out.purpose, 'creator');
    assert.equal(out.policy, POLICY);
    assert.deepEqual([...out.disclosed].sort(), ['age_over_18', 'family_name', 'given_name']);
    assert.match(out.receiptHash ?? '', /^[0-9a-f]{64}$/);
    receiptHash = out.receiptHash!;
    const session = sessionOf(start.id);
    assert.equal(session.account, account);
    assert.equal(session.policy?.receiptHash, receiptHash);
    assert.deepEqual(session.claims, {
      real_name_verified: true,
      age_over_18: true,
      family_name: PERSON.familyName,
      given_name: PERSON.givenName,
    });

    // an auditor (its own trust file) proves the disclosure while the person logs in again
    const third = await verifier.start({ purpose: 'login' });
    const key = IDN_KEYS.disclosure(receiptHash);
    const [proof, again] = await Promise.all([
      run(['proof', 'state', key, '--json'], { home: join(root, 'auditor') }),
      run(['wallet', 'login', third.link, '--yes', '--json']),
    ]);
    const proved = json<{ verified: boolean; value: Record<string, unknown> }>(proof);
    assert.equal(proved.verified, true);
    assert.equal(proved.value.site, siteDid);
    assert.equal(proved.value.policy, POLICY);
    const d = await disclosure(client(), receiptHash);
    assert.equal(d?.site, siteDid);
    assert.equal(d?.policy, POLICY);
    assert.equal(json<LoginJson>(again).account, account);
    assert.equal(sessionOf(third.id).account, account);

    // no new copy was requested: the store holds the first one, the authority counts one
    const copies = readCopies(walletFile, seed);
    assert.equal(copies.length, 1);
    assert.equal(copies[0]!.obtained, firstObtained);
    const shown = await client().identity.show(operator, authority, did);
    assert.equal(shown.copies.issued, 1);
  });

  test('refusals: no consent without --yes or a terminal (exit 2, nothing sent); a claim outside the registration (exit 1, logged)', async () => {
    const unconsented = await verifier.start({ purpose: 'login' });
    // a hand-made request, signed by the site's key, for a claim its `login` purpose lacks
    const id = 'outside-registration';
    const clientId = clientIdOf(siteDid);
    const now = Math.floor(Date.now() / 1000);
    raw.set(
      id,
      signRequestObject(
        {
          iss: clientId,
          aud: SELF_ISSUED_AUD,
          client_id: clientId,
          response_type: 'vp_token',
          response_mode: 'direct_post',
          response_uri: `${origin}/oid4vp/response/${id}`,
          nonce: 'nonce-outside-registration-0123456789',
          state: 'state-outside-registration-0123456789',
          iat: now,
          exp: now + 300,
          dcql_query: realNameQuery(['birthdate']),
          client_metadata: { vp_formats_supported: VP_FORMATS_SUPPORTED },
          realdid_purpose: 'login',
        },
        signerOfKeyPair(siteKey.keyPair, siteKey.kid),
      ),
    );
    const outside = `openid4vp://?client_id=${encodeURIComponent(clientId)}&request_uri=${encodeURIComponent(`${origin}/oid4vp/request/${id}`)}`;
    const [noConsent, refused] = await Promise.all([
      // another REALDID_HOME (its own trust file), the same wallet
      run(['wallet', 'login', unconsented.link], { home: join(root, 'person-2') }),
      run(['wallet', 'login', outside, '--yes', '--json']),
    ]);
    assert.equal(noConsent.code, EXIT_CODES.ERR_CLI_USAGE, noConsent.stderr);
    assert.match(noConsent.stderr, /ERR_CLI_USAGE: not a terminal/);
    // what it would have asked: the site's registered name, purpose and claims
    assert.match(noConsent.stderr, /realdid demo site/);
    assert.match(noConsent.stderr, /asks to see: age_over_18/);
    assert.equal(noConsent.stdout, '');
    assert.deepEqual(verifier.status(unconsented.id), {
      status: 'pending',
      expires: unconsented.expires,
    });
    assert.ok(!verifier.posted.includes(unconsented.id));

    assert.equal(refused.code, EXIT_OTHER, refused.stderr);
    assert.equal(errorOf(refused).code, 'ERR_IDENTITY_CLAIM_NOT_REGISTERED');
    assert.ok(!verifier.posted.includes(id));
  });

  test(
    'on a terminal, the prompt shows the site, purpose and claims (also with --json); "n" declines and tells the site',
    {
      skip: hasScript ? false : 'no `script` (util-linux) to give the CLI a terminal',
    },
    async () => {
      const declined = await verifier.start({ purpose: 'login' });
      const r = await runOnTerminal(['wallet', 'login', declined.link, '--json'], 'n\n');
      assert.equal(r.code, EXIT_OTHER, r.stdout);
      assert.match(r.stdout, /realdid demo site \(http:\/\/127\.0\.0\.1:\d+, did:rdid:/);
      assert.match(r.stdout, /purpose: Log in to the demo site[^\n]*\[login\]/);
      assert.match(r.stdout, /asks to see: age_over_18/);
      assert.match(r.stdout, /share this with realdid demo site\? \[y\/N\]/);
      assert.match(r.stdout, /\{"code":"ERR_IDENTITY_CONSENT_DECLINED"/);
      const st = verifier.status(declined.id);
      assert.equal(st.status, 'failed');
      assert.equal(st.status === 'failed' ? st.code : '', 'ERR_IDENTITY_CONSENT_DECLINED');
      assert.ok(verifier.posted.includes(declined.id));
    },
  );

  test('wallet activity --json: logins, the disclosure recorded with evidence, enrollment with a proof; another seed cannot read the log', async () => {
    const other = join(root, 'other', 'wallet.json');
    createWallet(other, newMnemonic(12), WALLET_PASS);
    copyFileSync(activityLogPath(walletFile), activityLogPath(other));
    const [mine, theirs] = await Promise.all([
      run(['wallet', 'activity', '--json']),
      run(['wallet', 'activity', '--json'], { home: join(root, 'other'), wallet: other }),
    ]);
    assert.equal(theirs.code, EXIT_OTHER, theirs.stderr);
    assert.equal(errorOf(theirs).code, 'ERR_WALLET_CORRUPT');

    const { items } = json<{ items: Item[] }>(mine);
    const enrollment = items.filter((i) => i.kind === 'enrollment');
    assert.equal(enrollment.length, 1);
    assert.equal(enrollment[0]!.details.did, did);
    assert.equal(enrollment[0]!.details.status, 'active');
    assert.equal(enrollment[0]!.evidence?.key, IDN_KEYS.master(did));
    assert.deepEqual(enrollment[0]!.evidence?.signers, ['org1']);

    const logins = items.filter((i) => i.kind === 'login').map((i) => i.details);
    const outcomes = logins.map((l) => `${String(l.outcome)} ${String(l.code ?? '')}`.trim());
    assert.deepEqual(outcomes.sort(), [
      'declined',
      'refused ERR_IDENTITY_CLAIM_NOT_REGISTERED',
      'sent',
      'sent',
      'sent',
    ]);
    for (const l of logins.filter((x) => x.outcome !== 'refused')) {
      assert.equal(l.account, account);
      assert.equal(l.origin, origin);
      assert.equal(l.site, siteDid);
    }
    assert.equal(logins.find((l) => l.outcome === 'refused')!.site, siteDid);
    const sent = logins.filter((l) => l.outcome === 'sent');
    assert.deepEqual(sent.map((l) => (l.claims as string[]).join(',')).sort(), [
      'age_over_18',
      'age_over_18',
      'age_over_18,family_name,given_name',
    ]);

    const disclosures = items.filter((i) => i.kind === 'disclosure');
    assert.equal(disclosures.length, 1);
    const dsc = disclosures[0]!;
    assert.equal(dsc.details.recorded, true);
    assert.equal(dsc.details.receiptHash, receiptHash);
    assert.equal(consentReceiptHash(dsc.details.receipt as string), receiptHash);
    assert.equal(dsc.evidence?.key, IDN_KEYS.disclosure(receiptHash));
    assert.ok((dsc.evidence?.height ?? 0) > 0);

    const credentials = items.filter((i) => i.kind === 'credential');
    assert.equal(credentials.length, 1);
    assert.equal(credentials[0]!.details.status, 'valid');
  });

  test('the activity file is sealed: 0600, no site origin, name or claim value in clear', () => {
    const path = activityLogPath(walletFile);
    assert.equal(path, `${walletFile}.activity`);
    assertSealedFile(path);
    const text = readFileSync(path, 'utf8');
    // positive control: the log does hold them
    const log = readActivity(walletFile, seed);
    assert.ok(JSON.stringify(log).includes(origin));
    const needles = [
      origin,
      new URL(origin).host,
      'realdid demo site',
      siteDid,
      account,
      'age_over_18',
      POLICY,
      receiptHash,
      PERSON.familyName,
      PERSON.givenName,
      toBase64url(utf8(PERSON.familyName)),
    ];
    for (const n of needles) assert.ok(!text.includes(n), `${n} in clear`);
    assert.throws(
      () => readActivity(walletFile, seedOfMnemonic(newMnemonic(12))),
      (e: unknown) => isAppError(e, 'ERR_WALLET_CORRUPT'),
    );
  });

  test('the kept evidence re-verifies offline against the genesis trust anchor; a tampered value is refused', () => {
    const { evidence } = readActivity(walletFile, seed);
    assert.deepEqual(evidence.map((e) => e.kind).sort(), ['binding', 'disclosure', 'master']);
    for (const e of evidence) {
      const cp = verifySignedCheckpoint(e.checkpoint, trust);
      assert.deepEqual(verifyStateAnswer(e.key, e, cp), e.value);
    }
    const d = evidence.find((e) => e.kind === 'disclosure')!;
    assert.equal((d.value as { site: string }).site, siteDid);
    const cp = verifySignedCheckpoint(d.checkpoint, trust);
    const tampered = { ...d, value: { ...(d.value as object), policy: 'another-policy' } };
    assert.throws(
      () => verifyStateAnswer(d.key, tampered, cp),
      (e: unknown) => isAppError(e, 'ERR_LEDGER_BAD_PROOF'),
    );
    const moved = {
      ...d.checkpoint,
      checkpoint: { ...d.checkpoint.checkpoint, stateRoot: '00'.repeat(32) },
    };
    assert.throws(
      () => verifySignedCheckpoint(moved, trust),
      (e: unknown) => isAppError(e, 'ERR_LEDGER_BAD_CHECKPOINT'),
    );
  });
});
