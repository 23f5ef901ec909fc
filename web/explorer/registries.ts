/**
 * `#/registries`: who may do what. The consortium's organizations and quorum, and the accredited
 * identity authorities, credit issuers (with their categories), queriers (with their purposes),
 * relying parties (origins, purposes, claims per purpose, disclosure policies) and lawful roles.
 * The node lists them (`/v1/gov/orgs`, `/v1/gov/roles`, `/v1/credit/categories`); each entry is
 * then read again from state with its proof (`gov/org/<id>`, `gov/role/<role>/<did>`,
 * `gov/doc/credit/categories`) and must equal what was listed. The organization list is proven
 * complete (`gov/orgs`); the list of accreditations is not (a node could leave one out).
 */
import { allPages, api } from '../shared/api.ts';
import { h, short, table, time, type Child } from '../shared/dom.ts';
import { currentLang } from '../shared/i18n.ts';
import { didRoute, link, sameJson } from './format.ts';
import { codeList, pageHeading, proofBadge, section, verdictOf, type View } from './ui.ts';
import { sitesSection } from './sites.ts';
import { Verifier } from './verifier.ts';
import { t } from './words.ts';

interface Org {
  readonly id: string;
  readonly name: string;
  readonly keys: readonly string[];
  readonly sinceHeight: number;
}

interface SitePurpose {
  readonly id: string;
  readonly description: string;
  readonly claims: readonly string[];
  readonly policies?: readonly string[];
}

interface SitePolicy {
  readonly id: string;
  readonly description: string;
  readonly legalBasis: string;
  readonly claims: readonly string[];
  readonly condition: string;
}

/** An accreditation as `GET /v1/gov/roles` lists it. */
export interface Grant {
  readonly role: string;
  readonly subject: string;
  readonly name: string;
  readonly scope: Readonly<Record<string, readonly string[]>>;
  readonly since: number;
  readonly grantedBy: string;
  readonly site?: {
    readonly origins: readonly string[];
    readonly purposes: readonly SitePurpose[];
    readonly policies?: readonly SitePolicy[];
  };
}

interface Category {
  readonly id: string;
  readonly name: string;
}

/** Every accreditation the node lists (all pages), optionally of one role. */
export function allGrants(role?: string): Promise<Grant[]> {
  const q = new URLSearchParams({ limit: '500' });
  if (role !== undefined) q.set('role', role);
  return allPages<Grant>(`/v1/gov/roles?${q}`, 'roles');
}

/** Proves each grant (its state key) against the listed one; answers the proven ones' keys. */
export async function proveGrants(
  view: View,
  v: Verifier,
  grants: readonly Grant[],
): Promise<Set<Grant>> {
  const proven = new Set<Grant>();
  let done = 0;
  await Promise.all(
    grants.map(async (g) => {
      const p = await v.state(
        `gov/role/${g.role}/${g.subject}`,
        t('what.grant', { name: g.name, role: g.role }),
        g,
      );
      if (p.ok) proven.add(g);
      view.progress(
        t('progress.proofs', { done: ++done, total: grants.length }),
        done,
        grants.length,
      );
    }),
  );
  return proven;
}

