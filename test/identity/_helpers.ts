/**
 * Fixtures for the identity tests: a node that serves an identity authority (a real data folder
 * made by `initDataDir` with `moduleInit.idn`, so its vault file, operator key file and genesis are
 * the real ones), reached through the SDK over `app.inject()`; wallets with master DIDs on the
 * ledger; synthetic people with valid resident ID numbers.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { injectFetch } from '../helpers/inject-fetch.ts';

export { injectFetch };
import { sha256, utf8 } from '../../src/crypto/index.ts';
import { authFragment, deriveMasterKey, derivePairwise, planCreate } from '../../src/did/index.ts';
import { isAppError, type ErrorCode } from '../../src/errors.ts';
import { checkDigitOf } from '../../src/identity/index.ts';
import {
  buildApp,
  initDataDir,
  loadDataDir,
  loadKeyFile,
  openLedgerNode,
  type LedgerNode,
} from '../../src/node/index.ts';
import {
  proveMasterDid,
  RealdidClient,
  type BindingInfo,
  type PersonDetails,
  type RequestKey,
} from '../../src/sdk/index.ts';

export const PASSPHRASE = 'identity test passphrase';
/** The authority's public URL in tests: requests to it are routed to the app. */
export const IA_URL = 'http://ia.test';

export interface IaNode {
  readonly dir: string;
  readonly node: LedgerNode;
  readonly app: FastifyInstance;
  readonly client: RealdidClient;
  readonly operator: RequestKey;
  readonly authority: string;
  /** Log lines the node wrote (to check that no personal data is logged). */
  readonly logs: string[];
  /** Opens another SDK client on the same app (e.g. a site's). */
  newClient(): RealdidClient;
  close(): Promise<void>;
}

/**
 * A new data folder (in the system temp folder) of a one-org consortium whose org is an identity
 * authority accredited since an hour ago: what `openAuthorityNode` opens unless given one.
 */
export function initAuthorityDir(prefix = 'realdid-ia-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  initDataDir(dir, {
    passphrase: PASSPHRASE,
    orgs: [{ id: 'org1', name: 'Test Authority Org' }],
    quorum: 1,
    time: Date.now() - 3_600_000,
    moduleInit: { idn: { authority: { name: 'Test Identity Authority' } } },
  });
  return dir;
}

/** Asserts that `p` rejects with an AppError of `code`. */
export async function rejects(p: Promise<unknown>, code: ErrorCode): Promise<void> {
  await assert.rejects(p, (err: unknown) => {
    assert.ok(isAppError(err), `expected ${code}, got ${String(err)}`);
    assert.equal(err.code, code, err.message);
    return true;
  });
}

/** Opens a one-org consortium whose org is an identity authority, with its data folder. */
export async function openAuthorityNode(
  o: { readonly idn?: Record<string, number>; readonly dir?: string } = {},
): Promise<IaNode> {
  const dir = o.dir ?? initAuthorityDir();
  const { config, genesis, signer } = loadDataDir(dir, PASSPHRASE);
  const logs: string[] = [];
  const line = (level: string) => (obj: object, msg: string) =>
    logs.push(`${level} ${msg} ${JSON.stringify(obj)}`);
  const node = openLedgerNode({
    path: join(dir, 'ledger.sqlite'),
    genesis,
    signer,
    signatureThreads: 0,
    ordering: { maxBlockTxs: 500, blockIntervalMs: 2 },
    moduleOptions: { idn: { ...(config.modules!.idn as object), publicUrl: IA_URL, ...o.idn } },
    moduleData: { dir, passphrase: PASSPHRASE },
    log: { info: line('info'), warn: line('warn'), error: line('error') },
  });
  const app = await buildApp(node, { logger: false });
  const fetch = injectFetch(app);
  const newClient = () => new RealdidClient({ url: IA_URL, fetch });
  const client = newClient();
  const authority = (config.modules!.idn as { authority: string }).authority;
  const { keyPair } = loadKeyFile(join(dir, 'keys', 'ia-operator.json'), PASSPHRASE);
  return {
    dir,
    node,
    app,
    client,
    operator: { kid: `${authority}#operator`, keyPair },
    authority,
    logs,
    newClient,
    async close() {
      await app.close();
      await node.close();
      if (o.dir === undefined) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A person's wallet: a seed, its master DID (created on the ledger) and its pairwise keys. */
export interface TestWallet {
  readonly seed: Uint8Array;
  readonly did: string;
  readonly master: RequestKey;
  pairwise(origin: string): ReturnType<typeof derivePairwise>;
}

/** A wallet from a label (deterministic seed) whose master DID is created on the ledger. */
export async function newWallet(client: RealdidClient, label: string): Promise<TestWallet> {
  const seed = sha256(utf8(`identity test wallet ${label}`));
  const plan = planCreate(seed);
  await client.signAndSubmit(plan.keyPair, plan.signer, plan.kind, plan.body);
  return {
    seed,
    did: plan.did,
    master: {
      kid: `${plan.did}#${authFragment(0)}`,
      keyPair: deriveMasterKey(seed, 'auth', 0).keyPair,
    },
    pairwise: (origin) => derivePairwise(seed, origin),
  };
}

/** A synthetic, valid resident ID number: division code, birth date (YYYYMMDD) and sequence. */
export function idNumber(division: string, birth: string, seq: string): string {
  const first17 = `${division}${birth}${seq}`;
  return first17 + checkDigitOf(first17);
}

/** Synthetic people (no real person): unusual names so a byte scan cannot find them by chance. */
export const PEOPLE: readonly PersonDetails[] = [
  {
    familyName: '欧阳',
    givenName: '明轩测试',
    idNumber: idNumber('110105', '19900307', '123'),
    birthdate: '1990-03-07',
    nationality: 'CN',
  },
  {
    familyName: 'Zhangqwx',
    givenName: 'Weiyzk',
    idNumber: idNumber('440305', '20120229', '457'),
    birthdate: '2012-02-29',
    nationality: 'CN',
    region: 'CN-GD',
  },
  {
    familyName: '司马',
    givenName: '玥彤样例',
    idNumber: idNumber('510104', '19581111', '981'),
    birthdate: '1958-11-11',
    nationality: 'CN',
  },
  {
    familyName: 'Nguyenqpt',
    givenName: 'Lanvrj',
    idNumber: idNumber('310101', '20080601', '316'),
    birthdate: '2008-06-01',
    nationality: 'VN',
    region: 'CN-SH',
  },
];

/** The front office's whole enrollment: challenge, the person's proof, enroll. */
export async function enroll(
  ia: IaNode,
  person: PersonDetails,
  wallet: TestWallet,
): Promise<BindingInfo> {
  const { challenge } = await ia.client.identity.challenge(ia.operator, ia.authority);
  const proof = proveMasterDid(ia.authority, challenge, wallet.master);
  return ia.client.identity.enroll(ia.operator, ia.authority, { person, did: wallet.did, proof });
}
