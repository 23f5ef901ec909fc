/**
 * Fixtures for the credit node tests: a real data folder (made by `initDataDir`, with an identity
 * authority unless asked otherwise) whose genesis also holds the credit cast of _harness.ts (their
 * DID documents, accreditations and the demo credit documents), opened with a clock the test
 * moves, served by `buildApp` and reached with `app.inject()`; people enrolled through the front
 * office API and given their credit credential; the wallet's side of handles and consents.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import {
  handleKeyPair,
  mintHandle,
  signConsent,
  type ConsentToken,
  type CreditHandle,
} from '../../src/credentials/index.ts';
import {
  demoCreditDocuments,
  type CreditCredentialClaims,
  type RecordBody,
} from '../../src/credit/index.ts';
import {
  ed25519FromSeed,
  encodeMultikey,
  fromBase64url,
  sha256,
  toBase64url,
  utf8,
  type Ed25519KeyPair,
  type JsonValue,
  type X25519PublicJwk,
} from '../../src/crypto/index.ts';
import { controlProofBytes, newRequestNonce, signRequest } from '../../src/did/index.ts';
import type { ErrorCode } from '../../src/errors.ts';
import { lastNonce, signTx, type SignedTxJson } from '../../src/ledger/index.ts';
import {
  buildApp,
  FileVault,
  initDataDir,
  loadDataDir,
  loadKeyFile,
  openLedgerNode,
  type LedgerNode,
} from '../../src/node/index.ts';
import { proveMasterDid, RealdidClient, type PersonDetails } from '../../src/sdk/index.ts';
import { ManualClock, NonceCounter } from '../helpers/ledger.ts';
import {
  IA_URL,
  injectFetch,
  newWallet,
  PASSPHRASE,
  type TestWallet,
} from '../identity/_helpers.ts';
import type { Actor } from '../identity/_lawful.ts';
import { CREDIT_CAST as C, PURPOSE } from './_harness.ts';

export const DAY = 24 * 60 * 60 * 1000;

type Signer = Pick<Actor, 'did' | 'kid' | 'keyPair'>;

/** The accreditations of the credit cast (the identity authority is the data folder's own). */
function castRoles(): JsonValue[] {
  const grant = (role: string, a: Actor, scope: Record<string, string[]>) => ({
    role,
    subject: a.did,
    name: `Test ${a.label}`,
    scope,
  });
  return [
    // Binds organizations' codes (credit.bind-org); the data folder's authority is another one.
    grant('identity-authority', C.ia, {}),
    grant('credit-issuer', C.tax, { categories: ['tax-arrears', 'a-grade-taxpayer'] }),
    grant('credit-issuer', C.regulator, { categories: ['administrative-penalty'] }),
    grant('credit-issuer', C.court, { categories: ['judgment-default'] }),
    grant('credit-issuer', C.bank, { categories: ['loan-default', 'on-time-repayment'] }),
    grant('querier', C.lender, { purposes: [PURPOSE, 'lease'] }),
    grant('querier', C.lender2, { purposes: [PURPOSE] }),
  ];
}

/** Adds the credit cast to the genesis of a data folder not yet opened. */
function addCreditCast(dir: string, params: Record<string, number>): void {
  const path = join(dir, 'genesis.json');
  const g = JSON.parse(readFileSync(path, 'utf8')) as {
    modules: { did?: { documents?: JsonValue[] }; gov: Record<string, JsonValue> };
  };
  const documents = Object.values(C).map((a) => a.create.body as unknown as JsonValue);
  g.modules.did = {
    ...g.modules.did,
    documents: [...(g.modules.did?.documents ?? []), ...documents],
  };
  const gov = g.modules.gov;
  gov.roles = [...((gov.roles as JsonValue[] | undefined) ?? []), ...castRoles()];
  gov.documents = demoCreditDocuments({
    tax: C.tax.did,
    regulator: C.regulator.did,
    court: C.court.did,
    bank: C.bank.did,
  });
  gov.params = { ...((gov.params as Record<string, JsonValue> | undefined) ?? {}), ...params };
  writeFileSync(path, JSON.stringify(g, null, 2));
}

