import { canonicalBytes, sha256, toHex, type JsonValue } from '../crypto/index.ts';
import { AppError } from '../errors.ts';
import type { ModuleRegistry } from './registry.ts';
import type { DeadlineQueue } from './deadlines.ts';
import { moduleState, type StateOverlay } from './state.ts';

/**
 * The genesis document: the chain's name, its start time and one configuration section per
 * module namespace (e.g. `gov` names the organizations, their keys and the quorum). The core
 * reads only `chainId` and `time`; each module validates its own section.
 */
export interface GenesisDoc {
  readonly chainId: string;
  /** Genesis block time, ms since the epoch. */
  readonly time: number;
  readonly modules: { readonly [namespace: string]: JsonValue };
}

const CHAIN_ID_RE = /^[a-z0-9][a-z0-9-]{0,62}$/;

/** Hex SHA-256 of the genesis document's canonical JSON: the chain's identity (block 0 prevHash). */
export function genesisHash(genesis: GenesisDoc): string {
  return toHex(sha256(canonicalBytes(genesis)));
}

/**
 * Checks the document's shape (not the module sections).
 * @throws ERR_LEDGER_BAD_GENESIS
 */
export function checkGenesis(
  value: unknown,
  registry: ModuleRegistry,
): asserts value is GenesisDoc {
  const g = value as Partial<GenesisDoc> | null;
  const fail = (why: string): never => {
    throw new AppError('ERR_LEDGER_BAD_GENESIS', `genesis: ${why}`);
  };
  if (g === null || typeof g !== 'object' || Array.isArray(g)) fail('must be a JSON object');
  const keys = Object.keys(g!).sort().join();
  if (keys !== 'chainId,modules,time') fail(`fields must be chainId, modules, time; got ${keys}`);
  if (typeof g!.chainId !== 'string' || !CHAIN_ID_RE.test(g!.chainId))
    fail(`"chainId" must match ${CHAIN_ID_RE}`);
  if (!Number.isSafeInteger(g!.time) || g!.time! < 0)
    fail('"time" must be milliseconds since the epoch');
  const mods = g!.modules;
  if (mods === null || typeof mods !== 'object' || Array.isArray(mods))
    fail('"modules" must be an object');
  const known = new Set(registry.modules.map((m) => m.namespace));
  for (const ns of Object.keys(mods!))
    if (!known.has(ns)) fail(`section "${ns}" names no registered module`);
}

/**
 * Writes every module's genesis state into `state`.
 * @throws ERR_LEDGER_BAD_GENESIS (or a module's own code) for an invalid section
 */
export function applyGenesis(
  genesis: GenesisDoc,
  registry: ModuleRegistry,
  state: StateOverlay,
  deadlines: DeadlineQueue,
): void {
  for (const m of registry.modules) {
    if (m.initGenesis === undefined) {
      if (genesis.modules[m.namespace] !== undefined) {
        throw new AppError(
          'ERR_LEDGER_BAD_GENESIS',
          `genesis: module "${m.namespace}" takes no genesis section`,
        );
      }
      continue;
    }
    m.initGenesis(
      moduleState(state, m.namespace, deadlines, registry.checkDocument),
      genesis.modules[m.namespace],
      genesis.time,
    );
  }
}
