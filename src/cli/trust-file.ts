/**
 * The CLI's trust file: which chain each node URL serves (its genesis hash, pinned at first
 * contact) and the last checkpoint verified on each chain. Every command that talks to a node
 * checks the node against it, so a node that switches chain, rolls back or forks is noticed on
 * the next call instead of being trusted anew on every run.
 *
 * Default path `$REALDID_HOME/trust.json` (else `~/.realdid/trust.json`), or `--trust-file`.
 * Written atomically (temp file + rename) with mode 0600; refused when others can write it.
 *
 * @example
 * { "version": 1,
 *   "nodes": { "http://127.0.0.1:8080": { "genesisHash": "3fa2…", "chainId": "realdid-demo", "pinnedAt": "2026-…Z" } },
 *   "chains": { "3fa2…": { "chainId": "realdid-demo", "checkpoint": { "height": 5, "blockHash": "…", … }, "url": "http://127.0.0.1:8080", "verifiedAt": "2026-…Z" } } }
 */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { AppError } from '../errors.ts';
import type { Checkpoint } from '../ledger/index.ts';
import { CheckpointConflictError } from '../sdk/index.ts';
import { replaceAtomically } from './atomic-write.ts';
import { realdidHome } from './home.ts';

/** Format version of the trust file. */
export const TRUST_FILE_VERSION = 1;

/** The chain a node URL was found to serve. */
export interface NodePin {
  readonly genesisHash: string;
  readonly chainId: string;
  /** ISO time of the pin. */
  readonly pinnedAt: string;
}

/** The last checkpoint verified on one chain (keyed by genesis hash), from whichever node. */
export interface ChainMemory {
  readonly chainId: string;
  readonly checkpoint: Checkpoint;
  /** The node that served it. */
  readonly url: string;
  readonly verifiedAt: string;
}

/** The JSON content of a trust file. */
export interface TrustFile {
  readonly version: 1;
  readonly nodes: Readonly<Record<string, NodePin>>;
  readonly chains: Readonly<Record<string, ChainMemory>>;
}

const EMPTY: TrustFile = { version: 1, nodes: {}, chains: {} };
const HEX64 = /^[0-9a-f]{64}$/;

/** The trust file path: `--trust-file`, else `trust.json` in the realdid folder. */
export function trustFilePath(option?: string): string {
  return option !== undefined && option !== '' ? option : join(realdidHome(), 'trust.json');
}

function bad(path: string, why: string, cause?: unknown): AppError {
  return new AppError(
    'ERR_CLI_TRUST_FILE',
    `${path}: ${why}; fix or remove it (removing it forgets every pinned chain)`,
    cause === undefined ? {} : { cause },
  );
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isCheckpoint(v: unknown): v is Checkpoint {
  if (!isObject(v)) return false;
  const n = (k: string): boolean => Number.isSafeInteger(v[k]) && (v[k] as number) >= 0;
  return (
    typeof v.chainId === 'string' &&
    n('height') &&
    n('logSize') &&
    n('time') &&
    [v.blockHash, v.logRoot, v.stateRoot].every((h) => typeof h === 'string' && HEX64.test(h))
  );
}

function checkTrustFile(path: string, v: unknown): TrustFile {
  if (
    !isObject(v) ||
    v.version !== TRUST_FILE_VERSION ||
    !isObject(v.nodes) ||
    !isObject(v.chains)
  ) {
    throw bad(
      path,
      `not a realdid trust file: expected {version: ${TRUST_FILE_VERSION}, nodes, chains}`,
    );
  }
  for (const [url, pin] of Object.entries(v.nodes)) {
    if (
      !isObject(pin) ||
      typeof pin.genesisHash !== 'string' ||
      !HEX64.test(pin.genesisHash) ||
      typeof pin.chainId !== 'string' ||
      typeof pin.pinnedAt !== 'string'
    ) {
      throw bad(path, `the pin of ${JSON.stringify(url)} is malformed`);
    }
  }
  for (const [hash, c] of Object.entries(v.chains)) {
    if (
      !HEX64.test(hash) ||
      !isObject(c) ||
      !isCheckpoint(c.checkpoint) ||
      typeof c.chainId !== 'string' ||
      typeof c.url !== 'string' ||
      typeof c.verifiedAt !== 'string'
    ) {
      throw bad(path, `the checkpoint of chain ${JSON.stringify(hash)} is malformed`);
    }
  }
  return v as unknown as TrustFile;
}

/**
 * Reads the trust file; a missing one is empty.
 * @throws ERR_CLI_TRUST_FILE when it cannot be read, is malformed, or is writable by group or others
 */
export function loadTrustFile(path: string): TrustFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return EMPTY;
    throw bad(path, `cannot be read: ${(err as Error).message}`, err);
  }
  const mode = statSync(path).mode;
  if (process.platform !== 'win32' && (mode & 0o022) !== 0) {
    throw bad(
      path,
      `is writable by others (mode ${(mode & 0o777).toString(8)}), so its pins cannot be trusted; check it and \`chmod 600\` it`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw bad(path, `is not JSON: ${(err as Error).message}`, err);
  }
  return checkTrustFile(path, json);
}

