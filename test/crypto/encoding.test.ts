import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import {
  decodeMultikey,
  decryptKeystore,
  encodeMultikey,
  encryptKeystore,
  fromBase58btc,
  fromBase64url,
  fromHex,
  fromMultibase,
  hkdfSha256,
  hmacSha256,
  isWellFormedText,
  sha256,
  toBase58btc,
  toBase64url,
  toHex,
  toMultibase,
  utf8,
} from '../../src/crypto/index.ts';

test('property: hex, base64url, base58btc, multibase round trips', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 80 }), (bytes) => {
      assert.deepEqual(fromHex(toHex(bytes)), bytes);
      assert.deepEqual(fromBase64url(toBase64url(bytes)), bytes);
      assert.deepEqual(fromBase58btc(toBase58btc(bytes)), bytes);
      assert.deepEqual(fromMultibase(toMultibase(bytes)), bytes);
    }),
    { numRuns: 300 },
  );
});

test('bad encodings are ERR_CRYPTO_BAD_ENCODING', () => {
  for (const f of [
    () => fromHex('abc'),
    () => fromHex('AB'),
    () => fromBase64url('a+b='),
    () => fromBase64url('A'),
    () => fromBase64url('AB'),
    () => fromBase58btc('0OIl'),
    () => fromMultibase('uAAA'),
  ]) {
    assert.throws(f, { code: 'ERR_CRYPTO_BAD_ENCODING' });
  }
});

test('Multikey: known vector (did:key spec example) and round trip', () => {
  // W3C did:key test vector: Ed25519 key from the vc-di-eddsa key pair.
  const mk = 'z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2';
  const pub = decodeMultikey(mk);
  assert.equal(pub.length, 32);
  assert.equal(encodeMultikey(pub), mk);
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), (key) => {
      const enc = encodeMultikey(key);
      assert.ok(enc.startsWith('z6Mk'));
      assert.deepEqual(decodeMultikey(enc), key);
    }),
  );
});

test('bad Multikeys are ERR_CRYPTO_BAD_MULTIKEY', () => {
  const x25519 = toMultibase(Uint8Array.of(0xec, 0x01, ...new Uint8Array(32)));
  for (const bad of [
    '',
    'z',
    x25519,
    toMultibase(Uint8Array.of(0xed, 0x01, 1, 2)),
    'f' + 'ab'.repeat(34),
  ]) {
    assert.throws(() => decodeMultikey(bad), { code: 'ERR_CRYPTO_BAD_MULTIKEY' }, bad);
  }
});

test('SHA-256, HMAC (RFC 4231 case 2) and HKDF (RFC 5869 case 1) known answers', () => {
  assert.equal(
    toHex(sha256(utf8('abc'))),
    'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
  );
  assert.equal(
    toHex(hmacSha256(utf8('Jefe'), utf8('what do ya want for nothing?'))),
    '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
  );
  const okm = hkdfSha256(
    fromHex('0b'.repeat(22)),
    fromHex('000102030405060708090a0b0c'),
    fromHex('f0f1f2f3f4f5f6f7f8f9'),
    42,
  );
  assert.equal(
    toHex(okm),
    '3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865',
  );
});

test('keystore: encrypts, decrypts, rejects wrong passphrase and tampering', () => {
  const params = { n: 1 << 10, r: 8, p: 1 };
  const secret = Uint8Array.from({ length: 32 }, (_, i) => i);
  const ks = encryptKeystore(secret, 'correct horse', 'did:key:z6Mk…', params);
  assert.ok(!JSON.stringify(ks).includes(toHex(secret)));
  assert.deepEqual(decryptKeystore(ks, 'correct horse'), secret);
  assert.throws(() => decryptKeystore(ks, 'wrong'), { code: 'ERR_CRYPTO_WRONG_PASSPHRASE' });
  assert.throws(() => decryptKeystore({ ...ks, label: 'other' }, 'correct horse'), {
    code: 'ERR_CRYPTO_WRONG_PASSPHRASE',
  });
  assert.throws(() => decryptKeystore({ ...ks, kdfParams: { ...ks.kdfParams, n: 3 } }, 'x'), {
    code: 'ERR_CRYPTO_BAD_KEYSTORE',
  });
  assert.throws(() => decryptKeystore('nope', 'x'), { code: 'ERR_CRYPTO_BAD_KEYSTORE' });
});

test('isWellFormedText: false exactly for a lone surrogate, wherever it is', () => {
  for (const ok of ['', 'abc', '中文', '\u{1F600}', 'a\ud83d\ude00b'])
    assert.equal(isWellFormedText(ok), true, ok);
  for (const bad of ['\ud800', 'a\udc00', '\ude00\ud83d', 'x\ud83d'])
    assert.equal(isWellFormedText(bad), false, JSON.stringify(bad));
});
