/**
 * The scoring model and score: hand-computed examples (cap, one half-life, clamping, grade
 * boundaries, rounding), model checks, and an independent BigInt re-implementation (exact
 * bisection for the decay, its own grouping and rounding) compared with `scoreOf` over random
 * models, record sets and times; plus determinism and order independence.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import {
  checkModel,
  DECAY_SCALE,
  decayPerMillion,
  MAX_HALF_LIFE_DAYS,
  scoreOf,
  ScoringModel,
  type Score,
  type ScoredRecord,
} from '../../src/credit/score.ts';
import { isAppError, type ErrorCode } from '../../src/errors.ts';
import { createAjv } from '../../src/ledger/index.ts';

const CATEGORIES = ['tax-arrears', 'court-judgment', 'late-payment', 'award', 'fraud'];
const AT = Date.UTC(2025, 0, 1);
const DAY = 86_400_000;

const MODEL: ScoringModel = {
  version: 'test-1',
  base: 600,
  min: 300,
  max: 900,
  weights: { 'tax-arrears': 100, 'court-judgment': 80, 'late-payment': 10, award: 20 },
  severityMultipliers: [1000, 1500, 2000],
  halfLifeDays: 365,
  caps: { 'late-payment': 25, award: 30 },
  bands: [
    { grade: 'A', min: 800 },
    { grade: 'B', min: 700 },
    { grade: 'C', min: 600 },
    { grade: 'D', min: 500 },
    { grade: 'M', min: 300 },
  ],
};

const withCode =
  (code: ErrorCode, includes = '') =>
  (err: unknown): boolean =>
    isAppError(err, code) && err.message.includes(includes);

function rec(
  id: string,
  category: string,
  effective: string,
  severity = 1,
  polarity: ScoredRecord['polarity'] = category === 'award' ? 'positive' : 'negative',
): ScoredRecord {
  return { id, category, polarity, severity, effective };
}

describe('decayPerMillion', () => {
  test('whole half-lives halve exactly; 7 half-lives is 7812.5, rounded up', () => {
    for (const h of [1, 2, 30, 365, 1000, MAX_HALF_LIFE_DAYS]) {
      assert.equal(decayPerMillion(0, h), DECAY_SCALE);
      assert.equal(decayPerMillion(h, h), 500_000);
      assert.equal(decayPerMillion(2 * h, h), 250_000);
      assert.equal(decayPerMillion(6 * h, h), 15_625);
      assert.equal(decayPerMillion(7 * h, h), 7813);
      assert.equal(decayPerMillion(20 * h, h), 1); // 0.95… rounds to 1
      assert.equal(decayPerMillion(21 * h, h), 0);
    }
  });

  test('hand-checked values (10^6 × 2^(−d/h) to 7 digits)', () => {
    assert.equal(decayPerMillion(1, 365), 998_103); // 998102.94
    assert.equal(decayPerMillion(100, 365), 827_039); // 827039.39
    assert.equal(decayPerMillion(1, 2), 707_107); // 10^6/√2 = 707106.78
    assert.equal(decayPerMillion(1, 3), 793_701); // 793700.53
    assert.equal(decayPerMillion(3, 2), 353_553); // 353553.39
  });

  test('equals the exactly rounded value (bisection on (2·10^6)^h ≥ (2k−1)^h·2^d)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 120 }), fc.nat({ max: 3000 }), (h, d) => {
        assert.equal(decayPerMillion(d, h), exactDecay(d, h));
      }),
      { numRuns: 300 },
    );
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: MAX_HALF_LIFE_DAYS }),
        fc.nat({ max: 80_000 }),
        (h, d) => {
          assert.equal(decayPerMillion(d, h), exactDecayByFloatGuess(d, h));
        },
      ),
      { numRuns: 200 },
    );
  });

  test('non-increasing in the age, and a float recomputation agrees for h ≤ 60', () => {
    for (let h = 1; h <= 60; h++) {
      let prev = DECAY_SCALE;
      for (let d = 0; d <= 21 * h; d++) {
        const v = decayPerMillion(d, h);
        assert.ok(v <= prev, `${d}/${h}`);
        assert.equal(v, Math.round(DECAY_SCALE * 2 ** (-d / h)), `${d}/${h}`);
        prev = v;
      }
    }
  });

  test('refuses bad arguments with a RangeError', () => {
    for (const [d, h] of [
      [-1, 365],
      [1.5, 365],
      [1, 0],
      [1, MAX_HALF_LIFE_DAYS + 1],
      [1, 2.5],
      [Number.NaN, 1],
    ] as const) {
      assert.throws(() => decayPerMillion(d, h), RangeError, `${d}/${h}`);
    }
  });
});

describe('scoreOf: hand-computed', () => {
  test('decay at one half-life, a cap, a future record, an ignored category, clamping at min', () => {
    const records = [
      rec('r1', 'tax-arrears', '2025-01-01'), // age 0: 100 × 1 → −100
      rec('r2', 'tax-arrears', '2024-01-02', 2), // 365 days: 100 × 1.5 × 0.5 = 75 → −75
      rec('r3', 'court-judgment', '2026-06-01', 3), // future: age 0: 80 × 2 → −160
      rec('r4', 'late-payment', '2024-12-31'), // 1 day: 10 × 0.998103 = 9.98 → −10
      rec('r5', 'late-payment', '2025-01-01'),
      rec('r6', 'late-payment', '2025-01-01'), // −30, capped at −25
      rec('r7', 'award', '2025-01-01'), // +20
      rec('r8', 'fraud', '2025-01-01'), // no weight: not used
    ];
    const got = scoreOf(MODEL, records, AT);
    const want: Score = {
      model: 'test-1',
      at: AT,
      score: 300, // 600 − 100 − 75 − 160 − 25 + 20 = 260, clamped to min
      grade: 'M',
      reasons: [
        { code: 'NEG-tax-arrears', category: 'tax-arrears', points: -175, records: ['r1', 'r2'] },
        { code: 'NEG-court-judgment', category: 'court-judgment', points: -160, records: ['r3'] },
        {
          code: 'NEG-late-payment',
          category: 'late-payment',
          points: -25,
          records: ['r4', 'r5', 'r6'],
        },
      ],
      records: ['r1', 'r2', 'r3', 'r4', 'r5', 'r6', 'r7'],
      factors: [
        { category: 'award', points: 20, records: ['r7'] },
        { category: 'court-judgment', points: -160, records: ['r3'] },
        { category: 'late-payment', points: -25, records: ['r4', 'r5', 'r6'] },
        { category: 'tax-arrears', points: -175, records: ['r1', 'r2'] },
      ],
    };
    assert.deepEqual(got, want);
  });

  test('no records: the base and its grade', () => {
    const got = scoreOf(MODEL, [], AT);
    assert.deepEqual(got, {
      model: 'test-1',
      at: AT,
      score: 600,
      grade: 'C',
      reasons: [],
      records: [],
      factors: [],
    });
  });

  test('grade boundaries: exactly a band’s min gets that band, one below the next', () => {
    // Five awards (20 each) make 600 + 100 = 700 → B; a fraud record (weight 1) makes 699 → C.
    const model: ScoringModel = {
      ...MODEL,
      weights: { ...MODEL.weights, fraud: 1 },
      caps: { award: 100 },
    };
    const awards = Array.from({ length: 5 }, (_, i) => rec(`a${i}`, 'award', '2025-01-01'));
    assert.equal(scoreOf(model, awards, AT).score, 700);
    assert.equal(scoreOf(model, awards, AT).grade, 'B');
    const minusOne = [...awards, rec('f', 'fraud', '2025-01-01')];
    assert.equal(scoreOf(model, minusOne, AT).score, 699);
    assert.equal(scoreOf(model, minusOne, AT).grade, 'C');
    // 800 exactly → A; the last band's min is the model's min.
    const ten = Array.from({ length: 10 }, (_, i) => rec(`b${i}`, 'award', '2025-01-01'));
    assert.equal(scoreOf({ ...model, caps: {} }, ten, AT).grade, 'A');
  });

  test('clamping at max', () => {
    const model: ScoringModel = { ...MODEL, caps: {} };
    const many = Array.from({ length: 40 }, (_, i) => rec(`a${i}`, 'award', '2025-01-01'));
    const got = scoreOf(model, many, AT);
    assert.equal(got.score, 900); // 600 + 800
    assert.equal(got.grade, 'A');
    assert.equal(got.factors[0]?.points, 800);
  });

  test('rounding: halves away from zero, per record, before summing', () => {
    // weight 3 × 1.5 = 4.5 → 5 (and −5); weight 7 × 1.5 × 0.5 = 5.25 → 5.
    const model: ScoringModel = {
      ...MODEL,
      weights: { award: 3, fraud: 3, 'tax-arrears': 7 },
      caps: {},
    };
    const got = scoreOf(
      model,
      [
        rec('a', 'award', '2025-01-01', 2),
        rec('f', 'fraud', '2025-01-01', 2),
        rec('t', 'tax-arrears', '2024-01-02', 2),
      ],
      AT,
    );
    assert.deepEqual(
      got.factors.map((f) => [f.category, f.points]),
      [
        ['award', 5],
        ['fraud', -5],
        ['tax-arrears', -5],
      ],
    );
    assert.equal(got.score, 595);
  });

  test('age is whole UTC days: the day starts at 00:00 UTC of the effective date', () => {
    const model: ScoringModel = { ...MODEL, halfLifeDays: 1, caps: {} };
    const r = [rec('t', 'tax-arrears', '2025-01-01')];
    const start = Date.UTC(2025, 0, 1);
    assert.equal(scoreOf(model, r, start - 1).score, 500); // before: age 0
    assert.equal(scoreOf(model, r, start + DAY - 1).score, 500); // still day 0
    assert.equal(scoreOf(model, r, start + DAY).score, 550); // one half-life: −50
    assert.equal(scoreOf(model, r, start + 2 * DAY).score, 575);
  });

  test('a cap of 0 silences a category; reasons are at most four, ties by category id', () => {
    const ids = ['c-a', 'c-b', 'c-c', 'c-d', 'c-e', 'c-f'];
    const model: ScoringModel = {
      ...MODEL,
      weights: Object.fromEntries(ids.map((c, i) => [c, i < 3 ? 10 : 20 + i])),
      caps: { 'c-f': 0 },
    };
    checkModel(model, ids);
    const records = ids.map((c) => rec(`r-${c}`, c, '2025-01-01'));
    const got = scoreOf(model, records, AT);
    assert.deepEqual(
      got.reasons.map((r) => [r.code, r.points]),
      [
        ['NEG-c-e', -24],
        ['NEG-c-d', -23],
        ['NEG-c-a', -10],
        ['NEG-c-b', -10],
      ],
    );
    assert.deepEqual(got.factors.find((f) => f.category === 'c-f')?.points, 0);
  });
});

describe('scoreOf: inputs', () => {
  test('duplicate ids, bad severities, dates and times are refused', () => {
    const ok = rec('r1', 'tax-arrears', '2025-01-01');
    assert.throws(() => scoreOf(MODEL, [ok, ok], AT), RangeError);
    assert.throws(() => scoreOf(MODEL, [ok], 1.5), RangeError);
    assert.throws(() => scoreOf(MODEL, [ok], Number.NaN), RangeError);
    for (const severity of [0, 11, 1.5]) {
      assert.throws(
        () => scoreOf(MODEL, [{ ...ok, severity }], AT),
        withCode('ERR_CREDIT_SEVERITY', '"r1"'),
      );
    }
    // Severity 4 is a valid scale but the model has 3 multipliers.
    assert.throws(
      () => scoreOf(MODEL, [{ ...ok, severity: 4 }], AT),
      withCode('ERR_CREDIT_BAD_MODEL', 'severity 4'),
    );
    for (const effective of ['2023-02-29', '2025-1-01', '2025-01-01T00:00Z', '']) {
      assert.throws(
        () => scoreOf(MODEL, [{ ...ok, effective }], AT),
        withCode('ERR_CREDIT_BAD_DATES', '"r1"'),
      );
    }
    assert.throws(
      () => scoreOf(MODEL, [{ ...ok, polarity: 'neutral' as 'negative' }], AT),
      RangeError,
    );
  });

  test('a malformed model is refused by scoreOf too', () => {
    assert.throws(
      () => scoreOf({ ...MODEL, halfLifeDays: 0 }, [], AT),
      withCode('ERR_CREDIT_BAD_MODEL', 'halfLifeDays'),
    );
  });

  test('category ids are own properties only ("constructor" is not weighed)', () => {
    const got = scoreOf(MODEL, [rec('x', 'constructor', '2025-01-01')], AT);
    assert.deepEqual(got.records, []);
  });
});

describe('checkModel', () => {
  test('the example model passes, with and without scales', () => {
    checkModel(MODEL, CATEGORIES);
    checkModel(MODEL, CATEGORIES, { 'tax-arrears': 3, fraud: 10 });
  });

  const cases: [string, unknown, string][] = [
    ['unknown category in weights', { ...MODEL, weights: { ...MODEL.weights, nope: 1 } }, 'nope'],
    ['unknown category in caps', { ...MODEL, caps: { nope: 1 } }, 'nope'],
    ['cap without a weight', { ...MODEL, caps: { fraud: 1 } }, '"fraud", which has no weight'],
    [
      'bands not descending',
      {
        ...MODEL,
        bands: [
          { grade: 'A', min: 700 },
          { grade: 'B', min: 700 },
          { grade: 'M', min: 0 },
        ],
      },
      'strictly descend',
    ],
    [
      'repeated grade',
      {
        ...MODEL,
        bands: [
          { grade: 'A', min: 700 },
          { grade: 'A', min: 0 },
        ],
      },
      'repeats grade "A"',
    ],
    ['last band above min', { ...MODEL, bands: [{ grade: 'A', min: 301 }] }, 'above "min" 300'],
    [
      'band above max',
      {
        ...MODEL,
        bands: [
          { grade: 'S', min: 901 },
          { grade: 'M', min: 0 },
        ],
      },
      'above "max" 900',
    ],
    ['base outside', { ...MODEL, base: 901 }, '"base" 901'],
    ['min above max', { ...MODEL, min: 901, base: 901 }, '"min" 901'],
    ['bad version', { ...MODEL, version: 'V1' }, '/version'],
    ['zero weight', { ...MODEL, weights: { award: 0 } }, '/weights/award'],
    ['bad category id', { ...MODEL, weights: { Award: 1 } }, '/weights/Award'],
    ['negative cap', { ...MODEL, caps: { award: -1 } }, '/caps/award'],
    ['no multipliers', { ...MODEL, severityMultipliers: [] }, '/severityMultipliers'],
    ['eleven multipliers', { ...MODEL, severityMultipliers: Array(11).fill(1000) }, '/severity'],
    ['fractional base', { ...MODEL, base: 600.5 }, '/base'],
    ['no bands', { ...MODEL, bands: [] }, '/bands'],
    ['extra field', { ...MODEL, extra: 1 }, 'extra'],
    ['half-life 0', { ...MODEL, halfLifeDays: 0 }, '/halfLifeDays'],
    ['not an object', 'model', '"/"'],
  ];
  for (const [name, model, includes] of cases) {
    test(`refuses: ${name}`, () => {
      assert.throws(
        () => checkModel(model, CATEGORIES),
        withCode('ERR_CREDIT_BAD_MODEL', includes),
      );
    });
  }

  test('refuses multipliers that do not cover a weighed category’s scale', () => {
    assert.throws(
      () => checkModel(MODEL, CATEGORIES, { 'tax-arrears': 5 }),
      withCode('ERR_CREDIT_BAD_MODEL', '"tax-arrears" has 5 severities'),
    );
  });

  test('the schema compiles in the ledger’s strict ajv and agrees with checkModel’s schema step', () => {
    const validate = createAjv().compile(ScoringModel);
    assert.equal(validate(MODEL), true);
    for (const [, model] of cases.slice(9)) assert.equal(validate(model), false);
  });
});

// --- the independent re-implementation ----------------------------------------------------------

const decayMemo = new Map<string, number>();

/** round(10^6 × 2^(−d/h)) by bisection on exact integer comparisons (slow, obviously right). */
function exactDecay(d: number, h: number): number {
  const key = `${d}/${h}`;
  const memo = decayMemo.get(key);
  if (memo !== undefined) return memo;
  const H = BigInt(h);
  const lhs = 2_000_000n ** H;
  const pow2 = 2n ** BigInt(d);
  // The answer is the largest k in [0, 10^6] with k = 0 or 10^6·2^(−d/h) ≥ k − 1/2.
  let lo = 0n;
  let hi = 1_000_000n;
  while (lo < hi) {
    const mid = (lo + hi + 1n) / 2n;
    if (lhs >= (2n * mid - 1n) ** H * pow2) lo = mid;
    else hi = mid - 1n;
  }
  decayMemo.set(key, Number(lo));
  return Number(lo);
}

