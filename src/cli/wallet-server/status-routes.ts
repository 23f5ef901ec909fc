/**
 * The wallet page's overview routes: `GET /api/status` (the wallet, the node and its chain, the
 * enrollment with the identity authority, read with a state proof), `GET /api/credentials` (the
 * copies per site with expiry and status-list status) and `GET /api/sites` (the sites logged into,
 * from the wallet's activity log).
 */
import type { FastifyPluginAsync } from 'fastify';
import { planCreate } from '../../did/index.ts';
import { isAppError } from '../../errors.ts';
import { readActivity, type PresentationEntry } from '../activity-log.ts';
import { Collector, readEnrollment } from '../commands/wallet-activity.ts';
import { copyView, statusOf } from '../commands/wallet-credentials.ts';
import { readCopies, type StoredCopy } from '../credential-store.ts';
import { nodeUrl } from '../io.ts';
import type { WalletContext } from './context.ts';
import { answers, CredentialsAnswer, SitesAnswer, StatusAnswer } from './schemas.ts';

type ErrorBody = { code: string; message: string };

/** `{code, message}` of a typed error (the reason part of an answer is missing); others rethrown. */
export function reasonOf(err: unknown): ErrorBody {
  if (!isAppError(err)) throw err;
  return { code: err.code, message: err.message };
}

async function nodeStatus(ctx: WalletContext) {
  try {
    const client = await ctx.client();
    const [g, cp] = await Promise.all([client.genesis(), client.checkpoint()]);
    return {
      url: client.url,
      reachable: true,
      chainId: g.genesis.chainId,
      genesisHash: g.hash,
      height: cp.height,
      time: cp.time,
    };
  } catch (err) {
    return { url: nodeUrl(ctx.nodeOpts.url), reachable: false, error: reasonOf(err) };
  }
}

/** The enrollment as `realdid wallet activity` reads it (readEnrollment), for the overview. */
async function enrollmentOf(ctx: WalletContext, did: string | undefined) {
  if (did === undefined) return { status: 'no-did' as const };
  try {
    const client = await ctx.client();
    const [{ master, binding }, authority] = await Promise.all([
      readEnrollment(new Collector(client), did),
      client.identity.authority().catch((err: unknown) => void reasonOf(err)),
    ]);
    const m = master.value;
    if (m === null) return { status: 'not-enrolled' as const, evidence: master.ref };
    const b = binding?.value ?? null;
    return {
      status: b?.status === 'revoked' ? ('revoked' as const) : m.status,
      authority: m.authority,
      ...(authority?.did === m.authority ? { authorityName: authority.name } : {}),
      since: m.since,
      ...(m.until === undefined ? {} : { until: m.until }),
      ...(b === null ? {} : { enrolled: b.enrolled, rebinds: b.rebinds }),
      evidence: master.ref,
    };
  } catch (err) {
    return { status: 'unknown' as const, error: reasonOf(err) };
  }
}

/** One site logged into, as the page lists it. */
export interface SiteRow {
  readonly site: string;
  name: string;
  origin: string;
  /** The pairwise DID the site knows the person by. */
  account: string;
  lastLogin: number;
  logins: number;
  lastClaims: string[];
  /** Every claim ever shown to the site. */
  claimsShown: string[];
}

/** The sites logged into: one row per site, from the answers the activity log holds. */
export function sitesOf(log: readonly PresentationEntry[]): SiteRow[] {
  const bySite = new Map<string, SiteRow>();
  for (const p of log) {
    if (p.outcome !== 'sent') continue;
    const row = bySite.get(p.site) ?? {
      site: p.site,
      name: p.siteName,
      origin: p.origin,
      account: p.account,
      lastLogin: p.time,
      logins: 0,
      lastClaims: [...p.claims],
      claimsShown: [],
    };
    row.logins++;
    row.claimsShown = [...new Set([...row.claimsShown, ...p.claims])].sort();
    if (p.time >= row.lastLogin)
      Object.assign(row, {
        name: p.siteName,
        origin: p.origin,
        account: p.account,
        lastLogin: p.time,
        lastClaims: [...p.claims],
      });
    bySite.set(p.site, row);
  }
  return [...bySite.values()].sort((a, b) => b.lastLogin - a.lastLogin);
}

async function credentials(ctx: WalletContext) {
  const { path, seed } = ctx.wallet;
  const copies = readCopies(path, seed);
  const nowSec = Math.floor(Date.now() / 1000);
  let statuses = new Map<StoredCopy, string>();
  let error: ErrorBody | undefined;
  if (copies.length > 0) {
    try {
      statuses = await statusOf(await ctx.client(), copies);
    } catch (err) {
      error = reasonOf(err);
    }
  }
  return {
    copies: copies.map((c) => copyView(c, statuses.get(c), nowSec)),
    statusChecked: copies.length > 0 && error === undefined,
    ...(error === undefined ? {} : { error }),
  };
}

/** The overview routes as a fastify plugin (registered under `/api`). */
export const statusRoutes: FastifyPluginAsync<{ ctx: WalletContext }> = async (app, { ctx }) => {
  app.get('/status', { schema: { response: answers(StatusAnswer) } }, async () => {
    const w = ctx.wallet;
    const [node, enrollment] = await Promise.all([nodeStatus(ctx), enrollmentOf(ctx, w.file.did)]);
    return {
      wallet: {
        path: w.path,
        did: w.file.did ?? null,
        plannedDid: planCreate(w.seed, 0, 0).did,
        authIndex: w.file.authIndex,
        recoveryIndex: w.file.recoveryIndex,
      },
      node,
      enrollment,
    };
  });

  app.get('/credentials', { schema: { response: answers(CredentialsAnswer) } }, async () =>
    credentials(ctx),
  );

  app.get('/sites', { schema: { response: answers(SitesAnswer) } }, async () => ({
    sites: sitesOf(readActivity(ctx.wallet.path, ctx.wallet.seed).presentations),
  }));
};
