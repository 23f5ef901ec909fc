/**
 * Scores in reports are reproducible: for random record sets (organizations and people, every
 * category, random severities and dates, random lives: withdrawn, restored, amended, disputed and
 * answered, disputed and lapsed, still disputed) under a random scoring model adopted by
 * governance, after a random advance of block time, a querier's report (`buildReport`) is checked
 * against what the test expects from its own plan (which records are shown, which count), and its
 * score against an independent re-implementation of the formula in the TSDoc of
 * src/credit/score.ts (BigInt, decay by exact comparison, never `scoreOf`). Its reasons name only
 * shown records of lowering categories; withdrawn, suppressed, restored and expired records never
 * count. The same log, replayed from genesis by `verifyChain` and reopened from the store file by a
 * second node, reaches the same state root and the same reports.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import type { CreditHandle } from '../../src/credentials/index.ts';
import { sha256, toHex, utf8 } from '../../src/crypto/index.ts';
import {
  buildReport,
  CREDIT_KEYS,
  DEMO_MODEL,
  demoCategories,
  scoreRecords,
  type Category,
  type CreditRecord,
  type CreditReport,
  type Score,
  type ScoringModel,
} from '../../src/credit/index.ts';
import { ModuleRegistry, verifyChain, type StateReader } from '../../src/ledger/index.ts';
import { defaultModules, openLedgerNode } from '../../src/node/index.ts';
import { T0 } from '../helpers/ledger.ts';
import type { Actor } from '../identity/_lawful.ts';
import {
  CREDIT_CAST as C,
  DAY,
  issueBody,
  openCreditHarness,
  ORG_A,
  ORG_B,
  ORG_C,
  org,
  person,
  personSubject,
  type CreditHarness,
  type TestPerson,
} from './_harness.ts';

const CATEGORIES: readonly Category[] = demoCategories({
  tax: C.tax.did,
  regulator: C.regulator.did,
  court: C.court.did,
  bank: C.bank.did,
}).categories;
const CATEGORY = new Map(CATEGORIES.map((c) => [c.id, c]));
const ISSUER: Readonly<Record<string, Actor>> = {
  'tax-arrears': C.tax,
  'administrative-penalty': C.regulator,
  'judgment-default': C.court,
  'loan-default': C.bank,
  'a-grade-taxpayer': C.tax,
  'on-time-repayment': C.bank,
};
const ORGS = [ORG_A, ORG_B, ORG_C] as const;
const PEOPLE: readonly TestPerson[] = [person('score alice'), person('score bob')];
/** Subjects 0..2 are the organizations, 3..4 the people. */
const SUBJECTS = ORGS.length + PEOPLE.length;
const statement = toHex(sha256(utf8('disputed: see the attached receipt')));

// --- an independent scorer, from the TSDoc of src/credit/score.ts -------------------------------

const utcMidnight = (date: string): number =>
  Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10)));
const plusDays = (date: string, days: number): string =>
  new Date(utcMidnight(date) + days * DAY).toISOString().slice(0, 10);

/** Whether 10^6 × 2^(−d/h) ≥ k − 1/2, decided exactly: (2k − 1)^h × 2^d ≤ (2 × 10^6)^h. */
function atLeastHalfBelow(k: bigint, d: number, h: number): boolean {
  if (k <= 0n) return true;
  return (2n * k - 1n) ** BigInt(h) * 2n ** BigInt(d) <= 2_000_000n ** BigInt(h);
}

/** round(10^6 × 2^(−d/h)), halves up: the largest k with 10^6 × 2^(−d/h) ≥ k − 1/2. */
function decay(d: number, h: number): bigint {
  let k = BigInt(Math.round(1e6 * 2 ** (-d / h))); // a guess, corrected exactly below
  while (atLeastHalfBelow(k + 1n, d, h)) k += 1n;
  while (!atLeastHalfBelow(k, d, h)) k -= 1n;
  return k;
}

/** round(n / 10^9) for n ≥ 0, halves up. */
function roundBillionths(n: bigint): bigint {
  const q = n / 1_000_000_000n;
  return 2n * (n % 1_000_000_000n) >= 1_000_000_000n ? q + 1n : q;
}

