/**
 * The demo site over real HTTP (no browser): its registration by `node init --demo`, every route's
 * status codes and bad input, the security headers and cookie flags, and whole logins answered by
 * the SDK's wallet side (cross-device, same-device, the creator's real name under the
 * `creator-real-name` policy, and a wallet answer the site refuses, shown on the page).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  decodeSdJwtVc,
  parseSdJwt,
  presentSdJwt,
  signerOfKeyPair,
} from '../../src/credentials/index.ts';
import { isAppError } from '../../src/errors.ts';
import { DEMO_SITE_NAME, DEMO_SITE_ORIGINS, demoSiteTerms } from '../../src/identity/index.ts';
import { initDataDir } from '../../src/node/index.ts';
import { answerLogin, openLogin, verifiedSite, type LoginPrompt } from '../../src/sdk/index.ts';
import { loadDemoSiteSigner } from '../../examples/demo-site/site-key.ts';
import { PEOPLE } from '../identity/_helpers.ts';
import {
  CookieJar,
  openDemoWorld,
  PASSPHRASE,
  type DemoPerson,
  type DemoWorld,
} from './_demo-site.ts';

let w: DemoWorld;
let alice: DemoPerson;
let bob: DemoPerson;
before(async () => {
  w = await openDemoWorld();
  [alice, bob] = await Promise.all([
    w.person('demo site alice', PEOPLE[0]!),
    w.person('demo site bob', PEOPLE[2]!),
  ]);
});
after(async () => w?.close());

interface Call {
  form?: Record<string, string>;
  body?: string;
  type?: string;
  accept?: string;
}

/** One request of a browser with `jar`, redirects not followed. */
async function call(jar: CookieJar | undefined, method: string, path: string, c: Call = {}) {
  const headers: Record<string, string> = {};
  if (jar !== undefined && jar.header !== '') headers.cookie = jar.header;
  if (c.accept !== undefined) headers.accept = c.accept;
  let body: string | undefined = c.body;
  if (c.form !== undefined) body = new URLSearchParams(c.form).toString();
  if (body !== undefined) headers['content-type'] = c.type ?? 'application/x-www-form-urlencoded';
  const res = await fetch(w.siteUrl + path, { method, headers, body, redirect: 'manual' });
  jar?.take(res);
  return { res, text: await res.text() };
}

/** Asserts an HTML error page: status, code shown, plain words. */
function assertErrorPage(r: { res: Response; text: string }, status: number, code: string) {
  assert.equal(r.res.status, status, r.text);
  assert.match(r.res.headers.get('content-type') ?? '', /^text\/html/);
  assert.ok(r.text.includes(`<code class="code">${code}</code>`), `page shows ${code}: ${r.text}`);
  assert.match(r.text, /role="alert"/);
  assert.equal(r.res.headers.get('x-content-type-options'), 'nosniff');
  assert.match(
    r.res.headers.get('content-security-policy') ?? '',
    /^default-src 'none'; script-src 'nonce-/,
  );
}

/** Asserts a JSON error: status and code. */
function assertJsonError(r: { res: Response; text: string }, status: number, code: string) {
  assert.equal(r.res.status, status, r.text);
  assert.equal((JSON.parse(r.text) as { code: string }).code, code, r.text);
  assert.equal(r.res.headers.get('x-frame-options'), 'DENY');
  assert.equal(
    r.res.headers.get('content-security-policy'),
    "default-src 'none'; frame-ancestors 'none'",
  );
}

