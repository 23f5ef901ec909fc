/**
 * The ledger explorer: a hash-routed page served at the node's `/`. It asks the node over HTTP
 * and verifies every proof it shows in this browser, with the SDK's pure verifiers, against the
 * trust anchor (the genesis document this node serves). Pages: `#/` overview, `#/block/<h>`,
 * `#/tx/<id>`, `#/did/<did>`, `#/registries`, `#/credit[/<uscc>]`, `#/disclosures`.
 */
import { progressLine } from '../shared/checks.ts';
import { h, mount, type Child } from '../shared/dom.ts';
import { langSwitch, onLangChange } from '../shared/i18n.ts';
import { blockPage } from './block.ts';
import { creditPage } from './credit.ts';
import { didPage } from './did.ts';
import { disclosuresPage } from './disclosures.ts';
import { overviewPage } from './overview.ts';
import { registriesPage } from './registries.ts';
import { txPage } from './tx.ts';
import { errorView, pageHeading, type View } from './ui.ts';
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

const root = document.getElementById('app') ?? document.body;
const title = h('h1', null);
const navList = h('ul', null);
const nav = h('nav', null, navList);
const main = h('main', { id: 'main', tabindex: -1 });
const skip = h('a', {
  class: 'skip',
  href: '#main',
  onclick: ((e: Event) => {
    e.preventDefault(); // #main would be taken as a route
    main.focus();
  }) as EventListener,
});
let generation = 0;

function renderChrome(current: string): void {
  title.textContent = t('app.title');
  skip.textContent = t('app.skip');
  nav.setAttribute('aria-label', t('nav.label'));
  mount(
    navList,
    NAV.map(([route, key]) =>
      h(
        'li',
        null,
        h('a', { href: `#/${route}`, 'aria-current': route === current ? 'page' : null }, t(key)),
      ),
    ),
  );
}

/** Renders the page of the current hash; `focus` moves the focus to its heading (after navigation). */
async function render(focus: boolean): Promise<void> {
  const mine = ++generation;
  const [name, arg] = parseHash(location.hash);
  const entry = Object.hasOwn(PAGES, name) ? PAGES[name] : undefined;
  renderChrome(entry?.nav ?? '-');
  const view: View = {
    live: () => mine === generation,
    progress: (text, done, total) => {
      if (mine === generation) mount(main, progressLine(text, done, total));
    },
  };
  view.progress(t('app.loading'));
  let content: Child;
  try {
    content =
      entry === undefined
        ? [pageHeading(t('error.noPage')), errorView(new Error(t('error.noPageDetail')))]
        : await entry.page(view, arg);
  } catch (err) {
    content = [pageHeading(t('error.title')), errorView(err)];
  }
  if (!view.live()) return;
  mount(main, content);
  const heading = document.getElementById('page-title');
  document.title = `${heading?.textContent ?? ''} · ${t('app.title')}`;
  if (focus) heading?.focus();
}

mount(root, skip, h('header', { class: 'top' }, title, nav, langSwitch()), main);
window.addEventListener('hashchange', () => void render(true));
onLangChange(() => void render(false));
void render(false);
