/**
 * `#/tx/<id>`: one transaction, decoded from the canonical bytes whose hash is its id, with its
 * RFC 6962 inclusion proof verified against the signed checkpoint the node sent with it. A
 * transaction a consortium block recorded as invalid comes without a proof: the page says so.
 */
import { facts, h, short, time, type Child } from '../shared/dom.ts';
import { currentLang } from '../shared/i18n.ts';
import { didRoute, jsonBlock, link, text } from './format.ts';
import { pageHeading, section, verdictOf, type View } from './ui.ts';
import { Verifier, type TxAnswer } from './verifier.ts';
import { t } from './words.ts';

/** The transaction page. @throws ApiError (400 for a malformed id, 404 for one never ordered) */
export async function txPage(view: View, arg: string): Promise<Child> {
  const id = decodeURIComponent(arg);
  const v = new Verifier();
  view.progress(t('progress.tx'));
  const [a] = await Promise.all([v.tx(id), v.anchor()]);
  return [
    pageHeading(t('tx.title'), ' ', short(id, 8)),
    a.status === 'invalid' ? invalidView(a) : committedView(a),
    verdictOf(v),
  ];
}

function invalidView(a: Extract<TxAnswer, { status: 'invalid' }>): HTMLElement {
  return section(
    'tx-invalid',
    t('tx.invalid'),
    h('p', null, t('tx.invalidNote')),
    facts([
      [t('field.txId'), h('code', { class: 'mono' }, a.id)],
      [t('field.block'), link(`block/${a.height}`, String(a.height))],
      [t('field.logIndex'), String(a.position)],
      [t('field.code'), h('code', null, a.code)],
      [t('field.message'), a.message],
    ]),
  );
}

function committedView(a: Extract<TxAnswer, { status: 'committed' }>): HTMLElement {
  // Shown from the verified decoding when the proof held, else from the node's answer as sent.
  const p = a.decoded?.payload ?? (a.tx as unknown as NonNullable<typeof a.decoded>['payload']);
  const did = text(p.signer).split('#')[0] ?? '';
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
      [t('field.block'), link(`block/${a.height}`, String(a.height))],
      [t('field.logIndex'), String(a.logIndex)],
    ]),
    h('h4', null, t('tx.body')),
    jsonBlock(p.body, t('tx.body')),
  );
}
