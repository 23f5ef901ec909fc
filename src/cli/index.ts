/** cli/: the `realdid` command line (commander). Entry point: main.ts. */
export { CLI_ERRORS } from './errors.ts';
export { walletContext } from './wallet-server/open.ts';
export { startWalletServer } from './wallet-server/server.ts';
export type { WalletServer } from './wallet-server/server.ts';
export type { WalletContext } from './wallet-server/context.ts';
export { openWallet } from './wallet-file.ts';
export type { UnlockedWallet } from './wallet-file.ts';
import { Command, CommanderError } from 'commander';
import { AppError } from '../errors.ts';
import { creditCommands } from './commands/credit.ts';
import { demoCommand } from './commands/demo.ts';
import { didCommands } from './commands/did.ts';
import { govCommands } from './commands/gov.ts';
import { iaCommands } from './commands/ia.ts';
import { keyCommands } from './commands/key.ts';
import { lawfulCommands } from './commands/lawful.ts';
import { nodeCommands } from './commands/node.ts';
import { proofCommands } from './commands/proof.ts';
import { queryCommand } from './commands/query.ts';
import { trustCommands } from './commands/trust.ts';
import { txCommands } from './commands/tx.ts';
import { verifyCommand } from './commands/verify.ts';
import { walletCommands } from './commands/wallet.ts';
import { EXIT_CODES, failureOf } from './io.ts';

/** Builds the `realdid` command tree. */
export function buildProgram(): Command {
  const program = new Command('realdid')
    .description('realdid: rights-respecting real-name DID and credit-record ledger')
    .version('0.1.0')
    .exitOverride()
    .showHelpAfterError();
  nodeCommands(program);
  verifyCommand(program);
  keyCommands(program);
  txCommands(program);
  proofCommands(program);
  govCommands(program);
  walletCommands(program);
  iaCommands(program);
  lawfulCommands(program);
  creditCommands(program);
  demoCommand(program);
  didCommands(program);
  trustCommands(program);
  queryCommand(program);
  return program;
}

/** Runs the CLI: errors become `code: message` on stderr (JSON with --json) and an exit code. */
export async function main(argv: string[]): Promise<void> {
  const json = argv.includes('--json');
  try {
    await buildProgram().parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.exitCode === 0) return; // --help, --version
      const e = new AppError('ERR_CLI_USAGE', err.message.replace(/^error: /, ''));
      process.stderr.write(json ? `${JSON.stringify(e.toJSON())}\n` : '');
      process.exitCode = EXIT_CODES.ERR_CLI_USAGE;
      return;
    }
    const { error: e, exit } = failureOf(err);
    if (e.code === 'ERR_CLI_INTERNAL' && !json && err instanceof Error && err.stack !== undefined)
      process.stderr.write(`${err.stack}\n`);
    process.stderr.write(
      json ? `${JSON.stringify(e.toJSON())}\n` : `realdid: ${e.code}: ${e.message}\n`,
    );
    process.exitCode = exit;
  }
}
