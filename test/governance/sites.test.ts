/**
 * Relying-party registration in governance: `site` terms required for, and only for,
 * `relying-party`; a did:rdid subject; unique purpose and policy ids; purposes name registered
 * policies; origins unique across sites (the `gov/site-origin/<origin>` index), replaced on
 * re-accreditation and freed by revocation; the same rules for genesis roles; the queries.
 * Every refusal is checked with its code and with the registrations left as they were.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { JsonValue } from '../../src/crypto/index.ts';
import { isAppError } from '../../src/errors.ts';
import {
  SiteOrigin,
  getProposal,
  getRole,
  GOV_KEYS,
  type Proposal,
  type SiteTerms,
} from '../../src/governance/index.ts';
import { createAjv, ModuleRegistry, verifyChain } from '../../src/ledger/index.ts';
import { buildApp, defaultModules } from '../../src/node/index.ts';
import { openTestLedger, type TestLedger } from '../helpers/ledger.ts';
import { accreditSite, makeSite, siteTerms } from '../helpers/sites.ts';

const SHOP = 'https://shop.example';
const SHOP2 = 'https://m.shop.example';
const NEWS = 'https://news.example';
const shop = makeSite('gov shop').did;
const news = makeSite('gov news').did;

async function withLedger(
  fn: (l: TestLedger) => Promise<void>,
  roles?: readonly JsonValue[],
): Promise<void> {
  const l = openTestLedger({ orgs: 1, genesis: { quorum: 1, ...(roles ? { roles } : {}) } });
  try {
    await fn(l);
  } finally {
    await l.close();
  }
}

/** Proposes (quorum 1: executes at once) and answers the proposal. */
async function pass(l: TestLedger, change: unknown): Promise<Proposal> {
  const { id } = await l.submitOk(0, 'gov.propose', { change: change as never });
  return getProposal(l.node.chain.state, id)!;
}

/** The registrations: every role, role history and origin entry. */
function registrations(l: TestLedger): [string, string][] {
  return [...l.node.chain.store.stateEntries()]
    .filter(([k]) => k.startsWith('gov/role') || k.startsWith('gov/site-origin/'))
    .sort(([a], [b]) => (a < b ? -1 : 1));
}

const origins = (l: TestLedger): Record<string, string> =>
  Object.fromEntries(
    registrations(l)
      .filter(([k]) => k.startsWith('gov/site-origin/'))
      .map(([k, v]) => [k.slice('gov/site-origin/'.length), JSON.parse(v) as string]),
  );

/** A proposal that reaches quorum but fails with ERR_GOV_INVALID_CHANGE, changing no registration. */
async function refused(l: TestLedger, change: unknown, message: RegExp): Promise<void> {
  const before = registrations(l);
  const p = await pass(l, change);
  assert.equal(p.status, 'failed');
  assert.equal(p.failure?.code, 'ERR_GOV_INVALID_CHANGE');
  assert.match(p.failure.message, message);
  assert.deepEqual(registrations(l), before);
}

const grant = (g: Record<string, unknown>) => ({ type: 'accredit', grant: g });
const withTerms = (patch: Partial<SiteTerms>): SiteTerms => ({
  ...siteTerms([SHOP]),
  ...patch,
});

