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
import {
  ed25519FromSeed,
  encodeMultikey,
  type Ed25519KeyPair as KeyPair,
} from '../../src/crypto/index.ts';
import { newMnemonic, planCreate, seedOfMnemonic } from '../../src/did/index.ts';
import { DEMO_ACTOR_KEY_ID } from '../../src/identity/index.ts';
import { signCheckpoint, signTx } from '../../src/ledger/index.ts';
import { DEMO_PASSPHRASE, loadKeyFile } from '../../src/node/index.ts';
import { CreditClient, RealdidClient, recordBody } from '../../src/sdk/index.ts';
import {
  artifactDir,
  chromiumPath,
  launchChromium,
  NO_CHROMIUM,
  routeShown,
  screenshot,
} from '../helpers/browser.ts';
import { BIN, ROOT } from '../helpers/cli.ts';

const CHROMIUM = chromiumPath();

let dir: string;
let node: ChildProcess | undefined;
let url: string;
const proxies: Server[] = [];
let proxyUrl: string;
let liarUrl: string;
let lie: Lie = 'honest';
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

/** What a test double answers instead of the node's JSON (undefined: the node's answer as is). */
type Rewrite = (path: string, answer: unknown) => unknown;

/**
 * A test double in front of the node: forwards every GET, and answers `rewrite(path, json)`
 * instead of a successful JSON answer when that is not undefined. Each double is its own origin,
 * so the browser remembers its checkpoints apart.
 */
