/**
 * What the wallet server's routes share: the wallet unlocked once, in this process (the seed
 * never leaves it), and clients of the node held to the trust file as every CLI command is.
 */
import type { RealdidClient } from '../../sdk/index.ts';
import type { NodeOpts } from '../connect.ts';
import type { UnlockedWallet } from '../wallet-file.ts';

/** The state of one `realdid wallet serve` process. */
export interface WalletContext {
  /** The wallet, unlocked when the server started. */
  readonly wallet: UnlockedWallet;
  /** The node options the server was started with (`--url`, `--trust-file`, …). */
  readonly nodeOpts: NodeOpts;
  /** A client of the node, connected and checked against the trust file (see connect.ts). */
  client(): Promise<RealdidClient>;
}
