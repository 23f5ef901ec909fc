/**
 * The `idn.disclosure` kind: only a registered site (`relying-party`) that registered the policy
 * records a disclosure, signing with a capabilityInvocation key of its DID; a receipt is recorded
 * once; the record and the counts hold no personal data; the queries; replay reaches the same state.
 * Every refusal is checked with its code and with the ledger unchanged.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { encodeMultikey, type JsonValue } from '../../src/crypto/index.ts';
import type { ErrorCode } from '../../src/errors.ts';
import { getDisclosure, IDN_KEYS } from '../../src/identity/index.ts';
import { ModuleRegistry, verifyChain } from '../../src/ledger/index.ts';
import { buildApp, defaultModules } from '../../src/node/index.ts';
import {
  assertRejected,
  openTestLedger,
  snapshotLedger,
  T0,
  type TestLedger,
} from '../helpers/ledger.ts';
import { accreditSite, createSite, siteTerms, type TestSite } from '../helpers/sites.ts';

const POLICY = 'creator-real-name';
const hash = (n: number): string => n.toString(16).padStart(64, '0');

let l: TestLedger;
let app: FastifyInstance;
/** shop: registered with the policy; news: registered without policies; other: a DID only. */
let shop: TestSite;
let news: TestSite;
let other: TestSite;
let querier: TestSite;

async function propose(change: unknown): Promise<void> {
  const { id } = await l.submitOk(0, 'gov.propose', { change: change as never });
  const p = JSON.parse(l.node.chain.state.get(`gov/proposal/${id}`)!) as { status: string };
  assert.equal(p.status, 'executed');
}

const body = (receipt: string, policy = POLICY): { [k: string]: JsonValue } => ({
  policy,
  receipt,
});

/** Submits `idn.disclosure` signed by `site` (its `#site` key unless told). */
const submit = (site: TestSite, b: { [k: string]: JsonValue }, login = false) =>
  l.submit(0, 'idn.disclosure', b, {
    signer: login ? site.loginKid : site.kid,
    keyPair: login ? site.loginKeyPair : site.keyPair,
  });

/** Asserts the submission is refused with `code` and the ledger did not change. */
async function refused(p: () => ReturnType<typeof submit>, code: ErrorCode): Promise<void> {
  const before = snapshotLedger(l.node);
  assertRejected(await p(), code);
  assert.deepEqual(snapshotLedger(l.node), before);
}

before(async () => {
  l = openTestLedger({ orgs: 1, genesis: { quorum: 1 } });
  app = await buildApp(l.node, { logger: false });
  shop = await createSite(l, 'disclosure shop');
  news = await createSite(l, 'disclosure news');
  other = await createSite(l, 'disclosure other');
  querier = await createSite(l, 'disclosure querier');
  await propose(accreditSite(shop.did, siteTerms(['https://shop.example'])));
  await propose(accreditSite(news.did, siteTerms(['https://news.example'], { policy: false })));
  await propose({
    type: 'accredit',
    grant: { role: 'querier', subject: querier.did, name: 'Q', scope: {} },
  });
});
after(async () => {
  await app.close();
  await l.close();
});

