/**
 * `#/sites`: the sites the person logged into, from the wallet's activity log: each site's
 * registered name and origin, the account it knows (the pairwise DID), the last login and the
 * claims it was shown.
 */
import { h, table, type Child } from '../shared/dom.ts';
import type { Site } from './api-types.ts';
import { claimsText, mono, pageHeading, when } from './ui.ts';
import { walletApi } from './wallet-api.ts';
import { t } from './wallet-words.ts';

/** The sites page. */
export async function sitesView(): Promise<Child> {
  const { sites } = await walletApi<{ sites: Site[] }>('/api/sites');
  return [
    pageHeading(t('sites.title')),
    h('p', { class: 'muted' }, t('sites.intro')),
    sites.length === 0
      ? h('p', { id: 'no-sites' }, t('sites.none'))
      : table(
          t('sites.caption'),
          [
            t('sites.site'),
            t('sites.account'),
            t('sites.last'),
            t('sites.logins'),
            t('sites.shown'),
          ],
          sites.map((s) => [
            h('span', { 'data-site': s.site }, h('strong', null, s.name), h('br'), mono(s.origin)),
            mono(s.account),
            when(s.lastLogin),
            s.logins,
            claimsText(s.claimsShown, t('sites.nothing')),
          ]),
        ),
  ];
}
