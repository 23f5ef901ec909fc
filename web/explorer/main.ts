/**
 * The ledger explorer: a hash-routed page served at the node's `/`. It asks the node over HTTP
 * and verifies every proof it shows in this browser, with the SDK's pure verifiers, against the
 * trust anchor (the genesis document this node serves). Pages: `#/` overview, `#/block/<h>`,
 * `#/tx/<id>`, `#/did/<did>`, `#/registries`, `#/credit[/<uscc>]`, `#/disclosures`.
 */
import { startApp, type View } from '../shared/app.ts';
import type { Child } from '../shared/dom.ts';
import { blockPage } from './block.ts';
import { creditPage } from './credit.ts';
import { didPage } from './did.ts';
import { disclosuresPage } from './disclosures.ts';
import { overviewPage } from './overview.ts';
import { registriesPage } from './registries.ts';
import { txPage } from './tx.ts';
import { errorView, pageHeading } from './ui.ts';
import { t } from './words.ts';

type Page = (view: View, arg: string) => Promise<Child>;

/** Route name → page, and the nav entry it is (`-`: none, for pages reached from the overview). */
const PAGES: Readonly<Record<string, { page: Page; nav: string }>> = {
  '': { page: overviewPage, nav: '' },
  block: { page: blockPage, nav: '-' },
  tx: { page: txPage, nav: '-' },
  did: { page: didPage, nav: '-' },
  registries: { page: registriesPage, nav: 'registries' },
  credit: { page: creditPage, nav: 'credit' },
  disclosures: { page: disclosuresPage, nav: 'disclosures' },
};

const NAV = [
  ['', 'nav.overview'],
  ['registries', 'nav.registries'],
  ['credit', 'nav.credit'],
  ['disclosures', 'nav.disclosures'],
] as const;

/** `#/block/12` → `['block', '12']`; the argument keeps everything after the first `/`. */
function parseHash(hash: string): [string, string] {
  const path = hash.replace(/^#\/?/, '');
  const cut = path.indexOf('/');
  return cut < 0 ? [path, ''] : [path.slice(0, cut), path.slice(cut + 1)];
}

startApp({
  t,
  keys: { title: 'app.title', skip: 'app.skip', navLabel: 'nav.label', loading: 'app.loading' },
  nav: NAV,
  current: (hash) => {
    const [name] = parseHash(hash);
    return Object.hasOwn(PAGES, name) ? PAGES[name]!.nav : '-';
  },
  page: async (hash, view) => {
    const [name, arg] = parseHash(hash);
    const entry = Object.hasOwn(PAGES, name) ? PAGES[name] : undefined;
    if (entry === undefined)
      return [pageHeading(t('error.noPage')), errorView(new Error(t('error.noPageDetail')))];
    return entry.page(view, arg);
  },
  error: (err) => [pageHeading(t('error.title')), errorView(err)],
});