const inForce = (r: CreditRecord): boolean => r.status === 'active' && !r.expired && !r.suppressed;
const byUnits = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** The score of a report's records under `model` at `at`, recomputed from scratch. */
function recompute(model: ScoringModel, records: readonly CreditRecord[], at: number): Score {
  const sums = new Map<string, { sum: bigint; ids: string[] }>();
  for (const r of records) {
    if (!inForce(r) || !Object.hasOwn(model.weights, r.category)) continue;
    const w = BigInt(model.weights[r.category]!);
    const m = BigInt(model.severityMultipliers[r.severity - 1]!);
    const ms = at - utcMidnight(r.effective);
    const days = ms > 0 ? Math.floor(ms / DAY) : 0;
    const magnitude = roundBillionths(w * m * decay(days, model.halfLifeDays));
    const g = sums.get(r.category) ?? { sum: 0n, ids: [] };
    g.sum += r.polarity === 'negative' ? -magnitude : magnitude;
    g.ids.push(r.id);
    sums.set(r.category, g);
  }
  const factors = [...sums.keys()].sort(byUnits).map((category) => {
    const { sum, ids } = sums.get(category)!;
    let points = sum;
    if (Object.hasOwn(model.caps, category)) {
      const cap = BigInt(model.caps[category]!);
      const abs = sum < 0n ? -sum : sum;
      if (abs > cap) points = sum < 0n ? -cap : cap;
    }
    return { category, points: Number(points), records: [...ids].sort(byUnits) };
  });
  let score = model.base + factors.reduce((s, f) => s + f.points, 0);
  score = Math.min(Math.max(score, model.min), model.max);
  const reasons = factors
    .filter((f) => f.points < 0)
    .sort((a, b) => a.points - b.points || byUnits(a.category, b.category))
    .slice(0, 4)
    .map((f) => ({ code: `NEG-${f.category}`, ...f }));
  return {
    model: model.version,
    at,
    score,
    grade: model.bands.find((b) => b.min <= score)!.grade,
    reasons,
    records: factors.flatMap((f) => f.records).sort(byUnits),
    factors,
  };
}

test('the independent scorer agrees with the worked values of the TSDoc', () => {
  assert.equal(decay(0, 365), 1_000_000n);
  assert.equal(decay(365, 365), 500_000n);
  assert.equal(decay(730, 365), 250_000n);
  assert.equal(decay(7 * 365, 365), 7813n, '7812.5 rounds up');
  assert.equal(decay(21 * 365, 365), 0n);
  assert.equal(roundBillionths(1_500_000_000n), 2n);
  assert.equal(roundBillionths(1_499_999_999n), 1n);
});

// --- random plans --------------------------------------------------------------------------------

const ACTIONS = [
  'none',
  'withdraw',
  'restore',
  'amend',
  'dispute-uphold',
  'dispute-amend',
  'dispute-lapse',
  'dispute-open',
] as const;
type Action = (typeof ACTIONS)[number];

interface PlannedRecord {
  readonly subject: number;
  readonly category: string;
  readonly severity: number;
  readonly effective: string;
  readonly occurred: string;
  readonly expires?: string;
  readonly action: Action;
  /** Severity after an amendment (amend, dispute-amend). */
  readonly amended: number;
}

const TODAY = new Date(T0).toISOString().slice(0, 10);
/** Records issued now must not expire before the final advance (phases 2 to 4 take < 25 days). */
const EARLIEST_EXPIRY_DAYS = 60;