/** The registries page. @throws ApiError when the node cannot answer */
export async function registriesPage(view: View): Promise<Child> {
  const v = new Verifier();
  const [, orgs, grants, cats] = await Promise.all([
    v.anchor(),
    api<{ quorum: number; orgs: Org[] }>('/v1/gov/orgs'),
    allGrants(),
    api<{ version: number; categories: Category[] }>('/v1/credit/categories'),
  ]);
  const [orgProof, catsOk, proven] = await Promise.all([
    proveOrgs(v, orgs),
    proveCategories(v, cats),
    proveGrants(view, v, grants),
  ]);
  const names = new Map(cats.categories.map((c) => [c.id, c.name]));
  const of = (role: string): Grant[] => grants.filter((g) => g.role === role);
  const lawful = grants.filter((g) => g.role.startsWith('lawful-'));
  const categories = (g: Grant): Child =>
    codeList((g.scope.categories ?? []).map((c) => `${c} — ${names.get(c) ?? '?'}`));
  const catsNote = catsOk ? t('registries.categoriesProven') : t('registries.categoriesUnproven');
  return [
    pageHeading(t('registries.title')),
    h('p', { class: 'muted' }, t('registries.note')),
    verdictOf(v),
    orgsSection(orgs, orgProof),
    grantTable('ia', t('registries.ia'), of('identity-authority'), proven, (g) =>
      codeList(g.scope.vct ?? []),
    ),
    grantTable(
      'issuers',
      t('registries.issuers'),
      of('credit-issuer'),
      proven,
      categories,
      catsNote,
    ),
    grantTable('queriers', t('registries.queriers'), of('querier'), proven, (g) =>
      codeList(g.scope.purposes ?? []),
    ),
    sitesSection(of('relying-party'), proven),
    grantTable('lawful', t('registries.lawful'), lawful, proven, (g) => h('code', null, g.role)),
  ];
}

/** Proves the organization list (complete: `gov/orgs`), the quorum and each organization. */
async function proveOrgs(
  v: Verifier,
  orgs: { quorum: number; orgs: readonly Org[] },
): Promise<{ complete: boolean; each: boolean[] }> {
  const [ids, , ...each] = await Promise.all([
    v.state(
      'gov/orgs',
      t('what.orgs'),
      orgs.orgs.map((o) => o.id),
    ),
    v.state('gov/quorum', t('what.quorum'), orgs.quorum),
    ...orgs.orgs.map((o) => v.state(`gov/org/${o.id}`, t('what.org', { id: o.id }), o)),
  ]);
  return { complete: ids.ok, each: each.map((p) => p.ok) };
}

/** Proves the adopted categories document against the categories the node listed. */
async function proveCategories(
  v: Verifier,
  cats: { version: number; categories: Category[] },
): Promise<boolean> {
  const p = await v.state<{ version: number; document: { categories: Category[] } }>(
    'gov/doc/credit/categories',
    t('what.categories'),
    (doc) =>
      doc !== null &&
      doc.version === cats.version &&
      sameJson(doc.document.categories, cats.categories),
  );
  return p.ok;
}

function orgsSection(
  orgs: { quorum: number; orgs: readonly Org[] },
  proof: { complete: boolean; each: boolean[] },
): HTMLElement {
  const title = t('registries.orgs', { quorum: orgs.quorum });
  return section(
    'orgs',
    title,
    h(
      'p',
      { class: 'muted' },
      proof.complete ? t('registries.orgsComplete') : t('registries.orgsIncomplete'),
    ),
    table(
      title,
      [t('field.org'), t('field.name'), t('field.keys'), t('field.sinceHeight'), t('field.proof')],
      orgs.orgs.map((o, i) => [
        o.id,
        o.name,
        codeList(o.keys),
        String(o.sinceHeight),
        proofBadge(proof.each[i]),
      ]),
    ),
  );
}

function grantTable(
  id: string,
  title: string,
  grants: readonly Grant[],
  proven: ReadonlySet<Grant>,
  scope: (g: Grant) => Child,
  note?: string,
): HTMLElement {
  const lang = currentLang();
  return section(
    id,
    title,
    note === undefined ? null : h('p', { class: 'muted' }, note),
    grants.length === 0
      ? h('p', { class: 'muted' }, t('registries.none'))
      : table(
          title,
          [t('field.name'), t('field.did'), t('field.scope'), t('field.since'), t('field.proof')],
          grants.map((g) => [
            g.name,
            link(didRoute(g.subject), short(g.subject, 8)),
            scope(g),
            [time(g.since, lang), h('br'), h('span', { class: 'muted' }, grantedBy(g))],
            proofBadge(proven.has(g)),
          ]),
        ),
  );
}

const grantedBy = (g: Grant): string =>
  g.grantedBy === 'genesis'
    ? t('registries.genesis')
    : t('registries.proposal', { id: g.grantedBy.slice(0, 8) });