describe('accrediting a relying party', () => {
  test('stores the site terms and indexes every origin', () =>
    withLedger(async (l) => {
      const p = await pass(l, accreditSite(shop, siteTerms([SHOP, SHOP2]), 'Shop'));
      assert.equal(p.status, 'executed');
      const g = getRole(l.node.chain.state, 'relying-party', shop);
      assert.deepEqual(g?.site, siteTerms([SHOP, SHOP2]));
      assert.equal(g?.grantedBy, p.id);
      assert.deepEqual(origins(l), { [SHOP]: shop, [SHOP2]: shop });
    }));

  test('refusals: each with ERR_GOV_INVALID_CHANGE, nothing written', (t) =>
    withLedger(async (l) => {
      await pass(l, accreditSite(news, siteTerms([NEWS])));
      const cases: [string, unknown, RegExp][] = [
        [
          'a relying party without site terms',
          grant({ role: 'relying-party', subject: shop, name: 'x', scope: {} }),
          /needs site terms/,
        ],
        [
          'site terms for another role',
          grant({ role: 'querier', subject: shop, name: 'x', scope: {}, site: siteTerms([SHOP]) }),
          /only a relying-party/,
        ],
        [
          'a did:key relying party',
          accreditSite(
            'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK',
            siteTerms([SHOP]),
          ),
          /must be a did:rdid/,
        ],
        [
          'a purpose id used twice',
          accreditSite(
            shop,
            withTerms({
              purposes: [
                { id: 'login', description: 'a', claims: [] },
                { id: 'login', description: 'b', claims: ['age_over_18'] },
              ],
            }),
          ),
          /purpose id "login" is used twice/,
        ],
        [
          'a policy id used twice',
          accreditSite(
            shop,
            withTerms({
              policies: [...siteTerms([SHOP]).policies!, ...siteTerms([SHOP]).policies!],
            }),
          ),
          /policy id "creator-real-name" is used twice/,
        ],
        [
          'a purpose naming an unregistered policy',
          accreditSite(
            shop,
            withTerms({
              purposes: [{ id: 'login', description: 'a', claims: [], policies: ['ghost'] }],
            }),
          ),
          /names policy "ghost"/,
        ],
        [
          'a purpose naming a policy when the site registers none',
          accreditSite(shop, { origins: [SHOP], purposes: siteTerms([SHOP]).purposes }),
          /names policy "creator-real-name"/,
        ],
        [
          "another site's origin",
          accreditSite(shop, siteTerms([SHOP, NEWS])),
          /origin https:\/\/news\.example is registered to another site/,
        ],
        [
          'an origin with its default port',
          accreditSite(shop, siteTerms(['https://shop.example:443'])),
          /must be written as https:\/\/shop\.example$/,
        ],
        [
          'an origin not in its serialized form',
          accreditSite(shop, siteTerms(['http://0x7f.1'])),
          /must be written as http:\/\/127\.0\.0\.1/,
        ],
        [
          'an origin ending in a dot',
          accreditSite(shop, siteTerms(['https://shop.example.'])),
          /must be written as https:\/\/shop\.example$/,
        ],
      ];
      for (const [name, change, message] of cases)
        await t.test(name, () => refused(l, change, message));
      assert.equal(getRole(l.node.chain.state, 'relying-party', shop), undefined);
      assert.equal(getRole(l.node.chain.state, 'querier', shop), undefined);
    }));

  test('terms outside the schema are refused at the proposal (nothing stored)', () =>
    withLedger(async (l) => {
      const out = await l.submit(0, 'gov.propose', {
        change: accreditSite(shop, siteTerms(['https://Shop.example/path'])),
      });
      assert.ok(!out.ok);
      assert.equal(out.error.code, 'ERR_LEDGER_SCHEMA');
      assert.deepEqual(registrations(l), []);
    }));

  test('re-accrediting keeps the primary origin first; an origin dropped stays reserved to its site', () =>
    withLedger(async (l) => {
      await pass(l, accreditSite(shop, siteTerms([SHOP, SHOP2])));
      // another primary origin would change every account id at the site
      await refused(
        l,
        accreditSite(shop, siteTerms([SHOP2, 'https://new.shop.example'])),
        /primary origin is https:\/\/shop\.example/,
      );
      await pass(l, accreditSite(shop, siteTerms([SHOP, 'https://new.shop.example']), 'Shop 2'));
      assert.equal(getRole(l.node.chain.state, 'relying-party', shop)?.name, 'Shop 2');
      assert.deepEqual(origins(l), {
        [SHOP]: shop,
        [SHOP2]: shop,
        'https://new.shop.example': shop,
      });
      // the dropped origin is not free: another DID there would get the same pairwise DIDs
      await refused(l, accreditSite(news, siteTerms([SHOP2])), /registered to another site/);
      assert.equal(
        (await pass(l, accreditSite(shop, siteTerms([SHOP, SHOP2])))).status,
        'executed',
      );
    }));

  test('revoking a relying party does not free its origins, and it keeps its primary origin', () =>
    withLedger(async (l) => {
      await pass(l, accreditSite(shop, siteTerms([SHOP, SHOP2])));
      await pass(l, accreditSite(news, siteTerms([NEWS])));
      const p = await pass(l, {
        type: 'revoke',
        role: 'relying-party',
        subject: shop,
        reason: 'gone',
      });
      assert.equal(p.status, 'executed');
      assert.equal(getRole(l.node.chain.state, 'relying-party', shop), undefined);
      assert.deepEqual(origins(l), { [NEWS]: news, [SHOP]: shop, [SHOP2]: shop });
      await refused(l, accreditSite(news, siteTerms([NEWS, SHOP])), /never reused/);
      await refused(l, accreditSite(shop, siteTerms([SHOP2])), /must stay first/);
      assert.equal((await pass(l, accreditSite(shop, siteTerms([SHOP])))).status, 'executed');
      const result = await verifyChain(l.node.chain.store, new ModuleRegistry(defaultModules()));
      assert.ok(result.ok, JSON.stringify(result));
    }));

  test('an origin with a punycode label is refused by the schema (parsers disagree on them)', () => {
    const check = createAjv().compile(SiteOrigin);
    assert.equal(check('https://shop.example'), true);
    assert.equal(check('https://xn--fiqs8s.example'), false);
    assert.equal(check('https://a.xn--fiqs8s'), false);
  });

  test('plain http is registered only on localhost or 127.0.0.1, where wallets accept it', () =>
    withLedger(async (l) => {
      await refused(l, accreditSite(shop, siteTerms(['http://shop.example'])), /plain http/);
      await pass(
        l,
        accreditSite(shop, siteTerms(['http://127.0.0.1:4000', 'http://localhost:4000'])),
      );
    }));
});

