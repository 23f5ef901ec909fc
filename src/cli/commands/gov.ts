import type { Command } from 'commander';
import { signCheckpoint } from '../../ledger/index.ts';
import { connect, nodeOptions, type NodeOpts } from '../connect.ts';
import { intArg, jsonArg, output } from '../io.ts';
import { unlockKey } from './key.ts';

interface KeyOpts extends NodeOpts {
  key: string;
  passphraseFile?: string;
  json?: boolean;
}

/** Why a proposal that reached quorum could not apply, as a suffix of its one-line summary. */
function failureOf(p: Record<string, unknown>): string {
  const f = p.failure as { code: string; message: string } | undefined;
  return f === undefined ? '' : `\n  ${f.code}: ${f.message}`;
}

export function govCommands(program: Command): void {
  const gov = program
    .command('gov')
    .description('consortium governance: M-of-N proposals, accreditation, parameters');

  nodeOptions(gov.command('propose'))
    .description('propose a change, signed by an organization key (counts as its approval)')
    .requiredOption(
      '--change <json>',
      'the change as JSON or @file, e.g. {"type":"set-quorum","quorum":3} or @site.json (an accredit with site terms, docs/identity.md)',
    )
    .option('--note <text>', 'a public note')
    .requiredOption('--key <file>', 'organization key file')
    .option('--passphrase-file <file>', 'file holding the key passphrase')
    .option('--json', 'machine-readable output')
    .action(async (o: KeyOpts & { change: string; note?: string }) => {
      const key = await unlockKey(o.key, o.passphraseFile);
      const client = await connect(o);
      const body = {
        change: jsonArg('change', o.change),
        ...(o.note === undefined ? {} : { note: o.note }),
      } as unknown as Record<string, never>;
      const r = await client.signAndSubmit(key.keyPair, key.signer, 'gov.propose', body);
      const p = await client.govProposal(r.id);
      output(
        o.json ?? false,
        p,
        () =>
          `proposal ${r.id}: ${String(p.status)} (${(p.approvals as string[]).length} approval(s))${failureOf(p)}`,
      );
    });

  nodeOptions(gov.command('approve'))
    .description('approve a proposal as an organization; it executes when the quorum is reached')
    .argument('<proposal>', 'proposal id')
    .requiredOption('--key <file>', 'organization key file')
    .option('--passphrase-file <file>', 'file holding the key passphrase')
    .option('--json', 'machine-readable output')
    .action(async (proposal: string, o: KeyOpts) => {
      const key = await unlockKey(o.key, o.passphraseFile);
      const client = await connect(o);
      await client.signAndSubmit(key.keyPair, key.signer, 'gov.approve', { proposal });
      const p = await client.govProposal(proposal);
      output(
        o.json ?? false,
        p,
        () =>
          `proposal ${proposal}: ${String(p.status)} (${(p.approvals as string[]).join(', ')})${failureOf(p)}`,
      );
    });

  nodeOptions(gov.command('list'))
    .description('list proposals, organizations and accredited roles')
    .option('--status <status>', 'only proposals with this status (open, executed, failed)')
    .option('--json', 'machine-readable output')
    .action(async (o: NodeOpts & { status?: 'open' | 'executed' | 'failed'; json?: boolean }) => {
      const client = await connect(o);
      const [orgs, proposals, roles] = await Promise.all([
        client.govOrgs(),
        client.govProposals(o.status),
        client.govRoles(),
      ]);
      output(o.json ?? false, { ...orgs, proposals: proposals.proposals, roles: roles.roles }, () =>
        [
          `quorum ${orgs.quorum} of ${orgs.orgs.length}`,
          ...orgs.orgs.map((x) => `  org ${x.id}: ${x.name}`),
          `proposals (${proposals.proposals.length}):`,
          ...(
            proposals.proposals as {
              id: string;
              status: string;
              change: { type: string };
              approvals: string[];
            }[]
          ).map((p) => `  ${p.id} ${p.change.type} ${p.status} [${p.approvals.join(', ')}]`),
          `roles (${roles.roles.length}):`,
          ...(
            roles.roles as {
              role: string;
              subject: string;
              name: string;
              site?: { origins: string[] };
            }[]
          ).map(
            (r) =>
              `  ${r.role} ${r.subject} (${r.name})${r.site === undefined ? '' : ` ${r.site.origins.join(' ')}`}`,
          ),
        ].join('\n'),
      );
    });

  nodeOptions(gov.command('cosign'))
    .description("add this organization's signature to a checkpoint")
    .option('--height <n>', 'block height (default: latest)')
    .requiredOption('--org <id>', 'organization id')
    .requiredOption('--key <file>', 'organization key file')
    .option('--passphrase-file <file>', 'file holding the key passphrase')
    .option('--json', 'machine-readable output')
    .action(async (o: KeyOpts & { height?: string; org: string }) => {
      const key = await unlockKey(o.key, o.passphraseFile);
      const client = await connect(o);
      const height = o.height === undefined ? undefined : intArg('height', o.height);
      // Only a checkpoint that verifies and agrees with the chain seen so far gets our signature.
      const floor = height === undefined ? (client.lastCheckpoint ?? null) : null;
      const checkpoint = await client.acceptCheckpoint(await client.signedCheckpoint(height), {
        floor,
      });
      const signed = await client.cosign(
        checkpoint.height,
        signCheckpoint(checkpoint, o.org, key.multikey, key.keyPair),
      );
      output(
        o.json ?? false,
        signed,
        () =>
          `checkpoint ${checkpoint.height} now signed by ${signed.signatures.map((s) => s.org).join(', ')}`,
      );
    });
}
