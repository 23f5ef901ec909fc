/**
 * What the `realdid credit …` commands share: the signer options and key (a key file holding a
 * key of `--did`, as `realdid lawful` uses them), argument parsers (dates, digests, bodies,
 * statements) and how a record, a query and a report read in words.
 */
import { existsSync, readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { sha256, toHex } from '../../crypto/index.ts';
import { AppError } from '../../errors.ts';
import { loadKeyFile } from '../../node/index.ts';
import {
  newBodySalt,
  type CreditQueryEvent,
  type CreditRecordView,
  type CreditReport,
  type RealdidClient,
  type RecordBody,
  type RequestKey,
} from '../../sdk/index.ts';
import { nodeOptions, type NodeOpts } from '../connect.ts';
import { intArg, jsonArg, passphrase } from '../io.ts';

/** Options of a command signed with a key file. */
export interface SignerOpts extends NodeOpts {
  key?: string;
  did?: string;
  passphraseFile?: string;
  json?: boolean;
}

/** Adds the node options, `--key`, `--did`, `--passphrase-file` and `--json`. */
export const signerOptions = (c: Command): Command =>
  nodeOptions(c)
    .option('--key <file>', 'key file of the signing key (encrypted), e.g. keys/<actor>.json')
    .option('--did <did>', "the signer's did:rdid (the key must be one of its keys)")
    .option(
      '--passphrase-file <file>',
      'file holding the key passphrase (default $REALDID_PASSPHRASE or a prompt)',
    )
    .option('--json', 'machine-readable output');

/**
 * The signing key: the key file's key, named by the verification method of `--did` that holds it
 * (found in the DID's proven document).
 * @throws ERR_CLI_USAGE when --key or --did is missing or the key is not one of the DID's
 */
export async function signerOf(client: RealdidClient, o: SignerOpts): Promise<RequestKey> {
  if (o.key === undefined || o.did === undefined)
    throw new AppError('ERR_CLI_USAGE', '--key <file> and --did <did:rdid> are required');
  if (!existsSync(o.key)) throw new AppError('ERR_CLI_USAGE', `no such key file: ${o.key}`);
  const { multikey, keyPair } = loadKeyFile(o.key, await passphrase(o.passphraseFile));
  const doc = (await client.resolveDid(o.did)).didDocument;
  const vm = doc.verificationMethod?.find((m) => m.publicKeyMultibase === multikey);
  if (vm === undefined)
    throw new AppError('ERR_CLI_USAGE', `the key in ${o.key} is not a key of ${o.did}`);
  return { kid: vm.id.startsWith('#') ? `${o.did}${vm.id}` : vm.id, keyPair };
}

const DATE_RE = /^[0-9]{4}-[0-9]{2}-[0-9]{2}$/;
const HEX32_RE = /^[0-9a-f]{64}$/;

/** A `YYYY-MM-DD` option that is a real date. @throws ERR_CLI_USAGE */
export function dateArg(name: string, text: string): string {
  const t = DATE_RE.test(text) ? Date.parse(`${text}T00:00:00Z`) : NaN;
  const ok = Number.isFinite(t) && new Date(t).toISOString().startsWith(text);
  if (!ok)
    throw new AppError(
      'ERR_CLI_USAGE',
      `--${name} must be a date YYYY-MM-DD, got ${JSON.stringify(text)}`,
    );
  return text;
}

/** A record or query id (64 hex digits). @throws ERR_CLI_USAGE */
export function idArg(name: string, text: string): string {
  if (!HEX32_RE.test(text))
    throw new AppError(
      'ERR_CLI_USAGE',
      `${name} must be 64 hex digits, got ${JSON.stringify(text)}`,
    );
  return text;
}

/**
 * The evidence digest: `--evidence <hex sha256>`, or the SHA-256 of `--evidence-file <file>`.
 * @throws ERR_CLI_USAGE unless exactly one is given (or neither, when optional)
 */
export function evidenceArg(
  o: { evidence?: string; evidenceFile?: string },
  required: boolean,
): string | undefined {
  if (o.evidence !== undefined && o.evidenceFile !== undefined)
    throw new AppError(
      'ERR_CLI_USAGE',
      'give --evidence <sha256> or --evidence-file <file>, not both',
    );
  if (o.evidenceFile !== undefined) {
    if (!existsSync(o.evidenceFile))
      throw new AppError('ERR_CLI_USAGE', `no such file: ${o.evidenceFile}`);
    return toHex(sha256(readFileSync(o.evidenceFile)));
  }
  if (o.evidence !== undefined) return idArg('--evidence', o.evidence.toLowerCase());
  if (required)
    throw new AppError(
      'ERR_CLI_USAGE',
      '--evidence <sha256> or --evidence-file <file> is required',
    );
  return undefined;
}

/**
 * A record body from `--body '<json>'` or `--body @file.json`: `{details, salt?}` (a fresh salt
 * when none is given), or a plain object taken as the details.
 * @throws ERR_CLI_USAGE
 */
export function bodyArg(text: string): RecordBody {
  const v = jsonArg('body', text) as Record<string, unknown> | null;
  if (v === null || typeof v !== 'object' || Array.isArray(v))
    throw new AppError('ERR_CLI_USAGE', '--body must be a JSON object');
  const details = (Object.hasOwn(v, 'details') ? v.details : v) as Record<string, unknown> | null;
  if (details === null || typeof details !== 'object' || Array.isArray(details))
    throw new AppError('ERR_CLI_USAGE', '--body "details" must be a JSON object');
  for (const [k, x] of Object.entries(details))
    if (!['string', 'number', 'boolean'].includes(typeof x))
      throw new AppError(
        'ERR_CLI_USAGE',
        `--body detail "${k}" must be a string, number or boolean`,
      );
  const salt = Object.hasOwn(v, 'details') && typeof v.salt === 'string' ? v.salt : newBodySalt();
  return { salt, details: details as RecordBody['details'] };
}

/** A severity option. @throws ERR_CLI_USAGE */
export function severityArg(text: string): number {
  const n = intArg('severity', text);
  if (n < 1 || n > 10) throw new AppError('ERR_CLI_USAGE', `--severity must be 1..10, got ${n}`);
  return n;
}

const iso = (t: number): string => new Date(t).toISOString();

/** A record in words. */
export function describeRecord(r: CreditRecordView): string {
  const who =
    r.subject.type === 'org' ? `organization ${r.subject.uscc}` : 'a person (one-time handle)';
  const lines = [
    `record ${r.id}: ${r.category} (${r.polarity}, severity ${r.severity}) about ${who}`,
    `status ${r.status}${r.expired ? ', expired' : ''}${r.suppressed ? ', suppressed' : ''}, version ${r.version}`,
    `issuer ${r.issuer}, issued ${iso(r.issued)}`,
    `legal basis: ${r.legalBasis}`,
    `occurred ${r.occurred}, effective ${r.effective}, expires ${r.expires}${r.fulfilled === undefined ? '' : `, fulfilled ${r.fulfilled}`}`,
  ];
  if (r.dispute !== undefined)
    lines.push(
      `dispute ${r.dispute.status}, filed ${iso(r.dispute.filed)}, answer due ${iso(r.dispute.deadline)}${r.dispute.note === undefined ? '' : `: ${r.dispute.note}`}`,
    );
  return lines.join('\n');
}

/** A query event in words. */
export function describeQuery(q: CreditQueryEvent): string {
  const who = q.subject.type === 'org' ? `organization ${q.subject.uscc}` : 'a person';
  return `query ${q.id} by ${q.querier} for ${q.purpose} about ${who}: ${q.outcome}${q.reason === undefined ? '' : ` (${q.reason})`} at ${iso(q.at)}`;
}

/** A report in words: its records and its score. */
export function describeReport(r: CreditReport): string {
  const lines = [
    `${r.audience === 'subject' ? 'your own' : "a querier's"} report at height ${r.height} (${iso(r.at)}): ${r.records.length} record(s)`,
    ...r.records.map(
      (x) =>
        `  ${x.id.slice(0, 12)}… ${x.category} severity ${x.severity} ${x.status}${x.dispute?.status === 'open' ? ' (disputed)' : ''}`,
    ),
    r.score === null
      ? 'no score: governance has adopted no scoring model'
      : `score ${r.score.score} (grade ${r.score.grade}, model ${r.score.model})`,
    ...(r.score?.reasons ?? []).map(
      (x) => `  ${x.code}: ${x.points} points (${x.records.length} record(s))`,
    ),
  ];
  if (r.queries !== undefined)
    lines.push(
      `queries about you: ${r.queries.length}`,
      ...r.queries.map((q) => `  ${describeQuery(q)}`),
    );
  if (r.disputes !== undefined && r.disputes.length > 0)
    lines.push(`you disputed: ${r.disputes.join(', ')}`);
  return lines.join('\n');
}
