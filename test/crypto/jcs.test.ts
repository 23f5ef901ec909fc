import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import fc from 'fast-check';
import { canonicalBytes, canonicalize, toHex } from '../../src/crypto/index.ts';

const dir = new URL('../vectors/jcs-rfc8785/', import.meta.url);
const names = readdirSync(new URL('input/', dir)).map((f) => f.replace(/\.json$/, ''));

test('RFC 8785 reference vectors: input → exact output bytes', () => {
  assert.ok(names.length >= 6);
  for (const name of names) {
    const input: unknown = JSON.parse(readFileSync(new URL(`input/${name}.json`, dir), 'utf8'));
    const want = readFileSync(new URL(`output/${name}.json`, dir));
    const wantHex = readFileSync(new URL(`outhex/${name}.txt`, dir), 'utf8').replace(/\s+/g, '');
    const got = canonicalBytes(input);
    assert.equal(Buffer.from(got).toString('utf8'), want.toString('utf8'), name);
    assert.equal(toHex(got), wantHex, name);
  }
});

test('non-JSON values are ERR_CRYPTO_NOT_CANONICAL', () => {
  for (const bad of [
    NaN,
    Infinity,
    undefined,
    10n,
    { a: undefined },
    new Date(0),
    '\ud800',
    { '\udc00': 1 },
    () => 1,
  ]) {
    assert.throws(() => canonicalize(bad), { code: 'ERR_CRYPTO_NOT_CANONICAL' }, String(bad));
  }
});

test('-0 serializes as 0 and key order uses UTF-16 code units', () => {
  assert.equal(
    canonicalize({ b: -0, a: 1e21, '\u{1F600}': 1, '\uFB33': 2 }),
    '{"a":1e+21,"b":0,"\u{1F600}":1,"\uFB33":2}',
  );
});

test('property: canonicalize is idempotent through JSON.parse and independent of key order', () => {
  fc.assert(
    fc.property(fc.jsonValue(), (v) => {
      const c = canonicalize(v);
      assert.equal(canonicalize(JSON.parse(c)), c);
      assert.deepEqual(JSON.parse(c), JSON.parse(JSON.stringify(v)));
    }),
    { numRuns: 500 },
  );
  fc.assert(
    fc.property(fc.dictionary(fc.string(), fc.integer()), (obj) => {
      const reversed = Object.fromEntries(Object.entries(obj).reverse());
      assert.equal(canonicalize(reversed), canonicalize(obj));
    }),
  );
});
