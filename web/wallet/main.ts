/**
 * The person's wallet page, served by `realdid wallet serve` on 127.0.0.1 and talking only to it
 * (wallet-api.ts). Hash routes: `#/` overview, `#/login`, `#/credentials`, `#/sites`,
 * `#/receipts`, `#/activity`, `#/lawful`, `#/credit`. Nothing is kept in the browser but the
 * language preference and, for this tab only, the session's key (see wallet-api.ts).
 */
import { startApp } from '../shared/app.ts';
import { h, type Child } from '../shared/dom.ts';
import { activityView } from './activity.ts';
import { copiesView } from './copies.ts';
import { creditView } from './credit.ts';
import { lawfulView } from './lawful.ts';
import { loginView } from './login.ts';
import { overviewView } from './overview.ts';
import { receiptsView } from './receipts.ts';
import { sitesView } from './sites.ts';
import { errorBox, pageHeading } from './ui.ts';
import { t } from './wallet-words.ts';

type View = (progress: (text: string) => void) => Promise<Child>;

/** Route → view and its nav label, in nav order. */
const ROUTES: readonly (readonly [string, string, View])[] = [
  ['', 'nav.overview', overviewView],
  ['login', 'nav.login', loginView],
  ['credentials', 'nav.credentials', copiesView],
  ['sites', 'nav.sites', sitesView],
  ['receipts', 'nav.receipts', receiptsView],
  ['activity', 'nav.activity', activityView],
  ['lawful', 'nav.lawful', lawfulView],
  ['credit', 'nav.credit', creditView],
];

const routeOf = (hash: string): string => hash.replace(/^#\/?/, '').split(/[/?]/)[0] ?? '';

startApp({
  t,
  keys: { title: 'app.title', skip: 'app.skip', navLabel: 'nav.label', loading: 'app.loading' },
  nav: ROUTES.map(([route, key]) => [route, key] as const),
  current: routeOf,
  page: async (hash, view) => {
    const entry = ROUTES.find(([r]) => r === routeOf(hash));
    if (entry === undefined)
      return [pageHeading(t('page.missing')), h('p', null, t('page.missingDetail'))];
    return entry[2]((text) => view.progress(text));
  },
  error: (err) => [pageHeading(t('page.error')), errorBox(err)],
});
