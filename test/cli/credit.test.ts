/**
 * The credit registry through the real CLI, as separate parties: a node (an identity authority,
 * so also the credit authority) serves HTTP on a free port, started in process from a data folder
 * whose genesis adds a tax office (credit issuer) and a lender (querier), each a did:rdid whose
 * key is in a key file, and the demo credit documents. A person's wallet (`realdid wallet init`,
 * a master DID, enrolled at the front office through the SDK) obtains its credit credential,
 * watches the feed, reads the body, consents, disputes and reads its own report; the tax office
 * issues, answers, amends, restores and withdraws; the lender queries, reads the report once and
 * has its score recomputed locally. Each as a child process, each checked by exit code and `code`.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { demoCreditDocuments } from '../../src/credit/index.ts';
import { encodeMultikey, generateEd25519, type JsonValue } from '../../src/crypto/index.ts';
import {
  planCreate,
  rdidFor,
  recoveryCommitmentOf,
  seedOfMnemonic,
  walletDocument,
} from '../../src/did/index.ts';
import {
  createKeyFile,
  initDataDir,
  loadKeyFile,
  startNode,
  type RunningNode,
} from '../../src/node/index.ts';
import {
  proveMasterDid,
  RealdidClient,
  trustFromGenesis,
  verifySignedCheckpoint,
  verifyStateAnswer,
  verifyTxInclusion,
  type ConsentToken,
  type CreditRecordView,
  type CreditReport,
  type TrustAnchor,
} from '../../src/sdk/index.ts';
import { creditStorePath, readCreditStore } from '../../src/cli/commands/credit-store.ts';
import { masterKey } from '../../src/cli/commands/wallet-credentials.ts';
import { openWallet, saveWalletState } from '../../src/cli/wallet-file.ts';
import { runRealdid } from '../helpers/cli.ts';
import { PEOPLE } from '../identity/_helpers.ts';
import { assertSealedFile, errorOf, json, partyEnv, type Run } from './_party.ts';

const NODE_PASS = 'credit cli test node passphrase';
const WALLET_PASS = 'credit cli test wallet passphrase';
const PERSON = PEOPLE[0]!;
const ORG_A = '91350100M000100Y43';
const PURPOSE = 'loan-underwriting';

const root = mkdtempSync(join(tmpdir(), 'realdid-credit-cli-'));
const dataDir = join(root, 'data');
const personHome = join(root, 'person');
const walletFile = join(personHome, 'wallet.json');
let node: RunningNode;
let trust: TrustAnchor;
let seed: Uint8Array;

/** A did:rdid whose one key (`key-0`, every relationship) is in a new key file. */
function keyFileDid(label: string) {
  const path = join(root, `${label}.json`);
  const multikey = createKeyFile(path, NODE_PASS, label);
  const document = walletDocument(multikey, 'key-0');
  const recoveryCommitment = recoveryCommitmentOf(
    encodeMultikey(generateEd25519().keyPair.publicKey),
  );
  return { path, label, did: rdidFor(document, recoveryCommitment), document, recoveryCommitment };
}
const tax = keyFileDid('tax-office');
const lender = keyFileDid('lender');
const other = keyFileDid('not-accredited');

/** A CLI run as a party: the person (wallet) by default, or an organization with its key file. */
async function run(args: string[], as?: { path: string; did: string }): Promise<Run> {
  const home = as === undefined ? personHome : join(root, `home-${as.did.slice(-8)}`);
  mkdirSync(home, { recursive: true });
  const env = partyEnv({
    REALDID_HOME: home,
    REALDID_URL: node.url,
    ...(as === undefined
      ? { REALDID_WALLET: walletFile, REALDID_PASSPHRASE: WALLET_PASS }
      : { REALDID_PASSPHRASE: NODE_PASS }),
  });
  const keys = as === undefined ? [] : ['--key', as.path, '--did', as.did];
  const r = await runRealdid([...args, ...keys], { cwd: root, env, timeoutMs: 60_000 });
  return { ...r, code: r.code ?? -1 };
}

