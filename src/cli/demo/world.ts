/**
 * The world `realdid demo` plays in: a fresh demo consortium in a temporary data folder (three
 * organizations, org1 the identity authority; the demo site and the demo shop registered as
 * relying parties; a court and two custodians for lawful requests), its node serving HTTP on a
 * free 127.0.0.1 port, and the two sites' verifiers running in this process behind a `fetch`
 * that routes their origins to them (so no site port is taken). Wallets are real wallet files in
 * the folder, with their sealed credential stores and activity logs.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REQUEST_OBJECT_MEDIA_TYPE } from '../../credentials/index.ts';
import { newMnemonic, planCreate } from '../../did/index.ts';
import { isAppError } from '../../errors.ts';
import type { RoleGrantInput } from '../../governance/index.ts';
import {
  DEMO_ACTOR_KEY_ID,
  DEMO_COURT_KEY_FILE,
  DEMO_CUSTODIAN_KEY_FILES,
  DEMO_SHOP_KEY_FILE,
  DEMO_SITE_KEY_FILE,
  DEMO_SITE_KEY_ID,
} from '../../identity/index.ts';
import {
  DEMO_PASSPHRASE,
  defaultModules,
  ErrorRegistry,
  initDataDir,
  loadKeyFile,
  startNode,
  type RunningNode,
} from '../../node/index.ts';
import {
  LoginVerifier,
  RealdidClient,
  trustFromGenesis,
  type RequestKey,
} from '../../sdk/index.ts';
import { createWallet, openWallet, saveWalletState, type UnlockedWallet } from '../wallet-file.ts';

/** A registered actor's signing key: its DID, DID URL and key pair. */
export interface ActorKey extends RequestKey {
  readonly did: string;
}

/** A demo site running in this process. */
export interface DemoSite {
  readonly name: string;
  readonly origin: string;
  readonly key: ActorKey;
  readonly verifier: LoginVerifier;
}

export interface DemoWorld {
  readonly dir: string;
  readonly node: RunningNode;
  /** A client of the node whose fetch also reaches the in-process sites. */
  client(): RealdidClient;
  readonly operator: RequestKey;
  readonly authority: string;
  readonly sites: { readonly forum: DemoSite; readonly shop: DemoSite };
  readonly court: ActorKey;
  readonly custodians: readonly ActorKey[];
  /** A new wallet file in the folder, its master DID created on the ledger. */
  newWallet(label: string): Promise<UnlockedWallet>;
  close(): Promise<void>;
}

/** The lifetime of the authority's status list tokens in the demo, in seconds. */
export const STATUS_TTL_SEC = 10;

/** The passphrase of the demo's throwaway wallets (in the demo's own folder). */
const WALLET_PASSPHRASE = 'realdid demo wallet';

/** Answers a site's two OpenID4VP endpoints from its verifier; errors as `{code, message}`. */
async function siteAnswer(
  verifier: LoginVerifier,
  errors: ErrorRegistry,
  url: URL,
  init: RequestInit | undefined,
): Promise<Response> {
  const id = url.pathname.split('/').at(-1) ?? '';
  try {
    if ((init?.method ?? 'GET') === 'GET' && url.pathname.startsWith('/oid4vp/request/'))
      return new Response(verifier.requestObject(id), {
        headers: { 'content-type': REQUEST_OBJECT_MEDIA_TYPE },
      });
    if (init?.method === 'POST' && url.pathname.startsWith('/oid4vp/response/')) {
      const form = Object.fromEntries(
        new URLSearchParams(typeof init.body === 'string' ? init.body : ''),
      );
      return Response.json(await verifier.respond(id, form));
    }
    return Response.json({ code: 'ERR_API_NOT_FOUND', message: url.pathname }, { status: 404 });
  } catch (err) {
    if (!isAppError(err)) throw err;
    return Response.json(
      { code: err.code, message: err.message },
      { status: errors.status(err.code) },
    );
  }
}

