/**
 * The person's credit report as the wallet page shows it (`GET /api/credit/report`): the
 * authority's own report (every unexpired record, every query about the person), each record
 * with its status in words, the score recomputed by the wallet with the adopted model (as
 * `realdid credit score` does) and compared with the node's, the scores the wallet saw before,
 * and the events the wallet found in the feed with the proofs it checked them with (kept in its
 * store), for the page to check again in the browser against the chain the wallet pinned.
 */
import type {
  CreditQueryEvent,
  CreditRecordView,
  CreditReport,
  CreditScore,
  RealdidClient,
  TrustAnchor,
} from '../../sdk/index.ts';
import { ownReportOf, openCreditOf, type OpenedCredit } from '../commands/credit-actions.ts';
import { rescore, type Rescored } from '../commands/credit-reader.ts';
import { keepScore, type StoredCreditEvent, type StoredScore } from '../commands/credit-store.ts';
import type { WalletContext } from './context.ts';

/** A record's status in words: what the page's badge says. */
export type RecordStatus =
  'in-force' | 'disputed' | 'suppressed' | 'withdrawn' | 'restored' | 'expired';

/** Where the wallet found one of the person's events in the feed (its proofs are in `events`). */
export interface FoundAt {
  readonly seq: number;
  readonly height: number;
  /** Which key of the person's the handle blinds (null: none of theirs, a warning). */
  readonly handleKey: 'record' | 'consent' | null;
  /** Wall-clock ms when the wallet first saw it. */
  readonly seen: number;
}

/** A record about the person, with what the wallet knows of it. */
export interface ReportRecord {
  readonly record: CreditRecordView;
  readonly status: RecordStatus;
  /** Whether the person can dispute it now (active, no dispute of this version yet). */
  readonly disputable: boolean;
  /** Whether it counts in the recomputed score. */
  readonly scored: boolean;
  /** Whether the authority's report holds it (an expired record is only in the wallet). */
  readonly inReport: boolean;
  readonly found: FoundAt | null;
  /** The person's dispute statements of this record (the ledger holds their SHA-256). */
  readonly statements: readonly {
    readonly statement: string;
    readonly digest: string;
    readonly time: number;
  }[];
}

/** A query about the person. */
export interface ReportQuery {
  readonly query: CreditQueryEvent;
  readonly found: FoundAt | null;
}

/** The score as the wallet recomputed it. */
export interface ReportScore {
  /** Recomputed from the report's records with the adopted model. */
  readonly recomputed: NonNullable<Rescored['recomputed']>;
  /** What the node's report says. */
  readonly node: CreditScore | null;
  readonly matches: boolean;
  readonly model: NonNullable<Rescored['model']>;
}

/** What `GET /api/credit/report` answers. */
export interface WalletCreditReport {
  /** The block the report was built at. */
  readonly height: number;
  readonly at: number;
  readonly credential: {
    readonly authority: string;
    readonly consentKey: string;
    readonly obtained: number | null;
  };
  readonly records: readonly ReportRecord[];
  /** Null when governance has adopted no scoring model. */
  readonly score: ReportScore | null;
  /** The scores the wallet recomputed over time, oldest first (the last is the current one). */
  readonly scores: readonly StoredScore[];
  readonly queries: readonly ReportQuery[];
  /** The feed position of the wallet's last look. */
  readonly cursor: number;
  /** The person's events found in the feed, with the proofs they were checked with. */
  readonly events: readonly StoredCreditEvent[];
  /** The chain the wallet pinned: what the events' checkpoints must be signed by. */
  readonly chain: {
    readonly chainId: string;
    readonly genesisHash: string;
    readonly trust: TrustAnchor;
  };
  /** Governance's record categories, by id. */
  readonly categories: Readonly<
    Record<string, { readonly name: string; readonly polarity: string }>
  >;
  /** Registered names of issuers and queriers, by DID (as the node lists governance roles). */
  readonly names: Readonly<Record<string, string>>;
}

/** A record's status in words. */
export function recordStatus(r: CreditRecordView): RecordStatus {
  if (r.expired) return 'expired';
  if (r.suppressed) return 'suppressed';
  if (r.status === 'withdrawn') return 'withdrawn';
  if (r.dispute?.status === 'open') return 'disputed';
  if (r.status === 'restored') return 'restored';
  return 'in-force';
}

/** Can the person dispute it now? (The module decides; this spares a refused transaction.) */
function disputable(r: CreditRecordView): boolean {
  return (
    r.status === 'active' &&
    !r.expired &&
    !r.suppressed &&
    r.dispute?.status !== 'open' &&
    r.dispute?.version !== r.version
  );
}

