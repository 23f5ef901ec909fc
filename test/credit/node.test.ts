/**
 * The credit module's node part over a real data folder and HTTP (app.inject): bodies stored with
 * the transaction that commits to them (and nothing kept or written when either is refused), read
 * by the issuer, the organization's bound DID or the person with the handle key, shredded at
 * expiry; on the identity authority's node, person handles by ID number, credit credentials,
 * reports for queriers (exactly the person's records, once, only for the querier of an allowed
 * query) and the person's own report with every query about them.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  checkHandle,
  handleKeyPair,
  mintHandle,
  signConsent,
  type CreditHandle,
} from '../../src/credentials/index.ts';
import {
  bodyCommitment,
  bodyReadBytes,
  CREDIT_AUDIENCE,
  dateOf,
  getQuery,
  getRecord,
  type CreditRecord,
  type RecordBody,
} from '../../src/credit/index.ts';
import {
  ed25519FromSeed,
  ed25519Verify,
  encodeMultikey,
  fromBase64url,
  generateX25519,
  sha256,
  toBase64url,
  toHex,
  utf8,
  type X25519PublicJwk,
} from '../../src/crypto/index.ts';
import { newRequestNonce, resolveRdidKey, signRequest } from '../../src/did/index.ts';
import type { ErrorCode } from '../../src/errors.ts';
import { decodeTx } from '../../src/ledger/index.ts';
import { snapshotLedger } from '../helpers/ledger.ts';
import { newWallet, PEOPLE } from '../identity/_helpers.ts';
import type { Actor } from '../identity/_lawful.ts';
import {
  CREDIT_CAST as C,
  issueBody,
  ORG_A,
  ORG_B,
  org,
  person,
  personSubject,
  PURPOSE,
} from './_harness.ts';
import {
  credentialRequest,
  creditWallet,
  DAY,
  openCreditNode,
  recordBody,
  type CreditNode,
  type CreditWallet,
} from './_node.ts';

type Signer = Pick<Actor, 'did' | 'kid' | 'keyPair'>;

/** Issues a record with its body through POST /v1/credit/records. */
async function issueWithBody(
  n: CreditNode,
  a: Signer,
  subject: object,
  category: string,
  o: Record<string, unknown> = {},
): Promise<{ id: string; body: RecordBody }> {
  const body = recordBody({ case: `${category} ${Math.random()}`, amount: 12000, final: true });
  const tx = n.tx(
    a,
    'credit.issue',
    issueBody(subject, category, { commitment: bodyCommitment(body), ...o }),
  );
  const out = await n.ok('/v1/credit/records', { tx, body });
  assert.equal(out.id, decodeTx(tx).id);
  assert.equal(out.record, out.id, 'an issue names its own record');
  return { id: out.id as string, body };
}

const bodyPath = (id: string) => `/v1/credit/records/${id}/body`;
const signedRead = (a: Signer, id: string, record = id) =>
  signRequest('credit.body', CREDIT_AUDIENCE, { record }, a);

/** A person's body-read proof with a record handle's key pair. */
function personProof(signer: { keyPair: { sign(m: Uint8Array): Uint8Array } }, id: string) {
  const created = Date.now();
  const nonce = newRequestNonce();
  const signature = toBase64url(signer.keyPair.sign(bodyReadBytes(id, created, nonce)));
  return { created, nonce, signature };
}

/** Does the credit vault `name` hold any row of this record's body? */
function heldRows(n: CreditNode, id: string, commitment: string): string[] {
  const v = n.vault('bodies');
  try {
    return [`dek/${id}`, `versions/${id}`, `body/${id}/${commitment}`].filter((r) => v.has(r));
  } finally {
    v.close();
  }
}

