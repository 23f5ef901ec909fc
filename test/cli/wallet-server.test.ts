/**
 * `startWalletServer` in this process, over real HTTP on 127.0.0.1 (node:http, so that the Host,
 * Origin and Sec-Fetch-Site headers can be anything): the login URL's token and the session it
 * opens (a cookie, and a key in the redirect's fragment), the Host check (DNS rebinding), the API's
 * session, key and origin checks (the cookie alone, as another server on 127.0.0.1 receives it,
 * opens nothing; a planted cookie of the same name locks nobody out), never a CORS header,
 * `no-store`; then the API itself against the demo site (status with a state proof, a login
 * opened, refused and approved, a request for an unregistered claim refused and logged, the sites,
 * copies, receipts and activity), undecided logins declined at close and logins asked after it
 * declined at once, unexpected errors written to stderr, and no secret (seed, mnemonic,
 * passphrase, private keys, every token, the session keys, the SD-JWT copy) in any answer.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { isAppError } from '../../src/errors.ts';
import { walletErrorHandler } from '../../src/cli/wallet-server/http-errors.ts';
import { PendingLogins } from '../../src/cli/wallet-server/pending-logins.ts';
import { startWalletServer, type WalletServer } from '../../src/cli/wallet-server/server.ts';
import { openWalletWorld, type WalletWorld } from '../helpers/wallet-world.ts';
import { exchange, secretsOf, type Answer } from './_wallet-server.ts';

let w: WalletWorld;
let server: WalletServer;
let port: number;
let cookie: string;
/** The key of the session `cookie` opens (sent in the header x-realdid-wallet). */
let key: string;
/** Every login URL of the test's servers (the server is restarted once). */
const loginUrls: string[] = [];
/** Every session key handed out, for the secret scan. */
const keys: string[] = [];
const seen: Answer[] = [];

/** One HTTP exchange with the wallet server; every answer is kept for the secret scan. */
async function http(
  path: string,
  o: { method?: string; headers?: Record<string, string>; body?: unknown } = {},
): Promise<Answer> {
  const a = await exchange(port, path, o);
  seen.push(a);
  return a;
}

/** An API call as the wallet page makes it: session cookie, the session's key, own origin. */
const api = (path: string, o: { method?: string; body?: unknown } = {}) =>
  http(path, {
    ...o,
    headers: {
      cookie,
      'x-realdid-wallet': key,
      'sec-fetch-site': 'same-origin',
      origin: `http://127.0.0.1:${port}`,
    },
  });
const json = (a: Answer) => JSON.parse(a.body) as Record<string, any>;

/** Opens a session with the login URL: its cookie (`name=value`) and its key. */
async function openSession(): Promise<{ cookie: string; key: string }> {
  const opened = await http(new URL(server.loginUrl).pathname + new URL(server.loginUrl).search);
  assert.equal(opened.status, 303);
  const m = /^\/#k=([A-Za-z0-9_-]{43})$/.exec(String(opened.headers.location));
  assert.ok(m !== null, `location ${opened.headers.location}`);
  keys.push(m[1]!);
  return { cookie: opened.headers['set-cookie']![0]!.split(';')[0]!, key: m[1]! };
}

before(async () => {
  w = await openWalletWorld();
  server = await startWalletServer(w.context());
  loginUrls.push(server.loginUrl);
  port = Number(new URL(server.url).port);
});
after(async () => {
  await server?.close();
  await w?.close();
});

