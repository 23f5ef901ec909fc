/**
 * Lists of organizations (e.g. seriously untrustworthy entities): entry and exit follow the rules
 * governance adopted (`credit/lists`), applied by the module whenever one of the organization's
 * records changes (issued, amended, disputed, answered, lapsed, withdrawn, restored, expired), in
 * that block. Never by hand; each entry names the records that put the organization there.
 */
import type { ModuleState } from '../ledger/index.ts';
import type { CreditRecord, ListEntry, ListRule } from './schema.ts';
import { CREDIT_KEYS, getListEntry, isFinal, listRulesOf } from './state.ts';

/** An organization's records that count for lists (public, final): id → category and severity. */
type Qualifying = Record<string, { category: string; severity: number }>;

/** One period during which an organization was on a list. */
export interface ListPeriod {
  readonly from: number;
  readonly until: number;
  readonly records: readonly string[];
}

/** The records of `qualifying` that satisfy `rule`, sorted. */
function matching(rule: ListRule, qualifying: Qualifying): string[] {
  return Object.entries(qualifying)
    .filter(([, q]) => rule.categories.includes(q.category) && q.severity >= rule.minSeverity)
    .map(([id]) => id)
    .sort();
}

/** Updates the organization's qualifying records after `r` changed, then its list entries. */
export function updateLists(state: ModuleState, r: CreditRecord, blockTime: number): void {
  if (r.subject.type !== 'org') return;
  const uscc = r.subject.uscc;
  const key = CREDIT_KEYS.orgQualifying(uscc);
  const qualifying = state.read<Qualifying>(key) ?? {};
  const had = qualifying[r.id] !== undefined;
  const counts = r.public && isFinal(r);
  if (counts) qualifying[r.id] = { category: r.category, severity: r.severity };
  else delete qualifying[r.id];
  if (counts || had) {
    if (Object.keys(qualifying).length === 0) state.remove(key);
    else state.write(key, qualifying);
  }
  for (const rule of listRulesOf(state.reader)) applyRule(state, rule, uscc, qualifying, blockTime);
}

function applyRule(
  state: ModuleState,
  rule: ListRule,
  uscc: string,
  qualifying: Qualifying,
  blockTime: number,
): void {
  const records = matching(rule, qualifying);
  const entry = getListEntry(state.reader, rule.id, uscc);
  if (records.length >= rule.threshold) {
    const next: ListEntry = { list: rule.id, uscc, since: entry?.since ?? blockTime, records };
    state.write(CREDIT_KEYS.listed(rule.id, uscc), next);
    return;
  }
  if (entry === undefined) return;
  state.remove(CREDIT_KEYS.listed(rule.id, uscc));
  const history = state.read<ListPeriod[]>(CREDIT_KEYS.listHistory(rule.id, uscc)) ?? [];
  history.push({ from: entry.since, until: blockTime, records: entry.records });
  state.write(CREDIT_KEYS.listHistory(rule.id, uscc), history);
}
