/**
 * The wallet page's credit report in a real browser: Debian's chromium (playwright-core) against
 * `realdid wallet serve`'s server (startWalletServer, in process) over a real wallet file, and a
 * node on 127.0.0.1 where a bank and a court (accredited credit issuers) write records about the
 * person. The page explains the missing credit credential and obtains it; shows the records, the
 * score with its reasons and the proofs checked in the browser; gives a consent token the lender
 * queries with; the person disputes a record and sees the deadline; block time passes the
 * deadline (the node's clock moves; the end-of-block hook suppresses the record) and the reloaded
 * page shows the record suppressed, the score changed with its reasons, and the lender's query.
 * Screenshots at 390×844, in English and in 中文, go to test-artifacts/wallet-credit/.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { startWalletServer, type WalletServer } from '../../src/cli/index.ts';
import { CreditClient, type ConsentToken } from '../../src/sdk/index.ts';
import {
  artifactDir,
  chromiumPath,
  launchChromium,
  NO_CHROMIUM,
  screenshot,
} from '../helpers/browser.ts';
import {
  DAY_MS,
  DISPUTE_DAYS,
  openCreditWorld,
  PERSON,
  type CreditWorld,
} from '../cli/_wallet-credit-world.ts';

const CHROMIUM = chromiumPath();
const STATEMENT = 'The judgment was performed in full on 2026-10-20; see the enforcement receipt.';

let world: CreditWorld;
let server: WalletServer;
let browser: Browser;
let loan = '';
let judgment = '';

before(async () => {
  if (CHROMIUM === undefined) return;
  [world, browser] = await Promise.all([openCreditWorld(), launchChromium(CHROMIUM)]);
  const w = await world.person('her');
  loan = await world.issue(world.bank, PERSON.idNumber, {
    category: 'loan-default',
    severity: 2,
    basis: 'Loan contract 2024-0917, Article 12 (more than 90 days past due)',
    ago: 100,
  });
  judgment = await world.issue(world.court, PERSON.idNumber, {
    category: 'judgment-default',
    severity: 2,
    basis: 'Civil Procedure Law of the PRC, Article 266',
    ago: 45,
  });
  server = await startWalletServer(world.context(w), { port: 0 });
});

after(async () => {
  await browser?.close();
  await server?.close();
  await world?.close();
});

const card = (page: Page, id: string) => page.locator(`article[data-record="${id}"]`);
const scoreOn = async (page: Page) => Number(await page.getAttribute('[data-score]', 'data-score'));
const reasonsOn = (page: Page) =>
  page.locator('[data-reason]').evaluateAll((els) => els.map((e) => e.getAttribute('data-reason')));

test('the credit report in chromium: credential, records and score, a dispute, its deadline passing', async (t) => {
  if (CHROMIUM === undefined) return t.skip(NO_CHROMIUM);
  const context = await browser.newContext({ viewport: { width: 390, height: 844 } }); // a phone
  const page = await context.newPage();
  const shots = artifactDir('wallet-credit');
  const shot = async (step: string) =>
    t.diagnostic(`screenshot ${await screenshot(page, shots, step)}`);
  page.on('pageerror', (err) => t.diagnostic(`page error: ${err.message}`));

  await page.goto(server.loginUrl); // sets the session cookie, then /
  await page.goto(`${server.url}/#/credit`);
  await page.getByRole('heading', { name: 'No credit credential yet' }).waitFor();
  await page.click('[data-action="obtain"]');

  // the records and the score with its reasons, the proofs checked in this browser
  await card(page, judgment).and(page.locator('[data-status="in-force"]')).waitFor();
  assert.equal(await card(page, loan).getAttribute('data-status'), 'in-force');
  assert.match(await card(page, loan).innerText(), /Loan default[\s\S]*Demo Bank/);
  const before = await scoreOn(page);
  assert.deepEqual((await reasonsOn(page)).sort(), ['NEG-judgment-default', 'NEG-loan-default']);
  assert.equal(await page.getAttribute('[data-matches]', 'data-matches'), 'true');
  const proofs = page.locator('.credit-proofs');
  assert.equal(
    await proofs.locator('[data-verified]').getAttribute('data-verified'),
    'true',
    await proofs.innerText(),
  );
  await shot('1-report');

  // a consent token, given to the lender, who queries with it
  await page.getByLabel('Querier DID').fill(world.lender.did);
  await page.getByLabel(/^Purpose/).fill('loan-underwriting');
  await page.getByLabel('Valid for').selectOption('1d');
  await page.getByRole('button', { name: 'Make the token' }).click();
  const token = JSON.parse(await page.locator('#credit-token').inputValue()) as ConsentToken;
  assert.equal(token.querier, world.lender.did);
  const query = await new CreditClient(world.client).queryWithConsent(world.lender, token);
  assert.equal(query.event.value.outcome, 'allowed');

  // the dispute: statement with its counter, confirmation, then the deadline
  const j = card(page, judgment);
  await j.getByRole('button', { name: 'Dispute this record' }).click();
  await j.getByLabel(/Your statement/).fill(STATEMENT);
  assert.equal(
    await j.locator('[aria-live="polite"]').first().innerText(),
    `${STATEMENT.length} / 500 characters`,
  );
  await j.getByRole('button', { name: 'Dispute…' }).click();
  await j.getByRole('button', { name: 'Confirm the dispute' }).click();
  const filed = page.locator(`[data-filed="${judgment}"]`);
  await filed.waitFor();
  assert.match(
    await filed.innerText(),
    new RegExp(`must answer by .*\\(${DISPUTE_DAYS} days left\\)`),
  );
  assert.equal(await card(page, judgment).getAttribute('data-status'), 'disputed');
  await shot('2-disputed');

  // block time passes the deadline: the end-of-block hook suppresses the record
  world.advance(DISPUTE_DAYS * DAY_MS + 60_000);
  const credit = new CreditClient(world.client);
  for (let i = 0; !(await credit.record(judgment)).value.suppressed; i++) {
    assert.ok(i < 100, 'the dispute did not lapse');
    await new Promise((r) => setTimeout(r, 50));
  }
  await page.reload();
  await card(page, judgment).and(page.locator('[data-status="suppressed"]')).waitFor();
  assert.match(await card(page, judgment).innerText(), /suppressed[\s\S]*the deadline has passed/);
  const after = await scoreOn(page);
  assert.ok(after > before, `the score ${before} → ${after}`);
  assert.equal(Number(await page.getAttribute('[data-before]', 'data-before')), before);
  assert.deepEqual(await reasonsOn(page), ['NEG-loan-default']);
  const queried = page.locator(`[data-query="${query.id}"]`);
  assert.equal(await queried.getAttribute('data-outcome'), 'allowed');
  await shot('3-suppressed');

  await page.click('.lang-switch');
  await page.getByRole('heading', { name: '我的信用报告' }).waitFor();
  assert.match(await card(page, judgment).innerText(), /已屏蔽/);
  await shot('4-zh');
  await context.close();
});
