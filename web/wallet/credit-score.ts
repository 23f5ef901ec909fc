/**
 * The score section: the score and grade the wallet recomputed with the adopted model (and
 * whether the node's report says the same), the score it saw before when it changed, the reason
 * codes in words with the records behind each, and every record the score counts.
 */
import { h, time } from '../shared/dom.ts';
import { currentLang } from '../shared/i18n.ts';
import type { ReportScore, WalletCreditReport } from './credit-types.ts';
import { categoryName, t } from './credit-words.ts';

const shortId = (id: string): string => `${id.slice(0, 10)}…`;

/** "Loan default (3fa2…)" for each record id. */
function recordNames(r: WalletCreditReport, ids: readonly string[]): string {
  const named = ids.map((id) => {
    const rec = r.records.find((x) => x.record.id === id)?.record;
    return `${rec === undefined ? '' : `${categoryName(r, rec.category)} `}(${shortId(id)})`;
  });
  return named.length === 0 ? t('none') : named.join(', ');
}

/** The reason codes, then the categories that raise the score. */
function reasons(r: WalletCreditReport, s: ReportScore): HTMLElement {
  const score = s.recomputed;
  const lowers = score.reasons.map((x) =>
    h(
      'li',
      { 'data-reason': x.code },
      t('reason', {
        code: x.code,
        category: categoryName(r, x.category),
        points: Math.abs(x.points),
        n: x.records.length,
      }),
      h('br', null),
      h('span', { class: 'muted' }, recordNames(r, x.records)),
    ),
  );
  const raises = score.factors
    .filter((f) => f.points > 0)
    .map((f) =>
      h(
        'li',
        { 'data-factor': f.category },
        t('factor', {
          category: categoryName(r, f.category),
          points: f.points,
          n: f.records.length,
        }),
      ),
    );
  return h(
    'div',
    null,
    h('h4', null, t('why')),
    lowers.length === 0 && raises.length === 0
      ? h('p', null, t('noReasons'))
      : h('ul', { class: 'credit-reasons' }, lowers, raises),
  );
}

/** What the wallet found recomputing the score. */
function recomputed(s: ReportScore): HTMLElement {
  const { version, documentVersion } = s.model;
  if (s.matches)
    return h(
      'p',
      { class: 'muted', 'data-matches': 'true' },
      t('matches', { model: version, v: documentVersion }),
    );
  const theirs = s.node === null ? t('none') : `${s.node.score} (${s.node.grade})`;
  return h(
    'p',
    { class: 'error', 'data-matches': 'false' },
    t('differs', { mine: `${s.recomputed.score} (${s.recomputed.grade})`, model: version, theirs }),
  );
}

/** The score seen before this one, when the wallet saw it change. */
function previous(r: WalletCreditReport): HTMLElement | null {
  const before = r.scores.length >= 2 ? r.scores[r.scores.length - 2] : undefined;
  if (before === undefined) return null;
  return h(
    'p',
    { class: 'credit-before', 'data-before': before.score },
    t('before', { score: before.score, grade: before.grade }),
    time(before.at, currentLang()),
  );
}

/** The score section. */
export function scoreSection(r: WalletCreditReport): HTMLElement {
  const s = r.score;
  const head = h('h3', { id: 'credit-score-h' }, t('scoreTitle'));
  if (s === null)
    return h('section', { 'aria-labelledby': 'credit-score-h' }, head, h('p', null, t('noScore')));
  return h(
    'section',
    { class: 'credit-score panel', 'aria-labelledby': 'credit-score-h' },
    head,
    h(
      'p',
      { class: 'credit-score-value' },
      h('strong', { 'data-score': s.recomputed.score }, String(s.recomputed.score)),
      ' ',
      h('span', { 'data-grade': s.recomputed.grade }, t('grade', { grade: s.recomputed.grade })),
    ),
    previous(r),
    recomputed(s),
    reasons(r, s),
    h('h4', null, t('behind')),
    h('p', { 'data-behind': s.recomputed.records.join(' ') }, recordNames(r, s.recomputed.records)),
  );
}
