/**
 * The wallet server's credit routes on a bare fastify app (reached with `app.inject()`), with a
 * real WalletContext (a wallet file, a client held to a trust file) against a node serving HTTP:
 * no credential yet (and a person not enrolled), the credential, a look through the feed, the
 * report (records with their status, the score recomputed with reasons and the records behind it,
 * the queries, the events with proofs that verify offline), a consent token a querier uses, a
 * dispute and its deadline, bad inputs refused with codes, and block time passing the deadline:
 * the record suppressed, the score changed, its reasons too. Last, no answer held a secret: the
 * wallet's seed or passphrase, the credit credential, the credit pseudonym and what derives from
 * it, the record key's seed, the consent key.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import Fastify, { type FastifyInstance } from 'fastify';
import { readCreditStore } from '../../src/cli/commands/credit-store.ts';
import { openWallet, type UnlockedWallet } from '../../src/cli/wallet-file.ts';
import type { WalletContext } from '../../src/cli/wallet-server/context.ts';
import { creditRoutes } from '../../src/cli/wallet-server/credit-routes.ts';
import { walletErrorHandler } from '../../src/cli/wallet-server/http-errors.ts';
import type { WalletCreditReport } from '../../src/cli/wallet-server/credit-report.ts';
import { fromBase64url, toBase64url } from '../../src/crypto/index.ts';
import {
  CreditClient,
  creditConsentKey,
  CreditWallet,
  verifySignedCheckpoint,
  verifyStateAnswer,
  verifyTxInclusion,
  type ConsentToken,
  type CreditDispute,
} from '../../src/sdk/index.ts';
import {
  DAY_MS,
  DISPUTE_DAYS,
  openCreditWorld,
  PERSON,
  type CreditWorld,
} from './_wallet-credit-world.ts';

const PURPOSE = 'loan-underwriting';
/** The passphrase _wallet-credit-world.ts gives its wallets (checked below: it opens hers). */
const WALLET_PASSPHRASE = 'wallet credit test wallet passphrase';
let world: CreditWorld;
let her: UnlockedWallet;
let app: FastifyInstance;
let stranger: FastifyInstance;
/** Every answer (headers and body), for the secret scan at the end. */
const seen: string[] = [];

/** A bare app serving the credit routes for `ctx`, errors as the wallet server answers them. */
async function appFor(ctx: WalletContext): Promise<FastifyInstance> {
  const a = Fastify({ logger: false });
  a.setErrorHandler(walletErrorHandler);
  await a.register(creditRoutes, { prefix: '/api/credit', ctx });
  await a.ready();
  return a;
}

async function call(a: FastifyInstance, method: 'GET' | 'POST', url: string, payload?: object) {
  const res = await a.inject({ method, url: `/api/credit${url}`, ...(payload && { payload }) });
  seen.push(`${url}\n${JSON.stringify(res.headers)}\n${res.body}`);
  return { status: res.statusCode, json: res.json() };
}

async function ok<T>(method: 'GET' | 'POST', url: string, payload?: object): Promise<T> {
  const r = await call(app, method, url, payload);
  assert.equal(r.status, 200, `${method} ${url}: ${JSON.stringify(r.json)}`);
  return r.json as T;
}

async function refused(url: string, payload: object, status: number, code: string) {
  const r = await call(app, 'POST', url, payload);
  assert.deepEqual([r.status, r.json.code], [status, code], JSON.stringify(r.json));
  assert.equal(typeof r.json.message, 'string');
}

before(async () => {
  world = await openCreditWorld();
  her = await world.person('her');
  app = await appFor(world.context(her));
  stranger = await appFor(world.context(await world.person('stranger', { enroll: false })));
});

after(async () => {
  await app?.close();
  await stranger?.close();
  await world?.close();
});

