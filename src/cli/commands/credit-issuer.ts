/**
 * `realdid credit issue|amend|withdraw|restore|respond|handle|bind-org`: what accredited credit
 * issuers (and identity authorities, for `bind-org`) write, signed with a key file whose key is a
 * key of `--did`. Bodies (`--body @file.json`) go to the node, encrypted there; the ledger gets
 * their SHA-256.
 */
import type { Command } from 'commander';
import { AppError } from '../../errors.ts';
import {
  CreditClient,
  type AmendChanges,
  type CreditHandle,
  type CreditSubject,
  type RecordBody,
} from '../../sdk/index.ts';
import { connect } from '../connect.ts';
import { jsonArg, output } from '../io.ts';
import {
  bodyArg,
  dateArg,
  describeRecord,
  evidenceArg,
  idArg,
  severityArg,
  signerOf,
  signerOptions,
  type SignerOpts,
} from './credit-common.ts';

interface ChangeOpts {
  severity?: string;
  legalBasis?: string;
  evidence?: string;
  evidenceFile?: string;
  occurred?: string;
  effective?: string;
  expires?: string;
}

const changeOptions = (c: Command): Command =>
  c
    .option('--severity <n>', 'severity on the category scale (1..10)')
    .option(
      '--legal-basis <text>',
      'the law or rule the record rests on (public; no personal data)',
    )
    .option('--evidence <sha256>', 'SHA-256 (hex) of the evidence the issuer holds')
    .option('--evidence-file <file>', 'the evidence file (only its SHA-256 goes to the ledger)')
    .option('--occurred <date>', 'when it happened, YYYY-MM-DD')
    .option('--effective <date>', 'when the record takes effect, YYYY-MM-DD')
    .option('--expires <date>', "expiry, YYYY-MM-DD (default: the category's retention)");

function changesOf(o: ChangeOpts): AmendChanges {
  const evidence = evidenceArg(o, false);
  return {
    ...(o.severity === undefined ? {} : { severity: severityArg(o.severity) }),
    ...(o.legalBasis === undefined ? {} : { legalBasis: o.legalBasis }),
    ...(evidence === undefined ? {} : { evidence }),
    ...(o.occurred === undefined ? {} : { occurred: dateArg('occurred', o.occurred) }),
    ...(o.effective === undefined ? {} : { effective: dateArg('effective', o.effective) }),
    ...(o.expires === undefined ? {} : { expires: dateArg('expires', o.expires) }),
  };
}

type IssueOpts = SignerOpts &
  ChangeOpts & {
    category: string;
    uscc?: string;
    handle?: string;
    idNumber?: string;
    body: string;
  };

/** The subject: `--uscc`, `--handle @handle.json`, or `--id-number` (a handle is fetched). */
async function subjectOf(
  credit: CreditClient,
  o: IssueOpts,
  signer: Parameters<CreditClient['handle']>[0],
): Promise<CreditSubject> {
  const given = [o.uscc, o.handle, o.idNumber].filter((x) => x !== undefined).length;
  if (given !== 1)
    throw new AppError(
      'ERR_CLI_USAGE',
      'give exactly one subject: --uscc <code>, --handle @handle.json or --id-number <number>',
    );
  if (o.uscc !== undefined) return { type: 'org', uscc: o.uscc };
  if (o.handle !== undefined) {
    const h = jsonArg('handle', o.handle) as { handle?: CreditHandle } & CreditHandle;
    return { type: 'person', handle: h.handle ?? h };
  }
  return { type: 'person', handle: await credit.handle(signer, o.idNumber!) };
}