/** The same, from a float guess corrected by exact comparisons (fast for large h). */
function exactDecayByFloatGuess(d: number, h: number): number {
  const H = BigInt(h);
  const lhs = 2_000_000n ** H;
  const pow2 = 2n ** BigInt(d);
  const atLeastHalfBelow = (k: bigint): boolean => k === 0n || lhs >= (2n * k - 1n) ** H * pow2;
  let k = BigInt(Math.round(1e6 * 2 ** (-d / h)));
  while (!atLeastHalfBelow(k)) k -= 1n;
  while (atLeastHalfBelow(k + 1n)) k += 1n;
  return Number(k);
}

/** Score by the documented formula, written independently of src/credit/score.ts. */
function referenceScore(model: ScoringModel, records: readonly ScoredRecord[], at: number): Score {
  const perCategory: Record<string, { points: bigint; ids: string[] }> = {};
  for (const r of records) {
    if (!Object.keys(model.weights).includes(r.category)) continue;
    const start = Date.parse(`${r.effective}T00:00:00.000Z`);
    const age = at > start ? Number((BigInt(at) - BigInt(start)) / 86_400_000n) : 0;
    const n =
      BigInt(model.weights[r.category] ?? NaN) *
      BigInt(model.severityMultipliers[r.severity - 1] ?? NaN) *
      BigInt(exactDecay(age, model.halfLifeDays));
    let magnitude = n / 1_000_000_000n;
    if ((n % 1_000_000_000n) * 2n >= 1_000_000_000n) magnitude += 1n;
    const entry = (perCategory[r.category] ??= { points: 0n, ids: [] });
    entry.points += r.polarity === 'negative' ? -magnitude : magnitude;
    entry.ids.push(r.id);
  }
  const factors = Object.keys(perCategory)
    .sort()
    .map((category) => {
      const { points, ids } = perCategory[category] ?? { points: 0n, ids: [] };
      let p = points;
      const cap = model.caps[category];
      if (cap !== undefined) {
        const c = BigInt(cap);
        if (p > c) p = c;
        if (p < -c) p = -c;
      }
      return { category, points: Number(p), records: [...ids].sort() };
    });
  let sum = BigInt(model.base);
  for (const f of factors) sum += BigInt(f.points);
  const score = Number(
    sum < BigInt(model.min) ? model.min : sum > BigInt(model.max) ? model.max : sum,
  );
  const negatives = factors.filter((f) => f.points < 0);
  negatives.sort((a, b) =>
    a.points !== b.points ? a.points - b.points : a.category < b.category ? -1 : 1,
  );
  let grade = '';
  for (const b of [...model.bands].reverse()) if (score >= b.min) grade = b.grade;
  return {
    model: model.version,
    at,
    score,
    grade,
    reasons: negatives.slice(0, 4).map((f) => ({
      code: `NEG-${f.category}`,
      category: f.category,
      points: f.points,
      records: f.records,
    })),
    records: factors.flatMap((f) => f.records).sort(),
    factors,
  };
}

