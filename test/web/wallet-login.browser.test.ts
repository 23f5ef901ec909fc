/**
 * The wallet page in a real browser: Debian's chromium (through playwright-core, never a
 * downloaded browser) against `startWalletServer` in this process, the demo site and a node on
 * 127.0.0.1 (test/helpers/wallet-world.ts). The person enrolled at the front office and restored
 * their wallet; the page opens from the login URL (the token leaves the address bar) and shows the
 * overview; in a second tab the demo site shows its request link, which the person pastes into the
 * wallet page, sees the consent screen (site, purpose, claims), approves, and the site's tab shows
 * the account with the pairwise DID; a request for a claim outside the site's registration is
 * refused with its code; the sites and activity views show the login. A page of another port of
 * 127.0.0.1 gets the session cookie sent to its own server, yet neither it nor a program replaying
 * the cookie can use the wallet's API (the session's key is only in the wallet tab); a new tab
 * without the key says to open the printed URL again, and the URL without the token shows the 401
 * page. Last, `realdid wallet serve --json` as a child process. Screenshots go to
 * test-artifacts/wallet-login/.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { startWalletServer, type WalletServer } from '../../src/cli/index.ts';
import {
  artifactDir,
  chromiumPath,
  launchChromium,
  NO_CHROMIUM,
  screenshot,
} from '../helpers/browser.ts';
import { BIN } from '../helpers/cli.ts';
import { openWalletWorld, type WalletWorld } from '../helpers/wallet-world.ts';

const CHROMIUM = chromiumPath();
/** Where the wallet tab keeps the session's key (web/wallet/wallet-api.ts). */
const KEY_STORAGE = 'realdid.wallet.key';

let w: WalletWorld;
let server: WalletServer;
let browser: Browser;
let shots: string;

before(async () => {
  shots = artifactDir('wallet-login');
  const launched = CHROMIUM === undefined ? undefined : launchChromium(CHROMIUM);
  w = await openWalletWorld();
  server = await startWalletServer(w.context());
  if (launched !== undefined) browser = await launched;
});
after(async () => {
  await browser?.close();
  await server?.close();
  await w?.close();
});

/**
 * What a page of another origin gets from the wallet's API (a string, so that the bundler adds
 * nothing to it): with the wallet header, without it, a JSON POST, and a `no-cors` GET.
 */
const CROSS_ORIGIN_TRIES = `(async (api) => {
  const attempt = async (init, path) => {
    try {
      const r = await fetch(api + (path || '/api/status'), Object.assign({ credentials: 'include' }, init));
      return 'read ' + r.type + ' ' + r.status + ' ' + (await r.text()).length;
    } catch (err) {
      return 'blocked ' + err.name;
    }
  };
  return [
    await attempt({ headers: { 'x-realdid-wallet': '1' } }),
    await attempt({}),
    await attempt({ method: 'POST', headers: { 'content-type': 'application/json', 'x-realdid-wallet': '1' }, body: '{"link":"x"}' }, '/api/login'),
    await attempt({ mode: 'no-cors' }),
  ];
})`;

const text = async (page: Page, selector: string): Promise<string> =>
  ((await page.textContent(selector)) ?? '').trim();

/** Pastes `link` into the wallet page's login form and asks the wallet to check it. */
async function paste(wallet: Page, link: string): Promise<void> {
  await wallet.bringToFront(); // a tab in the background gets few animation frames: clicks wait
  await wallet.click('nav a[href="#/login"]');
  if ((await wallet.locator('#login-again').count()) > 0) await wallet.click('#login-again');
  await wallet.fill('#login-link', link);
  await wallet.click('#open-link');
}

