import { existsSync, readFileSync } from 'node:fs';
import type { Command } from 'commander';
import {
  authFragment,
  checkMnemonic,
  deriveMasterKey,
  derivePairwise,
  DID_KEYS,
  methodsFor,
  newMnemonic,
  normalizeOrigin,
  parseRdid,
  planCreate,
  recoveryCommitmentOf,
  seedOfMnemonic,
  type DidRecord,
  type DocumentSpec,
} from '../../did/index.ts';
import { AppError, isAppError } from '../../errors.ts';
import { DEMO_PASSPHRASE } from '../../node/index.ts';
import type { RealdidClient } from '../../sdk/index.ts';
import { connect, nodeOptions, type NodeOpts } from '../connect.ts';
import { output, passphrase } from '../io.ts';
import { walletActivityCommands } from './wallet-activity.ts';
import { walletCredentialCommands } from './wallet-credentials.ts';
import { walletLoginCommands } from './wallet-login.ts';
import { walletServeCommands } from './wallet-serve.ts';
import {
  createWallet,
  openWallet,
  saveWalletState,
  walletPath,
  type UnlockedWallet,
  type WalletState,
} from '../wallet-file.ts';

/** How far `wallet restore`/`sync` scans recovery key indexes for the ledger's commitment. */
export const MAX_INDEX_SCAN = 1000;

/** Options every wallet-using command takes. */
export interface WalletOpts {
  wallet?: string;
  passphraseFile?: string;
  json?: boolean;
}

/**
 * Loads the wallet named by --wallet / $REALDID_WALLET and unlocks it with the passphrase.
 * @throws ERR_WALLET_NOT_FOUND (before any passphrase is asked), ERR_CRYPTO_WRONG_PASSPHRASE
 */
export function unlockWalletOpts(o: WalletOpts): Promise<UnlockedWallet> {
  return openWallet(walletPath(o.wallet), () => passphrase(o.passphraseFile));
}

/**
 * The current ledger record of a did:rdid, verified by its state proof against a signed
 * checkpoint; undefined when the proof shows the DID absent.
 */
export async function fetchRecord(
  client: RealdidClient,
  did: string,
): Promise<DidRecord | undefined> {
  const { value } = await client.state<DidRecord>(DID_KEYS.current(parseRdid(did)));
  return value ?? undefined;
}

/** The highest wallet auth key index whose key `doc` lists as `key-<n>` under capabilityInvocation. */
export function authIndexIn(seed: Uint8Array, doc: DocumentSpec): number | undefined {
  let found: number | undefined;
  for (const vm of methodsFor(doc, 'capabilityInvocation')) {
    const m = /^key-(0|[1-9][0-9]{0,14})$/.exec(vm.id);
    const n = m === null ? NaN : Number(m[1]);
    if (
      Number.isSafeInteger(n) &&
      deriveMasterKey(seed, 'auth', n).multikey === vm.publicKeyMultibase &&
      (found === undefined || n > found)
    )
      found = n;
  }
  return found;
}

/** The wallet recovery key index that opens `commitment` (scanning 0…MAX_INDEX_SCAN-1). */
export function recoveryIndexOf(seed: Uint8Array, commitment: string): number | undefined {
  for (let i = 0; i < MAX_INDEX_SCAN && commitment !== ''; i++) {
    if (recoveryCommitmentOf(deriveMasterKey(seed, 'recovery', i).multikey) === commitment)
      return i;
  }
  return undefined;
}

/** What the ledger says about the wallet's DID. */
export interface Discovery extends WalletState {
  readonly found: boolean;
  readonly version?: number;
  readonly deactivated?: boolean;
  readonly warnings: string[];
}

/**
 * Finds the wallet's DID on the ledger again: the DID of `planCreate(seed, 0, 0)` (what
 * `did create` registers), then its current auth key index (from the document's `key-<n>` ids)
 * and recovery key index (the one opening the recovery commitment; for a deactivated DID, the
 * commitment of the version before deactivation). Every record read is proof-checked.
 */
