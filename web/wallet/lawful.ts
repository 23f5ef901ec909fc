/**
 * `#/lawful`: the lawful de-anonymization requests concerning the person: those whose ledger
 * notice names one of their accounts, found by the wallet comparing every notice with its
 * pairwise DIDs locally, each with its approvals, outcome and the proofs the wallet checked.
 */
import { facts, h, textOf, type Child } from '../shared/dom.ts';
import type { ActivityItem } from './api-types.ts';
import { evidenceLine, mono, pageHeading, when } from './ui.ts';
import { walletApi } from './wallet-api.ts';
import { t } from './wallet-words.ts';

const str = (v: unknown): string => textOf(v, '—');
const count = (v: unknown): number => (Array.isArray(v) ? v.length : 0);

function requestCard(i: ActivityItem): HTMLElement {
  const d = i.details;
  const outcome = d.outcome as { result?: string; time?: number } | undefined;
  return h(
    'article',
    { class: 'panel', 'data-lawful': str(d.id) },
    h('h3', null, `${str(d.site)} · ${str(d.status)}`),
    facts([
      [t('lawful.account'), mono(str(d.pairwiseDid))],
      [t('lawful.requester'), mono(str(d.requester))],
      [t('overview.authority'), mono(str(d.authority))],
      [t('lawful.basis'), str(d.basis)],
      [
        t('lawful.status'),
        [
          str(d.status),
          ' — ',
          t('lawful.decisions', { a: count(d.approvals), r: count(d.refusals) }),
        ],
      ],
      [
        t('lawful.outcome'),
        outcome?.result === undefined ? '—' : [outcome.result, ' ', when(outcome.time ?? 0)],
      ],
      [t('lawful.notified'), typeof d.noticed === 'number' ? when(d.noticed) : when(i.time)],
    ]),
    i.evidence === undefined ? null : evidenceLine(i.evidence),
  );
}

/** The lawful requests page. */
export async function lawfulView(progress: (text: string) => void): Promise<Child> {
  progress(t('activity.looking'));
  const { items } = await walletApi<{ items: ActivityItem[] }>('/api/lawful');
  return [
    pageHeading(t('lawful.title')),
    h('p', { class: 'muted' }, t('lawful.intro')),
    items.length === 0
      ? h('p', { id: 'no-lawful' }, t('lawful.none'))
      : [...items].reverse().map(requestCard),
  ];
}