/**
 * Re-reads the trust file, applies `change` and writes the result atomically (so two commands
 * running at once lose nothing of each other but the order of their writes).
 * @throws ERR_CLI_TRUST_FILE, and whatever `change` throws (the file is then left as it was)
 */
export function updateTrustFile(path: string, change: (t: TrustFile) => TrustFile): TrustFile {
  const before = loadTrustFile(path);
  const after = change(before);
  if (after !== before) replaceAtomically(path, `${JSON.stringify(after, null, 2)}\n`);
  return after;
}

/** Pins `url` to the chain of `genesisHash`. */
export function pinNode(
  path: string,
  url: string,
  genesisHash: string,
  chainId: string,
  now = new Date(),
): void {
  updateTrustFile(path, (t) => ({
    ...t,
    nodes: { ...t.nodes, [url]: { genesisHash, chainId, pinnedAt: now.toISOString() } },
  }));
}

/**
 * Remembers `cp` as the last verified checkpoint of the chain, unless the file already holds a
 * higher one (another command, running at the same time, got further).
 * @throws ERR_LEDGER_INCONSISTENT when the file holds another block at the same height (a fork seen by two runs)
 */
export function rememberCheckpoint(
  path: string,
  genesisHash: string,
  url: string,
  cp: Checkpoint,
  now = new Date(),
): void {
  updateTrustFile(path, (t) => {
    const had = t.chains[genesisHash];
    if (had !== undefined && had.checkpoint.height > cp.height) return t;
    if (had !== undefined && had.checkpoint.height === cp.height) {
      if (had.checkpoint.blockHash === cp.blockHash) return t;
      throw new CheckpointConflictError(
        'ERR_LEDGER_INCONSISTENT',
        url,
        had.checkpoint,
        cp,
        `${path} holds the other block, verified by another command via ${had.url}`,
      );
    }
    return {
      ...t,
      chains: {
        ...t.chains,
        [genesisHash]: { chainId: cp.chainId, checkpoint: cp, url, verifiedAt: now.toISOString() },
      },
    };
  });
}

/** Forgets the pin of `url` and the checkpoint of its chain; returns the pin (undefined if none). */
export function forgetNode(path: string, url: string): NodePin | undefined {
  let pin: NodePin | undefined;
  updateTrustFile(path, (t) => {
    pin = t.nodes[url];
    if (pin === undefined) return t;
    const { [url]: _gone, ...nodes } = t.nodes;
    const { [pin.genesisHash]: _chain, ...chains } = t.chains;
    return { ...t, nodes, chains };
  });
  return pin;
}
