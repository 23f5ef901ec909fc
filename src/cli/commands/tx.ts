import type { Command } from 'commander';
import { AppError } from '../../errors.ts';
import { signTx, txToJson } from '../../ledger/index.ts';
import { RealdidClient } from '../../sdk/index.ts';
import { intArg, jsonArg, nodeUrl, output } from '../io.ts';
import { unlockKey } from './key.ts';

export function txCommands(program: Command): void {
  const tx = program.command('tx').description('sign, submit and fetch transactions');

  tx.command('submit')
    .description('sign a transaction with a key file and submit it; waits for the commit')
    .requiredOption('--kind <kind>', 'transaction kind, e.g. gov.propose')
    .requiredOption('--body <json>', 'body as JSON, or @file')
    .requiredOption('--key <file>', 'signing key file')
    .option('--nonce <n>', 'nonce (default: the next one the node reports)')
    .option('--url <url>', 'node URL (default $REALDID_URL or http://127.0.0.1:8080)')
    .option('--passphrase-file <file>', 'file holding the key passphrase')
    .option('--json', 'machine-readable output')
    .action(async (o: { kind: string; body: string; key: string; nonce?: string; url?: string; passphraseFile?: string; json?: boolean }) => {
      const body = jsonArg('body', o.body);
      if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new AppError('ERR_CLI_USAGE', '--body must be a JSON object');
      const key = await unlockKey(o.key, o.passphraseFile);
      const client = new RealdidClient({ url: nodeUrl(o.url) });
      const did = key.signer.slice(0, key.signer.indexOf('#'));
      const nonce = o.nonce === undefined ? await client.nextNonce(did) : intArg('nonce', o.nonce);
      const signed = signTx({ kind: o.kind, body: body as Record<string, never>, signer: key.signer, nonce, created: Date.now() }, key.keyPair);
      const receipt = await client.submit(signed);
      output(o.json ?? false, receipt, () => `committed ${receipt.id} at height ${receipt.height} (log index ${receipt.logIndex})`);
    });

  tx.command('get')
    .description('fetch a committed transaction and verify its inclusion proof against a signed checkpoint')
    .argument('<id>', 'transaction id (hex)')
    .option('--url <url>', 'node URL')
    .option('--json', 'machine-readable output')
    .action(async (id: string, o: { url?: string; json?: boolean }) => {
      const client = new RealdidClient({ url: nodeUrl(o.url) });
      const r = await client.tx(id);
      output(o.json ?? false, { id, height: r.height, logIndex: r.logIndex, tx: txToJson(r.tx), verifiedAgainst: r.checkpoint }, () =>
        `${JSON.stringify(txToJson(r.tx), null, 2)}\nheight ${r.height}, log index ${r.logIndex}: inclusion proof verified against checkpoint ${r.checkpoint.height}`);
    });
}