test('the page: no token or a wrong one is 401 with no cookie; the token opens a session (303 to /#k=<key>) and the page', async () => {
  assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+$/);
  const token = new URL(server.loginUrl).searchParams.get('token')!;
  assert.equal(server.loginUrl, `${server.url}/?token=${token}`);
  assert.ok(Buffer.from(token, 'base64url').length >= 32 && /^[A-Za-z0-9_-]+$/.test(token));
  const wrongToken = `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`;
  for (const path of ['/', '/?token=', `/?token=${wrongToken}`, `/?token=${token}x`, '/?token=x']) {
    const a = await http(path);
    assert.equal(a.status, 401, path);
    assert.equal(a.headers['set-cookie'], undefined, path);
    assert.match(a.body, /realdid wallet serve/);
    assert.match(a.body, /请打开/);
  }
  const opened = await http(`/?token=${token}`);
  assert.equal(opened.status, 303);
  const m = /^\/#k=([A-Za-z0-9_-]{43})$/.exec(String(opened.headers.location));
  assert.ok(m !== null, `the key goes in the fragment: ${opened.headers.location}`);
  key = m[1]!;
  keys.push(key);
  assert.ok(Buffer.from(key, 'base64url').length >= 32);
  const set = opened.headers['set-cookie']!;
  assert.equal(set.length, 1);
  assert.match(
    set[0]!,
    /^realdid_wallet_session=[A-Za-z0-9_-]{43}; HttpOnly; SameSite=Strict; Path=\/$/,
  );
  cookie = set[0]!.split(';')[0]!;
  assert.ok(!cookie.includes(token), 'the session id is not the token');
  assert.ok(!cookie.includes(key) && key !== token, 'the key is neither the cookie nor the token');
  const page = await http('/', { headers: { cookie } });
  assert.equal(page.status, 200);
  assert.ok(!page.body.includes(key), 'the page (which the cookie alone fetches) holds no key');
  assert.match(page.body, /<script type="module" src="\/web\/wallet\.js">/);
  assert.match(String(page.headers['content-security-policy']), /default-src 'none'/);
  const wrong = await http('/', { headers: { cookie: `${cookie.slice(0, -2)}xx` } });
  assert.equal(wrong.status, 401);
  const script = await http('/web/wallet.js');
  assert.equal(script.status, 200, 'the script holds nothing secret and needs no session');
});

test('every request: a Host other than 127.0.0.1:<port> or localhost:<port> is refused (421)', async () => {
  for (const host of [
    'evil.example',
    `evil.example:${port}`,
    '127.0.0.1',
    `127.0.0.1:${port + 1}`,
    `[::1]:${port}`,
  ]) {
    for (const path of ['/', '/web/style.css', '/api/status']) {
      const a = await http(path, { headers: { host, cookie, 'x-realdid-wallet': '1' } });
      assert.equal(a.status, 421, `${host} ${path}`);
      assert.equal(json(a).code, 'ERR_CLI_WALLET_HOST');
    }
  }
  const local = await http('/api/status', {
    headers: { host: `localhost:${port}`, cookie, 'x-realdid-wallet': key },
  });
  assert.equal(local.status, 200);
});

