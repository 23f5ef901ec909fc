/**
 * The consent screen of a login (what the wallet verified; the site's registered name, origin and
 * DID; the purpose; each claim asked for; a disclosure policy in a marked box with its legal basis
 * and condition and the note that a consent receipt will be signed; Approve and Refuse) and the
 * outcome screen (the account, what was shown, the receipt's hash).
 */
import { progressLine } from '../shared/checks.ts';
import { facts, h, type Child } from '../shared/dom.ts';
import type { Decision, Policy, Prompt } from './api-types.ts';
import { claimName, claimsText, mono, when } from './ui.ts';
import { t } from './wallet-words.ts';

function claimList(id: string, claims: readonly string[]): HTMLElement {
  if (claims.length === 0) return h('p', { id }, t('consent.noClaims'));
  return h(
    'ul',
    { id },
    claims.map((c) =>
      h(
        'li',
        { 'data-claim': c },
        h('strong', null, claimName(c)),
        ' ',
        h('code', { class: 'muted' }, c),
      ),
    ),
  );
}

function policyBox(p: Policy): HTMLElement {
  return h(
    'aside',
    {
      class: 'policy-box',
      id: 'consent-policy',
      'aria-labelledby': 'policy-title',
      'data-policy': p.id,
    },
    h(
      'h4',
      { id: 'policy-title' },
      h('span', { 'aria-hidden': 'true' }, '⚠ '),
      t('policy.title', { id: p.id }),
    ),
    h('p', null, p.description),
    facts([
      [t('policy.basis'), h('span', { id: 'policy-basis' }, p.legalBasis)],
      [t('policy.condition'), h('span', { id: 'policy-condition' }, p.condition)],
      [t('policy.claims'), claimsText(p.claims, '—')],
    ]),
    h('p', { class: 'receipt-note' }, t('policy.receipt')),
  );
}

/** The site and the request, as the wallet verified them. */
function requestFacts(p: Prompt): HTMLElement {
  const span = (id: string, ...children: Child[]) => h('span', { id }, ...children);
  return facts([
    [t('consent.site'), h('strong', { id: 'consent-site' }, p.site.name)],
    [
      t('consent.origin'),
      span(
        'consent-origin',
        p.site.origins.map((x, i) => [i > 0 ? ', ' : null, mono(x)]),
      ),
    ],
    [t('consent.did'), mono(p.site.did, 'consent-did')],
    [
      t('consent.purpose'),
      span(
        'consent-purpose',
        `${p.purpose.description} `,
        h('code', { class: 'muted' }, `[${p.purpose.id}]`),
      ),
    ],
    [
      t('consent.account'),
      [
        mono(p.account, 'consent-account'),
        h('br'),
        h('span', { class: 'muted' }, t('consent.accountNote')),
      ],
    ],
    [t('consent.expires'), when(p.expires)],
  ]);
}

/** Approve and Refuse (disabled while the decision is acted on). */
function decisionButtons(o: ConsentActions): HTMLElement {
  const busy = o.busy !== undefined;
  return h(
    'div',
    { class: 'decision' },
    h(
      'button',
      { type: 'button', id: 'approve', disabled: busy, onclick: o.approve },
      t('consent.approve'),
    ),
    h(
      'button',
      { type: 'button', id: 'refuse', class: 'secondary', disabled: busy, onclick: o.refuse },
      t('consent.refuse'),
    ),
  );
}

/** What the consent screen's buttons do, and which one is being acted on. */
export interface ConsentActions {
  readonly busy: 'approve' | 'refuse' | undefined;
  readonly approve: () => void;
  readonly refuse: () => void;
}

/** What the person decides on; `busy` shows progress and disables the buttons. */
export function consentScreen(p: Prompt, o: ConsentActions): HTMLElement {
  return h(
    'section',
    { id: 'consent', class: 'panel', 'aria-labelledby': 'consent-title' },
    h('h3', { id: 'consent-title', tabindex: -1 }, t('consent.title', { site: p.site.name })),
    h(
      'p',
      { class: 'checked-note' },
      h('span', { 'aria-hidden': 'true' }, '✓ '),
      t('consent.checked'),
    ),
    requestFacts(p),
    h('h4', null, t('consent.claims')),
    claimList('consent-claims', p.claims),
    p.policy === undefined ? null : policyBox(p.policy),
    decisionButtons(o),
    o.busy === undefined
      ? null
      : progressLine(t(o.busy === 'approve' ? 'consent.sending' : 'consent.declining')),
  );
}

function declinedScreen(d: Decision): HTMLElement {
  return h(
    'section',
    { id: 'outcome', 'data-outcome': 'declined', 'aria-labelledby': 'outcome-title' },
    h('h3', { id: 'outcome-title', tabindex: -1 }, t('outcome.declined', { site: d.name })),
    h('p', null, t('outcome.declinedNote')),
  );
}

/** What came of the decision: the account and what was shown, or the refusal. */
export function outcomeScreen(d: Decision): Child {
  if (d.outcome === 'declined') return declinedScreen(d);
  const rows: [string, Child][] = [
    [t('outcome.account'), mono(d.account, 'outcome-account')],
    [
      t('outcome.shown'),
      h('span', { id: 'outcome-shown' }, claimsText(d.disclosed ?? [], t('sites.nothing'))),
    ],
  ];
  if (d.receiptHash !== undefined)
    rows.push([
      t('outcome.receipt'),
      [mono(d.receiptHash, 'receipt-hash'), h('br'), t('outcome.receiptNote')],
    ]);
  const next =
    d.redirectUri === undefined
      ? null
      : h(
          'a',
          { href: d.redirectUri, id: 'continue-site', rel: 'noreferrer' },
          t('outcome.continue'),
        );
  return h(
    'section',
    {
      id: 'outcome',
      'data-outcome': 'sent',
      'aria-labelledby': 'outcome-title',
      class: 'verdict ok',
    },
    h(
      'h3',
      { id: 'outcome-title', tabindex: -1 },
      h('span', { 'aria-hidden': 'true' }, '✓ '),
      t('outcome.sent', { site: d.name }),
    ),
    facts(rows),
    next === null ? null : h('p', null, next),
  );
}
