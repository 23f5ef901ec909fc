import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import fc from 'fast-check';
import {
  sha256,
  sha256Into,
  sha256Text,
  sha256TextInto,
  sha256Node,
  sha256Node4,
  sha256NodeInput,
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

test('property: sha256Node and sha256Node4 hash prefix || 64 staged bytes like node:crypto, into any offsets', () => {
  const staged = new Uint8Array(sha256NodeInput.buffer, sha256NodeInput.byteOffset, 256);
  fc.assert(
    fc.property(
      fc.uint8Array({ minLength: 256, maxLength: 256 }),
      fc.integer({ min: 0, max: 255 }),
      fc.shuffledSubarray([0, 1, 2, 3, 4, 5, 6, 7], { minLength: 4, maxLength: 4 }),
      (data, prefix, slots) => {
        staged.set(data);
        const want = [0, 1, 2, 3].map((k) =>
          nodeSha256(Uint8Array.of(prefix, ...data.subarray(64 * k, 64 * k + 64))),
        );
        // Four distinct 32-byte slots of a 256-byte buffer, in any order.
        const offsets = slots.map((x) => 32 * x);
        const out = new Uint8Array(256);
        sha256Node4(prefix, out, offsets[0]!, offsets[1]!, offsets[2]!, offsets[3]!);
        offsets.forEach((o, k) => assert.equal(toHex(out.subarray(o, o + 32)), want[k]));
        const one = new Uint8Array(40);
        sha256Node(prefix, one, 8);
        assert.equal(toHex(one.subarray(8, 40)), want[0]);
        assert.ok(one.subarray(0, 8).every((b) => b === 0));
      },
    ),
    { numRuns: 500 },
  );
});