test('/api/*: no session is 401; no key, a wrong one, a foreign Origin or a cross-site Sec-Fetch-Site is 403; never a CORS header', async () => {
  const h = { 'x-realdid-wallet': key };
  const cases: [string, Record<string, string>, number, string][] = [
    ['/api/status', h, 401, 'ERR_CLI_WALLET_SESSION'],
    [
      '/api/status',
      { ...h, cookie: 'realdid_wallet_session=guess' },
      401,
      'ERR_CLI_WALLET_SESSION',
    ],
    ['/api/nothing-here', h, 401, 'ERR_CLI_WALLET_SESSION'],
    ['/api/credit/report', h, 401, 'ERR_CLI_WALLET_SESSION'],
    ['/api/credit/report', { cookie }, 403, 'ERR_CLI_WALLET_HEADER'],
    ['/api/status', { cookie }, 403, 'ERR_CLI_WALLET_HEADER'],
    ['/api/status', { cookie, 'x-realdid-wallet': 'yes' }, 403, 'ERR_CLI_WALLET_HEADER'],
    ['/api/status', { cookie, 'x-realdid-wallet': `${key}x` }, 403, 'ERR_CLI_WALLET_HEADER'],
    [
      '/api/status',
      { ...h, cookie, origin: `http://127.0.0.1:${port + 1}` },
      403,
      'ERR_CLI_WALLET_CROSS_ORIGIN',
    ],
    ['/api/status', { ...h, cookie, origin: 'null' }, 403, 'ERR_CLI_WALLET_CROSS_ORIGIN'],
    [
      '/api/status',
      { ...h, cookie, 'sec-fetch-site': 'cross-site' },
      403,
      'ERR_CLI_WALLET_CROSS_ORIGIN',
    ],
    [
      '/api/status',
      { ...h, cookie, 'sec-fetch-site': 'same-site' },
      403,
      'ERR_CLI_WALLET_CROSS_ORIGIN',
    ],
    ['/%61pi/status', { cookie }, 403, 'ERR_CLI_WALLET_HEADER'],
  ];
  for (const [path, headers, status, code] of cases) {
    const a = await http(path, { headers });
    assert.equal(a.status, status, `${path} ${JSON.stringify(headers)}: ${a.body}`);
    assert.equal(json(a).code, code);
  }
  const post = await http('/api/login', {
    method: 'POST',
    headers: { cookie, 'content-type': 'text/plain' },
    body: { link: 'openid4vp://' },
  });
  assert.equal(post.status, 403, 'a form or no-cors post from another page does nothing');
  const preflight = await http('/api/status', {
    method: 'OPTIONS',
    headers: {
      origin: w.demo.siteUrl,
      'access-control-request-method': 'GET',
      'access-control-request-headers': 'x-realdid-wallet',
    },
  });
  assert.ok(preflight.status >= 400);
  assert.equal((await api('/api/status')).status, 200);
});

test('the cookie alone opens nothing: a program replaying it (as another server on 127.0.0.1 receives it) needs the key of its session', async () => {
  // what a server on another port of 127.0.0.1 gets from the browser, replayed with the old header
  const replay = { host: `127.0.0.1:${port}`, cookie, 'x-realdid-wallet': '1' };
  for (const [method, path, body] of [
    ['GET', '/api/status', undefined],
    ['GET', '/api/activity', undefined],
    ['POST', '/api/login', { link: 'openid4vp://?request_uri=x' }],
    ['POST', '/api/credit/consent', { querier: w.demo.signer.did, purpose: 'x', expires: '1h' }],
    ['POST', '/api/credit/dispute', { record: 'ab'.repeat(32), statement: 'no' }],
  ] as const) {
    const a = await http(path, { method, headers: replay, body });
    assert.deepEqual([a.status, json(a).code], [403, 'ERR_CLI_WALLET_HEADER'], `${method} ${path}`);
  }
  // the page itself is fetched with the cookie alone, and holds no key
  const page = await http('/', { headers: { cookie } });
  assert.equal(page.status, 200);
  for (const k of keys) assert.ok(!page.body.includes(k));
  // another session (the URL opened in another browser): its key opens it, not this one
  const other = await openSession();
  assert.notEqual(other.key, key);
  const mixed = await http('/api/status', {
    headers: { cookie, 'x-realdid-wallet': other.key },
  });
  assert.deepEqual([mixed.status, json(mixed).code], [403, 'ERR_CLI_WALLET_HEADER']);
  const crossed = await http('/api/status', {
    headers: { cookie: other.cookie, 'x-realdid-wallet': key },
  });
  assert.deepEqual([crossed.status, json(crossed).code], [403, 'ERR_CLI_WALLET_HEADER']);
  for (const [c, k] of [
    [cookie, key],
    [other.cookie, other.key],
  ]) {
    const a = await http('/api/status', { headers: { cookie: c!, 'x-realdid-wallet': k! } });
    assert.equal(a.status, 200);
  }
});

