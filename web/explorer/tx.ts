/**
 * `#/tx/<id>`: one transaction, decoded from the canonical bytes whose hash is its id, with its
 * RFC 6962 inclusion proof verified against the signed checkpoint the node sent with it, and its
 * block proven: its verified log index lies between the log sizes signed for that block and its
 * parent. A transaction a consortium block recorded as invalid comes without a proof: the page
 * says it is the node's word, and shows no verdict of its own.
 */
import { api } from '../shared/api.ts';
import { check } from '../shared/checks.ts';
import { facts, h, short, time, type Child } from '../shared/dom.ts';
import { currentLang } from '../shared/i18n.ts';
import { abbreviate, didRoute, fail, jsonBlock, link, text } from './format.ts';
import { pageHeading, section, verdictOf, type View } from './ui.ts';
import { Verifier, type SignedCheckpoint, type TxAnswer } from './verifier.ts';
import { t } from './words.ts';

type Committed = Extract<TxAnswer, { status: 'committed' }>;

/** The transaction page. @throws ApiError (400 for a malformed id, 404 for one never ordered) */
export async function txPage(view: View, arg: string): Promise<Child> {
  const id = decodeURIComponent(arg);
  const v = new Verifier();
  view.progress(t('progress.tx'));
  // The anchor is loaded by the first checkpoint to verify: an invalid answer, which has none,
  // leaves the verdict empty ("nothing here comes with a proof") rather than "all checks passed".
  const a = await v.tx(id);
  if (a.status === 'invalid')
    return [pageHeading(t('tx.title'), ' ', short(id, 8)), invalidView(a), verdictOf(v)];
  const inBlock = a.ok ? await proveBlock(v, a) : false;
  return [pageHeading(t('tx.title'), ' ', short(id, 8)), committedView(a, inBlock), verdictOf(v)];
}

/**
 * Proves the block the node says holds the transaction: its verified log index is inside the
 * block's range of the log, `[log size of block h − 1, log size of block h)`, both log sizes
 * from signed checkpoints (past ones, each a prefix of the newest verified).
 */
async function proveBlock(v: Verifier, a: Committed): Promise<boolean> {
  const height = a.height;
  let from = 0;
  let to = 0;
  const c = await check(
    t('check.txBlock', { id: abbreviate(a.id, 6), index: a.logIndex, block: height }),
    async () => {
      const [own, parent] = await Promise.all([
        api<SignedCheckpoint>(`/v1/checkpoints/${height}`),
        height === 0 ? undefined : api<SignedCheckpoint>(`/v1/checkpoints/${height - 1}`),
      ]);
      const cp = await v.accepted(own, 'past');
      const parentCp = parent === undefined ? undefined : await v.accepted(parent, 'past');
      if (!cp.ok || parentCp?.ok === false)
        fail('ERR_LEDGER_BAD_CHECKPOINT', t('fail.txBlockCheckpoint', { block: height }));
      if (
        cp.checkpoint.height !== height ||
        (parentCp !== undefined && parentCp.checkpoint.height !== height - 1)
      )
        fail('ERR_SDK_BAD_RESPONSE', t('fail.txBlockHeights', { block: height }));
      from = parentCp?.checkpoint.logSize ?? 0;
      to = cp.checkpoint.logSize;
      if (a.logIndex < from || a.logIndex >= to)
        fail('ERR_LEDGER_BAD_PROOF', t('fail.outOfBlock', { index: a.logIndex, height, from, to }));
    },
  );
  v.checks.push(c);
  return c.ok;
}

function invalidView(a: Extract<TxAnswer, { status: 'invalid' }>): HTMLElement {
  return section(
    'tx-invalid',
    t('tx.invalid'),
    h('p', null, t('tx.invalidNote')),
    facts([
      [t('field.txId'), h('code', { class: 'mono' }, a.id)],
      [t('field.block'), [link(`block/${a.height}`, String(a.height)), ' ', nodeWord()]],
      [t('field.logIndex'), [String(a.position), ' ', nodeWord()]],
      [t('field.code'), h('code', null, a.code)],
      [t('field.message'), a.message],
    ]),
  );
}

const nodeWord = (): HTMLElement => h('span', { class: 'muted' }, t('tx.nodeWord'));

function committedView(a: Committed, inBlock: boolean): HTMLElement {
  // Shown from the verified decoding when the proof held, else from the node's answer as sent.
  const p = a.decoded?.payload ?? (a.tx as unknown as NonNullable<typeof a.decoded>['payload']);
  const did = text(p.signer).split('#')[0] ?? '';
  const block = link(`block/${a.height}`, String(a.height));
  return section(
    'tx-body',
    t(a.ok ? 'tx.decoded' : 'tx.unverified'),
    facts([
      [t('field.txId'), h('code', { class: 'mono' }, a.id)],
      [t('field.kind'), h('code', null, text(p.kind))],
      [
        t('field.signer'),
        did.startsWith('did:')
          ? link(didRoute(did), h('code', { class: 'mono' }, text(p.signer)))
          : text(p.signer),
      ],
      [t('field.nonce'), text(p.nonce)],
      [t('field.created'), typeof p.created === 'number' ? time(p.created, currentLang()) : '—'],
      [t('field.block'), inBlock ? block : [block, ' ', nodeWord()]],
      [t('field.logIndex'), String(a.logIndex)],
    ]),
    h('h4', null, t('tx.body')),
    jsonBlock(p.body, t('tx.body')),
  );
}
