/**
 * `#/`: the chain at a glance. The trust anchor (the genesis this node serves, hashed here), the
 * latest signed checkpoint with each signature verified against it, the proven quorum and the
 * head's finality, consistency with the checkpoint this browser verified before (a lower one is a
 * rollback; an old one is noted with its time), recent blocks and look-ups.
 */
import { api } from '../shared/api.ts';
import { facts, h, short, table, time, type Child } from '../shared/dom.ts';
import { currentLang } from '../shared/i18n.ts';
import { checkFinality, provenMembers } from './consortium.ts';
import { didRoute, link } from './format.ts';
import { forget, remembered } from './memory.ts';
import { lookupForm, pageHeading, proofBadge, section, verdictOf, type View } from './ui.ts';
import type { VerifiedFinality } from '../../src/sdk/index.ts';
import { Verifier, type Anchor, type Checkpoint, type SignedCheckpoint } from './verifier.ts';
import { t } from './words.ts';

/** What `GET /` answers as JSON (the fields this page shows). */
interface NodeInfo {
  readonly node: { readonly org: string | null };
  readonly chain: { readonly pending: number };
}

/** `GET /v1/blocks`. */
interface BlockList {
  readonly blocks: readonly { height: number; hash: string; time: number; txCount: number }[];
}

/** The overview page. @throws ApiError when the node cannot answer */
export async function overviewPage(view: View): Promise<Child> {
  const v = new Verifier();
  const when = v.head(); // the latest checkpoint: it must not be below the one remembered
  const [anchor, info, scp, recent] = await Promise.all([
    v.anchor(),
    api<NodeInfo>('/'),
    api<SignedCheckpoint>('/v1/checkpoint'),
    api<BlockList>('/v1/blocks?limit=10'),
  ]);
  view.progress(t('progress.checkpoint'));
  const { checkpoint: cp, signers, ok } = await v.accepted(scp, when);
  const members = await provenMembers(v);
  // The head's finality, counted from the checkpoint's signatures (the node's status is not asked).
  const answer = {
    height: cp.height,
    status: 'pending',
    quorum: 0,
    checkpoint: cp,
    signatures: scp.signatures,
  } as const;
  const finality = await checkFinality(v, answer, members, cp.height, cp);
  return [
    pageHeading(t('overview.title')),
    anchorSection(anchor),
    headSection(cp, ok, info),
    checkpointSection(scp, signers, members.quorum, finality),
    verdictOf(v),
    forgetButton(anchor.hash),
    recentBlocks(recent),
    lookups(),
  ];
}

/** The latest checkpoint's signatures, each marked verified or not, the quorum and the head's finality. */
function checkpointSection(
  scp: SignedCheckpoint,
  signers: readonly string[],
  quorum: number,
  finality: VerifiedFinality | undefined,
): HTMLElement {
  return section(
    'checkpoint',
    t('overview.checkpoint', { height: scp.checkpoint.height }),
    table(
      t('overview.signatures'),
      [t('field.org'), t('field.key'), t('field.signature')],
      scp.signatures.map((s) => [
        s.org,
        short(s.key, 8),
        proofBadge(signers.includes(s.org), 'verified'),
      ]),
    ),
    facts([
      [t('field.quorum'), String(quorum)],
      [t('field.finality'), finality === undefined ? '—' : finalityText(finality)],
    ]),
  );
}

const finalityText = (f: VerifiedFinality): string =>
  `${t(`status.${f.status}`)} (${f.signers.length} / ${f.quorum})`;

/**
 * The head as the checkpoint gives it (headed as verified only when it was), and what only the
 * node says (its org, pending txs).
 */
function headSection(cp: Checkpoint, verified: boolean, info: NodeInfo): HTMLElement {
  return section(
    'head',
    t(verified ? 'overview.head' : 'overview.headUnverified'),
    facts([
      [t('field.chainId'), h('code', null, cp.chainId)],
      [t('field.height'), link(`block/${cp.height}`, String(cp.height))],
      [t('field.headHash'), short(cp.blockHash)],
      [t('field.headTime'), time(cp.time, currentLang())],
      [t('field.logSize'), String(cp.logSize)],
      [t('field.stateRoot'), short(cp.stateRoot)],
      [t('field.nodeOrg'), info.node.org ?? t('overview.readOnly')],
      [t('field.pending'), `${info.chain.pending} ${t('overview.nodeWord')}`],
    ]),
  );
}

function anchorSection(anchor: Anchor): HTMLElement {
  return section(
    'anchor',
    t('anchor.title'),
    h('p', null, t('anchor.explain')),
    facts([
      [t('anchor.hash'), h('code', { class: 'mono', id: 'genesis-hash' }, anchor.hash)],
      [
        t('anchor.announced'),
        anchor.hash === anchor.announced ? t('anchor.same') : short(anchor.announced),
      ],
      [t('anchor.orgs'), Object.keys(anchor.trust.orgs).join(', ')],
      [t('field.chainId'), h('code', null, anchor.trust.chainId)],
    ]),
    h('p', { class: 'muted' }, t('anchor.limits')),
  );
}

function forgetButton(chain: string): Child {
  const last = remembered(chain);
  if (last === undefined) return null;
  return h(
    'p',
    null,
    h('span', { class: 'muted' }, t('memory.remembered', { height: last.height }), ' '),
    h(
      'button',
      {
        type: 'button',
        class: 'secondary',
        onclick: () => {
          forget(chain);
          window.dispatchEvent(new HashChangeEvent('hashchange'));
        },
      },
      t('memory.forget'),
    ),
  );
}

function recentBlocks(list: BlockList): HTMLElement {
  const lang = currentLang();
  return section(
    'recent',
    t('overview.recent'),
    h('p', { class: 'muted' }, t('overview.recentNote')),
    table(
      t('overview.recent'),
      [t('field.height'), t('field.hash'), t('field.time'), t('field.txs')],
      list.blocks.map((b) => [
        link(`block/${b.height}`, String(b.height)),
        short(b.hash),
        time(b.time, lang),
        String(b.txCount),
      ]),
    ),
  );
}

function lookups(): HTMLElement {
  return section(
    'lookups',
    t('lookup.title'),
    lookupForm({
      id: 'did-lookup',
      label: t('lookup.did'),
      hint: t('lookup.didHint'),
      button: t('lookup.go'),
      route: didRoute,
    }),
    lookupForm({
      id: 'tx-lookup',
      label: t('lookup.tx'),
      hint: t('lookup.txHint'),
      button: t('lookup.go'),
      pattern: '[0-9a-f]{64}',
      route: (id) => `tx/${id}`,
    }),
    lookupForm({
      id: 'block-lookup',
      label: t('lookup.block'),
      hint: t('lookup.blockHint'),
      button: t('lookup.go'),
      pattern: '[0-9]+',
      route: (height) => `block/${height}`,
    }),
  );
}
