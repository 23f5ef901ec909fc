/**
 * The ledger explorer in a real browser (Debian's chromium through playwright-core), as a
 * newcomer meets it: `realdid node start --demo` on a fresh data folder (a child process; the URL
 * read from what it prints), the printed URL opened, the overview with its checkpoint verified in
 * the browser, a DID looked up and its resolution proof verified, a block with every
 * transaction's inclusion proof verified, consistency with the checkpoint remembered from the
 * first visit, readable errors for a missing block and a malformed DID; then the same pages
 * through a test double in front of the node that flips one hash of every inclusion proof and
 * of every DID state proof, shown as failed (never as verified); a phone-sized screen and 中文.
 * Screenshots go to test-artifacts/explorer/.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { newMnemonic, planCreate, seedOfMnemonic } from '../../src/did/index.ts';
import { signTx } from '../../src/ledger/index.ts';
import { RealdidClient } from '../../src/sdk/index.ts';
import {
  artifactDir,
  chromiumPath,
  launchChromium,
  NO_CHROMIUM,
  screenshot,
} from '../helpers/browser.ts';
import { BIN, ROOT } from '../helpers/cli.ts';

const CHROMIUM = chromiumPath();

let dir: string;
let node: ChildProcess | undefined;
let url: string;
let proxy: Server | undefined;
let proxyUrl: string;
let browser: Browser | undefined;

/** `realdid node start --data DIR --demo --port 0`, awaited until it prints its URL. */
async function startDemoNode(data: string): Promise<string> {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith('REALDID_')),
  );
  const child = spawn(
    process.execPath,
    [BIN, 'node', 'start', '--data', data, '--demo', '--port', '0'],
    { cwd: ROOT, env: { ...env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  node = child;
  let out = '';
  let err = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no URL after 30 s: ${out} ${err}`)), 30_000);
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      const printed = /listening on (http:\/\/\S+)[^\n]*\n/.exec(out)?.[1];
      if (printed === undefined) return;
      clearTimeout(timer);
      resolve(printed);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`node exited ${code} before listening: ${out} ${err}`));
    });
  });
}

/** Flips the first hex digit of `hex` (0 ↔ 1, anything else → 0). */
const flip = (hex: string): string => (hex[0] === '0' ? '1' : '0') + hex.slice(1);

/** Flips one non-zero sibling hash of a sparse-Merkle proof. */
function flipSibling(proof: { siblings: string[] }): void {
  const i = proof.siblings.findIndex((x) => !/^0+$/.test(x));
  proof.siblings[i] = flip(proof.siblings[i]!);
}

/**
 * The test double: forwards every GET to the node, and flips one hash of every inclusion proof
 * (`/v1/txs/{id}`), of the first state proof of every DID resolution (`/1.0/identifiers/`) and
 * of every accreditation's state proof (`/v1/state?key=gov/role/…`).
 */
async function startTamperingProxy(target: string): Promise<string> {
  proxy = createServer((req, res) => {
    void (async () => {
      const upstream = await fetch(target + (req.url ?? '/'), {
        headers: { accept: req.headers.accept ?? '*/*' },
      });
      let body = Buffer.from(await upstream.arrayBuffer());
      const path = req.url ?? '';
      if (upstream.ok && /^\/v1\/txs\/[0-9a-f]{64}$/.test(path)) {
        const a = JSON.parse(body.toString('utf8'));
        a.inclusion.hashes[0] = flip(a.inclusion.hashes[0]);
        body = Buffer.from(JSON.stringify(a));
      } else if (upstream.ok && path.startsWith('/1.0/identifiers/')) {
        const a = JSON.parse(body.toString('utf8'));
        flipSibling(a.didResolutionMetadata.proof[0].stateProofs[0]);
        body = Buffer.from(JSON.stringify(a));
      } else if (upstream.ok && path.startsWith('/v1/state?key=gov%2Frole%2F')) {
        const a = JSON.parse(body.toString('utf8'));
        flipSibling(a.proof);
        body = Buffer.from(JSON.stringify(a));
      }
      const headers: Record<string, string> = {};
      upstream.headers.forEach((v, k) => {
        if (!['content-length', 'content-encoding', 'transfer-encoding', 'connection'].includes(k))
          headers[k] = v;
      });
      res.writeHead(upstream.status, { ...headers, 'content-length': String(body.length) });
      res.end(body);
    })().catch((err: unknown) => res.writeHead(502).end(String(err)));
  });
  await new Promise<void>((resolve) => proxy!.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
}

/** Three new DIDs created in one batch (one block), as a wallet would sign them. */
async function createDids(client: RealdidClient): Promise<{ dids: string[]; height: number }> {
  const plans = [0, 1, 2].map(() => planCreate(seedOfMnemonic(newMnemonic(12))));
  const results = await client.submitBatch(
    plans.map((p) =>
      signTx(
        { kind: p.kind, body: p.body, signer: p.signer, nonce: 1, created: Date.now() },
        p.keyPair,
      ),
    ),
  );
  for (const r of results) assert.ok(r.ok, JSON.stringify(r));
  const heights = results.map((r) => (r.ok ? r.height : -1));
  return { dids: plans.map((p) => p.did), height: Math.max(...heights) };
}

/** The page's verdict once it is rendered: `data-verified` and the failed checks' texts. */
async function verdictOn(page: Page): Promise<{ verified: string; failed: string[]; ok: number }> {
  const section = page.locator('section.verdict');
  await section.waitFor({ timeout: 15_000 });
  return {
    verified: (await section.getAttribute('data-verified')) ?? '',
    failed: await section.locator('li[data-check="failed"]').allTextContents(),
    ok: await section.locator('li[data-check="ok"]').count(),
  };
}

before(async () => {
  if (CHROMIUM === undefined) return;
  dir = mkdtempSync(join(tmpdir(), 'realdid-explorer-'));
  [url, browser] = await Promise.all([startDemoNode(join(dir, 'data')), launchChromium(CHROMIUM)]);
  proxyUrl = await startTamperingProxy(url);
});

after(async () => {
  await browser?.close();
  await new Promise((resolve) => (proxy === undefined ? resolve(undefined) : proxy.close(resolve)));
  if (node?.pid !== undefined && node.exitCode === null) {
    const exited = new Promise((resolve) => node!.once('exit', resolve));
    process.kill(node.pid, 'SIGTERM');
    await exited;
  }
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

test('the explorer verifies in the browser, and shows a tampered proof as failed', async (t) => {
  if (CHROMIUM === undefined) return t.skip(NO_CHROMIUM);
  const shots = artifactDir('explorer');
  const context = await browser!.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const shot = async (p: Page, step: string) =>
    t.diagnostic(`screenshot ${await screenshot(p, shots, step)}`);

  // 1. the printed URL: the overview, its checkpoint verified against the genesis served here
  await page.goto(url);
  assert.equal(await page.textContent('h1'), 'realdid ledger explorer');
  let v = await verdictOn(page);
  assert.deepEqual([v.verified, v.failed], ['true', []]);
  const genesis = (await (await fetch(`${url}/v1/genesis`)).json()) as { hash: string };
  assert.equal(await page.textContent('#genesis-hash'), genesis.hash);
  assert.match((await page.textContent('.verdict'))!, /signature of org1 \(key z6Mk/);
  assert.match((await page.textContent('main'))!, /first checkpoint this browser verified/);
  assert.equal(await page.getAttribute('nav a[href="#/"]', 'aria-current'), 'page');
  await shot(page, '01-overview');

  // 2. new blocks; the next visit proves the new checkpoint extends the remembered one
  const client = new RealdidClient({ url });
  const { dids, height } = await createDids(client);
  await page.reload();
  v = await verdictOn(page);
  assert.deepEqual([v.verified, v.failed], ['true', []]);
  assert.match((await page.textContent('.verdict'))!, /extends the checkpoint at height 0/);

  // 3. a DID looked up from the form: its resolution proof verified
  await page.fill('#did-lookup', dids[0]!);
  await page.press('#did-lookup', 'Enter');
  await page.waitForURL(/#\/did\//);
  v = await verdictOn(page);
  assert.deepEqual([v.verified, v.failed], ['true', []]);
  assert.match((await page.textContent('.verdict'))!, /DID resolution: the document and metadata/);
  assert.ok((await page.textContent('pre.json'))!.includes(dids[0]!));
  await shot(page, '02-did');

  // 4. the block of the three transactions: each inclusion proof verified
  await page.goto(`${url}/#/block/${height}`);
  v = await verdictOn(page);
  assert.deepEqual([v.verified, v.failed], ['true', []]);
  assert.equal(await page.locator('[data-proof="ok"]').count(), 3);
  const inclusions = await page.locator('.verdict li', { hasText: 'inclusion of tx' }).count();
  assert.equal(inclusions, 3);
  await shot(page, '03-block');
  await page.click('a[href^="#/tx/"]');
  v = await verdictOn(page);
  assert.deepEqual([v.verified, v.failed], ['true', []]);
  assert.match(
    (await page.textContent('main'))!,
    /Decoded from its verified bytes[\s\S]*did\.create/,
  );
  assert.match((await page.textContent('pre.json'))!, /"recoveryCommitment"/);

  // 5. registries, public credit, disclosures: every entry shown proven
  for (const [route, proven] of [
    ['registries', /accreditation of Demo Bank \(credit-issuer\): state proof/],
    ['credit/91350100M000100Y43', /91350100M000100Y43 on “Seriously untrustworthy entities”/],
    ['disclosures', /count of policy creator-real-name of realdid demo site/],
  ] as const) {
    await page.goto(`${url}/#/${route}`);
    v = await verdictOn(page);
    assert.deepEqual([v.verified, v.failed], ['true', []], route);
    assert.match((await page.textContent('.verdict'))!, proven);
    assert.equal(await page.locator('[data-proof="failed"]').count(), 0, route);
  }
  await shot(page, '04-disclosures');

  // 6. errors with their codes
  await page.goto(`${url}/#/block/999`);
  await page.locator('.error').waitFor();
  assert.equal(await page.getAttribute('.error', 'data-error'), 'ERR_LEDGER_NOT_FOUND');
  await page.goto(`${url}/#/did/not-a-did`);
  await page.locator('.error').waitFor();
  assert.equal(await page.getAttribute('.error', 'data-error'), 'ERR_DID_INVALID');

  // 7. the tampering double: failed, with the failing check named, never verified
  const bad = await browser!.newPage();
  await bad.goto(`${proxyUrl}/#/block/${height}`);
  v = await verdictOn(bad);
  assert.equal(v.verified, 'false');
  assert.equal(v.failed.length, 3, v.failed.join('\n'));
  for (const f of v.failed) assert.match(f, /inclusion of tx .* ERR_LEDGER_BAD_PROOF/);
  assert.equal(await bad.locator('[data-proof="failed"]').count(), 3);
  await shot(bad, '05-tampered-block');
  await bad.goto(`${proxyUrl}/#/did/${encodeURIComponent(dids[1]!)}`);
  await bad.locator('h2', { hasText: /^DID did:rdid:/ }).waitFor();
  v = await verdictOn(bad);
  assert.equal(v.verified, 'false');
  assert.match(v.failed.join('\n'), /DID resolution: .* ERR_DID_BAD_PROOF/);
  await shot(bad, '06-tampered-did');
  await bad.goto(`${proxyUrl}/#/registries`);
  v = await verdictOn(bad);
  assert.equal(v.verified, 'false');
  assert.ok(v.failed.length >= 10, `every accreditation fails: ${v.failed.length}`);
  for (const f of v.failed) assert.match(f, /^✗ accreditation of .* ERR_LEDGER_BAD_PROOF/);
  assert.equal(await bad.locator('[data-proof="failed"]').count(), v.failed.length);
  assert.equal(
    await bad.locator('section[aria-labelledby="orgs"] [data-proof="ok"]').count(),
    3,
    'organizations still proven',
  );

  // 8. a phone: nothing wider than the screen
  const phone = await browser!.newPage({ viewport: { width: 390, height: 844 } });
  await phone.goto(url);
  v = await verdictOn(phone);
  assert.equal(v.verified, 'true');
  const width = await phone.evaluate<number>('document.documentElement.scrollWidth');
  assert.ok(width <= 390, `the page is ${width} px wide`);
  await shot(phone, '07-phone');

  // 9. 中文
  await phone.click('.lang-switch');
  await phone.locator('h2', { hasText: /^概览$/ }).waitFor();
  v = await verdictOn(phone);
  assert.equal(v.verified, 'true');
  assert.match((await phone.textContent('.verdict-head'))!, /已在本浏览器中验证/);
  assert.equal(await phone.getAttribute('html', 'lang'), 'zh-CN');
  await shot(phone, '08-zh');
  assert.deepEqual(errors, []);
});
