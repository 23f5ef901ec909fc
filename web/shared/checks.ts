/**
 * How a page says what it verified: a list of checks, each passed or failed, with what was
 * checked against what. A page never shows "verified" for a proof it did not check itself.
 */
import { h } from './dom.ts';

/** One verification done in the browser. */
export interface Check {
  /** What was checked, in the page's language (e.g. "inclusion proof of tx … against checkpoint 12"). */
  readonly label: string;
  readonly ok: boolean;
  /** Why it failed (the verifier's error code and message), when it did. */
  readonly detail?: string;
}

/** A check that failed with `err`: its code and message as the detail. */
export function failedCheck(label: string, err: unknown): Check {
  const code = (err as { code?: string } | null)?.code;
  const message = err instanceof Error ? err.message : String(err);
  return { label, ok: false, detail: code === undefined ? message : `${code}: ${message}` };
}

/** Runs `fn` as a check: ok when it returns, failed with the error's code and message when it throws. */
export async function check(label: string, fn: () => unknown): Promise<Check> {
  try {
    await fn();
    return { label, ok: true };
  } catch (err) {
    return failedCheck(label, err);
  }
}

/**
 * The list of checks, headed by the overall verdict. `data-verified` is `true` only when every
 * check passed (and there was at least one), so tests and people read the same thing.
 */
export function verdict(
  checks: readonly Check[],
  words: { verified: string; failed: string; none: string },
): HTMLElement {
  const all = checks.length > 0 && checks.every((c) => c.ok);
  const heading = checks.length === 0 ? words.none : all ? words.verified : words.failed;
  return h(
    'section',
    {
      class: `verdict ${checks.length === 0 ? 'none' : all ? 'ok' : 'failed'}`,
      'data-verified': String(all),
      role: 'status',
      'aria-live': 'polite',
    },
    h(
      'p',
      { class: 'verdict-head' },
      h('span', { 'aria-hidden': 'true' }, all ? '✓ ' : '✗ '),
      heading,
    ),
    h(
      'ul',
      null,
      checks.map((c) =>
        h(
          'li',
          { class: c.ok ? 'ok' : 'failed', 'data-check': c.ok ? 'ok' : 'failed' },
          h('span', { 'aria-hidden': 'true' }, c.ok ? '✓ ' : '✗ '),
          c.label,
          c.detail === undefined ? null : h('span', { class: 'detail' }, ` — ${c.detail}`),
        ),
      ),
    ),
  );
}

/** A progress line for long work (role=progressbar when the total is known). */
export function progressLine(text: string, done?: number, total?: number): HTMLElement {
  if (done === undefined || total === undefined || total <= 0)
    return h('p', { class: 'progress', role: 'status' }, text);
  return h(
    'p',
    { class: 'progress' },
    h('label', null, text, ' ', h('progress', { max: total, value: done })),
  );
}
