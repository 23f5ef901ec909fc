/**
 * The {@link WalletContext} of a `realdid wallet serve` process: the wallet unlocked once, and one
 * client of the node, connected (and held to the trust file) on first use. A failed connection is
 * tried again on the next call, so the page recovers when the node comes back.
 */
import type { RealdidClient } from '../../sdk/index.ts';
import { connect, type NodeOpts } from '../connect.ts';
import type { UnlockedWallet } from '../wallet-file.ts';
import type { WalletContext } from './context.ts';

/**
 * The context of a wallet server for `wallet`, reaching the node named by `nodeOpts`.
 * @param connectTo how to connect (default {@link connect}: trust file and all)
 */
export function walletContext(
  wallet: UnlockedWallet,
  nodeOpts: NodeOpts,
  connectTo: (o: NodeOpts) => Promise<RealdidClient> = connect,
): WalletContext {
  let client: Promise<RealdidClient> | undefined;
  return {
    wallet,
    nodeOpts,
    client() {
      client ??= connectTo(nodeOpts).catch((err: unknown) => {
        client = undefined;
        throw err;
      });
      return client;
    },
  };
}
