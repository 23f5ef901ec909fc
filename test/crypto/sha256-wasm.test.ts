import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import fc from 'fast-check';
import {
  sha256,
  sha256Into,
  sha256Text,
  sha256TextInto,
  toHex,
  utf8,
} from '../../src/crypto/index.ts';
import {
  SHA256_WASM_MAX_INPUT,
  sha256Small,
  sha256SmallInto,
  sha256SmallParts,
  sha256SmallText,
} from '../../src/crypto/sha256-wasm.ts';

const nodeSha256 = (data: Uint8Array | string): string =>
  createHash('sha256').update(data).digest('hex');

/** Bytes 0, 1, 2, … (mod 251, so no block repeats) of length `n`. */
const bytes = (n: number, seed = 0): Uint8Array =>
  Uint8Array.from({ length: n }, (_, i) => (i * 7 + seed) % 251);

test('FIPS 180-2 examples through the WebAssembly module', () => {
  assert.equal(
    toHex(sha256Small(utf8(''))),
    'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  );
  assert.equal(
    toHex(sha256Small(utf8('abc'))),
    'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
  );
  // 56 bytes: the padding needs a second block.
  assert.equal(
    toHex(sha256Small(utf8('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq'))),
    '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
  );
});

test('every input length the module takes agrees with node:crypto (all padding cases)', () => {
  for (let n = 0; n <= SHA256_WASM_MAX_INPUT; n++) {
    for (const seed of [0, 3]) {
      const data = bytes(n, seed);
      const want = nodeSha256(data);
      assert.equal(toHex(sha256Small(data)), want, `sha256Small, ${n} bytes`);
      const out = new Uint8Array(40).fill(0xee);
      sha256SmallInto(data, out, 5);
      assert.equal(toHex(out.subarray(5, 37)), want, `sha256SmallInto, ${n} bytes`);
      assert.deepEqual([...out.subarray(0, 5), ...out.subarray(37)], Array(8).fill(0xee));
    }
  }
});

test('inputs over the limit are refused by the module and hashed natively by sha256*', () => {
  const big = bytes(SHA256_WASM_MAX_INPUT + 1);
  assert.throws(() => sha256Small(big), RangeError);
  assert.throws(() => sha256SmallInto(big, new Uint8Array(32), 0), RangeError);
  assert.equal(sha256SmallParts([big]), undefined);
  assert.equal(sha256SmallText('x'.repeat(SHA256_WASM_MAX_INPUT + 1)), undefined);
  // 83 three-byte characters are 249 UTF-8 bytes although the text is only 83 units long.
  assert.equal(sha256SmallText('€'.repeat(83)), undefined);
  for (const n of [SHA256_WASM_MAX_INPUT + 1, 1000, 70_000]) {
    const data = bytes(n);
    assert.equal(toHex(sha256(data)), nodeSha256(data));
    const out = new Uint8Array(32);
    sha256Into(data, out, 0);
    assert.equal(toHex(out), nodeSha256(data));
  }
});

test('property: sha256, sha256Into and parts of any split agree with node:crypto', () => {
  fc.assert(
    fc.property(
      fc.array(fc.uint8Array({ maxLength: 140 }), { maxLength: 4 }),
      fc.nat(31),
      (parts, offset) => {
        const joined = Buffer.concat(parts);
        const want = nodeSha256(joined);
        assert.equal(toHex(sha256(...parts)), want);
        const out = new Uint8Array(offset + 32);
        sha256Into(joined, out, offset);
        assert.equal(toHex(out.subarray(offset)), want);
      },
    ),
    { numRuns: 2000 },
  );
});

test('property: sha256Text and sha256TextInto hash the UTF-8 bytes, lone surrogates as U+FFFD, like node:crypto', () => {
  fc.assert(
    fc.property(
      fc.oneof(
        fc.string({ unit: 'grapheme', maxLength: 120 }),
        fc.string({ unit: 'binary', maxLength: 120 }),
        fc.string({ unit: fc.constantFrom('a', '\ud800', '\udc00', '😀', 'é'), maxLength: 200 }),
      ),
      fc.nat(40),
      (text, offset) => {
        const expected = nodeSha256(text);
        assert.equal(toHex(sha256Text(text)), expected);
        const out = new Uint8Array(offset + 40).fill(0xee);
        sha256TextInto(text, out, offset);
        assert.equal(toHex(out.subarray(offset, offset + 32)), expected);
        // nothing written around the digest
        assert.ok(out.subarray(0, offset).every((b) => b === 0xee));
        assert.ok(out.subarray(offset + 32).every((b) => b === 0xee));
      },
    ),
    { numRuns: 2000 },
  );
});
