/**
 * `realdid ia …`: the front office of an identity authority. Every call is signed with an
 * operator key of the authority's DID (the key file `node init --authority` wrote, e.g.
 * `data/keys/ia-operator.json`); the node refuses anyone else.
 */
import type { Command } from 'commander';
import { REVOKE_REASONS } from '../../identity/index.ts';
import { AppError } from '../../errors.ts';
import { loadKeyFile } from '../../node/index.ts';
import type { BindingInfo, PersonDetails, RealdidClient, RequestKey } from '../../sdk/index.ts';
import { connect, nodeOptions, type NodeOpts } from '../connect.ts';
import { jsonArg, output, passphrase } from '../io.ts';

interface IaOpts extends NodeOpts {
  operatorKey?: string;
  operator?: string;
  passphraseFile?: string;
  json?: boolean;
}

interface PersonOpts {
  familyName?: string;
  givenName?: string;
  idNumber?: string;
  birthdate?: string;
  nationality?: string;
  region?: string;
}

/** The operator key, its DID URL (`<authority DID>#operator` unless --operator says otherwise) and the authority. */
async function operatorOf(
  client: RealdidClient,
  o: IaOpts,
): Promise<{ key: RequestKey; authority: string }> {
  if (o.operatorKey === undefined)
    throw new AppError(
      'ERR_CLI_USAGE',
      '--operator-key <file> is required (e.g. data/keys/ia-operator.json)',
    );
  const info = await client.identity.authority();
  const { keyPair } = loadKeyFile(o.operatorKey, await passphrase(o.passphraseFile));
  return { key: { kid: o.operator ?? `${info.did}#operator`, keyPair }, authority: info.did };
}

const PERSON_FIELDS = [
  'familyName',
  'givenName',
  'idNumber',
  'birthdate',
  'nationality',
  'region',
] as const;

/** The person from `--person <json|@file>` (keeps personal data out of `ps` and shell history) or the flags. */
function personOf(o: PersonOpts & { person?: string }): PersonDetails {
  if (o.person !== undefined) {
    const given = jsonArg('person', o.person) as Record<string, unknown> | null;
    if (given === null || typeof given !== 'object' || Array.isArray(given))
      throw new AppError('ERR_CLI_USAGE', '--person must be a JSON object');
    const extra = Object.keys(given).filter(
      (k) => !(PERSON_FIELDS as readonly string[]).includes(k),
    );
    if (extra.length > 0)
      throw new AppError('ERR_CLI_USAGE', `--person has unknown fields: ${extra.join(', ')}`);
    for (const [k, v] of Object.entries(given))
      if (typeof v !== 'string')
        throw new AppError('ERR_CLI_USAGE', `--person: "${k}" must be a string`);
    return personOf(given);
  }
  const missing = (
    ['familyName', 'givenName', 'idNumber', 'birthdate', 'nationality'] as const
  ).filter((k) => o[k] === undefined);
  if (missing.length > 0)
    throw new AppError(
      'ERR_CLI_USAGE',
      `missing ${missing.map((k) => `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`).join(', ')} (or --person @file)`,
    );
  return {
    familyName: o.familyName!,
    givenName: o.givenName!,
    idNumber: o.idNumber!,
    birthdate: o.birthdate!,
    nationality: o.nationality!,
    ...(o.region === undefined ? {} : { region: o.region }),
  };
}

function describe(b: BindingInfo): string {
  const lines = [
    `${b.did}: ${b.status}`,
    `authority ${b.authority}`,
    `since ${new Date(b.since).toISOString()}${b.enrolled === undefined ? '' : `, enrolled ${new Date(b.enrolled).toISOString()}`}`,
    `copies issued ${b.copies.issued}, unexpired ${b.copies.unexpired}; vault record ${b.record}`,
  ];
  if (b.reason !== undefined) lines.push(`reason ${b.reason}`);
  return lines.join('\n');
}

function proofArg(text: string | undefined): {
  challenge: string;
  signer: string;
  signature: string;
} {
  if (text === undefined)
    throw new AppError(
      'ERR_CLI_USAGE',
      '--proof <json|@file> is required (from `realdid wallet prove`)',
    );
  const p = jsonArg('proof', text) as Record<string, unknown>;
  if (
    typeof p?.challenge !== 'string' ||
    typeof p.signer !== 'string' ||
    typeof p.signature !== 'string'
  )
    throw new AppError('ERR_CLI_USAGE', '--proof must be {challenge, signer, signature}');
  return { challenge: p.challenge, signer: p.signer, signature: p.signature };
}

