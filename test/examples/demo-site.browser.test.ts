/**
 * The demo site in a real browser: Debian's chromium (through playwright-core, never a downloaded
 * browser) against the demo site and a node on 127.0.0.1, and the person's CLI wallet
 * (`realdid wallet login <link> --yes`, a child process) answering the link read from the page.
 * The story: log in (the page's script sees the answer and shows the account with the pairwise
 * DID), log in on the same device (the wallet's redirect to /login/callback#response_code=…), a
 * creator above 500,000 followers shows their real name under the site's policy (consent receipt
 * recorded on the ledger), and a declined request shown on the page. A screenshot of each step
 * goes to test-artifacts/demo-site/ (printed as diagnostics).
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { derivePairwise } from '../../src/did/index.ts';
import { declineLogin, openLogin } from '../../src/sdk/index.ts';
import {
  artifactDir,
  chromiumPath,
  launchChromium,
  NO_CHROMIUM,
  screenshot,
} from '../helpers/browser.ts';
import { runRealdid } from '../helpers/cli.ts';
import { PEOPLE } from '../identity/_helpers.ts';
import { enrollCliPerson, openDemoWorld, type DemoWorld } from './_demo-site.ts';

const CHROMIUM = chromiumPath();
const WALLET_PASSPHRASE = 'demo site browser test wallet passphrase';

let w: DemoWorld;
let browser: Browser;
let walletEnv: NodeJS.ProcessEnv;
let account: string;
let shots: string;

/** The person, enrolled and restored into a CLI wallet; the account the site will know them by. */
async function enrollPerson(): Promise<void> {
  const p = await enrollCliPerson(w, WALLET_PASSPHRASE);
  walletEnv = p.env;
  account = derivePairwise(p.seed, w.siteUrl).did;
}

/** `realdid wallet login <link> --yes --json`: the CLI wallet answers. */
async function walletLogin(link: string): Promise<Record<string, unknown>> {
  const r = await runRealdid(['wallet', 'login', link, '--yes', '--json'], {
    env: walletEnv,
    timeoutMs: 60_000,
  });
  assert.equal(r.code, 0, `wallet login failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as Record<string, unknown>;
}

/** The request link the waiting page shows. */
async function linkOn(page: Page): Promise<string> {
  await page.waitForURL(/\/login\/[A-Za-z0-9_-]+$/);
  const link = await page.getAttribute('#request-link', 'href');
  assert.ok(
    link !== null && link.startsWith('openid4vp://?client_id='),
    `the page shows a link, got ${link}`,
  );
  assert.equal(await page.textContent('#request-text'), link);
  return link;
}

before(async () => {
  if (CHROMIUM === undefined) return;
  w = await openDemoWorld();
  shots = artifactDir('demo-site');
  [browser] = await Promise.all([launchChromium(CHROMIUM), enrollPerson()]);
});
after(async () => {
  await browser?.close();
  await w?.close();
});

test('the demo site in chromium with the CLI wallet: login, same device, creator under the policy, a declined request', async (t) => {
  if (CHROMIUM === undefined) return t.skip(NO_CHROMIUM);
  const context = await browser.newContext({ viewport: { width: 390, height: 844 } }); // a phone
  const page = await context.newPage();
  const shot = async (step: string) =>
    t.diagnostic(`screenshot ${await screenshot(page, shots, step)}`);

  // 1. log in across devices: the QR code and link, the wallet answers, the page moves on
  await page.goto(w.siteUrl);
  assert.equal(await page.textContent('h1'), 'Log in without giving yourself away');
  await shot('01-home');
  await page.click('#login');
  const link = await linkOn(page);
  assert.equal(await page.locator('svg.qr').count(), 1);
  await shot('02-login-request');
  const out = await walletLogin(link);
  assert.equal(out.account, account);
  assert.deepEqual(out.disclosed, ['age_over_18']);
  await page.waitForURL(`${w.siteUrl}/account`);
  assert.equal(await page.textContent('#account-id'), account);
  assert.equal(await page.textContent('[data-claim="age_over_18"]'), 'true');
  await shot('03-account');
  const cookies = await context.cookies();
  const session = cookies.find((c) => c.name === 'rd_session');
  assert.ok(session?.httpOnly && session.sameSite === 'Lax', JSON.stringify(cookies));

  // 2. the same device: the wallet's redirect carries #response_code to the callback page
  await page.goto(w.siteUrl);
  await page.click('#login-same');
  const same = await linkOn(page);
  assert.equal(await page.locator('svg.qr').count(), 0);
  await shot('04-same-device-request');
  const redirect = (await walletLogin(same)).redirectUri;
  assert.ok(
    typeof redirect === 'string' &&
      redirect.startsWith(`${w.siteUrl}/login/callback#response_code=`),
  );
  await page.goto(redirect);
  await page.waitForURL(`${w.siteUrl}/account`);
  assert.equal(await page.textContent('#account-id'), account, 'the same account again');
  await shot('05-same-device-account');

  // 3. a creator with 612,000 followers: the site invokes creator-real-name
  await page.goto(`${w.siteUrl}/creator`);
  await shot('06-creator-form');
  await page.fill('#followers', '612000');
  await page.click('#creator-login');
  const creator = await linkOn(page);
  assert.match((await page.textContent('main')) ?? '', /creator-real-name/);
  await shot('07-creator-request');
  const signed = await walletLogin(creator);
  assert.equal(signed.policy, 'creator-real-name');
  await page.waitForURL(`${w.siteUrl}/creator`);
  const person = PEOPLE[0]!;
  assert.equal(await page.textContent('#real-name'), `${person.familyName} ${person.givenName}`);
  assert.equal(await page.textContent('#receipt-hash'), signed.receiptHash);
  assert.match((await page.textContent('#ledger-recorded')) ?? '', /^yes, at height \d+/);
  await shot('08-creator-profile');

  // 4. the person declines: the waiting page says so, with the code
  await page.goto(w.siteUrl);
  await page.click('#login');
  const declined = await linkOn(page);
  const client = w.client();
  await declineLogin(client, await openLogin(client, declined));
  await page.waitForURL(/\/continue$/);
  assert.match(
    (await page.textContent('[role="alert"]')) ?? '',
    /You declined the request in your wallet\./,
  );
  assert.equal(await page.textContent('code.code'), 'ERR_IDENTITY_CONSENT_DECLINED');
  await shot('09-declined');
  await context.close();
});
