/**
 * Who queried the person (querier, purpose, allowed or denied and why, when, with or without
 * their consent) and the form that gives a consent token: the querier's DID, the purpose and how
 * long it stays valid; the signed token is shown to copy and give to the querier.
 */
import { h, short, table, time } from '../shared/dom.ts';
import { currentLang } from '../shared/i18n.ts';
import { progressLine } from '../shared/checks.ts';
import { walletApi } from './wallet-api.ts';
import type { ConsentAnswer, WalletCreditReport } from './credit-types.ts';
import { t } from './credit-words.ts';
import { errorBox } from './ui.ts';

/** The queries section. */
export function queriesSection(r: WalletCreditReport): HTMLElement {
  const rows = r.queries.map(({ query: q, found }) => [
    h(
      'span',
      null,
      r.names[q.querier] === undefined ? null : `${r.names[q.querier]} `,
      short(q.querier),
    ),
    q.purpose,
    h(
      'span',
      { 'data-outcome': q.outcome, 'data-query': q.id },
      h('span', { class: `badge ${q.outcome === 'allowed' ? 'ok' : 'bad'}` }, t(q.outcome)),
      q.reason === undefined ? null : h('span', { class: 'muted' }, ` ${q.reason}`),
      found?.handleKey === 'consent' ? ` — ${t('withConsent')}` : null,
      found?.handleKey === 'record' ? ` — ${t('withoutConsent')}` : null,
    ),
    time(q.at, currentLang()),
  ]);
  return h(
    'section',
    { class: 'credit-queries', 'aria-labelledby': 'credit-queries-h' },
    h('h3', { id: 'credit-queries-h' }, t('queriesTitle', { n: r.queries.length })),
    rows.length === 0
      ? h('p', null, t('noQueries'))
      : table(
          t('queriesTitle', { n: rows.length }),
          [t('querier'), t('purpose'), t('outcome'), t('when')],
          rows,
        ),
  );
}

function field(id: string, label: string, control: HTMLElement): HTMLElement {
  return h('div', null, h('label', { for: id }, label), control);
}

/** The token, to copy. */
function tokenBox(answer: ConsentAnswer): HTMLElement {
  const text = JSON.stringify(answer.token, null, 2);
  const until = new Date(answer.token.expires).toLocaleString(
    currentLang() === 'zh' ? 'zh-CN' : 'en-GB',
  );
  const area = h('textarea', { id: 'credit-token', readonly: true, rows: 8, class: 'mono' });
  area.value = text;
  const done = h('span', { role: 'status' });
  const copy = h('button', { type: 'button', class: 'secondary' }, t('copy'));
  copy.addEventListener('click', () => {
    area.select();
    navigator.clipboard.writeText(text).then(
      () => (done.textContent = ` ${t('copied')}`),
      (err: unknown) => done.replaceChildren(errorBox(err)),
    );
  });
  return h(
    'div',
    { class: 'credit-token' },
    h('label', { for: area.id }, t('tokenLabel', { until })),
    area,
    h('p', null, copy, done),
  );
}

/** The consent form. */
export function consentSection(): HTMLElement {
  const querier = h('input', {
    id: 'credit-querier',
    name: 'querier',
    required: true,
    autocomplete: 'off',
    spellcheck: 'false',
    placeholder: 'did:rdid:…',
  });
  const purpose = h('input', {
    id: 'credit-purpose',
    name: 'purpose',
    required: true,
    autocomplete: 'off',
    placeholder: 'loan-underwriting',
  });
  const expires = h(
    'select',
    { id: 'credit-expires', name: 'expires' },
    ['1h', '1d', '7d', '30d'].map((v) => h('option', { value: v, selected: v === '7d' }, t(v))),
  );
  const out = h('div', { 'aria-live': 'polite' });
  const submit = h('button', { type: 'submit' }, t('makeToken'));
  const form = h(
    'form',
    { class: 'credit-consent' },
    field(querier.id, t('querierLabel'), querier),
    field(purpose.id, t('purposeLabel'), purpose),
    field(expires.id, t('expiresLabel'), expires),
    h('p', null, submit),
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    submit.disabled = true;
    out.replaceChildren(progressLine(t('making')));
    const json = {
      querier: querier.value.trim(),
      purpose: purpose.value.trim(),
      expires: expires.value,
    };
    walletApi<ConsentAnswer>('/api/credit/consent', { method: 'POST', json })
      .then((answer) => out.replaceChildren(tokenBox(answer)))
      .catch((err: unknown) => out.replaceChildren(errorBox(err)))
      .finally(() => (submit.disabled = false));
  });
  return h(
    'section',
    { class: 'credit-consent', 'aria-labelledby': 'credit-consent-h' },
    h('h3', { id: 'credit-consent-h' }, t('consentTitle')),
    h('p', { class: 'muted' }, t('consentIntro')),
    form,
    out,
  );
}
