/**
 * The credit registry through the SDK, against a real node (an identity authority, so it runs the
 * credit authority too) through app.inject(): an issuer obtains a person's handle and issues a
 * record with its body; the person's wallet obtains its credit credential, finds the record in
 * the feed with its proofs, reads the body and disputes it; the issuer answers; a lender queries
 * with the person's consent and reads the report once; the person reads their own report;
 * organizations' records, bindings, lists and public records; and every refusal by its code.
 */
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { demoCreditDocuments, inForce, scoredRecord, scoreOf } from '../../src/credit/index.ts';
import type { CreditRecord, ScoringModel } from '../../src/credit/index.ts';
import { sha256, toHex, utf8, type JsonValue } from '../../src/crypto/index.ts';
import { isAppError } from '../../src/errors.ts';
import {
  bodyCommitment,
  CreditClient,
  creditConsentKey,
  CreditWallet,
  decodeCreditCredential,
  recordBody,
  RealdidClient,
  statementDigest,
  verifyCreditCredential,
  verifySignedCheckpoint,
  verifyStateAnswer,
  verifyTxInclusion,
  type CreditHandle,
  type IssueInput,
} from '../../src/sdk/index.ts';
import {
  enroll,
  IA_URL,
  initAuthorityDir,
  injectFetch,
  newWallet,
  openAuthorityNode,
  PEOPLE,
  rejects,
  type IaNode,
  type TestWallet,
} from '../identity/_helpers.ts';
import { actor } from '../identity/_lawful.ts';

const DAY = 86_400_000;
const ORG_A = '91350100M000100Y43';
const ORG_B = '91110108MA01AB2C3T';
const PURPOSE = 'loan-underwriting';
const CAST = {
  tax: actor('credit sdk tax office'),
  bank: actor('credit sdk bank'),
  court: actor('credit sdk court'),
  regulator: actor('credit sdk regulator'),
  lender: actor('credit sdk lender'),
  lender2: actor('credit sdk second lender'),
  registrar: actor('credit sdk registrar'),
  orgA: actor('credit sdk organization A'),
  nobody: actor('credit sdk nobody'),
} as const;

/** Adds the cast's DIDs, their accreditations and the demo credit documents to the genesis. */
function addCreditCast(dir: string): void {
  const path = join(dir, 'genesis.json');
  const g = JSON.parse(readFileSync(path, 'utf8')) as {
    modules: { did: { documents?: JsonValue[] }; gov: Record<string, JsonValue[] | undefined> };
  };
  const c = CAST;
  const grant = (role: string, a: { did: string; label: string }, scope = {}) => ({
    role,
    subject: a.did,
    name: a.label,
    scope,
  });
  g.modules.did.documents = [
    ...(g.modules.did.documents ?? []),
    ...Object.values(c).map((a) => a.create.body as unknown as JsonValue),
  ];
  g.modules.gov.roles = [
    ...(g.modules.gov.roles ?? []),
    grant('credit-issuer', c.tax, { categories: ['tax-arrears', 'a-grade-taxpayer'] }),
    grant('credit-issuer', c.bank, { categories: ['loan-default', 'on-time-repayment'] }),
    grant('querier', c.lender, { purposes: [PURPOSE] }),
    grant('querier', c.lender2, { purposes: [PURPOSE] }),
    grant('identity-authority', c.registrar),
  ];
  g.modules.gov.documents = [
    ...(g.modules.gov.documents ?? []),
    ...(demoCreditDocuments({
      tax: c.tax.did,
      regulator: c.regulator.did,
      court: c.court.did,
      bank: c.bank.did,
    }) as unknown as JsonValue[]),
  ];
  writeFileSync(path, JSON.stringify(g, null, 2));
}

const evidence = (s: string) => toHex(sha256(utf8(`evidence ${s}`)));
const personInput = (handle: CreditHandle, o: Partial<IssueInput> = {}): IssueInput => ({
  subject: { type: 'person', handle },
  category: 'tax-arrears',
  severity: 2,
  legalBasis: 'Tax Collection and Administration Law of the PRC, Article 63',
  evidence: evidence(handle.nonce),
  occurred: '2026-10-01',
  effective: '2026-11-01',
  ...o,
});

let dir: string;
let ia: IaNode;
let client: RealdidClient;
let credit: CreditClient;
let alice: TestWallet;
let bob: TestWallet;
let wallet: CreditWallet;
let aliceRecord: { id: string; handle: CreditHandle };

