/**
 * The authorization matrix of the credit module: every credit transaction kind (with its subject
 * variants) against every role of the credit cast, plus the edge cases of accreditation: a revoked
 * issuer, querier and authority, an issuer in scope in governance but not in the category's
 * `issuers` (and the converse), keys of the right DID in the wrong verification relationship.
 *
 * Each actor gets its own ledger: every fixture is built first (by the rightful parties), then the
 * actor's setup runs (a revocation, a new categories document, a key added), then each cell submits
 * one transaction. A cell expects `ok` (committed; for a query: logged as allowed), `denied <code>`
 * (a query committed but logged as denied with that reason) or one exact error code, in which case
 * the ledger must be exactly as before (`h.refused` snapshots it). A failing cell is a subtest named
 * `<kind> × <actor>`.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { CreditHandle } from '../../src/credentials/index.ts';
import {
  encodeMultikey,
  generateEd25519,
  sha256,
  toHex,
  utf8,
  type Ed25519KeyPair,
  type JsonValue,
} from '../../src/crypto/index.ts';
import { getOrgBinding, getQuery, type Category } from '../../src/credit/index.ts';
import { currentRecord } from '../../src/did/index.ts';
import type { ErrorCode } from '../../src/errors.ts';
import { getDocument } from '../../src/governance/index.ts';
import { makeOrg } from '../helpers/ledger.ts';
import type { Actor } from '../identity/_lawful.ts';
import {
  CREDIT_CAST as C,
  issueBody,
  openCreditHarness,
  ORG_A,
  ORG_B,
  org,
  person,
  personSubject,
  PURPOSE,
  type CreditHarness,
  type TestPerson,
} from './_harness.ts';

/** Whoever signs a transaction. */
interface Signer {
  readonly did: string;
  readonly kid: string;
  readonly keyPair: Ed25519KeyPair;
}

/** A cell's expected outcome. */
type Outcome = 'ok' | `denied ${ErrorCode}` | ErrorCode;

/** What a kind's fixture gives its cell: the body, and the person handles the handle actors use. */
interface Fixture {
  readonly body: object;
  /** The record handle of the person the target is about (or of another record of theirs). */
  readonly handle: CreditHandle;
  /** Another handle of the same person (of another record). */
  readonly other: CreditHandle;
}

/** What every ledger holds before the kinds' fixtures: a bound org, two records of one person. */
interface Base {
  readonly p: TestPerson;
  readonly h1: CreditHandle;
  readonly h2: CreditHandle;
}

interface Kind {
  readonly name: string;
  readonly kind: string;
  prepare(h: CreditHarness, base: Base): Promise<Fixture>;
  /** Checks the effect of a committed cell (tx id). */
  effect(h: CreditHarness, id: string, signer: Signer, fx: Fixture): void;
  readonly expect: Readonly<Record<string, Outcome>> & { readonly default: Outcome };
}

interface MatrixActor {
  readonly name: string;
  setup?(h: CreditHarness): Promise<void>;
  signer(h: CreditHarness, fx: Fixture, base: Base): Signer;
}

// --- actors -------------------------------------------------------------------------------------

const TAX = 'tax office';
const REGULATOR = 'market regulator';
const COURT = 'court';
const BANK = 'bank';
const LENDER = 'lender';
const LENDER2 = 'second lender';
const IA = 'identity authority';
const ORG_KEY = "org A's bound DID";
const HANDLE = "person's record-handle key";
const OTHER_HANDLE = "person's other handle key";
const GOV = 'governance org key';
const NOBODY = 'nobody';
const TAX_REVOKED = 'tax office, revoked';
const TAX_UNLISTED = 'tax office, not in the issuers of tax-arrears';
const BANK_LISTED = 'bank, in the issuers of tax-arrears but not in its scope';
const LENDER_REVOKED = 'lender, revoked';
const IA_REVOKED = 'identity authority, revoked';
const TAX_AUTH_ONLY = 'tax office, authentication-only key';
const LENDER_AUTH_ONLY = 'lender, authentication-only key';
const IA_AUTH_ONLY = 'identity authority, authentication-only key';
const ORG_AUTH_ONLY = "org A's DID, authentication-only key";
const TAX_INVOKE_ONLY = 'tax office, capabilityInvocation-only key';

