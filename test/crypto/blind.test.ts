import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, test } from 'node:test';
import { ed25519, ED25519_TORSION_SUBGROUP } from '@noble/curves/ed25519.js';
import fc from 'fast-check';
import {
  BLIND_PREFIX_LABEL,
  blindedSigner,
  blindingScalar,
  blindPublicKey,
  ed25519FromSeed,
  ed25519Verify,
  fromHex,
  toHex,
  utf8,
} from '../../src/crypto/index.ts';

const L = ed25519.Point.Fn.ORDER;
const bytes = (n: number) => fc.uint8Array({ minLength: n, maxLength: n });
const scalar = fc.bigInt({ min: 1n, max: L - 1n });
const flipBit = (b: Uint8Array, bit: number): Uint8Array => {
  const out = b.slice();
  out[bit >> 3]! ^= 1 << (bit & 7);
  return out;
};

// RFC 8032 §7.1 TEST 1
const SEED = fromHex('9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60');
const PUBLIC = fromHex('d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a');

describe('blindingScalar', () => {
  test('is HMAC-SHA-512(key, label ‖ nonce) as a little-endian integer mod ℓ', () => {
    fc.assert(
      fc.property(bytes(32), fc.string(), fc.uint8Array({ maxLength: 40 }), (key, label, nonce) => {
        const mac = createHmac('sha512', key).update(utf8(label)).update(nonce).digest();
        const want = BigInt(`0x${Buffer.from(mac).reverse().toString('hex')}`) % L;
        const h = blindingScalar(key, label, nonce);
        assert.equal(h, want === 0n ? 1n : want);
        assert.ok(h >= 1n && h < L);
      }),
      { numRuns: 200 },
    );
  });

  test('separates labels and nonces', () => {
    const key = new Uint8Array(32).fill(7);
    const nonce = new Uint8Array(16);
    const h = blindingScalar(key, 'realdid/credit/blind/v1|', nonce);
    assert.notEqual(h, blindingScalar(key, 'realdid/credit/blind/v2|', nonce));
    assert.notEqual(h, blindingScalar(key, 'realdid/credit/blind/v1|', flipBit(nonce, 0)));
    assert.notEqual(h, blindingScalar(flipBit(key, 255), 'realdid/credit/blind/v1|', nonce));
    assert.equal(h, blindingScalar(key, 'realdid/credit/blind/v1|', nonce));
  });

  test('refuses non-byte arguments', () => {
    assert.throws(() => blindingScalar('k' as never, 'l', new Uint8Array(1)), TypeError);
    assert.throws(() => blindingScalar(new Uint8Array(1), 'l', [1] as never), TypeError);
    assert.throws(
      () => blindingScalar(new Uint8Array(1), 1 as never, new Uint8Array(1)),
      TypeError,
    );
  });
});