before(async () => {
  dir = initAuthorityDir('realdid-credit-sdk-');
  addCreditCast(dir);
  ia = await openAuthorityNode({ dir });
  client = ia.client;
  credit = new CreditClient(client);
  alice = await newWallet(client, 'credit sdk alice');
  bob = await newWallet(client, 'credit sdk bob');
  await enroll(ia, PEOPLE[0]!, alice);
  await enroll(ia, PEOPLE[1]!, bob);
});
after(async () => {
  await ia.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the credit authority and the wallet', () => {
  test('the node names its credit authority: the identity authority, with a locator key', async () => {
    const a = await credit.authority();
    assert.equal(a.did, ia.authority);
    assert.equal(a.locatorKey.crv, 'X25519');
  });

  test('the wallet obtains its credential; it verifies through the ledger and is bound to the consent key', async () => {
    const consent = creditConsentKey(alice.seed);
    assert.deepEqual(creditConsentKey(alice.seed).multikey, consent.multikey, 'deterministic');
    const jws = await credit.credential(alice.master, consent.keyPair);
    const claims = await verifyCreditCredential(client, jws);
    assert.equal(claims.iss, ia.authority);
    assert.equal(claims.sub, `did:key:${consent.multikey}`);
    wallet = await CreditWallet.open(client, jws, alice.seed);
    assert.match(wallet.pseudonymId, /^[0-9a-f]{64}$/);
    // the same person gets the same pseudonym again
    const again = await credit.credential(alice.master, consent.keyPair);
    assert.equal(new CreditWallet(again, alice.seed).pseudonymId, wallet.pseudonymId);
  });

  test('a tampered credential, or one for another wallet, is refused by its code', async () => {
    const jws = wallet.credential;
    const [h, p, s] = jws.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(p, 'base64url').toString('utf8')) as Record<
      string,
      unknown
    >;
    const forged = `${h}.${Buffer.from(JSON.stringify({ ...claims, iat: 1 })).toString('base64url')}.${s}`;
    await rejects(verifyCreditCredential(client, forged), 'ERR_VC_BAD_SIGNATURE');
    await rejects(CreditWallet.open(client, jws, bob.seed), 'ERR_CREDIT_NOT_SUBJECT');
    assert.throws(
      () => decodeCreditCredential('a.b'),
      (e) => isAppError(e, 'ERR_VC_MALFORMED'),
    );
  });

  test('a person who is not enrolled gets no credential', async () => {
    const carol = await newWallet(client, 'credit sdk carol (not enrolled)');
    await assert.rejects(
      credit.credential(carol.master, creditConsentKey(carol.seed).keyPair),
      (e) => isAppError(e) && /NOT_ENROLLED/.test(e.code),
    );
  });
});

