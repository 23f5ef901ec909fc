import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AppError } from '../errors.ts';
import {
  applyGenesis,
  checkGenesis,
  DeadlineQueue,
  ModuleRegistry,
  StateOverlay,
  type GenesisDoc,
  type LedgerModule,
} from '../ledger/index.ts';
import { dataPaths, writeJson } from './data-dir.ts';
import { loadKeyFile, readKeyFile } from './key-file.ts';
import { defaultModules } from './default-modules.ts';
import {
  checkOrdering,
  DEFAULT_SOLO_ORDERING,
  type NodeConfig,
  type OrderingConfig,
} from './node-config.ts';

/** An organization id, as `node init --orgs` takes them (also the key file's name). */
const ORG_ID_RE = /^[a-z0-9][a-z0-9-]{0,31}$/;

/** What `node join` needs: the consortium's genesis, which organization this is, and its key. */
export interface JoinOptions {
  /** The consortium's genesis document, as the organization that assembled it handed it out. */
  readonly genesis: unknown;
  /** This node's organization: one of the genesis document's organizations (see `addedByGovernance`). */
  readonly org: string;
  /** Path of the organization's existing encrypted key file (`realdid key new`); it is copied in. */
  readonly keyFile: string;
  /** When given, the key file must unlock with it (so a wrong passphrase shows now, not at start). */
  readonly passphrase?: string;
  readonly port?: number;
  readonly host?: string;
  /** How the node orders (default: {@link DEFAULT_SOLO_ORDERING}; a consortium node uses NATS). */
  readonly ordering?: OrderingConfig;
  /** The modules the chain runs (default: {@link defaultModules}): they check the genesis. */
  readonly modules?: readonly LedgerModule[];
  /**
   * `org` is not in the genesis: governance adds it (`add-org` with the key file's key), and
   * the node replays the chain from genesis and signs from the block that adds it on. Only with
   * NATS ordering (a solo node seals every block, so it must be a member from block 0).
   */
  readonly addedByGovernance?: boolean;
}

/**
 * Creates the data folder of an organization joining an existing consortium: the genesis
 * document it was given, a copy of its own key file and a node.json naming it. Everything is
 * checked first, as {@link checkJoinDataDir} does; nothing is written if a check fails.
 * @throws as {@link checkJoinDataDir}
 * @example
 * joinDataDir('./data', {
 *   genesis: JSON.parse(readFileSync('genesis.json', 'utf8')),
 *   org: 'org2',
 *   keyFile: './org2.json',
 *   passphrase,
 *   ordering: { type: 'nats', servers: ['nats://127.0.0.1:4222'] },
 * });
 */
export function joinDataDir(
  dir: string,
  options: JoinOptions,
): { genesis: GenesisDoc; config: NodeConfig; multikey: string } {
  const { genesis, config, multikey } = checkJoinDataDir(dir, options);
  const p = dataPaths(dir);
  const keyBytes = readFileSync(options.keyFile);
  mkdirSync(p.keys, { recursive: true, mode: 0o700 });
  writeFileSync(join(dir, config.keyFile), keyBytes, { mode: 0o600, flag: 'wx' });
  writeJson(p.genesis, genesis);
  writeJson(p.config, config);
  return { genesis, config, multikey };
}

/**
 * Checks what {@link joinDataDir} would do, writing nothing: the folder is not initialized, the
 * genesis document is well formed (every module checks its section), `org` is one of its
 * organizations and the key file's key is one of that organization's keys from genesis on (asked
 * of the consortium policy over the genesis state, as `node start` will) — or, with
 * `addedByGovernance`, `org` is none of them and the ordering is NATS; with a passphrase, that
 * the key file unlocks.
 * @returns the genesis document and the node.json that joining writes, and the node key
 * @throws ERR_CLI_DATA_DIR if the folder is already initialized or holds a ledger;
 *   ERR_LEDGER_BAD_GENESIS (or a module's code for its section); ERR_CLI_USAGE if `org` is not an
 *   organization of the genesis document (with `addedByGovernance`: if it is one, or the ordering
 *   is solo) or the ordering is malformed; ERR_LEDGER_NOT_SIGNER if
 *   the key is not that organization's; ERR_CRYPTO_BAD_KEYSTORE, ERR_CRYPTO_WRONG_PASSPHRASE
 */