export async function discoverWallet(client: RealdidClient, seed: Uint8Array): Promise<Discovery> {
  const { did } = planCreate(seed, 0, 0);
  const record = await fetchRecord(client, did);
  if (record === undefined) return { found: false, authIndex: 0, recoveryIndex: 0, warnings: [] };
  const warnings: string[] = [];
  let commitment = record.recoveryCommitment;
  if (record.deactivated && record.version > 1) {
    const { value } = await client.state<DidRecord>(
      DID_KEYS.version(parseRdid(did), record.version - 1),
    );
    commitment = value?.recoveryCommitment ?? '';
  }
  const authIndex = authIndexIn(seed, record.document);
  const recoveryIndex = recoveryIndexOf(seed, commitment);
  if (authIndex === undefined)
    warnings.push(
      `no key of this wallet controls ${did} any more; \`realdid did recover\` can take it back`,
    );
  if (recoveryIndex === undefined)
    warnings.push(
      `no recovery key among the first ${MAX_INDEX_SCAN} of this wallet opens the recovery commitment of ${did}`,
    );
  return {
    found: true,
    did,
    authIndex: authIndex ?? 0,
    recoveryIndex: recoveryIndex ?? 0,
    version: record.version,
    deactivated: record.deactivated,
    warnings,
  };
}

/** Options of the commands that create a wallet file. */
interface NewWalletOpts extends WalletOpts {
  insecureDemoPassphrase?: boolean;
}

/**
 * A new wallet's passphrase: file or $REALDID_PASSPHRASE, else typed twice on a terminal. The
 * public demo passphrase (what README's demo exports for the demo organizations' keys) is refused
 * unless `--insecure-demo-passphrase` asks for it, and then warned about.
 * @throws ERR_CLI_USAGE (empty, or typed twice differently), ERR_CLI_INSECURE_PASSPHRASE
 */
async function newPassphrase(o: NewWalletOpts): Promise<string> {
  const file = o.passphraseFile;
  const pass = await passphrase(file);
  if (file === undefined && !process.env.REALDID_PASSPHRASE && process.stdin.isTTY) {
    process.stderr.write('again, to confirm\n');
    if ((await passphrase(undefined)) !== pass)
      throw new AppError('ERR_CLI_USAGE', 'the two passphrases differ');
  }
  if (pass === '') throw new AppError('ERR_CLI_USAGE', 'the wallet passphrase must not be empty');
  if (pass.normalize('NFKC') === DEMO_PASSPHRASE) {
    const source =
      file !== undefined
        ? `the file ${file}`
        : process.env.REALDID_PASSPHRASE
          ? '$REALDID_PASSPHRASE'
          : 'the prompt';
    if (!o.insecureDemoPassphrase) {
      throw new AppError(
        'ERR_CLI_INSECURE_PASSPHRASE',
        `the wallet passphrase from ${source} is the public demo passphrase "${DEMO_PASSPHRASE}": anyone who gets the wallet file could decrypt it and take your identity. Use a passphrase of your own (\`unset REALDID_PASSPHRASE\` to be asked for one, or --passphrase-file), or pass --insecure-demo-passphrase for a throwaway demo wallet`,
      );
    }
    process.stderr.write(
      `WARNING: this wallet is encrypted under the public demo passphrase "${DEMO_PASSPHRASE}" (--insecure-demo-passphrase). Anyone with the file can open it. Never use it for a real identity.\n`,
    );
  }
  return pass;
}

function refuseExisting(path: string): void {
  if (existsSync(path))
    throw new AppError(
      'ERR_WALLET_EXISTS',
      `a wallet already exists at ${path}; move it away or pass --wallet <other file>`,
    );
}

function readMnemonic(o: { mnemonic?: string; mnemonicFile?: string }): string {
  if ((o.mnemonic === undefined) === (o.mnemonicFile === undefined))
    throw new AppError(
      'ERR_CLI_USAGE',
      'give exactly one of --mnemonic "<words>" or --mnemonic-file <file>',
    );
  if (o.mnemonicFile !== undefined && !existsSync(o.mnemonicFile))
    throw new AppError('ERR_CLI_USAGE', `no such file: ${o.mnemonicFile}`);
  return checkMnemonic(o.mnemonic ?? readFileSync(o.mnemonicFile!, 'utf8'));
}

