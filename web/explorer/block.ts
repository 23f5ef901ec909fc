/**
 * `#/block/<height>`: a block's header, checked against the signed checkpoint of its height (the
 * header hashes to the signed block hash, and carries the signed log size, log root, state root
 * and time) and linked to its parent, both checkpoints past ones that must be prefixes of the
 * newest verified; its finality counted here, over that same checkpoint; and each of its
 * transactions with its inclusion proof verified, inside the block's range of the log, the
 * verified indices covering that range exactly, each once. A listed transaction the node answers
 * was recorded invalid is a failed check (an invalid transaction is not in the log).
 */
import {
  hashHeader,
  type BlockHeader,
  type FinalityAnswer,
  type VerifiedFinality,
} from '../../src/sdk/index.ts';
import { api } from '../shared/api.ts';
import { check, failedCheck } from '../shared/checks.ts';
import { facts, h, short, table, time, type Child } from '../shared/dom.ts';
import { currentLang } from '../shared/i18n.ts';
import { checkFinality, provenMembers } from './consortium.ts';
import { abbreviate, didRoute, fail, link, text } from './format.ts';
import { errorView, pageHeading, proofBadge, section, verdictOf, type View } from './ui.ts';
import {
  Verifier,
  type BlockRange,
  type Checkpoint,
  type SignedCheckpoint,
  type TxAnswer,
} from './verifier.ts';
import { t } from './words.ts';

/** `GET /v1/blocks/{height}`. */
interface Block {
  readonly height: number;
  readonly hash: string;
  readonly header: BlockHeader;
  readonly txIds: readonly string[];
  readonly invalid: readonly {
    id: string | null;
    position: number;
    code: string;
    message: string;
  }[];
}

/** Transactions verified at once. */
const PARALLEL = 6;

/** The block page. @throws ApiError (400 for a height that is not one, 404 for no such block) */
export async function blockPage(view: View, arg: string): Promise<Child> {
  const block = await api<Block>(`/v1/blocks/${encodeURIComponent(arg)}`);
  const height = block.height;
  const v = new Verifier();
  const [anchor, scp, parent, finality, members] = await Promise.all([
    v.anchor(),
    api<SignedCheckpoint>(`/v1/checkpoints/${height}`),
    height === 0 ? undefined : api<SignedCheckpoint>(`/v1/checkpoints/${height - 1}`),
    api<FinalityAnswer>(`/v1/blocks/${height}/finality`),
    provenMembers(v),
  ]);
  // Past checkpoints asked for on purpose: each must be a prefix of the newest one verified.
  const { checkpoint: cp } = await v.accepted(scp, 'past');
  const parentCp = parent === undefined ? undefined : (await v.accepted(parent, 'past')).checkpoint;
  await checkHeader(v, block, cp, parentCp?.blockHash ?? anchor.hash);
  const range: BlockRange = { height, from: parentCp?.logSize ?? 0, to: cp.logSize };
  await checkRange(v, block, range);
  const counted = await checkFinality(v, finality, members, height, cp);
  const txs = await verifyAll(view, v, block.txIds, range);
  const repeated = await checkIndices(v, txs, range);
  return [
    pageHeading(t('block.title', { height })),
    pager(height),
    section('header', t('block.header'), headerFacts(block)),
    finalitySection(counted, members.quorum),
    section('txs', t('block.txs', { n: block.txIds.length }), txTable(txs, repeated)),
    block.invalid.length === 0 ? null : invalidTable(block),
    verdictOf(v),
  ];
}

/** The header hashes to the block hash the checkpoint signs, carries its fields and links to the parent. */
async function checkHeader(
  v: Verifier,
  b: Block,
  cp: Checkpoint,
  parentHash: string,
): Promise<void> {
  const { height, prevHash, logSize, logRoot, stateRoot, time: at } = b.header;
  const hash = hashHeader(b.header);
  v.checks.push(
    await check(t('check.header', { height, hash: abbreviate(hash) }), () => {
      if (hash !== cp.blockHash || b.hash !== hash)
        fail('ERR_LEDGER_BAD_PROOF', t('fail.headerHash', { hash, signed: cp.blockHash }));
      const signed = [cp.height, cp.logSize, cp.logRoot, cp.stateRoot, cp.time];
      if ([height, logSize, logRoot, stateRoot, at].some((x, i) => x !== signed[i]))
        fail('ERR_LEDGER_BAD_PROOF', t('fail.headerFields', { height }));
    }),
    await check(
      t(height === 0 ? 'check.parentGenesis' : 'check.parent', {
        height,
        parent: abbreviate(parentHash),
      }),
      () => {
        if (prevHash !== parentHash)
          fail('ERR_LEDGER_BAD_PROOF', t('fail.parent', { prevHash, parentHash }));
      },
    ),
  );
}

/** The block holds the log indices between its parent's and its own signed log sizes. */
async function checkRange(v: Verifier, block: Block, range: BlockRange): Promise<void> {
  const n = block.txIds.length;
  v.checks.push(
    await check(t('check.txCount', { n, ...range }), () => {
      if (n !== range.to - range.from)
        fail('ERR_LEDGER_BAD_PROOF', t('fail.txCount', { n, ...range }));
    }),
  );
}

/**
 * The block's transactions are exactly its range of the log: the log indices whose inclusion
 * verified are `from … to − 1`, each once (a node listing one transaction three times, or one
 * that failed to verify, does not pass). The header's `txRoot` is not recomputed (the SDK offers
 * no RFC 6962 root of leaves); the indices prove the same, the log's leaves being the block's.
 * Answers the indices listed more than once (their rows are not shown as proven).
 */