describe('queries', () => {
  test('roles, accreditation and site-origin carry the site terms', () =>
    withLedger(async (l) => {
      await pass(l, accreditSite(shop, siteTerms([SHOP, SHOP2]), 'Shop'));
      const app = await buildApp(l.node, { logger: false });
      try {
        const get = async (url: string) => {
          const res = await app.inject({ url });
          return { status: res.statusCode, json: res.json<Record<string, unknown>>() };
        };
        const roles = await get('/v1/gov/roles?role=relying-party');
        assert.equal(roles.status, 200);
        assert.deepEqual(
          (roles.json.roles as { site: unknown }[]).map((r) => r.site),
          [siteTerms([SHOP, SHOP2])],
        );
        const acc = await get(`/v1/gov/accreditations/relying-party/${shop}`);
        assert.deepEqual((acc.json.current as { site: unknown }).site, siteTerms([SHOP, SHOP2]));
        const byOrigin = await get(`/v1/gov/site-origins/${encodeURIComponent(SHOP2)}`);
        assert.equal(byOrigin.status, 200);
        assert.equal(byOrigin.json.did, shop);
        assert.deepEqual(
          (byOrigin.json.registration as { site: unknown }).site,
          siteTerms([SHOP, SHOP2]),
        );
        assert.deepEqual(byOrigin.json.keys, {
          origin: GOV_KEYS.siteOrigin(SHOP2),
          registration: GOV_KEYS.role('relying-party', shop),
        });
        const none = await get(`/v1/gov/site-origins/${encodeURIComponent(NEWS)}`);
        assert.equal(none.status, 404);
        assert.equal(none.json.code, 'ERR_LEDGER_NOT_FOUND');
        const bad = await get(`/v1/gov/site-origins/${encodeURIComponent('ftp://x')}`);
        assert.equal(bad.status, 400);
      } finally {
        await app.close();
      }
    }));
});

describe('genesis roles', () => {
  const rp = (subject: string, site?: SiteTerms, role = 'relying-party'): JsonValue => ({
    role,
    subject,
    name: 'Site',
    scope: {},
    ...(site ? { site } : {}),
  });

  test('a genesis relying party is registered with its origins', () =>
    withLedger(
      async (l) => {
        assert.deepEqual(origins(l), { [SHOP]: shop, [NEWS]: news });
        assert.equal(getRole(l.node.chain.state, 'relying-party', shop)?.grantedBy, 'genesis');
      },
      [rp(shop, siteTerms([SHOP])), rp(news, siteTerms([NEWS]))],
    ));

  const bad: [string, JsonValue[], RegExp][] = [
    ['a relying party without terms', [rp(shop)], /needs site terms/],
    ['terms on another role', [rp(shop, siteTerms([SHOP]), 'querier')], /only a relying-party/],
    [
      'one origin for two sites',
      [rp(shop, siteTerms([SHOP])), rp(news, siteTerms([NEWS, SHOP]))],
      /registered to another site/,
    ],
    [
      'a purpose naming an unregistered policy',
      [
        rp(
          shop,
          withTerms({ purposes: [{ id: 'a', description: 'a', claims: [], policies: ['x'] }] }),
        ),
      ],
      /names policy "x"/,
    ],
  ];
  for (const [name, roles, message] of bad)
    test(`${name} → ERR_LEDGER_BAD_GENESIS`, () => {
      assert.throws(
        () => openTestLedger({ orgs: 1, genesis: { quorum: 1, roles } }),
        (err: unknown) => isAppError(err, 'ERR_LEDGER_BAD_GENESIS') && message.test(err.message),
      );
    });
});