async function startProxy(target: string, rewrite: Rewrite): Promise<string> {
  const server = createServer((req, res) => {
    void (async () => {
      const upstream = await fetch(target + (req.url ?? '/'), {
        headers: { accept: req.headers.accept ?? '*/*' },
      });
      let body = Buffer.from(await upstream.arrayBuffer());
      let answer: unknown;
      try {
        answer = upstream.ok ? JSON.parse(body.toString('utf8')) : undefined;
      } catch {
        answer = undefined; // not JSON: the page's script, its style
      }
      const changed = answer === undefined ? undefined : await rewrite(req.url ?? '', answer);
      if (changed !== undefined) body = Buffer.from(JSON.stringify(changed));
      const headers: Record<string, string> = {};
      upstream.headers.forEach((v, k) => {
        if (!['content-length', 'content-encoding', 'transfer-encoding', 'connection'].includes(k))
          headers[k] = v;
      });
      res.writeHead(upstream.status, { ...headers, 'content-length': String(body.length) });
      res.end(body);
    })().catch((err: unknown) => res.writeHead(502).end(String(err)));
  });
  proxies.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/**
 * Flips one hash of every inclusion proof (`/v1/txs/{id}`), of the first state proof of every
 * DID resolution (`/1.0/identifiers/`) and of every accreditation's state proof
 * (`/v1/state?key=gov/role/…`).
 */
const tamperProofs: Rewrite = (path, answer) => {
  const a = answer as Record<string, any>;
  if (/^\/v1\/txs\/[0-9a-f]{64}$/.test(path)) a.inclusion.hashes[0] = flip(a.inclusion.hashes[0]);
  else if (path.startsWith('/1.0/identifiers/'))
    flipSibling(a.didResolutionMetadata.proof[0].stateProofs[0]);
  else if (path.startsWith('/v1/state?key=gov%2Frole%2F')) flipSibling(a.proof);
  else return undefined;
  return a;
};

/** Every checkpoint signature in `value` (objects with org, key and sig), changed in place. */
function eachSignature(value: unknown, change: (s: { key: string }) => void): void {
  if (Array.isArray(value)) value.forEach((v) => eachSignature(v, change));
  else if (typeof value === 'object' && value !== null) {
    const o = value as Record<string, unknown>;
    if (typeof o.org === 'string' && typeof o.key === 'string' && typeof o.sig === 'string')
      change(o as { key: string });
    else Object.values(o).forEach((v) => eachSignature(v, change));
  }
}

/** The ways the lying double lies (one at a time; `honest`: it does not). */
type Lie =
  'honest' | 'repeat-txs' | 'invalid-txs' | 'unknown-key' | 'rollback' | 'equivocate' | 'other-org';

/** A valid unified social credit code of no organization of the demo. */
const OTHER_USCC = '91350100M000200YX8';
const DEMO_USCC = '91350100M000100Y43';

/**
 * The lying double: answers that each proof would accept on its own, but that do not add up.
 * `repeat-txs`: a block lists its first transaction in place of every other; `invalid-txs`: every
 * transaction is "recorded invalid" (no proof); `unknown-key`: every checkpoint signature names
 * a key the trust anchor does not hold; `rollback`: the latest checkpoint is block 0's;
 * `equivocate`: the latest checkpoint is another one at the head's height (another block hash),
 * with a valid signature of org2 (a member of the trust anchor), and a block's finality is
 * counted over another checkpoint of its height, signed by org2 and org3 (a quorum); `other-org`: {@link OTHER_USCC}'s public
 * record is the demo organization's.
 */
function liar(
  target: string,
  lie: () => Lie,
  key: (org: string) => { multikey: string; keyPair: KeyPair },
): Rewrite {
  const upstream = async (path: string): Promise<any> => (await fetch(target + path)).json();
  return async (path, answer) => {
    const a = answer as Record<string, any>;
    switch (lie()) {
      case 'repeat-txs':
        if (!/^\/v1\/blocks\/\d+$/.test(path)) return undefined;
        return { ...a, txIds: a.txIds.map(() => a.txIds[0]) };
      case 'invalid-txs':
        if (!/^\/v1\/txs\//.test(path)) return undefined;
        return {
          id: a.id,
          status: 'invalid',
          height: a.height,
          position: a.logIndex,
          code: 'ERR_LEDGER_BAD_NONCE',
          message: 'recorded invalid (so says the double)',
        };
      case 'unknown-key':
        if (path === '/v1/genesis') return undefined;
        eachSignature(a, (s) => (s.key = UNKNOWN_KEY));
        return a;
      case 'rollback':
        return path === '/v1/checkpoint' ? upstream('/v1/checkpoints/0') : undefined;
      case 'equivocate': {
        const finality = /^\/v1\/blocks\/\d+\/finality$/.test(path);
        if (path !== '/v1/checkpoint' && !finality) return undefined;
        const checkpoint = { ...a.checkpoint, blockHash: flip(a.checkpoint.blockHash) };
        const sign = (org: string) => {
          const { multikey, keyPair } = key(org);
          return signCheckpoint(checkpoint, org, multikey, keyPair);
        };
        if (finality) return { ...a, checkpoint, signatures: [sign('org2'), sign('org3')] };
        return { checkpoint, signatures: [sign('org2')] };
      }
      case 'other-org':
        if (path !== `/v1/credit/public/${OTHER_USCC}`) return undefined;
        return { ...(await upstream(`/v1/credit/public/${DEMO_USCC}`)), uscc: OTHER_USCC };
      default:
        return undefined;
    }
  };
}

/** A key no organization of the demo holds. */
const UNKNOWN_KEY = encodeMultikey(ed25519FromSeed(new Uint8Array(32).fill(7)).publicKey);

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

/** A public record about the demo organization, issued by the demo tax office: its id. */
async function issueOrgRecord(client: RealdidClient): Promise<string> {
  const { roles } = (await (await fetch(`${url}/v1/gov/roles?role=credit-issuer`)).json()) as {
    roles: { subject: string; name: string }[];
  };
  const did = roles.find((r) => r.name === 'Demo Tax Office')!.subject;
  const file = join(dir, 'data', 'keys', 'demo-tax-office.json');
  const { keyPair } = loadKeyFile(file, DEMO_PASSPHRASE);
  const day = (ago: number) => new Date(Date.now() - ago * 86_400_000).toISOString().slice(0, 10);
  const stored = await new CreditClient(client).issue(
    { kid: `${did}#${DEMO_ACTOR_KEY_ID}`, keyPair },
    {
      subject: { type: 'org', uscc: DEMO_USCC },
      category: 'tax-arrears',
      severity: 3,
      legalBasis: 'Tax Collection and Administration Law of the PRC, Article 63 (demo)',
      evidence: 'e'.repeat(64),
      occurred: day(70),
      effective: day(40),
    },
    recordBody({ taxYear: 2025, amountDue: 1286400, currency: 'CNY' }),
  );
  return stored.record;
}

/** The page's verdict once it is rendered: `data-verified` and the failed checks' texts. */
async function verdictOn(page: Page): Promise<{ verified: string; failed: string[]; ok: number }> {
  await routeShown(page);
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
  const keys = new Map<string, { multikey: string; keyPair: KeyPair }>();
  const orgKey = (org: string) => {
    if (!keys.has(org))
      keys.set(org, loadKeyFile(join(dir, 'data', 'keys', `${org}.json`), DEMO_PASSPHRASE));
    return keys.get(org)!;
  };
  [proxyUrl, liarUrl] = await Promise.all([
    startProxy(url, tamperProofs),
    startProxy(
      url,
      liar(url, () => lie, orgKey),
    ),
  ]);
});

after(async () => {
  await browser?.close();
  await Promise.all(proxies.map((p) => new Promise((resolve) => p.close(resolve))));
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
  const record = await issueOrgRecord(client);
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
  assert.match((await page.textContent('.verdict'))!, /is in block \d+: its verified log index/);

  // 5. registries, public credit, disclosures: every entry shown proven
  for (const [route, proven] of [
    ['registries', /accreditation of Demo Bank \(credit-issuer\): state proof/],
    [
      `credit/${DEMO_USCC}`,
      new RegExp(`public credit record ${record.slice(0, 8)}… of ${DEMO_USCC}`),
    ],
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
  assert.equal(v.failed.length, 4, v.failed.join('\n'));
  for (const f of v.failed.slice(0, 3)) assert.match(f, /inclusion of tx .* ERR_LEDGER_BAD_PROOF/);
  assert.match(v.failed[3]!, /exactly log indices .* indices not verified: \d+, \d+, \d+/);
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

  // 8. the lying double: answers each proof accepts on its own, that do not add up
  const block = (await (await fetch(`${url}/v1/blocks/${height}`)).json()) as { txIds: string[] };
  const txId = block.txIds[0]!;
  const liarPage = await browser!.newPage();
  const open = async (as: Lie, route: string) => {
    lie = as;
    await liarPage.goto('about:blank');
    await liarPage.goto(`${liarUrl}/#/${route}`);
    return verdictOn(liarPage);
  };
  const main = async () => (await liarPage.textContent('main'))!;
  v = await open('honest', '');
  assert.deepEqual([v.verified, v.failed], ['true', []], 'remembers the head');
  // a rollback: the latest checkpoint below the remembered one fails (no longer a "prefix")
  v = await open('rollback', '');
  assert.equal(v.verified, 'false');
  assert.match(
    v.failed.join('\n'),
    /at height 0 is not below the checkpoint at height [1-9]\d* .* ERR_SDK_ROLLBACK/,
  );
  assert.match(await main(), /Chain head \(as the node’s checkpoint says: it did not verify\)/);
  await shot(liarPage, '07-rollback');
  // one transaction listed three times: each inclusion holds, the block's indices do not
  v = await open('repeat-txs', `block/${height}`);
  assert.equal(v.verified, 'false');
  assert.equal(v.failed.length, 1, v.failed.join('\n'));
  assert.match(
    v.failed[0]!,
    /exactly log indices .* listed more than once: \d+; indices not verified: \d+, \d+/,
  );
  assert.equal(await liarPage.locator('[data-proof="ok"]').count(), 0, 'no row proven');
  // committed transactions answered "invalid": a failure on the block, the node's word on the tx
  v = await open('invalid-txs', `block/${height}`);
  assert.equal(v.verified, 'false');
  assert.equal(v.failed.filter((f) => /the block lists it as committed/.test(f)).length, 3);
  v = await open('invalid-txs', `tx/${txId}`);
  assert.deepEqual([v.verified, v.failed, v.ok], ['false', [], 0]);
  assert.match(await main(), /Nothing here comes with a proof[\s\S]*That is the node’s word/);
  // checkpoints signed by a key the anchor does not hold: no row proven, no "verified" heading
  v = await open('unknown-key', 'registries');
  assert.equal(v.verified, 'false');
  assert.match(v.failed.join('\n'), /signature of org1 .* ERR_LEDGER_BAD_CHECKPOINT/);
  assert.equal(await liarPage.locator('[data-proof="ok"]').count(), 0, 'no row proven');
  assert.ok((await liarPage.locator('[data-proof="failed"]').count()) >= 10);
  v = await open('unknown-key', `tx/${txId}`);
  assert.equal(v.verified, 'false');
  assert.doesNotMatch(await main(), /Decoded from its verified bytes/);
  assert.match(await main(), /As the node sent it \(not verified\)/);
  // another organization's records, each well proven, are not this one's
  v = await open('other-org', `credit/${OTHER_USCC}`);
  assert.equal(v.verified, 'false');
  assert.match(v.failed.join('\n'), new RegExp(`of ${OTHER_USCC}: .* is not about ${OTHER_USCC}`));
  assert.ok(
    (await liarPage.locator('section[aria-labelledby="org"] [data-proof="failed"]').count()) >= 1,
  );
  // a quorum's signatures over another checkpoint of the block: not its finality
  v = await open('equivocate', `block/${height}`);
  assert.equal(v.verified, 'false');
  assert.match(
    v.failed.join('\n'),
    /^✗ finality of block \d+ — ERR_SDK_BAD_RESPONSE: the finality answer is about block /m,
  );
  assert.doesNotMatch(
    (await liarPage.textContent('section[aria-labelledby="finality"]'))!,
    /final\b/,
  );
  // a second checkpoint at the head's height, validly signed by org2: an equivocation
  v = await open('equivocate', '');
  assert.equal(v.verified, 'false');
  assert.match(
    v.failed.join('\n'),
    /only one signed for that height .* ERR_LEDGER_INCONSISTENT: two different checkpoints at height/,
  );
  await shot(liarPage, '08-equivocation');
  // an old head is said, with its time, and is not a failure
  const later = await browser!.newPage();
  await later.clock.setFixedTime(Date.now() + 30 * 60_000);
  await later.goto(url);
  v = await verdictOn(later);
  assert.deepEqual([v.verified, v.failed], ['true', []]);
  assert.match(
    (await later.textContent('main'))!,
    /The newest checkpoint is from .* \(3\d minutes ago/,
  );

  // 9. a phone: nothing wider than the screen
  const phone = await browser!.newPage({ viewport: { width: 390, height: 844 } });
  await phone.goto(url);
  v = await verdictOn(phone);
  assert.equal(v.verified, 'true');
  const width = await phone.evaluate<number>('document.documentElement.scrollWidth');
  assert.ok(width <= 390, `the page is ${width} px wide`);
  await shot(phone, '09-phone');

  // 10. 中文
  await phone.click('.lang-switch');
  await phone.locator('h2', { hasText: /^概览$/ }).waitFor();
  v = await verdictOn(phone);
  assert.equal(v.verified, 'true');
  assert.match((await phone.textContent('.verdict-head'))!, /已在本浏览器中验证/);
  assert.equal(await phone.getAttribute('html', 'lang'), 'zh-CN');
  await shot(phone, '10-zh');
  assert.deepEqual(errors, []);
});
