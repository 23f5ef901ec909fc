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
import {
  hashLeaf,
  MerkleLog,
  signCheckpoint,
  type SignedCheckpoint,
} from '../../../src/ledger/index.ts';
import { browserPlugin, webScript, WEB_DIR } from '../../../src/node/index.ts';
import type { TrustAnchor } from '../../../src/sdk/index.ts';

const ROOT = join(WEB_DIR, '..');
const dir = mkdtempSync(join(tmpdir(), 'realdid-bundle-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const ED25519 = JSON.parse(
  readFileSync(join(ROOT, 'test/vectors/ed25519/rfc8032-section7.1-ed25519.json'), 'utf8'),
) as { vectors: { publicKeyHex: string; messageHex: string; signatureHex: string }[] };

/**
 * Bundles `contents` (an entry in the repository root) as the pages are bundled, and imports it;
 * `text` is the bundle and `inputs` the files that contributed to it (relative to the root).
 */
async function bundleAndImport(name: string, contents: string): Promise<Record<string, unknown>> {
  const result = await build({
    stdin: { contents, resolveDir: ROOT, sourcefile: `${name}.ts`, loader: 'ts' },
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    inject: [join(WEB_DIR, 'shared', 'buffer-global.ts')],
    plugins: [browserPlugin()],
    metafile: true,
    logLevel: 'silent',
  });
  const text = result.outputFiles[0]!.text;
  const inputs = Object.values(result.metafile.outputs).flatMap((o) => Object.keys(o.inputs));
  const file = join(dir, `${name}.mjs`);
  writeFileSync(file, text);
  return { text, inputs, ...((await import(pathToFileURL(file).href)) as Record<string, unknown>) };
}

/** Node's `Buffer`, as the test runs under Node (the bundles get the `buffer` package's). */
const NodeBuffer = globalThis.Buffer;

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
    const text = NodeBuffer.from(bytes).toString('base64url');
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

test('the Buffer of a bundle knows base64url in from, toString and byteLength only, and says so', async () => {
  const m = await bundleAndImport(
    'buffer-encodings',
    `import { fromBase64url } from './src/crypto/index.ts';
     export const B = Buffer;
     export { fromBase64url };`,
  );
  const B = m.B as typeof NodeBuffer;
  assert.notEqual(B, NodeBuffer, 'the bundle carries the buffer package');
  for (const bytes of [[], [0xfb], [0xfb, 0xff], [0xfb, 0xff, 0xbf], [0, 1, 2, 3, 0xfe, 0xff]]) {
    const text = NodeBuffer.from(bytes).toString('base64url');
    assert.equal(B.from(bytes).toString('base64url'), text);
    assert.equal(
      B.from(bytes).toString('base64url', 1),
      NodeBuffer.from(bytes.slice(1)).toString('base64url'),
    );
    assert.deepEqual([...B.from(text, 'base64url')], bytes);
    assert.equal(B.byteLength(text, 'base64url'), bytes.length, text);
    assert.equal(B.byteLength(text, 'base64url'), NodeBuffer.byteLength(text, 'base64url'));
  }
  assert.equal(B.byteLength('abc', 'utf8'), 3, 'other encodings as before');
  assert.equal(B.from('616263', 'hex').toString('utf8'), 'abc');
  // Only from/toString/byteLength learnt it: isEncoding says no, and write still refuses it.
  assert.equal(B.isEncoding('base64url'), false);
  assert.equal(B.isEncoding('base64'), true);
  assert.throws(() => B.alloc(4).write('AAAA', 'base64url' as BufferEncoding), /Unknown encoding/);
  const fromBase64url = m.fromBase64url as (s: string) => Uint8Array;
  for (const bad of ['+/==', '_x', 'AB=', 'A', 'a b']) {
    assert.throws(() => fromBase64url(bad), { code: 'ERR_CRYPTO_BAD_ENCODING' }, bad);
  }
});

test('node:buffer in the project files has the shape of Node (constants, kMaxLength) over the patched Buffer', async () => {
  const m = await bundleAndImport(
    'node-buffer',
    `import { Buffer as Imported, constants, kMaxLength } from 'node:buffer';
     import * as pkg from 'buffer';
     import { hashLeaf, MerkleLog } from './src/ledger/merkle/index.ts';
     export const B = Buffer;
     export { constants, Imported, kMaxLength, pkg };
     export const root = (n: number) => {
       const leaves = Array.from({ length: n }, (_, i) => hashLeaf(Uint8Array.of(i)));
       return MerkleLog.fromLeafHashes(leaves).root();
     };`,
  );
  const constants = m.constants as { MAX_LENGTH: number; MAX_STRING_LENGTH: number };
  assert.equal(constants.MAX_LENGTH, 2 ** 31 - 1);
  assert.equal(constants.MAX_STRING_LENGTH, 2 ** 29 - 24);
  assert.equal(m.kMaxLength, constants.MAX_LENGTH);
  assert.equal(m.Imported, m.B, 'the same Buffer as the injected global');
  assert.equal((m.pkg as { Buffer: unknown }).Buffer, m.B, 'and as "buffer" in a test entry');
  assert.equal((m.Imported as typeof NodeBuffer).from('-_8', 'base64url').length, 2);
  // The Merkle log reads constants.MAX_LENGTH when it loads: it loads, and agrees with Node's.
  assert.doesNotMatch(m.text as string, /not available in the browser/);
  for (const n of [0, 1, 2, 3, 7, 8, 33]) {
    const leaves = Array.from({ length: n }, (_, i) => hashLeaf(Uint8Array.of(i)));
    assert.deepEqual(
      [...(m.root as (n: number) => Uint8Array)(n)],
      [...MerkleLog.fromLeafHashes(leaves).root()],
    );
  }
});

test('extensionless and folder imports of the project resolve, still swapped and side-effect free', async () => {
  const m = await bundleAndImport(
    'resolve',
    `import { sha256 } from './src/crypto/hash';
     import { toHex, utf8 } from './src/crypto';
     export const digest = (s: string) => toHex(sha256(utf8(s)));`,
  );
  assert.equal(
    (m.digest as (s: string) => string)('abc'),
    'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
  );
  const inputs = m.inputs as string[];
  assert.ok(inputs.includes('src/crypto/hash.browser.ts'), inputs.join(' '));
  assert.ok(!inputs.includes('src/crypto/hash.ts'), 'swapped for the @noble version');
  assert.doesNotMatch(m.text as string, /not available in the browser|from "node:/);
  // Unused project files are left out (marked free of side effects), e.g. the Ed25519 module.
  assert.ok(!inputs.some((f) => f.startsWith('src/crypto/ed25519')), inputs.join(' '));
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
