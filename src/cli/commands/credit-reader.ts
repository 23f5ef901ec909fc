/**
 * `realdid credit query|report|score|public|record|events|body`: what queriers, subjects and
 * anyone read. A querier (key file) queries with a person's consent token or an organization's
 * code and reads the report once; a person (wallet) reads their own report; `score` recomputes a
 * report's score locally with the adopted model (the CLI may import credit/) and says whether it
 * matches; public records, a proven record and the raw event feed need no key.
 */
import type { Command } from 'commander';
import { canonicalize } from '../../crypto/index.ts';
import {
  inForce,
  scoredRecord,
  scoreOf,
  type CreditRecord,
  type Score,
  type ScoringModel,
} from '../../credit/index.ts';
import { AppError } from '../../errors.ts';
import {
  CreditClient,
  type ConsentToken,
  type CreditReport,
  type RealdidClient,
} from '../../sdk/index.ts';
import { connect, nodeOptions, type NodeOpts } from '../connect.ts';
import { intArg, jsonArg, output } from '../io.ts';
import {
  describeQuery,
  describeRecord,
  describeReport,
  idArg,
  signerOf,
  signerOptions,
  type SignerOpts,
} from './credit-common.ts';
import { ownReportOf } from './credit-actions.ts';
import { openCredit, recordHandle, walletOptions, type PersonOpts } from './credit-person.ts';
import { unlockWalletOpts } from './wallet.ts';

type ReaderOpts = SignerOpts & PersonOpts;

/** Both kinds of reader: a key file (`--key`, `--did`) or the wallet (`--wallet`). */
const readerOptions = (c: Command): Command =>
  signerOptions(c).option(
    '--wallet <file>',
    'wallet file, when reading as the person (the default without --key)',
  );

/** The person's own report, signed by the wallet's master DID. */
async function ownReport(o: PersonOpts): Promise<{ client: RealdidClient; report: CreditReport }> {
  const w = await unlockWalletOpts(o);
  const client = await connect(o);
  return { client, report: await ownReportOf(w, client) };
}

/** A report's score recomputed with the adopted model, and whether it matches. */
export interface Rescored {
  readonly score: CreditReport['score'];
  readonly recomputed: Score | null;
  readonly matches: boolean;
  readonly model: { readonly version: string; readonly documentVersion: number } | null;
}

/**
 * Recomputes a report's score from its records with the scoring model governance adopted
 * (proven state), with credit's own `scoreOf`: anyone can check what a node answered.
 */
export async function rescore(client: RealdidClient, report: CreditReport): Promise<Rescored> {
  const adopted = (await new CreditClient(client).model()).value;
  if (adopted === null)
    return { score: report.score, recomputed: null, matches: report.score === null, model: null };
  const model = adopted.document as unknown as ScoringModel;
  const records = (report.records as unknown as CreditRecord[]).filter(inForce).map(scoredRecord);
  const recomputed = scoreOf(model, records, report.at);
  const same = report.score !== null && canonicalize(recomputed) === canonicalize(report.score);
  return {
    score: report.score,
    recomputed,
    matches: same,
    model: { version: model.version, documentVersion: adopted.version },
  };
}

function describeRescored(r: Rescored): string {
  if (r.recomputed === null) return 'governance has adopted no scoring model: no score';
  const s = r.recomputed;
  const lines = [
    `score ${s.score} (grade ${s.grade}) at ${new Date(s.at).toISOString()}, model ${s.model}`,
    ...(s.reasons.length === 0
      ? ['no record lowers it']
      : s.reasons.map((x) => `  ${x.code}: ${x.points} points from ${x.records.length} record(s)`)),
    ...s.factors
      .filter((f) => f.points > 0)
      .map((f) => `  +${f.points} points: ${f.category} (${f.records.length} record(s))`),
    r.matches
      ? `recomputed locally from the report's records with the adopted model ${r.model!.version} (document version ${r.model!.documentVersion}): it matches the report`
      : `WARNING: recomputed locally with the adopted model ${r.model!.version}, the score differs from the report's (${r.score === null ? 'none' : `${r.score.score} ${r.score.grade}, model ${r.score.model}`}): the model may have changed since, or the node answered wrongly`,
  ];
  return lines.join('\n');
}

