import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeMultikey, type JsonValue } from '../crypto/index.ts';
import { AppError } from '../errors.ts';
import {
  ModuleRegistry,
  type GenesisDoc,
  type LedgerModule,
  type NodeSigner,
} from '../ledger/index.ts';
import { defaultModules } from './default-modules.ts';
import { HOLDER_FILE, LOCK_FILE } from './data-lock.ts';
import { createKeyFile, loadKeyFile } from './key-file.ts';
import {
  DEFAULT_SOLO_ORDERING,
  checkOrdering,
  readNodeConfig,
  type NodeConfig,
  type OrderingConfig,
} from './node-config.ts';
import { FileVault } from './vault.ts';

/** Passphrase of the demo consortium's keys. Demo only: real nodes set REALDID_PASSPHRASE. */
export const DEMO_PASSPHRASE = 'realdid-demo';

/** Layout of a node's data folder. */
export function dataPaths(dir: string) {
  return {
    dir,
    config: join(dir, 'node.json'),
    genesis: join(dir, 'genesis.json'),
    ledger: join(dir, 'ledger.sqlite'),
    keys: join(dir, 'keys'),
    /** Held by the running node (see data-lock.ts); never delete it. */
    lock: join(dir, LOCK_FILE),
    /** PID, start time and host of the node holding the lock. */
    holder: join(dir, HOLDER_FILE),
  } as const;
}

export function isInitialized(dir: string): boolean {
  return existsSync(dataPaths(dir).config) && existsSync(dataPaths(dir).genesis);
}

/** @throws ERR_CLI_DATA_DIR unless `dir` is an initialized data folder */
export function assertInitialized(dir: string): void {
  if (!isInitialized(dir))
    throw new AppError(
      'ERR_CLI_DATA_DIR',
      `${dir} is not an initialized data folder; run \`realdid node init --data ${dir}\``,
    );
}

/** Writes a new JSON file (never over an existing one). */
export function writeJson(path: string, value: unknown, mode = 0o644): void {
  writeFileSync(path, `${JSON.stringify(value, null, 2)}\n`, { mode, flag: 'wx' });
}

export interface InitOptions {
  readonly passphrase: string;
  readonly chainId?: string;
  /**
   * Organizations of the consortium (the first is this node). Default: 3 demo orgs. An org with
   * a `multikey` brought its own key (`realdid key new` on its machine): the genesis names that
   * key and no key file is made for it; every other org gets a fresh key file in `keys/`.
   */
  readonly orgs?: readonly InitOrg[];
  readonly quorum?: number;
  readonly port?: number;
  readonly host?: string;
  readonly time?: number;
  /** The modules the chain runs (default: {@link defaultModules}). */
  readonly modules?: readonly LedgerModule[];
  /** Passphrases of key files that modules create for people outside the node, by name (e.g. `ia-operator`). */
  readonly keyPassphrases?: Readonly<Record<string, string>>;
  /** What to ask of modules, by namespace (e.g. `{ idn: { authority: {} } }`): see `ModuleNode.initData`. */
  readonly moduleInit?: Readonly<Record<string, JsonValue>>;
  /** How the node orders (default: {@link DEFAULT_SOLO_ORDERING}). */
  readonly ordering?: OrderingConfig;
}

/** An organization of {@link InitOptions.orgs}. */
export interface InitOrg {
  readonly id: string;
  readonly name: string;
  /** Its own public key (Ed25519 Multikey); absent: `node init` creates its key. */
  readonly multikey?: string;
}

export const DEMO_ORGS = [
  { id: 'org1', name: 'Demo Org One (node operator)' },
  { id: 'org2', name: 'Demo Org Two' },
  { id: 'org3', name: 'Demo Org Three' },
] as const;

/**
 * Initializes a data folder: an encrypted key for each organization that did not bring its own, a
 * genesis document naming every organization's key with the quorum, and the node config (this
 * node is the first organization).
 * @throws ERR_CLI_DATA_DIR if the folder is already initialized; ERR_CLI_USAGE for a quorum out
 *   of range, an ordering that does not fit node.json's schema, or an organization's own key that
 *   is not an Ed25519 Multikey, is another's too, or is the first organization's (this node needs
 *   its private key)
 */
export function initDataDir(
  dir: string,
  options: InitOptions,
): { genesis: GenesisDoc; config: NodeConfig } {
  const p = dataPaths(dir);
  if (isInitialized(dir)) throw new AppError('ERR_CLI_DATA_DIR', `${dir} is already initialized`);
  const orgs: readonly InitOrg[] = options.orgs ?? DEMO_ORGS;
  const quorum = options.quorum ?? Math.floor(orgs.length / 2) + 1;
  if (orgs.length === 0 || quorum < 1 || quorum > orgs.length)
    throw new AppError('ERR_CLI_USAGE', `quorum ${quorum} must be within 1..${orgs.length}`);
  checkInitOrgs(orgs);
  const ordering = checkOrdering(options.ordering ?? DEFAULT_SOLO_ORDERING);
  const modules = options.modules ?? defaultModules();
  // The module that decides who signs blocks writes the consortium's genesis section.
  const consortium = new ModuleRegistry(modules).consortiumModule;
  if (consortium === undefined) throw new TypeError('no module provides the consortium policy');
  const inits = moduleInits(modules, options.moduleInit ?? {}); // checked before anything is written
  mkdirSync(p.keys, { recursive: true, mode: 0o700 });
  const members = orgs.map((o) => ({
    id: o.id,
    name: o.name,
    keys: [o.multikey ?? createKeyFile(join(p.keys, `${o.id}.json`), options.passphrase, o.id)],
  }));
  const sections: Record<string, JsonValue> = {
    [consortium.namespace]: consortium.consortium!.genesisSection(members, quorum),
  };
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? 8080;
  const moduleOptions = initModules(dir, options, inits, orgs[0]!, sections);
  const genesis: GenesisDoc = {
    chainId: options.chainId ?? 'realdid-demo',
    time: options.time ?? Date.now(),
    modules: sections,
  };
  const config: NodeConfig = {
    org: orgs[0]!.id,
    keyFile: `keys/${orgs[0]!.id}.json`,
    host,
    port,
    ordering,
    ...(Object.keys(moduleOptions).length === 0 ? {} : { modules: moduleOptions }),
  };
  writeJson(p.genesis, genesis);
  writeJson(p.config, config);
  return { genesis, config };
}

