import assert from 'node:assert/strict';
import { createCipheriv, randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';
import {
  concatKdf,
  decryptCompactJwe,
  encryptCompactJwe,
  fromBase64url,
  fromHex,
  generateX25519,
  toBase64url,
  toHex,
  utf8,
  x25519FromPrivate,
} from '../../src/crypto/index.ts';
import { isAppError } from '../../src/errors.ts';

describe('compact JWE, ECDH-ES (X25519) + A256GCM', () => {
  test('Concat KDF: RFC 7518 Appendix C (A128GCM, apu "Alice", apv "Bob")', () => {
    const z = Uint8Array.from([
      158, 86, 217, 29, 129, 113, 53, 211, 114, 131, 66, 131, 191, 132, 38, 156, 251, 49, 110, 163,
      218, 128, 106, 72, 246, 218, 167, 121, 140, 254, 144, 196,
    ]);
    const key = concatKdf(z, 'A128GCM', 128, utf8('Alice'), utf8('Bob'));
    assert.equal(toBase64url(key), 'VqqN6vgjbSBcIijNcacQGg');
  });

  test('X25519 key agreement: RFC 8037 Appendix A.6 (the RFC 7748 §6.1 keys)', () => {
    const ephemeral = x25519FromPrivate(
      fromHex('77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a'),
    );
    assert.equal(
      toHex(fromBase64url(ephemeral.publicJwk.x)),
      '8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a',
    );
    const bob = {
      kty: 'OKP',
      crv: 'X25519',
      x: toBase64url(fromHex('de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f')),
    } as const;
    assert.equal(
      toHex(ephemeral.agree(bob)),
      '4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742',
    );
  });

  test('round trip; the header is {alg, enc, epk}; another key or a changed bit does not decrypt', () => {
    const bob = generateX25519();
    const plain = utf8('{"familyName":"测试"}');
    const jwe = encryptCompactJwe(plain, bob.publicJwk);
    const parts = jwe.split('.');
    assert.equal(parts.length, 5);
    assert.equal(parts[1], '');
    const header = JSON.parse(Buffer.from(fromBase64url(parts[0]!)).toString('utf8')) as Record<
      string,
      unknown
    >;
    assert.deepEqual(Object.keys(header).sort(), ['alg', 'enc', 'epk']);
    assert.equal(header.alg, 'ECDH-ES');
    assert.equal(header.enc, 'A256GCM');
    assert.deepEqual(decryptCompactJwe(jwe, bob), plain);
    assert.equal(decryptCompactJwe(jwe, generateX25519()), undefined);
    const ct = fromBase64url(parts[3]!);
    ct[0]! ^= 1;
    const tampered = [parts[0], '', parts[2], toBase64url(ct), parts[4]].join('.');
    assert.equal(decryptCompactJwe(tampered, bob), undefined);
    assert.notEqual(
      encryptCompactJwe(plain, bob.publicJwk),
      jwe,
      'a fresh ephemeral key each time',
    );
  });

  test('malformed JWEs and keys are typed errors', () => {
    const bob = generateX25519();
    for (const bad of [
      'a.b.c',
      'x..y.z.w',
      `${toBase64url(utf8('{"alg":"RSA-OAEP"}'))}..AAAA.AA.AA`,
    ])
      assert.throws(
        () => decryptCompactJwe(bad, bob),
        (e: unknown) => isAppError(e, 'ERR_CRYPTO_BAD_ENCODING'),
      );
    assert.throws(
      () => encryptCompactJwe(utf8('x'), { kty: 'OKP', crv: 'Ed25519', x: 'AA' } as never),
      (e: unknown) => isAppError(e, 'ERR_CRYPTO_BAD_KEY'),
    );
    assert.throws(
      () =>
        encryptCompactJwe(utf8('x'), {
          kty: 'OKP',
          crv: 'X25519',
          x: toBase64url(new Uint8Array(32)),
        }),
      (e: unknown) => isAppError(e, 'ERR_CRYPTO_BAD_KEY'),
      'a low-order point gives no shared secret',
    );
  });

  /** A JWE as jose makes it with extra protected header parameters (apu, apv, zip). */
  function joseLike(
    plain: Uint8Array,
    to: ReturnType<typeof generateX25519>,
    extra: Record<string, string>,
    party: { apu?: string; apv?: string } = {},
  ): string {
    const epk = generateX25519();
    const header = { alg: 'ECDH-ES', enc: 'A256GCM', epk: epk.publicJwk, ...party, ...extra };
    const protectedB64 = toBase64url(utf8(JSON.stringify(header)));
    const cek = concatKdf(
      epk.agree(to.publicJwk),
      'A256GCM',
      256,
      fromBase64url(party.apu ?? ''),
      fromBase64url(party.apv ?? ''),
    );
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', cek, iv);
    cipher.setAAD(Buffer.from(protectedB64, 'ascii'));
    const ct = Buffer.concat([cipher.update(plain), cipher.final()]);
    return [
      protectedB64,
      '',
      toBase64url(iv),
      toBase64url(ct),
      toBase64url(cipher.getAuthTag()),
    ].join('.');
  }

  test('apu and apv enter the Concat KDF (RFC 7518 §4.6.2), as jose sends them', () => {
    const bob = generateX25519();
    const plain = utf8('{"result":"released"}');
    const party = { apu: toBase64url(utf8('Alice')), apv: toBase64url(utf8('Bob')) };
    assert.deepEqual(decryptCompactJwe(joseLike(plain, bob, {}, party), bob), plain);
    assert.throws(
      () => decryptCompactJwe(joseLike(plain, bob, {}, { apu: 'not base64url!' }), bob),
      (e: unknown) => isAppError(e, 'ERR_CRYPTO_BAD_ENCODING'),
    );
  });

  test('a compressed JWE ("zip") is refused, not returned still compressed (RFC 7516 §4.1.3)', () => {
    const bob = generateX25519();
    assert.throws(
      () => decryptCompactJwe(joseLike(utf8('x'), bob, { zip: 'DEF' }), bob),
      (e: unknown) => isAppError(e, 'ERR_CRYPTO_BAD_ENCODING'),
    );
  });
});
