/**
 * The wallet page's record routes: `GET /api/activity` (everything concerning the person, each
 * ledger event with the state proof the wallet checked and kept: `gatherActivity` of
 * `realdid wallet activity`), `GET /api/receipts` (the consent receipts the person signed, from the
 * activity log, each looked up on the ledger by its hash with a state proof) and `GET /api/lawful`
 * (the lawful de-anonymization requests whose notices name one of the person's accounts).
 */
import type { FastifyPluginAsync } from 'fastify';
import { IDN_KEYS } from '../../identity/index.ts';
import { disclosure } from '../../sdk/index.ts';
import { readActivity, type PresentationEntry } from '../activity-log.ts';
import { gatherActivity, gatherLawful } from '../commands/wallet-activity.ts';
import type { WalletContext } from './context.ts';
import { ActivityAnswer, answers, ReceiptsAnswer } from './schemas.ts';
import { reasonOf } from './status-routes.ts';

async function receiptOf(ctx: WalletContext, p: PresentationEntry & { receiptHash: string }) {
  const base = {
    time: p.time,
    site: p.site,
    name: p.siteName,
    origin: p.origin,
    account: p.account,
    purpose: p.purpose,
    claims: [...p.claims],
    policy: p.policy ?? { id: '', legalBasis: '', condition: '' },
    receipt: p.receipt ?? '',
    receiptHash: p.receiptHash,
  };
  try {
    const d = await disclosure(await ctx.client(), p.receiptHash);
    if (d === undefined) return { ...base, recorded: 'no' as const };
    const { checkpoint, signed } = d.evidence;
    return {
      ...base,
      recorded: 'yes' as const,
      height: d.height,
      evidence: {
        key: IDN_KEYS.disclosure(p.receiptHash),
        height: checkpoint.height,
        signers: signed.signatures.map((s) => s.org),
      },
    };
  } catch (err) {
    return { ...base, recorded: 'unknown' as const, error: reasonOf(err) };
  }
}

/** The record routes as a fastify plugin (registered under `/api`). */
export const activityRoutes: FastifyPluginAsync<{ ctx: WalletContext }> = async (app, { ctx }) => {
  app.get('/activity', { schema: { response: answers(ActivityAnswer) } }, async () => ({
    items: await gatherActivity(await ctx.client(), ctx.wallet),
  }));

  app.get('/lawful', { schema: { response: answers(ActivityAnswer) } }, async () => ({
    items: await gatherLawful(await ctx.client(), ctx.wallet),
  }));

  app.get('/receipts', { schema: { response: answers(ReceiptsAnswer) } }, async () => {
    const log = readActivity(ctx.wallet.path, ctx.wallet.seed).presentations;
    const signed = log.filter(
      (p): p is PresentationEntry & { receiptHash: string } =>
        p.outcome === 'sent' && p.receiptHash !== undefined,
    );
    const receipts = await Promise.all(signed.map((p) => receiptOf(ctx, p)));
    return { receipts: receipts.reverse() };
  });
};
