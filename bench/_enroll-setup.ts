/**
 * Fixtures of bench:enroll: an identity authority's node on a real data folder (made by
 * `initDataDir` with `moduleInit.idn`, opened as `startNode` opens it, without the port),
 * synthetic people with valid resident ID numbers, master DIDs created on a ledger before any
 * timing, and a second ledger whose authority key the bench holds, to time the ledger's part of
 * an enrollment on its own.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import {
  encodeMultikey,
  generateEd25519,
  sha256,
  utf8,
  type Ed25519KeyPair,
} from '../src/crypto/index.ts';
import { REAL_NAME_VCT } from '../src/credentials/index.ts';
import {
  authFragment,
  deriveMasterKey,
  planCreate,
  rdidFor,
  recoveryCommitmentOf,
  type DocumentSpec,
} from '../src/did/index.ts';
import { checkDigitOf, type PersonInput } from '../src/identity/index.ts';
import { signTx, type GenesisDoc, type SignedTxJson } from '../src/ledger/index.ts';
import {
  buildApp,
  dataPaths,
  initDataDir,
  loadDataDir,
  loadKeyFile,
  openLedgerNode,
  type LedgerNode,
} from '../src/node/index.ts';

export const PASSPHRASE = 'bench enroll passphrase';
/** The authority's public URL (status list URIs in the credentials point there). */
export const IA_URL = 'http://ia.bench';

/** A key that signs requests: its DID URL and key pair. */
export interface RequestKey {
  readonly kid: string;
  readonly keyPair: Ed25519KeyPair;
}

export interface BenchAuthority {
  readonly node: LedgerNode;
  readonly app: FastifyInstance;
  readonly authority: string;
  readonly operator: RequestKey;
  readonly ordering: { readonly maxBlockTxs: number; readonly blockIntervalMs: number };
  close(): Promise<void>;
}

/** Initializes `dir` as an identity authority's data folder and opens its node and API. */
export async function openBenchAuthority(dir: string): Promise<BenchAuthority> {
  initDataDir(dir, {
    passphrase: PASSPHRASE,
    orgs: [{ id: 'org1', name: 'Bench Authority Org' }],
    quorum: 1,
    time: Date.now() - 3_600_000,
    moduleInit: { idn: { authority: { name: 'Bench Identity Authority' } } },
  });
  const { config, genesis, signer } = loadDataDir(dir, PASSPHRASE);
  const idn = config.modules!.idn as { authority: string };
  if (config.ordering.type !== 'solo') throw new TypeError('node init wrote a solo ordering');
  const ordering = {
    maxBlockTxs: config.ordering.maxBlockTxs,
    blockIntervalMs: config.ordering.blockIntervalMs,
  };
  const node = openLedgerNode({
    path: dataPaths(dir).ledger,
    genesis,
    signer,
    ordering,
    moduleOptions: { ...config.modules, idn: { ...idn, publicUrl: IA_URL } },
    moduleData: { dir, passphrase: PASSPHRASE },
  });
  await node.ready;
  const app = await buildApp(node, { logger: false });
  const { keyPair } = loadKeyFile(join(dataPaths(dir).keys, 'ia-operator.json'), PASSPHRASE);
  return {
    node,
    app,
    authority: idn.authority,
    operator: { kid: `${idn.authority}#operator`, keyPair },
    ordering,
    async close() {
      await app.close();
      await node.close();
    },
  };
}

/** POSTs a JSON body to the authority's API through `app.inject`; the answer's body, or throws. */
export async function post(ia: BenchAuthority, url: string, payload: object): Promise<string> {
  const res = await ia.app.inject({ method: 'POST', url, payload });
  if (res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode} ${res.body}`);
  return res.body;
}

/** A person's wallet: its master DID and the key that signs for it. */
export interface Wallet {
  readonly did: string;
  readonly master: RequestKey;
}

/** `count` wallets (deterministic seeds from `label`) and their did.create transactions. */
function planWallets(label: string, count: number): { wallets: Wallet[]; txs: SignedTxJson[] } {
  const wallets: Wallet[] = [];
  const txs: SignedTxJson[] = [];
  const created = Date.now();
  for (let i = 0; i < count; i++) {
    const seed = sha256(utf8(`bench enroll wallet ${label} ${i}`));
    const plan = planCreate(seed);
    txs.push(
      signTx(
        { kind: plan.kind, body: plan.body, signer: plan.signer, nonce: 1, created },
        plan.keyPair,
      ),
    );
    wallets.push({
      did: plan.did,
      master: {
        kid: `${plan.did}#${authFragment(0)}`,
        keyPair: deriveMasterKey(seed, 'auth', 0).keyPair,
      },
    });
  }
  return { wallets, txs };
}

