import { mkdirSync } from 'node:fs';
import type { Command } from 'commander';
import { MAX_DID_VIEW_CACHE_MB } from '../../did/index.ts';
import { AppError } from '../../errors.ts';
import {
  assertInitialized,
  checkInitOrgs,
  DEMO_ORGS,
  DEMO_PASSPHRASE,
  initDataDir,
  dataPaths,
  isInitialized,
  lockDataDir,
  parseOrderingFlags,
  readNodeConfig,
  resolveOrdering,
  startNode,
  type InitOrg,
  type RunningNode,
} from '../../node/index.ts';
import { collect, intArg, output, passphrase } from '../io.ts';
import { nodeJoinCommand, ORDERER_HELP, NATS_HELP } from './node-join.ts';

/** Parses `id:Name,id:Name` into organizations. @throws ERR_CLI_USAGE */
function parseOrgs(text: string): { id: string; name: string }[] {
  return text.split(',').map((part) => {
    const [id, ...name] = part.split(':');
    if (id === undefined || !/^[a-z0-9][a-z0-9-]{0,31}$/.test(id) || name.length === 0) {
      throw new AppError(
        'ERR_CLI_USAGE',
        `--orgs expects id:Name,id:Name; bad entry ${JSON.stringify(part)}`,
      );
    }
    return { id, name: name.join(':') };
  });
}

/**
 * `orgs` with the keys `--org-key org=multikey` gave, checked as `node init` checks them.
 * @throws ERR_CLI_USAGE for an entry without `=`, an org not in `orgs`, an org named twice, or a
 *   key {@link checkInitOrgs} refuses
 */
function withOwnKeys(orgs: readonly InitOrg[], entries: readonly string[]): InitOrg[] {
  const keys = new Map<string, string>();
  for (const entry of entries) {
    const at = entry.indexOf('=');
    if (at < 1)
      throw new AppError(
        'ERR_CLI_USAGE',
        `--org-key expects org=multikey, got ${JSON.stringify(entry.slice(0, 80))}`,
      );
    const id = entry.slice(0, at);
    if (!orgs.some((o) => o.id === id))
      throw new AppError(
        'ERR_CLI_USAGE',
        `--org-key names "${id}", which is not one of the organizations (${orgs.map((o) => o.id).join(', ')})`,
      );
    if (keys.has(id))
      throw new AppError('ERR_CLI_USAGE', `--org-key gives organization "${id}" more than once`);
    keys.set(id, entry.slice(at + 1));
  }
  const out = orgs.map((o) => {
    const multikey = keys.get(o.id);
    return multikey === undefined ? o : { ...o, multikey };
  });
  checkInitOrgs(out);
  return out;
}

