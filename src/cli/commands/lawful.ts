/**
 * `realdid lawful …`: lawful de-anonymization. A requester (e.g. a court) files a request and,
 * once custodians approved it, obtains the identity from the authority; custodians decide; anyone
 * shows and lists requests (with their proofs). Ledger transactions are signed with a key file
 * (`--key`) whose key is a `capabilityInvocation` key of `--did`; the release request with the same
 * key as an `authentication` key.
 */
import type { Command } from 'commander';
import { AppError } from '../../errors.ts';
import { loadKeyFile } from '../../node/index.ts';
import {
  decideLawful,
  lawfulRequest,
  lawfulRequests,
  releaseLawful,
  requestLawful,
  type LawfulRequestRecord,
  type RealdidClient,
  type RequestKey,
} from '../../sdk/index.ts';
import { connect, nodeOptions, type NodeOpts } from '../connect.ts';
import { intArg, output, passphrase } from '../io.ts';

interface SignerOpts extends NodeOpts {
  key?: string;
  did?: string;
  passphraseFile?: string;
  json?: boolean;
}

const UNITS: Readonly<Record<string, number>> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};

/** `90d`, `12h`, `30m`, `45s`, `1500ms` or a number of milliseconds. @throws ERR_CLI_USAGE */
export function parseDuration(name: string, text: string): number {
  const m = /^([0-9]+)(ms|s|m|h|d)?$/.exec(text.trim());
  const n = m === null ? NaN : Number(m[1]) * UNITS[m[2] ?? 'ms']!;
  if (!Number.isSafeInteger(n))
    throw new AppError(
      'ERR_CLI_USAGE',
      `--${name} must be a duration such as 30d, 12h or 0, got ${JSON.stringify(text)}`,
    );
  return n;
}

/**
 * The signing key: the key file's key, named by the verification method of `--did` that holds it
 * (found in the DID's proven document).
 */
async function signerOf(client: RealdidClient, o: SignerOpts): Promise<RequestKey> {
  if (o.key === undefined || o.did === undefined)
    throw new AppError('ERR_CLI_USAGE', '--key <file> and --did <did:rdid> are required');
  const { multikey, keyPair } = loadKeyFile(o.key, await passphrase(o.passphraseFile));
  const doc = (await client.resolveDid(o.did)).didDocument;
  const vm = doc.verificationMethod?.find((m) => m.publicKeyMultibase === multikey);
  if (vm === undefined)
    throw new AppError('ERR_CLI_USAGE', `the key in ${o.key} is not a key of ${o.did}`);
  return { kid: vm.id.startsWith('#') ? `${o.did}${vm.id}` : vm.id, keyPair };
}

const iso = (t: number): string => new Date(t).toISOString();

function describe(r: LawfulRequestRecord): string {
  const lines = [
    `lawful request ${r.id}: ${r.status}`,
    `requester ${r.requester}`,
    `authority ${r.authority}, site ${r.site}`,
    `basis ${r.basis}`,
    `filed ${iso(r.created)}, decisions until ${iso(r.expires)}`,
    `approvals ${r.approvals.length}: ${r.approvals.map((d) => d.custodian).join(', ') || '-'}`,
    `refusals ${r.refusals.length}: ${r.refusals.map((d) => `${d.custodian}${d.reason === undefined ? '' : ` (${d.reason})`}`).join(', ') || '-'}`,
    r.noticed === undefined
      ? `the person is told ${iso(r.noticeAt)} at the latest`
      : `the person was told ${iso(r.noticed)}`,
  ];
  if (r.outcome !== undefined)
    lines.push(
      `outcome ${r.outcome.result} ${iso(r.outcome.time)}, release ${r.outcome.releaseHash}`,
    );
  return lines.join('\n');
}

const signerOptions = (c: Command): Command =>
  nodeOptions(c)
    .option('--key <file>', 'key file of the signing key (encrypted)')
    .option('--did <did>', "the signer's did:rdid (the key must be one of its keys)")
    .option(
      '--passphrase-file <file>',
      'file holding the key passphrase (default $REALDID_PASSPHRASE or a prompt)',
    )
    .option('--json', 'machine-readable output');