const fixed =
  (a: Actor): MatrixActor['signer'] =>
  () =>
    a;

async function governOk(h: CreditHarness, change: { [k: string]: JsonValue }): Promise<void> {
  const out = await h.govern(change);
  assert.ok(out.ok, out.ok ? '' : `${out.error.code} ${out.error.message}`);
}

const revoke = (role: string, a: Actor) => (h: CreditHarness) =>
  governOk(h, { type: 'revoke', role, subject: a.did, reason: 'misconduct' });

/** Adopts a new categories document with `tax-arrears` changed by `f`. */
const changeTaxArrears = (f: (c: Category) => Category) => async (h: CreditHarness) => {
  const current = getDocument<{ categories: Category[] }>(h.node.chain.state, 'credit/categories')!;
  const categories = current.document.categories.map((c) => (c.id === 'tax-arrears' ? f(c) : c));
  await governOk(h, {
    type: 'adopt',
    topic: 'credit/categories',
    document: { categories },
  });
};

/**
 * An actor signing with a second key of its did:rdid, listed only under `relationships` (added by
 * a `did.update` the actor signs with its first key).
 */
function extraKey(name: string, a: Actor, relationships: string[]): MatrixActor {
  const { keyPair } = generateEd25519();
  const id = 'extra-key';
  return {
    name,
    async setup(h) {
      const record = currentRecord(h.node.chain.state, a.did)!;
      await h.ok(a, 'did.update', {
        did: a.did,
        version: record.version,
        patches: [
          {
            op: 'add-key',
            key: { id, type: 'Multikey', publicKeyMultibase: encodeMultikey(keyPair.publicKey) },
            relationships,
          },
        ],
      });
    },
    signer: () => ({ did: a.did, kid: `${a.did}#${id}`, keyPair }),
  };
}

function govOrgActor(): MatrixActor {
  const o = makeOrg('org2', 'Second consortium member');
  return {
    name: GOV,
    setup: (h) =>
      governOk(h, { type: 'add-org', org: { id: o.id, name: o.name, keys: [o.multikey] } }),
    signer: () => ({ did: o.did, kid: o.signer, keyPair: o.keyPair }),
  };
}

const ACTORS: readonly MatrixActor[] = [
  { name: TAX, signer: fixed(C.tax) },
  { name: REGULATOR, signer: fixed(C.regulator) },
  { name: COURT, signer: fixed(C.court) },
  { name: BANK, signer: fixed(C.bank) },
  { name: LENDER, signer: fixed(C.lender) },
  { name: LENDER2, signer: fixed(C.lender2) },
  { name: IA, signer: fixed(C.ia) },
  { name: ORG_KEY, signer: fixed(C.orgA) },
  { name: HANDLE, signer: (h, fx, base) => h.handleSigner(base.p, fx.handle) },
  { name: OTHER_HANDLE, signer: (h, fx, base) => h.handleSigner(base.p, fx.other) },
  govOrgActor(),
  { name: NOBODY, signer: fixed(C.nobody) },
  { name: TAX_REVOKED, setup: revoke('credit-issuer', C.tax), signer: fixed(C.tax) },
  {
    name: TAX_UNLISTED,
    setup: changeTaxArrears((c) => ({ ...c, issuers: c.issuers.filter((d) => d !== C.tax.did) })),
    signer: fixed(C.tax),
  },
  {
    name: BANK_LISTED,
    setup: changeTaxArrears((c) => ({ ...c, issuers: [...c.issuers, C.bank.did] })),
    signer: fixed(C.bank),
  },
  { name: LENDER_REVOKED, setup: revoke('querier', C.lender), signer: fixed(C.lender) },
  { name: IA_REVOKED, setup: revoke('identity-authority', C.ia), signer: fixed(C.ia) },
  extraKey(TAX_AUTH_ONLY, C.tax, ['authentication']),
  extraKey(LENDER_AUTH_ONLY, C.lender, ['authentication']),
  extraKey(IA_AUTH_ONLY, C.ia, ['authentication']),
  extraKey(ORG_AUTH_ONLY, C.orgA, ['authentication']),
  extraKey(TAX_INVOKE_ONLY, C.tax, ['capabilityInvocation']),
];

