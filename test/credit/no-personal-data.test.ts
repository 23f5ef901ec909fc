/**
 * Principle 1 (DESIGN.md) for the credit ledger: after a mixed workload about several people
 * (records of every person category by every issuer, amendments, withdrawals, restorations,
 * disputes answered, amended and lapsed, records expiring, consented and denied queries) next to
 * organization records, every byte of the ledger's store (its SQLite file with WAL and shared
 * memory, read raw while the node runs and after it closed, and every cell of every table, decoded)
 * is scanned for what identifies each person in the credit scheme: the label their secrets derive
 * from, the credit pseudonym P, the subject key K = subjectKeyOf(P), pseudonymIdOf(P), the record
 * and consent seeds and public keys. Each value is looked for in every encoding the scanner knows
 * (test/helpers/pii-scan.ts), of its raw bytes and of its hex, base64, base64url and (keys)
 * Multikey and did:key text. Positive controls: the scan sees the credit data, and values planted
 * in a copy of the ledger are found.
 */
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { pseudonymIdOf, subjectKeyOf, type CreditHandle } from '../../src/credentials/index.ts';
import {
  encodeMultikey,
  fromHex,
  sha256,
  toHex,
  utf8,
  type JsonValue,
} from '../../src/crypto/index.ts';
import { dateMs, type CreditRecord } from '../../src/credit/index.ts';
import { decodeTx } from '../../src/ledger/index.ts';
import {
  base64Window,
  cellHaystacks,
  encodingsOf,
  findNeedles,
  MIN_NEEDLE_BYTES,
  sqliteFiles,
  sqliteHaystacks,
  type Haystack,
  type Needle,
} from '../helpers/pii-scan.ts';
import {
  CREDIT_CAST as C,
  issueBody,
  openCreditHarness,
  ORG_A,
  ORG_B,
  org,
  person,
  personSubject,
  PURPOSE,
  type CreditHarness,
  type TestPerson,
} from './_harness.ts';

const PEOPLE: readonly TestPerson[] = [
  person('credit pii Zhang Wei'),
  person('credit pii Li Na'),
  person('credit pii Wang Fang'),
];
const CREDIT_KINDS = [
  'credit.issue',
  'credit.amend',
  'credit.withdraw',
  'credit.restore',
  'credit.dispute',
  'credit.respond',
  'credit.query',
  'credit.bind-org',
];

/** Needles of raw bytes: as they are, hex (both cases), base64 and base64url at each alignment. */
function byteNeedles(label: string, bytes: Uint8Array): Needle[] {
  const b = Buffer.from(bytes);
  const out: Needle[] = [
    { label: `${label}/raw`, bytes: b },
    ...encodingsOf(`${label}/hex`, b.toString('hex')),
    ...encodingsOf(`${label}/base64`, b.toString('base64')),
    ...encodingsOf(`${label}/base64url`, b.toString('base64url')),
  ];
  for (const k of [0, 1, 2] as const) {
    out.push({ label: `${label}/raw-base64@${k}`, bytes: Buffer.from(base64Window(b, k)) });
    out.push({
      label: `${label}/raw-base64url@${k}`,
      bytes: Buffer.from(base64Window(b, k, true)),
    });
  }
  return out.filter((n) => n.bytes.length >= MIN_NEEDLE_BYTES);
}

/** An Ed25519 public key: its bytes, and its Multikey and did:key text. */
function keyNeedles(label: string, publicKey: Uint8Array): Needle[] {
  const multikey = encodeMultikey(publicKey);
  return [
    ...byteNeedles(label, publicKey),
    ...encodingsOf(`${label}/multikey`, multikey),
    ...encodingsOf(`${label}/did-key`, `did:key:${multikey}`),
  ];
}

/** Every value that identifies a person in the credit scheme, in every encoding. */
function personNeedles(people: readonly TestPerson[]): Needle[] {
  return people.flatMap((p, i) => {
    const at = `person${i}`;
    const id = pseudonymIdOf(p.pseudonym);
    return [
      ...encodingsOf(`${at}.label`, p.label),
      ...byteNeedles(`${at}.pseudonym`, p.pseudonym),
      ...byteNeedles(`${at}.subjectKey`, subjectKeyOf(p.pseudonym)),
      ...encodingsOf(`${at}.pseudonymId`, id),
      ...byteNeedles(`${at}.pseudonymId-bytes`, fromHex(id)),
      ...byteNeedles(`${at}.recordSeed`, p.recordSeed),
      ...byteNeedles(`${at}.consentSeed`, p.consentSeed),
      ...keyNeedles(`${at}.recordKey`, p.recordKey.publicKey),
      ...keyNeedles(`${at}.consentKey`, p.consentKey.publicKey),
    ];
  });
}

const NEEDLES = personNeedles(PEOPLE);
const statement = toHex(sha256(utf8('the debt was paid: bank transfer 2025-12-03')));

let dir: string;
let ledgerPath: string;
let whileOpen: Haystack[];
const handles: CreditHandle[] = [];