describe('credit node with a credit authority', () => {
  let n: CreditNode;
  let authority: string;
  let locatorKey: X25519PublicJwk;
  let zhang: CreditWallet;
  let li: CreditWallet;
  /** Records about each person as the tests issue them. */
  const about = { zhang: [] as string[], li: [] as string[] };
  let disputed: string;

  const handleFor = async (a: Signer, idNumber: string): Promise<CreditHandle> =>
    (await n.ok('/v1/credit/handles', signRequest('credit.handle', authority, { idNumber }, a)))
      .handle as CreditHandle;
  const report = (a: Signer, query: string) =>
    n.inject(
      'POST',
      '/v1/credit/reports',
      signRequest('credit.report', CREDIT_AUDIENCE, { query }, a),
    );
  const myReport = (w: CreditWallet) =>
    n.ok('/v1/credit/my-report', signRequest('credit.my-report', authority, {}, w.wallet.master));
  const query = (a: Signer, subject: object, purpose: string, consent?: object) =>
    n.commit(a, 'credit.query', {
      subject,
      purpose,
      ...(consent === undefined ? {} : { consent }),
    });

  before(async () => {
    n = await openCreditNode({ params: { creditDisputeDeadlineMs: 60_000 } });
    authority = n.authority!;
    const w0 = await n.enroll(PEOPLE[0]!, 'credit zhang');
    const w1 = await n.enroll(PEOPLE[1]!, 'credit li');
    locatorKey = (await n.inject('GET', '/v1/credit/authority')).json.locatorKey;
    zhang = await creditWallet(n, w0, locatorKey);
    li = await creditWallet(n, w1, locatorKey);
  });
  after(() => n.close());

  test('bad input on every credit route: ERR_API_SCHEMA (or the body limit), and nothing changes', async () => {
    const before = snapshotLedger(n.node);
    const id = 'ab'.repeat(32);
    const good = recordBody({ case: 'x' });
    const tx = n.tx(
      C.tax,
      'credit.issue',
      issueBody(org(ORG_A), 'tax-arrears', { commitment: bodyCommitment(good) }),
    );
    const manyKeys = Object.fromEntries(Array.from({ length: 33 }, (_, i) => [`k${i}`, i]));
    const cases: [string, unknown, ErrorCode][] = [
      ['/v1/credit/records', { tx }, 'ERR_API_SCHEMA'],
      ['/v1/credit/records', { tx: { ...tx, kind: 'credit.query' }, body: good }, 'ERR_API_SCHEMA'],
      ['/v1/credit/records', { tx, body: { ...good, details: manyKeys } }, 'ERR_API_SCHEMA'],
      ['/v1/credit/records', { tx, body: { ...good, details: { 'a b': 1 } } }, 'ERR_API_SCHEMA'],
      ['/v1/credit/records', { tx, body: { ...good, details: { a: null } } }, 'ERR_API_SCHEMA'],
      ['/v1/credit/records/xyz/body', signedRead(C.tax, id), 'ERR_API_SCHEMA'],
      [bodyPath(id), { created: Date.now(), nonce: newRequestNonce() }, 'ERR_API_SCHEMA'],
      [
        '/v1/credit/reports',
        signRequest('credit.report', CREDIT_AUDIENCE, { query: 'q' }, C.lender),
        'ERR_API_SCHEMA',
      ],
      [
        '/v1/credit/handles',
        signRequest('credit.handle', authority, { idNumber: '1', x: 1 }, C.tax),
        'ERR_API_SCHEMA',
      ],
      [
        '/v1/credit/credential',
        signRequest(
          'credit.credential',
          authority,
          { consentKey: 'z6Mk', pop: 'x' },
          zhang.wallet.master,
        ),
        'ERR_API_SCHEMA',
      ],
      [
        '/v1/credit/my-report',
        signRequest('credit.my-report', authority, { all: true }, zhang.wallet.master),
        'ERR_API_SCHEMA',
      ],
    ];
    for (const [url, payload, code] of cases) await n.refused(url, payload, code);
    const big = recordBody(
      Object.fromEntries(Array.from({ length: 3 }, (_, i) => [`k${i}`, 'x'.repeat(4000)])),
    );
    const bigTx = n.tx(
      C.tax,
      'credit.issue',
      issueBody(org(ORG_A), 'tax-arrears', { commitment: bodyCommitment(big) }),
    );
    await n.refused('/v1/credit/records', { tx: bigTx, body: big }, 'ERR_LEDGER_SCHEMA');
    assert.deepEqual(snapshotLedger(n.node), before);
  });

  test('GET /v1/credit/authority names the identity authority and the locator key', async () => {
    const a = await n.inject('GET', '/v1/credit/authority');
    assert.equal(a.status, 200);
    assert.equal(a.json.did, authority);
    assert.equal(a.json.locatorKey.kty, 'OKP');
    assert.equal(a.json.locatorKey.crv, 'X25519');
  });

  test('the credit credential: signed by the authority, the person’s pseudonym and record seed, for the consent key', async () => {
    const [h, p, s] = zhang.credential.split('.') as [string, string, string];
    const header = JSON.parse(Buffer.from(h, 'base64url').toString('utf8'));
    assert.deepEqual(header, {
      alg: 'EdDSA',
      typ: 'realdid-credit+jwt',
      kid: `${authority}#issuer`,
    });
    const key = resolveRdidKey(n.node.chain.state, header.kid)!;
    assert.ok(ed25519Verify(fromBase64url(s), utf8(`${h}.${p}`), key), 'the signature verifies');
    assert.equal(zhang.claims.iss, authority);
    assert.equal(zhang.claims.sub, `did:key:${encodeMultikey(zhang.consentKey.publicKey)}`);
    assert.deepEqual(zhang.claims.locatorKey, locatorKey);
    assert.equal(zhang.pseudonym.length, 32);
    assert.notDeepEqual(zhang.pseudonym, li.pseudonym, 'two people, two pseudonyms');
    const again = await creditWallet(n, zhang.wallet, locatorKey);
    assert.deepEqual(again.pseudonym, zhang.pseudonym, 'the same person gets the same pseudonym');
    assert.deepEqual(again.recordSeed, zhang.recordSeed);

    await n.refused(
      '/v1/credit/credential',
      credentialRequest(authority, zhang.wallet, zhang.consentSeed, { badPop: true }),
      'ERR_DID_AUTH_FAILED',
    );
    const stranger = await newWallet(n.client, 'credit stranger');
    await n.refused(
      '/v1/credit/credential',
      credentialRequest(authority, stranger, zhang.consentSeed),
      'ERR_IDENTITY_NOT_ENROLLED',
    );
  });

  test('handles: an accredited issuer gets a fresh handle of an enrolled person by ID number; a non-issuer, an unknown person, another audience are refused', async () => {
    const h1 = await handleFor(C.tax, PEOPLE[0]!.idNumber);
    const h2 = await handleFor(C.court, PEOPLE[0]!.idNumber);
    for (const h of [h1, h2])
      assert.ok(checkHandle(zhang.pseudonym, zhang.recordKey.publicKey, h), 'minted for A0 of P');
    assert.notEqual(h1.key, h2.key);
    assert.notEqual(h1.tag, h2.tag);
    assert.equal(checkHandle(li.pseudonym, li.recordKey.publicKey, h1), false);
    await handleFor(C.lender, PEOPLE[1]!.idNumber); // a registered querier may ask too

    const ask = (a: Signer, idNumber: string, audience = authority) =>
      signRequest('credit.handle', audience, { idNumber }, a);
    await n.refused(
      '/v1/credit/handles',
      ask(C.nobody, PEOPLE[0]!.idNumber),
      'ERR_CREDIT_ISSUER_NOT_ACCREDITED',
    );
    await n.refused(
      '/v1/credit/handles',
      ask(C.tax, PEOPLE[2]!.idNumber),
      'ERR_CREDIT_NOT_ENROLLED',
    );
    await n.refused(
      '/v1/credit/handles',
      ask(C.tax, PEOPLE[0]!.idNumber, CREDIT_AUDIENCE),
      'ERR_DID_AUTH_FAILED',
    );
    const once = ask(C.tax, PEOPLE[0]!.idNumber);
    await n.ok('/v1/credit/handles', once);
    await n.refused('/v1/credit/handles', once, 'ERR_DID_AUTH_REPLAYED');
  });

  test('bodies: stored with a matching commitment and issued; a mismatching body or a refused transaction leaves nothing stored and nothing on the ledger', async () => {
    const handle = await handleFor(C.tax, PEOPLE[0]!.idNumber);
    const { id, body } = await issueWithBody(n, C.tax, personSubject(handle), 'tax-arrears');
    about.zhang.push(id);
    const r = getRecord(n.node.chain.state, id)!;
    assert.equal(r.commitment, bodyCommitment(body));
    assert.deepEqual(heldRows(n, id, r.commitment).sort(), [
      `body/${id}/${r.commitment}`,
      `dek/${id}`,
      `versions/${id}`,
    ]);

    const before = snapshotLedger(n.node);
    const good = recordBody({ case: 'good' });
    const other = recordBody({ case: 'other' });
    const mismatched = n.tx(
      C.tax,
      'credit.issue',
      issueBody(org(ORG_A), 'tax-arrears', { commitment: bodyCommitment(good) }),
    );
    await n.refused(
      '/v1/credit/records',
      { tx: mismatched, body: other },
      'ERR_CREDIT_BODY_MISMATCH',
    );
    const refusedTx = n.tx(
      C.nobody,
      'credit.issue',
      issueBody(org(ORG_A), 'tax-arrears', { commitment: bodyCommitment(good) }),
    );
    await n.refused(
      '/v1/credit/records',
      { tx: refusedTx, body: good },
      'ERR_CREDIT_ISSUER_NOT_ACCREDITED',
    );
    assert.deepEqual(snapshotLedger(n.node), before, 'nothing reached the ledger');
    for (const tx of [mismatched, refusedTx])
      assert.deepEqual(heldRows(n, decodeTx(tx).id, bodyCommitment(good)), [], 'nothing stored');
    const noCommitment = n.tx(C.tax, 'credit.amend', {
      record: id,
      changes: { severity: 1 },
      note: 'x',
    });
    await n.refused('/v1/credit/records', { tx: noCommitment, body: good }, 'ERR_LEDGER_SCHEMA');
    await n.refused(
      '/v1/credit/records',
      { tx: mismatched, body: { ...good, salt: 'c2hvcnQ' } },
      'ERR_API_SCHEMA',
    );
  });

  test('reading a body: the issuer and the person (handle-key proof) read it, a stranger cannot; an amendment’s body replaces it', async () => {
    const handle = await handleFor(C.court, PEOPLE[0]!.idNumber);
    const { id, body } = await issueWithBody(n, C.court, personSubject(handle), 'judgment-default');
    about.zhang.push(id);
    disputed = id;
    const asIssuer = await n.ok(bodyPath(id), signedRead(C.court, id));
    assert.deepEqual(asIssuer, { record: id, version: 1, body, statements: [] });
    const proof = personProof(zhang.recordSigner(handle), id);
    assert.deepEqual(await n.ok(bodyPath(id), proof), asIssuer);
    await n.refused(bodyPath(id), proof, 'ERR_DID_AUTH_REPLAYED');
    await n.refused(
      bodyPath(id),
      personProof(li.recordSigner(handle), id),
      'ERR_CREDIT_NOT_SUBJECT',
    );
    await n.refused(
      bodyPath(id),
      { ...personProof(zhang.recordSigner(handle), id), created: Date.now() - 10 * 60_000 },
      'ERR_DID_AUTH_EXPIRED',
    );
    await n.refused(bodyPath(id), signedRead(C.lender, id), 'ERR_CREDIT_NOT_SUBJECT');
    await n.refused(bodyPath(id), signedRead(C.tax, id), 'ERR_CREDIT_NOT_SUBJECT');
    await n.refused(bodyPath(id), signedRead(C.court, id, about.zhang[0]), 'ERR_DID_AUTH_FAILED');
    await n.refused(
      bodyPath('ab'.repeat(32)),
      signedRead(C.court, 'ab'.repeat(32)),
      'ERR_CREDIT_RECORD_NOT_FOUND',
    );

    const amended = recordBody({ case: 'amended', amount: 9000 });
    const tx = n.tx(C.court, 'credit.amend', {
      record: id,
      changes: { severity: 1, commitment: bodyCommitment(amended) },
      note: 'partly performed',
    });
    const out = await n.ok('/v1/credit/records', { tx, body: amended });
    assert.equal(out.record, id);
    assert.deepEqual(await n.ok(bodyPath(id), signedRead(C.court, id)), {
      record: id,
      version: 2,
      body: amended,
      statements: [],
    });

    // A record issued without its body here: the body is elsewhere.
    const elsewhere = await n.commit(C.tax, 'credit.issue', issueBody(org(ORG_B), 'tax-arrears'));
    await n.refused(bodyPath(elsewhere), signedRead(C.tax, elsewhere), 'ERR_CREDIT_BODY_UNKNOWN');
  });

  test('an organization’s record body: its bound DID reads it too', async () => {
    const { id, body } = await issueWithBody(n, C.regulator, org(ORG_A), 'administrative-penalty');
    await n.refused(bodyPath(id), signedRead(C.orgA, id), 'ERR_CREDIT_NOT_SUBJECT');
    await n.commit(C.ia, 'credit.bind-org', { uscc: ORG_A, did: C.orgA.did });
    assert.deepEqual(await n.ok(bodyPath(id), signedRead(C.orgA, id)), {
      record: id,
      version: 1,
      body,
      statements: [],
    });
    await n.refused(
      bodyPath(id),
      personProof({ keyPair: C.orgA.keyPair }, id),
      'ERR_CREDIT_NOT_SUBJECT',
    );
  });

  test('reports: a consented query gives its querier exactly the person’s records, once; a denied query, another querier, an unknown query get none', async () => {
    const bank = await handleFor(C.bank, PEOPLE[0]!.idNumber);
    about.zhang.push(
      await n.commit(
        C.bank,
        'credit.issue',
        issueBody(personSubject(bank), 'on-time-repayment', { severity: 1 }),
      ),
    );
    const liHandle = await handleFor(C.tax, PEOPLE[1]!.idNumber);
    about.li.push((await issueWithBody(n, C.tax, personSubject(liHandle), 'tax-arrears')).id);

    const consent = zhang.consent();
    const qid = await query(C.lender, personSubject(consent.handle), PURPOSE, consent);
    assert.equal(getQuery(n.node.chain.state, qid)!.outcome, 'allowed');
    const a = await report(C.lender, qid);
    assert.equal(a.status, 200, JSON.stringify(a.json));
    assert.equal(a.json.audience, 'querier');
    assert.deepEqual(a.json.records.map((r: CreditRecord) => r.id).sort(), [...about.zhang].sort());
    assert.ok(a.json.score !== null && typeof a.json.score.score === 'number');
    assert.equal(a.json.height, n.node.chain.head.height);
    await n.refused(
      '/v1/credit/reports',
      signRequest('credit.report', CREDIT_AUDIENCE, { query: qid }, C.lender),
      'ERR_CREDIT_REPORT_SERVED',
    );
    const c2 = zhang.consent({ querier: C.lender.did });
    const q2 = await query(C.lender, personSubject(c2.handle), PURPOSE, c2);
    await n.refused(
      '/v1/credit/reports',
      signRequest('credit.report', CREDIT_AUDIENCE, { query: q2 }, C.lender2),
      'ERR_CREDIT_QUERY_DENIED',
    );
    assert.equal((await report(C.lender, q2)).status, 200, 'its own querier still gets it');

    const wrong = zhang.consent();
    const denied = await query(C.lender, personSubject(wrong.handle), 'lease', wrong);
    assert.equal(getQuery(n.node.chain.state, denied)!.reason, 'ERR_CREDIT_CONSENT_WRONG_PURPOSE');
    const d = await report(C.lender, denied);
    assert.equal(d.json.code, 'ERR_CREDIT_QUERY_DENIED');
    assert.equal(d.json.details.reason, 'ERR_CREDIT_CONSENT_WRONG_PURPOSE');
    await n.refused(
      '/v1/credit/reports',
      signRequest('credit.report', CREDIT_AUDIENCE, { query: 'cd'.repeat(32) }, C.lender),
      'ERR_CREDIT_QUERY_NOT_FOUND',
    );
    await n.refused(
      '/v1/credit/reports',
      signRequest('credit.report', authority, { query: qid }, C.lender),
      'ERR_DID_AUTH_FAILED',
    );

    const lc = li.consent();
    const lq = await query(C.lender, personSubject(lc.handle), PURPOSE, lc);
    const lr = await report(C.lender, lq);
    assert.deepEqual(
      lr.json.records.map((r: CreditRecord) => r.id),
      about.li,
    );

    // A handle the authority cannot open (sealed to another locator key): no report.
    const foreign = mintHandle({
      pseudonym: sha256(utf8('someone elsewhere')),
      publicKey: zhang.consentKey.publicKey,
      locatorKey: generateX25519().publicJwk,
    });
    const fk = handleKeyPair(sha256(utf8('someone elsewhere')), zhang.consentSeed, foreign);
    const fc = signConsent(
      { querier: C.lender.did, purpose: PURPOSE, expires: n.clock.now + DAY, handle: foreign },
      fk,
    );
    const fq = await query(C.lender, personSubject(foreign), PURPOSE, fc);
    await n.refused(
      '/v1/credit/reports',
      signRequest('credit.report', CREDIT_AUDIENCE, { query: fq }, C.lender),
      'ERR_CREDIT_UNKNOWN_SUBJECT',
    );
  });

  test('a forged consent is no consent: a handle with the key swapped (from the authority, or copied off the ledger) gives no report', async () => {
    const forger = ed25519FromSeed(sha256(utf8('the forger')));
    const forgerKey = `did:key:${encodeMultikey(forger.publicKey)}`;
    const forge = async (h: { nonce: string; tag: string; locator: string }) => {
      const handle = { ...h, key: forgerKey };
      const token = signConsent(
        { querier: C.lender.did, purpose: PURPOSE, expires: n.clock.now + DAY, handle },
        forger,
      );
      const q = await query(C.lender, personSubject(handle), PURPOSE, token);
      assert.equal(
        getQuery(n.node.chain.state, q)!.outcome,
        'allowed',
        'the ledger sees a signed token',
      );
      await n.refused(
        '/v1/credit/reports',
        signRequest('credit.report', CREDIT_AUDIENCE, { query: q }, C.lender),
        'ERR_CREDIT_UNKNOWN_SUBJECT',
      );
    };
    // a handle the lender obtained by ID number, its key replaced by the lender's own
    await forge(await handleFor(C.lender, PEOPLE[0]!.idNumber));
    // nonce, tag and locator of a record handle already on the ledger: its nonce is used
    const onLedger = await handleFor(C.bank, PEOPLE[0]!.idNumber);
    about.zhang.push(
      await n.commit(C.bank, 'credit.issue', issueBody(personSubject(onLedger), 'loan-default')),
    );
    const copied = { ...onLedger, key: forgerKey };
    const token = signConsent(
      { querier: C.lender.did, purpose: PURPOSE, expires: n.clock.now + DAY, handle: copied },
      forger,
    );
    const q = await query(C.lender, personSubject(copied), PURPOSE, token);
    assert.equal(getQuery(n.node.chain.state, q)!.reason, 'ERR_CREDIT_CONSENT_WRONG_SUBJECT');
  });

  test('my-report: every record about the person (a suppressed one too), the queries about them, allowed and denied, the score with reasons, the disputes', async () => {
    const statement = toHex(sha256(utf8('I performed the judgment')));
    const handle = getRecord(n.node.chain.state, disputed)!.subject as { handle: CreditHandle };
    await n.commit(zhang.recordSigner(handle.handle), 'credit.dispute', {
      record: disputed,
      statement,
    });
    n.clock.advance(61_000);
    n.node.orderer.tick();
    assert.equal(getRecord(n.node.chain.state, disputed)!.suppressed, true);

    const mine = await myReport(zhang);
    assert.equal(mine.audience, 'subject');
    assert.deepEqual(mine.records.map((r: CreditRecord) => r.id).sort(), [...about.zhang].sort());
    assert.equal(mine.records.find((r: CreditRecord) => r.id === disputed).suppressed, true);
    assert.deepEqual(mine.disputes, [disputed]);
    const outcomes = mine.queries.map(
      (q: { outcome: string; reason?: string }) => q.reason ?? q.outcome,
    );
    assert.ok(outcomes.includes('allowed'));
    assert.ok(outcomes.includes('ERR_CREDIT_CONSENT_WRONG_PURPOSE'), 'the denied query is listed');
    assert.equal(mine.queries.length, 3, 'two allowed, one denied');
    assert.ok(!mine.score.records.includes(disputed), 'a suppressed record does not count');
    assert.ok(mine.score.reasons.some((r: { code: string }) => r.code === 'NEG-tax-arrears'));
    assert.ok(mine.score.factors.length > 0);

    const liReport = await myReport(li);
    assert.deepEqual(
      liReport.records.map((r: CreditRecord) => r.id),
      about.li,
    );
    assert.deepEqual(liReport.disputes, []);

    const c = zhang.consent();
    const q = await query(C.lender, personSubject(c.handle), PURPOSE, c);
    const after = (await report(C.lender, q)).json;
    assert.ok(
      !after.records.some((r: CreditRecord) => r.id === disputed),
      'queriers do not see it',
    );

    const stranger = await newWallet(n.client, 'credit my-report stranger');
    await n.refused(
      '/v1/credit/my-report',
      signRequest('credit.my-report', authority, {}, stranger.master),
      'ERR_IDENTITY_NOT_ENROLLED',
    );
  });

  test('an organization’s report through an allowed query: all its records in force, public or not, once', async () => {
    await n.commit(C.bank, 'credit.issue', issueBody(org(ORG_A), 'loan-default'));
    const qid = await query(C.lender, org(ORG_A), PURPOSE);
    const a = await report(C.lender, qid);
    assert.equal(a.status, 200, JSON.stringify(a.json));
    const ids = n.node.chain.store
      .stateByPrefix(`credit/org-records/${ORG_A}/`, 100)
      .map((r) => r.key.split('/').pop());
    assert.deepEqual(a.json.records.map((r: CreditRecord) => r.id).sort(), ids.sort());
    assert.ok(a.json.records.some((r: CreditRecord) => r.category === 'loan-default' && !r.public));
    assert.equal((await report(C.lender, qid)).json.code, 'ERR_CREDIT_REPORT_SERVED');
    const text = (await n.app.inject({ method: 'GET', url: '/metrics' })).body;
    assert.match(text, /realdid_credit_reports_total\{audience="querier"\} \d+/);
    assert.match(text, /realdid_credit_reports_total\{audience="subject"\} \d+/);
  });
});