export function nodeCommands(program: Command): void {
  const node = program.command('node').description('initialize and run a ledger node');

  node
    .command('init')
    .description(
      'create a data folder: organization keys (encrypted), genesis document, node config',
    )
    .requiredOption('--data <dir>', 'data folder')
    .option(
      '--demo',
      'a demo consortium of 3 organizations, quorum 2, with the demo site registered (keys under the demo passphrase unless REALDID_PASSPHRASE is set)',
    )
    .option('--orgs <list>', 'organizations as id:Name,id:Name (this node is the first)')
    .option(
      '--org-key <org=multikey>',
      "another organization's own public key (the multikey `realdid key new` printed on its machine): the genesis names it and no key is created for that organization (repeatable)",
      collect,
    )
    .option(
      '--operator-passphrase-file <file>',
      "with --authority: a passphrase of the front office's own for keys/ia-operator.json (default: the node's)",
    )
    .option(
      '--authority [name]',
      'this organization is an identity authority: its keys in the data folder, its DID and accreditation in genesis (implied by --demo)',
    )
    .option('--quorum <n>', 'approvals a governance change needs (default: majority)')
    .option('--chain-id <id>', 'chain id', 'realdid-demo')
    .option('--port <n>', 'HTTP port', '8080')
    .option('--orderer <type>', ORDERER_HELP)
    .option('--nats <urls>', NATS_HELP)
    .option('--passphrase-file <file>', 'file holding the key passphrase')
    .option('--json', 'machine-readable output')
    .action(
      async (o: {
        data: string;
        demo?: boolean;
        orgs?: string;
        orgKey?: string[];
        orderer?: string;
        nats?: string;
        authority?: string | boolean;
        operatorPassphraseFile?: string;
        quorum?: string;
        chainId: string;
        port: string;
        passphraseFile?: string;
        json?: boolean;
      }) => {
        if (!o.demo && o.orgs === undefined)
          throw new AppError('ERR_CLI_USAGE', 'give --demo or --orgs');
        const orgs = withOwnKeys(
          o.orgs === undefined ? DEMO_ORGS : parseOrgs(o.orgs),
          o.orgKey ?? [],
        );
        // Check every argument before asking for a passphrase.
        const port = intArg('port', o.port);
        const ordering = resolveOrdering(undefined, parseOrderingFlags(o.orderer, o.nats));
        const quorum = o.quorum === undefined ? undefined : intArg('quorum', o.quorum);
        if (quorum !== undefined && (quorum < 1 || quorum > orgs.length))
          throw new AppError(
            'ERR_CLI_USAGE',
            `--quorum ${quorum} must be within 1..${orgs.length}`,
          );
        if (isInitialized(o.data))
          throw new AppError('ERR_CLI_DATA_DIR', `${o.data} is already initialized`);
        const pass = await passphrase(o.passphraseFile, o.demo ? DEMO_PASSPHRASE : undefined);
        const { genesis, config } = initDataDir(o.data, {
          passphrase: pass,
          orgs,
          chainId: o.chainId,
          port,
          ordering,
          ...(quorum === undefined ? {} : { quorum }),
          ...authorityInit(o.demo === true || o.authority !== undefined, o.authority, o.demo),
          ...(o.operatorPassphraseFile === undefined
            ? {}
            : { keyPassphrases: { 'ia-operator': await passphrase(o.operatorPassphraseFile) } }),
        });
        const created = orgs.filter((x) => x.multikey === undefined);
        const own = orgs.filter((x) => x.multikey !== undefined);
        output(
          o.json ?? false,
          {
            dataDir: o.data,
            chainId: genesis.chainId,
            org: config.org,
            orgs: orgs.map((x) => x.id),
            keysCreated: created.map((x) => x.id),
            ...(ordering.type === 'solo' ? {} : { ordering: ordering.type }),
          },
          () =>
            `initialized ${o.data}: chain ${genesis.chainId}, organizations ${orgs.map((x) => x.id).join(', ')}, this node is ${config.org}, ordering ${ordering.type}; keys created in ${o.data}/keys for ${created.map((x) => x.id).join(', ')}${own.length === 0 ? '' : `; ${own.map((x) => x.id).join(', ')} brought their own`}`,
        );
      },
    );

  node
    .command('start')
    .description('start a node on its data folder and serve the API')
    .requiredOption('--data <dir>', 'data folder')
    .option('--demo', 'initialize a demo consortium first if the folder is empty')
    .option('--port <n>', 'HTTP port (default: from node.json; 0 picks a free port)')
    .option('--host <host>', 'listen address (default: from node.json, 127.0.0.1)')
    .option('--orderer <type>', `${ORDERER_HELP}; overrides node.json for this run`)
    .option('--nats <urls>', `${NATS_HELP}; overrides node.json for this run`)
    .option('--passphrase-file <file>', 'file holding the key passphrase')
    .option('--log', 'structured request logs (pino) on stdout')
    .option('--json', 'print the startup line as JSON')
    .option(
      '--did-view-cache-mb <n>',
      'memory for pre-rendered DID resolutions, MiB (0 = none; default 2048, about 1.2 million DIDs; at most 4096)',
    )
    .option(
      '--exit-with-parent',
      'stop (as on SIGTERM) when the parent process exits, e.g. npm killed without forwarding a signal',
    )
    .action(
      async (o: {
        data: string;
        demo?: boolean;
        port?: string;
        host?: string;
        orderer?: string;
        nats?: string;
        passphraseFile?: string;
        log?: boolean;
        json?: boolean;
        didViewCacheMb?: string;
        exitWithParent?: boolean;
      }) => {
        const didViewCacheMb =
          o.didViewCacheMb === undefined ? undefined : viewCacheMb(o.didViewCacheMb);
        const port = o.port === undefined ? undefined : intArg('port', o.port);
        const ordering = parseOrderingFlags(o.orderer, o.nats);
        // Checked against node.json before any prompt (a folder --demo creates orders solo).
        resolveOrdering(
          isInitialized(o.data) ? readNodeConfig(dataPaths(o.data).config).ordering : undefined,
          ordering,
        );
        // The folder's lock comes before a passphrase prompt (only possible without --demo, which
        // falls back to the demo passphrase), so a second node fails at once; and before the
        // folder is initialized, so two `--demo` starts on an empty folder never both initialize it.
        const demoPass = o.demo ? await passphrase(o.passphraseFile, DEMO_PASSPHRASE) : undefined;
        if (o.demo) mkdirSync(o.data, { recursive: true });
        else assertInitialized(o.data);
        const lock = lockDataDir(o.data);
        let running: RunningNode;
        try {
          const pass = demoPass ?? (await passphrase(o.passphraseFile));
          if (!isInitialized(o.data) && o.demo) {
            initDataDir(o.data, { passphrase: pass, ...authorityInit(true, undefined, true) });
            if (pass === DEMO_PASSPHRASE)
              process.stderr.write(
                `demo consortium created in ${o.data}; its keys use the demo passphrase "${DEMO_PASSPHRASE}" (set REALDID_PASSPHRASE for real keys)\n`,
              );
          }
          running = await startNode({
            dataDir: o.data,
            passphrase: pass,
            lock,
            ordering,
            ...(port === undefined ? {} : { port }),
            ...(o.host === undefined ? {} : { host: o.host }),
            ...(didViewCacheMb === undefined
              ? {}
              : { moduleOptions: { did: { viewCacheMb: didViewCacheMb } } }),
            logger: o.log ? { level: 'info' } : false,
          });
        } catch (err) {
          lock.release();
          throw err;
        }
        // Handlers first: whoever reads the startup line may signal at once, and a signal that
        // arrives before a handler is installed kills the process without a clean stop.
        stopOnSignals(running, o.exitWithParent ?? false);
        const { chain } = running.node;
        const consortium = running.node.consortium();
        const nats =
          consortium.type === 'nats'
            ? `\nordering through NATS stream ${consortium.stream} (applied up to stream sequence ${consortium.appliedSeq}; catching up in the background)${consortium.member ? '' : `\n${chain.signer?.org ?? 'this node'} is no consortium member at height ${chain.head.height}: the node applies blocks and signs those from the one where governance adds its key (GET /v1/consortium shows "member")`}`
            : '';
        output(
          o.json ?? false,
          {
            org: chain.signer?.org ?? null,
            chainId: chain.chainId,
            height: chain.head.height,
            url: running.url,
            docs: `${running.url}/docs`,
            ...(consortium.type === 'nats'
              ? { ordering: 'nats', stream: consortium.stream, member: consortium.member }
              : {}),
          },
          () =>
            `realdid node ${chain.signer?.org ?? ''} on chain ${chain.chainId} at height ${chain.head.height}\nlistening on ${running.url}  (API docs: ${running.url}/docs)${nats}`,
        );
      },
    );

  nodeJoinCommand(node);
}

