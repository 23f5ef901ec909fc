/**
 * The records about the person, one card each: category, status badge, the facts (kind and
 * severity, legal basis, issuer, dates), whether it counts in the score and whether the wallet
 * found it in the feed; its dispute with the deadline ("n days left"); and, while it can be
 * disputed, the dispute form (a labelled statement with a 500-character counter, then a
 * confirmation step).
 */
import { facts, h, short, time } from '../shared/dom.ts';
import { currentLang } from '../shared/i18n.ts';
import type { DisputeAnswer, ReportRecord, WalletCreditReport } from './credit-types.ts';
import { disputeForm } from './credit-dispute.ts';
import { categoryName, statusClass, statusWords, t, timeLeft } from './credit-words.ts';

/** What a card needs from the page. */
export interface RecordActions {
  /** Block time or later: what deadlines are counted from. */
  readonly now: number;
  /** The answer of the dispute just filed for a record, if any (shown on its card). */
  readonly filed: ReadonlyMap<string, DisputeAnswer>;
  dispute(record: string, statement: string): Promise<void>;
}

/** A deadline: its date and time, and the time left. */
export function deadlineLine(deadline: number, now: number): HTMLElement {
  return h(
    'span',
    { class: 'credit-deadline', 'data-deadline': deadline },
    time(deadline, currentLang()),
    ` (${timeLeft(deadline, now)})`,
  );
}

function disputeFacts(x: ReportRecord, now: number): HTMLElement | null {
  const d = x.record.dispute;
  if (d === undefined) return null;
  const rows: [string, Node | string][] = [
    [t('disputeTitle'), h('span', { 'data-dispute': d.status }, t(`dispute.${d.status}`))],
    [t('filedLabel'), time(d.filed, currentLang())],
    [t('deadline'), deadlineLine(d.deadline, now)],
  ];
  if (d.note !== undefined) rows.push([t('answerLabel'), d.note]);
  for (const s of x.statements) rows.push([t('yourStatement'), s.statement]);
  return facts(rows);
}

function foundWords(x: ReportRecord): Node | string {
  if (x.found === null) return h('span', { class: 'muted' }, t('notFound'));
  const text = t('found', { height: x.found.height });
  if (x.found.handleKey === null)
    return h('span', { class: 'error' }, `${text}. ${t('notMinted')}`);
  return text;
}

function recordFacts(r: WalletCreditReport, x: ReportRecord): HTMLElement {
  const rec = x.record;
  const issuerName = r.names[rec.issuer];
  return facts([
    [t('kind'), t('kindValue', { polarity: t(rec.polarity), n: rec.severity })],
    [t('legalBasis'), rec.legalBasis],
    [
      t('issuer'),
      h('span', null, issuerName === undefined ? null : `${issuerName} `, short(rec.issuer)),
    ],
    [
      t('dates'),
      t('datesValue', { occurred: rec.occurred, effective: rec.effective, expires: rec.expires }),
    ],
    [t('issued'), time(rec.issued, currentLang())],
    [t('counts'), x.scored ? t('yes') : t('no')],
    [t('walletLabel'), foundWords(x)],
  ]);
}

/** The notice of a dispute just filed: the deadline, said once where the person acted. */
function filedNotice(a: DisputeAnswer | undefined, now: number): HTMLElement | null {
  if (a?.dispute === undefined) return null;
  return h(
    'p',
    { class: 'verdict ok', role: 'status', tabindex: -1, 'data-filed': a.record },
    t('disputed', { height: a.height }),
    deadlineLine(a.dispute.deadline, now),
    t('disputedAfter'),
  );
}

/** One record's card. */
export function recordCard(r: WalletCreditReport, x: ReportRecord, a: RecordActions): HTMLElement {
  const id = `credit-record-${x.record.id.slice(0, 16)}`;
  return h(
    'article',
    {
      class: 'panel credit-record',
      'aria-labelledby': id,
      'data-record': x.record.id,
      'data-status': x.status,
    },
    h(
      'h4',
      { id },
      `${categoryName(r, x.record.category)} `,
      h(
        'span',
        { class: `badge ${statusClass(x.status, x.record.polarity)}` },
        statusWords(x.status),
      ),
    ),
    filedNotice(a.filed.get(x.record.id), a.now),
    recordFacts(r, x),
    disputeFacts(x, a.now),
    x.disputable
      ? disputeForm(x.record.id, (statement) => a.dispute(x.record.id, statement))
      : null,
  );
}

/** The records section. */
export function recordsSection(r: WalletCreditReport, a: RecordActions): HTMLElement {
  return h(
    'section',
    { class: 'credit-records', 'aria-labelledby': 'credit-records-h' },
    h('h3', { id: 'credit-records-h' }, t('recordsTitle', { n: r.records.length })),
    r.records.length === 0
      ? h('p', null, t('noRecords'))
      : r.records.map((x) => recordCard(r, x, a)),
  );
}