describe('credit bodies at expiry (a node without an authority)', () => {
  let n: CreditNode;
  before(async () => {
    n = await openCreditNode({ authority: false });
  });
  after(() => n.close());

  test('after the expiry date the body is ERR_CREDIT_BODY_GONE and its vault rows are shredded; other bodies stay', async () => {
    const p = person('expiring');
    const handle = mintHandle({
      pseudonym: p.pseudonym,
      publicKey: p.recordKey.publicKey,
      locatorKey: generateX25519().publicJwk,
    });
    const signer = { keyPair: handleKeyPair(p.pseudonym, p.recordSeed, handle) };
    const { id, body } = await issueWithBody(n, C.tax, personSubject(handle), 'tax-arrears', {
      occurred: dateOf(n.clock.now - 20 * DAY),
      effective: dateOf(n.clock.now - 10 * DAY),
      expires: dateOf(n.clock.now + 3 * DAY),
    });
    const kept = await issueWithBody(n, C.tax, org(ORG_A), 'tax-arrears');
    assert.deepEqual((await n.ok(bodyPath(id), personProof(signer, id))).body, body);
    const commitment = bodyCommitment(body);
    assert.equal(heldRows(n, id, commitment).length, 3);

    n.clock.advance(4 * DAY);
    n.node.orderer.tick();
    assert.equal(getRecord(n.node.chain.state, id)!.expired, true);
    const gone = await n.inject('POST', bodyPath(id), signedRead(C.tax, id));
    assert.equal(gone.status, 410);
    assert.equal(gone.json.code, 'ERR_CREDIT_BODY_GONE');
    await n.refused(bodyPath(id), personProof(signer, id), 'ERR_CREDIT_BODY_GONE');
    assert.deepEqual(heldRows(n, id, commitment), [], 'the key and the body are shredded');
    assert.deepEqual((await n.ok(bodyPath(kept.id), signedRead(C.tax, kept.id))).body, kept.body);
    const text = (await n.app.inject({ method: 'GET', url: '/metrics' })).body;
    assert.match(text, /realdid_credit_bodies_shredded_total 1\b/);
    assert.match(text, /realdid_credit_bodies_stored_total 2\b/);
  });

  test('without an authority, its routes answer ERR_CREDIT_NOT_AUTHORITY_NODE (GET /v1/credit/authority is not there); person reports too', async () => {
    await n.refused('/v1/credit/authority', undefined, 'ERR_API_NOT_FOUND', 'GET');
    await n.refused(
      '/v1/credit/handles',
      signRequest('credit.handle', C.ia.did, { idNumber: PEOPLE[0]!.idNumber }, C.tax),
      'ERR_CREDIT_NOT_AUTHORITY_NODE',
    );
    const p = person('elsewhere');
    const handle = mintHandle({
      pseudonym: p.pseudonym,
      publicKey: p.consentKey.publicKey,
      locatorKey: generateX25519().publicJwk,
    });
    const consent = signConsent(
      { querier: C.lender.did, purpose: PURPOSE, expires: n.clock.now + DAY, handle },
      handleKeyPair(p.pseudonym, p.consentSeed, handle),
    );
    const qid = await n.commit(C.lender, 'credit.query', {
      subject: personSubject(handle),
      purpose: PURPOSE,
      consent,
    });
    await n.refused(
      '/v1/credit/reports',
      signRequest('credit.report', CREDIT_AUDIENCE, { query: qid }, C.lender),
      'ERR_CREDIT_NOT_AUTHORITY_NODE',
    );
  });
});
