/**
 * The browser's primitives (`hash.browser.ts`, `ed25519.browser.ts`, over @noble/hashes and
 * @noble/curves, swapped in by the web bundle) against the node's (`hash.ts`, `ed25519.ts`, over
 * node:crypto): the same runtime exports, the same answers on published vectors (FIPS 180-2
 * SHA-256, RFC 4231 HMAC-SHA-256, RFC 5869 HKDF-SHA-256, RFC 8032 §7.1 Ed25519), the same "no"
 * to malformed signatures and keys, and signatures of one verified by the other (fast-check).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import fc from 'fast-check';
import { fromHex, toHex, utf8 } from '../../src/crypto/bytes.ts';
import * as browserEd from '../../src/crypto/ed25519.browser.ts';
import * as nodeEd from '../../src/crypto/ed25519.ts';
import * as browserHash from '../../src/crypto/hash.browser.ts';
import * as nodeHash from '../../src/crypto/hash.ts';

const HASHES = { node: nodeHash, browser: browserHash } as const;
const EDS = { node: nodeEd, browser: browserEd } as const;
const IMPLS = ['node', 'browser'] as const;

interface Rfc8032Vector {
  name: string;
  secretKeyHex: string;
  publicKeyHex: string;
  messageHex: string;
  signatureHex: string;
}
const { vectors: RFC8032 } = JSON.parse(
  readFileSync(
    new URL('../vectors/ed25519/rfc8032-section7.1-ed25519.json', import.meta.url),
    'utf8',
  ),
) as { vectors: Rfc8032Vector[] };

/** The group order ℓ of Ed25519 (RFC 8032 §5.1), little-endian as in a signature's S. */
const L = 2n ** 252n + 27742317777372353535851937790883648493n;

const repeat = (byte: number, n: number): Uint8Array => new Uint8Array(n).fill(byte);
const range = (from: number, to: number): Uint8Array =>
  Uint8Array.from({ length: to - from + 1 }, (_, i) => from + i);

/** The runtime exports of a module: name → typeof (and the value, for constants). */
function surface(mod: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(mod)
      .map(([k, v]): [string, string] => [
        k,
        typeof v === 'function' ? 'function' : `${typeof v} ${String(v)}`,
      ])
      .sort(([a], [b]) => (a < b ? -1 : 1)),
  );
}

test('hash.browser.ts and ed25519.browser.ts export exactly the runtime names of hash.ts and ed25519.ts', () => {
  assert.deepEqual(surface(browserHash), surface(nodeHash));
  assert.deepEqual(surface(browserEd), surface(nodeEd));
  assert.deepEqual(Object.keys(nodeHash).sort(), [
    'SHA256_LENGTH',
    'equalSecret',
    'hkdfSha256',
    'hmacSha256',
    'sha256',
    'sha256Into',
    'sha256Node',
    'sha256Node4',
    'sha256NodeInput',
    'sha256Text',
    'sha256TextInto',
  ]);
  assert.deepEqual(Object.keys(nodeEd).sort(), [
    'ED25519_PUBLIC_KEY_LENGTH',
    'ED25519_SEED_LENGTH',
    'ED25519_SIGNATURE_LENGTH',
    'ed25519FromSeed',
    'ed25519Verify',
    'generateEd25519',
  ]);
});

test('SHA-256 (FIPS 180-2 examples): one part and several parts, both implementations', () => {
  const cases: [Uint8Array, string][] = [
    [utf8(''), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'],
    [utf8('abc'), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'],
    [
      utf8('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq'),
      '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
    ],
    [repeat(0x61, 1_000_000), 'cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0'],
  ];
  for (const impl of IMPLS) {
    const { sha256 } = HASHES[impl];
    for (const [input, want] of cases) {
      assert.equal(toHex(sha256(input)), want, `${impl} ${input.length} bytes`);
      const cut = input.length >> 1;
      assert.equal(
        toHex(sha256(input.subarray(0, cut), input.subarray(cut))),
        want,
        `${impl} in two parts`,
      );
    }
    assert.equal(toHex(sha256()), cases[0]![1], `${impl}: no part is the empty message`);
  }
});

test('sha256Text is SHA-256 of the UTF-8 bytes, lone surrogates as U+FFFD, both implementations', () => {
  assert.equal(
    toHex(nodeHash.sha256Text('abc')),
    'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
  );
  for (const impl of IMPLS)
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.string({ unit: 'grapheme' }), (a, b) => {
        for (const text of [a, b, `${a}\ud800${b}`])
          assert.equal(toHex(HASHES[impl].sha256Text(text)), toHex(nodeHash.sha256(utf8(text))));
      }),
      { numRuns: 200 },
    );
});