test('a cookie of the same name planted by another page of 127.0.0.1 (another path) locks nobody out', async () => {
  // what a page on another port can set: `realdid_wallet_session=x; path=/api` (sent first)
  for (const jar of [
    `realdid_wallet_session=planted; ${cookie}`,
    `${cookie}; realdid_wallet_session=planted`,
    `realdid_wallet_session=; other=1; realdid_wallet_session=planted2; ${cookie}`,
  ]) {
    const a = await http('/api/status', { headers: { cookie: jar, 'x-realdid-wallet': key } });
    assert.equal(a.status, 200, `${jar}: ${a.body}`);
    assert.equal((await http('/', { headers: { cookie: jar } })).status, 200, jar);
  }
  const planted = await http('/api/status', {
    headers: { cookie: 'realdid_wallet_session=planted', 'x-realdid-wallet': key },
  });
  assert.equal(planted.status, 401, 'a planted cookie alone is no session');
});

test('status: the wallet, the node and its chain, the enrollment read with a state proof', async () => {
  const s = json(await api('/api/status'));
  assert.equal(s.wallet.did, w.did);
  assert.equal(s.wallet.path, w.walletFile);
  assert.equal(s.node.reachable, true);
  assert.equal(s.node.url, w.demo.node.url);
  assert.match(s.node.genesisHash, /^[0-9a-f]{64}$/);
  assert.equal(s.enrollment.status, 'active');
  assert.equal(s.enrollment.authority, w.demo.authority);
  assert.equal(s.enrollment.authorityName, 'Demo Site Test Authority');
  assert.deepEqual(s.enrollment.evidence.signers, ['org1']);
  assert.deepEqual(Object.keys(s.wallet).sort(), [
    'authIndex',
    'did',
    'path',
    'plannedDid',
    'recoveryIndex',
  ]);
});

test('login: open → prompt; refuse → declined and the site told; approve → the pairwise account; a decided id is 404', async () => {
  const bad = await api('/api/login', { method: 'POST', body: { link: 'x', extra: 1 } });
  assert.equal(bad.status, 400);
  assert.equal(json(bad).code, 'ERR_API_SCHEMA');
  const notLink = await api('/api/login', { method: 'POST', body: { link: 'https://x.example' } });
  assert.equal(json(notLink).code, 'ERR_IDENTITY_LOGIN_MALFORMED');

  const refused = await w.siteLogin();
  const p1 = json(await api('/api/login', { method: 'POST', body: { link: refused.link } }));
  assert.equal(p1.site.name, 'realdid demo site');
  assert.equal(p1.site.primaryOrigin, w.demo.siteUrl);
  assert.equal(p1.site.did, w.demo.signer.did);
  assert.equal(p1.purpose.id, 'login');
  assert.deepEqual(p1.claims, ['age_over_18']);
  assert.equal(p1.account, w.account);
  assert.equal(p1.policy, undefined);
  const no = json(
    await api(`/api/login/${p1.id}`, { method: 'POST', body: { decision: 'refuse' } }),
  );
  assert.deepEqual(no, {
    outcome: 'declined',
    site: w.demo.signer.did,
    name: 'realdid demo site',
    account: w.account,
  });
  assert.deepEqual(await w.siteStatus(refused), {
    status: 'failed',
    code: 'ERR_IDENTITY_CONSENT_DECLINED',
  });
  const again = await api(`/api/login/${p1.id}`, { method: 'POST', body: { decision: 'approve' } });
  assert.equal(again.status, 404);
  assert.equal(json(again).code, 'ERR_CLI_WALLET_LOGIN_UNKNOWN');
  const badDecision = await api(`/api/login/${p1.id}`, {
    method: 'POST',
    body: { decision: 'yes' },
  });
  assert.equal(json(badDecision).code, 'ERR_API_SCHEMA');

  const approved = await w.siteLogin();
  const p2 = json(await api('/api/login', { method: 'POST', body: { link: approved.link } }));
  const yes = json(
    await api(`/api/login/${p2.id}`, { method: 'POST', body: { decision: 'approve' } }),
  );
  assert.equal(yes.outcome, 'sent');
  assert.equal(yes.account, w.account);
  assert.deepEqual(yes.disclosed, ['age_over_18']);
  assert.match(yes.presentationHash, /^[A-Za-z0-9_-]{43}$/);
  assert.equal((await w.siteStatus(approved)).status, 'done');
});

