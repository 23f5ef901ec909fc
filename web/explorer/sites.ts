/** The relying parties of the registries page: origins, purposes with their claims, disclosure policies. */
import { h, table } from '../shared/dom.ts';
import { didRoute, link } from './format.ts';
import type { Grant } from './registries.ts';
import { codeList, proofBadge, section } from './ui.ts';
import { t } from './words.ts';

type Site = NonNullable<Grant['site']>;

/** Every relying party, each in its own card with its proof status. */
export function sitesSection(grants: readonly Grant[], proven: ReadonlySet<Grant>): HTMLElement {
  return section(
    'sites',
    t('registries.sites'),
    grants.length === 0
      ? h('p', { class: 'muted' }, t('registries.none'))
      : grants.map((g) => siteCard(g, proven.has(g))),
  );
}

function siteCard(g: Grant, ok: boolean): HTMLElement {
  const id = `site-${g.subject.slice(-8)}`;
  return h(
    'article',
    { class: 'panel site', 'aria-labelledby': id },
    h('h4', { id }, g.name, ' ', proofBadge(ok)),
    h('p', null, link(didRoute(g.subject), h('code', { class: 'mono' }, g.subject))),
    g.site === undefined
      ? null
      : [
          h('h5', null, t('registries.origins')),
          codeList(g.site.origins),
          purposes(g.site),
          policies(g.site),
        ],
  );
}

function purposes(site: Site): HTMLElement {
  return table(
    t('registries.purposes'),
    [t('field.purpose'), t('field.description'), t('field.claims'), t('field.policies')],
    site.purposes.map((p) => [
      h('code', null, p.id),
      p.description,
      codeList(p.claims),
      codeList(p.policies ?? []),
    ]),
  );
}

function policies(site: Site): HTMLElement {
  const list = site.policies ?? [];
  if (list.length === 0) return h('p', { class: 'muted' }, t('registries.noPolicies'));
  return table(
    t('registries.policies'),
    [
      t('field.policy'),
      t('field.description'),
      t('field.claims'),
      t('field.condition'),
      t('field.legalBasis'),
    ],
    list.map((p) => [
      h('code', null, p.id),
      p.description,
      codeList(p.claims),
      p.condition,
      p.legalBasis,
    ]),
  );
}
