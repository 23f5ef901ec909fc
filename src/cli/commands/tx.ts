import type { Command } from 'commander';
import { AppError } from '../../errors.ts';
import { signTx, txToJson } from '../../ledger/index.ts';
import { connect, nodeOptions, type NodeOpts } from '../connect.ts';
import { intArg, jsonArg, output } from '../io.ts';
import { unlockKey } from './key.ts';

export function txCommands(program: Command): void {
  const tx = program.command('tx').description('sign, submit and fetch transactions');

  nodeOptions(tx.command('submit'))
    .description('sign a transaction with a key file and submit it; waits for the commit')
    .requiredOption('--kind <kind>', 'transaction kind, e.g. gov.propose')
    .requiredOption('--body <json>', 'body as JSON, or @file')
    .requiredOption('--key <file>', 'signing key file')
    .option('--nonce <n>', 'nonce (default: the next one the node reports)')
    .option('--passphrase-file <file>', 'file holding the key passphrase')
    .option('--json', 'machine-readable output')
    .action(
      async (
        o: NodeOpts & {
          kind: string;
          body: string;
          key: string;
          nonce?: string;
          passphraseFile?: string;
          json?: boolean;
        },
      ) => {
        const body = jsonArg('body', o.body);
        if (body === null || typeof body !== 'object' || Array.isArray(body))
          throw new AppError('ERR_CLI_USAGE', '--body must be a JSON object');
        const key = await unlockKey(o.key, o.passphraseFile);
        const client = await connect(o);
        const did = key.signer.slice(0, key.signer.indexOf('#'));
        const nonce =
          o.nonce === undefined ? await client.nextNonce(did) : intArg('nonce', o.nonce);
        const signed = signTx(
          {
            kind: o.kind,
            body: body as Record<string, never>,
            signer: key.signer,
            nonce,
            created: Date.now(),
          },
          key.keyPair,
        );
        const receipt = await client.submit(signed);
        output(
          o.json ?? false,
          receipt,
          () =>
            `committed ${receipt.id} at height ${receipt.height} (log index ${receipt.logIndex})`,
        );
      },
    );

  nodeOptions(tx.command('get'))
    .description(
      'fetch a committed transaction and verify its inclusion proof against a signed checkpoint',
    )
    .argument('<id>', 'transaction id (hex)')
    .option('--json', 'machine-readable output')
    .action(async (id: string, o: NodeOpts & { json?: boolean }) => {
      const client = await connect(o);
      const r = await client.tx(id);
      output(
        o.json ?? false,
        {
          id,
          height: r.height,
          logIndex: r.logIndex,
          tx: txToJson(r.tx),
          verifiedAgainst: r.checkpoint,
        },
        () =>
          `${JSON.stringify(txToJson(r.tx), null, 2)}\nheight ${r.height}, log index ${r.logIndex}: inclusion proof verified against checkpoint ${r.checkpoint.height}`,
      );
    });
}
