import type { Command } from 'commander';
import { AppError } from '../../errors.ts';
import { ModuleRegistry, SqliteStore, verifyChain, WorkerPoolVerifier } from '../../ledger/index.ts';
import { dataPaths, defaultModules, isInitialized } from '../../node/index.ts';
import { EXIT_VERIFY_FAILED, output } from '../io.ts';
import { progress } from '../progress.ts';

export function verifyCommand(program: Command): void {
  program.command('verify')
    .description('re-check a whole ledger from genesis: signatures, hash chain, Merkle roots, re-execution of every transaction')
    .requiredOption('--data <dir>', 'data folder of the node (read only)')
    .option('--json', 'machine-readable output')
    .option('--no-progress', 'no progress bar')
    .action(async (o: { data: string; json?: boolean; progress: boolean }) => {
      if (!isInitialized(o.data)) throw new AppError('ERR_CLI_DATA_DIR', `${o.data} is not an initialized data folder`);
      const store = SqliteStore.open(dataPaths(o.data).ledger, { readonly: true });
      const verifier = new WorkerPoolVerifier();
      const bar = progress('verify', o.progress && !o.json);
      const started = performance.now();
      try {
        const result = await verifyChain(store, new ModuleRegistry(defaultModules()), {
          verifier,
          onProgress: (h, last) => bar.update(h + 1, last + 1),
        });
        bar.stop();
        const seconds = (performance.now() - started) / 1000;
        if (result.ok) {
          output(o.json ?? false, { ...result, seconds }, () =>
            `OK: ${result.height + 1} blocks, ${result.txs} transactions verified in ${seconds.toFixed(1)} s\nhead ${result.blockHash}\nstate root ${result.stateRoot}\nlog root ${result.logRoot}`);
        } else {
          output(o.json ?? false, result, () => `FAILED at height ${result.height}: ${result.code}: ${result.message}`);
          process.exitCode = EXIT_VERIFY_FAILED;
        }
      } finally {
        bar.stop();
        await verifier.close();
        store.close();
      }
    });
}
