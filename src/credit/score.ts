/**
 * Credit scores: the scoring model governance adopts (topic `credit/model`) as data, and the
 * deterministic score of a subject's records under it. Every node, the CLI and anyone with the
 * records can recompute a score to the point: the arithmetic uses integers only (BigInt), never
 * floating point.
 *
 * The formula, for each record of a category `c` that the model weighs:
 *
 * ```text
 * w        = weights[c]                                   points at severity 1 and age 0
 * m        = severityMultipliers[severity − 1]            per mille (1000 = ×1)
 * d        = whole days from the record's effective date (00:00 UTC) to `at`, 0 if in the future
 * decay(d) = round(10^6 × 2^(−d / halfLifeDays))          per million, see decayPerMillion
 * points   = round(w × m × decay(d) / 10^9)               negated when the polarity is negative
 * ```
 *
 * where `round` is to the nearest integer with halves rounded up (away from zero: the sign is
 * applied after rounding). Then per category `P(c) = Σ points`, limited to
 * `sign(P(c)) × min(|P(c)|, caps[c])` when the model caps `c`; the score is
 * `min(max(base + Σ P(c), min), max)` and the grade is that of the first band whose `min` is
 * ≤ the score. Records of categories the model does not weigh are not used at all.
 */
import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { AppError } from '../errors.ts';

/** The pattern of a category id (as in `credit/categories`). */
export const CATEGORY_ID_PATTERN = '^[a-z][a-z0-9-]{1,47}$';
/** The pattern of a model version. */
export const MODEL_VERSION_PATTERN = '^[a-z0-9][a-z0-9.-]{0,31}$';
/** The highest severity a category scale may have. */
export const MAX_SEVERITY = 10;
/** Decay factors are integers per million: 1 000 000 is "no decay". */
export const DECAY_SCALE = 1_000_000;
/** The longest half-life a model may set: ten years of days. */
export const MAX_HALF_LIFE_DAYS = 3650;
/** Reasons list at most this many categories. */
export const MAX_REASONS = 4;

const DAY_MS = 86_400_000;
const BOUND = 1_000_000_000;
const CategoryId = Type.String({ pattern: CATEGORY_ID_PATTERN });
const Points = Type.Integer({ minimum: -BOUND, maximum: BOUND });

/** JSON Schema (TypeBox) of a scoring model, the document of governance topic `credit/model`. */
export const ScoringModel = Type.Object(
  {
    version: Type.String({ pattern: MODEL_VERSION_PATTERN, description: 'model version' }),
    base: Points,
    min: Points,
    max: Points,
    weights: Type.Record(CategoryId, Type.Integer({ minimum: 1, maximum: 1_000_000 }), {
      additionalProperties: false,
      description: 'points per record at severity 1 and age 0; the sign comes from the polarity',
    }),
    severityMultipliers: Type.Array(Type.Integer({ minimum: 0, maximum: 1_000_000 }), {
      minItems: 1,
      maxItems: MAX_SEVERITY,
      description: 'per mille, index severity − 1',
    }),
    halfLifeDays: Type.Integer({ minimum: 1, maximum: MAX_HALF_LIFE_DAYS }),
    caps: Type.Record(CategoryId, Type.Integer({ minimum: 0, maximum: BOUND }), {
      additionalProperties: false,
      description: 'most absolute points a category contributes',
    }),
    bands: Type.Array(
      Type.Object(
        { grade: Type.String({ pattern: '^[A-Za-z0-9+-]{1,8}$' }), min: Points },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: 32, description: 'grades by strictly descending min' },
    ),
  },
  { additionalProperties: false },
);
/** A scoring model (see {@link ScoringModel} for the schema and the module TSDoc for the formula). */
export type ScoringModel = Static<typeof ScoringModel>;

