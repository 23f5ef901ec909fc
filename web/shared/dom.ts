/**
 * Building the pages' DOM without HTML strings: every value from a server becomes a text node
 * or an attribute, never markup, so no answer can inject script.
 */
export type Child = Node | string | number | null | undefined | false | readonly Child[];
export type Props = Record<string, string | number | boolean | null | undefined | EventListener>;

/**
 * An element: `h('a', { href: '#/block/3', class: 'mono' }, 'block 3')`. Props starting with
 * `on` are event listeners (`onclick`); `true` sets a boolean attribute; null/undefined/false
 * leave it out.
 */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Props | null = null,
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(props ?? {})) {
    if (value === null || value === undefined || value === false) continue;
    if (typeof value === 'function') el.addEventListener(name.slice(2), value);
    else el.setAttribute(name, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

function append(el: Node, children: readonly Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(el, c as readonly Child[]);
    else if (c instanceof Node) el.appendChild(c);
    else el.appendChild(document.createTextNode(typeof c === 'number' ? String(c) : (c as string)));
  }
}

/** Replaces the content of `root` with `children`. */
export function mount(root: Element, ...children: Child[]): void {
  root.replaceChildren();
  append(root, children);
}

/** A value of an untyped answer as text: strings, numbers and booleans as they are, else `fallback`. */
export function textOf(value: unknown, fallback = ''): string {
  if (typeof value === 'string') return value;
  return typeof value === 'number' || typeof value === 'boolean' ? String(value) : fallback;
}

/** `value` cut in the middle for labels (`3f2a…09a1`); short values stay whole. */
export function abbreviate(value: string, keep = 8): string {
  return value.length <= keep * 2 + 1 ? value : `${value.slice(0, keep)}…${value.slice(-keep)}`;
}

/** A hash or DID cut in the middle for display (the whole value stays in the title). */
export function short(value: string, keep = 10): HTMLElement {
  return h('code', { title: value, class: 'mono' }, abbreviate(value, keep));
}

/** A time (ms since the epoch) as local date and time, with the ISO form as title. */
export function time(ms: number, lang: 'en' | 'zh'): HTMLElement {
  const d = new Date(ms);
  return h(
    'time',
    { datetime: d.toISOString(), title: d.toISOString() },
    d.toLocaleString(lang === 'zh' ? 'zh-CN' : 'en-GB', {
      dateStyle: 'medium',
      timeStyle: 'medium',
    }),
  );
}

/** A definition list of `[label, value]` rows. */
export function facts(rows: readonly (readonly [string, Child])[]): HTMLDListElement {
  return h(
    'dl',
    { class: 'facts' },
    rows.map(([k, v]) => [h('dt', null, k), h('dd', null, v)]),
  );
}

/** A table with a caption, column headers and rows. */
export function table(
  caption: string,
  headers: readonly string[],
  rows: readonly (readonly Child[])[],
): HTMLElement {
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      null,
      h('caption', null, caption),
      h(
        'thead',
        null,
        h(
          'tr',
          null,
          headers.map((x) => h('th', { scope: 'col' }, x)),
        ),
      ),
      h(
        'tbody',
        null,
        rows.map((r) =>
          h(
            'tr',
            null,
            r.map((c) => h('td', null, c)),
          ),
        ),
      ),
    ),
  );
}