/** Starts a login in `jar`'s browser; returns its id and link. */
async function startLogin(
  jar: CookieJar,
  form: Record<string, string> = { mode: 'cross' },
  path = '/login',
) {
  const r = await call(jar, 'POST', path, { form });
  assert.equal(r.res.status, 303, r.text);
  const id = /^\/login\/([A-Za-z0-9_-]+)$/.exec(r.res.headers.get('location') ?? '')?.[1];
  assert.ok(
    id !== undefined,
    `redirected to the waiting page, got ${r.res.headers.get('location')}`,
  );
  const page = await call(jar, 'GET', `/login/${id}`);
  assert.equal(page.res.status, 200, page.text);
  const link = /id="request-link" href="([^"]+)"/.exec(page.text)?.[1]?.replaceAll('&amp;', '&');
  assert.ok(link !== undefined && link.startsWith('openid4vp://?client_id='), page.text);
  return { id, link, page: page.text };
}

/** The wallet's side: open the link and answer with the person's copy. */
async function walletAnswers(link: string, p: DemoPerson) {
  const client = w.client();
  const prompt = await openLogin(client, link);
  return { prompt, answer: await answerLogin(client, prompt, p.holder) };
}

describe('registration by node init --demo', () => {
  test('the demo site: a did:rdid with one key in authentication, assertion and invocation; its accreditation proven on the ledger', async () => {
    const reg = await verifiedSite(w.client(), w.signer.did);
    assert.equal(reg.name, DEMO_SITE_NAME);
    assert.deepEqual(reg.site.origins, [w.siteUrl, w.siteUrl.replace('127.0.0.1', 'localhost')]);
    assert.deepEqual(reg.site.purposes, demoSiteTerms(reg.site.origins).purposes);
    const policy = reg.site.policies?.find((p) => p.id === 'creator-real-name');
    assert.deepEqual(policy?.claims, ['family_name', 'given_name']);
    assert.equal(policy?.condition, 'followers > 500000');
    assert.match(policy?.legalBasis ?? '', /2025.*500,000 followers/);
    const doc = (await w.client().resolveDid(w.signer.did)).didDocument;
    const key = `${w.signer.did}#site`;
    assert.deepEqual(
      doc.verificationMethod?.map((m) => m.id),
      [key],
    );
    for (const rel of ['authentication', 'assertionMethod', 'capabilityInvocation'] as const)
      assert.deepEqual(
        (doc[rel] as unknown[]).map((r) => (r === '#site' ? key : r)),
        [key],
        rel,
      );
    assert.equal(statSync(join(w.dir, 'keys', 'demo-site.json')).mode & 0o777, 0o600);
    assert.equal(statSync(join(w.dir, 'keys', 'demo-site-recovery.json')).mode & 0o777, 0o600);
  });

  test('without origins the site is registered on 127.0.0.1:4000 and localhost:4000; the key file needs its passphrase', () => {
    const dir = mkdtempSync(join(tmpdir(), 'realdid-demo-site-init-'));
    try {
      initDataDir(dir, {
        passphrase: PASSPHRASE,
        moduleInit: { idn: { authority: {}, demoSite: {} } },
      });
      const loaded = loadDemoSiteSigner(dir, PASSPHRASE);
      assert.deepEqual(loaded.origins, [...DEMO_SITE_ORIGINS]);
      assert.throws(
        () => loadDemoSiteSigner(dir, 'not the passphrase'),
        (e: unknown) => isAppError(e, 'ERR_CRYPTO_WRONG_PASSPHRASE'),
      );
      assert.throws(
        () =>
          initDataDir(join(dir, 'x'), {
            passphrase: PASSPHRASE,
            moduleInit: { idn: { authority: {}, demoSite: { origins: ['ftp://x'] } } },
          }),
        RangeError,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('pages, headers and cookies', () => {
  test('home: HTML in English, one h1, the login forms; CSP with a fresh nonce on the inline style; security headers', async () => {
    const a = await call(undefined, 'GET', '/');
    const b = await call(undefined, 'GET', '/');
    assert.equal(a.res.status, 200);
    assert.match(a.res.headers.get('content-type') ?? '', /^text\/html; charset=utf-8/);
    assert.match(a.text, /<html lang="en">/);
    assert.match(a.text, /<meta name="viewport" content="width=device-width, initial-scale=1">/);
    assert.equal(a.text.match(/<h1>/g)?.length, 1);
    assert.match(a.text, /<form method="post" action="\/login">/);
    assert.match(a.text, />Log in with realdid</);
    assert.doesNotMatch(a.text, /https?:\/\/(?!127\.0\.0\.1)[a-z]/i, 'no external resources');
    const csp = a.res.headers.get('content-security-policy') ?? '';
    const nonce = /style-src 'nonce-([^']+)'/.exec(csp)?.[1];
    assert.ok(nonce !== undefined, csp);
    assert.ok(a.text.includes(`<style nonce="${nonce}">`));
    assert.notEqual(
      nonce,
      /style-src 'nonce-([^']+)'/.exec(b.res.headers.get('content-security-policy')!)?.[1],
    );
    for (const part of [
      "default-src 'none'",
      "frame-ancestors 'none'",
      "form-action 'self'",
      "base-uri 'none'",
    ])
      assert.ok(csp.includes(part), `${part} in ${csp}`);
    assert.equal(a.res.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(a.res.headers.get('x-frame-options'), 'DENY');
    assert.equal(a.res.headers.get('referrer-policy'), 'no-referrer');
    assert.equal(a.res.headers.get('cross-origin-opener-policy'), 'same-origin');
    assert.equal(a.res.headers.get('cache-control'), 'no-store');
    assert.equal(a.res.headers.get('set-cookie'), null, 'no cookie before a login starts');
  });

  test('starting a login sets a random HttpOnly SameSite=Lax browser cookie and shows a QR code, the link and the polling script', async () => {
    const jar = new CookieJar();
    const { id, link, page } = await startLogin(jar);
    const browser = jar.get('rd_browser');
    assert.match(browser ?? '', /^[A-Za-z0-9_-]{43}$/);
    const again = await call(jar, 'POST', '/login', { form: { mode: 'cross' } });
    assert.equal(again.res.headers.get('set-cookie'), null, 'the browser keeps its cookie');
    const other = new CookieJar();
    await startLogin(other);
    assert.notEqual(other.get('rd_browser'), browser);
    const r = await fetch(`${w.siteUrl}/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'mode=cross',
      redirect: 'manual',
    });
    const set = r.headers.get('set-cookie') ?? '';
    assert.match(
      set,
      /^rd_browser=[A-Za-z0-9_-]{43}; Path=\/; Max-Age=86400; HttpOnly; SameSite=Lax$/,
    );
    assert.match(page, /<svg [^>]*role="img" aria-label="QR code of the login request/);
    const url = new URL(link);
    assert.equal(url.searchParams.get('client_id'), `decentralized_identifier:${w.signer.did}`);
    assert.equal(url.searchParams.get('request_uri'), `${w.siteUrl}/oid4vp/request/${id}`);
    const nonce = /script-src 'nonce-([^']+)'/.exec(
      (await call(jar, 'GET', `/login/${id}`)).res.headers.get('content-security-policy')!,
    )?.[1];
    assert.ok(nonce !== undefined);
    assert.match(page, /<script nonce="[^"]+">/);
    assert.match(
      page,
      new RegExp(`href="/login/${id}/continue"`),
      'a link for browsers without JavaScript',
    );
    const status = await call(jar, 'GET', `/login/${id}/status`);
    assert.equal(status.res.status, 200);
    assert.deepEqual(JSON.parse(status.text), { status: 'pending' });
    assert.equal(
      status.res.headers.get('content-security-policy'),
      "default-src 'none'; frame-ancestors 'none'",
    );
    const ro = await call(undefined, 'GET', `/oid4vp/request/${id}`);
    assert.equal(ro.res.status, 200);
    assert.equal(ro.res.headers.get('content-type'), 'application/oauth-authz-req+jwt');
    assert.equal(ro.text.split('.').length, 3);
  });

  test('another browser cannot see, poll or finish a login it did not start', async () => {
    const jar = new CookieJar();
    const { id } = await startLogin(jar);
    for (const path of [`/login/${id}`, `/login/${id}/continue`])
      assertErrorPage(await call(new CookieJar(), 'GET', path), 404, 'ERR_IDENTITY_LOGIN_UNKNOWN');
    assertJsonError(
      await call(undefined, 'GET', `/login/${id}/status`),
      404,
      'ERR_IDENTITY_LOGIN_UNKNOWN',
    );
  });
});

/** A wallet answer disclosing `disclose` (e.g. more than was asked), posted as the form. */
async function postPresentation(prompt: LoginPrompt, p: DemoPerson, disclose: readonly string[]) {
  const chosen = decodeSdJwtVc(p.holder.credential)
    .disclosures.filter((d) => disclose.includes(d.name))
    .map((d) => d.encoded);
  const vp = presentSdJwt(
    parseSdJwt(p.holder.credential).jwtCompact,
    chosen,
    signerOfKeyPair(p.holder.keyPair),
    {
      iat: Math.floor(Date.now() / 1000),
      aud: prompt.clientId,
      nonce: prompt.request.nonce,
    },
  );
  const form = {
    vp_token: JSON.stringify({ [prompt.credentialId]: [vp] }),
    state: prompt.request.state,
  };
  return call(undefined, 'POST', new URL(prompt.responseUri).pathname, { form });
}

describe('logins', () => {
  test('cross-device: the wallet answers, the page moves on, the account page shows the pairwise DID and only age_over_18', async () => {
    const jar = new CookieJar();
    const { id, link } = await startLogin(jar);
    const { prompt, answer } = await walletAnswers(link, alice);
    assert.equal(prompt.site.name, DEMO_SITE_NAME);
    assert.deepEqual(answer.disclosed, ['age_over_18']);
    assert.equal((await call(jar, 'GET', `/login/${id}/status`)).text, '{"status":"done"}');
    const done = await call(jar, 'GET', `/login/${id}/continue`);
    assert.equal(done.res.status, 303);
    assert.equal(done.res.headers.get('location'), '/account');
    assert.match(
      done.res.headers.get('set-cookie') ?? '',
      /^rd_session=[A-Za-z0-9_-]{43}; Path=\/; Max-Age=3600; HttpOnly; SameSite=Lax$/,
    );
    const again = await call(jar, 'GET', `/login/${id}/continue`);
    assert.equal(again.res.status, 303);
    assert.equal(again.res.headers.get('set-cookie'), null, 'one session per login');
    const account = await call(jar, 'GET', '/account');
    assert.equal(account.res.status, 200);
    assert.ok(
      account.text.includes(`<code id="account-id">${alice.holder.did}</code>`),
      account.text,
    );
    assert.match(account.text, /<dd data-claim="age_over_18">true<\/dd>/);
    assert.doesNotMatch(account.text, /family_name|given_name|birthdate/);
    // the same person again: the same account; another person: another one
    const second = new CookieJar();
    const s = await startLogin(second);
    await walletAnswers(s.link, alice);
    await call(second, 'GET', `/login/${s.id}/continue`);
    assert.ok((await call(second, 'GET', '/account')).text.includes(alice.holder.did));
    const third = new CookieJar();
    const t3 = await startLogin(third);
    await walletAnswers(t3.link, bob);
    await call(third, 'GET', `/login/${t3.id}/continue`);
    const bobs = await call(third, 'GET', '/account');
    assert.ok(bobs.text.includes(bob.holder.did) && !bobs.text.includes(alice.holder.did));
    // log out: the cookie is cleared and the session forgotten
    const sid = jar.get('rd_session')!;
    const out = await call(jar, 'POST', '/logout');
    assert.equal(out.res.status, 303);
    assert.match(
      out.res.headers.get('set-cookie') ?? '',
      /^rd_session=; Path=\/; Max-Age=0; HttpOnly; SameSite=Lax$/,
    );
    assert.equal((await call(jar, 'GET', '/account')).res.status, 401);
    const replay = await fetch(`${w.siteUrl}/account`, {
      headers: { cookie: `rd_session=${sid}` },
    });
    assert.equal(replay.status, 401, 'the old session id is dead');
  });

  test('creator above 500,000 followers: the policy is shown, the real name comes out with a consent receipt recorded on the ledger', async () => {
    const jar = new CookieJar();
    const { id, link, page } = await startLogin(jar, { followers: '612000' }, '/creator');
    assert.match(page, /disclosure policy <code>creator-real-name<\/code>/);
    const { prompt, answer } = await walletAnswers(link, alice);
    assert.equal(prompt.policy?.id, 'creator-real-name');
    assert.deepEqual([...prompt.claims].sort(), ['age_over_18', 'family_name', 'given_name']);
    const done = await call(jar, 'GET', `/login/${id}/continue`);
    assert.equal(done.res.headers.get('location'), '/creator');
    const profile = await call(jar, 'GET', '/creator');
    assert.equal(profile.res.status, 200);
    const person = PEOPLE[0]!;
    assert.ok(
      profile.text.includes(
        `<p id="real-name" class="ok">${person.familyName} ${person.givenName}</p>`,
      ),
      profile.text,
    );
    assert.ok(profile.text.includes(`<code id="receipt-hash">${answer.receiptHash}</code>`));
    assert.match(
      profile.text,
      /<dd id="ledger-recorded">yes, at height \d+ \(checked with a state proof\)<\/dd>\n<dt>Ledger transaction<\/dt><dd><code id="disclosure-tx">[0-9a-f]{64}<\/code><\/dd>/,
    );
  });

  test('creator at 1,000 followers: no policy, no name', async () => {
    const jar = new CookieJar();
    const { id, link, page } = await startLogin(jar, { followers: '1000' }, '/creator');
    assert.doesNotMatch(page, /creator-real-name/);
    const { prompt, answer } = await walletAnswers(link, bob);
    assert.equal(prompt.policy, undefined);
    assert.deepEqual(answer.disclosed, ['age_over_18']);
    await call(jar, 'GET', `/login/${id}/continue`);
    const profile = await call(jar, 'GET', '/creator');
    assert.match(profile.text, /id="pseudonymous"/);
    assert.doesNotMatch(profile.text, /real-name|receipt-hash/);
  });

  test('same device: the wallet is sent to /login/callback#response_code=…, which makes the session once, in the browser that started it', async () => {
    const jar = new CookieJar();
    const { link, page } = await startLogin(jar, { mode: 'same' });
    assert.doesNotMatch(page, /<svg/, 'no QR code for a wallet on this device');
    const { answer } = await walletAnswers(link, alice);
    const prefix = `${w.siteUrl}/login/callback#response_code=`;
    const redirect = answer.redirectUri;
    assert.ok(redirect !== undefined && redirect.startsWith(prefix), redirect);
    const code = redirect.slice(prefix.length);
    const cb = await call(jar, 'GET', '/login/callback');
    assert.equal(cb.res.status, 200);
    assert.match(cb.text, /<script nonce="[^"]+">[\s\S]*response_code/);
    const done = await call(jar, 'POST', '/login/callback', { form: { response_code: code } });
    assert.equal(done.res.status, 303, done.text);
    assert.equal(done.res.headers.get('location'), '/account');
    assert.ok((await call(jar, 'GET', '/account')).text.includes(alice.holder.did));
    assertErrorPage(
      await call(jar, 'POST', '/login/callback', { form: { response_code: code } }),
      400,
      'ERR_IDENTITY_LOGIN_BAD_RESPONSE_CODE',
    );
    // a code carried to another browser is refused there
    const mine = new CookieJar();
    const other = await startLogin(mine, { mode: 'same' });
    const theirs = (await walletAnswers(other.link, bob)).answer.redirectUri!.slice(prefix.length);
    assertErrorPage(
      await call(new CookieJar(), 'POST', '/login/callback', { form: { response_code: theirs } }),
      404,
      'ERR_IDENTITY_LOGIN_UNKNOWN',
    );
  });

  test('a wallet that shows more than asked is refused; the waiting browser sees the refusal in plain words with its code', async () => {
    const jar = new CookieJar();
    const { id, link } = await startLogin(jar);
    const prompt = await openLogin(w.client(), link);
    assertJsonError(
      await postPresentation(prompt, bob, ['age_over_18', 'family_name']),
      400,
      'ERR_IDENTITY_DCQL_UNSATISFIED',
    );
    assert.deepEqual(JSON.parse((await call(jar, 'GET', `/login/${id}/status`)).text), {
      status: 'failed',
      code: 'ERR_IDENTITY_DCQL_UNSATISFIED',
    });
    const page = await call(jar, 'GET', `/login/${id}/continue`);
    assertErrorPage(page, 400, 'ERR_IDENTITY_DCQL_UNSATISFIED');
    assert.match(page.text, /The wallet showed other information than the site asked for\./);
    assert.equal(jar.get('rd_session'), undefined);
  });
});

describe('bad input on every route', () => {
  test('pages: bad forms are 400, other media types 415, unknown pages 404, no session 401; all in plain words with their code', async () => {
    const jar = new CookieJar();
    assertErrorPage(await call(jar, 'POST', '/login'), 400, 'ERR_API_SCHEMA');
    assertErrorPage(
      await call(jar, 'POST', '/login', { form: { mode: 'bogus' } }),
      400,
      'ERR_API_SCHEMA',
    );
    assertErrorPage(
      await call(jar, 'POST', '/login', { body: 'mode=cross', type: 'text/plain' }),
      415,
      'ERR_API_UNSUPPORTED_MEDIA_TYPE',
    );
    assertErrorPage(
      await call(jar, 'POST', '/login', { body: 'mode=cross&mode=same' }),
      400,
      'ERR_API_SCHEMA',
    );
    for (const followers of ['abc', '-5', '1.5', '99999999999', ''])
      assertErrorPage(
        await call(jar, 'POST', '/creator', { form: { followers } }),
        400,
        'ERR_API_SCHEMA',
      );
    assertErrorPage(
      await call(jar, 'POST', '/login', { body: `mode=${'x'.repeat(70_000)}` }),
      413,
      'ERR_API_BODY_TOO_LARGE',
    );
    assertErrorPage(await call(jar, 'GET', '/login/not!an!id'), 400, 'ERR_API_SCHEMA');
    assertErrorPage(
      await call(jar, 'GET', `/login/${'a'.repeat(129)}/continue`),
      400,
      'ERR_API_SCHEMA',
    );
    assertErrorPage(
      await call(jar, 'GET', '/login/unknownlogin'),
      404,
      'ERR_IDENTITY_LOGIN_UNKNOWN',
    );
    assertErrorPage(await call(jar, 'POST', '/login/callback'), 400, 'ERR_API_SCHEMA');
    assertErrorPage(
      await call(jar, 'POST', '/login/callback', { form: { response_code: 'no such code' } }),
      400,
      'ERR_API_SCHEMA',
    );
    assertErrorPage(
      await call(jar, 'POST', '/login/callback', { form: { response_code: 'nosuchcode' } }),
      400,
      'ERR_IDENTITY_LOGIN_BAD_RESPONSE_CODE',
    );
    assertErrorPage(await call(jar, 'GET', '/nope'), 404, 'ERR_API_NOT_FOUND');
    assertErrorPage(await call(jar, 'DELETE', '/account'), 404, 'ERR_API_NOT_FOUND');
    const account = await call(new CookieJar(), 'GET', '/account');
    assert.equal(account.res.status, 401);
    assert.match(account.text, /You are not logged in/);
    const forged = await fetch(`${w.siteUrl}/account`, {
      headers: { cookie: 'rd_session=forged' },
    });
    assert.equal(forged.status, 401);
    const logout = await call(new CookieJar(), 'POST', '/logout');
    assert.equal(logout.res.status, 303, 'logging out without a session is harmless');
  });

  test('wallet endpoints answer JSON {code, message} with the registry status; a refused response leaves the login as it was', async () => {
    const jar = new CookieJar();
    const a = await startLogin(jar);
    const b = await startLogin(jar);
    const prompt = await openLogin(w.client(), a.link);
    const state = prompt.request.state;
    const path = `/oid4vp/response/${a.id}`;
    assertJsonError(
      await call(undefined, 'GET', '/oid4vp/request/unknownlogin'),
      404,
      'ERR_IDENTITY_LOGIN_UNKNOWN',
    );
    assertJsonError(await call(undefined, 'GET', '/oid4vp/request/bad!id'), 400, 'ERR_API_SCHEMA');
    assertJsonError(await call(undefined, 'GET', '/oid4vp/nope'), 404, 'ERR_API_NOT_FOUND');
    assertJsonError(
      await call(undefined, 'POST', path, { form: { vp_token: '{}' } }),
      404,
      'ERR_IDENTITY_LOGIN_UNKNOWN',
    );
    assertJsonError(
      await call(undefined, 'POST', `/oid4vp/response/${b.id}`, {
        form: { vp_token: '{}', state },
      }),
      400,
      'ERR_IDENTITY_LOGIN_STATE_MISMATCH',
    );
    assertJsonError(
      await call(undefined, 'POST', path, { body: `state=${state}&state=${state}` }),
      400,
      'ERR_IDENTITY_LOGIN_MALFORMED',
    );
    assertJsonError(
      await call(undefined, 'POST', path, { body: `state=${state}`, type: 'text/plain' }),
      415,
      'ERR_API_UNSUPPORTED_MEDIA_TYPE',
    );
    assertJsonError(
      await call(undefined, 'POST', path, {
        body: `state=${state}&vp_token=${'x'.repeat(70_000)}`,
      }),
      413,
      'ERR_API_BODY_TOO_LARGE',
    );
    assert.deepEqual(JSON.parse((await call(jar, 'GET', `/login/${a.id}/status`)).text), {
      status: 'pending',
    });
    // the right state with a broken form fails the login, and a second answer is refused
    assertJsonError(
      await call(undefined, 'POST', path, { form: { state, vp_token: 'not json' } }),
      400,
      'ERR_IDENTITY_LOGIN_MALFORMED',
    );
    assertJsonError(
      await call(undefined, 'POST', path, { form: { state, vp_token: 'not json' } }),
      409,
      'ERR_IDENTITY_LOGIN_ANSWERED',
    );
    assertJsonError(
      await call(undefined, 'GET', `/oid4vp/request/${a.id}`),
      404,
      'ERR_IDENTITY_LOGIN_UNKNOWN',
    );
    assertErrorPage(
      await call(jar, 'GET', `/login/${a.id}/continue`),
      400,
      'ERR_IDENTITY_LOGIN_MALFORMED',
    );
  });

  test('claims and messages are escaped in pages', async () => {
    const { accountPage } = await import('../../examples/demo-site/pages.ts');
    const html = accountPage({
      flow: 'login',
      login: {
        id: 'x',
        account: 'did:key:z<b>',
        claims: { '<i>': '<script>alert(1)</script>' },
        purpose: 'login"',
        at: 0,
      },
    });
    assert.doesNotMatch(html, /<script>|<b>|<i>/);
    assert.match(html, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
  });
});