/** What the score needs of a credit record. */
export interface ScoredRecord {
  readonly id: string;
  readonly category: string;
  readonly polarity: 'negative' | 'positive';
  /** 1..{@link MAX_SEVERITY}, within the category's scale. */
  readonly severity: number;
  /** `YYYY-MM-DD`: the age counts from 00:00 UTC of this day. */
  readonly effective: string;
}

/** One category's contribution to a score. */
export interface ScoreFactor {
  readonly category: string;
  /** The category's points after its cap (negative lowers the score). */
  readonly points: number;
  /** Ids of the category's records, sorted. */
  readonly records: readonly string[];
}

/** A category that lowers the score, as a reason code. */
export interface ScoreReason extends ScoreFactor {
  /** `NEG-<category>`. */
  readonly code: string;
}

/** A subject's score under one model at one time. */
export interface Score {
  /** The model's version. */
  readonly model: string;
  /** The time scored (ms since the epoch, a block time). */
  readonly at: number;
  readonly score: number;
  readonly grade: string;
  /** The (at most {@link MAX_REASONS}) categories that lower the score most, most negative first. */
  readonly reasons: readonly ScoreReason[];
  /** Ids of every record used (those of weighed categories), sorted. */
  readonly records: readonly string[];
  /** Every category with a record used, sorted by category id. */
  readonly factors: readonly ScoreFactor[];
}

function badModel(message: string): never {
  throw new AppError('ERR_CREDIT_BAD_MODEL', `scoring model: ${message}`);
}

const has = (o: object, k: string): boolean => Object.hasOwn(o, k);

/** The schema and the checks that need no category list. */
function checkShape(model: unknown): asserts model is ScoringModel {
  const e = Value.Errors(ScoringModel, model).First();
  if (e !== undefined) badModel(`"${e.path || '/'}" ${e.message}`);
  const m = model as ScoringModel;
  if (m.min > m.max) badModel(`"min" ${m.min} is greater than "max" ${m.max}`);
  if (m.base < m.min || m.base > m.max) {
    badModel(`"base" ${m.base} is outside min..max (${m.min}..${m.max})`);
  }
  for (const c of Object.keys(m.caps)) {
    if (!has(m.weights, c)) badModel(`"caps" names category "${c}", which has no weight`);
  }
  const grades = new Set<string>();
  m.bands.forEach((b, i) => {
    if (grades.has(b.grade)) badModel(`"bands" repeats grade "${b.grade}"`);
    grades.add(b.grade);
    const prev = m.bands[i - 1];
    if (prev !== undefined && b.min >= prev.min) {
      badModel(
        `"bands" min must strictly descend: "${b.grade}" (${b.min}) after "${prev.grade}" (${prev.min})`,
      );
    }
    if (b.min > m.max) badModel(`"bands" grade "${b.grade}" (${b.min}) is above "max" ${m.max}`);
  });
  const last = m.bands[m.bands.length - 1];
  if (last !== undefined && last.min > m.min) {
    badModel(`"bands" last grade "${last.grade}" starts at ${last.min}, above "min" ${m.min}`);
  }
}

/**
 * Checks a scoring model before it is adopted: its schema ({@link ScoringModel}), then that
 * `min ≤ base ≤ max`, that `weights` and `caps` name only known categories (and caps only
 * weighed ones), that bands have unique grades and strictly descending `min`, none above
 * `max` and the last at or below `min` (so every score has a grade), and, when `scales` is
 * given, that `severityMultipliers` covers each weighed category's severities.
 *
 * @param model the document
 * @param categoryIds the ids of the adopted categories
 * @param scales optional number of severities per category id (its `severities`)
 * @throws AppError ERR_CREDIT_BAD_MODEL naming the problem
 */