const plannedRecord = fc
  .record({
    subject: fc.integer({ min: 0, max: SUBJECTS - 1 }),
    pick: fc.nat(),
    severity: fc.integer({ min: 1, max: 10 }),
    amended: fc.integer({ min: 1, max: 10 }),
    effective: fc.nat(),
    occurredBack: fc.integer({ min: 0, max: 400 }),
    expires: fc.option(fc.nat(), { nil: undefined }),
    action: fc.constantFrom(...ACTIONS),
  })
  .map((g): PlannedRecord => {
    const kind = g.subject < ORGS.length ? 'org' : 'person';
    const allowed = CATEGORIES.filter((c) => c.subjects.includes(kind));
    const c = allowed[g.pick % allowed.length]!;
    // effective in [today − retention + 36 days, today]: its default expiry is ahead, and a record
    // never takes effect after the day it is issued
    const lo = 36 - c.retentionDays;
    const effective = plusDays(TODAY, lo + (g.effective % (0 - lo + 1)));
    const first = Math.max(
      utcMidnight(effective) + DAY,
      utcMidnight(TODAY) + EARLIEST_EXPIRY_DAYS * DAY,
    );
    const last = utcMidnight(plusDays(effective, c.retentionDays));
    const span = (last - first) / DAY + 1;
    const expires =
      g.expires === undefined || span <= 0
        ? undefined
        : new Date(first + (g.expires % span) * DAY).toISOString().slice(0, 10);
    return {
      subject: g.subject,
      category: c.id,
      severity: ((g.severity - 1) % c.severities) + 1,
      amended: ((g.amended - 1) % c.severities) + 1,
      effective,
      occurred: plusDays(effective, -g.occurredBack),
      ...(expires === undefined ? {} : { expires }),
      // only a negative record can be restored
      action: g.action === 'restore' && c.polarity !== 'negative' ? 'withdraw' : g.action,
    };
  });

const IDS = CATEGORIES.map((c) => c.id);

/** A random model the module accepts: some categories weighed, some capped, bands down to `min`. */
const randomModel: fc.Arbitrary<ScoringModel> = fc
  .record({
    min: fc.integer({ min: -200, max: 500 }),
    range: fc.integer({ min: 1, max: 1200 }),
    base: fc.nat(),
    weighed: fc.subarray(IDS, { minLength: 1 }),
    weights: fc.array(fc.integer({ min: 1, max: 400 }), {
      minLength: IDS.length,
      maxLength: IDS.length,
    }),
    capped: fc.subarray(IDS),
    caps: fc.array(fc.integer({ min: 0, max: 600 }), {
      minLength: IDS.length,
      maxLength: IDS.length,
    }),
    severityMultipliers: fc.array(fc.integer({ min: 0, max: 8000 }), {
      minLength: 5,
      maxLength: 10,
    }),
    halfLifeDays: fc.oneof(fc.integer({ min: 1, max: 3650 }), fc.constantFrom(1, 2, 365, 3650)),
    bands: fc.uniqueArray(fc.nat(), { maxLength: 5 }),
  })
  .map((g): ScoringModel => {
    const max = g.min + g.range;
    const mins = [...new Set(g.bands.map((b) => g.min + 1 + (b % g.range)))].sort((a, b) => b - a);
    return {
      version: 'prop-1',
      base: g.min + (g.base % (g.range + 1)),
      min: g.min,
      max,
      weights: Object.fromEntries(g.weighed.map((c) => [c, g.weights[IDS.indexOf(c)]!])),
      severityMultipliers: g.severityMultipliers,
      halfLifeDays: g.halfLifeDays,
      caps: Object.fromEntries(
        g.capped.filter((c) => g.weighed.includes(c)).map((c) => [c, g.caps[IDS.indexOf(c)]!]),
      ),
      bands: [...mins.map((min, i) => ({ grade: `G${i}`, min })), { grade: 'Z', min: g.min }],
    };
  });

interface Plan {
  readonly model: ScoringModel;
  readonly records: readonly PlannedRecord[];
  /** Milliseconds before each action of phase 2. */
  readonly steps: readonly number[];
  /** The last advance: clear of the 20-day dispute deadline on either side. */
  readonly finalAdvance: number;
}

const plan: fc.Arbitrary<Plan> = fc.record({
  model: fc.oneof(fc.constant(DEMO_MODEL), randomModel),
  records: fc.array(plannedRecord, { maxLength: 14 }),
  steps: fc.array(fc.integer({ min: 0, max: 3 * 60 * 60 * 1000 }), {
    minLength: 14,
    maxLength: 14,
  }),
  finalAdvance: fc.oneof(
    fc.integer({ min: 0, max: 18 * DAY }),
    fc.integer({ min: 22 * DAY, max: 1900 * DAY }),
  ),
});

// --- running a plan ------------------------------------------------------------------------------

interface Issued {
  readonly plan: PlannedRecord;
  readonly id: string;
  readonly handle?: CreditHandle;
}