/** Opens the world. Closing stops the node and deletes the folder (unless it was given). */
export async function openDemoWorld(o: { readonly dir?: string } = {}): Promise<DemoWorld> {
  const dir = o.dir ?? mkdtempSync(join(tmpdir(), 'realdid-demo-'));
  const { genesis, config } = initDataDir(dir, {
    passphrase: DEMO_PASSPHRASE,
    port: 0,
    moduleInit: { idn: { authority: {}, demoSite: {}, demoActors: {} }, credit: { demo: {} } },
  });
  // Sites cache the authority's status list for as long as its token says: 10 s here (5 min by
  // default), so the story can show a revocation reaching a site without a long wait.
  const node = await startNode({
    dataDir: dir,
    passphrase: DEMO_PASSPHRASE,
    port: 0,
    moduleOptions: {
      idn: { ...(config.modules?.idn as object), statusTokenTtlSec: STATUS_TTL_SEC },
    },
  });
  const key = (file: string, did: string, fragment: string): ActorKey => ({
    did,
    kid: `${did}#${fragment}`,
    keyPair: loadKeyFile(join(dir, 'keys', `${file}.json`), DEMO_PASSPHRASE).keyPair,
  });
  const roles = (genesis.modules.gov as unknown as { roles: RoleGrantInput[] }).roles;
  const holders = (role: RoleGrantInput['role']) => roles.filter((r) => r.role === role);
  const authority = holders('identity-authority')[0]!.subject;

  const errors = new ErrorRegistry(defaultModules());
  const routes = new Map<string, (url: URL, init?: RequestInit) => Promise<Response>>();
  const routed: typeof fetch = (input, init) => {
    const url = new URL(
      typeof input === 'string' ? input : input instanceof URL ? input.href : input.url,
    );
    const site = routes.get(url.origin);
    return site === undefined ? fetch(input, init) : site(url, init);
  };
  const trust = trustFromGenesis(genesis);
  const client = () => new RealdidClient({ url: node.url, fetch: routed, trust });
  const [forumGrant, shopGrant] = holders('relying-party');
  const site = (file: string, grant: RoleGrantInput): DemoSite => {
    const k = key(file, grant.subject, DEMO_SITE_KEY_ID);
    const origin = grant.site!.origins[0]!;
    const verifier = new LoginVerifier({ client: client(), site: k, baseUrl: origin });
    routes.set(origin, (url, i) => siteAnswer(verifier, errors, url, i));
    return { name: grant.name, origin, key: k, verifier };
  };
  const custodianGrants = holders('lawful-custodian');
  return {
    dir,
    node,
    client,
    operator: {
      kid: `${authority}#operator`,
      keyPair: loadKeyFile(join(dir, 'keys', 'ia-operator.json'), DEMO_PASSPHRASE).keyPair,
    },
    authority,
    sites: {
      forum: site(DEMO_SITE_KEY_FILE, forumGrant!),
      shop: site(DEMO_SHOP_KEY_FILE, shopGrant!),
    },
    court: key(DEMO_COURT_KEY_FILE, holders('lawful-requester')[0]!.subject, DEMO_ACTOR_KEY_ID),
    custodians: DEMO_CUSTODIAN_KEY_FILES.map((f, i) =>
      key(f, custodianGrants[i]!.subject, DEMO_ACTOR_KEY_ID),
    ),
    async newWallet(label) {
      const path = join(dir, `wallet-${label}.json`);
      createWallet(path, newMnemonic(), WALLET_PASSPHRASE);
      const w = await openWallet(path, () => Promise.resolve(WALLET_PASSPHRASE));
      const plan = planCreate(w.seed, 0, 0);
      await client().signAndSubmit(plan.keyPair, plan.signer, plan.kind, plan.body);
      const file = saveWalletState(path, w.file, { did: plan.did });
      return { ...w, file };
    },
    async close() {
      await node.close();
      if (o.dir === undefined) rmSync(dir, { recursive: true, force: true });
    },
  };
}