export function checkModel(
  model: unknown,
  categoryIds: readonly string[],
  scales?: Readonly<Record<string, number>>,
): asserts model is ScoringModel {
  checkShape(model);
  const known = new Set(categoryIds);
  for (const [field, o] of [
    ['weights', model.weights],
    ['caps', model.caps],
  ] as const) {
    for (const c of Object.keys(o)) {
      if (!known.has(c)) badModel(`"${field}" names unknown category "${c}"`);
    }
  }
  for (const c of Object.keys(model.weights)) {
    const n = scales !== undefined && has(scales, c) ? scales[c] : undefined;
    if (n !== undefined && n > model.severityMultipliers.length) {
      badModel(
        `"severityMultipliers" has ${model.severityMultipliers.length} entries, category "${c}" has ${n} severities`,
      );
    }
  }
}

// --- decay: 2^(−d/h) per million, exactly rounded, integers only -------------------------------

/** Fixed-point precision of the intermediate 2^(−r/h): P fractional bits. */
const P = 128n;
const ONE = 1n << P;
/** Bits of the fraction r/h that are used (the rest changes 2^(−r/h) by less than 2^-96). */
const FRACTION_BITS = 96;

function isqrt(n: bigint): bigint {
  if (n < 2n) return n;
  let x = 1n << BigInt((n.toString(2).length + 1) >> 1);
  for (;;) {
    const y = (x + n / x) >> 1n;
    if (y >= x) return x;
    x = y;
  }
}

/** ROOTS[j] = ⌊2^P × 2^(−2^−(j+1))⌋ within a few units: 2^(−1/2), 2^(−1/4), … by square roots. */
const ROOTS: readonly bigint[] = (() => {
  const out: bigint[] = [isqrt(ONE * (ONE >> 1n))];
  while (out.length < FRACTION_BITS) out.push(isqrt((out[out.length - 1] ?? 0n) * ONE));
  return out;
})();

/**
 * The decay factor of a record `ageDays` old under a half-life of `halfLifeDays`:
 * round(10^6 × 2^(−ageDays / halfLifeDays)), the exact real value rounded to the nearest
 * integer, halves up. So age 0 gives 1 000 000, one half-life exactly 500 000, two 250 000, and
 * from 21 half-lives on the factor is 0. It is computed with integers only: 2^(−r/h) (for
 * ageDays = q·h + r) as a product of square roots of 2 picked by the binary digits of r/h, to
 * 2^-95; when the result lies too close to a half to round with certainty, the exact comparison
 * (2·10^6)^h ≥ (2k ± 1)^h × 2^ageDays decides.
 *
 * @param ageDays whole days, ≥ 0
 * @param halfLifeDays 1..{@link MAX_HALF_LIFE_DAYS}
 * @returns 0..1 000 000
 * @throws RangeError when an argument is not an integer in its range
 * @example
 * decayPerMillion(365, 365); // 500000
 * decayPerMillion(7 * 365, 365); // 7813 (7812.5 rounded up)
 */
export function decayPerMillion(ageDays: number, halfLifeDays: number): number {
  if (!Number.isSafeInteger(ageDays) || ageDays < 0) {
    throw new RangeError(`"ageDays" expected a whole number ≥ 0, got ${ageDays}`);
  }
  if (!Number.isInteger(halfLifeDays) || halfLifeDays < 1 || halfLifeDays > MAX_HALF_LIFE_DAYS) {
    throw new RangeError(`"halfLifeDays" expected 1..${MAX_HALF_LIFE_DAYS}, got ${halfLifeDays}`);
  }
  const q = Math.floor(ageDays / halfLifeDays);
  if (q > 20) return 0; // 10^6 × 2^-21 < 1/2
  const key = ageDays * (MAX_HALF_LIFE_DAYS + 1) + halfLifeDays;
  const known = DECAYS.get(key);
  if (known !== undefined) return known;
  const value = computeDecay(ageDays, halfLifeDays, q);
  if (DECAYS.size >= MAX_DECAYS) DECAYS.clear();
  DECAYS.set(key, value);
  return value;
}

