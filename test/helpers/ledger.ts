/**
 * Shared test fixtures for the ledger, governance and node layers: org keys generated in memory,
 * a genesis naming them, an in-memory (or file) {@link LedgerNode} with an injected clock, and a
 * signer that tracks nonces per org. No key files, no scrypt, no network.
 *
 * @example
 * const l = openTestLedger({ orgs: 3, quorum: 2 });
 * const p = await l.submitOk(0, 'gov.propose', { change: { type: 'set-param', name: 'x', value: 1 } });
 * await l.submitOk(1, 'gov.approve', { proposal: p.id });
 * await l.close();
 */
import assert from 'node:assert/strict';
import {
  encodeMultikey,
  generateEd25519,
  type Ed25519KeyPair,
  type JsonValue,
} from '../../src/crypto/index.ts';
import type { ErrorCode } from '../../src/errors.ts';
import {
  lastNonce,
  signTx,
  type GenesisDoc,
  type LedgerModule,
  type NodeSigner,
  type SignedTxJson,
  type SubmitOutcome,
} from '../../src/ledger/index.ts';
import {
  defaultModules,
  ErrorRegistry,
  openLedgerNode,
  type LedgerNode,
  type ModuleDataOptions,
} from '../../src/node/index.ts';

/** A fixed, round start time for genesis and clocks: 2026-01-01T00:00:00Z. */
export const T0 = Date.UTC(2026, 0, 1);

/** A consortium organization with one in-memory Ed25519 key. */
export interface TestOrg {
  readonly id: string;
  readonly name: string;
  readonly multikey: string;
  readonly keyPair: Ed25519KeyPair;
  /** `did:key:<multikey>` */
  readonly did: string;
  /** `did:key:<multikey>#<multikey>`: the signer DID URL of governance transactions. */
  readonly signer: string;
  /** The same key as a node's checkpoint signer. */
  readonly nodeSigner: NodeSigner;
}

/** A fresh organization (random key). */
export function makeOrg(id: string, name = `Test Org ${id}`): TestOrg {
  const { keyPair } = generateEd25519();
  const multikey = encodeMultikey(keyPair.publicKey);
  return {
    id,
    name,
    multikey,
    keyPair,
    did: `did:key:${multikey}`,
    signer: `did:key:${multikey}#${multikey}`,
    nodeSigner: { org: id, multikey, keyPair },
  };
}

/** `n` fresh organizations `org1`…`orgN`. */
export function makeOrgs(n: number, prefix = 'org'): TestOrg[] {
  return Array.from({ length: n }, (_, i) => makeOrg(`${prefix}${i + 1}`));
}

export interface GenesisOptions {
  readonly chainId?: string;
  readonly time?: number;
  /** Default: a simple majority. */
  readonly quorum?: number;
  readonly params?: Readonly<Record<string, number | string | boolean>>;
  readonly roles?: readonly JsonValue[];
}

/** The org entry of a genesis `gov` section. */
export function orgEntry(org: TestOrg): { id: string; name: string; keys: string[] } {
  return { id: org.id, name: org.name, keys: [org.multikey] };
}

/** A genesis document whose `gov` section names `orgs` (one key each) and the quorum. */
export function makeGenesis(orgs: readonly TestOrg[], options: GenesisOptions = {}): GenesisDoc {
  const gov: { [k: string]: JsonValue } = {
    orgs: orgs.map(orgEntry),
    quorum: options.quorum ?? Math.floor(orgs.length / 2) + 1,
  };
  if (options.params !== undefined) gov.params = { ...options.params };
  if (options.roles !== undefined) gov.roles = [...options.roles];
  return { chainId: options.chainId ?? 'realdid-test', time: options.time ?? T0, modules: { gov } };
}

/** A clock tests move by hand. Pass `clock.read` to the orderer. */
export class ManualClock {
  now: number;

  constructor(start = T0) {
    this.now = start;
  }

  readonly read = (): number => this.now;

  advance(ms: number): number {
    this.now += ms;
    return this.now;
  }
}

/** Optional overrides of what {@link TestLedger.sign} puts in a transaction. */
export interface SignOverrides {
  readonly nonce?: number;
  readonly created?: number;
  readonly signer?: string;
  /** Sign with this key instead of the org's (e.g. to forge a signature). */
  readonly keyPair?: Ed25519KeyPair;
}

export interface TestLedgerOptions {
  /** Number of orgs to generate (default 3), or the orgs to use. */
  readonly orgs?: number | readonly TestOrg[];
  readonly genesis?: GenesisOptions;
  /** SQLite path (default `:memory:`). */
  readonly path?: string;
  /** Index of the org whose key signs checkpoints (default 0); null for an unsigned node. */
  readonly nodeOrg?: number | null;
  /** Checkpoint signer of the node, overriding `nodeOrg` (e.g. an org added later). */
  readonly signer?: NodeSigner;
  readonly clock?: ManualClock;
  /** Default 1: every accepted transaction commits its own block at once. */
  readonly maxBlockTxs?: number;
  readonly blockIntervalMs?: number;
  /** Default 0 (verify inline). */
  readonly signatureThreads?: number;
  /** Budget of the node's pre-rendered DID resolutions, MiB (default: the node's). */
  readonly didViewCacheMb?: number;
  /** The modules to run (default: the node's). */
  readonly modules?: readonly LedgerModule[];
  /** Let the node seal blocks for deadlines by the wall clock (default false: tests call `orderer.tick()`). */
  readonly deadlineTimer?: boolean;
  /** Where module vaults live (default: in memory). */
  readonly moduleData?: ModuleDataOptions;
}