test('HMAC-SHA-256: RFC 4231 test cases 1–4, 6 and 7, both implementations', () => {
  const big = repeat(0xaa, 131);
  const cases: [Uint8Array, Uint8Array, string][] = [
    [
      repeat(0x0b, 20),
      utf8('Hi There'),
      'b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7',
    ],
    [
      utf8('Jefe'),
      utf8('what do ya want for nothing?'),
      '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
    ],
    [
      repeat(0xaa, 20),
      repeat(0xdd, 50),
      '773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe',
    ],
    [
      range(1, 25),
      repeat(0xcd, 50),
      '82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b',
    ],
    [
      big,
      utf8('Test Using Larger Than Block-Size Key - Hash Key First'),
      '60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54',
    ],
    [
      big,
      utf8(
        'This is a test using a larger than block-size key and a larger than block-size data. The key needs to be hashed before being used by the HMAC algorithm.',
      ),
      '9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2',
    ],
  ];
  for (const impl of IMPLS)
    for (const [i, [key, data, want]] of cases.entries())
      assert.equal(toHex(HASHES[impl].hmacSha256(key, data)), want, `${impl} case ${i}`);
});

test('HKDF-SHA-256: RFC 5869 test cases 1–3, both implementations', () => {
  const cases: [Uint8Array, Uint8Array, Uint8Array, number, string][] = [
    [
      repeat(0x0b, 22),
      range(0x00, 0x0c),
      range(0xf0, 0xf9),
      42,
      '3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865',
    ],
    [
      range(0x00, 0x4f),
      range(0x60, 0xaf),
      range(0xb0, 0xff),
      82,
      'b11e398dc80327a1c8e7f78c596a49344f012eda2d4efad8a050cc4c19afa97c59045a99cac7827271cb41c65e590e09da3275600c2f09b8367793a9aca3db71cc30c58179ec3e87c14c01d5c1f3434f1d87',
    ],
    [
      repeat(0x0b, 22),
      new Uint8Array(0),
      new Uint8Array(0),
      42,
      '8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8',
    ],
  ];
  for (const impl of IMPLS)
    for (const [i, [ikm, salt, info, length, want]] of cases.entries())
      assert.equal(
        toHex(HASHES[impl].hkdfSha256(ikm, salt, info, length)),
        want,
        `${impl} case ${i + 1}`,
      );
});

test('hash misuse: the same errors (RangeError for an HKDF length, TypeError for a key that is not bytes)', () => {
  for (const impl of IMPLS) {
    const { hkdfSha256, hmacSha256, equalSecret } = HASHES[impl];
    for (const length of [0, -1, 1.5, 255 * 32 + 1])
      assert.throws(
        () => hkdfSha256(repeat(1, 16), new Uint8Array(0), new Uint8Array(0), length),
        RangeError,
        `${impl} ${length}`,
      );
    assert.equal(
      hkdfSha256(repeat(1, 16), new Uint8Array(0), new Uint8Array(0), 255 * 32).length,
      8160,
    );
    assert.throws(
      () => hkdfSha256('ikm' as never, new Uint8Array(0), new Uint8Array(0), 32),
      TypeError,
    );
    assert.throws(() => hmacSha256('key' as never, utf8('m')), TypeError);
    assert.equal(equalSecret(utf8('same'), utf8('same')), true, impl);
    assert.equal(equalSecret(utf8('same'), utf8('sane')), false, impl);
    assert.equal(equalSecret(utf8('same'), utf8('same!')), false, `${impl}: lengths differ`);
  }
});

test('Ed25519: RFC 8032 §7.1 vectors give the same keys and signatures, and each verifies the other', () => {
  assert.equal(RFC8032.length, 3);
  for (const v of RFC8032) {
    const msg = fromHex(v.messageHex);
    for (const signer of IMPLS) {
      const kp = EDS[signer].ed25519FromSeed(fromHex(v.secretKeyHex));
      assert.equal(toHex(kp.publicKey), v.publicKeyHex, `${signer} ${v.name}`);
      assert.equal(toHex(kp.sign(msg)), v.signatureHex, `${signer} ${v.name}`);
      assert.equal(JSON.stringify(kp), '"[Ed25519KeyPair]"', 'the private key never serializes');
    }
    for (const verifier of IMPLS)
      assert.equal(
        EDS[verifier].ed25519Verify(fromHex(v.signatureHex), msg, fromHex(v.publicKeyHex)),
        true,
      );
  }
});

/** A signature with S replaced by S + ℓ: the same point equation, a non-canonical encoding. */
function withNonCanonicalS(sig: Uint8Array): Uint8Array {
  let s = 0n;
  for (let i = 63; i >= 32; i--) s = (s << 8n) | BigInt(sig[i]!);
  s += L;
  const out = sig.slice();
  for (let i = 32; i < 64; i++, s >>= 8n) out[i] = Number(s & 0xffn);
  return out;
}

