/**
 * The bundler of the web pages: what it builds runs without Node — `hash.ts` and `ed25519.ts`
 * swapped for their `@noble` versions (the bundle carries no node:crypto), `Buffer` provided, and
 * a server-only module a page reached by mistake throws when called instead of failing the build.
 * The bundle is evaluated here as the browser would, as an ES module, and checked on RFC vectors.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { ed25519FromSeed, encodeMultikey } from '../../../src/crypto/index.ts';
import { signCheckpoint, type SignedCheckpoint } from '../../../src/ledger/index.ts';
import { browserPlugin, webScript, WEB_DIR } from '../../../src/node/index.ts';
import type { TrustAnchor } from '../../../src/sdk/index.ts';

const ROOT = join(WEB_DIR, '..');
const dir = mkdtempSync(join(tmpdir(), 'realdid-bundle-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const ED25519 = JSON.parse(
  readFileSync(join(ROOT, 'test/vectors/ed25519/rfc8032-section7.1-ed25519.json'), 'utf8'),
) as { vectors: { publicKeyHex: string; messageHex: string; signatureHex: string }[] };

/** Bundles `contents` (an entry in the repository root) as the pages are bundled, and imports it. */
async function bundleAndImport(name: string, contents: string): Promise<Record<string, unknown>> {
  const result = await build({
    stdin: { contents, resolveDir: ROOT, sourcefile: `${name}.ts`, loader: 'ts' },
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    inject: [join(WEB_DIR, 'shared', 'buffer-global.ts')],
    plugins: [browserPlugin()],
    logLevel: 'silent',
  });
  const text = result.outputFiles[0]!.text;
  const file = join(dir, `${name}.mjs`);
  writeFileSync(file, text);
  return { text, ...((await import(pathToFileURL(file).href)) as Record<string, unknown>) };
}

test('the crypto of a bundle is @noble, not node:crypto, and agrees with RFC 8032 and FIPS 180-4', async () => {
  const m = await bundleAndImport(
    'crypto',
    `import { ed25519Verify, fromHex, sha256, toHex, utf8 } from './src/crypto/index.ts';
     export { ed25519Verify, fromHex, sha256, toHex, utf8 };`,
  );
  assert.doesNotMatch(m.text as string, /not available in the browser|server-only:|from "node:/);
  const { ed25519Verify, fromHex, sha256, toHex, utf8 } = m as unknown as {
    ed25519Verify: (s: Uint8Array, m: Uint8Array, p: Uint8Array) => boolean;
    fromHex: (h: string) => Uint8Array;
    sha256: (...p: Uint8Array[]) => Uint8Array;
    toHex: (b: Uint8Array) => string;
    utf8: (s: string) => Uint8Array;
  };
  assert.equal(
    toHex(sha256(utf8('abc'))),
    'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
  );
  for (const v of ED25519.vectors) {
    const [sig, msg, pub] = [v.signatureHex, v.messageHex, v.publicKeyHex].map((x) => fromHex(x));
    assert.equal(ed25519Verify(sig!, msg!, pub!), true);
    const bad = sig!.slice();
    bad[0]! ^= 1;
    assert.equal(ed25519Verify(bad, msg!, pub!), false);
  }
});

test('base64url works in a bundle (the buffer package lacks it): a signed checkpoint verifies there', async () => {
  const m = await bundleAndImport(
    'base64url',
    `import { fromBase64url, toBase64url } from './src/crypto/index.ts';
     import { verifySignedCheckpoint } from './src/sdk/index.ts';
     export { fromBase64url, toBase64url, verifySignedCheckpoint };`,
  );
  const { fromBase64url, toBase64url, verifySignedCheckpoint } = m as unknown as {
    fromBase64url: (s: string) => Uint8Array;
    toBase64url: (b: Uint8Array) => string;
    verifySignedCheckpoint: (scp: SignedCheckpoint, trust: TrustAnchor, min: number) => unknown;
  };
  for (const bytes of [[], [0xfb], [0xfb, 0xff], [0xfb, 0xff, 0xbf], [0, 1, 2, 3, 0xfe]]) {
    const text = Buffer.from(bytes).toString('base64url');
    assert.equal(toBase64url(Uint8Array.from(bytes)), text);
    assert.deepEqual([...fromBase64url(text)], bytes);
  }
  assert.throws(() => fromBase64url('+/=='), { code: 'ERR_CRYPTO_BAD_ENCODING' });
  assert.throws(() => fromBase64url('_x'), { code: 'ERR_CRYPTO_BAD_ENCODING' }, 'padding bits');
  const keyPair = ed25519FromSeed(new Uint8Array(32).fill(9));
  const key = encodeMultikey(keyPair.publicKey);
  const checkpoint = {
    chainId: 'c',
    height: 1,
    blockHash: 'a'.repeat(64),
    logSize: 1,
    logRoot: 'b'.repeat(64),
    stateRoot: 'c'.repeat(64),
    time: 1,
  };
  const scp = { checkpoint, signatures: [signCheckpoint(checkpoint, 'org1', key, keyPair)] };
  const trust = { chainId: 'c', orgs: { org1: [key] } };
  assert.deepEqual(verifySignedCheckpoint(scp, trust, 1), checkpoint);
  const good = scp.signatures[0]!;
  const sig = `${good.sig[0] === 'A' ? 'B' : 'A'}${good.sig.slice(1)}`;
  const forged = { ...scp, signatures: [{ ...good, sig }] };
  assert.throws(() => verifySignedCheckpoint(forged, trust, 1), /0 valid trusted signature/);
});

test('a server-only module reached by a page is a stub that throws when called, naming the call', async () => {
  const m = await bundleAndImport(
    'server-only',
    `import { readFileSync } from 'node:fs'; export const read = () => readFileSync('/etc/hostname');`,
  );
  assert.throws(
    () => (m.read as () => unknown)(),
    /not available in the browser: readFileSync of node:fs/,
  );
});

test('webScript refuses a name that is not an app and reports an app that does not build', async () => {
  assert.throws(() => webScript('../etc'), TypeError);
  await assert.rejects(webScript('no-such-app'), /Could not resolve|no-such-app/);
});
