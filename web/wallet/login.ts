/**
 * `#/login`: logging into a site. The person pastes the site's `openid4vp://` link (or scans its
 * QR code: scan.ts); the wallet
 * server opens it and runs every check (POST /api/login); the consent screen shows what the
 * wallet verified and what the site asks (consent.ts); Approve or Refuse finishes it
 * (POST /api/login/<id>); then the outcome, or the refusal with its code in words. The step the
 * person is at survives a language switch (it lives in this module, not in the page).
 */
import { progressLine } from '../shared/checks.ts';
import { h, mount, type Child } from '../shared/dom.ts';
import type { Decision, Prompt } from './api-types.ts';
import { consentScreen, outcomeScreen } from './consent.ts';
import { scanControls } from './scan.ts';
import { codeOf, errorBox, pageHeading } from './ui.ts';
import { walletApi } from './wallet-api.ts';
import { t } from './wallet-words.ts';

type Step =
  | { readonly kind: 'form'; readonly link: string; readonly empty?: boolean }
  | { readonly kind: 'checking' }
  | { readonly kind: 'consent'; readonly prompt: Prompt; readonly busy?: 'approve' | 'refuse' }
  | { readonly kind: 'outcome'; readonly decision: Decision }
  | { readonly kind: 'refused'; readonly error: unknown };

let step: Step = { kind: 'form', link: '' };
let box: HTMLElement | undefined;

/** Moves to `next` and shows it; `focus` puts the focus on the step's heading. */
function go(next: Step, focus = true): void {
  step = next;
  if (box === undefined || !box.isConnected) return;
  mount(box, render());
  if (focus) box.querySelector<HTMLElement>('h3')?.focus();
}

async function open(link: string): Promise<void> {
  if (link === '') return go({ kind: 'form', link, empty: true });
  go({ kind: 'checking' });
  try {
    go({
      kind: 'consent',
      prompt: await walletApi<Prompt>('/api/login', { method: 'POST', json: { link } }),
    });
  } catch (err) {
    go({ kind: 'refused', error: err });
  }
}

async function decide(prompt: Prompt, approve: boolean): Promise<void> {
  go({ kind: 'consent', prompt, busy: approve ? 'approve' : 'refuse' }, false);
  try {
    const decision = await walletApi<Decision>(`/api/login/${encodeURIComponent(prompt.id)}`, {
      method: 'POST',
      json: { decision: approve ? 'approve' : 'refuse' },
    });
    go({ kind: 'outcome', decision });
  } catch (err) {
    go({ kind: 'refused', error: err });
  }
}

function form(s: Extract<Step, { kind: 'form' }>): Child {
  const area = h('textarea', {
    id: 'login-link',
    name: 'link',
    rows: 4,
    required: true,
    spellcheck: 'false',
    autocomplete: 'off',
    'aria-describedby': 'login-hint',
  });
  area.value = s.link;
  const submit = (e: Event): void => {
    e.preventDefault();
    void open(area.value.trim());
  };
  return h(
    'form',
    { id: 'login-form', onsubmit: submit },
    h('label', { for: 'login-link' }, t('login.label')),
    area,
    h('p', { id: 'login-hint', class: 'muted' }, t('login.hint')),
    s.empty === true ? h('p', { class: 'error', role: 'alert' }, t('login.empty')) : null,
    h('button', { type: 'submit', id: 'open-link' }, t('login.open')),
    scanControls((link) => void open(link)),
  );
}

function again(): HTMLElement {
  return h(
    'button',
    {
      type: 'button',
      class: 'secondary',
      id: 'login-again',
      onclick: () => go({ kind: 'form', link: '' }),
    },
    t('outcome.again'),
  );
}

function refused(error: unknown): Child {
  const logged = /^ERR_(IDENTITY|VC)_/.test(codeOf(error) ?? '');
  return h(
    'section',
    { id: 'login-refused', 'aria-labelledby': 'refused-title' },
    h('h3', { id: 'refused-title', tabindex: -1 }, t('outcome.refused')),
    errorBox(error),
    logged ? h('p', null, t('outcome.logged')) : null,
    again(),
  );
}

function render(): Child {
  switch (step.kind) {
    case 'form':
      return form(step);
    case 'checking':
      return progressLine(t('login.checking'));
    case 'consent': {
      const { prompt, busy } = step;
      return consentScreen(prompt, {
        busy,
        approve: () => void decide(prompt, true),
        refuse: () => void decide(prompt, false),
      });
    }
    case 'outcome':
      return [outcomeScreen(step.decision), again()];
    case 'refused':
      return refused(step.error);
  }
}

/** The login page. */
export async function loginView(): Promise<Child> {
  box = h('div', { id: 'login-step' });
  mount(box, render());
  return [pageHeading(t('login.title')), h('p', { class: 'muted' }, t('login.intro')), box];
}
