/**
 * `realdid credit credential|watch|consent|dispute`: the person's side, with the wallet file. The
 * wallet obtains its credit credential from the authority (signed by its master DID, registering
 * its consent key), keeps it sealed next to the wallet, looks for the person's events in the
 * public feed (nothing about the person is sent) and keeps them with their proofs, signs consents
 * for queriers, and disputes records with their handle keys.
 */
import type { Command } from 'commander';
import { AppError } from '../../errors.ts';
import type {
  CreditHandle,
  CreditQueryEvent,
  CreditRecordView,
  WatchedEvent,
} from '../../sdk/index.ts';
import { connect, nodeOptions, type NodeOpts } from '../connect.ts';
import { output } from '../io.ts';
import { progress } from '../progress.ts';
import {
  disputeStatement,
  fileDispute,
  findRecordHandle,
  giveConsent,
  lookFeed,
  obtainCredential,
  openCreditOf,
  type Look,
  type OpenedCredit,
} from './credit-actions.ts';
import { describeQuery, describeRecord, idArg } from './credit-common.ts';
import { parseDuration } from './lawful.ts';
import { unlockWalletOpts, type WalletOpts } from './wallet.ts';

export type { OpenedCredit } from './credit-actions.ts';

export type PersonOpts = WalletOpts & NodeOpts;

/** Adds the node options, `--wallet`, `--passphrase-file` and `--json`. */
export const walletOptions = (c: Command): Command =>
  nodeOptions(c)
    .option(
      '--wallet <file>',
      'wallet file (default $REALDID_WALLET, else $REALDID_HOME/wallet.json, else ~/.realdid/wallet.json)',
    )
    .option(
      '--passphrase-file <file>',
      'file holding the wallet passphrase (default $REALDID_PASSPHRASE or a prompt)',
    )
    .option('--json', 'machine-readable output');

/**
 * Unlocks the wallet, connects, and opens the stored credit credential (verified through the ledger).
 * @throws ERR_CREDIT_NO_CREDENTIAL when the wallet has none yet
 */
export async function openCredit(o: PersonOpts): Promise<OpenedCredit> {
  const w = await unlockWalletOpts(o);
  return openCreditOf(w, await connect(o));
}

/** Scans the feed after the store's cursor (a progress bar when it is long) and keeps the look. */
export async function look(c: OpenedCredit, json: boolean): Promise<Look> {
  const from = c.store.cursor;
  const bar = progress('looking through the credit feed', !json);
  let shown = false;
  const result = await lookFeed(c, (done, total) => {
    // one page or less is quick: no bar
    if (!shown && total - (from + 1) <= 1000) return;
    shown = true;
    bar.update(Math.max(0, done - (from + 1)), Math.max(0, total - (from + 1)));
  });
  bar.stop();
  return result;
}

/** An event of the person's in words. */
export function describeEvent(e: WatchedEvent): string {
  const at = `height ${e.tx.height}`;
  const warn =
    e.handleKey === null
      ? ' [WARNING: the handle carries your tag but none of your keys: not minted by your authority]'
      : e.event.kind === 'query' && e.handleKey === 'record'
        ? ' [without your consent: the querier named you by ID number]'
        : '';
  if (e.event.kind === 'query')
    return `${describeQuery(e.state.value as CreditQueryEvent)} (${at})${warn}`;
  const r = e.state.value as CreditRecordView;
  if (e.event.kind === 'dispute')
    return `you disputed record ${r.id} (${at}): dispute ${r.dispute?.status ?? '?'}${warn}`;
  return `new record about you (${at})${warn}\n${describeRecord(r)
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n')}`;
}

/** The handle of one of the person's records, from the store (looking again if needed). */
export function recordHandle(
  c: OpenedCredit,
  record: string,
  json: boolean,
): Promise<CreditHandle> {
  return findRecordHandle(c, record, () => look(c, json));
}

/** Registers the person's commands under `credit`. */
export function creditPersonCommands(credit: Command): void {
  walletOptions(credit.command('credential'))
    .description(
      'obtain your credit credential from the authority (--url is its node; signed by your master DID), kept sealed next to the wallet',
    )
    .action(async (o: PersonOpts) => {
      const w = await unlockWalletOpts(o);
      const out = await obtainCredential(w, await connect(o));
      output(
        o.json ?? false,
        out,
        () =>
          `credit credential from ${out.authority} kept in ${out.store}\nconsent key ${out.consentKey}\nNext: \`realdid credit watch\` shows the records and queries about you.`,
      );
    });

  walletOptions(credit.command('watch'))
    .description(
      'what is new about you since the last look: records, disputes and queries, each with checked proofs (kept in the wallet)',
    )
    .action(async (o: PersonOpts) => {
      const c = await openCredit(o);
      const r = await look(c, o.json ?? false);
      output(
        o.json ?? false,
        { cursor: r.cursor, scanned: r.scanned, events: r.events, kept: r.store.events.length },
        () =>
          r.events.length === 0
            ? `nothing new (${r.scanned} feed event(s) read; ${r.store.events.length} event(s) kept)`
            : `${r.events.length} new event(s), proofs checked:\n${r.events.map(describeEvent).join('\n')}`,
      );
    });

  walletOptions(credit.command('consent'))
    .description(
      'sign a consent for one query by one querier and purpose (give the printed token to the querier)',
    )
    .requiredOption('--querier <did>', "the querier's DID")
    .requiredOption(
      '--purpose <purpose>',
      'the purpose the querier registered, e.g. loan-underwriting',
    )
    .option('--expires <duration>', 'how long it stays valid, e.g. 7d, 12h', '7d')
    .action(async (o: PersonOpts & { querier: string; purpose: string; expires: string }) => {
      const expiresInMs = parseDuration('expires', o.expires);
      if (expiresInMs <= 0) throw new AppError('ERR_CLI_USAGE', '--expires must be positive');
      const c = await openCredit(o);
      const token = giveConsent(c, { querier: o.querier, purpose: o.purpose, expiresInMs });
      if (!(o.json ?? false))
        process.stderr.write(
          `consent for ${o.querier} to query your credit once for ${o.purpose}, until ${new Date(token.expires).toISOString()}\n`,
        );
      process.stdout.write(`${JSON.stringify(token, null, 2)}\n`);
    });

  walletOptions(credit.command('dispute'))
    .description(
      "dispute one of your records, signed with its handle key; the statement goes to the issuer's node (kept encrypted with the record's body), the ledger gets its SHA-256, your wallet keeps a copy",
    )
    .argument('<record>', 'record id')
    .requiredOption('--statement <text>', 'your statement (at most 500 characters)')
    .action(async (record: string, o: PersonOpts & { statement: string }) => {
      idArg('record', record);
      const statement = disputeStatement(o.statement);
      const c = await openCredit(o);
      const handle = await recordHandle(c, record, o.json ?? false);
      const out = await fileDispute(c, record, statement, handle);
      output(
        o.json ?? false,
        out,
        () =>
          `disputed ${record} at height ${out.height}; the issuer must answer by ${new Date(out.dispute!.deadline).toISOString()}\nstatement SHA-256 ${out.digest} is on the ledger; the text is kept in your wallet (send it to the issuer: the node takes no statements)`,
      );
    });
}