/** Submits transactions in batches, a few batches in flight; throws on the first rejection. */
export async function submitAll(node: LedgerNode, txs: readonly SignedTxJson[]): Promise<void> {
  const BATCH = 500;
  const batches = Array.from({ length: Math.ceil(txs.length / BATCH) }, (_, i) =>
    txs.slice(i * BATCH, (i + 1) * BATCH),
  );
  const out = await Promise.all(batches.map((b) => node.submit(b)));
  const bad = out.flat().find((o) => !o.ok);
  if (bad !== undefined && !bad.ok)
    throw new Error(`rejected: ${bad.error.code} ${bad.error.message}`);
}

/** Creates `count` master DIDs on the node's ledger (before any timing). */
export async function createWallets(
  node: LedgerNode,
  label: string,
  count: number,
): Promise<Wallet[]> {
  const { wallets, txs } = planWallets(label, count);
  await submitAll(node, txs);
  return wallets;
}

/** Valid GB/T 2260 county-level codes (Beijing, Shenzhen, Chengdu, Shanghai). */
const DIVISIONS = ['110105', '440305', '510104', '310101'] as const;
const FAMILY_NAMES = ['王', '李', '张', '刘', '陈', '欧阳', 'Nguyen', 'Smith'] as const;
const DAY_MS = 86_400_000;
const FIRST_BIRTH = Date.UTC(1950, 0, 1);
const BIRTH_DAYS = 20_000;

/** The `i`-th synthetic person (no real person): a unique, valid resident ID number. */
export function personOf(i: number): PersonInput {
  const division = DIVISIONS[i % DIVISIONS.length]!;
  const rest = Math.floor(i / DIVISIONS.length);
  const birthdate = new Date(FIRST_BIRTH + (rest % BIRTH_DAYS) * DAY_MS).toISOString().slice(0, 10);
  const seq = String(Math.floor(rest / BIRTH_DAYS) % 1000).padStart(3, '0');
  const first17 = `${division}${birthdate.replaceAll('-', '')}${seq}`;
  return {
    familyName: FAMILY_NAMES[i % FAMILY_NAMES.length]!,
    givenName: `样例${i.toString(36)}`,
    idNumber: first17 + checkDigitOf(first17),
    birthdate,
    nationality: i % 7 === 0 ? 'HK' : 'CN',
  };
}

/** A ledger node on its own SQLite file whose identity authority's issuer key the bench holds. */
export interface StageLedger {
  readonly node: LedgerNode;
  readonly kid: string;
  readonly issuer: Ed25519KeyPair;
  /** The authority's last transaction nonce. */
  nonce: number;
  close(): Promise<void>;
}

/**
 * Opens a second ledger (default modules, the authority node's ordering) whose genesis accredits
 * an authority the bench made, so that its idn.enroll transactions can be timed alone.
 */
export function openStageLedger(dir: string, ordering: BenchAuthority['ordering']): StageLedger {
  mkdirSync(dir, { recursive: true });
  const org = generateEd25519().keyPair;
  const issuer = generateEd25519().keyPair;
  const recovery = generateEd25519().keyPair;
  const document: DocumentSpec = {
    verificationMethod: [
      { id: 'issuer', type: 'Multikey', publicKeyMultibase: encodeMultikey(issuer.publicKey) },
    ],
    authentication: ['issuer'],
    assertionMethod: ['issuer'],
    capabilityInvocation: ['issuer'],
  };
  const recoveryCommitment = recoveryCommitmentOf(encodeMultikey(recovery.publicKey));
  const did = rdidFor(document, recoveryCommitment);
  const genesis: GenesisDoc = {
    chainId: 'realdid-bench-enroll-stage',
    time: Date.now() - 3_600_000,
    modules: {
      gov: {
        orgs: [{ id: 'org1', name: 'Stage Org', keys: [encodeMultikey(org.publicKey)] }],
        quorum: 1,
        roles: [
          {
            role: 'identity-authority',
            subject: did,
            name: 'Stage Authority',
            scope: { vct: [REAL_NAME_VCT] },
          },
        ],
      },
      did: { documents: [{ did, document, recoveryCommitment }] },
    },
  };
  const node = openLedgerNode({
    path: join(dir, 'stage-ledger.sqlite'),
    genesis,
    signer: { org: 'org1', multikey: encodeMultikey(org.publicKey), keyPair: org },
    ordering,
  });
  return { node, kid: `${did}#issuer`, issuer, nonce: 0, close: () => node.close() };
}