before(async () => {
  mkdirSync(personHome, { recursive: true });
  const { config } = initDataDir(dataDir, {
    passphrase: NODE_PASS,
    orgs: [{ id: 'org1', name: 'Credit CLI Test Org' }],
    quorum: 1,
    port: 0,
    time: Date.now() - 3_600_000,
    moduleInit: { idn: { authority: { name: 'Credit CLI Test Authority' } } },
  });
  const genesisPath = join(dataDir, 'genesis.json');
  const g = JSON.parse(readFileSync(genesisPath, 'utf8')) as {
    modules: { did: { documents: JsonValue[] }; gov: Record<string, JsonValue[] | undefined> };
  };
  for (const k of [tax, lender, other])
    g.modules.did.documents.push({
      did: k.did,
      document: k.document as unknown as JsonValue,
      recoveryCommitment: k.recoveryCommitment,
    });
  g.modules.gov.roles = [
    ...(g.modules.gov.roles ?? []),
    {
      role: 'credit-issuer',
      subject: tax.did,
      name: 'Test Tax Office',
      scope: { categories: ['tax-arrears'] },
    },
    { role: 'querier', subject: lender.did, name: 'Test Lender', scope: { purposes: [PURPOSE] } },
  ];
  g.modules.gov.documents = [
    ...(g.modules.gov.documents ?? []),
    ...(demoCreditDocuments({
      tax: tax.did,
      regulator: tax.did,
      court: tax.did,
      bank: tax.did,
    }) as unknown as JsonValue[]),
  ];
  writeFileSync(genesisPath, JSON.stringify(g));
  trust = trustFromGenesis(g as never);
  node = await startNode({ dataDir, passphrase: NODE_PASS, port: 0 });

  // the person's wallet and master DID, enrolled at the front office (through the SDK)
  seed = seedOfMnemonic(
    json<{ mnemonic: string }>(await run(['wallet', 'init', '--words', '12', '--json'])).mnemonic,
  );
  const client = new RealdidClient({ url: node.url, trust });
  const w = await openWallet(walletFile, WALLET_PASS);
  const plan = planCreate(w.seed, 0, 0);
  await client.signAndSubmit(plan.keyPair, plan.signer, plan.kind, plan.body);
  const file = saveWalletState(walletFile, w.file, { did: plan.did });
  const authority = (config.modules!.idn as { authority: string }).authority;
  const operator = {
    kid: `${authority}#operator`,
    keyPair: loadKeyFile(join(dataDir, 'keys', 'ia-operator.json'), NODE_PASS).keyPair,
  };
  const { challenge } = await client.identity.challenge(operator, authority);
  const proof = proveMasterDid(authority, challenge, masterKey({ ...w, file }));
  await client.identity.enroll(operator, authority, { person: PERSON, did: plan.did, proof });
});

after(async () => {
  await node?.close();
  rmSync(root, { recursive: true, force: true });
});

const issueArgs = (subject: string[], body: string) => [
  ...['credit', 'issue', ...subject, '--category', 'tax-arrears', '--severity', '2'],
  ...['--legal-basis', 'Tax Collection and Administration Law of the PRC, Article 63'],
  ...['--evidence-file', join(root, 'evidence.pdf'), '--occurred', '2026-10-01'],
  ...['--effective', '2026-11-01', '--body', body, '--json'],
];