// --- kinds --------------------------------------------------------------------------------------

const statement = toHex(sha256(utf8('statement: this was paid')));
/** Every cell: a key the core cannot resolve signs nothing. */
const ALWAYS = { [TAX_INVOKE_ONLY]: 'ERR_LEDGER_BAD_SIGNER' } as const;

/** Issue in `category` (org or person subject): ok exactly for `issuers`. */
function issueKind(
  category: string,
  subject: 'org' | 'person',
  issuers: readonly string[],
  taxScoped: boolean,
): Kind {
  const ok = Object.fromEntries(issuers.map((a) => [a, 'ok' as const]));
  return {
    name: `credit.issue (${category}, ${subject})`,
    kind: 'credit.issue',
    async prepare(h, base) {
      const s = subject === 'org' ? org(ORG_B) : personSubject(h.recordHandle(base.p));
      return { body: issueBody(s, category, { severity: 1 }), handle: base.h1, other: base.h2 };
    },
    effect(h, id, signer) {
      const r = h.record(id);
      assert.equal(r.issuer, signer.did);
      assert.equal(r.category, category);
      assert.equal(r.subject.type, subject);
    },
    expect: {
      default: 'ERR_CREDIT_ISSUER_NOT_ACCREDITED',
      ...ok,
      ...(taxScoped ? { [TAX_AUTH_ONLY]: 'ERR_LEDGER_UNAUTHORIZED' } : {}),
      ...ALWAYS,
    },
  };
}

/** A tax-arrears record by the tax office about ORG_A (bound to orgA) or a fresh handle of `p`. */
async function taxRecord(
  h: CreditHarness,
  base: Base,
  subject: 'org' | 'person',
  salt: string,
): Promise<{ id: string; handle: CreditHandle }> {
  const handle = h.recordHandle(base.p);
  const s = subject === 'org' ? org(ORG_A) : personSubject(handle);
  const id = await h.ok(C.tax, 'credit.issue', issueBody(s, 'tax-arrears', { legalBasis: salt }));
  return { id, handle: subject === 'person' ? handle : base.h1 };
}

/** The issuer's own writes to its record: ok for the tax office only while it may write the category. */
const ISSUER_ONLY = {
  default: 'ERR_CREDIT_NOT_ISSUER',
  [TAX]: 'ok',
  [TAX_REVOKED]: 'ERR_CREDIT_ISSUER_NOT_ACCREDITED',
  [TAX_UNLISTED]: 'ERR_CREDIT_ISSUER_NOT_ACCREDITED',
  [TAX_AUTH_ONLY]: 'ERR_LEDGER_UNAUTHORIZED',
  ...ALWAYS,
} as const;

function issuerKind(
  kind: 'amend' | 'withdraw' | 'restore' | 'respond',
  subject: 'org' | 'person',
): Kind {
  return {
    name: `credit.${kind} (${subject} record)`,
    kind: `credit.${kind}`,
    async prepare(h, base) {
      const { id, handle } = await taxRecord(h, base, subject, `${kind} ${subject} target`);
      if (kind === 'respond') {
        const disputer = subject === 'org' ? C.orgA : h.handleSigner(base.p, handle);
        await h.ok(disputer, 'credit.dispute', { record: id, statement });
      }
      const body = {
        amend: { record: id, changes: { severity: 3 }, note: 'recomputed' },
        withdraw: { record: id, reason: 'issued in error' },
        restore: {
          record: id,
          fulfilled: '2026-01-01',
          evidence: toHex(sha256(utf8('receipt'))),
          note: 'paid in full',
        },
        respond: { record: id, decision: 'uphold', note: 'records checked' },
      }[kind];
      return { body, handle, other: handle === base.h1 ? base.h2 : base.h1 };
    },
    effect(h, _id, _signer, fx) {
      const r = h.record((fx.body as { record: string }).record);
      if (kind === 'amend') assert.equal(r.severity, 3);
      if (kind === 'withdraw') assert.equal(r.status, 'withdrawn');
      if (kind === 'restore') assert.equal(r.status, 'restored');
      if (kind === 'respond') assert.equal(r.dispute?.status, 'upheld');
    },
    expect: ISSUER_ONLY,
  };
}