// --- properties ---------------------------------------------------------------------------------

const POOL = ['tax-arrears', 'court-judgment', 'late-payment', 'fraud', 'award', 'donation'];
const UNWEIGHED = 'never-weighed';
const EPOCH = Date.UTC(2020, 0, 1);

const modelArb: fc.Arbitrary<ScoringModel> = fc
  .record({
    weighed: fc.subarray(POOL, { minLength: 1 }),
    weightOf: fc.array(
      fc.oneof(fc.integer({ min: 1, max: 200 }), fc.integer({ min: 1, max: 1_000_000 })),
      { minLength: POOL.length, maxLength: POOL.length },
    ),
    capped: fc.array(fc.option(fc.integer({ min: 0, max: 600 })), {
      minLength: POOL.length,
      maxLength: POOL.length,
    }),
    severityMultipliers: fc.array(
      fc.oneof(fc.integer({ min: 0, max: 3000 }), fc.integer({ min: 0, max: 1_000_000 })),
      { minLength: 1, maxLength: 10 },
    ),
    halfLifeDays: fc.integer({ min: 1, max: 400 }),
    min: fc.integer({ min: -1000, max: 0 }),
    span: fc.integer({ min: 1, max: 5000 }),
    baseAt: fc.double({ min: 0, max: 1, noNaN: true }),
    cuts: fc.uniqueArray(fc.integer({ min: 1, max: 5000 }), { maxLength: 6 }),
    version: fc.stringMatching(/^[a-z0-9][a-z0-9.-]{0,31}$/),
  })
  .map((o) => {
    const max = o.min + o.span;
    const cuts = o.cuts.filter((c) => c < o.span).sort((a, b) => b - a);
    return {
      version: o.version,
      base: o.min + Math.floor(o.baseAt * o.span),
      min: o.min,
      max,
      weights: Object.fromEntries(o.weighed.map((c) => [c, o.weightOf[POOL.indexOf(c)] ?? 1])),
      severityMultipliers: o.severityMultipliers,
      halfLifeDays: o.halfLifeDays,
      caps: Object.fromEntries(
        o.weighed.flatMap((c) => {
          const cap = o.capped[POOL.indexOf(c)];
          return cap === null || cap === undefined ? [] : [[c, cap]];
        }),
      ),
      bands: [
        ...cuts.map((c, i) => ({ grade: `G${i}`, min: o.min + c })),
        { grade: 'Z', min: o.min - 1 },
      ],
    };
  });

