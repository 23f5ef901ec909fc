/**
 * The person's wallet page, served by `realdid wallet serve` on 127.0.0.1 and talking only to it
 * (wallet-api.ts). Hash routes: `#/` overview, `#/login`, `#/credentials`, `#/sites`,
 * `#/receipts`, `#/activity`, `#/lawful`, `#/credit`. Nothing is kept in the browser but the
 * language preference.
 */
import { progressLine } from '../shared/checks.ts';
import { h, mount, type Child } from '../shared/dom.ts';
import { langSwitch, onLangChange } from '../shared/i18n.ts';
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

const routeOf = (hash: string): string => hash.replace(/^#\/?/, '').split(/[/?]/)[0] ?? '';

function renderChrome(current: string): void {
  title.textContent = t('app.title');
  skip.textContent = t('app.skip');
  nav.setAttribute('aria-label', t('nav.label'));
  mount(
    navList,
    ROUTES.map(([route, key]) =>
      h(
        'li',
        null,
        h('a', { href: `#/${route}`, 'aria-current': route === current ? 'page' : null }, t(key)),
      ),
    ),
  );
}

/** Renders the view of the current hash; `focus` moves the focus to its heading (after navigation). */
async function render(focus: boolean): Promise<void> {
  const mine = ++generation;
  const route = routeOf(location.hash);
  const entry = ROUTES.find(([r]) => r === route);
  renderChrome(route);
  const progress = (text: string): void => {
    if (mine === generation) mount(main, progressLine(text));
  };
  progress(t('app.loading'));
  let content: Child;
  try {
    content =
      entry === undefined
        ? [pageHeading(t('page.missing')), h('p', null, t('page.missingDetail'))]
        : await entry[2](progress);
  } catch (err) {
    content = [pageHeading(t('page.error')), errorBox(err)];
  }
  if (mine !== generation) return;
  mount(main, content);
  const heading = main.querySelector<HTMLElement>('h2');
  document.title = `${heading?.textContent ?? ''} · ${t('app.title')}`;
  if (focus) heading?.focus();
}

mount(root, skip, h('header', { class: 'top' }, title, nav, langSwitch()), main);
window.addEventListener('hashchange', () => void render(true));
onLangChange(() => void render(false));
void render(false);