/** Registers the readers' commands under `credit`. */
export function creditReaderCommands(credit: Command): void {
  signerOptions(credit.command('query'))
    .description(
      'query a subject (a registered querier): a person with their consent token, an organization by its code; logged on the ledger, allowed or denied',
    )
    .option('--consent <json>', "the person's consent token (JSON or @token.json)")
    .option('--uscc <code>', "an organization's Unified Social Credit Code")
    .option('--purpose <purpose>', 'the purpose (with --uscc; a consent names its own)')
    .action(async (o: SignerOpts & { consent?: string; uscc?: string; purpose?: string }) => {
      if ((o.consent === undefined) === (o.uscc === undefined))
        throw new AppError(
          'ERR_CLI_USAGE',
          'give exactly one of --consent @token.json or --uscc <code>',
        );
      const token =
        o.consent === undefined ? undefined : (jsonArg('consent', o.consent) as ConsentToken);
      if (
        token !== undefined &&
        (typeof token !== 'object' || token === null || token.handle === undefined)
      )
        throw new AppError('ERR_CLI_USAGE', '--consent is not a consent token');
      if (token !== undefined && o.purpose !== undefined && o.purpose !== token.purpose)
        throw new AppError(
          'ERR_CLI_USAGE',
          `the consent is for purpose ${token.purpose}, not ${o.purpose}`,
        );
      if (token === undefined && o.purpose === undefined)
        throw new AppError('ERR_CLI_USAGE', '--purpose is required with --uscc');
      const client = await connect(o);
      const signer = await signerOf(client, o);
      const c = new CreditClient(client);
      const q =
        token === undefined
          ? await c.query(signer, { type: 'org', uscc: o.uscc! }, o.purpose!)
          : await c.queryWithConsent(signer, token);
      const e = q.event.value;
      output(o.json ?? false, { id: q.id, height: q.height, event: e }, () =>
        [
          describeQuery(e),
          e.outcome === 'allowed'
            ? `read the report (once) with: realdid credit report --query ${q.id} --key … --did …`
            : 'denied: the subject sees this query and why',
        ].join('\n'),
      );
    });

  readerOptions(credit.command('report'))
    .description(
      "a querier's report for an allowed query (--key, --did, --query), or, with the wallet, your own report (every record, every query about you)",
    )
    .option('--query <id>', 'the allowed query (querier)')
    .action(async (o: ReaderOpts & { query?: string }) => {
      let report: CreditReport;
      if (o.key !== undefined || o.did !== undefined) {
        if (o.query === undefined)
          throw new AppError('ERR_CLI_USAGE', 'a querier names the query: --query <id>');
        const client = await connect(o);
        const signer = await signerOf(client, o);
        report = await new CreditClient(client).report(signer, idArg('--query', o.query));
      } else {
        if (o.query !== undefined)
          throw new AppError(
            'ERR_CLI_USAGE',
            '--query needs the querier key: --key <file> --did <did>',
          );
        report = (await ownReport(o)).report;
      }
      output(o.json ?? false, report, () => describeReport(report));
    });

  walletOptions(credit.command('score'))
    .description(
      "a report's score and reasons, recomputed locally from its records with the adopted model (default: your own report, with the wallet)",
    )
    .option('--report <json>', 'a report saved with `credit report --json` (JSON or @file)')
    .action(async (o: PersonOpts & { report?: string }) => {
      let client: RealdidClient;
      let report: CreditReport;
      if (o.report !== undefined) {
        report = jsonArg('report', o.report) as CreditReport;
        if (typeof report !== 'object' || report === null || !Array.isArray(report.records))
          throw new AppError('ERR_CLI_USAGE', '--report is not a credit report');
        client = await connect(o);
      } else ({ client, report } = await ownReport(o));
      const r = await rescore(client, report);
      output(o.json ?? false, r, () => describeRescored(r));
    });

  nodeOptions(credit.command('public'))
    .description("an organization's public credit record: public records in force and its lists")
    .argument('<uscc>', 'Unified Social Credit Code')
    .option('--json', 'machine-readable output')
    .action(async (uscc: string, o: NodeOpts & { json?: boolean }) => {
      const client = await connect(o);
      const pub = await new CreditClient(client).publicRecord(uscc);
      output(o.json ?? false, pub, () =>
        [
          `${uscc}: ${pub.records.length} public record(s) in force`,
          ...pub.records.map((r) => describeRecord(r)),
          pub.lists.length === 0
            ? 'on no list'
            : `on ${pub.lists.map((l) => `${l.list} since ${new Date(l.since).toISOString()}`).join(', ')}`,
        ].join('\n'),
      );
    });

  nodeOptions(credit.command('record'))
    .description("one record's state (metadata, status, dispute, history; never its body), proven")
    .argument('<id>', 'record id')
    .option('--json', 'machine-readable output')
    .action(async (id: string, o: NodeOpts & { json?: boolean }) => {
      const client = await connect(o);
      const { value, key, evidence } = await new CreditClient(client).record(idArg('record', id));
      output(
        o.json ?? false,
        { record: value, key, checkpoint: evidence.signed },
        () => `${describeRecord(value)}\n(proven at height ${evidence.checkpoint.height})`,
      );
    });

  nodeOptions(credit.command('events'))
    .description('the person-event feed (handle nonce and tag only): what wallets scan')
    .option('--after <seq>', 'events after this feed position')
    .option('--limit <n>', 'page size (default 1000)')
    .option('--json', 'machine-readable output')
    .action(async (o: NodeOpts & { after?: string; limit?: string; json?: boolean }) => {
      const client = await connect(o);
      const page = await new CreditClient(client).events({
        ...(o.after === undefined ? {} : { after: intArg('after', o.after) }),
        ...(o.limit === undefined ? {} : { limit: intArg('limit', o.limit) }),
      });
      output(o.json ?? false, page, () =>
        page.events.length === 0
          ? 'no events'
          : page.events.map((e) => `${e.seq} ${e.kind} ${e.ref} tag ${e.tag}`).join('\n') +
            (page.next === null ? '' : `\n(more: --after ${page.next})`),
      );
    });

  readerOptions(credit.command('body'))
    .description(
      "a record's body from the node holding it: as its issuer or the organization's bound DID (--key, --did), or as the person (wallet)",
    )
    .argument('<record>', 'record id')
    .action(async (record: string, o: ReaderOpts) => {
      idArg('record', record);
      let read;
      if (o.key !== undefined || o.did !== undefined) {
        const client = await connect(o);
        const signer = await signerOf(client, o);
        read = await new CreditClient(client).body(record, { request: signer });
      } else {
        const c = await openCredit(o);
        const handle = await recordHandle(c, record, o.json ?? false);
        read = await c.credit.body(record, { handleKey: c.wallet.recordSigner(handle).keyPair });
      }
      output(o.json ?? false, read, () =>
        [
          `record ${read.record}, version ${read.version}`,
          ...Object.entries(read.body.details).map(([k, v]) => `  ${k}: ${String(v)}`),
        ].join('\n'),
      );
    });
}
