import type { Command } from 'commander';
import { AppError } from '../../errors.ts';
import { normalizeNodeUrl } from '../connect.ts';
import { output } from '../io.ts';
import { forgetNode, loadTrustFile, trustFilePath } from '../trust-file.ts';

/** Registers `realdid trust show | forget`. */
export function trustCommands(program: Command): void {
  const trust = program
    .command('trust')
    .description(
      'the pinned chain of each node URL and the last verified checkpoint of each chain',
    );

  trust
    .command('show')
    .description('list pinned nodes and remembered checkpoints')
    .option(
      '--trust-file <file>',
      'trust file (default $REALDID_HOME/trust.json or ~/.realdid/trust.json)',
    )
    .option('--json', 'machine-readable output')
    .action((o: { trustFile?: string; json?: boolean }) => {
      const file = trustFilePath(o.trustFile);
      const t = loadTrustFile(file);
      const nodes = Object.entries(t.nodes).map(([url, p]) => ({ url, ...p }));
      const chains = Object.entries(t.chains).map(([genesisHash, c]) => ({
        genesisHash,
        chainId: c.chainId,
        height: c.checkpoint.height,
        blockHash: c.checkpoint.blockHash,
        url: c.url,
        verifiedAt: c.verifiedAt,
        checkpoint: c.checkpoint,
      }));
      output(o.json ?? false, { file, nodes, chains }, () =>
        [
          `trust file ${file}`,
          ...(nodes.length === 0
            ? ['no node pinned yet (the first command that talks to a node pins it)']
            : []),
          ...nodes.map(
            (n) => `node ${n.url}: genesis ${n.genesisHash} (${n.chainId}), pinned ${n.pinnedAt}`,
          ),
          ...chains.map(
            (c) =>
              `chain ${c.genesisHash} (${c.chainId}): checkpoint height ${c.height}, block ${c.blockHash}, verified ${c.verifiedAt} via ${c.url}`,
          ),
        ].join('\n'),
      );
    });

  trust
    .command('forget')
    .description(
      "forget a node's pinned chain and that chain's last checkpoint (after a deliberate re-initialization or restore)",
    )
    .argument('<url>', 'node URL as pinned, e.g. http://127.0.0.1:8080')
    .option(
      '--trust-file <file>',
      'trust file (default $REALDID_HOME/trust.json or ~/.realdid/trust.json)',
    )
    .option('--json', 'machine-readable output')
    .action((urlArg: string, o: { trustFile?: string; json?: boolean }) => {
      const url = normalizeNodeUrl(urlArg);
      const file = trustFilePath(o.trustFile);
      const pin = forgetNode(file, url);
      if (pin === undefined)
        throw new AppError(
          'ERR_CLI_USAGE',
          `${file} pins nothing for ${url} (see \`realdid trust show\`)`,
        );
      output(
        o.json ?? false,
        { forgot: { url, genesisHash: pin.genesisHash } },
        () =>
          `forgot ${url} (genesis ${pin.genesisHash}, ${pin.chainId}) and the last checkpoint of its chain; the next command pins it again`,
      );
    });
}
