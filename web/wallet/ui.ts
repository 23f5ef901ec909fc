/**
 * Pieces the wallet page's views share: the page heading, an error in words with its code, a
 * status badge, claim names in the person's language, and what a checked proof showed.
 */
import { ApiError } from '../shared/api.ts';
import { h, short, time, type Child } from '../shared/dom.ts';
import { currentLang } from '../shared/i18n.ts';
import type { Evidence } from './api-types.ts';
import { LOGIN_WORDS } from './login-words.ts';
import { t } from './wallet-words.ts';

/** Text whose `quoted` parts (commands, file names) are shown as code. */
export function rich(text: string): Child[] {
  return text.split('`').map((part, i) => (i % 2 === 1 ? h('code', null, part) : part));
}

export { pageHeading } from '../shared/app.ts';

/** The error's code, if it has one. */
export function codeOf(err: unknown): string | undefined {
  return err instanceof ApiError ? err.code : (err as { code?: string } | null)?.code;
}

/** What an error code means, in words (the server's message when the page knows no words for it). */
export function explain(code: string | undefined, message: string): string {
  if (code === 'ERR_CLI_WALLET_SESSION') return t('error.session');
  if (code !== undefined && Object.hasOwn(LOGIN_WORDS, code)) return t(code);
  return `${t('error.generic')} ${message}`;
}

/**
 * An error box: the explanation, then the code (`code.code`) and the server's message. Takes a
 * thrown error or a `{code, message}` reason of an answer.
 */
export function errorBox(err: unknown): HTMLElement {
  const code = codeOf(err);
  const m = (err as { message?: unknown } | null)?.message;
  const message = typeof m === 'string' ? m : String(err);
  return h(
    'div',
    { class: 'error', role: 'alert' },
    h('p', { class: 'error-words' }, rich(explain(code, message))),
    code === undefined
      ? null
      : h(
          'p',
          { class: 'error-code' },
          `${t('error.code')}: `,
          h('code', { class: 'code' }, code),
          h('span', { class: 'muted' }, ` — ${message}`),
        ),
  );
}

/** A badge: `ok`, `bad` or `warn`. */
export function badge(kind: 'ok' | 'bad' | 'warn', text: string): HTMLElement {
  return h('span', { class: `badge ${kind}` }, text);
}

/** A claim's name in the person's language (the claim id as a title). */
export function claimName(claim: string): string {
  const key = `claim.${claim}`;
  return Object.hasOwn(LOGIN_WORDS, key) ? t(key) : claim;
}

/** Claims as a comma-separated phrase in words (`fallback` when there are none). */
export function claimsText(claims: readonly string[], fallback: string): string {
  return claims.length === 0
    ? fallback
    : claims.map(claimName).join(currentLang() === 'zh' ? '、' : ', ');
}

/** A time in the person's language. */
export const when = (ms: number): HTMLElement => time(ms, currentLang());

/** What the wallet checked for a ledger fact, in words (`present`: the proof showed it there). */
export function evidenceLine(e: Evidence, present = true): HTMLElement {
  return h(
    'p',
    { class: 'evidence', 'data-evidence': e.key },
    h('span', { 'aria-hidden': 'true' }, '✓ '),
    t(present ? 'verified.state' : 'verified.absent', {
      key: e.key,
      height: e.height,
      signers: e.signers.join(', '),
    }),
  );
}

/** A DID, hash or URL shown whole (it wraps), with an id for tests and links. */
export const mono = (value: string, id?: string): Child =>
  h('code', { class: 'mono', ...(id === undefined ? {} : { id }) }, value);

/** A DID or hash cut in the middle (whole in its title). */
export const shortly = (value: string): HTMLElement => short(value, 12);