/** Decay factors already computed (a report asks for the same ages again and again). */
const DECAYS = new Map<number, number>();
const MAX_DECAYS = 100_000;

function computeDecay(ageDays: number, halfLifeDays: number, q: number): number {
  const h = BigInt(halfLifeDays);
  let rem = BigInt(ageDays - q * halfLifeDays);
  let acc = ONE;
  for (const root of ROOTS) {
    rem <<= 1n;
    if (rem >= h) {
      rem -= h;
      acc = (acc * root) >> P;
    }
  }
  // y = S·acc / 2^(P+q); k = ⌊y + 1/2⌋; `twice` = 2·(y + 1/2 − k) in units of 2^-(P+q).
  const S = BigInt(DECAY_SCALE);
  const shift = P + BigInt(q);
  const den = 1n << shift;
  const k = (2n * S * acc + den) >> (shift + 1n);
  const twice = 2n * S * acc + den - (k << (shift + 1n));
  const margin = 1n << 55n; // > 2 × the error of S·acc (S × 2^33 units)
  if (twice > margin && 2n * den - twice > margin) return Number(k);
  const lower = twice <= margin; // y is near k − 1/2, else near k + 1/2
  const boundary = lower ? 2n * k - 1n : 2n * k + 1n; // 2 × the half-integer
  if (boundary < 0n) return 0;
  const atOrAbove = (2n * S) ** h >= boundary ** h * (1n << BigInt(ageDays));
  if (lower) return Number(atOrAbove ? k : k - 1n);
  return Number(atOrAbove ? k + 1n : k);
}

// --- the score ----------------------------------------------------------------------------------

const ISO_DATE_RE = /^[0-9]{4}-[0-9]{2}-[0-9]{2}$/;

/** Milliseconds of 00:00 UTC of a real `YYYY-MM-DD` date, or undefined. */
function utcMidnight(date: string): number | undefined {
  if (typeof date !== 'string' || !ISO_DATE_RE.test(date)) return undefined;
  const ms = Date.UTC(
    Number(date.slice(0, 4)),
    Number(date.slice(5, 7)) - 1,
    Number(date.slice(8)),
  );
  return new Date(ms).toISOString().slice(0, 10) === date ? ms : undefined;
}

/** Whole days from `from` to `to` (ms), 0 when `to` is earlier; exact integer division. */
function wholeDays(from: number, to: number): number {
  const ms = to - from;
  return ms <= 0 ? 0 : (ms - (ms % DAY_MS)) / DAY_MS;
}

/** round(n / d) for n ≥ 0, d > 0, halves up. */
const roundHalfUp = (n: bigint, d: bigint): bigint => (2n * n + d) / (2n * d);

function checkRecord(r: ScoredRecord, seen: Set<string>): void {
  if (typeof r.id !== 'string' || r.id.length === 0) throw new TypeError('a record has no "id"');
  if (seen.has(r.id)) throw new RangeError(`"records" has two records with id "${r.id}"`);
  seen.add(r.id);
  if (typeof r.category !== 'string') throw new TypeError(`record "${r.id}" has no "category"`);
  if (r.polarity !== 'negative' && r.polarity !== 'positive') {
    throw new RangeError(`record "${r.id}": "polarity" expected negative or positive`);
  }
  if (!Number.isInteger(r.severity) || r.severity < 1 || r.severity > MAX_SEVERITY) {
    throw new AppError(
      'ERR_CREDIT_SEVERITY',
      `record "${r.id}": "severity" expected 1..${MAX_SEVERITY}, got ${r.severity}`,
    );
  }
}

