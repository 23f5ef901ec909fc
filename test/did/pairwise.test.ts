/**
 * Wallet key derivation: the committed did-pairwise vectors (and that the generator still
 * produces them), properties of pairwise DIDs and origin normalization, and master keys.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import {
  generatePairwiseVectors,
  TEST_MNEMONIC,
  type PairwiseVector,
} from '../../scripts/gen-vectors/pairwise.ts';
import { toHex } from '../../src/crypto/index.ts';
import {
  deriveMasterKey,
  derivePairwise,
  entropyMnemonic,
  mnemonicEntropy,
  normalizeOrigin,
  resolveDidKey,
  seedOfMnemonic,
} from '../../src/did/index.ts';
import { isAppError } from '../../src/errors.ts';

const VECTORS_URL = new URL('../vectors/did-pairwise/vectors.json', import.meta.url);
const committed = JSON.parse(readFileSync(VECTORS_URL, 'utf8')) as PairwiseVector;
const seed = seedOfMnemonic(committed.mnemonic);

const badOrigin = (err: unknown): boolean => isAppError(err, 'ERR_WALLET_BAD_ORIGIN');

describe('did-pairwise vectors', () => {
  test('the generator still produces exactly the committed file', () => {
    const files = generatePairwiseVectors();
    assert.deepEqual(
      files.map((f) => f.file),
      ['did-pairwise/vectors.json'],
    );
    assert.deepEqual(files[0]!.vector, committed);
    assert.equal(
      readFileSync(VECTORS_URL, 'utf8'),
      `${JSON.stringify(files[0]!.vector, null, 2)}\n`,
    );
  });

  test('the fixed mnemonic gives the BIP-39 reference seed', () => {
    assert.equal(committed.mnemonic, TEST_MNEMONIC);
    // BIP-39 "abandon … about" with an empty passphrase (widely published reference value).
    assert.equal(
      toHex(seed),
      '5eb00bbddcf069084889a8ab9155568165f5c453ccb85e70811aaed6f6da5fc19a5ac40b389cd370d086206dec8aa6c43daea6690f20ad3d8d48b2d2ce9e38e4',
    );
    assert.equal(committed.seed, toHex(seed));
  });

  test('covers the normalization cases the wallet relies on', () => {
    const byDesc = new Map(committed.pairwise.map((c) => [c.desc, c]));
    const plain = byDesc.get('https-plain')!.want!;
    for (const same of [
      'https-trailing-slash',
      'https-default-port-removed',
      'upper-case-scheme-and-host',
    ]) {
      assert.deepEqual(byDesc.get(same)!.want, plain, same);
    }
    assert.notEqual(byDesc.get('https-non-default-port-kept')!.want!.did, plain.did);
    assert.notEqual(byDesc.get('subdomain-is-another-site')!.want!.did, plain.did);
    assert.equal(byDesc.get('localhost-http-dev')!.want!.origin, 'http://localhost:3000');
    assert.match(byDesc.get('localhost-http-dev')!.want!.did, /^did:key:z6Mk/);
    assert.equal(byDesc.get('idn-host-to-punycode')!.want!.origin, 'https://xn--bcher-kva.example');
    for (const bad of ['ftp-scheme', 'http-non-local-host', 'path', 'credentials'])
      assert.equal(byDesc.get(bad)!.wantErr, 'ERR_WALLET_BAD_ORIGIN', bad);
  });

  for (const c of committed.pairwise) {
    test(`pairwise ${c.desc}`, () => {
      if (c.wantErr !== undefined) {
        assert.throws(
          () => derivePairwise(seed, c.origin),
          (err: unknown) => isAppError(err) && err.code === c.wantErr,
        );
        return;
      }
      const p = derivePairwise(seed, c.origin);
      assert.deepEqual({ origin: p.origin, did: p.did, multikey: p.multikey }, c.want);
      // The pairwise DID is a plain did:key that resolves to exactly this key.
      assert.equal(resolveDidKey(p.did).verificationMethod[0]!.publicKeyMultibase, p.multikey);
    });
  }

  test('master keys', () => {
    for (const m of committed.master)
      assert.equal(
        deriveMasterKey(seed, m.purpose, m.index).multikey,
        m.multikey,
        `${m.purpose}/${m.index}`,
      );
  });
});

// Arbitraries: origins the wallet accepts, built from parts, and seeds.
// Labels with "--" in the 3rd and 4th places are reserved (RFC 5891 §4.2.3.1): "xn--…" is
// Punycode, which URL parsing decodes and rejects when it is not valid Punycode.
const label = fc
  .stringMatching(/^[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?$/)
  .filter((l) => l.slice(2, 4) !== '--');
const host = fc
  .array(label, { minLength: 1, maxLength: 3 })
  .chain((ls) => fc.constantFrom('com', 'example', 'cn').map((tld) => [...ls, tld].join('.')));
const port = fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined });
const httpsOrigin = fc
  .tuple(host, port)
  .map(([h, p]) => `https://${h}${p === undefined ? '' : `:${p}`}`);
const localOrigin = fc
  .tuple(fc.constantFrom('localhost', '127.0.0.1', '[::1]'), port)
  .map(([h, p]) => `http://${h}${p === undefined ? '' : `:${p}`}`);
const origin = fc.oneof(httpsOrigin, localOrigin);
const seed64 = fc.uint8Array({ minLength: 64, maxLength: 64 });

describe('pairwise properties', () => {
  test('distinct normalized origins never collide (same seed)', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(origin, { minLength: 2, maxLength: 8, selector: normalizeOrigin }),
        (origins) => {
          const dids = origins.map((o) => derivePairwise(seed, o).did);
          assert.equal(new Set(dids).size, origins.length);
        },
      ),
      { numRuns: 100 },
    );
  });

  test('same seed and origin give the same DID, whatever the spelling of the origin', () => {
    fc.assert(
      fc.property(seed64, origin, (s, o) => {
        const p = derivePairwise(s, o);
        assert.equal(derivePairwise(s, o).did, p.did);
        assert.equal(derivePairwise(Uint8Array.from(s), o.toUpperCase()).did, p.did);
        assert.equal(derivePairwise(s, `${o}/`).did, p.did);
        assert.equal(normalizeOrigin(p.origin), p.origin); // idempotent
      }),
      { numRuns: 100 },
    );
  });

  test('different seeds give different DIDs for the same origin', () => {
    fc.assert(
      fc.property(seed64, seed64, origin, (a, b, o) => {
        fc.pre(toHex(a) !== toHex(b));
        assert.notEqual(derivePairwise(a, o).did, derivePairwise(b, o).did);
      }),
      { numRuns: 100 },
    );
  });

  test('default ports are removed', () => {
    fc.assert(
      fc.property(host, (h) => {
        assert.equal(normalizeOrigin(`https://${h}:443`), `https://${h}`);
        assert.equal(
          derivePairwise(seed, `https://${h}:443`).did,
          derivePairwise(seed, `https://${h}`).did,
        );
      }),
      { numRuns: 50 },
    );
  });

  test('bad origins raise ERR_WALLET_BAD_ORIGIN', () => {
    const path = fc.stringMatching(/^\/[a-z0-9]{1,8}(\/[a-z0-9]{0,8})?$/);
    const bad = fc.oneof(
      fc
        .tuple(fc.constantFrom('ftp', 'ws', 'wss', 'file', 'gopher'), host)
        .map(([s, h]) => `${s}://${h}`),
      host.filter((h) => h !== 'localhost').map((h) => `http://${h}`),
      fc.tuple(httpsOrigin, path).map(([o, p]) => `${o}${p}`),
      fc.tuple(localOrigin, path).map(([o, p]) => `${o}${p}`),
      fc
        .tuple(label, fc.option(label, { nil: undefined }), host)
        .map(([u, pw, h]) => `https://${u}${pw === undefined ? '' : `:${pw}`}@${h}`),
      fc.tuple(httpsOrigin, label).map(([o, q]) => `${o}/?${q}=1`),
      fc.tuple(httpsOrigin, label).map(([o, f]) => `${o}/#${f}`),
      host.map((h) => h), // no scheme at all
    );
    fc.assert(
      fc.property(seed64, bad, (s, o) => {
        assert.throws(() => normalizeOrigin(o), badOrigin, o);
        assert.throws(() => derivePairwise(s, o), badOrigin, o);
      }),
      { numRuns: 200 },
    );
  });
});

describe('master key derivation', () => {
  test('auth and recovery keys differ; the index changes the key; pairwise keys are separate', () => {
    fc.assert(
      fc.property(
        seed64,
        fc.integer({ min: 0, max: 1_000_000 }),
        fc.integer({ min: 0, max: 1_000_000 }),
        (s, i, j) => {
          const auth = deriveMasterKey(s, 'auth', i).multikey;
          assert.notEqual(auth, deriveMasterKey(s, 'recovery', i).multikey);
          assert.equal(auth, deriveMasterKey(s, 'auth', i).multikey);
          if (i !== j) {
            assert.notEqual(auth, deriveMasterKey(s, 'auth', j).multikey);
            assert.notEqual(
              deriveMasterKey(s, 'recovery', i).multikey,
              deriveMasterKey(s, 'recovery', j).multikey,
            );
          }
          assert.notEqual(auth, derivePairwise(s, 'https://example.com').multikey);
        },
      ),
      { numRuns: 100 },
    );
  });

  test('a bad index is a RangeError', () => {
    for (const i of [-1, 1.5, Number.NaN, 2 ** 53])
      assert.throws(() => deriveMasterKey(seed, 'auth', i), RangeError);
  });

  test('the wallet stores entropy: entropy → mnemonic → same seed and keys', () => {
    const entropy = mnemonicEntropy(TEST_MNEMONIC);
    assert.equal(toHex(entropy), '00'.repeat(16));
    const again = seedOfMnemonic(entropyMnemonic(entropy));
    assert.equal(toHex(again), toHex(seed));
    assert.equal(
      deriveMasterKey(again, 'auth', 0).multikey,
      deriveMasterKey(seed, 'auth', 0).multikey,
    );
  });
});
