/**
 * `GET /` (src/node/routes/home.ts): the URL `npm start` prints shows the node, its chain and
 * links to the API as HTML, and the same facts as JSON when asked for; everything put into the
 * HTML is escaped.
 */
import assert from 'node:assert/strict';
import { Value } from '@sinclair/typebox/value';
import type { FastifyInstance } from 'fastify';
import { after, before, describe, test } from 'node:test';
import { buildApp } from '../../src/node/index.ts';
import {
  escapeHtml,
  Home,
  prefersJson,
  renderHomeHtml,
  type HomeInfo,
} from '../../src/node/routes/home.ts';
import { openTestLedger, type TestLedger } from '../helpers/ledger.ts';

const BROWSER_ACCEPT =
  'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8';

describe('GET /', () => {
  let l: TestLedger;
  let app: FastifyInstance;
  before(async () => {
    l = openTestLedger({ orgs: 3 });
    app = await buildApp(l.node);
    await l.submitOk(0, 'gov.propose', {
      change: { type: 'set-param', name: 'disputeDays', value: 20 },
    });
  });
  after(async () => {
    await app.close();
    await l.close();
  });

  test('a browser gets an HTML page with the node, its chain and links (before the fix: 404)', async () => {
    const res = await app.inject({ method: 'GET', url: '/', headers: { accept: BROWSER_ACCEPT } });
    assert.equal(res.statusCode, 200, res.body.slice(0, 200));
    assert.equal(res.headers['content-type'], 'text/html; charset=utf-8');
    assert.match(String(res.headers.vary), /accept/i);
    const html = res.body;
    assert.match(html, /^<!doctype html>/);
    const { chain } = l.node;
    assert.equal(chain.head.height, 1);
    for (const text of [
      chain.chainId,
      chain.genesisHash,
      chain.head.hash,
      'org1',
      l.orgs[0]!.multikey,
    ])
      assert.ok(html.includes(text), `the page shows ${text}`);
    assert.match(html, /<th>Height<\/th><td>1 /);
    assert.match(html, /<th>Pending transactions<\/th><td>0<\/td>/);
    assert.match(
      html,
      /<code>org1<\/code>, <code>org2<\/code>, <code>org3<\/code> <span class="muted">\(quorum 2\)/,
    );
    for (const href of ['/docs', '/docs/json', '/health', '/metrics', '/v1/checkpoint'])
      assert.ok(html.includes(`<a href="${href}">`), `links to ${href}`);
    assert.ok(html.includes('<code>/1.0/identifiers/{did}</code>'), 'names the DID resolver');
    assert.ok(html.includes('<a href="/v1/genesis">'), 'lists the other GET routes');
  });

  test('no Accept, */* and an HTML preference all get HTML; JSON only when preferred', async () => {
    for (const accept of [
      undefined,
      '*/*',
      'text/html',
      'application/json;q=0.5, text/html',
      'text/plain',
    ]) {
      const res = await app.inject({
        method: 'GET',
        url: '/',
        ...(accept === undefined ? {} : { headers: { accept } }),
      });
      assert.equal(res.statusCode, 200);
      assert.equal(res.headers['content-type'], 'text/html; charset=utf-8', `Accept: ${accept}`);
    }
    for (const accept of [
      'application/json',
      'text/html;q=0.1, application/json',
      'application/*',
    ]) {
      const res = await app.inject({ method: 'GET', url: '/', headers: { accept } });
      assert.equal(
        res.headers['content-type'],
        'application/json; charset=utf-8',
        `Accept: ${accept}`,
      );
    }
  });

  test('Accept: application/json gets the same facts as JSON, matching the documented schema', async () => {
    const res = await app.inject({
      method: 'GET',
      url: '/',
      headers: { accept: 'application/json' },
    });
    assert.equal(res.statusCode, 200);
    const body = res.json<HomeInfo>();
    assert.ok(Value.Check(Home, body), JSON.stringify([...Value.Errors(Home, body)].slice(0, 3)));
    const { chain } = l.node;
    assert.deepEqual(body.node, { org: 'org1', key: l.orgs[0]!.multikey });
    assert.deepEqual(body.chain, {
      chainId: chain.chainId,
      genesisHash: chain.genesisHash,
      height: chain.head.height,
      headHash: chain.head.hash,
      headTime: chain.head.header.time,
      pending: l.node.orderer.pending,
    });
    assert.deepEqual(body.consortium, { members: ['org1', 'org2', 'org3'], quorum: 2 });
    assert.deepEqual(
      body.modules,
      chain.registry.modules.map((m) => m.name),
    );
    assert.deepEqual(
      body.links.map((x) => x.href),
      ['/docs', '/docs/json', '/health', '/metrics', '/v1/checkpoint', '/1.0/identifiers/{did}'],
    );
    const paths = body.routes.map((r) => r.path);
    for (const p of ['/health', '/v1/checkpoint', '/1.0/identifiers/{did}'])
      assert.ok(paths.includes(p), `routes list ${p}`);
    assert.ok(!paths.includes('/'), 'not itself');
    // Every linked path answers (the resolver template aside), and so does every route the
    // page links to; those that need input are not links.
    const linked = [
      ...body.links.filter((x) => !x.href.includes('{')).map((x) => x.href),
      ...body.routes.filter((r) => r.linkable).map((r) => r.path),
    ];
    for (const href of linked) {
      const r = await app.inject({ method: 'GET', url: href });
      assert.equal(r.statusCode, 200, `${href}: ${r.body.slice(0, 100)}`);
    }
    assert.deepEqual(
      body.routes
        .filter((r) => ['/v1/state', '/v1/txs/{id}'].includes(r.path))
        .map((r) => r.linkable),
      [false, false],
    );
  });

  test('the page follows the head: a new block shows a new height', async () => {
    await l.submitOk(1, 'gov.propose', {
      change: { type: 'set-param', name: 'disputeDays', value: 21 },
    });
    const body = (
      await app.inject({ method: 'GET', url: '/', headers: { accept: 'application/json' } })
    ).json<HomeInfo>();
    assert.equal(body.chain.height, l.node.chain.head.height);
    assert.equal(body.chain.height, 2);
  });

  test('HEAD / answers 200 without a body; the OpenAPI document describes both representations', async () => {
    const head = await app.inject({ method: 'HEAD', url: '/' });
    assert.equal(head.statusCode, 200);
    assert.equal(head.body, '');
    const doc = (await app.inject({ method: 'GET', url: '/docs/json' })).json<{
      paths: Record<
        string,
        { get: { responses: Record<string, { content: Record<string, unknown> }> } }
      >;
    }>();
    const content = doc.paths['/']!.get.responses['200']!.content;
    assert.deepEqual(Object.keys(content).sort(), ['application/json', 'text/html']);
  });
});