/** Registers `realdid ia challenge|enroll|rebind|revoke|show`. */
export function iaCommands(program: Command): void {
  const ia = program
    .command('ia')
    .description(
      "an identity authority's front office: enroll, re-bind, revoke and look up real-name bindings",
    );
  const common = (c: Command): Command =>
    nodeOptions(c)
      .option('--operator-key <file>', "the authority's operator key file (encrypted)")
      .option('--operator <didUrl>', 'DID URL of that key (default: <authority DID>#operator)')
      .option(
        '--passphrase-file <file>',
        'file holding the key passphrase (default $REALDID_PASSPHRASE or a prompt)',
      )
      .option('--json', 'machine-readable output');
  const personOptions = (c: Command): Command =>
    c
      .option(
        '--person <json|@file>',
        'the person as JSON {familyName, givenName, idNumber, birthdate, nationality, region?}, or @file (e.g. @/dev/stdin): keeps personal data out of ps and shell history',
      )
      .option('--family-name <name>', 'family name (as on the ID card)')
      .option('--given-name <name>', 'given name')
      .option('--id-number <n>', '18-character resident ID number')
      .option('--birthdate <YYYY-MM-DD>', 'birth date (must agree with the ID number)')
      .option('--nationality <CC>', 'ISO 3166-1 alpha-2 code, e.g. CN')
      .option('--region <code>', 'province, ISO 3166-2:CN (default: from the ID number)')
      .option('--did <did>', "the person's master DID")
      .option(
        '--proof <json|@file>',
        'the proof of control (`realdid wallet prove <challenge>` prints it)',
      );

  common(ia.command('challenge'))
    .description(
      'a fresh challenge for the person to sign with their wallet (`realdid wallet prove`)',
    )
    .action(async (o: IaOpts) => {
      const client = await connect(o);
      const { key, authority } = await operatorOf(client, o);
      const c = await client.identity.challenge(key, authority);
      output(
        o.json ?? false,
        { ...c, authority },
        () =>
          `${c.challenge}\n(expires ${new Date(c.expires).toISOString()}; the person runs: realdid wallet prove ${c.challenge} --authority ${authority})`,
      );
    });

  personOptions(common(ia.command('enroll')))
    .description(
      "enroll a checked person: details to the authority's vault, a uniqueness tag to the ledger",
    )
    .action(async (o: IaOpts & PersonOpts & { person?: string; did?: string; proof?: string }) => {
      const person = personOf(o);
      const proof = proofArg(o.proof);
      if (o.did === undefined)
        throw new AppError('ERR_CLI_USAGE', '--did <master DID> is required');
      const client = await connect(o);
      const { key, authority } = await operatorOf(client, o);
      const b = await client.identity.enroll(key, authority, { person, did: o.did, proof });
      output(o.json ?? false, b, () => describe(b));
    });

  personOptions(common(ia.command('rebind')))
    .description(
      "re-bind a re-checked person to a new master DID (lost wallet); revokes the old DID's copies",
    )
    .action(async (o: IaOpts & PersonOpts & { person?: string; did?: string; proof?: string }) => {
      const person = personOf(o);
      const proof = proofArg(o.proof);
      if (o.did === undefined)
        throw new AppError('ERR_CLI_USAGE', '--did <new master DID> is required');
      const client = await connect(o);
      const { key, authority } = await operatorOf(client, o);
      const b = await client.identity.rebind(key, authority, { person, did: o.did, proof });
      output(o.json ?? false, b, () => describe(b));
    });

  common(ia.command('revoke'))
    .description('revoke the binding a master DID holds and all its credential copies')
    .argument('<did>', 'master DID')
    .option('--reason <reason>', `one of ${REVOKE_REASONS.join(', ')}`, 'holder-request')
    .option('--erase', "also erase (crypto-shred) the person's record in the vault")
    .action(async (did: string, o: IaOpts & { reason: string; erase?: boolean }) => {
      if (!(REVOKE_REASONS as readonly string[]).includes(o.reason))
        throw new AppError('ERR_CLI_USAGE', `--reason must be one of ${REVOKE_REASONS.join(', ')}`);
      const client = await connect(o);
      const { key, authority } = await operatorOf(client, o);
      const b = await client.identity.revoke(key, authority, {
        did,
        reason: o.reason,
        ...(o.erase === true ? { erase: true } : {}),
      });
      output(o.json ?? false, b, () => describe(b));
    });

  common(ia.command('show'))
    .description("a binding's status and copy counts (no personal data is shown)")
    .argument('<did>', 'master DID')
    .action(async (did: string, o: IaOpts) => {
      const client = await connect(o);
      const { key, authority } = await operatorOf(client, o);
      const b = await client.identity.show(key, authority, did);
      output(o.json ?? false, b, () => describe(b));
    });
}
