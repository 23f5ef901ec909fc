/**
 * The SDK's site lookups over a real node (app.inject-backed fetch): a registration as proven
 * governance state (verifiedSite, verifiedSiteOfOrigin, SiteRegistry), disclosure events recorded
 * by a site (recordDisclosure) and read back with their proofs (disclosure, disclosureCounts);
 * a tampered state answer is refused.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/node/index.ts';
import {
  consentReceiptHash,
  disclosure,
  disclosureCounts,
  recordDisclosure,
  RealdidClient,
  SiteRegistry,
  verifiedSite,
  verifiedSiteOfOrigin,
} from '../../src/sdk/index.ts';
import { rejects } from '../identity/_helpers.ts';
import { injectFetch, type Exchange } from '../helpers/inject-fetch.ts';
import { ManualClock, openTestLedger, type TestLedger } from '../helpers/ledger.ts';
import { accreditSite, createSite, siteTerms, type TestSite } from '../helpers/sites.ts';

const URL_ = 'http://node.test';
const SHOP = 'https://shop.example';
const NEWS = 'https://news.example';

let l: TestLedger;
let app: FastifyInstance;
let shop: TestSite;
let news: TestSite;
let stranger: TestSite;

const client = (tamper?: (x: Exchange) => void): RealdidClient =>
  new RealdidClient({ url: URL_, fetch: injectFetch(app, tamper) });

async function propose(change: unknown): Promise<void> {
  await l.submitOk(0, 'gov.propose', { change: change as never });
}

before(async () => {
  const now = Date.now();
  l = openTestLedger({
    orgs: 1,
    genesis: { quorum: 1, time: now - 3_600_000 },
    clock: new ManualClock(now),
  });
  app = await buildApp(l.node, { logger: false });
  shop = await createSite(l, 'sdk shop');
  news = await createSite(l, 'sdk news');
  stranger = await createSite(l, 'sdk stranger');
  await propose(accreditSite(shop.did, siteTerms([SHOP, 'https://m.shop.example']), 'Shop'));
  await propose(accreditSite(news.did, siteTerms([NEWS], { policy: false }), 'News'));
});
after(async () => {
  await app.close();
  await l.close();
});

describe('verifiedSite', () => {
  test('answers the proven registration of a registered site', async () => {
    const reg = await verifiedSite(client(), shop.did);
    assert.equal(reg.did, shop.did);
    assert.equal(reg.name, 'Shop');
    assert.deepEqual(reg.site, siteTerms([SHOP, 'https://m.shop.example']));
    assert.match(reg.grantedBy, /^[0-9a-f]{64}$/);
    assert.ok(reg.since > 0);
  });

  test('an unregistered site (proven absence) is ERR_IDENTITY_SITE_NOT_REGISTERED', async () => {
    await rejects(verifiedSite(client(), stranger.did), 'ERR_IDENTITY_SITE_NOT_REGISTERED');
    await rejects(
      verifiedSite(client(), 'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK'),
      'ERR_IDENTITY_SITE_NOT_REGISTERED',
    );
  });

  test('a tampered registration is refused (ERR_LEDGER_BAD_PROOF)', async () => {
    const c = client((x) => {
      if (!x.path.startsWith('/v1/state')) return;
      const a = x.json as { value: { name: string } | null };
      if (a.value !== null) a.value.name = 'Evil Shop';
    });
    await rejects(verifiedSite(c, shop.did), 'ERR_LEDGER_BAD_PROOF');
  });

  test('a proof of another key is refused (ERR_LEDGER_BAD_PROOF)', async () => {
    const honest = client();
    const other = await honest.state(`gov/role/relying-party/${news.did}`);
    const c = client((x) => {
      if (x.path.startsWith('/v1/state')) {
        const a = x.json as { value: unknown; proof: unknown };
        a.value = other.value;
        a.proof = other.proof;
      }
    });
    await rejects(verifiedSite(c, shop.did), 'ERR_LEDGER_BAD_PROOF');
  });

  test('verifiedSiteOfOrigin: every registered origin leads to its site, others are refused', async () => {
    assert.equal((await verifiedSiteOfOrigin(client(), 'https://m.shop.example')).did, shop.did);
    assert.equal((await verifiedSiteOfOrigin(client(), NEWS)).did, news.did);
    await rejects(
      verifiedSiteOfOrigin(client(), 'https://nobody.example'),
      'ERR_IDENTITY_ORIGIN_NOT_REGISTERED',
    );
  });
});

describe('SiteRegistry', () => {
  test('caches a registration, one lookup for concurrent callers; refusals are not cached', async () => {
    let lookups = 0;
    const c = client((x) => {
      if (x.path.startsWith('/v1/state')) lookups++;
    });
    const reg = new SiteRegistry(c);
    const [a, b] = await Promise.all([reg.get(shop.did), reg.get(shop.did)]);
    assert.deepEqual(a, b);
    await reg.get(shop.did);
    assert.equal(lookups, 1);
    await rejects(reg.get(stranger.did), 'ERR_IDENTITY_SITE_NOT_REGISTERED');
    await rejects(reg.get(stranger.did), 'ERR_IDENTITY_SITE_NOT_REGISTERED');
    assert.equal(lookups, 3);
  });

  test('cacheSec 0 asks every time, so a revocation shows at once', async () => {
    const temp = await createSite(l, 'sdk temp');
    await propose(accreditSite(temp.did, siteTerms(['https://temp.example'])));
    const reg = new SiteRegistry(client(), { cacheSec: 0 });
    assert.equal((await reg.get(temp.did)).did, temp.did);
    await propose({ type: 'revoke', role: 'relying-party', subject: temp.did, reason: 'test' });
    await rejects(reg.get(temp.did), 'ERR_IDENTITY_SITE_NOT_REGISTERED');
  });
});

describe('disclosures', () => {
  const h1 = consentReceiptHash('eyJhbGciOiJFZERTQSJ9.e30.receipt-one');
  const h2 = consentReceiptHash('eyJhbGciOiJFZERTQSJ9.e30.receipt-two');

  test('a site records a disclosure; anyone reads it back with its proof and counts it', async () => {
    const c = client();
    assert.equal(await disclosure(c, h1), undefined);
    const r = await recordDisclosure(c, shop, 'creator-real-name', h1);
    assert.ok(r.height > 0);
    const d = await disclosure(c, h1);
    assert.ok(d !== undefined);
    assert.equal(d.receipt, h1);
    assert.equal(d.site, shop.did);
    assert.equal(d.policy, 'creator-real-name');
    assert.equal(d.height, r.height);
    assert.equal(d.evidence.proof.key, `idn/disclosure/${h1}`);
    assert.ok(d.evidence.checkpoint.height >= r.height);
    await recordDisclosure(c, { ...shop, kid: 'site' }, 'creator-real-name', h2);
    assert.deepEqual(await disclosureCounts(c, shop.did), [
      { site: shop.did, policy: 'creator-real-name', count: 2 },
    ]);
    assert.deepEqual(await disclosureCounts(c, news.did), []);
    assert.ok((await disclosureCounts(c)).some((x) => x.site === shop.did && x.count === 2));
  });

  test('refusals: duplicate receipt, unregistered policy or site, login key, bad hash', async () => {
    const c = client();
    const h = consentReceiptHash('eyJhbGciOiJFZERTQSJ9.e30.receipt-three');
    await recordDisclosure(c, shop, 'creator-real-name', h);
    await rejects(
      recordDisclosure(c, shop, 'creator-real-name', h),
      'ERR_IDENTITY_DISCLOSURE_RECORDED',
    );
    const h4 = consentReceiptHash('four');
    await rejects(recordDisclosure(c, shop, 'other', h4), 'ERR_IDENTITY_POLICY_NOT_REGISTERED');
    await rejects(
      recordDisclosure(c, news, 'creator-real-name', h4),
      'ERR_IDENTITY_POLICY_NOT_REGISTERED',
    );
    await rejects(
      recordDisclosure(c, stranger, 'creator-real-name', h4),
      'ERR_IDENTITY_SITE_NOT_REGISTERED',
    );
    await rejects(
      recordDisclosure(
        c,
        { did: shop.did, kid: shop.loginKid, keyPair: shop.loginKeyPair },
        'creator-real-name',
        h4,
      ),
      'ERR_LEDGER_UNAUTHORIZED',
    );
    assert.equal(await disclosure(c, h4), undefined);
    assert.throws(() => recordDisclosure(c, shop, 'creator-real-name', 'ABC'), TypeError);
    await assert.rejects(disclosure(c, h4.toUpperCase()), TypeError);
  });

  test('a tampered disclosure answer is refused', async () => {
    const c = client((x) => {
      if (!x.path.startsWith('/v1/state')) return;
      const a = x.json as { value: { policy: string } | null };
      if (a.value !== null) a.value.policy = 'something-else';
    });
    await rejects(disclosure(c, h1), 'ERR_LEDGER_BAD_PROOF');
    const hide = client((x) => {
      if (x.path.startsWith('/v1/state')) (x.json as { value: unknown }).value = null;
    });
    await rejects(disclosure(hide, h1), 'ERR_LEDGER_BAD_PROOF');
  });
});