describe('home page rendering', () => {
  const hostile = '<script>alert("x")</script>&\'';
  const info: HomeInfo = {
    name: 'realdid node',
    node: { org: hostile, key: hostile },
    chain: {
      chainId: hostile,
      genesisHash: 'a'.repeat(64),
      height: 3,
      headHash: 'b'.repeat(64),
      headTime: 0,
      pending: 0,
    },
    consortium: { members: [hostile], quorum: 1 },
    modules: [hostile],
    links: [{ rel: 'x', href: `/x"><script>`, title: hostile }],
    routes: [{ path: '/v1/<b>', tag: hostile, summary: hostile, linkable: true }],
  };

  test('escapes every value it puts into the HTML (text and attributes)', () => {
    const html = renderHomeHtml(info);
    assert.doesNotMatch(html, /<script/i);
    assert.doesNotMatch(html, /<b>/);
    assert.ok(html.includes(escapeHtml(hostile)));
    assert.ok(html.includes('href="/x&#34;&#62;&#60;script&#62;"'));
    assert.equal(escapeHtml(`<a href="x">'&`), '&#60;a href=&#34;x&#34;&#62;&#39;&#38;');
  });

  test('prefersJson weighs q-values and specificity (RFC 9110 §12.5.1)', () => {
    assert.equal(prefersJson(undefined), false);
    assert.equal(prefersJson(''), false);
    assert.equal(prefersJson('*/*'), false);
    assert.equal(prefersJson(BROWSER_ACCEPT), false);
    assert.equal(prefersJson('application/json'), true);
    assert.equal(prefersJson('APPLICATION/JSON'), true);
    assert.equal(prefersJson('application/json, text/html'), false, 'a tie is HTML');
    assert.equal(prefersJson('text/html;q=0.5, application/json;q=0.6'), true);
    assert.equal(prefersJson('*/*;q=0.1, application/json'), true);
    assert.equal(prefersJson('application/json;q=0, */*'), false);
    assert.equal(prefersJson('text/html;q=0, */*'), true, 'HTML refused, anything else welcome');
    assert.equal(prefersJson('application/json;q=bogus'), false);
  });
});
