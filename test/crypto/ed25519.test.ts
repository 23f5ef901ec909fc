import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import fc from 'fast-check';
import {
  ed25519FromSeed,
  ed25519Verify,
  fromHex,
  generateEd25519,
  toHex,
} from '../../src/crypto/index.ts';

interface Rfc8032Vector {
  name: string;
  secretKeyHex: string;
  publicKeyHex: string;
  messageHex: string;
  signatureHex: string;
}

const { vectors } = JSON.parse(
  readFileSync(
    new URL('../vectors/ed25519/rfc8032-section7.1-ed25519.json', import.meta.url),
    'utf8',
  ),
) as { vectors: Rfc8032Vector[] };

test('RFC 8032 §7.1 vectors: public key, signature and verification', () => {
  assert.equal(vectors.length, 3);
  for (const v of vectors) {
    const kp = ed25519FromSeed(fromHex(v.secretKeyHex));
    assert.equal(toHex(kp.publicKey), v.publicKeyHex, v.name);
    const sig = kp.sign(fromHex(v.messageHex));
    assert.equal(toHex(sig), v.signatureHex, v.name);
    assert.equal(ed25519Verify(sig, fromHex(v.messageHex), fromHex(v.publicKeyHex)), true, v.name);
  }
});

test('RFC 8032 vectors: any one-bit change of signature, message or key fails', () => {
  for (const v of vectors) {
    const sig = fromHex(v.signatureHex);
    const msg = fromHex(v.messageHex);
    const pub = fromHex(v.publicKeyHex);
    for (let bit = 0; bit < sig.length * 8; bit += 7) {
      const bad = sig.slice();
      bad[bit >> 3]! ^= 1 << (bit & 7);
      assert.equal(ed25519Verify(bad, msg, pub), false, `${v.name} sig bit ${bit}`);
    }
    if (msg.length > 0) {
      const bad = msg.slice();
      bad[0]! ^= 1;
      assert.equal(ed25519Verify(sig, bad, pub), false);
    }
    const badPub = pub.slice();
    badPub[5]! ^= 0x10;
    assert.equal(ed25519Verify(sig, msg, badPub), false);
  }
});

test('malformed inputs answer false, not throw', () => {
  const { keyPair } = generateEd25519();
  const sig = keyPair.sign(new Uint8Array(3));
  assert.equal(ed25519Verify(sig.subarray(0, 63), new Uint8Array(3), keyPair.publicKey), false);
  assert.equal(ed25519Verify(sig, new Uint8Array(3), keyPair.publicKey.subarray(1)), false);
  assert.equal(ed25519Verify(sig, new Uint8Array(3), new Uint8Array(32).fill(0xff)), false);
});

test('a bad seed length is ERR_CRYPTO_BAD_KEY', () => {
  assert.throws(() => ed25519FromSeed(new Uint8Array(31)), { code: 'ERR_CRYPTO_BAD_KEY' });
});

test('property: sign → verify round trip; other key fails', () => {
  fc.assert(
    fc.property(
      fc.uint8Array({ minLength: 32, maxLength: 32 }),
      fc.uint8Array({ maxLength: 200 }),
      (seed, msg) => {
        const kp = ed25519FromSeed(seed);
        const sig = kp.sign(msg);
        assert.equal(ed25519Verify(sig, msg, kp.publicKey), true);
        const other = seed.slice();
        other[0]! ^= 1;
        assert.equal(ed25519Verify(sig, msg, ed25519FromSeed(other).publicKey), false);
      },
    ),
    { numRuns: 200 },
  );
});

test('a key pair never serializes its private key', () => {
  const { keyPair } = generateEd25519();
  assert.equal(JSON.stringify({ k: keyPair }), '{"k":"[Ed25519KeyPair]"}');
});
