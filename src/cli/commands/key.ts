import { existsSync, readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { AppError } from '../../errors.ts';
import { didKeyOf, didKeyUrlOf } from '../../ledger/index.ts';
import { createKeyFile, loadKeyFile } from '../../node/index.ts';
import { output, passphrase } from '../io.ts';

/** Unlocks a key file given by --key. */
export async function unlockKey(file: string | undefined, passphraseFile: string | undefined) {
  if (file === undefined) throw new AppError('ERR_CLI_USAGE', '--key <file> is required');
  const key = loadKeyFile(file, await passphrase(passphraseFile));
  return { ...key, signer: didKeyUrlOf(key.multikey) };
}

export function keyCommands(program: Command): void {
  const key = program
    .command('key')
    .description('Ed25519 signing keys, encrypted at rest (scrypt + AES-256-GCM)');

  key
    .command('new')
    .description('create a key file; prints its Multikey and did:key')
    .requiredOption('--out <file>', 'where to write the key file (must not exist)')
    .option('--label <text>', 'public label bound to the key file', 'key')
    .option('--passphrase-file <file>', 'file holding the passphrase')
    .option('--json', 'machine-readable output')
    .action(async (o: { out: string; label: string; passphraseFile?: string; json?: boolean }) => {
      if (existsSync(o.out))
        throw new AppError(
          'ERR_CLI_USAGE',
          `${o.out} already exists; key new never overwrites a key file`,
        );
      const multikey = createKeyFile(o.out, await passphrase(o.passphraseFile), o.label);
      output(
        o.json ?? false,
        { file: o.out, multikey, did: didKeyOf(multikey) },
        () => `${o.out}\nmultikey ${multikey}\ndid ${didKeyOf(multikey)}`,
      );
    });

  key
    .command('show')
    .description('print the public key of a key file (no passphrase needed)')
    .requiredOption('--key <file>', 'key file')
    .option('--json', 'machine-readable output')
    .action((o: { key: string; json?: boolean }) => {
      let multikey: unknown;
      try {
        ({ multikey } = JSON.parse(readFileSync(o.key, 'utf8')) as { multikey?: unknown });
      } catch (err) {
        throw new AppError(
          'ERR_CRYPTO_BAD_KEYSTORE',
          `cannot read key file ${o.key}: ${(err as Error).message}`,
          { cause: err },
        );
      }
      if (typeof multikey !== 'string')
        throw new AppError('ERR_CRYPTO_BAD_KEYSTORE', `key file ${o.key} names no multikey`);
      output(
        o.json ?? false,
        { multikey, did: didKeyOf(multikey), signer: didKeyUrlOf(multikey) },
        () => `multikey ${multikey}\ndid ${didKeyOf(multikey)}`,
      );
    });
}