test('a request for a claim outside the registration is refused with its code, and logged', async () => {
  const a = await api('/api/login', {
    method: 'POST',
    body: { link: w.signedLink('outside', ['birthdate']) },
  });
  assert.equal(a.status, 403);
  assert.equal(json(a).code, 'ERR_IDENTITY_CLAIM_NOT_REGISTERED');
  const { items } = json(await api('/api/activity'));
  const logins = items.filter((i: any) => i.kind === 'login').map((i: any) => i.details);
  assert.deepEqual(
    logins.map((l: any) => `${l.outcome} ${l.code ?? ''}`.trim()),
    ['declined', 'sent', 'refused ERR_IDENTITY_CLAIM_NOT_REGISTERED'],
  );
  const enrollment = items.find((i: any) => i.kind === 'enrollment');
  assert.equal(enrollment.evidence.key, `idn/master/${w.did}`);
  assert.deepEqual(json(await api('/api/lawful')).items, []);
});

test('a login under the disclosure policy: the policy in the prompt, a consent receipt, recorded on the ledger', async () => {
  const creator = await w.siteLogin({ creator: 612_000 });
  const p = json(await api('/api/login', { method: 'POST', body: { link: creator.link } }));
  assert.equal(p.purpose.id, 'creator');
  assert.equal(p.policy.id, 'creator-real-name');
  assert.match(p.policy.legalBasis, /500,000 followers/);
  assert.equal(p.policy.condition, 'followers > 500000');
  assert.deepEqual(p.policy.claims, ['family_name', 'given_name']);
  assert.deepEqual([...p.claims].sort(), ['age_over_18', 'family_name', 'given_name']);
  const yes = json(
    await api(`/api/login/${p.id}`, { method: 'POST', body: { decision: 'approve' } }),
  );
  assert.equal(yes.policy, 'creator-real-name');
  assert.match(yes.receiptHash, /^[0-9a-f]{64}$/);
  assert.equal((await w.siteStatus(creator)).status, 'done');
  const { receipts } = json(await api('/api/receipts'));
  assert.equal(receipts.length, 1);
  const r = receipts[0];
  assert.equal(r.receiptHash, yes.receiptHash);
  assert.equal(r.policy.id, 'creator-real-name');
  assert.equal(r.account, w.account);
  assert.match(r.receipt, /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
  // the site records the disclosure in a transaction: the ledger shows it once it is in a block
  for (let i = 0; i < 50 && r.recorded !== 'yes'; i++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    Object.assign(r, json(await api('/api/receipts')).receipts[0]);
  }
  assert.equal(r.recorded, 'yes');
  assert.equal(r.evidence.key, `idn/disclosure/${yes.receiptHash}`);
});

test('sites, copies and receipts', async () => {
  const { sites } = json(await api('/api/sites'));
  assert.equal(sites.length, 1);
  assert.equal(sites[0].account, w.account);
  assert.equal(sites[0].origin, w.demo.siteUrl);
  assert.equal(sites[0].logins, 2);
  assert.deepEqual(sites[0].lastClaims.sort(), ['age_over_18', 'family_name', 'given_name']);
  assert.deepEqual(sites[0].claimsShown, ['age_over_18', 'family_name', 'given_name']);
  const c = json(await api('/api/credentials'));
  assert.equal(c.statusChecked, true);
  assert.equal(c.copies.length, 1);
  assert.equal(c.copies[0].origin, w.demo.siteUrl);
  assert.equal(c.copies[0].holder, w.account);
  assert.equal(c.copies[0].status, 'valid');
  assert.equal(c.copies[0].credential, undefined);
});

test('close declines an undecided login (the site is told)', async () => {
  const pending = await w.siteLogin();
  const p = json(await api('/api/login', { method: 'POST', body: { link: pending.link } }));
  assert.equal(p.claims[0], 'age_over_18');
  await server.close();
  assert.deepEqual(await w.siteStatus(pending), {
    status: 'failed',
    code: 'ERR_IDENTITY_CONSENT_DECLINED',
  });
  server = await startWalletServer(w.context());
  loginUrls.push(server.loginUrl);
  port = Number(new URL(server.url).port);
  assert.equal(
    (await http('/api/status', { headers: { cookie, 'x-realdid-wallet': key } })).status,
    401,
    'the old session is gone',
  );
  const fresh = await openSession();
  const a = await http('/api/status', {
    headers: { cookie: fresh.cookie, 'x-realdid-wallet': fresh.key },
  });
  assert.equal(a.status, 200);
});

test('a login whose prompt arrives once the server is stopping is declined at once (the site is told)', async () => {
  const ctx = w.context();
  let connect: () => void = () => undefined;
  const connected = new Promise<void>((resolve) => (connect = resolve));
  const pending = new PendingLogins({
    ...ctx,
    client: async () => {
      await connected; // still reaching the node when close() runs
      return ctx.client();
    },
  });
  const login = await w.siteLogin();
  const opening = pending.open(login.link);
  await pending.declineAll();
  connect();
  await assert.rejects(opening, (err) => isAppError(err, 'ERR_IDENTITY_CONSENT_DECLINED'));
  assert.deepEqual(await w.siteStatus(login), {
    status: 'failed',
    code: 'ERR_IDENTITY_CONSENT_DECLINED',
  });
  const late = await w.siteLogin();
  await assert.rejects(pending.open(late.link), (err) =>
    isAppError(err, 'ERR_IDENTITY_CONSENT_DECLINED'),
  );
  assert.equal((await w.siteStatus(late)).status, 'failed');
});

test('an unexpected error (5xx) is written to stderr: route, code, message and stack, nothing of the request', (t) => {
  const written: string[] = [];
  t.mock.method(process.stderr, 'write', (chunk: string) => written.push(chunk) > 0);
  let sent: unknown;
  const reply = {
    status: () => reply,
    send: (body: unknown) => (sent = body),
  };
  const req = {
    method: 'GET',
    url: `/?token=${new URL(server.loginUrl).searchParams.get('token')}`,
    routeOptions: { url: '/api/status' },
    headers: { cookie },
  };
  walletErrorHandler(new TypeError('boom in a route'), req as any, reply as any);
  t.mock.restoreAll();
  assert.deepEqual(sent, {
    code: 'ERR_API_INTERNAL',
    message: 'internal error; the ledger is unchanged',
  });
  assert.equal(written.length, 1);
  const text = written[0]!;
  assert.match(
    text,
    /^realdid wallet serve: ERR_API_INTERNAL on GET \/api\/status: boom in a route\n/,
  );
  assert.match(text, /TypeError: boom in a route\n\s+at /);
  assert.ok(!text.includes(cookie) && !text.includes('token'), text);
});

test('no answer carried a secret or a CORS header; every API answer is no-store', () => {
  assert.equal(loginUrls.length, 2);
  const secrets = [...new Set(loginUrls.flatMap((u) => secretsOf(w, u))), ...keys];
  assert.ok(keys.length >= 3, `${keys.length} session keys`);
  assert.ok(seen.length > 40, `${seen.length} answers`);
  for (const a of seen) {
    const { location, ...headers } = a.headers;
    // the answer opening a session sends its key to the page, in the fragment of the redirect
    if (a.status === 303 && a.path.startsWith('/?token='))
      assert.match(String(location), /^\/#k=[A-Za-z0-9_-]{43}$/);
    else assert.equal(location, undefined, a.path);
    const text = `${JSON.stringify(headers)}\n${a.body}`;
    for (const s of secrets)
      assert.ok(!text.includes(s), `an answer holds a secret: ${text.slice(0, 300)}`);
    for (const h of Object.keys(a.headers)) assert.ok(!h.startsWith('access-control-'), h);
    if (!a.path.startsWith('/web/'))
      assert.equal(a.headers['cache-control'], 'no-store', `${a.path}: cache-control`);
  }
});
