/**
 * The world `realdid demo` plays in: a fresh demo consortium in a temporary data folder (three
 * organizations, org1 the identity authority; the demo site and the demo shop registered as
 * relying parties; a court and two custodians for lawful requests), its node serving HTTP on a
 * free 127.0.0.1 port, and the two sites' verifiers running in this process behind a `fetch`
 * that routes their origins to them (so no site port is taken). Wallets are real wallet files in
 * the folder, with their sealed credential stores and activity logs. The credit actors of the
 * demo consortium (a tax office, a market regulator, an enforcement court, a bank, a lender)
 * sign with their key files. The node's clock is the wall clock plus an offset the story moves
 * forward (a record's expiry date comes during the story), and disputes must be answered within
 * {@link DISPUTE_DEADLINE_MS} (a genesis parameter).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REQUEST_OBJECT_MEDIA_TYPE } from '../../credentials/index.ts';
import { DEMO_CREDIT_KEY_FILES } from '../../credit/index.ts';
import type { JsonValue } from '../../crypto/index.ts';
import { newMnemonic, planCreate } from '../../did/index.ts';
import { AppError, isAppError } from '../../errors.ts';
import type { RoleGrantInput } from '../../governance/index.ts';
import {
  DEMO_ACTOR_KEY_ID,
  DEMO_COURT_KEY_FILE,
  DEMO_CUSTODIAN_KEY_FILES,
  DEMO_SHOP_KEY_FILE,
  DEMO_SITE_KEY_FILE,
  DEMO_SITE_KEY_ID,
} from '../../identity/index.ts';
import { MAX_TX_AGE_MS, type GenesisDoc } from '../../ledger/index.ts';
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

/** The demo consortium's credit issuers and querier (src/credit/demo-init.ts). */
export type CreditActors = { readonly [K in keyof typeof DEMO_CREDIT_KEY_FILES]: ActorKey };

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
  readonly credit: CreditActors;
  /** The node's clock (block times come from it): the wall clock plus an offset that only grows. */
  now(): number;
  /**
   * Moves the node's clock forward to `toMs` (an earlier time changes nothing) and has the node
   * re-read it, so that it seals a block for a deadline that falls due by the new clock.
   * @throws RangeError when the clock would run `limitMs` or more ahead of the wall clock
   */
  advanceClock(toMs: number, limitMs?: number): void;
  /** A new wallet file in the folder, its master DID created on the ledger. */
  newWallet(label: string): Promise<UnlockedWallet>;
  close(): Promise<void>;
}

/** The lifetime of the authority's status list tokens in the demo, in seconds. */
export const STATUS_TTL_SEC = 10;

/**
 * How long an issuer has to answer a dispute in the demo (governance parameter
 * `creditDisputeDeadlineMs`, set in the genesis): 4 s here, 20 days by default.
 */
export const DISPUTE_DEADLINE_MS = 4000;

/**
 * How far the node's clock may run ahead of the wall clock: the story signs transactions by the
 * wall clock, and a transaction may be at most MAX_TX_AGE_MS (24 h) older than its block.
 */
export const MAX_CLOCK_OFFSET_MS = MAX_TX_AGE_MS - 60 * 60 * 1000;

/**
 * The limit of the one jump that may go further (step 7 in the first hour of a UTC day, when the
 * node's next midnight is more than 23 h away): within a minute of MAX_TX_AGE_MS, as a
 * transaction signed after it reaches a block within a second.
 */
export const LAST_RESORT_OFFSET_MS = MAX_TX_AGE_MS - 60 * 1000;

const DAY_MS = 24 * 60 * 60 * 1000;
/** How close to midnight (by the node's clock) a record expiring then may still be issued. */
const ISSUE_MARGIN_MS = 5000;
/** The longest wait for the jump to fit (in the first minute of a UTC day it is about a minute). */
const MAX_EXPIRY_WAIT_MS = 2 * 60 * 1000;
/** How long before midnight the node's clock is set for an expiry. */
export const EXPIRY_LEAD_MS = 2000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `check` every 100 ms until it answers; fails with ERR_CLI_DEMO_FAILED after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  timeoutMs: number,
  check: () => Promise<T | undefined>,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > until)
      throw new AppError('ERR_CLI_DEMO_FAILED', `waited ${timeoutMs} ms for ${what}`);
    await sleep(100);
  }
}

/**
 * The node's next UTC midnight, for a record that expires then, and the offset limit the jump to
 * {@link EXPIRY_LEAD_MS} before it needs. Waits when midnight is too close to issue the record
 * (it passes first), or, in the first minute of a UTC day, until the jump fits
 * {@link LAST_RESORT_OFFSET_MS}.
 */
