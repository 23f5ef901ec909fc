/**
 * `#/receipts`: the consent receipts the person signed when a site invoked a disclosure policy,
 * each with what was shown, the policy's legal basis and condition, the receipt's hash, and
 * whether the ledger recorded the disclosure (looked up by the wallet with a state proof).
 */
import { facts, h, type Child } from '../shared/dom.ts';
import type { Receipt } from './api-types.ts';
import { badge, claimsText, errorBox, evidenceLine, mono, pageHeading, when } from './ui.ts';
import { walletApi } from './wallet-api.ts';
import { t } from './wallet-words.ts';

function recorded(r: Receipt): Child {
  if (r.recorded === 'yes') return badge('ok', t('receipts.yes', { height: r.height ?? '?' }));
  if (r.recorded === 'no') return badge('bad', t('receipts.no'));
  return badge('warn', t('receipts.unknown', { code: r.error?.code ?? '?' }));
}

function receiptCard(r: Receipt): HTMLElement {
  return h(
    'article',
    { class: 'panel', 'data-receipt': r.receiptHash },
    h('h3', null, t('receipts.heading', { site: r.name, policy: r.policy.id })),
    facts([
      [t('consent.origin'), mono(r.origin)],
      [t('consent.account'), mono(r.account)],
      [t('receipts.claims'), claimsText(r.claims, '—')],
      [t('policy.basis'), r.policy.legalBasis],
      [t('policy.condition'), r.policy.condition],
      [t('receipts.time'), when(r.time)],
      [t('receipts.hash'), mono(r.receiptHash)],
      [t('receipts.recorded'), recorded(r)],
    ]),
    r.evidence === undefined ? null : evidenceLine(r.evidence),
    r.error === undefined ? null : errorBox(r.error),
    h('details', null, h('summary', null, t('receipts.show')), h('p', null, mono(r.receipt))),
  );
}

/** The receipts page. */
export async function receiptsView(): Promise<Child> {
  const { receipts } = await walletApi<{ receipts: Receipt[] }>('/api/receipts');
  return [
    pageHeading(t('receipts.title')),
    h('p', { class: 'muted' }, t('receipts.intro')),
    receipts.length === 0
      ? h('p', { id: 'no-receipts' }, t('receipts.none'))
      : receipts.map(receiptCard),
  ];
}