const recordsArb = fc.uniqueArray(
  fc.record({
    id: fc.stringMatching(/^[a-z0-9:-]{1,12}$/),
    category: fc.constantFrom(...POOL, UNWEIGHED),
    polarity: fc.constantFrom('negative' as const, 'positive' as const),
    severity: fc.integer({ min: 1, max: 10 }),
    day: fc.integer({ min: 0, max: 4000 }),
  }),
  { selector: (r) => r.id, maxLength: 25 },
);

const caseArb = fc
  .tuple(modelArb, recordsArb, fc.integer({ min: -10 * DAY, max: 4500 * DAY }))
  .map(([model, raw, offset]) => {
    const records: ScoredRecord[] = raw.map((r) => ({
      id: r.id,
      category: r.category,
      polarity: r.polarity,
      severity: ((r.severity - 1) % model.severityMultipliers.length) + 1,
      effective: new Date(EPOCH + r.day * DAY).toISOString().slice(0, 10),
    }));
    return { model, records, at: EPOCH + offset };
  });

describe('scoreOf properties', () => {
  test('random models pass checkModel', () => {
    fc.assert(fc.property(modelArb, (model) => checkModel(model, POOL)));
  });

  test('equals the independent re-implementation, and is deterministic', () => {
    fc.assert(
      fc.property(caseArb, ({ model, records, at }) => {
        const got = scoreOf(model, records, at);
        assert.deepEqual(got, referenceScore(model, records, at));
        assert.deepEqual(scoreOf(structuredClone(model), structuredClone(records), at), got);
      }),
      { numRuns: 200 },
    );
  });

  test('reasons: at most four, real record ids of negative categories only, most negative first', () => {
    fc.assert(
      fc.property(caseArb, ({ model, records, at }) => {
        const got = scoreOf(model, records, at);
        const byId = new Map(records.map((r) => [r.id, r]));
        assert.ok(got.reasons.length <= 4);
        for (const reason of got.reasons) {
          assert.ok(reason.points < 0);
          assert.equal(reason.code, `NEG-${reason.category}`);
          assert.ok(reason.records.length > 0);
          for (const id of reason.records) assert.equal(byId.get(id)?.category, reason.category);
        }
        for (let i = 1; i < got.reasons.length; i++) {
          assert.ok((got.reasons[i - 1]?.points ?? 0) <= (got.reasons[i]?.points ?? 0));
        }
        const negatives = got.factors.filter((f) => f.points < 0).length;
        assert.equal(got.reasons.length, Math.min(4, negatives));
        for (const id of got.records) assert.ok((byId.get(id)?.category ?? '') in model.weights);
        assert.ok(got.score >= model.min && got.score <= model.max);
        assert.ok(model.bands.some((b) => b.grade === got.grade));
      }),
      { numRuns: 200 },
    );
  });

  test('shuffling the input records never changes the result', () => {
    fc.assert(
      fc.property(
        caseArb.chain((c) =>
          fc
            .shuffledSubarray(c.records, {
              minLength: c.records.length,
              maxLength: c.records.length,
            })
            .map((shuffled) => ({ ...c, shuffled })),
        ),
        ({ model, records, shuffled, at }) => {
          assert.deepEqual(scoreOf(model, shuffled, at), scoreOf(model, records, at));
        },
      ),
      { numRuns: 200 },
    );
  });

  test('records of unweighed categories are never used', () => {
    fc.assert(
      fc.property(caseArb, ({ model, records, at }) => {
        const got = scoreOf(model, records, at);
        const used = records.filter((r) => r.category in model.weights).map((r) => r.id);
        assert.deepEqual(got.records, [...used].sort());
        const without = records.filter((r) => r.category in model.weights);
        assert.deepEqual(scoreOf(model, without, at), got);
      }),
      { numRuns: 100 },
    );
  });
});
