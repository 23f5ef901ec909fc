/**
 * The credit module on a real ledger: records of organizations and people, lists, disputes with
 * their deadline, expiry at the boundary, consented and denied queries, governance documents.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { toHex, sha256, utf8, type JsonValue } from '../../src/crypto/index.ts';
import {
  CREDIT_KEYS,
  dateMs,
  getListEntry,
  getQuery,
  publicRecordsOf,
} from '../../src/credit/index.ts';
import { getDocument } from '../../src/governance/index.ts';
import {
  CREDIT_CAST as C,
  DAY,
  issueBody,
  ORG_A,
  ORG_B,
  org,
  person,
  personSubject,
  PURPOSE,
  withCredit,
} from './_harness.ts';

const statement = toHex(sha256(utf8('I paid this on time: receipt attached')));

describe('credit records', () => {
  test('an accredited issuer writes an organization record: public, listed, scored later', () =>
    withCredit(async (h) => {
      const id = await h.ok(C.tax, 'credit.issue', issueBody(org(ORG_A), 'tax-arrears'));
      const r = h.record(id);
      assert.equal(r.issuer, C.tax.did);
      assert.equal(r.public, true);
      assert.equal(r.polarity, 'negative');
      assert.equal(r.expires, '2030-12-01', 'default: effective + 1826 days');
      assert.equal(r.status, 'active');
      assert.deepEqual(
        publicRecordsOf(h.view(), ORG_A).map((x) => x.id),
        [id],
      );
      const loan = await h.ok(C.bank, 'credit.issue', issueBody(org(ORG_A), 'loan-default'));
      assert.equal(h.record(loan).public, false, 'a non-public category stays off the public list');
    }));

  test('a person record names a one-time handle; its reuse is refused', () =>
    withCredit(async (h) => {
      const p = person('zhang');
      const handle = h.recordHandle(p);
      const id = await h.ok(
        C.court,
        'credit.issue',
        issueBody(personSubject(handle), 'judgment-default'),
      );
      assert.equal(h.record(id).public, false, "people's records are never public");
      assert.equal(h.node.chain.state.get(CREDIT_KEYS.handle(handle.key)), JSON.stringify(id));
      await h.refused(
        C.court,
        'credit.issue',
        issueBody(personSubject(handle), 'judgment-default', { severity: 1 }),
        'ERR_CREDIT_HANDLE_USED',
      );
      await h.refused(
        C.regulator,
        'credit.issue',
        issueBody(personSubject(h.recordHandle(p)), 'administrative-penalty'),
        'ERR_CREDIT_BAD_SUBJECT',
      );
    }));

  test('issuers outside their categories, unknown categories, bad codes and dates are refused', () =>
    withCredit(async (h) => {
      await h.refused(
        C.bank,
        'credit.issue',
        issueBody(org(ORG_A), 'tax-arrears'),
        'ERR_CREDIT_ISSUER_NOT_ACCREDITED',
      );
      await h.refused(
        C.nobody,
        'credit.issue',
        issueBody(org(ORG_A), 'tax-arrears'),
        'ERR_CREDIT_ISSUER_NOT_ACCREDITED',
      );
      await h.refused(
        C.tax,
        'credit.issue',
        issueBody(org(ORG_A), 'face-scans'),
        'ERR_CREDIT_UNKNOWN_CATEGORY',
      );
      await h.refused(
        C.tax,
        'credit.issue',
        issueBody(org('91350100M000100Y44'), 'tax-arrears'),
        'ERR_CREDIT_INVALID_USCC',
      );
      await h.refused(
        C.tax,
        'credit.issue',
        issueBody(org(ORG_A), 'tax-arrears', { severity: 4 }),
        'ERR_CREDIT_SEVERITY',
      );
      await h.refused(
        C.tax,
        'credit.issue',
        issueBody(org(ORG_A), 'tax-arrears', { effective: '2025-02-30' }),
        'ERR_CREDIT_BAD_DATES',
      );
      await h.refused(
        C.tax,
        'credit.issue',
        issueBody(org(ORG_A), 'tax-arrears', { occurred: '2026-01-01' }),
        'ERR_CREDIT_BAD_DATES',
      );
      await h.refused(
        C.tax,
        'credit.issue',
        issueBody(org(ORG_A), 'tax-arrears', { expires: '2031-12-01' }),
        'ERR_CREDIT_BAD_DATES',
      );
      await h.refused(
        C.tax,
        'credit.issue',
        issueBody(org(ORG_A), 'tax-arrears', { effective: '2020-01-01', occurred: '2020-01-01' }),
        'ERR_CREDIT_BAD_DATES',
      );
    }));

  test('a revoked issuer writes nothing more, not even to its own records', () =>
    withCredit(async (h) => {
      const id = await h.ok(C.tax, 'credit.issue', issueBody(org(ORG_A), 'tax-arrears'));
      const out = await h.govern({
        type: 'revoke',
        role: 'credit-issuer',
        subject: C.tax.did,
        reason: 'misconduct',
      });
      assert.ok(out.ok);
      await h.refused(
        C.tax,
        'credit.issue',
        issueBody(org(ORG_B), 'tax-arrears'),
        'ERR_CREDIT_ISSUER_NOT_ACCREDITED',
      );
      await h.refused(
        C.tax,
        'credit.withdraw',
        { record: id, reason: 'paid' },
        'ERR_CREDIT_ISSUER_NOT_ACCREDITED',
      );
      await h.refused(
        C.regulator,
        'credit.withdraw',
        { record: id, reason: 'paid' },
        'ERR_CREDIT_NOT_ISSUER',
      );
    }));

  test('amend, withdraw and restore by the issuer; a closed record changes no more', () =>
    withCredit(async (h) => {
      const id = await h.ok(C.tax, 'credit.issue', issueBody(org(ORG_A), 'tax-arrears'));
      await h.ok(C.tax, 'credit.amend', {
        record: id,
        changes: { severity: 3, expires: '2028-12-01' },
        note: 'recomputed',
      });
      assert.equal(h.record(id).severity, 3);
      assert.equal(h.record(id).version, 2);
      await h.ok(C.tax, 'credit.restore', {
        record: id,
        fulfilled: '2026-01-01',
        evidence: toHex(sha256(utf8('receipt'))),
        note: 'paid in full',
      });
      assert.equal(h.record(id).status, 'restored');
      assert.deepEqual(publicRecordsOf(h.view(), ORG_A), [], 'restored: off the public list');
      await h.refused(
        C.tax,
        'credit.amend',
        { record: id, changes: { severity: 1 }, note: 'x' },
        'ERR_CREDIT_RECORD_CLOSED',
      );
      await h.refused(
        C.tax,
        'credit.withdraw',
        { record: id, reason: 'x' },
        'ERR_CREDIT_RECORD_CLOSED',
      );
    }));
});

describe('lists of organizations', () => {
  test('entry after the threshold of final serious records, exit on withdrawal', () =>
    withCredit(async (h) => {
      const a = await h.ok(
        C.regulator,
        'credit.issue',
        issueBody(org(ORG_A), 'administrative-penalty', { severity: 3 }),
      );
      await h.ok(
        C.regulator,
        'credit.issue',
        issueBody(org(ORG_A), 'administrative-penalty', { severity: 1 }),
      );
      assert.equal(
        getListEntry(h.node.chain.state, 'seriously-untrustworthy', ORG_A),
        undefined,
        'severity 1 does not count',
      );
      const b = await h.ok(
        C.court,
        'credit.issue',
        issueBody(org(ORG_A), 'judgment-default', { severity: 2 }),
      );
      const entry = getListEntry(h.node.chain.state, 'seriously-untrustworthy', ORG_A)!;
      assert.deepEqual(entry.records, [a, b].sort());
      await h.ok(C.court, 'credit.withdraw', { record: b, reason: 'judgment performed' });
      assert.equal(getListEntry(h.node.chain.state, 'seriously-untrustworthy', ORG_A), undefined);
      const history = JSON.parse(
        h.node.chain.state.get(CREDIT_KEYS.listHistory('seriously-untrustworthy', ORG_A))!,
      ) as unknown[];
      assert.equal(history.length, 1);
    }));

  test('a disputed record does not count until the dispute is answered', () =>
    withCredit(async (h) => {
      await h.ok(C.ia, 'credit.bind-org', { uscc: ORG_A, did: C.orgA.did });
      const a = await h.ok(
        C.regulator,
        'credit.issue',
        issueBody(org(ORG_A), 'administrative-penalty', { severity: 3 }),
      );
      await h.ok(C.orgA, 'credit.dispute', { record: a, statement });
      await h.ok(
        C.court,
        'credit.issue',
        issueBody(org(ORG_A), 'judgment-default', { severity: 2 }),
      );
      assert.equal(getListEntry(h.node.chain.state, 'seriously-untrustworthy', ORG_A), undefined);
      await h.ok(C.regulator, 'credit.respond', {
        record: a,
        decision: 'uphold',
        note: 'penalty stands',
      });
      assert.ok(getListEntry(h.node.chain.state, 'seriously-untrustworthy', ORG_A));
    }));
});

describe('disputes', () => {
  test('a person disputes with the record handle key; answered in time, then a lapse suppresses', () =>
    withCredit(async (h) => {
      const p = person('li');
      const handle = h.recordHandle(p);
      const id = await h.ok(
        C.bank,
        'credit.issue',
        issueBody(personSubject(handle), 'loan-default'),
      );
      const signer = h.handleSigner(p, handle);
      await h.refused(
        C.nobody,
        'credit.dispute',
        { record: id, statement },
        'ERR_CREDIT_NOT_SUBJECT',
      );
      await h.refused(
        h.handleSigner(person('someone else'), handle),
        'credit.dispute',
        { record: id, statement },
        'ERR_LEDGER_BAD_SIGNATURE',
      );
      await h.ok(signer, 'credit.dispute', { record: id, statement });
      assert.equal(h.record(id).dispute?.status, 'open', 'disputed at once');
      await h.refused(
        signer,
        'credit.dispute',
        { record: id, statement },
        'ERR_CREDIT_DISPUTE_OPEN',
      );
      await h.ok(C.bank, 'credit.respond', {
        record: id,
        decision: 'uphold',
        note: 'records checked',
      });
      assert.equal(h.record(id).dispute?.status, 'upheld');

      await h.refused(
        signer,
        'credit.dispute',
        { record: id, statement },
        'ERR_CREDIT_ALREADY_DISPUTED',
      );
      await h.ok(C.bank, 'credit.amend', {
        record: id,
        changes: { severity: 1 },
        note: 'restructured',
      });
      await h.ok(signer, 'credit.dispute', { record: id, statement });
      const deadline = h.record(id).dispute!.deadline;
      assert.equal(deadline, h.record(id).dispute!.filed + 20 * DAY);
      h.clock.now = deadline - 1;
      h.tick();
      assert.equal(h.record(id).suppressed, false, '1 ms before: not yet');
      h.clock.now = deadline;
      await h.refused(
        C.bank,
        'credit.respond',
        { record: id, decision: 'uphold', note: 'late' },
        'ERR_CREDIT_DEADLINE_PASSED',
      );
      h.tick();
      const r = h.record(id);
      assert.equal(r.suppressed, true, 'lapsed at the first block at the deadline');
      assert.equal(r.dispute?.status, 'lapsed');
      await h.refused(
        C.bank,
        'credit.respond',
        { record: id, decision: 'uphold', note: 'late' },
        'ERR_CREDIT_DEADLINE_PASSED',
      );
    }));

  test('an amend answer changes the record; a withdraw answer closes it', () =>
    withCredit(async (h) => {
      await h.ok(C.ia, 'credit.bind-org', { uscc: ORG_A, did: C.orgA.did });
      const a = await h.ok(
        C.tax,
        'credit.issue',
        issueBody(org(ORG_A), 'tax-arrears', { severity: 3 }),
      );
      await h.ok(C.orgA, 'credit.dispute', { record: a, statement });
      await h.refused(
        C.tax,
        'credit.respond',
        { record: a, decision: 'amend', note: 'x' },
        'ERR_LEDGER_SCHEMA',
      );
      await h.ok(C.tax, 'credit.respond', {
        record: a,
        decision: 'amend',
        note: 'partly paid',
        changes: { severity: 1 },
      });
      assert.equal(h.record(a).severity, 1);
      assert.equal(h.record(a).dispute?.status, 'amended');
      await h.ok(C.orgA, 'credit.dispute', { record: a, statement });
      await h.ok(C.tax, 'credit.respond', { record: a, decision: 'withdraw', note: 'paid' });
      assert.equal(h.record(a).status, 'withdrawn');
      await h.refused(
        C.tax,
        'credit.respond',
        { record: a, decision: 'uphold', note: 'x' },
        'ERR_CREDIT_NO_DISPUTE',
      );
    }));
});

describe('expiry', () => {
  test('a record expires at the first block on its expiry date, not a millisecond before', () =>
    withCredit(async (h) => {
      const id = await h.ok(
        C.regulator,
        'credit.issue',
        issueBody(org(ORG_A), 'administrative-penalty', { severity: 3, expires: '2026-03-01' }),
      );
      await h.ok(
        C.court,
        'credit.issue',
        issueBody(org(ORG_A), 'judgment-default', { severity: 3 }),
      );
      assert.ok(getListEntry(h.node.chain.state, 'seriously-untrustworthy', ORG_A));
      h.clock.now = dateMs('2026-03-01') - 1;
      h.tick();
      assert.equal(h.record(id).expired, false);
      h.clock.now = dateMs('2026-03-01');
      h.tick();
      assert.equal(h.record(id).expired, true);
      assert.equal(
        getListEntry(h.node.chain.state, 'seriously-untrustworthy', ORG_A),
        undefined,
        'expiry exits the list',
      );
      assert.deepEqual(
        publicRecordsOf(h.view(), ORG_A)
          .map((r) => r.id)
          .includes(id),
        false,
      );
      assert.equal(h.record(id).commitment.length, 64, 'the commitment stays');
    }));
});

describe('queries', () => {
  test('a consented query is allowed once; every bad consent is logged as denied', () =>
    withCredit(async (h) => {
      const p = person('wang');
      const query = async (
        consent: object | undefined,
        o: { as?: typeof C.lender; purpose?: string; handle?: object } = {},
      ) => {
        const c = consent as { handle: object } | undefined;
        const subject = personSubject((o.handle ?? c?.handle ?? h.recordHandle(p)) as never);
        const id = await h.ok(o.as ?? C.lender, 'credit.query', {
          subject,
          purpose: o.purpose ?? PURPOSE,
          ...(consent === undefined ? {} : { consent }),
        });
        return getQuery(h.node.chain.state, id)!;
      };
      const good = h.consent(p);
      const allowed = await query(good);
      assert.equal(allowed.outcome, 'allowed');
      assert.equal(allowed.consent?.length, 64);
      assert.equal((await query(good)).reason, 'ERR_CREDIT_CONSENT_REUSED');
      assert.equal((await query(undefined)).reason, 'ERR_CREDIT_CONSENT_MISSING');
      assert.equal(
        (await query(h.consent(p, { expires: h.clock.now }))).reason,
        'ERR_CREDIT_CONSENT_EXPIRED',
      );
      assert.equal(
        (await query(h.consent(p, { purpose: 'lease' }))).reason,
        'ERR_CREDIT_CONSENT_WRONG_PURPOSE',
      );
      assert.equal(
        (await query(h.consent(p, { querier: C.lender2.did }))).reason,
        'ERR_CREDIT_CONSENT_WRONG_QUERIER',
      );
      assert.equal(
        (await query(h.consent(p), { handle: h.recordHandle(p) })).reason,
        'ERR_CREDIT_CONSENT_WRONG_SUBJECT',
      );
      const forged = { ...h.consent(p), purpose: 'lease' };
      assert.equal(
        (await query(forged, { purpose: 'lease' })).reason,
        'ERR_CREDIT_CONSENT_BAD_SIGNATURE',
      );
      await h.refused(
        C.lender2,
        'credit.query',
        { subject: org(ORG_A), purpose: 'lease' },
        'ERR_CREDIT_QUERIER_NOT_REGISTERED',
      );
      await h.refused(
        C.bank,
        'credit.query',
        { subject: org(ORG_A), purpose: PURPOSE },
        'ERR_CREDIT_QUERIER_NOT_REGISTERED',
      );
      const orgQuery = await query(undefined, { handle: undefined });
      assert.equal(orgQuery.outcome, 'denied');
      const o2 = await h.ok(C.lender, 'credit.query', { subject: org(ORG_A), purpose: PURPOSE });
      assert.equal(
        getQuery(h.node.chain.state, o2)?.outcome,
        'allowed',
        'organizations need no consent',
      );
    }));
});

describe('governance documents', () => {
  test('a category for surveillance data is refused when proposed; a new category is adopted', () =>
    withCredit(async (h) => {
      const current = getDocument<{ categories: JsonValue[] }>(
        h.node.chain.state,
        'credit/categories',
      )!;
      const bad = {
        categories: [
          ...current.document.categories,
          {
            id: 'location-history',
            name: 'Location history',
            description: 'Where a person went.',
            polarity: 'negative',
            severities: 1,
            retentionDays: 30,
            public: false,
            subjects: ['person'],
            issuers: [C.bank.did],
          },
        ],
      };
      const out = await h.govern({ type: 'adopt', topic: 'credit/categories', document: bad });
      assert.equal(out.ok, false);
      assert.equal(!out.ok && out.error.code, 'ERR_CREDIT_FORBIDDEN_CATEGORY');
      const removing = await h.govern({
        type: 'adopt',
        topic: 'credit/categories',
        document: { categories: current.document.categories.slice(1) },
      });
      assert.equal(!removing.ok && removing.error.code, 'ERR_CREDIT_BAD_CATEGORIES');
      const unknown = await h.govern({ type: 'adopt', topic: 'credit/secret-sauce', document: {} });
      assert.equal(!unknown.ok && unknown.error.code, 'ERR_LEDGER_UNKNOWN_DOCUMENT');
      const ok = await h.govern({
        type: 'adopt',
        topic: 'credit/categories',
        document: {
          categories: [
            ...current.document.categories,
            {
              ...(bad.categories.at(-1) as object),
              id: 'utility-arrears',
              name: 'Utility arrears',
            },
          ],
        },
      });
      assert.ok(ok.ok);
      assert.equal(getDocument(h.node.chain.state, 'credit/categories')!.version, 2);
    }));
});