export async function expiryClock(
  world: DemoWorld,
): Promise<{ midnight: number; limitMs: number }> {
  for (;;) {
    const now = world.now();
    const midnight = (Math.floor(now / DAY_MS) + 1) * DAY_MS;
    if (midnight - now < ISSUE_MARGIN_MS) {
      await sleep(midnight - now + 100);
      continue;
    }
    const offset = midnight - EXPIRY_LEAD_MS - Date.now();
    if (offset < MAX_CLOCK_OFFSET_MS) return { midnight, limitMs: MAX_CLOCK_OFFSET_MS };
    if (offset < LAST_RESORT_OFFSET_MS - 1000) return { midnight, limitMs: LAST_RESORT_OFFSET_MS };
    const wait = offset - LAST_RESORT_OFFSET_MS + 2000;
    if (wait > MAX_EXPIRY_WAIT_MS)
      throw new AppError(
        'ERR_CLI_DEMO_FAILED',
        `the node's clock already runs ${now - Date.now()} ms ahead: its next midnight is out of reach`,
      );
    await sleep(wait);
  }
}

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

/** Sets governance parameters in the folder's genesis, before the node first starts. */
function setGenesisParams(dir: string, params: Readonly<Record<string, number>>): GenesisDoc {
  const path = join(dir, 'genesis.json');
  const g = JSON.parse(readFileSync(path, 'utf8')) as GenesisDoc;
  const gov = g.modules.gov as { params?: Record<string, JsonValue> };
  const out: GenesisDoc = {
    ...g,
    modules: { ...g.modules, gov: { ...gov, params: { ...gov.params, ...params } } },
  };
  writeFileSync(path, `${JSON.stringify(out, null, 2)}\n`);
  return out;
}

/** The did:rdid of the genesis DID document that holds `multikey`. */
function genesisDidOf(genesis: GenesisDoc, multikey: string): string {
  const docs = (genesis.modules.did as unknown as { documents: GenesisDidDocument[] }).documents;
  const doc = docs.find((d) =>
    d.document.verificationMethod.some((m) => m.publicKeyMultibase === multikey),
  );
  if (doc === undefined) throw new TypeError(`no genesis DID holds the key ${multikey}`);
  return doc.did;
}

interface GenesisDidDocument {
  readonly did: string;
  readonly document: { readonly verificationMethod: readonly { publicKeyMultibase: string }[] };
}

/** Opens the world. Closing stops the node and deletes the folder (unless it was given). */
export async function openDemoWorld(o: { readonly dir?: string } = {}): Promise<DemoWorld> {
  const dir = o.dir ?? mkdtempSync(join(tmpdir(), 'realdid-demo-'));
  const { config } = initDataDir(dir, {
    passphrase: DEMO_PASSPHRASE,
    port: 0,
    moduleInit: { idn: { authority: {}, demoSite: {}, demoActors: {} }, credit: { demo: {} } },
  });
  // An issuer has 4 s to answer a dispute here (20 days by default), so the story shows one lapse.
  const genesis = setGenesisParams(dir, { creditDisputeDeadlineMs: DISPUTE_DEADLINE_MS });
  let offset = 0;
  const now = () => Date.now() + offset;
  // Sites cache the authority's status list for as long as its token says: 10 s here (5 min by
  // default), so the story can show a revocation reaching a site without a long wait.
  const node = await startNode({
    dataDir: dir,
    passphrase: DEMO_PASSPHRASE,
    port: 0,
    clock: now,
    moduleOptions: {
      idn: { ...(config.modules?.idn as object), statusTokenTtlSec: STATUS_TTL_SEC },
    },
  });
  const key = (file: string, did: string, fragment: string): ActorKey => ({
    did,
    kid: `${did}#${fragment}`,
    keyPair: loadKeyFile(join(dir, 'keys', `${file}.json`), DEMO_PASSPHRASE).keyPair,
  });
  const creditActor = (file: string): ActorKey => {
    const { multikey } = loadKeyFile(join(dir, 'keys', `${file}.json`), DEMO_PASSPHRASE);
    return key(file, genesisDidOf(genesis, multikey), DEMO_ACTOR_KEY_ID);
  };
  const f = DEMO_CREDIT_KEY_FILES;
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
    custodians: DEMO_CUSTODIAN_KEY_FILES.map((file, i) =>
      key(file, custodianGrants[i]!.subject, DEMO_ACTOR_KEY_ID),
    ),
    credit: {
      tax: creditActor(f.tax),
      regulator: creditActor(f.regulator),
      court: creditActor(f.court),
      bank: creditActor(f.bank),
      lender: creditActor(f.lender),
    },
    now,
    advanceClock(toMs, limitMs = MAX_CLOCK_OFFSET_MS) {
      const next = toMs - Date.now();
      if (next <= offset) return;
      if (next >= limitMs)
        throw new RangeError(
          `the node's clock would run ${next} ms ahead of the wall clock, at most ${limitMs - 1}`,
        );
      offset = next;
      // the orderer armed its deadline timer by the old clock: it re-reads the clock and re-arms
      node.node.orderer.tick();
    },
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