function disputeKind(subject: 'org' | 'person'): Kind {
  return {
    name: `credit.dispute (${subject} record)`,
    kind: 'credit.dispute',
    async prepare(h, base) {
      const { id, handle } = await taxRecord(h, base, subject, `dispute ${subject} target`);
      return {
        body: { record: id, statement },
        handle,
        other: handle === base.h1 ? base.h2 : base.h1,
      };
    },
    effect(h, id, _signer, fx) {
      const r = h.record((fx.body as { record: string }).record);
      assert.equal(r.dispute?.status, 'open');
      assert.equal(r.dispute?.tx, id);
    },
    expect:
      subject === 'org'
        ? {
            default: 'ERR_CREDIT_NOT_SUBJECT',
            [ORG_KEY]: 'ok',
            // like every other credit kind signed by a did:rdid, only a capabilityInvocation key
            [ORG_AUTH_ONLY]: 'ERR_LEDGER_UNAUTHORIZED',
            ...ALWAYS,
          }
        : { default: 'ERR_CREDIT_NOT_SUBJECT', [HANDLE]: 'ok', ...ALWAYS },
  };
}

function queryKind(subject: 'org' | 'person', purpose: string): Kind {
  const registered = purpose === PURPOSE ? [LENDER, LENDER2] : [LENDER];
  const ok = Object.fromEntries(registered.map((a) => [a, 'ok' as const]));
  return {
    name: `credit.query (${subject}, ${purpose})`,
    kind: 'credit.query',
    async prepare(h, base) {
      if (subject === 'org')
        return { body: { subject: org(ORG_A), purpose }, handle: base.h1, other: base.h2 };
      const consent = h.consent(base.p, { querier: C.lender.did, purpose });
      return {
        body: { subject: personSubject(consent.handle), purpose, consent },
        handle: base.h1,
        other: base.h2,
      };
    },
    effect(h, id, signer) {
      const q = getQuery(h.node.chain.state, id)!;
      assert.equal(q.querier, signer.did);
      assert.equal(q.purpose, purpose);
    },
    expect: {
      default: 'ERR_CREDIT_QUERIER_NOT_REGISTERED',
      ...ok,
      ...(subject === 'person' && purpose === PURPOSE
        ? { [LENDER2]: 'denied ERR_CREDIT_CONSENT_WRONG_QUERIER' }
        : {}),
      [LENDER_AUTH_ONLY]: 'ERR_LEDGER_UNAUTHORIZED',
      ...ALWAYS,
    },
  };
}

const ORG_B_DID = 'did:rdid:organization-b-test-binding';

const bindOrg: Kind = {
  name: 'credit.bind-org',
  kind: 'credit.bind-org',
  prepare: async (_h, base) => ({
    body: { uscc: ORG_B, did: ORG_B_DID },
    handle: base.h1,
    other: base.h2,
  }),
  effect(h, _id, signer) {
    const b = getOrgBinding(h.node.chain.state, ORG_B)!;
    assert.equal(b.did, ORG_B_DID);
    assert.equal(b.authority, signer.did);
  },
  expect: { default: 'ERR_LEDGER_UNAUTHORIZED', [IA]: 'ok', ...ALWAYS },
};

