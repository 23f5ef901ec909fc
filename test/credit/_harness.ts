/**
 * A ledger with the credit cast: a tax office, a regulator, a court and a bank (credit issuers),
 * a lender (querier), an identity authority, an organization's own DID, and people simulated the
 * way the credit authority and a wallet derive them (pseudonym, record key, consent key, locator
 * key). The demo categories, model and list are adopted at genesis.
 */
import assert from 'node:assert/strict';
import {
  handleKeyPair,
  mintHandle,
  signConsent,
  type ConsentToken,
  type CreditHandle,
} from '../../src/credentials/index.ts';
import {
  ed25519FromSeed,
  generateX25519,
  sha256,
  toHex,
  utf8,
  type Ed25519KeyPair,
  type JsonValue,
  type X25519KeyPair,
} from '../../src/crypto/index.ts';
import { demoCreditDocuments, getRecord, type CreditRecord } from '../../src/credit/index.ts';
import type { ErrorCode } from '../../src/errors.ts';
import { lastNonce, signTx, type QueryState, type SubmitOutcome } from '../../src/ledger/index.ts';
import { openLedgerNode, type LedgerNode } from '../../src/node/index.ts';
import {
  assertRejected,
  makeGenesis,
  makeOrg,
  ManualClock,
  NonceCounter,
  snapshotLedger,
  T0,
} from '../helpers/ledger.ts';
import { actor, type Actor } from '../identity/_lawful.ts';

export const DAY = 24 * 60 * 60 * 1000;
/** Two valid Unified Social Credit Codes. */
export const ORG_A = '91350100M000100Y43';
export const ORG_B = '91110108MA01AB2C3T';
/** A third organization, for lists. */
export const ORG_C = '911101081000000166';

export const CREDIT_CAST = {
  ia: actor('credit ia'),
  tax: actor('tax office'),
  regulator: actor('market regulator'),
  court: actor('people court'),
  bank: actor('bank'),
  lender: actor('lender'),
  lender2: actor('second lender'),
  orgA: actor('organization A'),
  nobody: actor('nobody'),
} as const;

export const PURPOSE = 'loan-underwriting';

function roles(): JsonValue[] {
  const c = CREDIT_CAST;
  const grant = (role: string, a: Actor, scope: Record<string, string[]> = {}) => ({
    role,
    subject: a.did,
    name: `Test ${a.label}`,
    scope,
  });
  return [
    grant('identity-authority', c.ia),
    grant('credit-issuer', c.tax, { categories: ['tax-arrears', 'a-grade-taxpayer'] }),
    grant('credit-issuer', c.regulator, { categories: ['administrative-penalty'] }),
    grant('credit-issuer', c.court, { categories: ['judgment-default'] }),
    grant('credit-issuer', c.bank, { categories: ['loan-default', 'on-time-repayment'] }),
    grant('querier', c.lender, { purposes: [PURPOSE, 'lease'] }),
    grant('querier', c.lender2, { purposes: [PURPOSE] }),
  ];
}

/** A person as the credit authority and their wallet know them. */
export interface TestPerson {
  readonly label: string;
  readonly pseudonym: Uint8Array;
  /** The record key (authority-derived) and the wallet's consent key. */
  readonly recordSeed: Uint8Array;
  readonly consentSeed: Uint8Array;
  readonly recordKey: Ed25519KeyPair;
  readonly consentKey: Ed25519KeyPair;
}

export function person(label: string): TestPerson {
  const recordSeed = sha256(utf8(`record seed ${label}`));
  const consentSeed = sha256(utf8(`consent seed ${label}`));
  return {
    label,
    pseudonym: sha256(utf8(`pseudonym ${label}`)),
    recordSeed,
    consentSeed,
    recordKey: ed25519FromSeed(recordSeed),
    consentKey: ed25519FromSeed(consentSeed),
  };
}

export interface CreditHarness {
  readonly node: LedgerNode;
  readonly clock: ManualClock;
  readonly locator: X25519KeyPair;
  submit(
    a: Actor | { did: string; kid: string; keyPair: Ed25519KeyPair },
    kind: string,
    body: object,
  ): Promise<SubmitOutcome>;
  ok(
    a: Actor | { did: string; kid: string; keyPair: Ed25519KeyPair; label?: string },
    kind: string,
    body: object,
  ): Promise<string>;
  refused(
    a: Actor | { did: string; kid: string; keyPair: Ed25519KeyPair },
    kind: string,
    body: object,
    code: ErrorCode,
  ): Promise<void>;
  record(id: string): CreditRecord;
  /** A fresh record handle for a person. */
  recordHandle(p: TestPerson): CreditHandle;
  /** The signer of a record handle (the person's wallet derives it). */
  handleSigner(
    p: TestPerson,
    h: CreditHandle,
  ): { did: string; kid: string; keyPair: Ed25519KeyPair };
  /** A consent token signed in the person's wallet. */
  consent(
    p: TestPerson,
    o?: { querier?: string; purpose?: string; expires?: number },
  ): ConsentToken;
  govern(change: { [k: string]: JsonValue }): Promise<SubmitOutcome>;
  tick(): void;
  /** Committed state with prefix scans, as queries see it. */
  view(): { get(key: string): string | undefined; list: QueryState['list'] };
  close(): Promise<void>;
}

