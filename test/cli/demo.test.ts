/**
 * `realdid demo`: the whole story (the login story, then the credit story) runs as a real CLI
 * process against a fresh embedded node, prints each step, and exits 0 only if every step
 * behaved. The credit steps name what they saw: the list entry, her records found with proofs,
 * the consented and the denied query, the answered and the lapsed dispute, the expired record and
 * its destroyed body. Afterwards the ledger it left (kept with --keep) holds no personal value of
 * the demo's person in any encoding (test/helpers/pii-scan.ts), while the authority's vault did
 * check her (a positive control: the same needles are found in the person details the demo used).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { demoPerson } from '../../src/cli/demo/story.ts';
import { findNeedles, personNeedles, sqliteHaystacks } from '../helpers/pii-scan.ts';

const root = mkdtempSync(join(tmpdir(), 'realdid-demo-test-'));
after(() => rmSync(root, { recursive: true, force: true }));

test('realdid demo runs the whole story, exits 0, and leaves a ledger with no personal data', () => {
  const dir = join(root, 'demo');
  const r = spawnSync(
    process.execPath,
    ['--import', 'tsx', 'src/cli/main.ts', 'demo', '--keep', dir, '--json'],
    { encoding: 'utf8', timeout: 240_000, env: { ...process.env, REALDID_HOME: root } },
  );
  assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
  const out = JSON.parse(r.stdout) as {
    ok: boolean;
    steps: { step: string; ok: boolean; detail: string }[];
    total: number;
    activity: { kind: string; evidence?: { key: string } }[];
    credit: { kind: string; ref: string; text: string }[];
  };
  assert.equal(out.ok, true);
  assert.equal(out.total, 18);
  assert.equal(out.steps.length, 18);
  assert.ok(out.steps.every((s) => s.ok));
  // the steps that must fail did, with their codes
  assert.match(out.steps[5]!.detail, /ERR_VC_REVOKED/);
  assert.match(out.steps[5]!.detail, /ERR_IDENTITY_BINDING_ENDED/);
  assert.match(out.steps[7]!.detail, /ERR_IDENTITY_LAWFUL_NOT_APPROVED/);
  // her activity holds the lawful request, with its proof
  const lawful = out.activity.find((a) => a.kind === 'lawful-request');
  assert.ok(lawful?.evidence?.key.startsWith('idn/lawful/'));

  // the credit story, step by step
  const credit = out.steps.slice(10).map((s) => s.detail);
  assert.match(credit[0]!, /on seriously-untrustworthy since .*, named records \w+…, \w+…/);
  assert.match(
    credit[1]!,
    /found 2 records about her.*loan-default @ height \d+, judgment-default/,
  );
  assert.match(
    credit[2]!,
    /allowed; the report: loan-default .*, judgment-default .*, score \d+ \(grade \w, NEG-/,
  );
  assert.match(credit[2]!, /recomputed locally with model demo-1: (\d+), the same/);
  assert.match(credit[2]!, /ERR_CREDIT_REPORT_SERVED/);
  assert.match(credit[3]!, /logged denied \(ERR_CREDIT_CONSENT_MISSING\)/);
  assert.match(credit[3]!, /no report: ERR_CREDIT_QUERY_DENIED/);
  assert.match(credit[4]!, /the bank upheld it \d+ ms after filing/);
  assert.match(credit[5]!, /lapsed the dispute: the record is suppressed/);
  assert.match(credit[5]!, /ERR_CREDIT_DEADLINE_PASSED/);
  const [, before, after] = /her score (\d+) .*→ (\d+) /.exec(credit[5]!) ?? [];
  assert.ok(Number(after) > Number(before), credit[5]);
  assert.match(credit[6]!, /T00:00:\d\d\.\d+Z \(height \d+, no transaction\) expires/);
  assert.match(credit[6]!, /leaves the list .*hold only \w+…; .*its body: ERR_CREDIT_BODY_GONE/);
  assert.match(credit[7]!, /1 organization\(s\): 91350100M000100Y43 since/);
  // her wallet kept her credit events: two records, two queries, two disputes
  assert.deepEqual(
    out.credit.map((e) => e.kind),
    ['record', 'record', 'query', 'query', 'dispute', 'dispute'],
  );
  assert.match(out.credit[3]!.text, /denied \(ERR_CREDIT_CONSENT_MISSING\).*without your consent/);

  const needles = personNeedles([demoPerson()]);
  assert.deepEqual(findNeedles(needles, sqliteHaystacks(join(dir, 'ledger.sqlite'))), []);
  // positive control: the scan finds her in a haystack that holds her details
  const planted = Buffer.from(JSON.stringify(demoPerson()));
  assert.ok(findNeedles(needles, [{ where: 'planted', bytes: planted }]).length > 0);
});