const KINDS: readonly Kind[] = [
  issueKind('tax-arrears', 'org', [TAX], true),
  issueKind('administrative-penalty', 'org', [REGULATOR], false),
  issueKind('judgment-default', 'org', [COURT], false),
  issueKind('loan-default', 'org', [BANK, BANK_LISTED], false),
  issueKind('a-grade-taxpayer', 'org', [TAX, TAX_UNLISTED], true),
  issueKind('on-time-repayment', 'org', [BANK, BANK_LISTED], false),
  issueKind('tax-arrears', 'person', [TAX], true),
  issueKind('judgment-default', 'person', [COURT], false),
  issueKind('loan-default', 'person', [BANK, BANK_LISTED], false),
  issueKind('on-time-repayment', 'person', [BANK, BANK_LISTED], false),
  issuerKind('amend', 'org'),
  issuerKind('amend', 'person'),
  issuerKind('withdraw', 'org'),
  issuerKind('withdraw', 'person'),
  issuerKind('restore', 'org'),
  issuerKind('restore', 'person'),
  disputeKind('org'),
  disputeKind('person'),
  issuerKind('respond', 'org'),
  issuerKind('respond', 'person'),
  queryKind('org', PURPOSE),
  queryKind('org', 'lease'),
  queryKind('person', PURPOSE),
  bindOrg,
];

/** Every credit kind the module registers appears in the matrix. */
const ALL_CREDIT_KINDS = [
  'credit.issue',
  'credit.amend',
  'credit.withdraw',
  'credit.restore',
  'credit.dispute',
  'credit.respond',
  'credit.query',
  'credit.bind-org',
];

const expected = (k: Kind, a: MatrixActor): Outcome => k.expect[a.name] ?? k.expect.default;

test('the matrix covers every credit kind, and names only actors of the cast', () => {
  assert.deepEqual([...new Set(KINDS.map((k) => k.kind))].sort(), [...ALL_CREDIT_KINDS].sort());
  const names = new Set(ACTORS.map((a) => a.name));
  assert.equal(names.size, ACTORS.length);
  for (const k of KINDS)
    for (const a of Object.keys(k.expect))
      assert.ok(a === 'default' || names.has(a), `${k.name} names unknown actor "${a}"`);
  // each kind is allowed to someone, and refused to someone
  for (const k of KINDS) {
    const outcomes = ACTORS.map((a) => expected(k, a));
    assert.ok(outcomes.includes('ok'), `${k.name}: nobody may`);
    assert.ok(
      outcomes.some((o) => o.startsWith('ERR_')),
      `${k.name}: everybody may`,
    );
  }
});

for (const actor of ACTORS) {
  describe(`as ${actor.name}`, () => {
    let h: CreditHarness;
    let base: Base;
    const fixtures = new Map<string, Fixture>();

    before(async () => {
      h = openCreditHarness();
      await h.ok(C.ia, 'credit.bind-org', { uscc: ORG_A, did: C.orgA.did });
      const p = person('matrix person');
      const h1 = h.recordHandle(p);
      const h2 = h.recordHandle(p);
      await h.ok(C.tax, 'credit.issue', issueBody(personSubject(h1), 'tax-arrears'));
      await h.ok(C.bank, 'credit.issue', issueBody(personSubject(h2), 'loan-default'));
      base = { p, h1, h2 };
      for (const k of KINDS) fixtures.set(k.name, await k.prepare(h, base));
      await actor.setup?.(h);
    });
    after(() => h.close());

    for (const k of KINDS) {
      const want = expected(k, actor);
      test(`${k.name} × ${actor.name}: ${want}`, async () => {
        const fx = fixtures.get(k.name)!;
        const signer = actor.signer(h, fx, base);
        if (want.startsWith('ERR_')) {
          await h.refused(signer, k.kind, fx.body, want as ErrorCode);
          return;
        }
        const id = await h.ok(signer, k.kind, fx.body);
        k.effect(h, id, signer, fx);
        if (k.kind === 'credit.query') {
          const q = getQuery(h.node.chain.state, id)!;
          if (want === 'ok') assert.equal(q.outcome, 'allowed', q.reason);
          else assert.deepEqual([q.outcome, q.reason], ['denied', want.slice('denied '.length)]);
        }
      });
    }
  });
}