function subjectOf(h: CreditHarness, r: PlannedRecord): { subject: object; handle?: CreditHandle } {
  if (r.subject < ORGS.length) return { subject: org(ORGS[r.subject]!) };
  const handle = h.recordHandle(PEOPLE[r.subject - ORGS.length]!);
  return { subject: personSubject(handle), handle };
}

const disputer = (h: CreditHarness, x: Issued) =>
  x.handle === undefined ? C.orgA : h.handleSigner(PEOPLE[x.plan.subject - ORGS.length]!, x.handle);

async function act(h: CreditHarness, x: Issued): Promise<void> {
  const issuer = ISSUER[x.plan.category]!;
  const record = x.id;
  switch (x.plan.action) {
    case 'none':
    case 'dispute-open':
      return;
    case 'withdraw':
      await h.ok(issuer, 'credit.withdraw', { record, reason: 'issued in error' });
      return;
    case 'restore':
      await h.ok(issuer, 'credit.restore', {
        record,
        fulfilled: x.plan.occurred > TODAY ? x.plan.occurred : TODAY,
        evidence: toHex(sha256(utf8(`receipt ${record}`))),
        note: 'fulfilled',
      });
      return;
    case 'amend':
      await h.ok(issuer, 'credit.amend', {
        record,
        changes: { severity: x.plan.amended },
        note: 'recomputed',
      });
      return;
    case 'dispute-uphold':
    case 'dispute-amend':
    case 'dispute-lapse':
      await h.ok(disputer(h, x), 'credit.dispute', { record, statement });
      if (x.plan.action === 'dispute-uphold')
        await h.ok(issuer, 'credit.respond', { record, decision: 'uphold', note: 'checked' });
      if (x.plan.action === 'dispute-amend')
        await h.ok(issuer, 'credit.respond', {
          record,
          decision: 'amend',
          note: 'partly right',
          changes: { severity: x.plan.amended },
        });
  }
}

/** Issues every record, lives their lives, advances time; answers what was issued. */
async function run(h: CreditHarness, p: Plan): Promise<Issued[]> {
  const adopted = await h.govern({
    type: 'adopt',
    topic: 'credit/model',
    document: p.model,
  });
  assert.ok(adopted.ok, adopted.ok ? '' : adopted.error.message);
  for (const uscc of ORGS) await h.ok(C.ia, 'credit.bind-org', { uscc, did: C.orgA.did });
  // phase 1: issue
  const issued: Issued[] = [];
  for (const r of p.records) {
    const { subject, handle } = subjectOf(h, r);
    const body = issueBody(subject, r.category, {
      severity: r.severity,
      occurred: r.occurred,
      effective: r.effective,
      ...(r.expires === undefined ? {} : { expires: r.expires }),
    });
    const id = await h.ok(ISSUER[r.category]!, 'credit.issue', body);
    issued.push({ plan: r, id, ...(handle === undefined ? {} : { handle }) });
  }
  // phase 2: withdraw, restore, amend, answered disputes, disputes left to lapse
  for (const [i, x] of issued.entries()) {
    h.clock.advance(p.steps[i]!);
    await act(h, x);
  }
  // phase 3: the unanswered disputes lapse
  h.clock.advance(21 * DAY);
  h.tick();
  // phase 4: disputes still open at the end (unless the final advance passes their deadline)
  for (const x of issued)
    if (x.plan.action === 'dispute-open')
      await h.ok(disputer(h, x), 'credit.dispute', { record: x.id, statement });
  h.clock.advance(p.finalAdvance);
  h.tick();
  return issued;
}

/** What the plan says of a record at block time `at`: shown to a querier, counted in the score. */
function expectation(x: Issued, p: Plan, at: number): { shown: boolean; counts: boolean } {
  const c = CATEGORY.get(x.plan.category)!;
  const expires = x.plan.expires ?? plusDays(x.plan.effective, c.retentionDays);
  const expired = utcMidnight(expires) <= at;
  const a = x.plan.action;
  const suppressed = a === 'dispute-lapse' || (a === 'dispute-open' && p.finalAdvance >= 20 * DAY);
  const closed = a === 'withdraw' || a === 'restore';
  const counts = !expired && !closed && !suppressed;
  return { shown: counts || (!expired && a === 'restore'), counts };
}

