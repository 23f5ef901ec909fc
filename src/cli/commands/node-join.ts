import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { AppError } from '../../errors.ts';
import { genesisHash } from '../../ledger/index.ts';
import {
  checkJoinDataDir,
  joinDataDir,
  parseOrderingFlags,
  resolveOrdering,
  type JoinOptions,
} from '../../node/index.ts';
import { intArg, jsonArg, output, passphrase } from '../io.ts';

/** Help of `--orderer` (node init, start and join). */
export const ORDERER_HELP =
  'solo (this node alone seals blocks) or nats (a consortium orders through NATS JetStream; see docs/consortium.md)';
/** Help of `--nats` (node init, start and join). */
export const NATS_HELP =
  'with --orderer nats: comma-separated NATS server URLs, e.g. nats://10.0.0.1:4222,nats://10.0.0.2:4222';

/** The options of `node join`, as commander hands them over. */
interface JoinFlags {
  readonly data: string;
  readonly genesis: string;
  readonly org: string;
  readonly keyFile: string;
  readonly orderer?: string;
  readonly nats?: string;
  readonly port: string;
  readonly host: string;
  readonly passphraseFile?: string;
  readonly addedByGovernance?: boolean;
  readonly json?: boolean;
}

/**
 * `node join`: the data folder of an organization joining an existing consortium with its own key
 * (genesis from the organization that assembled it, key file from `realdid key new`).
 */
export function nodeJoinCommand(node: Command): void {
  node
    .command('join')
    .description(
      "create the data folder of an organization joining an existing consortium: the consortium's genesis document and this organization's own key file",
    )
    .requiredOption('--data <dir>', 'data folder to create')
    .requiredOption('--genesis <file>', "the consortium's genesis.json")
    .requiredOption(
      '--org <id>',
      'this organization: one of the genesis document organizations (or one governance adds later: --added-by-governance)',
    )
    .requiredOption(
      '--key-file <file>',
      "this organization's encrypted key file (copied in); its key must be the organization's key in genesis (or the key governance adds it with)",
    )
    .option('--orderer <type>', ORDERER_HELP)
    .option('--nats <urls>', NATS_HELP)
    .option('--port <n>', 'HTTP port', '8080')
    .option('--host <host>', 'listen address', '127.0.0.1')
    .option('--passphrase-file <file>', 'file holding the key passphrase')
    .option(
      '--added-by-governance',
      'the organization is not in the genesis: governance adds it (add-org with this key), and the node replays the chain and signs from that block on (--orderer nats only)',
    )
    .option('--json', 'machine-readable output')
    .action(async (o: JoinFlags) => {
      // Every check that needs no passphrase comes before asking for one.
      const options = joinOptions(o);
      checkJoinDataDir(o.data, options);
      const pass = await passphrase(o.passphraseFile);
      const { genesis, config, multikey } = joinDataDir(o.data, { ...options, passphrase: pass });
      const servers = config.ordering.type === 'nats' ? config.ordering.servers : [];
      const later = o.addedByGovernance === true;
      const change = `{"type":"add-org","org":{"id":"${config.org}","name":"…","keys":["${multikey}"]}}`;
      output(
        o.json ?? false,
        {
          dataDir: o.data,
          chainId: genesis.chainId,
          genesisHash: genesisHash(genesis),
          org: config.org,
          multikey,
          ordering: config.ordering.type,
          ...(servers.length === 0 ? {} : { servers }),
          ...(later ? { addedByGovernance: true } : {}),
        },
        () =>
          `joined chain ${genesis.chainId} (genesis ${genesisHash(genesis)}) as ${config.org} in ${o.data}, ordering ${config.ordering.type}${servers.length === 0 ? '' : ` through ${servers.join(', ')}`}${later ? `\n${config.org} is not in the genesis: the node replays the chain and signs the blocks from the one where governance adds ${config.org} with key ${multikey}; a member proposes it with\n  realdid gov propose --key <its key file> --change '${change}'` : ''}\nstart it with: realdid node start --data ${o.data}`,
      );
    });
}

/** The command's arguments as {@link JoinOptions}. @throws ERR_CLI_USAGE */
function joinOptions(o: JoinFlags): JoinOptions {
  const port = intArg('port', o.port);
  if (port > 65_535)
    throw new AppError('ERR_CLI_USAGE', `--port must be at most 65535, got ${port}`);
  const ordering = resolveOrdering(undefined, parseOrderingFlags(o.orderer, o.nats));
  if (!existsSync(o.keyFile)) throw new AppError('ERR_CLI_USAGE', `no such file: ${o.keyFile}`);
  return {
    genesis: jsonArg('genesis', `@${o.genesis}`),
    org: o.org,
    keyFile: o.keyFile,
    port,
    host: o.host,
    ordering,
    addedByGovernance: o.addedByGovernance ?? false,
  };
}
