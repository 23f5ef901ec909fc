/**
 * How every CLI command reaches a node: the node options (--url, --genesis-hash, --trust-file,
 * --accept-lagging, --max-age) and a client held to the trust file (see trust-file.ts).
 *
 * The rule: the genesis of the node must be the pinned one (else ERR_SDK_GENESIS_MISMATCH), and
 * its latest checkpoint must extend the last one verified on that chain, from any node (else
 * ERR_LEDGER_INCONSISTENT). A checkpoint below it is a rollback (ERR_SDK_ROLLBACK): the CLI talks
 * to one node, and a node never goes back. `--accept-lagging` accepts a lower checkpoint when the
 * node proves it a prefix of the remembered one. This is checked before the command does anything.
 */
import type { Command } from 'commander';
import { AppError, isAppError } from '../errors.ts';
import { RealdidClient, trustFromGenesis, type ClientOptions } from '../sdk/index.ts';
import { nodeUrl } from './io.ts';
import { loadTrustFile, pinNode, rememberCheckpoint, trustFilePath } from './trust-file.ts';

/** The node options of a command. */
export interface NodeOpts {
  url?: string;
  genesisHash?: string;
  trustFile?: string;
  acceptLagging?: boolean;
  maxAge?: string;
}

/** Adds the node options to a command. */
export function nodeOptions(c: Command): Command {
  return c
    .option('--url <url>', 'node URL (default $REALDID_URL or http://127.0.0.1:8080)')
    .option(
      '--genesis-hash <hex>',
      'the chain to expect: the SHA-256 of its genesis document (default: pinned at first contact)',
    )
    .option(
      '--trust-file <file>',
      'pinned chains and last verified checkpoints (default $REALDID_HOME/trust.json or ~/.realdid/trust.json)',
    )
    .option(
      '--accept-lagging',
      'accept a node behind the last verified checkpoint if it proves it a prefix of it (else that is a rollback)',
    )
    .option(
      '--max-age <seconds>',
      "refuse answers whose checkpoint's block time is older than this",
    );
}

/** The node URL without trailing slashes, as the trust file keys it. @throws ERR_CLI_USAGE */
export function normalizeNodeUrl(text: string): string {
  if (!URL.canParse(text) || !/^https?:$/.test(new URL(text).protocol))
    throw new AppError(
      'ERR_CLI_USAGE',
      `--url must be an http(s) URL, got ${JSON.stringify(text)}`,
    );
  return text.replace(/\/+$/, '');
}

function parseOptions(o: NodeOpts): {
  url: string;
  explicit: string | undefined;
  maxAgeMs: number | undefined;
} {
  const url = normalizeNodeUrl(nodeUrl(o.url));
  const explicit = o.genesisHash?.toLowerCase();
  if (explicit !== undefined && !/^[0-9a-f]{64}$/.test(explicit))
    throw new AppError(
      'ERR_CLI_USAGE',
      `--genesis-hash must be 64 hex digits, got ${JSON.stringify(o.genesisHash)}`,
    );
  let maxAgeMs: number | undefined;
  if (o.maxAge !== undefined) {
    const s = Number(o.maxAge);
    if (!Number.isSafeInteger(s) || s <= 0)
      throw new AppError(
        'ERR_CLI_USAGE',
        `--max-age must be a positive number of seconds, got ${JSON.stringify(o.maxAge)}`,
      );
    maxAgeMs = s * 1000;
  }
  return { url, explicit, maxAgeMs };
}

/** What to do about a conflict, appended to the SDK's message. */
function withAdvice(err: unknown, url: string, pinnedFromFile: boolean): unknown {
  if (!isAppError(err)) return err;
  let advice: string | undefined;
  if (err.code === 'ERR_SDK_GENESIS_MISMATCH' && pinnedFromFile) {
    advice = `if the node's data folder was re-initialized on purpose, run \`realdid trust forget ${url}\` (or pass --genesis-hash ${String(err.details?.actual)})`;
  } else if (err.code === 'ERR_SDK_ROLLBACK' || err.code === 'ERR_LEDGER_INCONSISTENT') {
    advice = `keep both checkpoints as evidence (--json prints them) and alert the consortium; only if the node was restored from a backup on purpose, \`realdid trust forget ${url}\` accepts its history from now on`;
  }
  return advice === undefined
    ? err
    : new AppError(err.code, `${err.message}. ${advice}`, {
        cause: err,
        ...(err.details === undefined ? {} : { details: err.details }),
      });
}

/**
 * A client of the node named by the options, held to the trust file: the node's genesis is
 * checked against the pin (or --genesis-hash), its latest checkpoint against the remembered one;
 * a first contact pins the URL; every newer checkpoint verified later is remembered.
 * @throws ERR_CLI_USAGE, ERR_CLI_TRUST_FILE, ERR_SDK_HTTP, ERR_SDK_GENESIS_MISMATCH, ERR_SDK_ROLLBACK,
 *   ERR_LEDGER_INCONSISTENT, ERR_LEDGER_BAD_CHECKPOINT, ERR_SDK_STALE_CHECKPOINT
 */
export async function connect(
  o: NodeOpts,
  extra: Pick<ClientOptions, 'fetch'> = {},
): Promise<RealdidClient> {
  const { url, explicit, maxAgeMs } = parseOptions(o);
  const path = trustFilePath(o.trustFile);
  const trust = loadTrustFile(path);
  const pin = trust.nodes[url];
  const expected = explicit ?? pin?.genesisHash;
  try {
    const g = await new RealdidClient({
      url,
      ...extra,
      ...(expected === undefined ? {} : { genesisHash: expected }),
    }).genesis();
    const client = new RealdidClient({
      url,
      ...extra,
      trust: trustFromGenesis(g.genesis),
      genesisHash: g.hash,
      acceptOlderCheckpoints: o.acceptLagging ?? false,
      ...(trust.chains[g.hash] === undefined
        ? {}
        : { lastCheckpoint: trust.chains[g.hash]!.checkpoint }),
      ...(maxAgeMs === undefined ? {} : { freshness: { maxAgeMs } }),
      onCheckpoint: (cp) => rememberCheckpoint(path, g.hash, url, cp),
    });
    if (pin?.genesisHash !== g.hash) {
      if (pin !== undefined)
        process.stderr.write(
          `warning: ${url} was pinned to genesis ${pin.genesisHash} (${pin.chainId}); re-pinned to ${g.hash} (${g.genesis.chainId}) as --genesis-hash says\n`,
        );
      pinNode(path, url, g.hash, g.genesis.chainId);
    }
    await client.checkpoint();
    return client;
  } catch (err) {
    throw withAdvice(err, url, explicit === undefined);
  }
}
