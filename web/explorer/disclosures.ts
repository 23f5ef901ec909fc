/**
 * `#/disclosures`: how often each site invoked each of its disclosure policies. The node's
 * statistics (`/v1/identity/disclosure-counts`, what the SDK's `disclosureCounts` reads) are
 * checked count by count: every registered policy of every relying party (each registration
 * proven) has its count read from state with its proof (`idn/disclosure-count/<site>/<policy>`;
 * a proven absence is a count of 0), and every count the node lists must equal the proven one.
 */
import { allPages } from '../shared/api.ts';
import { h, short, table, type Child } from '../shared/dom.ts';
import { didRoute, link } from './format.ts';
import { pageHeading, proofBadge, section, verdictOf, type View } from './ui.ts';
import { allGrants, proveGrants, type Grant } from './registries.ts';
import { Verifier } from './verifier.ts';
import { t } from './words.ts';

interface Count {
  readonly site: string;
  readonly policy: string;
  readonly count: number;
}

interface Row {
  readonly site: string;
  readonly name: string;
  readonly policy: string;
  readonly description: string;
  readonly count: number | null;
  readonly ok: boolean;
}

/** Every count the node lists (all pages). */
function allCounts(): Promise<Count[]> {
  return allPages<Count>('/v1/identity/disclosure-counts?limit=500', 'counts');
}

/** The disclosures page. @throws ApiError when the node cannot answer */
export async function disclosuresPage(view: View): Promise<Child> {
  const v = new Verifier();
  const [, sites, counts] = await Promise.all([
    v.anchor(),
    allGrants('relying-party'),
    allCounts(),
  ]);
  const proven = await proveGrants(view, v, sites);
  const rows = await proveCounts(v, sites, counts);
  return [
    pageHeading(t('disclosures.title')),
    h('p', { class: 'muted' }, t('disclosures.note')),
    verdictOf(v),
    section(
      'counts',
      t('disclosures.counts'),
      rows.length === 0 ? h('p', { class: 'muted' }, t('disclosures.none')) : countsTable(rows),
    ),
    siteNote(sites, proven),
  ];
}

type Pair = Omit<Row, 'count' | 'ok'>;

/**
 * Every (site, policy) pair: the registered policies of the listed sites and any pair the node
 * counts; each count read with its proof, and equal to the node's (absent ⇔ not listed).
 */
async function proveCounts(
  v: Verifier,
  sites: readonly Grant[],
  counts: readonly Count[],
): Promise<Row[]> {
  const pairs = new Map<string, Pair>();
  for (const g of sites)
    for (const p of g.site?.policies ?? [])
      pairs.set(`${g.subject}/${p.id}`, {
        site: g.subject,
        name: g.name,
        policy: p.id,
        description: p.description,
      });
  for (const c of counts)
    if (!pairs.has(`${c.site}/${c.policy}`))
      pairs.set(`${c.site}/${c.policy}`, {
        site: c.site,
        name: '—',
        policy: c.policy,
        description: '—',
      });
  const listed = new Map(counts.map((c) => [`${c.site}/${c.policy}`, c.count]));
  return Promise.all(
    [...pairs].map(async ([key, pair]) => {
      const node = listed.get(key) ?? null;
      const p = await v.state<number>(
        `idn/disclosure-count/${key}`,
        t('what.count', { policy: pair.policy, name: pair.name }),
        (value) => value === node,
      );
      return { ...pair, count: p.value, ok: p.ok };
    }),
  );
}

function countsTable(rows: readonly Row[]): HTMLElement {
  return table(
    t('disclosures.counts'),
    [
      t('field.site'),
      t('field.policy'),
      t('field.description'),
      t('field.count'),
      t('field.proof'),
    ],
    rows.map((r) => [
      [r.name, h('br'), link(didRoute(r.site), short(r.site, 8))],
      h('code', null, r.policy),
      r.description,
      h('strong', { 'data-count': r.count ?? 0 }, String(r.count ?? 0)),
      proofBadge(r.ok),
    ]),
  );
}

function siteNote(sites: readonly Grant[], proven: ReadonlySet<Grant>): Child {
  const unproven = sites.filter((g) => !proven.has(g));
  return unproven.length === 0
    ? null
    : h(
        'p',
        { class: 'error' },
        t('disclosures.unprovenSites', { names: unproven.map((g) => g.name).join(', ') }),
      );
}
