/**
 * `GET /` (src/node/routes/home.ts): the URL `npm start` prints opens the ledger explorer (the
 * HTML shell of web/explorer/, with its script and style sheet under /web/ and a strict CSP),
 * and answers the node, its chain and links to the API as JSON when asked for; the shell escapes
 * what it puts into the HTML. The explorer itself is tested in a browser
 * (test/web/explorer.browser.test.ts).
 */
import assert from 'node:assert/strict';
import { Value } from '@sinclair/typebox/value';
import type { FastifyInstance } from 'fastify';
import { after, before, describe, test } from 'node:test';
import { buildApp } from '../../src/node/index.ts';
import { WEB_CSP, webShell } from '../../src/node/index.ts';
import { Home, prefersJson, type HomeInfo } from '../../src/node/routes/home.ts';
import { escapeHtml } from '../../src/node/web/serve.ts';
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

  test('a browser gets the explorer: its HTML shell, script and style sheet, under a strict CSP', async () => {
    const res = await app.inject({ method: 'GET', url: '/', headers: { accept: BROWSER_ACCEPT } });
    assert.equal(res.statusCode, 200, res.body.slice(0, 200));
    assert.equal(res.headers['content-type'], 'text/html; charset=utf-8');
    assert.match(String(res.headers.vary), /accept/i);
    assert.equal(res.headers['content-security-policy'], WEB_CSP);
    assert.equal(res.headers['x-content-type-options'], 'nosniff');
    const html = res.body;
    assert.match(html, /^<!doctype html>/);
    assert.ok(html.includes('<script type="module" src="/web/explorer.js"></script>'));
    assert.ok(html.includes('<link rel="stylesheet" href="/web/style.css">'));
    assert.ok(html.includes(`<title>realdid explorer · org1 · ${l.node.chain.chainId}</title>`));
    assert.doesNotMatch(
      html,
      /<script>|<style>|\son[a-z]+=/i,
      'no inline script, style or handler',
    );
    const script = await app.inject({ method: 'GET', url: '/web/explorer.js' });
    assert.equal(script.statusCode, 200, script.body.slice(0, 300));
    assert.equal(script.headers['content-type'], 'text/javascript; charset=utf-8');
    assert.equal(script.headers['content-security-policy'], WEB_CSP);
    assert.ok(script.body.length > 10_000, 'the bundled explorer');
    assert.doesNotMatch(script.body, /from ?["']node:/, 'no node built-in left in the bundle');
    const css = await app.inject({ method: 'GET', url: '/web/style.css' });
    assert.equal(css.statusCode, 200);
    assert.equal(css.headers['content-type'], 'text/css; charset=utf-8');
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

  test('the shell escapes its title (which names the org and chain) and app name', () => {
    const html = webShell('explorer', `realdid explorer · ${hostile}`);
    assert.doesNotMatch(html, /<script>alert/i);
    assert.ok(html.includes(escapeHtml(hostile)));
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