test('chromium: the overview, a login approved on the consent screen, an unregistered claim refused, sites and activity', async (t) => {
  if (CHROMIUM === undefined) return t.skip(NO_CHROMIUM);
  const context = await browser.newContext({
    viewport: { width: 1100, height: 900 },
    locale: 'en-GB',
  });
  const wallet = await context.newPage();
  const start = Date.now();
  const shot = async (page: Page, step: string) =>
    t.diagnostic(`${Date.now() - start} ms: screenshot ${await screenshot(page, shots, step)}`);

  // the login URL opens a session and leaves the address bar without its token or the key
  await wallet.goto(server.loginUrl);
  await wallet.waitForSelector('#master-did');
  assert.equal(wallet.url(), `${server.url}/#/`);
  const key = await wallet.evaluate(
    (name) => (globalThis as any).sessionStorage.getItem(name) as string | null,
    KEY_STORAGE,
  );
  assert.match(String(key), /^[A-Za-z0-9_-]{43}$/, 'the tab keeps the session key');
  assert.equal(await text(wallet, '#master-did'), w.did);
  assert.equal(await wallet.getAttribute('#enrollment-status', 'data-status'), 'active');
  assert.equal(await wallet.getAttribute('nav a[href="#/"]', 'aria-current'), 'page');
  const session = (await context.cookies(server.url)).find(
    (c) => c.name === 'realdid_wallet_session',
  );
  assert.ok(session?.httpOnly === true && session.sameSite === 'Strict', JSON.stringify(session));
  await shot(wallet, '01-overview');

  // the demo site, in a second tab, shows its request link
  const site = await context.newPage();
  await site.bringToFront();
  await site.goto(w.demo.siteUrl);
  await site.click('#login');
  await site.waitForURL(/\/login\/[A-Za-z0-9_-]+$/);
  const link = (await site.getAttribute('#request-link', 'href'))!;
  assert.ok(link.startsWith('openid4vp://?client_id='), link);
  assert.match(await text(site, 'main'), /realdid wallet serve/);
  await shot(site, '02-site-request');

  // pasted into the wallet page: the consent screen, then approve
  await paste(wallet, link);
  await wallet.waitForSelector('#consent');
  assert.equal(await text(wallet, '#consent-site'), 'realdid demo site');
  assert.match(
    await text(wallet, '#consent-origin'),
    new RegExp(w.demo.siteUrl.replace(/\./g, '\\.')),
  );
  assert.equal(await text(wallet, '#consent-did'), w.demo.signer.did);
  assert.match(await text(wallet, '#consent-purpose'), /\[login\]/);
  const claims = await wallet
    .locator('#consent-claims [data-claim]')
    .evaluateAll((els) => els.map((e) => e.getAttribute('data-claim')));
  assert.deepEqual(claims, ['age_over_18']);
  assert.equal(await text(wallet, '#consent-account'), w.account);
  assert.equal(await wallet.locator('#consent-policy').count(), 0);
  await shot(wallet, '03-consent');
  await wallet.click('#approve');
  await wallet.waitForSelector('#outcome-account');
  assert.equal(await text(wallet, '#outcome-account'), w.account);
  assert.equal(await text(wallet, '#outcome-shown'), 'over 18');
  await shot(wallet, '04-outcome');
  await site.bringToFront();
  await site.waitForURL(`${w.demo.siteUrl}/account`);
  assert.equal(await text(site, '#account-id'), w.account);
  await shot(site, '05-site-account');

  // a request for a claim outside the site's registration: refused with its code
  await paste(wallet, w.signedLink('outside', ['birthdate']));
  await wallet.waitForSelector('#login-refused');
  assert.equal(await text(wallet, '#login-refused code.code'), 'ERR_IDENTITY_CLAIM_NOT_REGISTERED');
  assert.match(await text(wallet, '#login-refused'), /did not register for this purpose/);
  await shot(wallet, '06-refused');

  // a creator above 500,000 followers, on a phone: the policy box, then the receipt
  await wallet.setViewportSize({ width: 390, height: 844 });
  await site.bringToFront();
  await site.goto(`${w.demo.siteUrl}/creator`);
  await site.fill('#followers', '612000');
  await site.click('#creator-login');
  await site.waitForURL(/\/login\/[A-Za-z0-9_-]+$/);
  // this time scanned, not pasted: a picture of the site's QR code read by the wallet page
  const qr = await site.locator('svg.qr').screenshot();
  await wallet.bringToFront();
  await wallet.click('nav a[href="#/login"]');
  if ((await wallet.locator('#login-again').count()) > 0) await wallet.click('#login-again');
  const noCode = await site.locator('h1').screenshot();
  await wallet.setInputFiles('#scan-file', {
    name: 'h1.png',
    mimeType: 'image/png',
    buffer: noCode,
  });
  await wallet.waitForFunction(() =>
    /No QR code found/.test(
      (globalThis as any).document.getElementById('scan-status')?.textContent ?? '',
    ),
  );
  assert.equal(await wallet.locator('#consent').count(), 0, 'nothing opened without a code');
  await wallet.setInputFiles('#scan-file', { name: 'qr.png', mimeType: 'image/png', buffer: qr });
  await wallet.waitForSelector('#consent-policy');
  assert.equal(await wallet.getAttribute('#consent-policy', 'data-policy'), 'creator-real-name');
  assert.match(await text(wallet, '#policy-basis'), /500,000 followers/);
  assert.equal(await text(wallet, '#policy-condition'), 'followers > 500000');
  assert.match(await text(wallet, '#consent-policy'), /signs a consent receipt/);
  await wallet.locator('#consent-policy').scrollIntoViewIfNeeded();
  await shot(wallet, '07-consent-policy-390x844');
  await wallet.click('#approve');
  await wallet.waitForSelector('#receipt-hash');
  const receiptHash = await text(wallet, '#receipt-hash');
  await site.waitForURL(`${w.demo.siteUrl}/creator`);
  assert.equal(await text(site, '#receipt-hash'), receiptHash);
  await wallet.click('nav a[href="#/receipts"]');
  await wallet.waitForSelector(`[data-receipt="${receiptHash}"]`);
  await wallet.setViewportSize({ width: 1100, height: 900 });

  // the sites and activity views show the logins
  await wallet.bringToFront();
  await wallet.click('nav a[href="#/sites"]');
  await wallet.waitForSelector(`[data-site="${w.demo.signer.did}"]`);
  assert.match(await text(wallet, 'main table'), new RegExp(w.account));
  await wallet.click('nav a[href="#/activity"]');
  await wallet.waitForSelector('#events');
  assert.equal(await wallet.locator('li[data-kind="login"][data-outcome="sent"]').count(), 2);
  assert.equal(await wallet.locator('li[data-kind="login"][data-outcome="refused"]').count(), 1);
  assert.match(await text(wallet, 'li[data-kind="enrollment"]'), /state proof of idn\/master\//);
  await shot(wallet, '08-activity');

  // a phone, then 中文
  await wallet.setViewportSize({ width: 390, height: 844 });
  await wallet.click('nav a[href="#/"]');
  await wallet.waitForSelector('#master-did');
  await wallet.click('.lang-switch');
  await wallet.waitForFunction(
    () => /我的钱包/.test(String((globalThis as any).document.querySelector('h2')?.textContent)),
    undefined,
    { polling: 50 },
  );
  assert.equal(await text(wallet, 'nav a[href="#/login"]'), '登录网站');
  await shot(wallet, '09-overview-zh');
  const stored = await wallet.evaluate(() => Object.keys((globalThis as any).localStorage));
  assert.deepEqual(stored, ['realdid.lang'], 'nothing but the language preference is kept');
  const tabOnly = await wallet.evaluate(() => Object.keys((globalThis as any).sessionStorage));
  assert.deepEqual(tabOnly, [KEY_STORAGE], "the tab keeps the session's key, nothing else");
  await context.close();
});

test('chromium: another port of 127.0.0.1 gets the cookie but cannot use the wallet API; a tab without the key and the URL without the token say what to open', async (t) => {
  if (CHROMIUM === undefined) return t.skip(NO_CHROMIUM);
  const context = await browser.newContext();
  const wallet = await context.newPage();
  await wallet.goto(server.loginUrl); // the session cookie is set for 127.0.0.1, any port
  await wallet.waitForSelector('#master-did');
  const key = await wallet.evaluate(
    (name) => (globalThis as any).sessionStorage.getItem(name) as string | null,
    KEY_STORAGE,
  );
  const other = await context.newPage();
  await other.goto(`${w.otherUrl}/other-page`);
  // browsers do not isolate cookies by port: the other server receives the wallet's cookie
  const echoed = await other.evaluate(async () => {
    const r = await fetch('/echo-cookie');
    return ((await r.json()) as { cookie: string | null }).cookie;
  });
  assert.match(String(echoed), /realdid_wallet_session=[A-Za-z0-9_-]{43}/);
  // but not the key, which only the wallet origin's sessionStorage holds
  assert.equal(
    await other.evaluate((name) => (globalThis as any).sessionStorage.getItem(name), KEY_STORAGE),
    null,
  );
  // a program holding the cookie (that other server, say) replays it: refused without the key
  for (const header of ['1', undefined]) {
    const replay = await fetch(`${server.url}/api/status`, {
      headers: { cookie: echoed!, ...(header === undefined ? {} : { 'x-realdid-wallet': header }) },
    });
    assert.equal(replay.status, 403);
    assert.equal(((await replay.json()) as { code: string }).code, 'ERR_CLI_WALLET_HEADER');
  }
  const tries = await other.evaluate<string[]>(
    `${CROSS_ORIGIN_TRIES}(${JSON.stringify(server.url)})`,
  );
  // with the header: the preflight is never granted; without it, or as a JSON POST: no CORS
  // header in the answer; `no-cors`: Cross-Origin-Resource-Policy: same-origin blocks even an
  // opaque answer. (What the server itself answers them is tested in test/cli/wallet-server.test.ts.)
  assert.deepEqual(tries, Array(4).fill('blocked TypeError'));
  const own = await wallet.evaluate(
    (k) =>
      Promise.all(
        ['1', k!].map(
          async (header) =>
            (await fetch('/api/status', { headers: { 'x-realdid-wallet': header } })).status,
        ),
      ),
    key,
  );
  assert.deepEqual(own, [403, 200], 'the wallet page itself reads its API, with its key');

  // a new tab of the same browser has the cookie but not the key: it says to open the URL again
  const tab = await context.newPage();
  await tab.goto(server.url);
  await tab.waitForSelector('.error');
  assert.equal(await text(tab, '.error code.code'), 'ERR_CLI_WALLET_SESSION');
  assert.match(await text(tab, '.error-words'), /Open the URL that realdid wallet serve printed/);
  t.diagnostic(`screenshot ${await screenshot(tab, shots, '10-new-tab-no-key')}`);

  const fresh = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const page = await fresh.newPage();
  for (const url of [server.url, `${server.url}/?token=wrong`]) {
    const res = await page.goto(url);
    assert.equal(res?.status(), 401, url);
    assert.match(await text(page, '#no-session'), /Open the URL that realdid wallet serve printed/);
  }
  assert.deepEqual(await fresh.cookies(), []);
  t.diagnostic(`screenshot ${await screenshot(page, shots, '11-no-session')}`);
  await fresh.close();
  await context.close();
});

test('realdid wallet serve --json prints one JSON line; its URL opens a session; SIGTERM stops it', async () => {
  const child = spawn(process.execPath, [BIN, 'wallet', 'serve', '--json'], {
    env: w.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  try {
    const line = await new Promise<string>((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error(`no URL in 20 s; stderr ${stderr}`)), 20_000);
      child.stdout.setEncoding('utf8').on('data', (d: string) => {
        out += d;
        if (out.includes('\n')) {
          clearTimeout(timer);
          resolve(out.split('\n')[0]!);
        }
      });
    });
    const { url, loginUrl } = JSON.parse(line) as { url: string; loginUrl: string };
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.match(loginUrl, new RegExp(`^${url.replace(/\./g, '\\.')}/\\?token=[A-Za-z0-9_-]{43}$`));
    assert.equal((await fetch(url)).status, 401);
    const opened = await fetch(loginUrl, { redirect: 'manual' });
    assert.equal(opened.status, 303);
    const cookie = opened.headers.getSetCookie()[0]!.split(';')[0]!;
    const key = /^\/#k=([A-Za-z0-9_-]{43})$/.exec(opened.headers.get('location') ?? '')?.[1];
    assert.ok(key !== undefined, `${opened.headers.get('location')}`);
    const status = await fetch(`${url}/api/status`, {
      headers: { cookie, 'x-realdid-wallet': key },
    });
    assert.equal(((await status.json()) as { wallet: { did: string } }).wallet.did, w.did);
  } finally {
    child.kill('SIGTERM');
  }
  assert.equal(await exited, 0, stderr);
});