async function checkIndices(
  v: Verifier,
  txs: readonly (TxAnswer | Error)[],
  range: BlockRange,
): Promise<ReadonlySet<number>> {
  const seen = new Map<number, number>();
  for (const a of txs)
    if (!(a instanceof Error) && a.status === 'committed' && a.ok)
      seen.set(a.logIndex, (seen.get(a.logIndex) ?? 0) + 1);
  const repeated = [...seen].filter(([, n]) => n > 1).map(([i]) => i);
  const missing: number[] = [];
  for (let i = range.from; i < range.to; i++) if (!seen.has(i)) missing.push(i);
  v.checks.push(
    await check(t('check.txIndices', { ...range }), () => {
      if (repeated.length > 0 || missing.length > 0)
        fail(
          'ERR_LEDGER_BAD_PROOF',
          t('fail.txIndices', {
            repeated: listOf(repeated),
            missing: listOf(missing),
          }),
        );
    }),
  );
  return new Set(repeated);
}

/** At most 8 numbers of a list, for a message. */
const listOf = (xs: readonly number[]): string =>
  xs.length === 0 ? '—' : xs.length <= 8 ? xs.join(', ') : `${xs.slice(0, 8).join(', ')}, …`;

function finalitySection(counted: VerifiedFinality | undefined, quorum: number): HTMLElement {
  return section(
    'finality',
    t('block.finality'),
    facts([
      [t('field.status'), counted === undefined ? '—' : t(`status.${counted.status}`)],
      [t('field.quorum'), String(quorum)],
      [t('field.signers'), counted?.signers.join(', ') || '—'],
    ]),
  );
}

/** Verifies each transaction's inclusion, `PARALLEL` at a time, showing progress. */
async function verifyAll(
  view: View,
  v: Verifier,
  ids: readonly string[],
  range: BlockRange,
): Promise<(TxAnswer | Error)[]> {
  const out: (TxAnswer | Error)[] = new Array<TxAnswer | Error>(ids.length);
  let next = 0;
  let done = 0;
  const worker = async (): Promise<void> => {
    while (next < ids.length && view.live()) {
      const i = next++;
      out[i] = await v.tx(ids[i]!, range).catch(async (err: unknown) => {
        // No answer to verify is a failed check, never a gap in the verdict.
        const label = t('check.inclusion.missing', {
          id: abbreviate(ids[i]!, 6),
          block: range.height,
        });
        v.checks.push(failedCheck(label, err));
        return err instanceof Error ? err : new Error(String(err));
      });
      done++;
      view.progress(t('progress.txs', { done, total: ids.length }), done, ids.length);
    }
  };
  if (ids.length > 0) view.progress(t('progress.txs', { done, total: ids.length }), 0, ids.length);
  await Promise.all(Array.from({ length: Math.min(PARALLEL, ids.length) }, worker));
  return out;
}

function headerFacts(b: Block): HTMLElement {
  const x = b.header;
  return facts([
    [t('field.height'), String(x.height)],
    [t('field.hash'), short(b.hash)],
    [
      t('field.prevHash'),
      x.height === 0 ? short(x.prevHash) : link(`block/${x.height - 1}`, short(x.prevHash)),
    ],
    [t('field.time'), time(x.time, currentLang())],
    [t('field.txRoot'), short(x.txRoot)],
    [t('field.stateRoot'), short(x.stateRoot)],
    [t('field.logSize'), String(x.logSize)],
    [t('field.logRoot'), short(x.logRoot)],
    ...(x.invalidRoot === undefined
      ? []
      : [[t('field.invalidRoot'), short(x.invalidRoot)] as const]),
  ]);
}

function txTable(txs: readonly (TxAnswer | Error)[], repeated: ReadonlySet<number>): Child {
  if (txs.length === 0) return h('p', { class: 'muted' }, t('block.noTxs'));
  return table(
    t('block.txsCaption'),
    [t('field.logIndex'), t('field.txId'), t('field.kind'), t('field.signer'), t('field.proof')],
    txs.map((a) => {
      if (a instanceof Error) return ['—', errorView(a), '', '', proofBadge(false)];
      if (a.status === 'invalid')
        return [
          String(a.position),
          link(`tx/${a.id}`, short(a.id, 6)),
          a.code,
          '',
          proofBadge(false),
        ];
      const signer = text(a.tx.signer);
      const did = signer.split('#')[0] ?? signer;
      return [
        String(a.logIndex),
        link(`tx/${a.id}`, short(a.id, 6)),
        h('code', null, text(a.tx.kind)),
        did.startsWith('did:') ? link(didRoute(did), short(did, 10)) : signer,
        proofBadge(a.ok && !repeated.has(a.logIndex)),
      ];
    }),
  );
}

function invalidTable(b: Block): HTMLElement {
  return section(
    'invalid',
    t('block.invalid', { n: b.invalid.length }),
    h('p', { class: 'muted' }, t('block.invalidNote')),
    table(
      t('block.invalid', { n: b.invalid.length }),
      [t('field.logIndex'), t('field.txId'), t('field.code'), t('field.message')],
      b.invalid.map((x) => [
        String(x.position),
        x.id === null ? '—' : short(x.id, 6),
        h('code', null, x.code),
        x.message,
      ]),
    ),
  );
}

function pager(height: number): HTMLElement {
  return h(
    'p',
    { class: 'pager' },
    height > 0 ? link(`block/${height - 1}`, `← ${t('block.prev')}`) : null,
    link(`block/${height + 1}`, `${t('block.next')} →`),
  );
}