/** One person's credit life: every kind of event that names them. */
async function workload(h: CreditHarness, p: TestPerson, i: number): Promise<void> {
  const issue = async (issuer: typeof C.tax, category: string, o: Record<string, unknown> = {}) => {
    const handle = h.recordHandle(p);
    handles.push(handle);
    const id = await h.ok(
      issuer,
      'credit.issue',
      issueBody(personSubject(handle), category, { severity: 1 + (i % 3), ...o }),
    );
    return { id, signer: h.handleSigner(p, handle) };
  };
  const tax = await issue(C.tax, 'tax-arrears');
  const court = await issue(C.court, 'judgment-default', { expires: '2026-03-01' });
  const loan = await issue(C.bank, 'loan-default');
  const repaid = await issue(C.bank, 'on-time-repayment', { severity: 1 });
  const wrong = await issue(C.bank, 'loan-default', { occurred: '2025-10-01' });
  h.clock.advance(60_000 + i);
  await h.ok(C.tax, 'credit.amend', {
    record: tax.id,
    changes: { severity: 3 },
    note: 'recomputed',
  });
  await h.ok(tax.signer, 'credit.dispute', { record: tax.id, statement });
  await h.ok(C.tax, 'credit.respond', { record: tax.id, decision: 'uphold', note: 'checked' });
  await h.ok(loan.signer, 'credit.dispute', { record: loan.id, statement });
  await h.ok(C.bank, 'credit.respond', {
    record: loan.id,
    decision: 'amend',
    note: 'partly right',
    changes: { severity: 1 },
  });
  await h.ok(court.signer, 'credit.dispute', { record: court.id, statement }); // left to lapse
  await h.ok(C.bank, 'credit.withdraw', { record: wrong.id, reason: 'issued in error' });
  await h.ok(C.bank, 'credit.withdraw', {
    record: repaid.id,
    reason: 'duplicate',
  });
  const second = await issue(C.tax, 'tax-arrears', { occurred: '2025-09-01' });
  await h.ok(C.tax, 'credit.restore', {
    record: second.id,
    fulfilled: '2026-01-01',
    evidence: toHex(sha256(utf8(`receipt ${second.id}`))),
    note: 'paid in full',
  });
  // queries: consented, reused consent, no consent, wrong purpose, wrong querier
  const consent = h.consent(p);
  handles.push(consent.handle);
  const subject = personSubject(consent.handle);
  await h.ok(C.lender, 'credit.query', { subject, purpose: PURPOSE, consent });
  await h.ok(C.lender, 'credit.query', { subject, purpose: PURPOSE, consent });
  const bare = h.recordHandle(p);
  handles.push(bare);
  await h.ok(C.lender2, 'credit.query', { subject: personSubject(bare), purpose: PURPOSE });
  const lease = h.consent(p, { purpose: 'lease' });
  await h.ok(C.lender, 'credit.query', {
    subject: personSubject(lease.handle),
    purpose: PURPOSE,
    consent: lease,
  });
  const other = h.consent(p, { querier: C.lender2.did });
  await h.ok(C.lender, 'credit.query', {
    subject: personSubject(other.handle),
    purpose: PURPOSE,
    consent: other,
  });
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'realdid-credit-pii-'));
  ledgerPath = join(dir, 'ledger.sqlite');
  const h = openCreditHarness({ path: ledgerPath });
  try {
    await h.ok(C.ia, 'credit.bind-org', { uscc: ORG_A, did: C.orgA.did });
    const orgRecord = await h.ok(C.tax, 'credit.issue', issueBody(org(ORG_A), 'tax-arrears'));
    await h.ok(C.orgA, 'credit.dispute', { record: orgRecord, statement });
    for (const [i, p] of PEOPLE.entries()) await workload(h, p, i);
    await h.ok(C.lender, 'credit.query', { subject: org(ORG_B), purpose: PURPOSE });
    // the unanswered disputes lapse, the short records expire
    h.clock.now = dateMs('2026-03-02');
    h.tick();
    whileOpen = sqliteHaystacks(ledgerPath);
  } finally {
    await h.close();
  }
});

