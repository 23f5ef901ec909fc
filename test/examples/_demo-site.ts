/**
 * The demo site's test world, all over real HTTP on 127.0.0.1: a node (started in this process
 * from a real data folder made by `initDataDir` with the demo site registered on the test's own
 * port), the demo site listening on that port, and enrolled people with their wallets' copies for
 * the site. A browser and child processes (the CLI wallet) can reach both.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import {
  authFragment,
  deriveMasterKey,
  newMnemonic,
  planCreate,
  seedOfMnemonic,
} from '../../src/did/index.ts';
import { initDataDir, loadKeyFile, startNode, type RunningNode } from '../../src/node/index.ts';
import {
  proveMasterDid,
  RealdidClient,
  type Holder,
  type PersonDetails,
  type RequestKey,
  type SiteSigner,
} from '../../src/sdk/index.ts';
import { createDemoSite, type DemoSiteOptions } from '../../examples/demo-site/server.ts';
import { loadDemoSiteSigner } from '../../examples/demo-site/site-key.ts';
import { runRealdid } from '../helpers/cli.ts';
import { enroll, newWallet, PEOPLE, type IaNode, type TestWallet } from '../identity/_helpers.ts';

export const PASSPHRASE = 'demo site test passphrase';

/** A free TCP port on 127.0.0.1 (asked of the OS, then released for the caller to listen on). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address !== null
          ? resolve(address.port)
          : reject(new Error('no port')),
      );
    });
  });
}

/** A person of the world: their wallet (master DID on the ledger) and their copy for the site. */
export interface DemoPerson {
  readonly wallet: TestWallet;
  readonly holder: Holder;
}

export interface DemoWorld {
  readonly dir: string;
  readonly node: RunningNode;
  /** The site's base URL, `http://127.0.0.1:<port>` (its primary registered origin). */
  readonly siteUrl: string;
  readonly site: FastifyInstance;
  readonly signer: SiteSigner;
  readonly authority: string;
  readonly operator: RequestKey;
  /** A fresh SDK client of the node over real HTTP. */
  client(): RealdidClient;
  /** Enrolls `details` with a wallet of `label` and obtains its copy for the site. */
  person(label: string, details: PersonDetails): Promise<DemoPerson>;
  close(): Promise<void>;
}

/**
 * Opens the world; `site` adds options of the demo site (e.g. a verifier clock), `world.extraOrigins`
 * registers more origins for the site (after its own two), e.g. of a test server that serves
 * hand-made request objects signed with the site's key.
 */
export async function openDemoWorld(
  site: Partial<Omit<DemoSiteOptions, 'client' | 'site' | 'baseUrl'>> = {},
  world: { readonly extraOrigins?: readonly string[] } = {},
): Promise<DemoWorld> {
  const dir = mkdtempSync(join(tmpdir(), 'realdid-demo-site-'));
  const port = await freePort();
  const siteUrl = `http://127.0.0.1:${port}`;
  initDataDir(dir, {
    passphrase: PASSPHRASE,
    orgs: [{ id: 'org1', name: 'Demo Site Test Org' }],
    quorum: 1,
    time: Date.now() - 3_600_000, // the authority is accredited since an hour ago
    moduleInit: {
      idn: {
        authority: { name: 'Demo Site Test Authority' },
        demoSite: { origins: [siteUrl, `http://localhost:${port}`, ...(world.extraOrigins ?? [])] },
      },
    },
  });
  const node = await startNode({ dataDir: dir, passphrase: PASSPHRASE, port: 0 });
  const loaded = loadDemoSiteSigner(dir, PASSPHRASE);
  const client = () => new RealdidClient({ url: node.url, genesisHash: loaded.genesisHash });
  const app = createDemoSite({ ...site, client: client(), site: loaded.signer, baseUrl: siteUrl });
  await app.listen({ port, host: '127.0.0.1' });
  const config = JSON.parse(readFileSync(join(dir, 'node.json'), 'utf8')) as {
    modules: { idn: { authority: string } };
  };
  const authority = config.modules.idn.authority;
  const { keyPair } = loadKeyFile(join(dir, 'keys', 'ia-operator.json'), PASSPHRASE);
  const operator = { kid: `${authority}#operator`, keyPair };
  const admin = client();
  return {
    dir,
    node,
    siteUrl,
    site: app,
    signer: loaded.signer,
    authority,
    operator,
    client,
    async person(label, details) {
      const wallet = await newWallet(admin, label);
      await enroll({ client: admin, operator, authority } as IaNode, details, wallet);
      const pw = wallet.pairwise(siteUrl);
      const copy = await admin.identity.requestCopy(authority, wallet.master, pw.keyPair);
      return { wallet, holder: { credential: copy.credential, keyPair: pw.keyPair, did: pw.did } };
    },
    async close() {
      await app.close();
      await node.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A cookie jar of one browser: remembers `Set-Cookie` answers, sends them back. */
export class CookieJar {
  readonly #cookies = new Map<string, string>();

  /** Remembers the cookies of a response (Max-Age=0 deletes). */
  take(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq);
      if (/max-age=0/i.test(line)) this.#cookies.delete(name);
      else this.#cookies.set(name, pair!.slice(eq + 1));
    }
  }

  get header(): string {
    return [...this.#cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  get(name: string): string | undefined {
    return this.#cookies.get(name);
  }
}

/** A person of the world with a CLI wallet: their mnemonic, seed, master DID and CLI environment. */
export interface CliPerson {
  readonly mnemonic: string;
  readonly seed: Uint8Array;
  readonly did: string;
  readonly home: string;
  /** The environment of `realdid` runs as this person (REALDID_HOME, _WALLET, _PASSPHRASE, _URL). */
  readonly env: NodeJS.ProcessEnv;
  readonly walletFile: string;
}

/**
 * The person `PEOPLE[0]`: a mnemonic whose master DID is created and enrolled through the
 * authority's front-office API, then restored into a CLI wallet (under `passphrase`) in `<dir>/person`.
 */
export async function enrollCliPerson(demo: DemoWorld, passphrase: string): Promise<CliPerson> {
  const mnemonic = newMnemonic(12);
  const seed = seedOfMnemonic(mnemonic);
  const plan = planCreate(seed);
  const client = demo.client();
  await client.signAndSubmit(plan.keyPair, plan.signer, plan.kind, plan.body);
  const master = {
    kid: `${plan.did}#${authFragment(0)}`,
    keyPair: deriveMasterKey(seed, 'auth', 0).keyPair,
  };
  const { challenge } = await client.identity.challenge(demo.operator, demo.authority);
  const proof = proveMasterDid(demo.authority, challenge, master);
  await client.identity.enroll(demo.operator, demo.authority, {
    person: PEOPLE[0]!,
    did: plan.did,
    proof,
  });
  const home = join(demo.dir, 'person');
  mkdirSync(home, { mode: 0o700 });
  writeFileSync(join(home, 'mnemonic.txt'), mnemonic, { mode: 0o600 });
  const env = {
    ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('REALDID_'))),
    REALDID_HOME: home,
    REALDID_WALLET: join(home, 'wallet.json'),
    REALDID_PASSPHRASE: passphrase,
    REALDID_URL: demo.node.url,
  };
  const r = await runRealdid(
    ['wallet', 'restore', '--mnemonic-file', join(home, 'mnemonic.txt'), '--json'],
    { env, timeoutMs: 60_000 },
  );
  assert.equal(r.code, 0, r.stderr);
  return { mnemonic, seed, did: plan.did, home, env, walletFile: join(home, 'wallet.json') };
}