/**
 * `node init`'s request to the identity module: make this organization an identity authority;
 * for a demo consortium, also register the demo site (examples/demo-site/) as a relying party.
 */
function authorityInit(
  wanted: boolean,
  name: string | boolean | undefined,
  demo = false,
): {
  moduleInit?: {
    idn: {
      authority: { name?: string };
      demoSite?: Record<string, never>;
      demoActors?: Record<string, never>;
    };
    credit?: { demo: Record<string, never> };
  };
} {
  if (!wanted) return {};
  const authority = typeof name === 'string' ? { name } : {};
  return {
    moduleInit: {
      idn: { authority, ...(demo ? { demoSite: {}, demoActors: {} } : {}) },
      ...(demo ? { credit: { demo: {} } } : {}),
    },
  };
}

/** A repeated signal within this time is the same stop request delivered twice (see below). */
const REPEAT_MS = 1000;
/** How often `--exit-with-parent` checks the parent PID. */
const PARENT_POLL_MS = 250;

/**
 * SIGINT and SIGTERM stop the node cleanly: HTTP first, then the pending transactions are
 * committed and the store and lock are closed; exit 0. Under `npm start`, Ctrl-C reaches the node
 * twice (from the terminal and forwarded by npm): a repeat within {@link REPEAT_MS} is ignored, a
 * later one exits at once with 1 (what was committed is safe, as after a crash). With
 * `exitWithParent`, the node also stops when its parent exits (the node is reparented).
 */
function stopOnSignals(running: RunningNode, exitWithParent: boolean): void {
  let stoppingSince: number | undefined;
  const stop = (why: string): void => {
    if (stoppingSince !== undefined) {
      if (Date.now() - stoppingSince < REPEAT_MS) return;
      process.stderr.write(`${why} again: exiting without waiting for the node to close\n`);
      process.exit(1);
    }
    stoppingSince = Date.now();
    process.stderr.write(`${why}: committing pending transactions and stopping\n`);
    running.close().then(
      () => process.exit(0),
      (err: unknown) => {
        process.stderr.write(`error while stopping: ${(err as Error).message}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  if (exitWithParent) {
    const parent = process.ppid;
    setInterval(() => {
      if (process.ppid !== parent) stop(`parent process ${parent} exited`);
    }, PARENT_POLL_MS).unref();
  }
}

/** `--did-view-cache-mb`: 0 … 4096 (a view arena is one Buffer). @throws ERR_CLI_USAGE */
function viewCacheMb(text: string): number {
  const mb = intArg('did-view-cache-mb', text);
  if (mb > MAX_DID_VIEW_CACHE_MB)
    throw new AppError(
      'ERR_CLI_USAGE',
      `--did-view-cache-mb must be at most ${MAX_DID_VIEW_CACHE_MB}, got ${mb}`,
    );
  return mb;
}
