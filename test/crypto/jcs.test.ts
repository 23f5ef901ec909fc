import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import fc from 'fast-check';
import { canonicalBytes, canonicalize, toHex } from '../../src/crypto/index.ts';
import { isAppError } from '../../src/errors.ts';

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

test('values already in canonical order (the JSON.stringify path) give the same text as unsorted ones', () => {
  // integer-like keys come first in Object.keys (numeric order), which is not UTF-16 order
  assert.equal(canonicalize({ 2: 'b', 10: 'a' }), '{"10":"a","2":"b"}');
  assert.equal(canonicalize(JSON.parse('{"10":"a","2":"b"}')), '{"10":"a","2":"b"}');
  assert.equal(
    canonicalize({ a: [1, { b: -0, c: 'é\u2028\n' }] }),
    '{"a":[1,{"b":0,"c":"é\u2028\\n"}]}',
  );
  // sorted, but not JSON: still the error (with the path) of the full serializer
  for (const [bad, at] of [
    [{ a: 1, b: '\ud800' }, '.b'],
    [{ a: [1, NaN] }, '.a[1]'],
    [{ a: { b: undefined } }, '.a.b'],
    [[1, , 3], '[1]'], // eslint-disable-line no-sparse-arrays
    [{ a: new Map() }, '.a'],
  ] as const)
    assert.throws(
      () => canonicalize(bad),
      (err) => isAppError(err, 'ERR_CRYPTO_NOT_CANONICAL') && err.message.startsWith(`${at}: `),
      JSON.stringify(at),
    );
  // what JSON.stringify would treat specially takes the sorting path, which ignores it
  const arr = Object.assign([1], { toJSON: () => 'x' });
  assert.equal(canonicalize(arr), '[1]');
  assert.equal(canonicalize(Object.setPrototypeOf(new Boolean(true), null)), '{}');
  const proto = Object.prototype as { toJSON?: () => string };
  proto.toJSON = () => 'polluted';
  try {
    assert.equal(canonicalize({ a: 1 }), '{"a":1}');
  } finally {
    delete proto.toJSON;
  }
  let deep: unknown = 1;
  for (let i = 0; i < 202; i++) deep = [deep];
  assert.throws(() => canonicalize(deep), { code: 'ERR_CRYPTO_NOT_CANONICAL' });
});

/** `v` with every object's keys in reverse order (so canonicalize must sort, not take the fast path). */
function reversedDeep(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(reversedDeep);
  if (v === null || typeof v !== 'object') return v;
  return Object.fromEntries(
    Object.entries(v)
      .reverse()
      .map(([k, x]) => [k, reversedDeep(x)]),
  );
}

test('property: the sorted form (JSON.stringify path) and the reversed form (sorting path) canonicalize alike', () => {
  fc.assert(
    fc.property(fc.jsonValue(), (v) => {
      const c = canonicalize(reversedDeep(v));
      assert.equal(canonicalize(JSON.parse(c)), c);
      assert.equal(canonicalize(v), c);
    }),
    { numRuns: 1000 },
  );
});

/** RFC 8785 written plainly (keys sorted by UTF-16 code units, ECMAScript string and number forms). */
function referenceJcs(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(referenceJcs).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const keys = Object.keys(v).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${referenceJcs((v as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

test('property: every path (in order, copied with sorted keys, serialized) writes the reference RFC 8785 text', () => {
  const key = fc.oneof(
    fc.string(),
    fc.constantFrom('__proto__', '0', '9', '10', '1a', 'é', '😀', 'a', 'B'),
  );
  const value = fc.letrec((tie) => ({
    any: fc.oneof(
      { depthSize: 'small' },
      fc.constantFrom(null, true, false, 0, -0, 1e21, 1.5e-7, -123.456),
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      fc.string(),
      fc.array(tie('any'), { maxLength: 4 }),
      fc.dictionary(key, tie('any'), { maxKeys: 5 }),
    ),
  })).any;
  fc.assert(
    fc.property(value, (v) => {
      // From JSON text, so "__proto__" is an own key as it is in parsed input.
      const parsed: unknown = JSON.parse(JSON.stringify(v));
      const expected = referenceJcs(parsed);
      assert.equal(canonicalize(parsed), expected);
      assert.equal(canonicalize(reversedDeep(parsed)), expected);
    }),
    { numRuns: 2000 },
  );
});

test('an own "__proto__" key is kept and sorted; digit keys sort as text', () => {
  assert.equal(
    canonicalize(JSON.parse('{"b":1,"__proto__":{"y":2,"x":1}}')),
    '{"__proto__":{"x":1,"y":2},"b":1}',
  );
  assert.equal(canonicalize({ b: 1, 10: 'ten', 9: 'nine' }), '{"10":"ten","9":"nine","b":1}');
});