after(() => {
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

/** A copy of the closed ledger (with its WAL, if any) in a new folder. */
function copyLedger(): { path: string; done(): void } {
  const to = mkdtempSync(join(tmpdir(), 'realdid-credit-pii-plant-'));
  for (const f of sqliteFiles(ledgerPath))
    copyFileSync(f, join(to, `db${f.slice(ledgerPath.length)}`));
  return { path: join(to, 'db'), done: () => rmSync(to, { recursive: true, force: true }) };
}

describe('the scan (positive controls)', () => {
  test('sees the credit data: every credit kind, the handles, records, events and queries', () => {
    const cells = cellHaystacks(ledgerPath);
    const has = (text: string): boolean =>
      cells.some((c) => c.bytes.includes(Buffer.from(text, 'utf8')));
    for (const hd of handles) {
      assert.ok(has(hd.key), `handle key ${hd.key} is on the ledger`);
      assert.ok(has(hd.tag), `handle tag ${hd.tag} is on the ledger`);
    }
    for (const prefix of ['credit/record/', 'credit/event/', 'credit/query/', 'credit/consent/'])
      assert.ok(has(prefix), prefix);
    const db = new Database(ledgerPath, { readonly: true });
    try {
      const kinds = db
        .prepare<[], { bytes: Buffer }>('SELECT bytes FROM txs')
        .all()
        .map((r) => decodeTx(new Uint8Array(r.bytes)).payload.kind);
      for (const k of CREDIT_KINDS) assert.ok(kinds.includes(k), `a ${k} tx is on the ledger`);
    } finally {
      db.close();
    }
    assert.ok(NEEDLES.length > 400, `${NEEDLES.length} needles`);
  });

  test('the workload did what it says: every record life and every query outcome', () => {
    const db = new Database(ledgerPath, { readonly: true });
    try {
      const values = (prefix: string) =>
        db
          .prepare<[string], { value: string }>('SELECT value FROM state WHERE key LIKE ?')
          .all(`${prefix}%`)
          .map((r) => JSON.parse(r.value) as Record<string, unknown>);
      const records = values('credit/record/') as unknown as CreditRecord[];
      const lives = new Set(
        records.map((r) =>
          [r.status, r.expired && 'expired', r.suppressed && 'suppressed', r.dispute?.status]
            .filter(Boolean)
            .join(' '),
        ),
      );
      for (const life of [
        'active upheld',
        'active amended',
        'active expired suppressed lapsed',
        'withdrawn',
        'restored',
      ])
        assert.ok(lives.has(life), `a record is ${life}; lives: ${[...lives].join(', ')}`);
      const outcomes = new Set(values('credit/query/').map((q) => String(q.reason ?? q.outcome)));
      assert.deepEqual(
        [...outcomes].sort(),
        [
          'ERR_CREDIT_CONSENT_MISSING',
          'ERR_CREDIT_CONSENT_REUSED',
          'ERR_CREDIT_CONSENT_WRONG_PURPOSE',
          'ERR_CREDIT_CONSENT_WRONG_QUERIER',
          'allowed',
        ].sort(),
      );
    } finally {
      db.close();
    }
  });

  test('finds values planted in a copy: JSON-escaped, inside longer bytes, as a key', () => {
    const copy = copyLedger();
    try {
      const db = new Database(copy.path);
      const p = PEOPLE[1]!;
      const id = pseudonymIdOf(p.pseudonym);
      const escaped = [...id].map((ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
      const insert = db.prepare('INSERT INTO state (key, value) VALUES (?, ?)');
      insert.run('credit/leak/escaped', `{"p":"${escaped.join('')}"}`);
      const inside = Buffer.concat([Buffer.from([7]), subjectKeyOf(p.pseudonym), Buffer.from([9])]);
      insert.run('credit/leak/k', JSON.stringify({ k: inside.toString('base64url') }));
      insert.run(
        `credit/leak/${encodeMultikey(PEOPLE[2]!.consentKey.publicKey)}`,
        JSON.stringify('x'.repeat(5000)),
      );
      db.close();
      const found = findNeedles(NEEDLES, sqliteHaystacks(copy.path));
      for (const want of [
        /^person1\.pseudonymId\/utf8 in table state \(JSON\)$/,
        /^person1\.subjectKey\/raw-base64(?:url)?@1 in table state$/,
        /^person2\.consentKey\/multikey\/utf8 in table state$/,
      ])
        assert.ok(
          found.some((f) => want.test(f)),
          `${String(want)}; found: ${found.join(', ')}`,
        );
    } finally {
      copy.done();
    }
  });
});

describe('no personal credit data on the ledger', () => {
  test('no label, pseudonym, subject key, pseudonymId, seed or key in any encoding (files, cells)', () => {
    assert.ok(sqliteFiles(ledgerPath).length >= 1);
    assert.deepEqual(findNeedles(NEEDLES, sqliteHaystacks(ledgerPath)), []);
  });

  test('none either in the files and cells read while the node ran (WAL in use)', () => {
    assert.ok(whileOpen.some((h) => h.where === 'file ledger.sqlite-wal'));
    assert.deepEqual(findNeedles(NEEDLES, whileOpen), []);
  });

  test('the state holds only one-time handles of people: no handle key or tag twice', () => {
    const db = new Database(ledgerPath, { readonly: true });
    try {
      const rows = db
        .prepare<[], { key: string; value: string }>(
          "SELECT key, value FROM state WHERE key LIKE 'credit/handle/%'",
        )
        .all();
      const keys = rows.map((r) => r.key.slice('credit/handle/'.length));
      assert.equal(new Set(keys).size, keys.length);
      const tags = handles.map((hd) => hd.tag);
      assert.equal(new Set(tags).size, tags.length, 'every handle has its own tag');
      const records = db
        .prepare<[], { value: string }>("SELECT value FROM state WHERE key LIKE 'credit/record/%'")
        .all()
        .map((r) => JSON.parse(r.value) as { subject: { type: string; handle?: JsonValue } });
      const people = records.filter((r) => r.subject.type === 'person');
      assert.equal(people.length, PEOPLE.length * 6);
      assert.equal(
        new Set(people.map((r) => JSON.stringify(r.subject.handle))).size,
        people.length,
      );
    } finally {
      db.close();
    }
  });
});