test('Ed25519 malformed input: both answer false (lengths, S ≥ ℓ, keys off the curve or not canonical)', () => {
  const v = RFC8032[1]!;
  const [sig, msg, pub] = [fromHex(v.signatureHex), fromHex(v.messageHex), fromHex(v.publicKeyHex)];
  const offCurve = new Uint8Array(32);
  offCurve[0] = 2; // y = 2: x² = (y² − 1)/(d·y² + 1) has no square root
  const yIsP = fromHex('edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f');
  const bad: [string, Uint8Array, Uint8Array][] = [
    ['signature of 63 bytes', sig.subarray(0, 63), pub],
    ['signature of 65 bytes', Uint8Array.of(...sig, 0), pub],
    ['empty signature', new Uint8Array(0), pub],
    ['non-canonical S (S + ℓ)', withNonCanonicalS(sig), pub],
    [
      'S = ℓ',
      Uint8Array.of(...sig.subarray(0, 32), ...withNonCanonicalS(new Uint8Array(64)).subarray(32)),
      pub,
    ],
    ['public key of 31 bytes', sig, pub.subarray(0, 31)],
    ['public key of 33 bytes', sig, Uint8Array.of(...pub, 0)],
    ['public key off the curve (y = 2)', sig, offCurve],
    ['public key with y = p (not canonical)', sig, yIsP],
    ['public key of all 0xff', sig, repeat(0xff, 32)],
    ['another public key', sig, fromHex(RFC8032[0]!.publicKeyHex)],
  ];
  for (const impl of IMPLS)
    for (const [name, s, k] of bad)
      assert.equal(EDS[impl].ed25519Verify(s, msg, k), false, `${impl}: ${name}`);
  for (const impl of IMPLS) {
    assert.throws(() => EDS[impl].ed25519Verify(sig, 'message' as never, pub), TypeError, impl);
    for (const n of [0, 31, 33, 64])
      assert.throws(
        () => EDS[impl].ed25519FromSeed(new Uint8Array(n)),
        { code: 'ERR_CRYPTO_BAD_KEY' },
        `${impl} ${n}`,
      );
  }
});

test('property: a signature of one implementation verifies with the other; one flipped bit fails both', () => {
  fc.assert(
    fc.property(
      fc.uint8Array({ minLength: 32, maxLength: 32 }),
      fc.uint8Array({ maxLength: 300 }),
      fc.constantFrom(...IMPLS),
      fc.nat(),
      (seed, msg, signer, bit) => {
        const other = signer === 'node' ? 'browser' : 'node';
        const kp = EDS[signer].ed25519FromSeed(seed);
        assert.deepEqual(EDS[other].ed25519FromSeed(seed).publicKey, kp.publicKey);
        const sig = kp.sign(msg);
        assert.deepEqual(
          EDS[other].ed25519FromSeed(seed).sign(msg),
          sig,
          'deterministic (RFC 8032)',
        );
        assert.equal(EDS[other].ed25519Verify(sig, msg, kp.publicKey), true);
        const flipped = sig.slice();
        flipped[(bit >> 3) % 64]! ^= 1 << (bit & 7);
        for (const impl of IMPLS)
          assert.equal(EDS[impl].ed25519Verify(flipped, msg, kp.publicKey), false);
      },
    ),
    { numRuns: 200 },
  );
});

test('generateEd25519: a fresh seed whose key pair both implementations derive alike', () => {
  for (const impl of IMPLS) {
    const { seed, keyPair } = EDS[impl].generateEd25519();
    assert.equal(seed.length, 32);
    for (const other of IMPLS)
      assert.deepEqual(EDS[other].ed25519FromSeed(seed).publicKey, keyPair.publicKey);
  }
});

test('property: node hashes (sha256Node, sha256Node4) and sha256TextInto agree, both implementations', () => {
  fc.assert(
    fc.property(
      fc.uint8Array({ minLength: 256, maxLength: 256 }),
      fc.integer({ min: 0, max: 255 }),
      fc.string(),
      (data, prefix, text) => {
        const want = [0, 1, 2, 3].map((k) =>
          toHex(nodeHash.sha256(Uint8Array.of(prefix, ...data.subarray(64 * k, 64 * k + 64)))),
        );
        for (const impl of IMPLS) {
          const h = HASHES[impl];
          const input = h.sha256NodeInput;
          new Uint8Array(input.buffer, input.byteOffset, 256).set(data);
          const out = new Uint8Array(160);
          h.sha256Node4(prefix, out, 96, 0, 64, 32);
          assert.deepEqual(
            [96, 0, 64, 32].map((o) => toHex(out.subarray(o, o + 32))),
            want,
            impl,
          );
          h.sha256Node(prefix, out, 128);
          assert.equal(toHex(out.subarray(128, 160)), want[0], impl);
          h.sha256TextInto(text, out, 1);
          assert.equal(toHex(out.subarray(1, 33)), toHex(nodeHash.sha256(utf8(text))), impl);
        }
      },
    ),
    { numRuns: 200 },
  );
});
