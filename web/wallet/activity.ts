/**
 * `#/activity`: everything concerning the person, newest first (`realdid wallet activity`), each
 * event in words with what the wallet checked: the state proof of a ledger event against a signed
 * checkpoint, the checks a login request passed before the person was asked, a copy's status list.
 */
import { h, textOf, type Child } from '../shared/dom.ts';
import { currentLang } from '../shared/i18n.ts';
import type { ActivityItem } from './api-types.ts';
import { claimsText, evidenceLine, explain, pageHeading, when } from './ui.ts';
import { walletApi } from './wallet-api.ts';
import { t } from './wallet-words.ts';

/** A value of an event's details as text ('?' for what is neither text nor a number). */
const str = (v: unknown): string => textOf(v, '?');
const strs = (v: unknown): string[] => (Array.isArray(v) ? v.map(str) : []);
/** The first non-empty string among `values`, else '?'. */
const first = (...values: unknown[]): string =>
  values.find((v): v is string => typeof v === 'string' && v !== '') ?? '?';

function loginText(d: Readonly<Record<string, unknown>>): string {
  const site = first(d.siteName, d.site);
  const purpose = first(d.purposeDescription, d.purpose);
  const claims = claimsText(strs(d.claims), t('sites.nothing'));
  if (d.outcome === 'sent') return t('event.login.sent', { site, purpose, claims });
  if (d.outcome === 'declined') return t('event.login.declined', { site, purpose, claims });
  return t('event.login.refused', { site, code: str(d.code) });
}

/** An event in the person's language. */
export function eventText(i: ActivityItem): string {
  const d = i.details;
  switch (i.kind) {
    case 'enrollment':
      return t('event.enrollment', {
        authority: str(d.authority),
        status: t(`status.${str(d.status)}`),
      });
    case 'rebinding':
      return t('event.rebinding', { n: str(d.rebinds) });
    case 'revocation':
      return t('event.revocation', { authority: str(d.authority) });
    case 'credential':
      return t('event.credential', {
        origin: str(d.origin),
        status: str(d.status ?? t('copies.unchecked')),
        exp: new Date(Number(d.exp) * 1000).toLocaleString(
          currentLang() === 'zh' ? 'zh-CN' : 'en-GB',
        ),
      });
    case 'login':
      return loginText(d);
    case 'disclosure':
      return t('event.disclosure', {
        claims: claimsText(strs(d.claims), '—'),
        site: first(d.siteName, d.site),
        policy: str((d.policy as { id?: unknown } | undefined)?.id),
      });
    case 'lawful-request':
      return t('event.lawful', {
        requester: str(d.requester),
        authority: str(d.authority),
        site: str(d.site),
        basis: str(d.basis),
        status: str(d.status),
      });
  }
}

/** What the wallet checked for an event. */
export function checkedFor(i: ActivityItem): Child {
  if (i.evidence !== undefined) return evidenceLine(i.evidence);
  if (i.kind === 'login')
    return i.details.outcome === 'refused'
      ? h('p', { class: 'evidence refused' }, explain(str(i.details.code), ''))
      : h(
          'p',
          { class: 'evidence' },
          h('span', { 'aria-hidden': 'true' }, '✓ '),
          t('checked.login'),
        );
  if (i.kind === 'credential' && i.details.status !== undefined)
    return h(
      'p',
      { class: 'evidence' },
      h('span', { 'aria-hidden': 'true' }, '✓ '),
      t('checked.credential'),
    );
  if (i.kind === 'disclosure') return h('p', { class: 'evidence' }, t('receipts.no'));
  return h('p', { class: 'evidence muted' }, t('checked.none'));
}

function eventRow(i: ActivityItem): HTMLElement {
  return h(
    'li',
    {
      class: 'event',
      'data-kind': i.kind,
      ...(i.kind === 'login' ? { 'data-outcome': str(i.details.outcome) } : {}),
    },
    h('p', { class: 'event-head' }, h('strong', null, t(`kind.${i.kind}`)), ' · ', when(i.time)),
    h('p', null, eventText(i)),
    checkedFor(i),
  );
}

/** The activity page. */
export async function activityView(progress: (text: string) => void): Promise<Child> {
  progress(t('activity.looking'));
  const { items } = await walletApi<{ items: ActivityItem[] }>('/api/activity');
  return [
    pageHeading(t('activity.title')),
    h('p', { class: 'muted' }, t('activity.intro')),
    items.length === 0
      ? h('p', null, t('activity.none'))
      : h(
          'ol',
          { class: 'events', id: 'events', 'aria-label': t('activity.list') },
          [...items].reverse().map(eventRow),
        ),
  ];
}