/** Registers `realdid lawful request|decide|release|show|list`. */
export function lawfulCommands(program: Command): void {
  const lawful = program
    .command('lawful')
    .description(
      'lawful de-anonymization: requests by accredited requesters, M-of-N custodian approval, release by the identity authority, all on the ledger',
    );

  signerOptions(lawful.command('request'))
    .description(
      "ask an identity authority to resolve a site's pairwise DID (as a lawful-requester); the ledger gets a commitment, never the DID",
    )
    .requiredOption('--authority <did>', 'the identity authority that issued the copy')
    .requiredOption('--site <did>', "the relying party's DID")
    .requiredOption('--subject <did>', "the person's pairwise DID at that site (did:key)")
    .requiredOption('--basis <text>', 'the legal basis cited (public; no personal data)')
    .requiredOption('--case-ref <text>', 'the case reference (only its SHA-256 goes to the ledger)')
    .option('--notice-delay <duration>', "delay of the person's notice, e.g. 30d (default 0)", '0')
    .action(
      async (
        o: SignerOpts & {
          authority: string;
          site: string;
          subject: string;
          basis: string;
          caseRef: string;
          noticeDelay: string;
        },
      ) => {
        const noticeDelayMs = parseDuration('notice-delay', o.noticeDelay);
        const client = await connect(o);
        const signer = await signerOf(client, o);
        const r = await requestLawful(client, signer, {
          authority: o.authority,
          site: o.site,
          pairwiseDid: o.subject,
          basis: o.basis,
          caseRef: o.caseRef,
          noticeDelayMs,
        });
        output(
          o.json ?? false,
          r,
          () =>
            `lawful request ${r.id} filed at height ${r.height}\n(custodians decide with: realdid lawful decide ${r.id} approve|refuse)`,
        );
      },
    );

  signerOptions(lawful.command('decide'))
    .description('approve or refuse a lawful request (as a lawful-custodian)')
    .argument('<id>', 'request id')
    .argument('<decision>', 'approve or refuse')
    .option('--reason <text>', 'why (public; no personal data)')
    .action(async (id: string, decision: string, o: SignerOpts & { reason?: string }) => {
      if (decision !== 'approve' && decision !== 'refuse')
        throw new AppError(
          'ERR_CLI_USAGE',
          `the decision must be approve or refuse, got ${decision}`,
        );
      const client = await connect(o);
      const signer = await signerOf(client, o);
      await decideLawful(client, signer, id, decision, o.reason);
      const { value } = await lawfulRequest(client, id);
      output(o.json ?? false, value, () => describe(value));
    });

  signerOptions(lawful.command('release'))
    .description(
      "obtain the identity behind an approved request's pseudonym from the authority (as its requester; --url is the authority's node)",
    )
    .argument('<id>', 'request id')
    .requiredOption('--subject <did>', 'the pairwise DID the request committed to')
    .action(async (id: string, o: SignerOpts & { subject: string }) => {
      const client = await connect(o);
      const signer = await signerOf(client, o);
      const out = await releaseLawful(client, signer, id, o.subject);
      const p = out.identity;
      output(
        o.json ?? false,
        {
          result: out.result,
          ...(p === undefined ? {} : { identity: p }),
          outcomeTx: out.outcomeTx,
          releaseHash: out.request.value.outcome?.releaseHash,
        },
        () =>
          p === undefined
            ? `the authority holds no person for this pseudonym (not-found, recorded in ${out.outcomeTx.id})`
            : [
                `${p.familyName} ${p.givenName}, ${p.idNumber}, born ${p.birthdate}, ${p.nationality} ${p.region}`,
                `master DID ${p.masterDid}`,
                `(recorded in ${out.outcomeTx.id}; the person is told)`,
              ].join('\n'),
      );
    });

  nodeOptions(lawful.command('show'))
    .description('a lawful request with its decisions, outcome and notice (verified by its proof)')
    .argument('<id>', 'request id')
    .option('--json', 'machine-readable output')
    .action(async (id: string, o: NodeOpts & { json?: boolean }) => {
      const client = await connect(o);
      const { value, key, evidence } = await lawfulRequest(client, id);
      output(
        o.json ?? false,
        { request: value, key, checkpoint: evidence.checkpoint },
        () => `${describe(value)}\n(proven at height ${evidence.checkpoint.height})`,
      );
    });

  nodeOptions(lawful.command('list'))
    .description('lawful requests (filed, approved, refused, expired, released, not-found)')
    .option('--status <status>', 'only requests with this status')
    .option('--requester <did>', 'only requests of this requester')
    .option('--limit <n>', 'page size (default 100)')
    .option('--after <id>', 'the next page after this id')
    .option('--json', 'machine-readable output')
    .action(
      async (
        o: NodeOpts & {
          status?: string;
          requester?: string;
          limit?: string;
          after?: string;
          json?: boolean;
        },
      ) => {
        const client = await connect(o);
        const page = await lawfulRequests(client, {
          ...(o.status === undefined ? {} : { status: o.status }),
          ...(o.requester === undefined ? {} : { requester: o.requester }),
          ...(o.limit === undefined ? {} : { limit: intArg('limit', o.limit) }),
          ...(o.after === undefined ? {} : { after: o.after }),
        });
        output(o.json ?? false, page, () =>
          page.requests.length === 0
            ? 'no lawful requests'
            : page.requests
                .map(
                  (r) =>
                    `${r.id} ${r.status} ${iso(r.created)} ${r.approvals.length}+/${r.refusals.length}- ${r.basis}`,
                )
                .join('\n') + (page.next === null ? '' : `\n(more: --after ${page.next})`),
        );
      },
    );
}
