/**
 * Simplified Chinese and English for the pages: each app keeps its own dictionary of
 * `key → { en, zh }`; the language is chosen by a switch on every page (remembered in
 * localStorage: a preference, never a secret), else by the browser's language.
 */
export type Lang = 'en' | 'zh';
export type Dict = Readonly<Record<string, { readonly en: string; readonly zh: string }>>;

const STORAGE_KEY = 'realdid.lang';
const listeners = new Set<() => void>();

function initialLang(): Lang {
  const stored = globalThis.localStorage?.getItem(STORAGE_KEY);
  if (stored === 'en' || stored === 'zh') return stored;
  return (globalThis.navigator?.language ?? 'en').toLowerCase().startsWith('zh') ? 'zh' : 'en';
}

let lang: Lang = initialLang();

/** The language pages are shown in. */
export function currentLang(): Lang {
  return lang;
}

/** Switches the language, remembers it and re-renders whoever listens. */
export function setLang(next: Lang): void {
  lang = next;
  globalThis.localStorage?.setItem(STORAGE_KEY, next);
  document.documentElement.lang = next === 'zh' ? 'zh-CN' : 'en';
  for (const l of listeners) l();
}

/** Calls `listener` after every language change. */
export function onLangChange(listener: () => void): void {
  listeners.add(listener);
}

/**
 * A translator over `dict`: `t('key', { n: 3 })` is the current language's text with `{n}`
 * replaced. A missing key shows as the key itself (a visible bug, not an empty string).
 */
export function translator(
  dict: Dict,
): (key: string, vars?: Record<string, string | number>) => string {
  return (key, vars) => {
    const entry = dict[key];
    let text = entry === undefined ? key : entry[lang];
    if (vars !== undefined)
      for (const [name, value] of Object.entries(vars))
        text = text.split(`{${name}}`).join(String(value));
    return text;
  };
}

/** The language switch: one button naming the other language, in that language. */
export function langSwitch(): HTMLButtonElement {
  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'lang-switch';
  const label = (): void => {
    button.textContent = lang === 'zh' ? 'English' : '中文';
    button.lang = lang === 'zh' ? 'en' : 'zh-CN';
    button.setAttribute('aria-label', lang === 'zh' ? 'Switch to English' : '切换到中文');
  };
  label();
  button.addEventListener('click', () => setLang(lang === 'zh' ? 'en' : 'zh'));
  onLangChange(label);
  return button;
}

document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
