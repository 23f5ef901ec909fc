/**
 * Credit reports, built from ledger state only, so anyone holding a report's records and the
 * adopted model can recompute its score. A querier's report holds the records in force (active,
 * unexpired, not suppressed; a disputed one flagged) and restored ones (marked so); the subject's
 * own report holds every unexpired record, whatever its status, and the queries about them.
 */
import type { StateReader } from '../ledger/index.ts';
import { scoreOf, type Score, type ScoredRecord } from './score.ts';
import type { CreditRecord, QueryEvent } from './schema.ts';
import { getQuery, getRecord, inForce, modelOf } from './state.ts';

/** Who reads a report: a querier after an allowed query, or the subject itself. */
export type ReportAudience = 'querier' | 'subject';

export interface CreditReport {
  readonly audience: ReportAudience;
  /** The block the report was built at: its height and time (the score's `at`). */
  readonly height: number;
  readonly at: number;
  readonly records: readonly CreditRecord[];
  /** Null when governance has adopted no scoring model yet. */
  readonly score: Score | null;
  /** The subject's report only: every query about them, allowed or denied. */
  readonly queries?: readonly QueryEvent[];
}

/** Whether a record appears in a report for `audience`. */
export function shownTo(r: CreditRecord, audience: ReportAudience): boolean {
  if (r.expired) return false;
  if (audience === 'subject') return true;
  return inForce(r) || r.status === 'restored';
}

/** The part of a record the score reads. */
export function scoredRecord(r: CreditRecord): ScoredRecord {
  return {
    id: r.id,
    category: r.category,
    polarity: r.polarity,
    severity: r.severity,
    effective: r.effective,
  };
}

/**
 * The score of a set of records at block time `at`: the adopted model over the records in force.
 * Anyone can call it on a report's records and get the report's score.
 */
export function scoreRecords(
  state: StateReader,
  records: readonly CreditRecord[],
  at: number,
): Score | null {
  const model = modelOf(state);
  return model === undefined ? null : scoreOf(model, records.filter(inForce).map(scoredRecord), at);
}

/**
 * A report over the records `ids` (those the subject's events name) and, for the subject, the
 * queries `queryIds`.
 */
export function buildReport(
  state: StateReader,
  head: { height: number; time: number },
  audience: ReportAudience,
  ids: readonly string[],
  queryIds: readonly string[] = [],
): CreditReport {
  const records = [...new Set(ids)]
    .map((id) => getRecord(state, id))
    .filter((r): r is CreditRecord => r !== undefined && shownTo(r, audience))
    .sort((a, b) => a.issued - b.issued || (a.id < b.id ? -1 : 1));
  const report: CreditReport = {
    audience,
    height: head.height,
    at: head.time,
    records,
    score: scoreRecords(state, records, head.time),
  };
  if (audience !== 'subject') return report;
  const queries = [...new Set(queryIds)]
    .map((id) => getQuery(state, id))
    .filter((q): q is QueryEvent => q !== undefined)
    .sort((a, b) => a.at - b.at || (a.id < b.id ? -1 : 1));
  return { ...report, queries };
}
