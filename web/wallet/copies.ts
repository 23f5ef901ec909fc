/**
 * `#/credentials`: the real-name credential copies the wallet holds, one per site, each bound to
 * that site's pairwise key, with expiry and the status its issuer's status list gives (checked by
 * the wallet through the ledger). The copies themselves (SD-JWTs) stay in the wallet.
 */
import { h, table, type Child } from '../shared/dom.ts';
import type { Copy, Credentials } from './api-types.ts';
import { badge, claimsText, errorBox, mono, pageHeading, shortly, when } from './ui.ts';
import { walletApi } from './wallet-api.ts';
import { t } from './wallet-words.ts';

function statusBadge(c: Copy): HTMLElement {
  if (c.expired) return badge('warn', t('copies.expired'));
  if (c.status === 'valid') return badge('ok', t('copies.valid'));
  if (c.status === 'revoked') return badge('bad', t('copies.revoked'));
  return badge('warn', t('copies.unchecked'));
}

/** The credentials page. */
export async function copiesView(): Promise<Child> {
  const c = await walletApi<Credentials>('/api/credentials');
  return [
    pageHeading(t('copies.title')),
    h('p', { class: 'muted' }, t('copies.intro')),
    c.error === undefined
      ? null
      : [h('p', null, t('copies.notChecked', { code: c.error.code })), errorBox(c.error)],
    c.copies.length === 0
      ? h('p', { id: 'no-copies' }, t('copies.none'))
      : table(
          t('copies.caption'),
          [
            t('copies.site'),
            t('copies.holder'),
            t('copies.status'),
            t('copies.expires'),
            t('copies.claims'),
          ],
          c.copies.map((x) => [
            mono(x.origin),
            shortly(x.holder),
            statusBadge(x),
            when(x.exp * 1000),
            claimsText(x.claims, '—'),
          ]),
        ),
  ];
}