/** The querier's report about each subject, from the records its events name. */
function reports(state: StateReader, head: { height: number; time: number }, issued: Issued[]) {
  return Array.from({ length: SUBJECTS }, (_, s) => {
    const ids = issued.filter((x) => x.plan.subject === s).map((x) => x.id);
    return buildReport(state, head, 'querier', ids);
  });
}

function checkReport(report: CreditReport, mine: Issued[], p: Plan, state: StateReader): void {
  const at = report.at;
  const shown = report.records.map((r) => r.id).sort();
  const want = mine.filter((x) => expectation(x, p, at).shown).map((x) => x.id);
  assert.deepEqual(shown, want.sort(), 'the records shown to the querier');
  const score = report.score!;
  assert.deepEqual(score, recompute(p.model, report.records, at), 'the recomputed score');
  assert.deepEqual(scoreRecords(state, report.records, at), score, "the report's own records");
  const counting = new Set(
    mine
      .filter(
        (x) => expectation(x, p, at).counts && Object.hasOwn(p.model.weights, x.plan.category),
      )
      .map((x) => x.id),
  );
  assert.deepEqual([...score.records].sort(), [...counting].sort(), 'the records that count');
  const byId = new Map(report.records.map((r) => [r.id, r]));
  for (const reason of score.reasons) {
    assert.ok(reason.points < 0, `${reason.code} lowers the score`);
    assert.equal(reason.code, `NEG-${reason.category}`);
    assert.equal(CATEGORY.get(reason.category)?.polarity, 'negative', reason.code);
    assert.ok(reason.records.length > 0);
    for (const id of reason.records) {
      const r = byId.get(id);
      assert.ok(r !== undefined, `${reason.code} names ${id}, which the report does not show`);
      assert.equal(r.category, reason.category);
      assert.ok(counting.has(id), `${reason.code} names ${id}, which does not count`);
    }
  }
  for (const x of mine)
    if (!expectation(x, p, at).counts)
      for (const f of score.factors)
        assert.ok(!f.records.includes(x.id), `${x.plan.action} record ${x.id} counts`);
}

test('reports: shown records, recomputed scores, reasons; the log replays to the same state', async () => {
  await fc.assert(
    fc.asyncProperty(plan, async (p) => {
      const dir = mkdtempSync(join(tmpdir(), 'realdid-credit-score-'));
      const path = join(dir, 'ledger.sqlite');
      const h = openCreditHarness({ path });
      let open = true;
      try {
        const issued = await run(h, p);
        const { head } = h.node.chain;
        const at = { height: head.height, time: head.header.time };
        const state = h.node.chain.state;
        const built = reports(state, at, issued);
        built.forEach((report, s) => {
          const mine = issued.filter((x) => x.plan.subject === s);
          checkReport(report, mine, p, state);
        });
        // an organization's records are indexed by its code
        for (const [s, uscc] of ORGS.entries()) {
          const listed = h
            .view()
            .list(CREDIT_KEYS.orgRecordPrefix(uscc), 1000)
            .map((e) => e.key.slice(CREDIT_KEYS.orgRecordPrefix(uscc).length));
          const mine = issued.filter((x) => x.plan.subject === s).map((x) => x.id);
          assert.deepEqual(listed.sort(), mine.sort());
        }
        const replay = await verifyChain(h.node.chain.store, new ModuleRegistry(defaultModules()));
        assert.ok(replay.ok, replay.ok ? '' : `${replay.code} ${replay.message}`);
        assert.equal(replay.stateRoot, head.header.stateRoot);
        assert.equal(replay.blockHash, head.hash);
        await h.close();
        open = false;
        const again = openLedgerNode({ path, signatureThreads: 0 });
        try {
          assert.equal(again.chain.head.hash, head.hash);
          assert.equal(again.chain.head.header.stateRoot, head.header.stateRoot);
          assert.deepEqual(reports(again.chain.state, at, issued), built);
        } finally {
          await again.close();
        }
      } finally {
        if (open) await h.close();
        rmSync(dir, { recursive: true, force: true });
      }
    }),
    { numRuns: 25 },
  );
});