function requireOpts(o: object, names: readonly string[]): void {
  const missing = names.filter((n) => (o as Record<string, unknown>)[n] === undefined);
  if (missing.length > 0)
    throw new AppError(
      'ERR_CLI_USAGE',
      `missing ${missing.map((n) => `--${n.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`).join(', ')}`,
    );
}

async function issue(o: IssueOpts): Promise<void> {
  requireOpts(o, ['severity', 'legalBasis', 'occurred', 'effective']);
  const body: RecordBody = bodyArg(o.body);
  const changes = changesOf(o);
  const evidence = evidenceArg(o, true)!;
  const client = await connect(o);
  const signer = await signerOf(client, o);
  const credit = new CreditClient(client);
  const subject = await subjectOf(credit, o, signer);
  const stored = await credit.issue(
    signer,
    {
      subject,
      category: o.category,
      severity: changes.severity!,
      legalBasis: changes.legalBasis!,
      evidence,
      occurred: changes.occurred!,
      effective: changes.effective!,
      ...(changes.expires === undefined ? {} : { expires: changes.expires }),
    },
    body,
  );
  const { value } = await credit.record(stored.record);
  output(o.json ?? false, { ...stored, body, state: value }, () =>
    [
      `issued ${stored.record} at height ${stored.height}`,
      describeRecord(value),
      `(the body is kept encrypted at ${client.url}; keep its salt with your copy)`,
    ].join('\n'),
  );
}

/** Prints the record after a change. */
async function showAfter(
  credit: CreditClient,
  o: SignerOpts,
  record: string,
  what: string,
  extra: Record<string, unknown> = {},
): Promise<void> {
  const { value } = await credit.record(record);
  output(o.json ?? false, { ...extra, state: value }, () => `${what}\n${describeRecord(value)}`);
}

async function connectSigner(o: SignerOpts) {
  const client = await connect(o);
  const signer = await signerOf(client, o);
  return { client, signer, credit: new CreditClient(client) };
}

/** Registers the issuers' commands under `credit`. */
export function creditIssuerCommands(credit: Command): void {
  changeOptions(signerOptions(credit.command('issue')))
    .description(
      'issue a credit record (an accredited credit-issuer): the body goes to the node encrypted, its SHA-256 to the ledger',
    )
    .requiredOption('--category <id>', 'a category the issuer is accredited for')
    .option('--uscc <code>', 'subject: an organization by its Unified Social Credit Code')
    .option('--handle <json>', 'subject: a person handle (JSON or @file, from `credit handle`)')
    .option(
      '--id-number <number>',
      'subject: a person; a handle is obtained from the authority first',
    )
    .requiredOption('--body <json>', 'the record body: {"details": {...}} or @file.json')
    .action((o: IssueOpts) => issue(o));

  changeOptions(signerOptions(credit.command('amend')))
    .description('amend a record (its issuer); a new --body replaces the body and its commitment')
    .argument('<record>', 'record id')
    .requiredOption('--note <text>', 'why (public; no personal data)')
    .option('--body <json>', 'the new record body: {"details": {...}} or @file.json')
    .action(
      async (record: string, o: SignerOpts & ChangeOpts & { note: string; body?: string }) => {
        idArg('record', record);
        const changes = changesOf(o);
        const body = o.body === undefined ? undefined : bodyArg(o.body);
        if (Object.keys(changes).length === 0 && body === undefined)
          throw new AppError('ERR_CLI_USAGE', 'nothing to amend: give a change option or --body');
        const { credit: c, signer } = await connectSigner(o);
        const out = await c.amend(signer, record, changes, o.note, body);
        await showAfter(c, o, record, `amended at height ${out.height}`, {
          id: out.id,
          height: out.height,
          ...(body === undefined ? {} : { body }),
        });
      },
    );

  signerOptions(credit.command('withdraw'))
    .description('withdraw a record (its issuer)')
    .argument('<record>', 'record id')
    .requiredOption('--reason <text>', 'why (public; no personal data)')
    .action(async (record: string, o: SignerOpts & { reason: string }) => {
      idArg('record', record);
      const { credit: c, signer } = await connectSigner(o);
      const r = await c.withdraw(signer, record, o.reason);
      await showAfter(c, o, record, `withdrawn at height ${r.height}`, { ...r });
    });

  signerOptions(credit.command('restore'))
    .description('restore credit: the subject fulfilled what the record was about (its issuer)')
    .argument('<record>', 'record id')
    .requiredOption('--fulfilled <date>', 'when it was fulfilled, YYYY-MM-DD')
    .option('--evidence <sha256>', 'SHA-256 (hex) of the evidence of fulfilment')
    .option('--evidence-file <file>', 'the evidence file (only its SHA-256 goes to the ledger)')
    .requiredOption('--note <text>', 'what was done (public; no personal data)')
    .action(
      async (
        record: string,
        o: SignerOpts & {
          fulfilled: string;
          evidence?: string;
          evidenceFile?: string;
          note: string;
        },
      ) => {
        idArg('record', record);
        const fulfilled = dateArg('fulfilled', o.fulfilled);
        const evidence = evidenceArg(o, true)!;
        const { credit: c, signer } = await connectSigner(o);
        const r = await c.restore(signer, { record, fulfilled, evidence, note: o.note });
        await showAfter(c, o, record, `restored at height ${r.height}`, { ...r });
      },
    );

  changeOptions(signerOptions(credit.command('respond')))
    .description("answer a record's open dispute before its deadline (its issuer)")
    .argument('<record>', 'record id')
    .argument('<decision>', 'uphold, amend (with change options) or withdraw')
    .requiredOption('--note <text>', 'the answer (public; no personal data)')
    .action(
      async (record: string, decision: string, o: SignerOpts & ChangeOpts & { note: string }) => {
        idArg('record', record);
        if (decision !== 'uphold' && decision !== 'amend' && decision !== 'withdraw')
          throw new AppError(
            'ERR_CLI_USAGE',
            `the decision must be uphold, amend or withdraw, got ${decision}`,
          );
        const changes = changesOf(o);
        if (decision === 'amend' && Object.keys(changes).length === 0)
          throw new AppError(
            'ERR_CLI_USAGE',
            'an amend decision needs a change option (e.g. --severity)',
          );
        const { credit: c, signer } = await connectSigner(o);
        const r = await c.respond(signer, {
          record,
          decision,
          note: o.note,
          ...(decision === 'amend' ? { changes } : {}),
        });
        await showAfter(c, o, record, `answered (${decision}) at height ${r.height}`, { ...r });
      },
    );

  signerOptions(credit.command('handle'))
    .description(
      "a fresh one-time handle of an enrolled person, by ID number (an accredited issuer or querier; --url is the authority's node)",
    )
    .requiredOption(
      '--id-number <number>',
      "the person's resident ID number (sent to the authority only)",
    )
    .action(async (o: SignerOpts & { idNumber: string }) => {
      const { credit: c, signer } = await connectSigner(o);
      const handle = await c.handle(signer, o.idNumber);
      output(o.json ?? false, { handle }, () => JSON.stringify({ handle }, null, 2));
    });

  signerOptions(credit.command('bind-org'))
    .description(
      "bind an organization's code to the DID that speaks for it in disputes (an identity authority)",
    )
    .argument('<uscc>', 'Unified Social Credit Code')
    .argument('<did>', "the organization's DID")
    .action(async (uscc: string, did: string, o: SignerOpts) => {
      const { credit: c, signer } = await connectSigner(o);
      const r = await c.bindOrg(signer, uscc, did);
      output(
        o.json ?? false,
        { ...r, uscc, did },
        () => `${uscc} is bound to ${did} (height ${r.height})`,
      );
    });
}