/** A ledger node with its orgs, genesis and clock, plus signing helpers. */
export interface TestLedger {
  readonly node: LedgerNode;
  readonly orgs: readonly TestOrg[];
  readonly genesis: GenesisDoc;
  readonly clock: ManualClock;
  /** Signs a transaction for an org (by index or value) with its next nonce and `clock.now`. */
  sign(
    org: number | TestOrg,
    kind: string,
    body: { [key: string]: JsonValue },
    overrides?: SignOverrides,
  ): SignedTxJson;
  /** Signs and submits one transaction; answers its outcome. */
  submit(
    org: number | TestOrg,
    kind: string,
    body: { [key: string]: JsonValue },
    overrides?: SignOverrides,
  ): Promise<SubmitOutcome>;
  /** Like {@link submit} but asserts the transaction committed. */
  submitOk(
    org: number | TestOrg,
    kind: string,
    body: { [key: string]: JsonValue },
    overrides?: SignOverrides,
  ): Promise<{ id: string; height: number; logIndex: number }>;
  close(): Promise<void>;
}

/**
 * Tracks the last nonce used per signer DID, so each signed tx uses a fresh one: one more than
 * both the last one handed out and `floor` (e.g. the ledger's last nonce of that signer).
 */
export class NonceCounter {
  readonly #last = new Map<string, number>();

  next(did: string, floor = 0): number {
    const n = Math.max(this.#last.get(did) ?? 0, floor) + 1;
    this.#last.set(did, n);
    return n;
  }
}

/** Signs `kind`/`body` as `org` (no state: the caller picks nonce and time). */
export function signAs(
  org: TestOrg,
  kind: string,
  body: { [key: string]: JsonValue },
  nonce: number,
  created: number,
  overrides: SignOverrides = {},
): SignedTxJson {
  return signTx(
    { kind, body, signer: overrides.signer ?? org.signer, nonce, created },
    overrides.keyPair ?? org.keyPair,
  );
}

/** Opens an in-memory (by default) ledger node over a fresh genesis. Close it when done. */
export function openTestLedger(options: TestLedgerOptions = {}): TestLedger {
  const orgs = typeof options.orgs === 'object' ? options.orgs : makeOrgs(options.orgs ?? 3);
  const clock = options.clock ?? new ManualClock(options.genesis?.time ?? T0);
  const genesis = makeGenesis(orgs, options.genesis);
  const nodeOrg = options.nodeOrg === undefined ? 0 : options.nodeOrg;
  const signer = options.signer ?? (nodeOrg === null ? undefined : orgs[nodeOrg]!.nodeSigner);
  const node = openLedgerNode({
    path: options.path ?? ':memory:',
    genesis,
    ...(signer === undefined ? {} : { signer }),
    ordering: {
      clock: clock.read,
      maxBlockTxs: options.maxBlockTxs ?? 1,
      blockIntervalMs: options.blockIntervalMs ?? 5,
      deadlineTimer: options.deadlineTimer ?? false,
    },
    signatureThreads: options.signatureThreads ?? 0,
    ...(options.didViewCacheMb === undefined
      ? {}
      : { moduleOptions: { did: { viewCacheMb: options.didViewCacheMb } } }),
    ...(options.modules === undefined ? {} : { modules: options.modules }),
    ...(options.moduleData === undefined ? {} : { moduleData: options.moduleData }),
  });
  const nonces = new NonceCounter();
  const pick = (org: number | TestOrg): TestOrg => (typeof org === 'number' ? orgs[org]! : org);
  const sign: TestLedger['sign'] = (org, kind, body, overrides = {}) => {
    const o = pick(org);
    const did = (overrides.signer ?? o.signer).split('#')[0]!;
    return signAs(
      o,
      kind,
      body,
      overrides.nonce ?? nonces.next(did, lastNonce(node.pendingState, did)),
      overrides.created ?? clock.now,
      overrides,
    );
  };
  const submit: TestLedger['submit'] = async (org, kind, body, overrides) =>
    (await node.submit([sign(org, kind, body, overrides)]))[0]!;
  return {
    node,
    orgs,
    genesis,
    clock,
    sign,
    submit,
    async submitOk(org, kind, body, overrides) {
      const out = await submit(org, kind, body, overrides);
      if (!out.ok)
        assert.fail(
          `${kind} by ${pick(org).id} was rejected: ${out.error.code} ${out.error.message}`,
        );
      return { id: out.id, height: out.height, logIndex: out.logIndex };
    },
    close: () => node.close(),
  };
}

/** The default node's composed error registry (codes → HTTP statuses). */
export const TEST_ERRORS = new ErrorRegistry(defaultModules());

/** Asserts an outcome is a rejection with `code` (and, if given, the registry's HTTP status). */
export function assertRejected(out: SubmitOutcome, code: ErrorCode, status?: number): void {
  if (out.ok)
    assert.fail(`expected ${code}, but transaction ${out.id} committed at height ${out.height}`);
  assert.equal(out.error.code, code, out.error.message);
  if (status !== undefined) assert.equal(TEST_ERRORS.status(out.error.code), status);
}

/** Everything observable about a committed ledger: head, log size, full state table, tx count. */
export interface LedgerSnapshot {
  readonly height: number;
  readonly hash: string;
  readonly logSize: number;
  readonly txCount: number;
  readonly state: readonly (readonly [string, string])[];
}

/** A snapshot of the committed ledger, to compare before and after. */
export function snapshotLedger(node: LedgerNode): LedgerSnapshot {
  const { chain } = node;
  return {
    height: chain.head.height,
    hash: chain.head.hash,
    logSize: chain.log.size,
    txCount: chain.store.txCount(),
    state: [...chain.store.stateEntries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
  };
}
