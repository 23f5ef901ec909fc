/**
 * The dispute form of one record: a button opens it; the statement has a label and a live
 * counter of its 500 characters; "Dispute…" asks for confirmation (what is sent where, and the
 * deadline rule) before anything is sent; errors show with their code.
 */
import { progressLine } from '../shared/checks.ts';
import { h } from '../shared/dom.ts';
import { t } from './credit-words.ts';
import { errorBox } from './ui.ts';

const MAX = 500;

/** The confirmation step: sends on "Confirm", goes back to the form on "Cancel". */
function confirmStep(
  status: HTMLElement,
  panel: HTMLElement,
  send: () => Promise<void>,
): HTMLElement {
  const box = h('div', {
    class: 'panel credit-confirm',
    role: 'group',
    'aria-label': t('confirm'),
  });
  const cancel = h('button', { type: 'button', class: 'secondary' }, t('cancel'));
  const ok = h(
    'button',
    { type: 'button', class: 'danger', 'data-action': 'confirm-dispute' },
    t('confirm'),
  );
  cancel.addEventListener('click', () => {
    box.remove();
    panel.hidden = false;
    panel.querySelector('textarea')?.focus();
  });
  ok.addEventListener('click', () => {
    ok.disabled = true;
    cancel.disabled = true;
    status.replaceChildren(progressLine(t('sending')));
    send().catch((err: unknown) => {
      status.replaceChildren(errorBox(err));
      ok.disabled = false;
      cancel.disabled = false;
    });
  });
  box.append(h('p', null, t('confirmText')), h('p', { class: 'decision' }, ok, cancel));
  return box;
}

/** The form, closed behind its button. `send` files the dispute (the page re-renders after). */
export function disputeForm(
  record: string,
  send: (statement: string) => Promise<void>,
): HTMLElement {
  const key = record.slice(0, 16);
  const counter = h(
    'p',
    { id: `credit-count-${key}`, class: 'muted', 'aria-live': 'polite' },
    t('counter', { n: 0 }),
  );
  const area = h('textarea', {
    id: `credit-statement-${key}`,
    name: 'statement',
    rows: 4,
    maxlength: MAX,
    required: true,
    'aria-describedby': counter.id,
  });
  area.addEventListener('input', () => {
    counter.textContent = t('counter', { n: area.value.length });
  });
  const status = h('div', null);
  const form = h(
    'form',
    { class: 'credit-dispute' },
    h('label', { for: area.id }, t('statementLabel')),
    area,
    counter,
    h('p', null, h('button', { type: 'submit' }, t('send'))),
  );
  // a form is `display: grid` (style.css), which `hidden` does not override: a div wraps it
  const panel = h('div', { id: `credit-dispute-${key}`, hidden: true }, form);
  const wrap = h('div', null);
  const open = h(
    'button',
    { type: 'button', class: 'secondary', 'aria-expanded': 'false', 'aria-controls': panel.id },
    t('disputeButton'),
  );
  open.addEventListener('click', () => {
    panel.hidden = !panel.hidden;
    open.setAttribute('aria-expanded', String(!panel.hidden));
    if (!panel.hidden) area.focus();
  });
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const statement = area.value.trim();
    if (statement === '') return area.focus();
    panel.hidden = true;
    const step = confirmStep(status, panel, () => send(statement));
    panel.after(step);
    step.querySelector('button')?.focus();
  });
  wrap.append(open, panel, status);
  return wrap;
}