function describeState(path: string, s: WalletState): string {
  return [
    `wallet ${path}`,
    `did ${s.did ?? '(none yet: run `realdid did create`)'}`,
    `auth key index ${s.authIndex}, recovery key index ${s.recoveryIndex}`,
  ].join('\n');
}

/** Looks the wallet up on the ledger unless --offline; an unreachable node is a warning. */
async function lookUp(
  o: NodeOpts & { offline?: boolean },
  seed: Uint8Array,
): Promise<Discovery | undefined> {
  if (o.offline) return undefined;
  try {
    return await discoverWallet(await connect(o), seed);
  } catch (err) {
    if (!isAppError(err, 'ERR_SDK_HTTP')) throw err;
    process.stderr.write(
      `warning: ${err.message}; the wallet's DID was not looked up (run \`realdid wallet sync --url <node>\` later)\n`,
    );
    return undefined;
  }
}

function stateOf(d: Discovery | undefined): WalletState {
  if (d === undefined || !d.found) return { authIndex: 0, recoveryIndex: 0 };
  return { did: d.did!, authIndex: d.authIndex, recoveryIndex: d.recoveryIndex };
}

/** Registers `realdid wallet init | restore | sync | show | pairwise` and the wallet's other commands. */
export function walletCommands(program: Command): void {
  const wallet = program
    .command('wallet')
    .description('the BIP-39 wallet: master DID keys, recovery keys and pairwise site DIDs');
  const common = (c: Command): Command =>
    c
      .option(
        '--wallet <file>',
        'wallet file (default $REALDID_WALLET, else $REALDID_HOME/wallet.json, else ~/.realdid/wallet.json)',
      )
      .option(
        '--passphrase-file <file>',
        'file holding the wallet passphrase (default $REALDID_PASSPHRASE or a prompt)',
      )
      .option('--json', 'machine-readable output');

  common(wallet.command('init'))
    .description('create a wallet from a new BIP-39 mnemonic (shown once: write it down)')
    .option('--words <n>', 'mnemonic length, 12 or 24', '24')
    .option(
      '--insecure-demo-passphrase',
      'allow the public demo passphrase (a throwaway demo wallet only)',
    )
    .action(async (o: NewWalletOpts & { words: string }) => {
      if (o.words !== '12' && o.words !== '24')
        throw new AppError(
          'ERR_CLI_USAGE',
          `--words must be 12 or 24, got ${JSON.stringify(o.words)}`,
        );
      const path = walletPath(o.wallet);
      refuseExisting(path);
      const pass = await newPassphrase(o);
      const mnemonic = newMnemonic(o.words === '12' ? 12 : 24);
      const file = createWallet(path, mnemonic, pass);
      const warning = `Write these ${o.words} words down and keep them offline. They are shown only this once; whoever has them controls your identity, and without them a lost wallet cannot be restored.`;
      output(
        o.json ?? false,
        {
          wallet: path,
          mnemonic,
          words: Number(o.words),
          warning,
          authIndex: file.authIndex,
          recoveryIndex: file.recoveryIndex,
        },
        () =>
          `created wallet ${path}\n\n${warning.toUpperCase()}\n\n  ${mnemonic}\n\nNext: \`realdid did create\` registers your DID.`,
      );
    });

  nodeOptions(common(wallet.command('restore')))
    .description('re-create a wallet from its mnemonic and find its DID on the ledger again')
    .option(
      '--mnemonic <words>',
      'the BIP-39 words, quoted (visible in the process list: prefer --mnemonic-file)',
    )
    .option('--mnemonic-file <file>', 'file holding the BIP-39 words')
    .option('--offline', 'do not look the DID up (run `realdid wallet sync` later)')
    .option(
      '--insecure-demo-passphrase',
      'allow the public demo passphrase (a throwaway demo wallet only)',
    )
    .action(
      async (
        o: NewWalletOpts &
          NodeOpts & { mnemonic?: string; mnemonicFile?: string; offline?: boolean },
      ) => {
        const mnemonic = readMnemonic(o);
        const path = walletPath(o.wallet);
        refuseExisting(path);
        const pass = await newPassphrase(o);
        const found = await lookUp(o, seedOfMnemonic(mnemonic));
        for (const w of found?.warnings ?? []) process.stderr.write(`warning: ${w}\n`);
        const file = createWallet(path, mnemonic, pass, stateOf(found));
        const ledger =
          found === undefined
            ? 'not looked up'
            : found.found
              ? `version ${found.version}${found.deactivated ? ', deactivated' : ''}`
              : 'no DID registered yet';
        output(
          o.json ?? false,
          {
            wallet: path,
            did: file.did ?? null,
            authIndex: file.authIndex,
            recoveryIndex: file.recoveryIndex,
            ledger,
          },
          () => `restored ${describeState(path, file)}\nledger: ${ledger}`,
        );
      },
    );

  nodeOptions(common(wallet.command('sync')))
    .description("re-read the wallet's DID, auth and recovery key indexes from the ledger")
    .action(async (o: WalletOpts & NodeOpts) => {
      const w = await unlockWalletOpts(o);
      const client = await connect(o);
      const found = await discoverWallet(client, w.seed);
      for (const warning of found.warnings) process.stderr.write(`warning: ${warning}\n`);
      if (!found.found && w.file.did !== undefined) {
        throw new AppError(
          'ERR_DID_NOT_FOUND',
          `${w.file.did} is proven absent on the node at ${client.url} (another chain?); the wallet is unchanged`,
        );
      }
      const file = found.found ? saveWalletState(w.path, w.file, stateOf(found)) : w.file;
      output(
        o.json ?? false,
        {
          wallet: w.path,
          did: file.did ?? null,
          authIndex: file.authIndex,
          recoveryIndex: file.recoveryIndex,
          found: found.found,
        },
        () => describeState(w.path, file),
      );
    });

  common(wallet.command('show'))
    .description('the wallet DID, its current key ids and indexes (no secrets)')
    .action(async (o: WalletOpts) => {
      const w = await unlockWalletOpts(o);
      const { did, authIndex, recoveryIndex } = w.file;
      const auth = deriveMasterKey(w.seed, 'auth', authIndex);
      const recoveryCommitment = recoveryCommitmentOf(
        deriveMasterKey(w.seed, 'recovery', recoveryIndex).multikey,
      );
      const authKeyId = did === undefined ? null : `${did}#${authFragment(authIndex)}`;
      output(
        o.json ?? false,
        {
          wallet: w.path,
          did: did ?? null,
          authKeyId,
          authKey: auth.multikey,
          authIndex,
          recoveryIndex,
          recoveryCommitment,
          plannedDid: planCreate(w.seed, 0, 0).did,
        },
        () =>
          `${describeState(w.path, w.file)}\nauth key ${authKeyId ?? authFragment(authIndex)} ${auth.multikey}\nrecovery commitment ${recoveryCommitment}`,
      );
    });

  common(wallet.command('pairwise'))
    .description(
      'the pairwise did:key this wallet uses for a site origin (e.g. https://shop.example)',
    )
    .argument(
      '<origin>',
      'site origin: https://host[:port], or http://localhost[:port] for development',
    )
    .action(async (origin: string, o: WalletOpts) => {
      const normalized = normalizeOrigin(origin); // before asking for the passphrase
      const w = await unlockWalletOpts(o);
      const p = derivePairwise(w.seed, normalized);
      output(
        o.json ?? false,
        { origin: p.origin, did: p.did, multikey: p.multikey },
        () => `${p.did}\n(origin ${p.origin})`,
      );
    });

  walletCredentialCommands(wallet, common);
  walletLoginCommands(wallet, common);
  walletActivityCommands(wallet, common);
  walletServeCommands(wallet, common);
}
