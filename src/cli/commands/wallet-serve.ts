/**
 * `realdid wallet serve [--port <n>]`: the wallet as a web page on 127.0.0.1 (see
 * wallet-server/server.ts). Unlocks the wallet, prints the URL to open (with its one token), and
 * serves until SIGINT or SIGTERM, then declines any undecided login and stops.
 */
import type { Command } from 'commander';
import { AppError, isAppError } from '../../errors.ts';
import { nodeOptions, type NodeOpts } from '../connect.ts';
import { intArg } from '../io.ts';
import { walletContext } from '../wallet-server/open.ts';
import { startWalletServer } from '../wallet-server/server.ts';
import { unlockWalletOpts, type WalletOpts } from './wallet.ts';

type ServeOpts = WalletOpts & NodeOpts & { port?: string };

/** Resolves on the first SIGINT or SIGTERM. */
function stopSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const on = (signal: NodeJS.Signals): void => {
      process.off('SIGINT', on);
      process.off('SIGTERM', on);
      resolve(signal);
    };
    process.on('SIGINT', on);
    process.on('SIGTERM', on);
  });
}

async function serve(o: ServeOpts): Promise<void> {
  const port = intArg('port', o.port, 0);
  if (port > 65535)
    throw new AppError('ERR_CLI_USAGE', `--port must be 0..65535, got ${JSON.stringify(o.port)}`);
  const w = await unlockWalletOpts(o);
  const ctx = walletContext(w, o);
  try {
    await ctx.client(); // checked now, so a chain the trust file does not know stops here
  } catch (err) {
    if (!isAppError(err, 'ERR_SDK_HTTP')) throw err;
    process.stderr.write(
      `warning: ${err.message}; the page shows the wallet, and reaches the node once it answers\n`,
    );
  }
  const stopped = stopSignal();
  const server = await startWalletServer(ctx, { port });
  if (o.json === true)
    process.stdout.write(`${JSON.stringify({ url: server.url, loginUrl: server.loginUrl })}\n`);
  else {
    process.stdout.write(`wallet page: ${server.loginUrl}\n`);
    process.stderr.write(
      'Open it in your browser on this computer (it answers on 127.0.0.1 only). The address holds a secret token of this process: do not share it. Ctrl-C stops the page.\n',
    );
  }
  await stopped;
  await server.close();
}

/** Registers `realdid wallet serve`. */
export function walletServeCommands(wallet: Command, common: (c: Command) => Command): void {
  common(nodeOptions(wallet.command('serve')))
    .description(
      'your wallet as a web page on 127.0.0.1: log into sites (OpenID4VP), credentials, sites, consent receipts, activity with proofs, lawful requests; prints the URL to open',
    )
    .option('--port <n>', 'port on 127.0.0.1 (default: a free one)')
    .addHelpText(
      'after',
      `
Prints "wallet page: http://127.0.0.1:<port>/?token=…": open it in a browser on this computer.
The token (random, of this process only) opens a session: an HttpOnly, SameSite=Strict cookie,
and a key handed to the page in the address's #fragment (never sent to a server), which the tab
keeps in its sessionStorage; the token and the key then leave the address bar. The server listens
on 127.0.0.1 only, answers only to the Host 127.0.0.1:<port> or localhost:<port>, and its API
only to the page itself (the cookie, the key in the header x-realdid-wallet, its own Origin): the
cookie alone, which browsers also send to other servers on 127.0.0.1, opens nothing. Another tab
needs the printed URL again. The seed and keys never leave this process.
With --json: one line {"url": …, "loginUrl": …}. Ctrl-C (SIGINT) or SIGTERM stops it, declining
any login still waiting for your decision.`,
    )
    .action((o: ServeOpts) => serve(o));
}
