/**
 * The frame every page app shares: a skip link, a header with the title, the nav and the
 * language switch, and a `<main>` showing the page of the current hash route. Navigation moves
 * the focus to the new page's heading (`#page-title`), so screen readers announce it; work of a
 * page the person already left is dropped. While a page works, `<main>` is `aria-busy`; once it
 * shows a page, its `data-route` is that page's hash.
 */
import { progressLine } from './checks.ts';
import { h, mount, type Child } from './dom.ts';
import { langSwitch, onLangChange } from './i18n.ts';

/** What a page may do while it works: say how far it got, and ask whether it is still shown. */
export interface View {
  /** False once the person went to another page (the work's result is then dropped). */
  live(): boolean;
  /** Shows a progress line (with a bar when `total` is known). */
  progress(text: string, done?: number, total?: number): void;
}

/** An app: its words, its nav, and how it renders a hash route. */
export interface AppOptions {
  /** The app's translator. */
  readonly t: (key: string) => string;
  /** Dictionary keys of the app's title, skip link, nav label and loading line. */
  readonly keys: {
    readonly title: string;
    readonly skip: string;
    readonly navLabel: string;
    readonly loading: string;
  };
  /** The nav, in order: `[route, label key]` (route `''` is `#/`). */
  readonly nav: readonly (readonly [string, string])[];
  /** The nav route a hash belongs to (one not in the nav: none is marked current). */
  current(hash: string): string;
  /** The content of the page at `hash`. */
  page(hash: string, view: View): Promise<Child>;
  /** What is shown when `page` throws. */
  error(err: unknown): Child;
}

/** The page's heading (`#page-title`, focused after navigation). */
export function pageHeading(text: string, ...more: Child[]): HTMLElement {
  return h('h2', { id: 'page-title', class: 'page-title', tabindex: -1 }, text, ...more);
}

/** Mounts the app in `#app` and renders the current route, then every route and language change. */
export function startApp(o: AppOptions): void {
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

  const chrome = (current: string): void => {
    title.textContent = o.t(o.keys.title);
    skip.textContent = o.t(o.keys.skip);
    nav.setAttribute('aria-label', o.t(o.keys.navLabel));
    mount(
      navList,
      o.nav.map(([route, key]) =>
        h(
          'li',
          null,
          h(
            'a',
            { href: `#/${route}`, 'aria-current': route === current ? 'page' : null },
            o.t(key),
          ),
        ),
      ),
    );
  };

  const render = async (focus: boolean): Promise<void> => {
    const mine = ++generation;
    const hash = location.hash;
    chrome(o.current(hash));
    main.setAttribute('aria-busy', 'true');
    const view: View = {
      live: () => mine === generation,
      progress: (text, done, total) => {
        if (mine === generation) mount(main, progressLine(text, done, total));
      },
    };
    view.progress(o.t(o.keys.loading));
    let content: Child;
    try {
      content = await o.page(hash, view);
    } catch (err) {
      try {
        content = o.error(err);
      } catch {
        content = String(err); // the error view itself failed: still end the busy state
      }
    }
    if (!view.live()) return;
    mount(main, content);
    main.removeAttribute('aria-busy');
    main.dataset['route'] = hash; // the route now shown (tests wait for it)
    const heading = document.getElementById('page-title');
    document.title = `${heading?.textContent ?? ''} · ${o.t(o.keys.title)}`;
    if (focus) heading?.focus();
  };

  mount(root, skip, h('header', { class: 'top' }, title, nav, langSwitch()), main);
  window.addEventListener('hashchange', () => void render(true));
  onLangChange(() => void render(false));
  void render(false);
}