export function checkJoinDataDir(
  dir: string,
  options: JoinOptions,
): { genesis: GenesisDoc; config: NodeConfig; multikey: string } {
  if (!ORG_ID_RE.test(options.org))
    throw new AppError(
      'ERR_CLI_USAGE',
      `organization id must match ${ORG_ID_RE}, got ${JSON.stringify(options.org)}`,
    );
  const p = dataPaths(dir);
  const keyFile = `keys/${options.org}.json`;
  for (const path of [p.config, p.genesis, p.ledger, join(dir, keyFile)])
    if (existsSync(path))
      throw new AppError('ERR_CLI_DATA_DIR', `${dir} is already initialized (${path} exists)`);
  const ordering = checkOrdering(options.ordering ?? DEFAULT_SOLO_ORDERING);
  const registry = new ModuleRegistry(options.modules ?? defaultModules());
  checkGenesis(options.genesis, registry);
  const genesis = options.genesis;
  const later = options.addedByGovernance === true;
  if (later && ordering.type !== 'nats')
    throw new AppError(
      'ERR_CLI_USAGE',
      'an organization that governance adds later runs a consortium node (--orderer nats): a solo node must be a member from block 0',
    );
  const multikey = keyOfFile(options.keyFile, options.passphrase);
  checkJoiningOrg(registry, genesis, options.org, multikey, later);
  const config: NodeConfig = {
    org: options.org,
    keyFile,
    host: options.host ?? '127.0.0.1',
    port: options.port ?? 8080,
    ordering,
  };
  return { genesis, config, multikey };
}

/**
 * The Multikey a key file names, checked by unlocking it when a passphrase is given.
 * @throws ERR_CRYPTO_BAD_KEYSTORE, ERR_CRYPTO_WRONG_PASSPHRASE
 */
function keyOfFile(path: string, passphrase: string | undefined): string {
  return passphrase === undefined
    ? readKeyFile(path).multikey
    : loadKeyFile(path, passphrase).multikey;
}

/** The consortium members of the genesis state, by the consortium policy. */
function genesisSigners(registry: ModuleRegistry, genesis: GenesisDoc) {
  if (registry.consortium === undefined)
    throw new TypeError('no module provides the consortium policy');
  const state = new StateOverlay({ get: () => undefined });
  applyGenesis(genesis, registry, state, new DeadlineQueue());
  return registry.signers(state);
}

/**
 * Checks `org` and its key against the genesis state, through the consortium policy (as
 * `Chain.open` will ask it): a genesis organization's node holds one of that organization's keys
 * from block 0 on; one that governance adds `later` is none of the genesis organizations, and its
 * key is none of theirs (governance could not add it for another).
 * @throws ERR_CLI_USAGE for an organization genesis does not name (or, `later`, one it names or a
 *   key one of them holds), ERR_LEDGER_NOT_SIGNER for a key that is not that organization's,
 *   ERR_LEDGER_BAD_GENESIS for a section a module refuses
 */
function checkJoiningOrg(
  registry: ModuleRegistry,
  genesis: GenesisDoc,
  org: string,
  multikey: string,
  later: boolean,
): void {
  const signers = genesisSigners(registry, genesis);
  const orgs = [...new Set(signers.map((s) => s.id))];
  if (later) {
    if (orgs.includes(org))
      throw new AppError(
        'ERR_CLI_USAGE',
        `"${org}" is an organization of chain ${genesis.chainId} from its genesis on: join without --added-by-governance`,
      );
    const owner = signers.find((s) => s.multikey === multikey);
    if (owner !== undefined)
      throw new AppError(
        'ERR_CLI_USAGE',
        `the key file's key ${multikey} is organization "${owner.id}"'s key in the genesis; "${org}" needs a key of its own (realdid key new)`,
      );
    return;
  }
  if (!orgs.includes(org))
    throw new AppError(
      'ERR_CLI_USAGE',
      `--org ${org} is not an organization of chain ${genesis.chainId}; its organizations: ${orgs.join(', ')} (an organization governance adds later joins with --added-by-governance)`,
    );
  if (!signers.some((s) => s.id === org && s.multikey === multikey && s.sinceHeight <= 0))
    throw new AppError(
      'ERR_LEDGER_NOT_SIGNER',
      `the key file's key ${multikey} is not a key of "${org}" in the genesis document of chain ${genesis.chainId}; a node with it could sign no block`,
    );
}