describe('records about a person', () => {
  test('an issuer obtains a handle by ID number and issues a record with its body', async () => {
    const handle = await credit.handle(CAST.tax, PEOPLE[0]!.idNumber);
    assert.ok(wallet.recognize(handle));
    assert.equal(wallet.keyOf(handle), 'record');
    const body = recordBody({ amount: 12000, notice: 'TN-2026-118' });
    const stored = await credit.issue(CAST.tax, personInput(handle), body);
    assert.equal(stored.record, stored.id);
    const r = await credit.record(stored.id);
    assert.equal(r.value.commitment, bodyCommitment(body));
    assert.equal(r.value.status, 'active');
    verifyStateAnswer(r.key, { value: r.value, proof: r.evidence.proof }, r.evidence.checkpoint);
    aliceRecord = { id: stored.id, handle };
    assert.deepEqual((await credit.body(stored.id, { request: CAST.tax })).body, body);
  });

  test('handles: refused for a number nobody holds, and for a DID that is neither issuer nor querier', async () => {
    await rejects(credit.handle(CAST.tax, PEOPLE[3]!.idNumber), 'ERR_CREDIT_NOT_ENROLLED');
    await rejects(
      credit.handle(CAST.nobody, PEOPLE[0]!.idNumber),
      'ERR_CREDIT_ISSUER_NOT_ACCREDITED',
    );
  });

  test('an issuer outside its categories is refused, and its body is not kept', async () => {
    const handle = await credit.handle(CAST.bank, PEOPLE[0]!.idNumber);
    await rejects(
      credit.issue(CAST.bank, personInput(handle), recordBody({ x: 1 })),
      'ERR_CREDIT_ISSUER_NOT_ACCREDITED',
    );
  });

  test("the wallet finds its record in the feed, with the tx's inclusion and the record's state proven", async () => {
    const seen = await wallet.watch(client, -1);
    const mine = seen.events.filter((e) => e.event.ref === aliceRecord.id);
    assert.equal(mine.length, 1);
    const e = mine[0]!;
    assert.equal(e.event.kind, 'record');
    assert.equal(e.handleKey, 'record');
    assert.equal(e.handle.key, aliceRecord.handle.key);
    const cp = verifySignedCheckpoint(e.tx.checkpoint, await client.trust());
    assert.equal(verifyTxInclusion({ ...e.tx, tx: e.tx.tx }, cp).id, aliceRecord.id);
    const scp = verifySignedCheckpoint(e.state.checkpoint, await client.trust());
    verifyStateAnswer(e.state.key, e.state, scp);
    assert.ok(seen.cursor >= e.event.seq);
    // Bob's wallet sees none of Alice's events
    const bobWallet = new CreditWallet(
      await credit.credential(bob.master, creditConsentKey(bob.seed).keyPair),
      bob.seed,
    );
    assert.equal((await bobWallet.watch(client, -1)).events.length, 0);
    // nothing new after the cursor
    assert.equal((await wallet.watch(client, seen.cursor)).events.length, 0);
  });

  test('the person reads the body with the handle key; another key cannot', async () => {
    const signer = wallet.recordSigner(aliceRecord.handle);
    const read = await credit.body(aliceRecord.id, { handleKey: signer.keyPair });
    assert.equal(read.record, aliceRecord.id);
    assert.equal(read.version, 1);
    const other = await credit.handle(CAST.tax, PEOPLE[0]!.idNumber);
    await rejects(
      credit.body(aliceRecord.id, { handleKey: wallet.recordSigner(other).keyPair }),
      'ERR_CREDIT_NOT_SUBJECT',
    );
    const bobHandle = await credit.handle(CAST.tax, PEOPLE[1]!.idNumber);
    assert.equal(wallet.recognize(bobHandle), false);
    assert.throws(
      () => wallet.recordSigner(bobHandle),
      (e) => isAppError(e, 'ERR_CREDIT_NOT_SUBJECT'),
    );
  });

  test('the person disputes with the handle key; the feed shows it; the issuer upholds', async () => {
    const { cursor } = await wallet.watch(client, -1);
    const statement = 'I paid this in full on 2026-10-20; receipt attached.';
    const digest = statementDigest(statement);
    await credit.dispute(wallet.recordSigner(aliceRecord.handle), aliceRecord.id, statement);
    const r = await credit.record(aliceRecord.id);
    assert.equal(r.value.dispute?.status, 'open');
    assert.equal(r.value.dispute?.statement, digest);
    const seen = await wallet.watch(client, cursor);
    assert.deepEqual(
      seen.events.map((e) => [e.event.kind, e.event.ref]),
      [['dispute', aliceRecord.id]],
    );
    await rejects(
      credit.dispute(wallet.recordSigner(aliceRecord.handle), aliceRecord.id, statement),
      'ERR_CREDIT_DISPUTE_OPEN',
    );
    await rejects(credit.dispute(CAST.tax, aliceRecord.id, statement), 'ERR_CREDIT_NOT_SUBJECT');
    await assert.rejects(credit.dispute(CAST.tax, aliceRecord.id, 'x'.repeat(501)), TypeError);
    const read = await credit.body(aliceRecord.id, { request: CAST.tax });
    assert.deepEqual(
      read.statements,
      [{ digest, text: statement }],
      'the issuer reads the statement',
    );
    await credit.respond(CAST.tax, {
      record: aliceRecord.id,
      decision: 'uphold',
      note: 'No payment was received.',
    });
    assert.equal((await credit.record(aliceRecord.id)).value.dispute?.status, 'upheld');
  });

  test('an amendment with a new body and its own read', async () => {
    const body = recordBody({ amount: 9000, notice: 'TN-2026-118' });
    const out = await credit.amend(CAST.tax, aliceRecord.id, { severity: 1 }, 'Partly paid', body);
    assert.equal(out.record, aliceRecord.id);
    const r = await credit.record(aliceRecord.id);
    assert.equal(r.value.version, 2);
    assert.equal(r.value.severity, 1);
    assert.deepEqual((await credit.body(aliceRecord.id, { request: CAST.tax })).body, body);
    await credit.amend(CAST.tax, aliceRecord.id, { legalBasis: 'Article 64' }, 'Basis corrected');
    assert.equal((await credit.record(aliceRecord.id)).value.legalBasis, 'Article 64');
  });
});

