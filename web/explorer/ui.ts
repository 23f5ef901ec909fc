/** Pieces every explorer page uses: the page heading, the verdict, errors, badges and look-ups. */
import { ApiError } from '../shared/api.ts';
import { verdict } from '../shared/checks.ts';
import { h, type Child } from '../shared/dom.ts';
import type { Verifier } from './verifier.ts';
import { t } from './words.ts';

export { pageHeading } from '../shared/app.ts';
export type { View } from '../shared/app.ts';

/** A titled section of a page. */
export function section(id: string, title: string, ...children: Child[]): HTMLElement {
  return h(
    'section',
    { 'aria-labelledby': id, class: 'explorer-section' },
    h('h3', { id }, title),
    children,
  );
}

/** The verdict of everything `v` checked, then what it noted. */
export function verdictOf(v: Verifier, title = t('verdict.title')): HTMLElement {
  return h(
    'div',
    { class: 'verdict-wrap' },
    h('h3', null, title),
    verdict(v.checks, {
      verified: t('verdict.verified', { n: v.checks.length }),
      failed: t('verdict.failed', {
        n: v.checks.filter((c) => !c.ok).length,
        all: v.checks.length,
      }),
      none: t('verdict.none'),
    }),
    v.notes.map((n) => h('p', { class: 'muted note' }, n)),
  );
}

/** An error as people read it: what happened, the code and status, the server's message. */
export function errorView(err: unknown): HTMLElement {
  const code = (err as { code?: unknown }).code;
  const status = err instanceof ApiError ? err.status : undefined;
  const message = err instanceof Error ? err.message : String(err);
  const what =
    status === 404
      ? t('error.notFound')
      : status === 400
        ? t('error.badInput')
        : status === 0
          ? t('error.network')
          : t('error.other');
  return h(
    'div',
    { class: 'error', role: 'alert', 'data-error': typeof code === 'string' ? code : '' },
    h('p', null, h('strong', null, what)),
    h(
      'p',
      null,
      typeof code === 'string' ? h('code', { class: 'error-code' }, code) : null,
      status === undefined || status === 0 ? null : ` (HTTP ${status})`,
      ': ',
      message,
    ),
  );
}

/**
 * A row's proof status: proven (or, for a signature, `verified`), failed, or the node's word
 * only (`undefined`).
 */
export function proofBadge(
  ok: boolean | undefined,
  word: 'proven' | 'verified' = 'proven',
): HTMLElement {
  if (ok === undefined) return h('span', { class: 'badge warn proof-badge' }, t('badge.unproven'));
  return h(
    'span',
    { class: `badge ${ok ? 'ok' : 'bad'} proof-badge`, 'data-proof': ok ? 'ok' : 'failed' },
    ok ? `✓ ${t(`badge.${word}`)}` : `✗ ${t('badge.failed')}`,
  );
}

/** A one-field look-up form that goes to `route(value)`. */
export function lookupForm(o: {
  id: string;
  label: string;
  hint: string;
  button: string;
  pattern?: string;
  /** What the field holds at first (e.g. the code the page shows). */
  value?: string;
  route: (value: string) => string;
}): HTMLFormElement {
  const input = h('input', {
    id: o.id,
    name: o.id,
    value: o.value,
    required: true,
    autocomplete: 'off',
    spellcheck: 'false',
    pattern: o.pattern,
    'aria-describedby': `${o.id}-hint`,
  });
  return h(
    'form',
    {
      class: 'lookup',
      onsubmit: ((e: Event) => {
        e.preventDefault();
        location.hash = `#/${o.route(input.value.trim())}`;
      }) as EventListener,
    },
    h('label', { for: o.id }, o.label),
    h('p', { id: `${o.id}-hint`, class: 'muted hint' }, o.hint),
    h('div', { class: 'lookup-row' }, input, h('button', { type: 'submit' }, o.button)),
  );
}

/** A list of short code values (keys, origins, categories). */
export function codeList(values: readonly string[]): HTMLElement {
  return h(
    'ul',
    { class: 'plain' },
    values.map((v) => h('li', null, h('code', { class: 'mono' }, v))),
  );
}