/** The signed points of one record of a weighed category. */
function pointsOf(model: ScoringModel, r: ScoredRecord, weight: number, at: number): bigint {
  const multiplier = model.severityMultipliers[r.severity - 1];
  if (multiplier === undefined) {
    badModel(
      `version ${model.version} has no multiplier for severity ${r.severity} (record "${r.id}")`,
    );
  }
  const effective = utcMidnight(r.effective);
  if (effective === undefined) {
    throw new AppError(
      'ERR_CREDIT_BAD_DATES',
      `record "${r.id}": "effective" expected a real YYYY-MM-DD date`,
    );
  }
  const decay = decayPerMillion(wholeDays(effective, at), model.halfLifeDays);
  const magnitude = roundHalfUp(
    BigInt(weight) * BigInt(multiplier) * BigInt(decay),
    1_000_000_000n,
  );
  return r.polarity === 'negative' ? -magnitude : magnitude;
}

const byCodeUnits = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Scores a subject's records under a model at block time `at`, by the formula in this module's
 * TSDoc. Pure and deterministic: the order of `records` does not matter, and only integers are
 * used. Records of categories without a weight are ignored (not in `records` or `factors`).
 * `reasons` are the categories whose capped points are negative, most negative first (ties by
 * category id), at most {@link MAX_REASONS}, each coded `NEG-<category>`.
 *
 * @param model an adopted model (its shape is checked again: {@link checkModel} minus categories)
 * @param records the subject's records (ids unique)
 * @param at the block time, ms since the epoch
 * @returns the score, its grade, reasons, factors and the records used
 * @throws AppError ERR_CREDIT_BAD_MODEL (malformed model, or no multiplier for a severity),
 *   ERR_CREDIT_SEVERITY (severity outside 1..10), ERR_CREDIT_BAD_DATES (effective not a date)
 * @throws RangeError or TypeError for a non-integer `at`, a duplicate id or a malformed record
 * @example
 * scoreOf(model, [{ id: 'r1', category: 'tax-arrears', polarity: 'negative', severity: 2, effective: '2024-01-01' }], Date.UTC(2025, 0, 1));
 */
export function scoreOf(model: ScoringModel, records: readonly ScoredRecord[], at: number): Score {
  checkShape(model);
  if (!Number.isSafeInteger(at)) throw new RangeError(`"at" expected integer ms, got ${at}`);
  const list: unknown = records;
  if (!Array.isArray(list)) throw new TypeError('"records" expected an array');
  const seen = new Set<string>();
  const groups = new Map<string, { sum: bigint; ids: string[] }>();
  for (const r of records) {
    checkRecord(r, seen);
    if (!has(model.weights, r.category)) continue;
    const points = pointsOf(model, r, model.weights[r.category] ?? 0, at);
    const g = groups.get(r.category) ?? { sum: 0n, ids: [] };
    g.sum += points;
    g.ids.push(r.id);
    groups.set(r.category, g);
  }
  const factors: ScoreFactor[] = [...groups.keys()].sort(byCodeUnits).map((category) => {
    const g = groups.get(category) ?? { sum: 0n, ids: [] };
    const cap = has(model.caps, category) ? BigInt(model.caps[category] ?? 0) : undefined;
    const points =
      cap !== undefined && (g.sum > cap || g.sum < -cap) ? (g.sum < 0n ? -cap : cap) : g.sum;
    return { category, points: Number(points), records: g.ids.sort(byCodeUnits) };
  });
  const total = factors.reduce((s, f) => s + BigInt(f.points), BigInt(model.base));
  const clamped =
    total < BigInt(model.min) ? model.min : total > BigInt(model.max) ? model.max : Number(total);
  const reasons = factors
    .filter((f) => f.points < 0)
    .sort((a, b) => a.points - b.points || byCodeUnits(a.category, b.category))
    .slice(0, MAX_REASONS)
    .map((f) => ({ code: `NEG-${f.category}`, ...f }));
  return {
    model: model.version,
    at,
    score: clamped,
    grade: model.bands.find((b) => b.min <= clamped)?.grade ?? badModel('no band for the score'),
    reasons,
    records: factors.flatMap((f) => f.records).sort(byCodeUnits),
    factors,
  };
}