describe('queries with consent and reports', () => {
  let queryId: string;
  test('a consented query is allowed; the report is served once, to that querier only', async () => {
    const token = wallet.makeConsent({
      querier: CAST.lender.did,
      purpose: PURPOSE,
      expiresInMs: DAY,
    });
    assert.equal(wallet.keyOf(token.handle), 'consent');
    const q = await credit.queryWithConsent(CAST.lender, token);
    assert.equal(q.event.value.outcome, 'allowed');
    queryId = q.id;
    await rejects(credit.report(CAST.lender2, q.id), 'ERR_CREDIT_QUERY_DENIED');
    const report = await credit.report(CAST.lender, q.id);
    assert.equal(report.audience, 'querier');
    assert.deepEqual(
      report.records.map((r) => r.id),
      [aliceRecord.id],
    );
    assert.ok(report.score !== null);
    // anyone with the records and the adopted model gets the same score
    const model = (await credit.model()).value!.document as unknown as ScoringModel;
    const records = report.records as unknown as CreditRecord[];
    assert.deepEqual(
      scoreOf(model, records.filter(inForce).map(scoredRecord), report.at),
      report.score,
    );
    await rejects(credit.report(CAST.lender, q.id), 'ERR_CREDIT_REPORT_SERVED');
  });

  test('a reused, a foreign-querier and a missing consent are logged as denied, with the reason', async () => {
    const token = wallet.makeConsent({
      querier: CAST.lender.did,
      purpose: PURPOSE,
      expiresInMs: DAY,
    });
    assert.equal(
      (await credit.queryWithConsent(CAST.lender, token)).event.value.outcome,
      'allowed',
    );
    const reused = await credit.queryWithConsent(CAST.lender, token);
    assert.equal(reused.event.value.outcome, 'denied');
    assert.equal(reused.event.value.reason, 'ERR_CREDIT_CONSENT_REUSED');
    await rejects(credit.report(CAST.lender, reused.id), 'ERR_CREDIT_QUERY_DENIED');
    const theirs = wallet.makeConsent({
      querier: CAST.lender.did,
      purpose: PURPOSE,
      expiresInMs: DAY,
    });
    const wrong = await credit.queryWithConsent(CAST.lender2, theirs);
    assert.equal(wrong.event.value.reason, 'ERR_CREDIT_CONSENT_WRONG_QUERIER');
    const handle = await credit.handle(CAST.lender, PEOPLE[0]!.idNumber);
    const missing = await credit.query(CAST.lender, { type: 'person', handle }, PURPOSE);
    assert.equal(missing.event.value.reason, 'ERR_CREDIT_CONSENT_MISSING');
    await rejects(
      credit.query(CAST.bank, { type: 'person', handle }, PURPOSE),
      'ERR_CREDIT_QUERIER_NOT_REGISTERED',
    );
    await rejects(credit.queryEvent('00'.repeat(32)), 'ERR_CREDIT_QUERY_NOT_FOUND');
    await rejects(credit.record('11'.repeat(32)), 'ERR_CREDIT_RECORD_NOT_FOUND');
  });

  test("the person's own report: the record, every query about them, their disputes", async () => {
    const mine = await credit.myReport(alice.master);
    assert.equal(mine.audience, 'subject');
    assert.deepEqual(
      mine.records.map((r) => r.id),
      [aliceRecord.id],
    );
    assert.ok(mine.queries!.some((q) => q.id === queryId));
    assert.ok(mine.queries!.some((q) => q.outcome === 'denied'));
    assert.deepEqual(mine.disputes, [aliceRecord.id]);
    // the wallet sees the queries in the feed too
    const seen = await wallet.watch(client, -1);
    const queries = seen.events.filter((e) => e.event.kind === 'query');
    assert.ok(queries.some((e) => e.event.ref === queryId && e.handleKey === 'consent'));
    // the query without consent named the person by a handle obtained by ID number (record key)
    assert.ok(queries.some((e) => e.handleKey === 'record' && e.event.kind === 'query'));
  });
});