describe('Ed25519 key blinding', () => {
  test('property: a blinded signature verifies with node:crypto for h·A, and blindPublicKey(A, h) is the signer key', () => {
    fc.assert(
      fc.property(bytes(32), scalar, fc.uint8Array({ maxLength: 300 }), (seed, h, message) => {
        const A = ed25519FromSeed(seed).publicKey;
        const signer = blindedSigner(seed, h);
        const blinded = blindPublicKey(A, h);
        assert.equal(toHex(signer.publicKey), toHex(blinded));
        const sig = signer.sign(message);
        assert.equal(sig.length, 64);
        assert.ok(ed25519Verify(sig, message, blinded));
        assert.ok(ed25519.verify(sig, message, blinded), 'noble (RFC 8032 strict) agrees');
      }),
      { numRuns: 300 },
    );
  });

  test('property: a wrong h, a wrong message, a wrong key or a flipped signature bit fails', () => {
    fc.assert(
      fc.property(
        bytes(32),
        scalar,
        scalar,
        fc.uint8Array({ minLength: 1, maxLength: 100 }),
        fc.nat(),
        (seed, h, h2, message, bit) => {
          fc.pre(h !== h2);
          const A = ed25519FromSeed(seed).publicKey;
          const sig = blindedSigner(seed, h).sign(message);
          assert.equal(ed25519Verify(sig, message, blindPublicKey(A, h2)), false, 'other h');
          if (h !== 1n) assert.equal(ed25519Verify(sig, message, A), false, 'unblinded A');
          const other = flipBit(message, bit % (message.length * 8));
          assert.equal(ed25519Verify(sig, other, blindPublicKey(A, h)), false, 'other message');
          const badSig = flipBit(sig, bit % 512);
          assert.equal(ed25519Verify(badSig, message, blindPublicKey(A, h)), false, 'flipped sig');
          assert.equal(
            ed25519Verify(blindedSigner(seed, h2).sign(message), message, blindPublicKey(A, h)),
            false,
          );
        },
      ),
      { numRuns: 100 },
    );
  });

  test('property: blinding composes, h2·(h1·A) = (h1·h2 mod ℓ)·A', () => {
    fc.assert(
      fc.property(bytes(32), scalar, scalar, (seed, h1, h2) => {
        const A = ed25519FromSeed(seed).publicKey;
        const h = (h1 * h2) % L;
        fc.pre(h !== 0n);
        assert.equal(toHex(blindPublicKey(blindPublicKey(A, h1), h2)), toHex(blindPublicKey(A, h)));
        assert.equal(toHex(blindedSigner(seed, h).publicKey), toHex(blindPublicKey(A, h)));
      }),
      { numRuns: 50 },
    );
  });

  test('sanity: h = 1 gives back A (and its signatures verify with A); h = 2 gives A + A', () => {
    const A = ed25519FromSeed(SEED).publicKey;
    assert.equal(toHex(A), toHex(PUBLIC));
    assert.equal(toHex(blindPublicKey(A, 1n)), toHex(A));
    const signer = blindedSigner(SEED, 1n);
    assert.equal(toHex(signer.publicKey), toHex(A));
    assert.ok(ed25519Verify(signer.sign(utf8('hello')), utf8('hello'), A));
    const point = ed25519.Point.fromBytes(A);
    assert.equal(toHex(blindPublicKey(A, 2n)), toHex(point.add(point).toBytes()));
  });

  test('signing is deterministic and its nonce depends on h (prefix′ is not RFC 8032 prefix)', () => {
    const m = utf8('m');
    const h = blindingScalar(new Uint8Array(32), 'test', new Uint8Array(16));
    assert.equal(toHex(blindedSigner(SEED, h).sign(m)), toHex(blindedSigner(SEED, h).sign(m)));
    const sig1 = blindedSigner(SEED, 1n).sign(m);
    assert.notEqual(
      toHex(sig1),
      toHex(ed25519FromSeed(SEED).sign(m)),
      `${BLIND_PREFIX_LABEL} in r`,
    );
    assert.notEqual(
      toHex(blindedSigner(SEED, h).sign(m).subarray(0, 32)),
      toHex(
        blindedSigner(SEED, h + 1n)
          .sign(m)
          .subarray(0, 32),
      ),
    );
  });

  test('regression vector: RFC 8032 TEST 1 seed, h = blindingScalar(0^32, "test", 0^16)', () => {
    const h = blindingScalar(new Uint8Array(32), 'test', new Uint8Array(16));
    assert.equal(h.toString(16), VECTOR.h);
    const signer = blindedSigner(SEED, h);
    const sig = signer.sign(utf8('realdid'));
    assert.equal(toHex(signer.publicKey), VECTOR.publicKey);
    assert.equal(toHex(sig), VECTOR.sig);
    assert.ok(ed25519Verify(sig, utf8('realdid'), fromHex(VECTOR.publicKey)));
  });

  test('blindPublicKey refuses small-order and mixed-order points, non-points and bad lengths (RangeError)', () => {
    for (const hex of ED25519_TORSION_SUBGROUP) {
      assert.throws(() => blindPublicKey(fromHex(hex), 5n), RangeError, hex);
    }
    const torsion = ed25519.Point.fromHex(ED25519_TORSION_SUBGROUP[1]!);
    const mixed = ed25519.Point.fromBytes(PUBLIC).add(torsion).toBytes();
    assert.throws(() => blindPublicKey(mixed, 5n), /prime-order subgroup/);
    // y = p (non-canonical) and y = 2 (no x on the curve)
    const p = fromHex('edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f');
    assert.throws(() => blindPublicKey(p, 5n), /not the encoding of an Ed25519 point/);
    const two = new Uint8Array(32);
    two[0] = 2;
    assert.throws(() => blindPublicKey(two, 5n), RangeError);
    assert.throws(() => blindPublicKey(PUBLIC.subarray(0, 31), 5n), RangeError);
    assert.throws(() => blindPublicKey('x' as never, 5n), TypeError);
  });

  test('h must be a scalar in 1..ℓ-1; the seed 32 bytes', () => {
    for (const h of [0n, -1n, L, L + 1n]) {
      assert.throws(() => blindPublicKey(PUBLIC, h), RangeError, String(h));
      assert.throws(() => blindedSigner(SEED, h), RangeError, String(h));
    }
    assert.throws(() => blindPublicKey(PUBLIC, 5 as never), TypeError);
    assert.throws(() => blindedSigner(SEED.subarray(1), 5n), RangeError);
    assert.throws(() => blindedSigner(null as never, 5n), TypeError);
    assert.ok(blindPublicKey(PUBLIC, L - 1n).length === 32, 'ℓ-1 is fine (−A)');
  });

  test('the signer serializes no secret', () => {
    const json = JSON.stringify(blindedSigner(SEED, 3n));
    assert.doesNotMatch(json, new RegExp(toHex(SEED)));
    assert.deepEqual(Object.keys(JSON.parse(json)), ['publicKey']);
  });
});

/**
 * Computed once with an independent Python implementation of the RFC 8032 §6 reference
 * arithmetic following the blindedSigner formulas (not with this code); message "realdid".
 */
const VECTOR = {
  h: '1baa20775a1fa3db0acf4e75ef4e0d030b75fa6fec650c73d59101a7bbefc1b',
  publicKey: '70bcfe44053f4b457282423a324ee8651d213ad318034508c83b89a459c10eae',
  sig:
    'fad2ce60f584b34735daa9c74fd0eb9948114bff890a9376b109e417764dcfdd' +
    'a89885a722ddf5121c2d4fafd995b26b9a70e31883e0f5f1320af1b95b8b0c0d',
};