describe('idn.disclosure', () => {
  test('a registered site records a disclosure of its policy: record and count', async () => {
    l.clock.advance(60_000);
    const r = await l.submitOk(0, 'idn.disclosure', body(hash(1)), {
      signer: shop.kid,
      keyPair: shop.keyPair,
      created: l.clock.now - 1000, // the record takes the block time, not the signer's
    });
    const block = l.node.chain.head;
    assert.equal(block.height, r.height);
    assert.deepEqual(getDisclosure(l.node.chain.state, hash(1)), {
      site: shop.did,
      policy: POLICY,
      time: block.header.time,
      height: r.height,
    });
    assert.equal(l.node.chain.state.get(IDN_KEYS.disclosureCount(shop.did, POLICY)), '1');
    await l.submitOk(0, 'idn.disclosure', body(hash(2)), {
      signer: shop.kid,
      keyPair: shop.keyPair,
    });
    assert.equal(l.node.chain.state.get(IDN_KEYS.disclosureCount(shop.did, POLICY)), '2');
  });

  test('a receipt is recorded once (ERR_IDENTITY_DISCLOSURE_RECORDED), by any site', async () => {
    await refused(() => submit(shop, body(hash(1))), 'ERR_IDENTITY_DISCLOSURE_RECORDED');
  });

  test('a policy the site did not register: ERR_IDENTITY_POLICY_NOT_REGISTERED', async () => {
    await refused(
      () => submit(shop, body(hash(3), 'other-policy')),
      'ERR_IDENTITY_POLICY_NOT_REGISTERED',
    );
    await refused(() => submit(news, body(hash(3))), 'ERR_IDENTITY_POLICY_NOT_REGISTERED');
  });

  test('a signer that is not a registered site: ERR_IDENTITY_SITE_NOT_REGISTERED', async () => {
    await refused(() => submit(other, body(hash(3))), 'ERR_IDENTITY_SITE_NOT_REGISTERED');
    await refused(() => submit(querier, body(hash(3))), 'ERR_IDENTITY_SITE_NOT_REGISTERED');
    // the site's own key as a did:key, and a consortium org's key
    const mk = encodeMultikey(shop.keyPair.publicKey);
    await refused(
      () =>
        l.submit(0, 'idn.disclosure', body(hash(3)), {
          signer: `did:key:${mk}#${mk}`,
          keyPair: shop.keyPair,
        }),
      'ERR_IDENTITY_SITE_NOT_REGISTERED',
    );
    await refused(
      () => l.submit(0, 'idn.disclosure', body(hash(3))),
      'ERR_IDENTITY_SITE_NOT_REGISTERED',
    );
  });

  test('an authentication-only key of the site: ERR_LEDGER_UNAUTHORIZED', async () => {
    await refused(() => submit(shop, body(hash(3)), true), 'ERR_LEDGER_UNAUTHORIZED');
  });

  test('a malformed body: ERR_LEDGER_SCHEMA', async () => {
    await refused(() => submit(shop, body('AB'.repeat(32))), 'ERR_LEDGER_SCHEMA');
    await refused(() => submit(shop, { ...body(hash(3)), person: 'x' }), 'ERR_LEDGER_SCHEMA');
    await refused(() => submit(shop, body(hash(3), 'Bad Policy')), 'ERR_LEDGER_SCHEMA');
  });

  test('a revoked site records nothing more', async () => {
    const temp = await createSite(l, 'disclosure temp');
    await propose(accreditSite(temp.did, siteTerms(['https://temp.example'])));
    await l.submitOk(0, 'idn.disclosure', body(hash(10)), {
      signer: temp.kid,
      keyPair: temp.keyPair,
    });
    await propose({ type: 'revoke', role: 'relying-party', subject: temp.did, reason: 'test' });
    await refused(() => submit(temp, body(hash(11))), 'ERR_IDENTITY_SITE_NOT_REGISTERED');
    // what it recorded stays: the count is public history
    assert.equal(l.node.chain.state.get(IDN_KEYS.disclosureCount(temp.did, POLICY)), '1');
  });
});

describe('queries', () => {
  const get = async (url: string) => {
    const res = await app.inject({ url });
    return { status: res.statusCode, json: res.json<Record<string, unknown>>() };
  };

  test('disclosure by receipt, with the state key that proves it', async () => {
    const d = await get(`/v1/identity/disclosures/${hash(1)}`);
    assert.equal(d.status, 200);
    assert.deepEqual(d.json, {
      receipt: hash(1),
      ...getDisclosure(l.node.chain.state, hash(1)),
      key: IDN_KEYS.disclosure(hash(1)),
    });
    const none = await get(`/v1/identity/disclosures/${hash(99)}`);
    assert.equal(none.status, 404);
    assert.equal(none.json.code, 'ERR_LEDGER_NOT_FOUND');
    assert.equal((await get('/v1/identity/disclosures/xyz')).status, 400);
  });

  test('counts by site and policy, for one site, paged', async () => {
    const all = await get('/v1/identity/disclosure-counts');
    assert.equal(all.status, 200);
    const counts = all.json.counts as { site: string; policy: string; count: number }[];
    assert.equal(counts.length, 2);
    assert.deepEqual(
      counts.find((c) => c.site === shop.did),
      { site: shop.did, policy: POLICY, count: 2 },
    );
    assert.equal(all.json.next, null);
    const one = await get(`/v1/identity/disclosure-counts?site=${shop.did}`);
    assert.deepEqual(one.json, {
      counts: [{ site: shop.did, policy: POLICY, count: 2 }],
      next: null,
    });
    const none = await get(`/v1/identity/disclosure-counts?site=${news.did}`);
    assert.deepEqual(none.json, { counts: [], next: null });
    const p1 = await get('/v1/identity/disclosure-counts?limit=1');
    assert.equal((p1.json.counts as unknown[]).length, 1);
    assert.equal(typeof p1.json.next, 'string');
    const p2 = await get(
      `/v1/identity/disclosure-counts?limit=1&after=${encodeURIComponent(p1.json.next as string)}`,
    );
    assert.equal((p2.json.counts as unknown[]).length, 1);
    assert.equal(p2.json.next, null);
    assert.deepEqual([...(p1.json.counts as unknown[]), ...(p2.json.counts as unknown[])], counts);
  });
});

describe('determinism and privacy', () => {
  test('replaying the chain reaches the same state', async () => {
    const result = await verifyChain(l.node.chain.store, new ModuleRegistry(defaultModules()));
    assert.ok(result.ok, JSON.stringify(result));
  });

  test('a disclosure writes only the site, the policy, the receipt hash, time and height', () => {
    const keys = [...l.node.chain.store.stateEntries()].filter(([k]) =>
      k.startsWith('idn/disclosure'),
    );
    for (const [k, v] of keys) {
      if (k.startsWith('idn/disclosure-count/')) assert.match(v, /^[0-9]+$/);
      else
        assert.deepEqual(Object.keys(JSON.parse(v) as object).sort(), [
          'height',
          'policy',
          'site',
          'time',
        ]);
    }
    assert.ok(l.node.chain.head.header.time >= T0);
  });
});
