/**
 * `#/credit` and `#/credit/<uscc>`: organizations' public credit information. The lists
 * governance defined (their rules proven as the adopted document `gov/doc/credit/lists`) with the
 * organizations on each (each entry proven: `credit/listed/<list>/<uscc>`); and an organization's
 * public record by its unified social credit code: each public record the node returns proven
 * (`credit/record/<id>`) to be a public record about that organization (`subject.uscc`), and its
 * presence on, or absence from, every list proven. That the node returned all of an
 * organization's records is not proven. People's records are never public.
 */
import { allPages, api } from '../shared/api.ts';
import { h, short, table, type Child } from '../shared/dom.ts';
import { didRoute, fail, link, sameJson } from './format.ts';
import {
  errorView,
  lookupForm,
  pageHeading,
  proofBadge,
  section,
  verdictOf,
  type View,
} from './ui.ts';
import { Verifier } from './verifier.ts';
import { t } from './words.ts';

interface ListRule {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly categories: readonly string[];
  readonly threshold: number;
  readonly minSeverity: number;
}

interface ListEntry {
  readonly list: string;
  readonly uscc: string;
  readonly since: number;
  readonly records: readonly string[];
}

interface RecordView {
  readonly id: string;
  readonly subject: { readonly type: string; readonly uscc?: string };
  readonly public: boolean;
  readonly category: string;
  readonly polarity: string;
  readonly severity: number;
  readonly issuer: string;
  readonly effective: string;
  readonly expires: string;
  readonly status: string;
}

/** The credit page; with `arg`, also the public record of the organization of that code. */
export async function creditPage(view: View, arg: string): Promise<Child> {
  const v = new Verifier();
  const [, { lists }] = await Promise.all([
    v.anchor(),
    api<{ lists: ListRule[] }>('/v1/credit/lists'),
  ]);
  const rules = await v.state<{ document: { lists: ListRule[] } }>(
    'gov/doc/credit/lists',
    t('what.lists'),
    (p) => sameJson(p?.document.lists ?? [], lists),
  );
  const uscc = decodeURIComponent(arg);
  const lookup = uscc === '' ? null : await organization(view, v, uscc, lists);
  const entries = await Promise.all(lists.map((l) => listEntries(v, l)));
  return [
    pageHeading(t('credit.title')),
    h('p', { class: 'muted' }, t('credit.note')),
    lookupForm({
      id: 'uscc-lookup',
      label: t('lookup.uscc'),
      hint: t('lookup.usccHint'),
      button: t('lookup.go'),
      pattern: '[0-9A-HJ-NP-RTUW-Ya-hj-np-rtuw-y]{18}',
      value: uscc,
      route: (code) => `credit/${encodeURIComponent(code.toUpperCase())}`,
    }),
    lookup,
    verdictOf(v),
    section(
      'lists',
      t('credit.lists'),
      h('p', { class: 'muted' }, rules.ok ? t('credit.rulesProven') : t('credit.rulesUnproven')),
      lists.length === 0
        ? h('p', { class: 'muted' }, t('registries.none'))
        : lists.map((l, i) => listView(l, entries[i]!)),
    ),
  ];
}

/** Every entry of a list (all pages), each proven. */
async function listEntries(
  v: Verifier,
  list: ListRule,
): Promise<{ entry: ListEntry; ok: boolean }[]> {
  const all = await allPages<ListEntry>(
    `/v1/credit/lists/${encodeURIComponent(list.id)}?limit=1000`,
    'entries',
  );
  return Promise.all(
    all.map(async (entry) => ({
      entry,
      ok: (
        await v.state(
          `credit/listed/${list.id}/${entry.uscc}`,
          t('what.listed', { uscc: entry.uscc, list: list.name }),
          entry,
        )
      ).ok,
    })),
  );
}

function listView(l: ListRule, entries: readonly { entry: ListEntry; ok: boolean }[]): HTMLElement {
  return h(
    'article',
    { class: 'panel' },
    h('h4', null, l.name, ' ', h('code', null, l.id)),
    h('p', null, l.description),
    h(
      'p',
      { class: 'muted' },
      t('credit.rule', {
        threshold: l.threshold,
        severity: l.minSeverity,
        categories: l.categories.join(', '),
      }),
    ),
    entries.length === 0
      ? h('p', { class: 'muted' }, t('credit.empty'))
      : table(
          l.name,
          [t('field.uscc'), t('field.since'), t('field.records'), t('field.proof')],
          entries.map(({ entry, ok }) => [
            link(`credit/${entry.uscc}`, h('code', null, entry.uscc)),
            new Date(entry.since).toISOString().slice(0, 10),
            String(entry.records.length),
            proofBadge(ok),
          ]),
        ),
  );
}

/** The public record of one organization, each record and each list membership proven. */
async function organization(
  view: View,
  v: Verifier,
  uscc: string,
  lists: readonly ListRule[],
): Promise<Child> {
  view.progress(t('progress.org'));
  let answer: { uscc: string; records: RecordView[]; lists: ListEntry[] };
  try {
    answer = await api(`/v1/credit/public/${encodeURIComponent(uscc)}`);
  } catch (err) {
    return section('org', t('credit.org', { uscc }), errorView(err));
  }
  // Each record proven, and proven to be a public record about this organization: a record of
  // another organization, however well proven, is not part of this one's public record.
  const records = await Promise.all(
    answer.records.map(async (r) => {
      const what = t('what.record', { id: r.id.slice(0, 8), uscc });
      const about = (p: RecordView | null): boolean => {
        if (!sameJson(p, r)) return false;
        const subject = p?.subject;
        if (answer.uscc !== uscc || subject?.type !== 'org' || subject.uscc !== uscc)
          fail('ERR_LEDGER_BAD_PROOF', t('fail.recordSubject', { id: r.id.slice(0, 8), uscc }));
        if (p?.public !== true)
          fail('ERR_LEDGER_BAD_PROOF', t('fail.recordNotPublic', { id: r.id.slice(0, 8) }));
        return true;
      };
      return { r, ok: (await v.state(`credit/record/${r.id}`, what, about)).ok };
    }),
  );
  const memberships = await Promise.all(
    lists.map(async (l) => {
      const listed = answer.lists.find((e) => e.list === l.id) ?? null;
      const what = t('what.listed', { uscc, list: l.name });
      const p = await v.state(`credit/listed/${l.id}/${uscc}`, what, listed);
      return [l.name, t(listed === null ? 'credit.notListed' : 'credit.listed'), proofBadge(p.ok)];
    }),
  );
  return section(
    'org',
    t('credit.org', { uscc }),
    records.length === 0 ? h('p', { class: 'muted' }, t('credit.noRecords')) : recordTable(records),
    h('p', { class: 'muted' }, t('credit.recordsNote')),
    table(
      t('credit.memberships'),
      [t('field.list'), t('field.status'), t('field.proof')],
      memberships,
    ),
  );
}

function recordTable(records: readonly { r: RecordView; ok: boolean }[]): HTMLElement {
  return table(
    t('credit.records'),
    ['record', 'category', 'severity', 'issuer', 'effective', 'status', 'proof'].map((f) =>
      t(`field.${f}`),
    ),
    records.map(({ r, ok }) => [
      short(r.id, 6),
      `${r.category} (${r.polarity})`,
      String(r.severity),
      link(didRoute(r.issuer), short(r.issuer, 8)),
      `${r.effective} – ${r.expires}`,
      r.status,
      proofBadge(ok),
    ]),
  );
}
