/**
 * `realdid demo`: the whole story of the login issue runs as a real CLI process against a fresh
 * embedded node, prints each step, and exits 0 only if every step behaved. Afterwards the ledger
 * it left (kept with --keep) holds no personal value of the demo's person in any encoding
 * (test/helpers/pii-scan.ts), while the authority's vault did check her (a positive control: the
 * same needles are found in the person details the demo used).
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
    activity: { kind: string; evidence?: { key: string } }[];
  };
  assert.equal(out.ok, true);
  assert.equal(out.steps.length, 10);
  assert.ok(out.steps.every((s) => s.ok));
  // the steps that must fail did, with their codes
  assert.match(out.steps[5]!.detail, /ERR_VC_REVOKED/);
  assert.match(out.steps[5]!.detail, /ERR_IDENTITY_BINDING_ENDED/);
  assert.match(out.steps[7]!.detail, /ERR_IDENTITY_LAWFUL_NOT_APPROVED/);
  // her activity holds the lawful request, with its proof
  const lawful = out.activity.find((a) => a.kind === 'lawful-request');
  assert.ok(lawful?.evidence?.key.startsWith('idn/lawful/'));

  const needles = personNeedles([demoPerson()]);
  assert.deepEqual(findNeedles(needles, sqliteHaystacks(join(dir, 'ledger.sqlite'))), []);
  // positive control: the scan finds her in a haystack that holds her details
  const planted = Buffer.from(JSON.stringify(demoPerson()));
  assert.ok(findNeedles(needles, [{ where: 'planted', bytes: planted }]).length > 0);
});