describe('the wallet server credit routes', () => {
  let loan = '';
  let judgment = '';
  let before: WalletCreditReport;

  test('no credential yet: the report and actions say so (409); a person not enrolled gets none', async () => {
    for (const [method, url, payload] of [
      ['GET', '/report', undefined],
      ['POST', '/watch', undefined],
      ['POST', '/consent', { querier: world.lender.did, purpose: PURPOSE, expires: '7d' }],
    ] as const) {
      const r = await call(app, method, url, payload);
      assert.deepEqual([r.status, r.json.code], [409, 'ERR_CREDIT_NO_CREDENTIAL'], url);
    }
    const none = await call(stranger, 'POST', '/credential');
    assert.equal(none.status, 404, JSON.stringify(none.json));
    assert.match(none.json.code, /^ERR_(CREDIT|IDENTITY)_NOT_ENROLLED$/);
  });

  test('the credential is obtained; records written by accredited issuers are found in the feed', async () => {
    const cred = await ok<{ authority: string; consentKey: string }>('POST', '/credential');
    assert.match(cred.consentKey, /^did:key:z6Mk/);
    loan = await world.issue(world.bank, PERSON.idNumber, {
      category: 'loan-default',
      severity: 2,
      basis: 'Loan contract 2024-0917, Article 12',
      ago: 100,
    });
    judgment = await world.issue(world.court, PERSON.idNumber, {
      category: 'judgment-default',
      severity: 2,
      basis: 'Civil Procedure Law of the PRC, Article 266',
      ago: 45,
    });
    const look = await ok<{ scanned: number; found: number; kept: number }>('POST', '/watch', {});
    assert.ok(look.scanned >= 2);
    assert.deepEqual([look.found, look.kept], [2, 2]);
    const again = await ok<{ found: number; kept: number }>('POST', '/watch');
    assert.deepEqual([again.found, again.kept], [0, 2]);
  });

  test('the report: records with status and facts, the score with reasons, the proofs', async () => {
    const r = (before = await ok<WalletCreditReport>('GET', '/report'));
    assert.deepEqual(
      r.records.map((x) => [x.record.id, x.status, x.disputable, x.scored]).sort(),
      [
        [judgment, 'in-force', true, true],
        [loan, 'in-force', true, true],
      ].sort(),
    );
    const l = r.records.find((x) => x.record.id === loan)!;
    assert.deepEqual(
      [l.record.category, l.record.polarity, l.record.severity, l.record.issuer],
      ['loan-default', 'negative', 2, world.bank.did],
    );
    assert.equal(l.record.legalBasis, 'Loan contract 2024-0917, Article 12');
    assert.ok(l.found !== null && l.found.handleKey === 'record' && l.inReport);
    assert.equal(r.names[world.bank.did], 'Demo Bank');
    assert.equal(r.categories['loan-default']?.polarity, 'negative');
    const s = r.score!;
    assert.equal(s.matches, true);
    assert.equal(s.recomputed.score, s.node!.score);
    assert.deepEqual(s.recomputed.reasons.map((x) => x.code).sort(), [
      'NEG-judgment-default',
      'NEG-loan-default',
    ]);
    assert.deepEqual([...s.recomputed.records].sort(), [judgment, loan].sort());
    assert.ok(s.recomputed.reasons.every((x) => x.points < 0 && x.records.length === 1));
    assert.equal(r.scores.length, 1);
    assert.equal(r.events.length, 2);
    for (const e of r.events) {
      // only what the page uses is declared: the handle the wallet recognized stays with it
      assert.deepEqual(Object.keys(e).sort(), ['event', 'handleKey', 'seen', 'state', 'tx']);
      const txCp = verifySignedCheckpoint(e.tx.checkpoint, r.chain.trust);
      assert.equal(verifyTxInclusion(e.tx, txCp).id, e.event.tx);
      assert.equal(e.event.tx, e.event.ref, 'a record event: its issue transaction');
      assert.equal(e.state.key, `credit/record/${e.event.ref}`);
      verifyStateAnswer(
        e.state.key,
        e.state,
        verifySignedCheckpoint(e.state.checkpoint, r.chain.trust),
      );
    }
  });

  test('a consent token the lender queries with; the report shows it, and a query without consent', async () => {
    const { token } = await ok<{ token: ConsentToken }>('POST', '/consent', {
      querier: world.lender.did,
      purpose: PURPOSE,
      expires: '7d',
    });
    assert.equal(token.querier, world.lender.did);
    assert.ok(Math.abs(token.expires - (Date.now() + 7 * DAY_MS)) < 60_000);
    const credit = new CreditClient(world.client);
    const q = await credit.queryWithConsent(world.lender, token);
    assert.equal(q.event.value.outcome, 'allowed');
    const handle = await credit.handle(world.lender, PERSON.idNumber);
    const denied = await credit.query(world.lender, { type: 'person', handle }, PURPOSE);
    assert.equal(denied.event.value.reason, 'ERR_CREDIT_CONSENT_MISSING');
    const r = await ok<WalletCreditReport>('GET', '/report');
    const byId = new Map(r.queries.map((x) => [x.query.id, x.query]));
    assert.deepEqual(
      [byId.get(q.id)?.outcome, byId.get(q.id)?.querier, byId.get(q.id)?.purpose],
      ['allowed', world.lender.did, PURPOSE],
    );
    assert.equal(byId.get(denied.id)?.outcome, 'denied');
    // a look through the feed keeps both queries, each proven at its own state key
    assert.equal((await ok<{ found: number }>('POST', '/watch')).found, 2);
    const kept = (await ok<WalletCreditReport>('GET', '/report')).events.filter(
      (e) => e.event.kind === 'query',
    );
    assert.deepEqual(kept.map((e) => e.event.ref).sort(), [q.id, denied.id].sort());
    for (const e of kept) {
      assert.equal(e.state.key, `credit/query/${e.event.ref}`);
      verifyStateAnswer(
        `credit/query/${e.event.ref}`,
        e.state,
        verifySignedCheckpoint(e.state.checkpoint, r.chain.trust),
      );
      const txCp = verifySignedCheckpoint(e.tx.checkpoint, r.chain.trust);
      assert.equal(verifyTxInclusion(e.tx, txCp).id, e.event.tx);
    }
  });

  test('bad inputs are refused with codes', async () => {
    const record = loan;
    await refused('/dispute', { record, statement: '' }, 400, 'ERR_API_SCHEMA');
    await refused('/dispute', { record, statement: '   ' }, 400, 'ERR_API_SCHEMA');
    await refused('/dispute', { record, statement: 'x'.repeat(501) }, 400, 'ERR_API_SCHEMA');
    await refused('/dispute', { record, statement: '😀'.repeat(300) }, 400, 'ERR_API_SCHEMA');
    await refused('/dispute', { record: 'xyz', statement: 'no' }, 400, 'ERR_API_SCHEMA');
    await refused('/dispute', { record, statement: 'no', extra: 1 }, 400, 'ERR_API_SCHEMA');
    await refused(
      '/dispute',
      { record: 'ab'.repeat(32), statement: 'not mine' },
      403,
      'ERR_CREDIT_NOT_SUBJECT',
    );
    const consent = { querier: world.lender.did, purpose: PURPOSE, expires: '7d' };
    await refused('/consent', { ...consent, expires: 'soon' }, 400, 'ERR_API_SCHEMA');
    await refused('/consent', { ...consent, expires: 7 }, 400, 'ERR_API_SCHEMA');
    await refused('/consent', { ...consent, querier: 'nope' }, 400, 'ERR_API_SCHEMA');
    await refused('/consent', { ...consent, purpose: 'Not A Purpose' }, 400, 'ERR_API_SCHEMA');
    await refused('/consent', { querier: world.lender.did }, 400, 'ERR_API_SCHEMA');
    await refused('/watch', { look: true }, 400, 'ERR_API_SCHEMA');
  });

  test('a dispute: open, with its deadline; a second one is refused; the report shows it', async () => {
    const statement = 'The judgment was performed in full; see the enforcement receipt.';
    const d = await ok<{ digest: string; dispute: CreditDispute; height: number }>(
      'POST',
      '/dispute',
      { record: judgment, statement },
    );
    assert.equal(d.dispute.status, 'open');
    assert.equal(d.dispute.statement, d.digest);
    assert.equal(d.dispute.deadline - d.dispute.filed, DISPUTE_DAYS * DAY_MS);
    await refused('/dispute', { record: judgment, statement }, 409, 'ERR_CREDIT_DISPUTE_OPEN');
    const r = await ok<WalletCreditReport>('GET', '/report');
    const j = r.records.find((x) => x.record.id === judgment)!;
    assert.deepEqual([j.status, j.disputable, j.scored], ['disputed', false, true]);
    assert.deepEqual(
      j.statements.map((x) => x.statement),
      [statement],
    );
  });

  test('block time passes the deadline: the record is suppressed, the score changes with its reasons', async () => {
    world.advance(DISPUTE_DAYS * DAY_MS + 60_000);
    const credit = new CreditClient(world.client);
    for (let i = 0; !(await credit.record(judgment)).value.suppressed; i++) {
      assert.ok(i < 100, 'the dispute did not lapse');
      await new Promise((r) => setTimeout(r, 50));
    }
    const r = await ok<WalletCreditReport>('GET', '/report');
    const j = r.records.find((x) => x.record.id === judgment)!;
    assert.deepEqual(
      [j.status, j.scored, j.record.dispute?.status],
      ['suppressed', false, 'lapsed'],
    );
    const s = r.score!;
    assert.equal(s.matches, true);
    assert.ok(s.recomputed.score > before.score!.recomputed.score);
    assert.deepEqual(
      s.recomputed.reasons.map((x) => x.code),
      ['NEG-loan-default'],
    );
    assert.deepEqual(s.recomputed.records, [loan]);
    assert.deepEqual(
      r.scores.map((x) => x.score),
      [before.score!.recomputed.score, s.recomputed.score],
    );
  });
});

test('no answer of the credit routes held a secret of the wallet or of the credit credential', async () => {
  assert.equal((await openWallet(her.path, WALLET_PASSPHRASE)).path, her.path);
  const credential = readCreditStore(her.path, her.seed).credential!;
  const wallet = new CreditWallet(credential, her.seed);
  const consent = creditConsentKey(her.seed);
  const bytes = (b: Uint8Array) => [Buffer.from(b).toString('hex'), toBase64url(b)];
  const secrets = [
    WALLET_PASSPHRASE,
    ...bytes(her.seed),
    credential,
    ...credential.split('.').slice(1), // the claims and the signature (the header is generic)
    wallet.claims.pseudonym,
    ...bytes(fromBase64url(wallet.claims.pseudonym)),
    wallet.claims.recordSeed,
    ...bytes(fromBase64url(wallet.claims.recordSeed)),
    ...bytes(wallet.subjectKey),
    wallet.pseudonymId,
    ...bytes(consent.seed),
  ];
  assert.ok(seen.length > 20, `${seen.length} answers`);
  for (const text of seen)
    for (const secret of secrets)
      assert.ok(!text.includes(secret), `an answer holds a secret: ${text.slice(0, 300)}`);
});