describe('organizations, lists and the public record', () => {
  let orgRecord: string;
  test('a record about an organization is public; its bound DID disputes it and reads its body', async () => {
    const body = recordBody({ amount: 340000 });
    const stored = await credit.issue(
      CAST.tax,
      {
        subject: { type: 'org', uscc: ORG_A },
        category: 'tax-arrears',
        severity: 3,
        legalBasis: 'Tax Collection and Administration Law of the PRC, Article 63',
        evidence: evidence('org a'),
        occurred: '2026-09-01',
        effective: '2026-10-01',
      },
      body,
    );
    orgRecord = stored.record;
    const pub = await credit.publicRecord(ORG_A);
    assert.deepEqual(
      pub.records.map((r) => r.id),
      [orgRecord],
    );
    await rejects(credit.dispute(CAST.orgA, orgRecord, 'x'), 'ERR_CREDIT_NOT_SUBJECT');
    await credit.bindOrg(CAST.registrar, ORG_A, CAST.orgA.did);
    await credit.dispute(CAST.orgA, orgRecord, 'We paid.');
    assert.deepEqual((await credit.body(orgRecord, { request: CAST.orgA })).body, body);
    await rejects(credit.body(orgRecord, { request: CAST.bank }), 'ERR_CREDIT_NOT_SUBJECT');
    await rejects(credit.bindOrg(CAST.tax, ORG_B, CAST.orgA.did), 'ERR_LEDGER_UNAUTHORIZED');
  });

  test('an organization query needs no consent; its report; restore and withdraw', async () => {
    const q = await credit.query(CAST.lender, { type: 'org', uscc: ORG_A }, PURPOSE);
    assert.equal(q.event.value.outcome, 'allowed');
    const report = await credit.report(CAST.lender, q.id);
    assert.deepEqual(
      report.records.map((r) => r.id),
      [orgRecord],
    );
    await credit.respond(CAST.tax, { record: orgRecord, decision: 'uphold', note: 'Unpaid.' });
    await credit.restore(CAST.tax, {
      record: orgRecord,
      fulfilled: '2026-11-15',
      evidence: evidence('paid'),
      note: 'Paid in full',
    });
    assert.equal((await credit.record(orgRecord)).value.status, 'restored');
    await rejects(credit.withdraw(CAST.tax, orgRecord, 'closed'), 'ERR_CREDIT_RECORD_CLOSED');
    await rejects(
      credit.query(CAST.lender, { type: 'org', uscc: '91350100M000100Y44' }, PURPOSE),
      'ERR_CREDIT_INVALID_USCC',
    );
  });

  test('categories, lists and a list page', async () => {
    const cats = await credit.categories();
    assert.ok(cats.categories.some((c) => c.id === 'tax-arrears'));
    const { lists } = await credit.lists();
    assert.equal(lists[0]!.id, 'seriously-untrustworthy');
    const page = await credit.list('seriously-untrustworthy');
    assert.deepEqual(page.entries, []);
    assert.equal(page.next, null);
    const m = await credit.model();
    assert.equal(m.value?.document.version, 'demo-1');
  });
});

describe('a node that lies about the feed', () => {
  test('an event whose transaction is another is refused: ERR_LEDGER_BAD_PROOF', async () => {
    const feed = await credit.events();
    const mine = feed.events.find((e) => e.ref === aliceRecord.id && e.kind === 'record')!;
    const other = feed.events.find((e) => e.tx !== mine.tx && e.kind === 'query')!;
    const lying = new RealdidClient({
      url: IA_URL,
      fetch: injectFetch(ia.app, (x) => {
        if (!x.path.startsWith('/v1/credit/events')) return;
        const j = x.json as { events: { tx: string; ref: string }[] };
        for (const e of j.events) if (e.ref === mine.ref) e.tx = other.tx;
      }),
    });
    await rejects(wallet.watch(lying, -1), 'ERR_LEDGER_BAD_PROOF');
    const hiding = new RealdidClient({
      url: IA_URL,
      fetch: injectFetch(ia.app, (x) => {
        if (!x.path.startsWith('/v1/credit/events')) return;
        const j = x.json as { events: { ref: string; tag: string; nonce: string }[] };
        const e = j.events.find((v) => v.ref === mine.ref);
        if (e !== undefined) e.ref = 'ab'.repeat(32);
      }),
    });
    await rejects(wallet.watch(hiding, -1), 'ERR_LEDGER_BAD_PROOF');
  });
});
