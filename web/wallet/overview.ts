/**
 * `#/`: the wallet's overview: the master DID and its real-name enrollment (read from the ledger
 * with a state proof the wallet checked), the node and its chain, the wallet file.
 */
import { facts, h, type Child } from '../shared/dom.ts';
import type { Status } from './api-types.ts';
import { walletApi } from './wallet-api.ts';
import { t } from './wallet-words.ts';
import { badge, errorBox, evidenceLine, mono, pageHeading, rich, shortly, when } from './ui.ts';

function enrollmentBadge(s: Status['enrollment']['status']): HTMLElement {
  const kind = s === 'active' ? 'ok' : s === 'revoked' || s === 'rebound' ? 'bad' : 'warn';
  const el = badge(kind, t(`status.${s}`));
  el.id = 'enrollment-status';
  el.dataset.status = s;
  return el;
}

function identity(s: Status): Child[] {
  const e = s.enrollment;
  const rows: [string, Child][] = [
    [
      t('overview.masterDid'),
      s.wallet.did === null
        ? rich(t('overview.noDid', { did: s.wallet.plannedDid }))
        : mono(s.wallet.did, 'master-did'),
    ],
    [t('overview.enrollment'), enrollmentBadge(e.status)],
  ];
  if (e.authority !== undefined)
    rows.push([
      t('overview.authority'),
      [e.authorityName === undefined ? null : `${e.authorityName} `, mono(e.authority)],
    ]);
  if (e.since !== undefined) rows.push([t('overview.since'), when(e.since)]);
  if (e.rebinds !== undefined && e.rebinds > 0) rows.push([t('overview.rebinds'), e.rebinds]);
  return [
    h('h3', null, t('overview.identity')),
    facts(rows),
    e.status === 'not-enrolled' ? h('p', { class: 'muted' }, t('status.notEnrolledHelp')) : null,
    e.evidence === undefined ? null : evidenceLine(e.evidence, e.status !== 'not-enrolled'),
    e.error === undefined ? null : errorBox(e.error),
  ];
}

function ledger(s: Status): Child[] {
  const n = s.node;
  const rows: [string, Child][] = [[t('overview.nodeUrl'), mono(n.url)]];
  if (n.chainId !== undefined) rows.push([t('overview.chain'), mono(n.chainId, 'chain-id')]);
  if (n.genesisHash !== undefined) rows.push([t('overview.genesis'), shortly(n.genesisHash)]);
  if (n.height !== undefined && n.time !== undefined)
    rows.push([
      t('overview.height'),
      [t('overview.heightValue', { height: n.height }), when(n.time)],
    ]);
  return [
    h('h3', null, t('overview.node')),
    facts(rows),
    n.reachable
      ? null
      : [
          h('p', { class: 'muted' }, t('overview.unreachable')),
          n.error === undefined ? null : errorBox(n.error),
        ],
  ];
}

/** The overview page. */
export async function overviewView(): Promise<Child> {
  const s = await walletApi<Status>('/api/status');
  return [
    pageHeading(t('overview.title')),
    h('p', { class: 'muted' }, rich(t('overview.intro'))),
    h('section', { class: 'panel' }, identity(s)),
    h('section', { class: 'panel' }, ledger(s)),
    h(
      'section',
      { class: 'panel' },
      h('h3', null, t('overview.file')),
      facts([
        [t('overview.path'), mono(s.wallet.path)],
        [
          t('overview.keys'),
          t('overview.keysValue', { auth: s.wallet.authIndex, recovery: s.wallet.recoveryIndex }),
        ],
      ]),
    ),
  ];
}
