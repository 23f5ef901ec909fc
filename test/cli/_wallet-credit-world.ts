/**
 * A world for the wallet server's credit tests: a node serving HTTP on a free 127.0.0.1 port from
 * a data folder with an identity authority (so also the credit authority) and the demo credit
 * actors (a bank and a court as credit issuers, a lender as querier), disputes due within
 * {@link DISPUTE_DAYS} days of block time; the node's clock is the wall clock plus an offset the
 * test moves forward (block time passing a deadline, as `realdid demo` moves it). A person: a
 * real wallet file with a master DID enrolled at the front office, and the wallet server's
 * {@link WalletContext} over it (a client held to a trust file in the folder).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { masterKey } from '../../src/cli/commands/wallet-credentials.ts';
import type { WalletContext } from '../../src/cli/wallet-server/context.ts';
import { walletContext } from '../../src/cli/wallet-server/open.ts';
import {
  createWallet,
  openWallet,
  saveWalletState,
  type UnlockedWallet,
} from '../../src/cli/wallet-file.ts';
import { DEMO_CREDIT_KEY_FILES } from '../../src/credit/index.ts';
import { sha256, toHex, utf8, type JsonValue } from '../../src/crypto/index.ts';
import { GENESIS_ACTOR_KEY_ID, newMnemonic, planCreate } from '../../src/did/index.ts';
import { initDataDir, loadKeyFile, startNode, type RunningNode } from '../../src/node/index.ts';
import {
  CreditClient,
  proveMasterDid,
  RealdidClient,
  recordBody,
  trustFromGenesis,
  type RequestKey,
} from '../../src/sdk/index.ts';
import { PEOPLE } from '../identity/_helpers.ts';

export const DAY_MS = 86_400_000;
/** How long an issuer has to answer a dispute here (governance parameter), in days. */
export const DISPUTE_DAYS = 3;
const NODE_PASS = 'wallet credit test node passphrase';
const WALLET_PASS = 'wallet credit test wallet passphrase';
/** The person whose records the tests write. */
export const PERSON = PEOPLE[0]!;

/** An actor of the world: its DID and signing key. */
export type Actor = RequestKey & { readonly did: string };

export interface CreditWorld {
  readonly dir: string;
  readonly node: RunningNode;
  readonly client: RealdidClient;
  readonly bank: Actor;
  readonly court: Actor;
  readonly lender: Actor;
  /** The node's clock: wall clock plus the offset. */
  now(): number;
  /** Moves block time forward by `ms` and has the node seal a block for what fell due. */
  advance(ms: number): void;
  /** A new person: a wallet file with a master DID, enrolled with `details` unless told not to. */
  person(label: string, o?: { enroll?: boolean; details?: typeof PERSON }): Promise<UnlockedWallet>;
  /** The wallet server's context over `w` (as `realdid wallet serve` builds it). */
  context(w: UnlockedWallet): WalletContext;
  /** Issues a record about the person with ID number `idNumber` by `issuer`; its id. */
  issue(issuer: Actor, idNumber: string, w: RecordWrite): Promise<string>;
  close(): Promise<void>;
}

/** What a record says. */
export interface RecordWrite {
  readonly category: string;
  readonly severity: number;
  readonly basis: string;
  /** Days before today (by the node's clock) the record took effect. */
  readonly ago: number;
}

function withCreditParams(dir: string): { chainId: string; modules: Record<string, unknown> } {
  const path = join(dir, 'genesis.json');
  const g = JSON.parse(readFileSync(path, 'utf8')) as {
    chainId: string;
    modules: { gov: { params?: Record<string, JsonValue> } } & Record<string, unknown>;
  };
  g.modules.gov.params = {
    ...g.modules.gov.params,
    creditDisputeDeadlineMs: DISPUTE_DAYS * DAY_MS,
  };
  writeFileSync(path, JSON.stringify(g, null, 2));
  return g;
}

function actorOf(dir: string, genesis: { modules: Record<string, unknown> }, file: string): Actor {
  const { multikey, keyPair } = loadKeyFile(join(dir, 'keys', `${file}.json`), NODE_PASS);
  const docs = (genesis.modules.did as { documents: { did: string; document: unknown }[] })
    .documents;
  const doc = docs.find((d) => JSON.stringify(d.document).includes(multikey))!;
  return { did: doc.did, kid: `${doc.did}#${GENESIS_ACTOR_KEY_ID}`, keyPair };
}

/** Opens the world (about 3 s: key files, genesis, node start). */
export async function openCreditWorld(): Promise<CreditWorld> {
  const dir = mkdtempSync(join(tmpdir(), 'realdid-wallet-credit-'));
  const { config } = initDataDir(dir, {
    passphrase: NODE_PASS,
    orgs: [{ id: 'org1', name: 'Wallet Credit Test Org' }],
    quorum: 1,
    port: 0,
    moduleInit: {
      idn: { authority: { name: 'Wallet Credit Test Authority' } },
      credit: { demo: {} },
    },
  });
  const genesis = withCreditParams(dir);
  let offset = 0;
  const now = () => Date.now() + offset;
  const node = await startNode({ dataDir: dir, passphrase: NODE_PASS, port: 0, clock: now });
  const trust = trustFromGenesis(genesis);
  const client = new RealdidClient({ url: node.url, trust });
  const authority = (config.modules!.idn as { authority: string }).authority;
  const operator = {
    kid: `${authority}#operator`,
    keyPair: loadKeyFile(join(dir, 'keys', 'ia-operator.json'), NODE_PASS).keyPair,
  };
  const actor = (file: string) => actorOf(dir, genesis, file);
  const credit = new CreditClient(client);
  return {
    dir,
    node,
    client,
    bank: actor(DEMO_CREDIT_KEY_FILES.bank),
    court: actor(DEMO_CREDIT_KEY_FILES.court),
    lender: actor(DEMO_CREDIT_KEY_FILES.lender),
    now,
    advance(ms) {
      offset += ms;
      node.node.orderer.tick();
    },
    async person(label, o = {}) {
      const path = join(dir, `wallet-${label}.json`);
      createWallet(path, newMnemonic(), WALLET_PASS);
      const w = await openWallet(path, WALLET_PASS);
      const plan = planCreate(w.seed, 0, 0);
      await client.signAndSubmit(plan.keyPair, plan.signer, plan.kind, plan.body);
      const file = saveWalletState(path, w.file, { did: plan.did });
      const opened = { ...w, file };
      if (o.enroll === false) return opened;
      const { challenge } = await client.identity.challenge(operator, authority);
      const proof = proveMasterDid(authority, challenge, masterKey(opened));
      await client.identity.enroll(operator, authority, {
        person: o.details ?? PERSON,
        did: plan.did,
        proof,
      });
      return opened;
    },
    context(wallet) {
      return walletContext(wallet, { url: node.url, trustFile: join(dir, 'trust.json') });
    },
    async issue(issuer, idNumber, w) {
      const date = (days: number) => new Date(now() - days * DAY_MS).toISOString().slice(0, 10);
      const handle = await credit.handle(issuer, idNumber);
      const input = {
        subject: { type: 'person' as const, handle },
        category: w.category,
        severity: w.severity,
        legalBasis: w.basis,
        evidence: toHex(sha256(utf8(`evidence of ${w.category} ${w.basis}`))),
        occurred: date(w.ago + 30),
        effective: date(w.ago),
      };
      const body = recordBody({ note: `${w.category} (test)` });
      return (await credit.issue(issuer, input, body)).record;
    },
    async close() {
      await node.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
