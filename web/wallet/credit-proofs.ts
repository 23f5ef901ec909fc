/**
 * The proofs of the person's credit events, checked again in the browser with the SDK's own
 * verifiers: each event's transaction inclusion (RFC 6962) and its record or query state
 * (sparse-Merkle proof), each against the signed checkpoint the wallet kept, whose signatures
 * must be of the chain's trusted organizations. The trust anchor is the one the wallet pinned.
 * Each proof must also be of that event: the transaction the feed entry names (its log index,
 * its kind, what it is about), and the state key of the event's record or query, whose proven
 * value is that record or query with the entry's handle.
 */
import {
  verifySignedCheckpoint,
  verifyStateAnswer,
  verifyTxInclusion,
} from '../../src/sdk/index.ts';
import { check, verdict, type Check } from '../shared/checks.ts';
import { h } from '../shared/dom.ts';
import type { KeptEvent, WalletCreditReport } from './credit-types.ts';
import { t } from './credit-words.ts';

const shortId = (id: string): string => `${id.slice(0, 10)}…`;

/** The transaction kind behind each kind of feed event (as the SDK's CreditWallet proves it). */
const TX_KINDS: Readonly<Record<KeptEvent['event']['kind'], string>> = {
  record: 'credit.issue',
  dispute: 'credit.dispute',
  query: 'credit.query',
};

/**
 * The state key of the event's record (record and dispute events) or query, as the SDK reads it
 * (src/sdk/credit-reads.ts; the page may import nothing of the credit module itself).
 */
const stateKeyOf = (e: KeptEvent['event']): string =>
  e.kind === 'query' ? `credit/query/${e.ref}` : `credit/record/${e.ref}`;

/** The transaction proven in the ledger is the one the feed entry names, and about its record or query. */
function txCheck(r: WalletCreditReport, e: KeptEvent): void {
  const tx = verifyTxInclusion(e.tx, verifySignedCheckpoint(e.tx.checkpoint, r.chain.trust));
  const { event } = e;
  if (tx.id !== event.tx)
    throw new Error(`the proof is of transaction ${tx.id}, the feed entry names ${event.tx}`);
  if (e.tx.logIndex !== event.seq)
    throw new Error(`the transaction is at log index ${e.tx.logIndex}, the entry at ${event.seq}`);
  if (tx.payload.kind !== TX_KINDS[event.kind])
    throw new Error(`the transaction is a ${tx.payload.kind}, not a ${TX_KINDS[event.kind]}`);
  const about = event.kind === 'dispute' ? (tx.payload.body as { record?: unknown }).record : tx.id;
  if (about !== event.ref)
    throw new Error(`the transaction is about ${String(about)}, not ${event.ref}`);
}

/** The state proven is the event's record or query, with the feed entry's handle. */
function stateCheck(r: WalletCreditReport, e: KeptEvent): void {
  const key = stateKeyOf(e.event);
  const proven = verifyStateAnswer(
    key,
    e.state,
    verifySignedCheckpoint(e.state.checkpoint, r.chain.trust),
  ) as { id?: unknown; subject?: { handle?: { nonce?: unknown; tag?: unknown } } } | null;
  if (proven === null) throw new Error(`${key} is proven absent`);
  if (proven.id !== e.event.ref)
    throw new Error(`the proven value at ${key} is of ${String(proven.id)}`);
  const handle = proven.subject?.handle;
  if (handle?.nonce !== e.event.nonce || handle.tag !== e.event.tag)
    throw new Error(`the proven value at ${key} names another handle than the feed entry`);
}

/** The two checks of one kept event. */
function eventChecks(r: WalletCreditReport, e: KeptEvent): Promise<Check>[] {
  const what = { kind: t(`kind.${e.event.kind}`), ref: shortId(e.event.ref) };
  const txLabel = t('txCheck', {
    ...what,
    height: e.tx.height,
    cp: e.tx.checkpoint.checkpoint.height,
  });
  const stateLabel = t('stateCheck', { ...what, cp: e.state.checkpoint.checkpoint.height });
  return [check(txLabel, () => txCheck(r, e)), check(stateLabel, () => stateCheck(r, e))];
}

/** Every check of the report's kept events, in the browser. */
export function proofChecks(r: WalletCreditReport): Promise<Check[]> {
  return Promise.all(r.events.flatMap((e) => eventChecks(r, e)));
}

/** The "What was verified" section. */
export async function proofSection(r: WalletCreditReport): Promise<HTMLElement> {
  const checks = await proofChecks(r);
  return h(
    'section',
    { class: 'credit-proofs', 'aria-labelledby': 'credit-proofs-h' },
    h('h3', { id: 'credit-proofs-h' }, t('verifiedTitle')),
    h('p', { class: 'muted' }, t('verifiedIntro', { chain: r.chain.chainId })),
    verdict(checks, { verified: t('allVerified'), failed: t('someFailed'), none: t('noEvents') }),
  );
}