describe('realdid credit, as a person, an issuer and a querier', () => {
  let record = '';
  let orgRecord = '';
  let queryId = '';

  test('the wallet obtains its credit credential, kept sealed next to it; without one, person commands say so', async () => {
    const none = await run(['credit', 'watch', '--json']);
    assert.equal(errorOf(none).code, 'ERR_CREDIT_NO_CREDENTIAL');
    const out = json<{ authority: string; consentKey: string; store: string }>(
      await run(['credit', 'credential', '--json']),
    );
    assert.match(out.consentKey, /^did:key:z6Mk/);
    assert.equal(out.store, creditStorePath(walletFile));
    assertSealedFile(out.store);
    assert.ok(readCreditStore(walletFile, seed).credential !== undefined);
  });

  test('the tax office issues a record about the person by ID number, and one about an organization', async () => {
    writeFileSync(join(root, 'evidence.pdf'), 'final collection notice TN-2026-118');
    writeFileSync(
      join(root, 'body.json'),
      JSON.stringify({ details: { amount: 12000, notice: 'TN-2026-118' } }),
    );
    const out = json<{ record: string; state: CreditRecordView; body: { salt: string } }>(
      await run(issueArgs(['--id-number', PERSON.idNumber], `@${join(root, 'body.json')}`), tax),
    );
    assert.match(out.record, /^[0-9a-f]{64}$/);
    assert.equal(out.state.subject.type, 'person');
    assert.equal(out.state.status, 'active');
    record = out.record;
    const org = json<{ record: string }>(
      await run(issueArgs(['--uscc', ORG_A], '{"details":{"amount":340000}}'), tax),
    );
    orgRecord = org.record;
  });

  test('usage errors and refusals by code: no subject, a bad date, bad JSON, an unaccredited issuer', async () => {
    const badDate = issueArgs(['--uscc', ORG_A], '{"details":{}}');
    badDate[badDate.indexOf('--occurred') + 1] = '2026-13-40';
    const [noSubject, date, badJson, refused, badId] = await Promise.all([
      run(issueArgs([], '{"details":{}}'), tax),
      run(badDate, tax),
      run(issueArgs(['--uscc', ORG_A], '{nope'), tax),
      run(issueArgs(['--uscc', ORG_A], '{"details":{}}'), other),
      run(['credit', 'withdraw', 'xyz', '--reason', 'r', '--json'], tax),
    ]);
    for (const r of [noSubject, date, badJson, badId]) {
      assert.equal(r.code, 2, r.stderr);
      assert.equal(errorOf(r).code, 'ERR_CLI_USAGE');
    }
    assert.equal(refused.code, 1);
    assert.equal(errorOf(refused).code, 'ERR_CREDIT_ISSUER_NOT_ACCREDITED');
  });

  test('watch: the record is new, with proofs kept in the wallet that re-verify offline; nothing new the second time', async () => {
    const first = json<{ events: { event: { kind: string; ref: string } }[]; kept: number }>(
      await run(['credit', 'watch', '--json']),
    );
    assert.deepEqual(
      first.events.map((e) => [e.event.kind, e.event.ref]),
      [['record', record]],
    );
    const again = json<{ events: unknown[]; kept: number }>(
      await run(['credit', 'watch', '--json']),
    );
    assert.equal(again.events.length, 0);
    assert.equal(again.kept, 1);
    const human = await run(['credit', 'watch']);
    assert.equal(human.code, 0, human.stderr);
    assert.match(human.stdout, /nothing new/);
    const [kept] = readCreditStore(walletFile, seed).events;
    const txCp = verifySignedCheckpoint(kept!.tx.checkpoint, trust);
    assert.equal(verifyTxInclusion(kept!.tx, txCp).id, record);
    verifyStateAnswer(
      kept!.state.key,
      kept!.state,
      verifySignedCheckpoint(kept!.state.checkpoint, trust),
    );
    assertSealedFile(creditStorePath(walletFile));
  });

  test('the body: the person reads it with the handle key, the issuer with its key', async () => {
    const mine = json<{ body: { details: Record<string, unknown> } }>(
      await run(['credit', 'body', record, '--json']),
    );
    assert.deepEqual(mine.body.details, { amount: 12000, notice: 'TN-2026-118' });
    const theirs = json<{ body: { details: Record<string, unknown> } }>(
      await run(['credit', 'body', record, '--json'], tax),
    );
    assert.deepEqual(theirs.body, mine.body);
    assert.equal(
      errorOf(await run(['credit', 'body', orgRecord, '--json'])).code,
      'ERR_CREDIT_NOT_SUBJECT',
    );
  });

  test('consent → query → report once → score recomputed locally', async () => {
    const consent = await run([
      'credit',
      'consent',
      '--querier',
      lender.did,
      '--purpose',
      PURPOSE,
      '--expires',
      '7d',
    ]);
    assert.equal(consent.code, 0, consent.stderr);
    const token = JSON.parse(consent.stdout) as ConsentToken;
    assert.equal(token.querier, lender.did);
    assert.ok(token.expires > Date.now() + 6 * 86_400_000);
    writeFileSync(join(root, 'token.json'), consent.stdout);
    assert.equal(
      errorOf(
        await run([
          'credit',
          'consent',
          '--querier',
          lender.did,
          '--purpose',
          PURPOSE,
          '--expires',
          'soon',
          '--json',
        ]),
      ).code,
      'ERR_CLI_USAGE',
    );
    const q = json<{ id: string; event: { outcome: string } }>(
      await run(['credit', 'query', '--consent', `@${join(root, 'token.json')}`, '--json'], lender),
    );
    assert.equal(q.event.outcome, 'allowed');
    queryId = q.id;
    const report = await run(['credit', 'report', '--query', q.id, '--json'], lender);
    const r = json<CreditReport>(report);
    assert.deepEqual(
      r.records.map((x) => x.id),
      [record],
    );
    writeFileSync(join(root, 'report.json'), report.stdout);
    assert.equal(
      errorOf(await run(['credit', 'report', '--query', q.id, '--json'], lender)).code,
      'ERR_CREDIT_REPORT_SERVED',
    );
    const score = json<{
      matches: boolean;
      recomputed: { score: number };
      score: { score: number };
    }>(await run(['credit', 'score', '--report', `@${join(root, 'report.json')}`, '--json']));
    assert.equal(score.matches, true);
    assert.equal(score.recomputed.score, r.score!.score);
    const reused = json<{ event: { outcome: string; reason: string } }>(
      await run(['credit', 'query', '--consent', `@${join(root, 'token.json')}`, '--json'], lender),
    );
    assert.deepEqual(
      [reused.event.outcome, reused.event.reason],
      ['denied', 'ERR_CREDIT_CONSENT_REUSED'],
    );
  });

  test('the person disputes (the digest on the ledger, the text in the wallet); the issuer upholds', async () => {
    const statement = 'I paid this on 2026-10-20; the receipt number is R-7781.';
    const d = json<{ digest: string; dispute: { status: string; statement: string } }>(
      await run(['credit', 'dispute', record, '--statement', statement, '--json']),
    );
    assert.equal(d.dispute.status, 'open');
    assert.equal(d.dispute.statement, d.digest);
    assert.deepEqual(
      readCreditStore(walletFile, seed).statements.map((s) => [s.record, s.statement]),
      [[record, statement]],
    );
    assert.equal(
      errorOf(await run(['credit', 'dispute', orgRecord, '--statement', 'not mine', '--json']))
        .code,
      'ERR_CREDIT_NOT_SUBJECT',
    );
    const answered = json<{ state: CreditRecordView }>(
      await run(
        ['credit', 'respond', record, 'uphold', '--note', 'No payment was received.', '--json'],
        tax,
      ),
    );
    assert.equal(answered.state.dispute?.status, 'upheld');
  });

  test("the person's own report and score; watch shows the dispute and the queries", async () => {
    const mine = json<CreditReport>(await run(['credit', 'report', '--json']));
    assert.equal(mine.audience, 'subject');
    assert.deepEqual(mine.disputes, [record]);
    assert.ok(mine.queries!.some((q) => q.id === queryId));
    const [human, text] = await Promise.all([run(['credit', 'score']), run(['credit', 'report'])]);
    assert.equal(human.code, 0, human.stderr);
    assert.match(human.stdout, /it matches the report/);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /your own report at height \d+ \([^)]+\): 1 record/);
    assert.match(text.stdout, /ERR_CREDIT_CONSENT_REUSED/);
    // (the dispute of a record not found among the kept events looked through the feed already)
    const seen = json<{ kept: number }>(await run(['credit', 'watch', '--json']));
    assert.equal(seen.kept, 4);
    assert.deepEqual(
      readCreditStore(walletFile, seed)
        .events.map((e) => e.event.kind)
        .sort(),
      ['dispute', 'query', 'query', 'record'],
    );
  });

  test('organizations: a query by code, the public record, amend, restore, withdraw; handles; the feed', async () => {
    const q = json<{ id: string; event: { outcome: string } }>(
      await run(['credit', 'query', '--uscc', ORG_A, '--purpose', PURPOSE, '--json'], lender),
    );
    assert.equal(q.event.outcome, 'allowed');
    const pub = json<{ records: { id: string }[] }>(
      await run(['credit', 'public', ORG_A, '--json']),
    );
    assert.deepEqual(
      pub.records.map((r) => r.id),
      [orgRecord],
    );
    const amended = json<{ state: CreditRecordView }>(
      await run(
        [
          'credit',
          'amend',
          orgRecord,
          '--severity',
          '3',
          '--note',
          'Larger amount',
          '--body',
          '{"details":{"amount":410000}}',
          '--json',
        ],
        tax,
      ),
    );
    assert.deepEqual([amended.state.severity, amended.state.version], [3, 2]);
    const restored = json<{ state: CreditRecordView }>(
      await run(
        [
          'credit',
          'restore',
          orgRecord,
          '--fulfilled',
          '2026-11-20',
          '--evidence-file',
          join(root, 'evidence.pdf'),
          '--note',
          'Paid in full',
          '--json',
        ],
        tax,
      ),
    );
    assert.equal(restored.state.status, 'restored');
    assert.equal(
      errorOf(await run(['credit', 'withdraw', orgRecord, '--reason', 'closed', '--json'], tax))
        .code,
      'ERR_CREDIT_RECORD_CLOSED',
    );
    const shown = json<{ record: CreditRecordView }>(
      await run(['credit', 'record', orgRecord, '--json']),
    );
    assert.equal(shown.record.status, 'restored');
    const h = json<{ handle: { key: string } }>(
      await run(['credit', 'handle', '--id-number', PERSON.idNumber, '--json'], lender),
    );
    assert.match(h.handle.key, /^did:key:/);
    assert.equal(
      errorOf(await run(['credit', 'handle', '--id-number', PERSON.idNumber, '--json'], other))
        .code,
      'ERR_CREDIT_ISSUER_NOT_ACCREDITED',
    );
    const feed = json<{ events: { kind: string }[] }>(await run(['credit', 'events', '--json']));
    assert.ok(feed.events.length >= 4);
    const withdrawn = json<{ state: CreditRecordView }>(
      await run(['credit', 'withdraw', record, '--reason', 'Issued in error', '--json'], tax),
    );
    assert.equal(withdrawn.state.status, 'withdrawn');
  });
});