/** An issue body with sensible defaults. */
export function issueBody(
  subject: object,
  category: string,
  o: Record<string, unknown> = {},
): object {
  return {
    subject,
    category,
    severity: 2,
    legalBasis: 'Tax Collection and Administration Law of the PRC, Article 63',
    evidence: toHex(
      sha256(utf8(`evidence ${JSON.stringify(subject)} ${category} ${JSON.stringify(o)}`)),
    ),
    commitment: toHex(
      sha256(utf8(`body ${JSON.stringify(subject)} ${category} ${JSON.stringify(o)}`)),
    ),
    occurred: '2025-11-01',
    effective: '2025-12-01',
    ...o,
  };
}

export const org = (uscc: string) => ({ type: 'org', uscc });
export const personSubject = (handle: CreditHandle) => ({ type: 'person', handle });

export function openCreditHarness(
  o: { params?: Record<string, number>; path?: string } = {},
): CreditHarness {
  const govOrg = makeOrg('org1');
  const clock = new ManualClock(T0 + 1000);
  const c = CREDIT_CAST;
  const base = makeGenesis([govOrg], {
    quorum: 1,
    roles: roles(),
    ...(o.params === undefined ? {} : { params: o.params }),
  });
  const documents = demoCreditDocuments({
    tax: c.tax.did,
    regulator: c.regulator.did,
    court: c.court.did,
    bank: c.bank.did,
  }) as unknown as JsonValue[];
  const genesis = {
    ...base,
    modules: {
      ...base.modules,
      gov: { ...(base.modules.gov as object), documents } as JsonValue,
      did: { documents: Object.values(c).map((a) => a.create.body as unknown as JsonValue) },
    },
  };
  const node = openLedgerNode({
    path: o.path ?? ':memory:',
    genesis,
    signer: govOrg.nodeSigner,
    signatureThreads: 0,
    ordering: { clock: clock.read, maxBlockTxs: 1, blockIntervalMs: 5, deadlineTimer: false },
  });
  const locator = generateX25519();
  const nonces = new NonceCounter();
  const submit: CreditHarness['submit'] = async (a, kind, body) => {
    const nonce = nonces.next(a.did, lastNonce(node.pendingState, a.did));
    const tx = signTx(
      { kind, body: body as never, signer: a.kid, nonce, created: clock.now },
      a.keyPair,
    );
    return (await node.submit([tx]))[0]!;
  };
  const signerOf = (p: TestPerson, h: CreditHandle) => {
    const keyPair = handleKeyPair(p.pseudonym, p.recordSeed, h);
    return { did: h.key, kid: `${h.key}#${h.key.slice('did:key:'.length)}`, keyPair };
  };
  return {
    node,
    clock,
    locator,
    submit,
    async ok(a, kind, body) {
      const out = await submit(a, kind, body);
      if (!out.ok)
        assert.fail(`${kind} by ${a.did.slice(0, 30)}: ${out.error.code} ${out.error.message}`);
      return out.id;
    },
    async refused(a, kind, body, code) {
      const before = snapshotLedger(node);
      assertRejected(await submit(a, kind, body), code);
      assert.deepEqual(snapshotLedger(node), before, `a refused ${kind} changed the ledger`);
    },
    record: (id) => getRecord(node.chain.state, id)!,
    recordHandle: (p) =>
      mintHandle({
        pseudonym: p.pseudonym,
        publicKey: p.recordKey.publicKey,
        locatorKey: locator.publicJwk,
      }),
    handleSigner: signerOf,
    consent(p, c2 = {}) {
      const handle = mintHandle({
        pseudonym: p.pseudonym,
        publicKey: p.consentKey.publicKey,
        locatorKey: locator.publicJwk,
      });
      const key = handleKeyPair(p.pseudonym, p.consentSeed, handle);
      return signConsent(
        {
          querier: c2.querier ?? CREDIT_CAST.lender.did,
          purpose: c2.purpose ?? PURPOSE,
          expires: c2.expires ?? clock.now + DAY,
          handle,
        },
        key,
      );
    },
    async govern(change) {
      const nonce = nonces.next(govOrg.did, lastNonce(node.pendingState, govOrg.did));
      const tx = signTx(
        { kind: 'gov.propose', body: { change }, signer: govOrg.signer, nonce, created: clock.now },
        govOrg.keyPair,
      );
      return (await node.submit([tx]))[0]!;
    },
    tick: () => node.orderer.tick(),
    view: () => ({
      get: (key) => node.chain.state.get(key),
      list: (prefix, limit, after) => node.chain.store.stateByPrefix(prefix, limit, after),
    }),
    close: () => node.close(),
  };
}

export async function withCredit(
  fn: (h: CreditHarness) => Promise<void>,
  o?: Parameters<typeof openCreditHarness>[0],
): Promise<void> {
  const h = openCreditHarness(o);
  try {
    await fn(h);
  } finally {
    await h.close();
  }
}