/**
 * Checks the organizations' own keys as {@link initDataDir} does (before it writes anything): each
 * an Ed25519 Multikey, none given twice, none for the first organization.
 * @throws ERR_CLI_USAGE
 */
export function checkInitOrgs(orgs: readonly InitOrg[]): void {
  const owner = new Map<string, string>();
  orgs.forEach((o, i) => {
    if (o.multikey === undefined) return;
    if (i === 0)
      throw new AppError(
        'ERR_CLI_USAGE',
        `organization "${o.id}" is this node: its key is created here (the node signs with it); only the other organizations bring their own`,
      );
    try {
      decodeMultikey(o.multikey);
    } catch (err) {
      throw new AppError(
        'ERR_CLI_USAGE',
        `the key given for organization "${o.id}" is not an Ed25519 Multikey (z6Mk…): ${(err as Error).message}`,
        { cause: err },
      );
    }
    const other = owner.get(o.multikey);
    if (other !== undefined)
      throw new AppError(
        'ERR_CLI_USAGE',
        `organizations "${other}" and "${o.id}" were given the same key; each organization has its own`,
      );
    owner.set(o.multikey, o.id);
  });
}

/** A module's part of `node init`: its namespace, what it was asked, and its `initData`. */
interface ModuleInit {
  readonly ns: string;
  readonly request: JsonValue;
  readonly initData: NonNullable<NonNullable<LedgerModule['node']>['initData']>;
}

/**
 * The modules asked for in `moduleInit`, with their `initData`.
 * @throws ERR_CLI_USAGE for a request to a module that is not there or takes no part in init
 */
function moduleInits(
  modules: readonly LedgerModule[],
  requests: Readonly<Record<string, JsonValue>>,
): ModuleInit[] {
  return Object.entries(requests).map(([ns, request]) => {
    const node = modules.find((m) => m.namespace === ns)?.node;
    if (node?.initData === undefined)
      throw new AppError('ERR_CLI_USAGE', `no module "${ns}" that prepares a data folder`);
    return { ns, request, initData: node.initData.bind(node) };
  });
}

/**
 * Lets each module in `inits` prepare its part of the folder (see `ModuleNode.initData`); merges
 * their genesis fragments into `sections`; returns their options.
 */
function initModules(
  dir: string,
  options: InitOptions,
  inits: readonly ModuleInit[],
  org: { readonly id: string; readonly name: string },
  sections: Record<string, JsonValue>,
): Record<string, JsonValue> {
  const result: Record<string, JsonValue> = {};
  for (const { ns, request, initData } of inits) {
    const vaults: FileVault[] = [];
    try {
      const out = initData({
        request,
        org: { id: org.id, name: org.name },
        keyFile: (name) => {
          if (!/^[a-z][a-z0-9-]{0,31}$/.test(name))
            throw new RangeError(`bad key file name ${name}`);
          const path = join(dataPaths(dir).keys, `${name}.json`);
          if (existsSync(path)) throw new AppError('ERR_CLI_DATA_DIR', `${path} already exists`);
          return createKeyFile(path, options.keyPassphrases?.[name] ?? options.passphrase, name);
        },
        vault: (name) => {
          const v = new FileVault(moduleVaultPath(dir, ns, name), options.passphrase);
          vaults.push(v);
          return v;
        },
      });
      for (const [target, fragment] of Object.entries(out.genesis ?? {}))
        sections[target] = mergeGenesis(sections[target], fragment);
      if (out.options !== undefined) result[ns] = out.options;
    } finally {
      for (const v of vaults) v.close();
    }
  }
  return result;
}

/** Merges a genesis fragment into a section: objects key by key, arrays appended, else the fragment. */
export function mergeGenesis(base: JsonValue | undefined, fragment: JsonValue): JsonValue {
  if (Array.isArray(base) && Array.isArray(fragment)) return [...base, ...fragment];
  if (isObject(base) && isObject(fragment)) {
    const out: Record<string, JsonValue> = { ...base };
    for (const [k, v] of Object.entries(fragment)) out[k] = mergeGenesis(base[k], v);
    return out;
  }
  return fragment;
}

function isObject(v: JsonValue | undefined): v is { [k: string]: JsonValue } {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Where a module's vault lives in a data folder. */
export function moduleVaultPath(dir: string, namespace: string, name: string): string {
  return join(dir, 'modules', namespace, `${name}.vault`);
}

/**
 * Reads an initialized data folder (node.json checked against its schema) and unlocks the node key.
 * @throws ERR_CLI_DATA_DIR, ERR_CRYPTO_WRONG_PASSPHRASE
 */
export function loadDataDir(
  dir: string,
  passphrase: string,
): { config: NodeConfig; genesis: GenesisDoc; signer: NodeSigner } {
  const p = dataPaths(dir);
  assertInitialized(dir);
  const config = readNodeConfig(p.config);
  const genesis = JSON.parse(readFileSync(p.genesis, 'utf8')) as GenesisDoc;
  const { multikey, keyPair } = loadKeyFile(join(dir, config.keyFile), passphrase);
  return { config, genesis, signer: { org: config.org, multikey, keyPair } };
}
