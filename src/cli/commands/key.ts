import { existsSync, readdirSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { AppError } from '../../errors.ts';
import { didKeyOf, didKeyUrlOf } from '../../ledger/index.ts';
import {
  createKeyFile,
  dataPaths,
  DEMO_PASSPHRASE,
  isInitialized,
  loadKeyFile,
  readKeyFile,
  readNodeConfig,
  reencryptKeyFile,
} from '../../node/index.ts';
import { replaceAtomically } from '../atomic-write.ts';
import { output, passphrase, replacementPassphrase } from '../io.ts';

/** Unlocks a key file given by --key. */
export async function unlockKey(file: string | undefined, passphraseFile: string | undefined) {
  if (file === undefined) throw new AppError('ERR_CLI_USAGE', '--key <file> is required');
  const key = loadKeyFile(file, await passphrase(passphraseFile));
  return { ...key, signer: didKeyUrlOf(key.multikey) };
}

/**
 * The data folder whose node signs with key file `path` (`<dir>/keys/…`, named by its node.json),
 * if any.
 * @throws ERR_CLI_DATA_DIR when the folder's node.json cannot be read (whose key it names is unknown)
 */
function nodeFolderOf(path: string): string | undefined {
  const file = resolve(path);
  const dir = dirname(dirname(file));
  if (basename(dirname(file)) !== 'keys' || !isInitialized(dir)) return undefined;
  return resolve(dir, readNodeConfig(dataPaths(dir).config).keyFile) === file ? dir : undefined;
}

/** Files under a data folder's `modules/` (module data sealed with the node's passphrase). */
function sealedModuleFiles(dir: string): string[] {
  const modules = join(dir, 'modules');
  if (!existsSync(modules)) return [];
  return readdirSync(modules, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name).slice(dir.length + 1));
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
    .command('passwd')
    .description('re-encrypt a key file under a new passphrase (the key itself stays the same)')
    .requiredOption('--key <file>', 'key file')
    .option(
      '--passphrase-file <file>',
      'file holding the current passphrase (default $REALDID_PASSPHRASE or a prompt)',
    )
    .option(
      '--new-passphrase-file <file>',
      'file holding the new passphrase (default $REALDID_NEW_PASSPHRASE, or typed twice)',
    )
    .option('--json', 'machine-readable output')
    .action(
      async (o: {
        key: string;
        passphraseFile?: string;
        newPassphraseFile?: string;
        json?: boolean;
      }) => {
        if (!existsSync(o.key)) throw new AppError('ERR_CLI_USAGE', `no key file ${o.key}`);
        const node = nodeFolderOf(o.key);
        const sealed = node === undefined ? [] : sealedModuleFiles(node);
        if (node !== undefined && sealed.length > 0)
          throw new AppError(
            'ERR_CLI_USAGE',
            `${o.key} is the node key of data folder ${node}, whose module data (${sealed.join(', ')}) is sealed under the same passphrase: with a new one the node could not start. Its passphrase stays as it is`,
          );
        const current = await passphrase(o.passphraseFile);
        loadKeyFile(o.key, current); // a wrong passphrase shows before the new one is asked for
        const next = await replacementPassphrase(o.newPassphraseFile);
        // Key derivation normalizes (NFKC): passphrases equal after it are the same passphrase.
        if (next.normalize('NFKC') === current.normalize('NFKC'))
          throw new AppError('ERR_CLI_USAGE', 'the new passphrase is the current one');
        if (next.normalize('NFKC') === DEMO_PASSPHRASE)
          throw new AppError(
            'ERR_CLI_INSECURE_PASSPHRASE',
            `the new passphrase is the public demo passphrase "${DEMO_PASSPHRASE}": anyone with the file could use the key`,
          );
        const { multikey, text } = reencryptKeyFile(o.key, current, next);
        replaceAtomically(o.key, text);
        output(
          o.json ?? false,
          { file: o.key, multikey, ...(node === undefined ? {} : { nodeDataDir: node }) },
          () =>
            `${o.key}: passphrase changed (multikey ${multikey})${node === undefined ? '' : `\nthis is the node key of ${node}: node start there now needs the new passphrase`}`,
        );
      },
    );

  key
    .command('show')
    .description('print the public key of a key file (no passphrase needed)')
    .requiredOption('--key <file>', 'key file')
    .option('--json', 'machine-readable output')
    .action((o: { key: string; json?: boolean }) => {
      const { multikey } = readKeyFile(o.key);
      output(
        o.json ?? false,
        { multikey, did: didKeyOf(multikey), signer: didKeyUrlOf(multikey) },
        () => `multikey ${multikey}\ndid ${didKeyOf(multikey)}`,
      );
    });
}