function foundAt(e: StoredCreditEvent): FoundAt {
  return { seq: e.event.seq, height: e.tx.height, handleKey: e.handleKey, seen: e.seen };
}

/**
 * The records: the report's, then those the wallet found that the report no longer holds
 * (expired), in their state proven now.
 */
async function recordsOf(
  c: OpenedCredit,
  report: CreditReport,
  scored: ReadonlySet<string>,
): Promise<ReportRecord[]> {
  const events = c.store.events.filter((e) => e.event.kind === 'record');
  const shown = new Set(report.records.map((r) => r.id));
  const missing = events.filter((e) => !shown.has(e.event.ref)).map((e) => e.event.ref);
  const proven = await Promise.all(
    [...new Set(missing)].map(async (id) => (await c.credit.record(id)).value),
  );
  const entry = (record: CreditRecordView, inReport: boolean): ReportRecord => {
    const found = events.find((e) => e.event.ref === record.id);
    return {
      record,
      status: recordStatus(record),
      disputable: disputable(record),
      scored: scored.has(record.id),
      inReport,
      found: found === undefined ? null : foundAt(found),
      statements: c.store.statements
        .filter((s) => s.record === record.id)
        .map(({ statement, digest, time }) => ({ statement, digest, time })),
    };
  };
  return [...report.records.map((r) => entry(r, true)), ...proven.map((r) => entry(r, false))];
}

/** The queries: the report's, then those the wallet found that the report does not hold. */
function queriesOf(c: OpenedCredit, report: CreditReport): ReportQuery[] {
  const events = c.store.events.filter((e) => e.event.kind === 'query');
  const listed = report.queries ?? [];
  const ids = new Set(listed.map((q) => q.id));
  const extra = events
    .filter((e) => !ids.has(e.event.ref))
    .map((e) => e.state.value as CreditQueryEvent);
  return [...listed, ...extra]
    .sort((a, b) => b.at - a.at)
    .map((query) => {
      const found = events.find((e) => e.event.ref === query.id);
      return { query, found: found === undefined ? null : foundAt(found) };
    });
}

/** The governance names of issuers and queriers, by DID (the node's lists, first page). */
async function namesOf(client: RealdidClient): Promise<Record<string, string>> {
  const lists = await Promise.all(['credit-issuer', 'querier'].map((r) => client.govRoles(r)));
  const names: Record<string, string> = {};
  for (const { roles } of lists)
    for (const g of roles as { subject?: unknown; name?: unknown }[])
      if (typeof g.subject === 'string' && typeof g.name === 'string') names[g.subject] = g.name;
  return names;
}

function scoreOf(r: Rescored): ReportScore | null {
  if (r.recomputed === null || r.model === null) return null;
  return { recomputed: r.recomputed, node: r.score, matches: r.matches, model: r.model };
}

/** Keeps the recomputed score in the wallet's store when it changed; the scores kept. */
function scoresOf(c: OpenedCredit, s: ReportScore | null): StoredScore[] {
  if (s === null) return [...(c.store.scores ?? [])];
  const { score, grade, model, at, records } = s.recomputed;
  return keepScore(c.w.path, c.w.seed, { score, grade, model, at, records: [...records] });
}

/**
 * The person's credit report, built from the authority's report, the adopted model and the
 * wallet's store.
 * @throws ERR_CREDIT_NO_CREDENTIAL, the codes of ownReportOf, the checkpoint and proof codes
 */
export async function walletCreditReport(ctx: WalletContext): Promise<WalletCreditReport> {
  const client = await ctx.client();
  const c = await openCreditOf(ctx.wallet, client);
  const [report, genesis, trust, categories, names] = await Promise.all([
    ownReportOf(c.w, client),
    client.genesis(),
    client.trust(),
    c.credit.categories(),
    namesOf(client),
  ]);
  const score = scoreOf(await rescore(client, report));
  const scored = new Set(score?.recomputed.records ?? []);
  return {
    height: report.height,
    at: report.at,
    credential: {
      authority: c.wallet.authority,
      consentKey: `did:key:${c.wallet.consentKey.multikey}`,
      obtained: c.store.obtained ?? null,
    },
    records: await recordsOf(c, report, scored),
    score,
    scores: scoresOf(c, score),
    queries: queriesOf(c, report),
    cursor: c.store.cursor,
    events: c.store.events,
    chain: { chainId: genesis.genesis.chainId, genesisHash: genesis.hash, trust },
    categories: Object.fromEntries(
      categories.categories.map((x) => [x.id, { name: x.name, polarity: x.polarity }]),
    ),
    names,
  };
}
