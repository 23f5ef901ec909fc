import { existsSync, readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { AppError, isAppError } from '../../errors.ts';
import {
  Chain,
  genesisHash,
  ModuleRegistry,
  SqliteStore,
  verifyChain,
  WorkerPoolVerifier,
  type GenesisDoc,
  type VerifyResult,
} from '../../ledger/index.ts';
import { dataPaths, defaultModules, isInitialized } from '../../node/index.ts';
import { EXIT_VERIFY_FAILED, output } from '../io.ts';
import { progress } from '../progress.ts';

/** What `verify` found: the chain result, and whether the node ever started on the folder. */
type Outcome =
  | (Extract<VerifyResult, { ok: true }> & {
      readonly started: boolean;
      readonly genesisHash?: string;
    })
  | (Extract<VerifyResult, { ok: false }> & { readonly started: boolean });

/** A failure of the store itself (not SQLite, unreadable) as the typed ERR_LEDGER_STORE. */
function storeError(path: string, err: unknown): unknown {
  if (isAppError(err) || !(err instanceof Error) || !/^Sqlite/.test(err.name)) return err;
  return new AppError('ERR_LEDGER_STORE', `${path} cannot be read as a ledger: ${err.message}`, {
    cause: err,
  });
}

/**
 * A folder that was initialized but never started has no ledger yet: its genesis.json is checked
 * (as the node would on first start) and block 0 is built from it in memory, giving the block
 * hash and roots the node will write. There is no signature to check yet.
 */
function verifyGenesisOnly(dir: string): Outcome {
  const registry = new ModuleRegistry(defaultModules());
  let genesis: GenesisDoc;
  try {
    genesis = JSON.parse(readFileSync(dataPaths(dir).genesis, 'utf8')) as GenesisDoc;
  } catch (err) {
    return {
      ok: false,
      started: false,
      height: 0,
      code: 'ERR_LEDGER_BAD_GENESIS',
      message: `genesis.json: ${(err as Error).message}`,
    };
  }
  const store = SqliteStore.open(':memory:');
  try {
    const { head } = Chain.open(store, registry, { genesis });
    const { stateRoot, logRoot } = head.header;
    return {
      ok: true,
      started: false,
      height: 0,
      txs: 0,
      genesisHash: genesisHash(genesis),
      blockHash: head.hash,
      stateRoot,
      logRoot,
    };
  } catch (err) {
    if (!isAppError(err)) throw err;
    return {
      ok: false,
      started: false,
      height: 0,
      code: err.code,
      message: `genesis.json: ${err.message}`,
    };
  } finally {
    store.close();
  }
}

async function verifyStored(path: string, showProgress: boolean): Promise<Outcome> {
  let store: SqliteStore;
  try {
    store = SqliteStore.open(path, { readonly: true });
  } catch (err) {
    throw storeError(path, err);
  }
  const verifier = new WorkerPoolVerifier();
  const bar = progress('verify', showProgress);
  try {
    const result = await verifyChain(store, new ModuleRegistry(defaultModules()), {
      verifier,
      onProgress: (h, last) => bar.update(h + 1, last + 1),
    });
    return { ...result, started: true };
  } catch (err) {
    throw storeError(path, err);
  } finally {
    bar.stop();
    await verifier.close();
    store.close();
  }
}

function describeOutcome(r: Outcome, seconds: number): string {
  if (!r.ok) return `FAILED at height ${r.height}: ${r.code}: ${r.message}`;
  const roots = `state root ${r.stateRoot}\nlog root ${r.logRoot}`;
  if (!r.started) {
    return `OK: the node was never started on this folder (no ledger yet): genesis ${r.genesisHash} is valid\nblock 0 will be ${r.blockHash}\n${roots}`;
  }
  return `OK: ${r.height + 1} blocks, ${r.txs} transactions verified in ${seconds.toFixed(1)} s\nhead ${r.blockHash}\n${roots}`;
}

export function verifyCommand(program: Command): void {
  program
    .command('verify')
    .description(
      're-check a whole ledger from genesis: signatures, hash chain, Merkle roots, re-execution of every transaction',
    )
    .requiredOption('--data <dir>', 'data folder of the node (read only)')
    .option('--json', 'machine-readable output')
    .option('--no-progress', 'no progress bar')
    .action(async (o: { data: string; json?: boolean; progress: boolean }) => {
      if (!isInitialized(o.data))
        throw new AppError('ERR_CLI_DATA_DIR', `${o.data} is not an initialized data folder`);
      const started = performance.now();
      const path = dataPaths(o.data).ledger;
      const result = existsSync(path)
        ? await verifyStored(path, o.progress && !o.json)
        : verifyGenesisOnly(o.data);
      const seconds = (performance.now() - started) / 1000;
      output(o.json ?? false, result.ok ? { ...result, seconds } : result, () =>
        describeOutcome(result, seconds),
      );
      if (!result.ok) process.exitCode = EXIT_VERIFY_FAILED;
    });
}