/** An answer of the app: status and JSON. */
export interface Answer {
  readonly status: number;
  readonly json: any;
}

export interface CreditNode {
  readonly dir: string;
  readonly node: LedgerNode;
  readonly app: FastifyInstance;
  readonly clock: ManualClock;
  readonly client: RealdidClient;
  /** The identity (and credit) authority's DID, if the node runs one. */
  readonly authority: string | undefined;
  inject(method: 'GET' | 'POST', url: string, payload?: unknown): Promise<Answer>;
  /** POSTs and expects 200. */
  ok(url: string, payload: unknown): Promise<any>;
  /** Sends and expects the error `code`. */
  refused(url: string, payload: unknown, code: ErrorCode, method?: 'GET' | 'POST'): Promise<void>;
  /** A transaction signed by `a` with the next nonce, created now by the test clock. */
  tx(a: Signer, kind: string, body: object): SignedTxJson;
  /** Signs and submits; asserts it was committed and returns its id. */
  commit(a: Signer, kind: string, body: object): Promise<string>;
  /** Opens the credit vault `name` beside the node's (a second connection to its file). */
  vault(name: string): FileVault;
  enroll(person: PersonDetails, label: string): Promise<TestWallet>;
  close(): Promise<void>;
}

/** Opens a one-org node with the credit cast; with `authority` (default), an identity authority too. */
export async function openCreditNode(
  o: { authority?: boolean; params?: Record<string, number> } = {},
): Promise<CreditNode> {
  const dir = mkdtempSync(join(tmpdir(), 'realdid-credit-'));
  const withAuthority = o.authority ?? true;
  initDataDir(dir, {
    passphrase: PASSPHRASE,
    orgs: [{ id: 'org1', name: 'Test Credit Org' }],
    quorum: 1,
    time: Date.now() - 3_600_000,
    ...(withAuthority ? { moduleInit: { idn: { authority: { name: 'Test Credit IA' } } } } : {}),
  });
  addCreditCast(dir, o.params ?? {});
  const { config, genesis, signer } = loadDataDir(dir, PASSPHRASE);
  const clock = new ManualClock(Date.now());
  const idn = config.modules?.idn as { authority: string } | undefined;
  const node = openLedgerNode({
    path: join(dir, 'ledger.sqlite'),
    genesis,
    signer,
    signatureThreads: 0,
    ordering: { clock: clock.read, maxBlockTxs: 1, blockIntervalMs: 2, deadlineTimer: false },
    ...(idn === undefined ? {} : { moduleOptions: { idn: { ...idn, publicUrl: IA_URL } } }),
    moduleData: { dir, passphrase: PASSPHRASE },
  });
  const app = await buildApp(node, { logger: false });
  await node.ready;
  const client = new RealdidClient({ url: IA_URL, fetch: injectFetch(app) });
  const nonces = new NonceCounter();
  const inject: CreditNode['inject'] = async (method, url, payload) => {
    const res = await app.inject({
      method,
      url,
      ...(payload === undefined ? {} : { payload: payload as object }),
    });
    return { status: res.statusCode, json: res.json() };
  };
  const tx: CreditNode['tx'] = (a, kind, body) => {
    const nonce = nonces.next(a.did, lastNonce(node.pendingState, a.did));
    return signTx(
      { kind, body: body as never, signer: a.kid, nonce, created: clock.now },
      a.keyPair,
    );
  };
  const operator = idn && {
    kid: `${idn.authority}#operator`,
    keyPair: loadKeyFile(join(dir, 'keys', 'ia-operator.json'), PASSPHRASE).keyPair,
  };
  return {
    dir,
    node,
    app,
    clock,
    client,
    authority: idn?.authority,
    inject,
    async ok(url, payload) {
      const a = await inject('POST', url, payload);
      assert.equal(a.status, 200, `POST ${url}: ${JSON.stringify(a.json)}`);
      return a.json;
    },
    async refused(url, payload, code, method = 'POST') {
      const a = await inject(method, url, payload);
      assert.equal(a.json.code, code, `${method} ${url}: ${JSON.stringify(a.json)}`);
      assert.notEqual(a.status, 200);
    },
    tx,
    async commit(a, kind, body) {
      const [out] = await node.submit([tx(a, kind, body)]);
      if (!out!.ok) assert.fail(`${kind}: ${out!.error.code} ${out!.error.message}`);
      return out!.id;
    },
    vault: (name) => new FileVault(join(dir, 'modules', 'credit', `${name}.vault`), PASSPHRASE),
    async enroll(person, label) {
      assert.ok(idn !== undefined && operator !== undefined, 'the node runs no authority');
      const w = await newWallet(client, label);
      const { challenge } = await client.identity.challenge(operator, idn.authority);
      const proof = proveMasterDid(idn.authority, challenge, w.master);
      await client.identity.enroll(operator, idn.authority, { person, did: w.did, proof });
      return w;
    },
    async close() {
      await app.close();
      await node.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A body with a fresh salt. */
export function recordBody(details: RecordBody['details']): RecordBody {
  return { salt: toBase64url(randomBytes(16)), details };
}

/** A person's credit wallet: the credential's secrets and the wallet's own consent key. */
export interface CreditWallet {
  readonly wallet: TestWallet;
  readonly credential: string;
  readonly claims: CreditCredentialClaims;
  readonly pseudonym: Uint8Array;
  readonly recordSeed: Uint8Array;
  readonly recordKey: Ed25519KeyPair;
  readonly consentSeed: Uint8Array;
  readonly consentKey: Ed25519KeyPair;
  /** A consent for a query, signed with a fresh handle of the consent key. */
  consent(o?: { querier?: string; purpose?: string; expires?: number }): ConsentToken;
  /** The key pair of one of the person's record handles (for disputes and body reads). */
  recordSigner(h: CreditHandle): Signer;
}

/** The request that obtains a credit credential for `wallet` with the consent key of `consentSeed`. */
export function credentialRequest(
  authority: string,
  wallet: TestWallet,
  consentSeed: Uint8Array,
  o: { badPop?: boolean } = {},
) {
  const consentKey = ed25519FromSeed(consentSeed);
  const multikey = encodeMultikey(consentKey.publicKey);
  const nonce = newRequestNonce();
  const bytes = controlProofBytes({
    purpose: 'credit-consent-key',
    audience: authority,
    challenge: o.badPop === true ? newRequestNonce() : nonce,
    subject: multikey,
  });
  const pop = toBase64url(consentKey.sign(bytes));
  return signRequest('credit.credential', authority, { consentKey: multikey, pop }, wallet.master, {
    nonce,
  });
}

/** Obtains a person's credit credential and builds their credit wallet. */
export async function creditWallet(
  n: CreditNode,
  wallet: TestWallet,
  locatorKey: X25519PublicJwk,
): Promise<CreditWallet> {
  const consentSeed = sha256(utf8(`credit consent seed ${wallet.did}`));
  const { credential } = (await n.ok(
    '/v1/credit/credential',
    credentialRequest(n.authority!, wallet, consentSeed),
  )) as { credential: string };
  const claims = JSON.parse(
    Buffer.from(credential.split('.')[1]!, 'base64url').toString('utf8'),
  ) as CreditCredentialClaims;
  const pseudonym = fromBase64url(claims.pseudonym);
  const recordSeed = fromBase64url(claims.recordSeed);
  const consentKey = ed25519FromSeed(consentSeed);
  return {
    wallet,
    credential,
    claims,
    pseudonym,
    recordSeed,
    recordKey: ed25519FromSeed(recordSeed),
    consentSeed,
    consentKey,
    consent(c = {}) {
      const handle = mintHandle({ pseudonym, publicKey: consentKey.publicKey, locatorKey });
      return signConsent(
        {
          querier: c.querier ?? C.lender.did,
          purpose: c.purpose ?? PURPOSE,
          expires: c.expires ?? n.clock.now + DAY,
          handle,
        },
        handleKeyPair(pseudonym, consentSeed, handle),
      );
    },
    recordSigner(h) {
      const keyPair = handleKeyPair(pseudonym, recordSeed, h);
      return { did: h.key, kid: `${h.key}#${h.key.slice('did:key:'.length)}`, keyPair };
    },
  };
}
