/**
 * The proofs of the person's credit events, checked again in the browser with the SDK's own
 * verifiers: each event's transaction inclusion (RFC 6962) and its record or query state
 * (sparse-Merkle proof), each against the signed checkpoint the wallet kept, whose signatures
 * must be of the chain's trusted organizations. The trust anchor is the one the wallet pinned.
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

/** The two checks of one kept event. */
function eventChecks(r: WalletCreditReport, e: KeptEvent): Promise<Check>[] {
  const what = { kind: t(`kind.${e.event.kind}`), ref: shortId(e.event.ref) };
  const txLabel = t('txCheck', {
    ...what,
    height: e.tx.height,
    cp: e.tx.checkpoint.checkpoint.height,
  });
  const stateLabel = t('stateCheck', { ...what, cp: e.state.checkpoint.checkpoint.height });
  return [
    check(txLabel, () => {
      const tx = verifyTxInclusion(e.tx, verifySignedCheckpoint(e.tx.checkpoint, r.chain.trust));
      if (tx.id !== e.tx.id) throw new Error(`the proof is of transaction ${tx.id}`);
    }),
    check(stateLabel, () =>
      verifyStateAnswer(
        e.state.key,
        e.state,
        verifySignedCheckpoint(e.state.checkpoint, r.chain.trust),
      ),
    ),
  ];
}

/** Every check of the report's kept events, in the browser. */
export function proofChecks(r: WalletCreditReport): Promise<Check[]> {
  const chain = check(t('chainCheck', { chain: r.chain.chainId }), () => {
    if (r.chain.trust.chainId !== r.chain.chainId) throw new Error(r.chain.trust.chainId);
  });
  const events = r.events.flatMap((e) => eventChecks(r, e));
  return Promise.all(events.length === 0 ? [] : [chain, ...events]);
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
