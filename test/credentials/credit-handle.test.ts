import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';
import { Ajv } from 'ajv';
import fc from 'fast-check';
import {
  checkHandle,
  consentBytes,
  consentHash,
  ConsentTokenSchema,
  CREDIT_CONSENT_LABEL,
  CREDIT_LOCATOR_MAX_LENGTH,
  CreditHandleSchema,
  handleKeyPair,
  mintHandle,
  openLocator,
  pseudonymIdOf,
  recognizeHandle,
  signConsent,
  subjectKeyOf,
  verifyConsentSignature,
  type ConsentToken,
  type CreditHandle,
} from '../../src/credentials/index.ts';
import {
  canonicalBytes,
  ed25519FromSeed,
  ed25519Verify,
  encodeMultikey,
  encryptCompactJwe,
  fromUtf8,
  generateX25519,
  hkdfSha256,
  sha256,
  toBase64url,
  toHex,
  utf8,
} from '../../src/crypto/index.ts';
import { isAppError } from '../../src/errors.ts';
import { publicKeyOfDidKey } from '../../src/ledger/index.ts';

const rand = (n: number) => new Uint8Array(randomBytes(n));
const bytes = (n: number) => fc.uint8Array({ minLength: n, maxLength: n });
const ajv = new Ajv({ strict: true, allErrors: false });
const validHandle = ajv.compile(CreditHandleSchema);
const validConsent = ajv.compile(ConsentTokenSchema);

const authority = generateX25519();
const otherAuthority = generateX25519();

/** A person: pseudonym P, record key seed and public key A0, consent key seed and public key. */
function person() {
  const pseudonym = rand(32);
  const recordSeed = rand(32);
  const consentSeed = rand(32);
  return {
    pseudonym,
    recordSeed,
    A0: ed25519FromSeed(recordSeed).publicKey,
    consentSeed,
    consentKey: ed25519FromSeed(consentSeed).publicKey,
  };
}

const alice = person();
const bob = person();
const mintFor = (p: ReturnType<typeof person>, publicKey = p.A0, nonce?: Uint8Array) =>
  mintHandle({ pseudonym: p.pseudonym, publicKey, locatorKey: authority.publicJwk, nonce });

/** Replaces the character at `i` with another one of the same alphabet. */
function changeChar(s: string, i: number, alphabet: string): string {
  const c = s[i]!;
  const next = alphabet[(alphabet.indexOf(c) + 1) % alphabet.length]!;
  return s.slice(0, i) + next + s.slice(i + 1);
}
const HEX = '0123456789abcdef';
const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

const QUERIER = 'did:rdid:8ZqT5d1YwE2gR6hKm3nP4sV7xA9bC1dF';
const consentArgs = (handle: CreditHandle) => ({
  querier: QUERIER,
  purpose: 'credit-application',
  expires: Date.UTC(2030, 0, 1),
  handle,
});

describe('credit person handles', () => {
  test('subject key and pseudonymId follow PLAN-credit.md', () => {
    const P = alice.pseudonym;
    assert.equal(
      toHex(subjectKeyOf(P)),
      toHex(hkdfSha256(P, new Uint8Array(0), utf8('realdid/credit/subject/v1'), 32)),
    );
    assert.equal(pseudonymIdOf(P), toHex(sha256(P)));
    assert.match(pseudonymIdOf(P), /^[0-9a-f]{64}$/);
    assert.throws(() => subjectKeyOf(rand(31)), TypeError);
    assert.throws(() => pseudonymIdOf('p' as never), TypeError);
  });

  test('a minted handle has the documented shape and passes CreditHandleSchema', () => {
    const h = mintFor(alice);
    assert.deepEqual(Object.keys(h).sort(), ['key', 'locator', 'nonce', 'tag']);
    assert.match(h.nonce, /^[A-Za-z0-9_-]{22}$/);
    assert.match(h.tag, /^[0-9a-f]{32}$/);
    assert.match(h.key, /^did:key:z6Mk[1-9A-HJ-NP-Za-km-z]{44}$/);
    assert.equal(h.locator.split('.').length, 5);
    assert.ok(h.locator.length <= CREDIT_LOCATOR_MAX_LENGTH, `${h.locator.length}`);
    assert.ok(validHandle(h), JSON.stringify(validHandle.errors));
  });

  test('round trip: the owner recognizes and checks it, signs for its key, the authority opens its locator', () => {
    const nonce = rand(16);
    const h = mintFor(alice, alice.A0, nonce);
    assert.equal(h.nonce, toBase64url(nonce));
    assert.ok(recognizeHandle(subjectKeyOf(alice.pseudonym), h));
    assert.ok(checkHandle(alice.pseudonym, alice.A0, h));
    const pair = handleKeyPair(alice.pseudonym, alice.recordSeed, h);
    assert.equal(toHex(pair.publicKey), toHex(publicKeyOfDidKey(h.key)));
    const m = utf8('credit.dispute');
    assert.ok(ed25519Verify(pair.sign(m), m, publicKeyOfDidKey(h.key)));
    assert.deepEqual(openLocator(h.locator, authority), {
      k: h.key,
      p: pseudonymIdOf(alice.pseudonym),
      n: h.nonce,
    });
  });

  test('property: mint → recognize, check, sign → verify, open', () => {
    fc.assert(
      fc.property(bytes(32), bytes(32), bytes(16), (pseudonym, seed, nonce) => {
        const A = ed25519FromSeed(seed).publicKey;
        const h = mintHandle({ pseudonym, publicKey: A, locatorKey: authority.publicJwk, nonce });
        assert.ok(validHandle(h));
        assert.ok(recognizeHandle(subjectKeyOf(pseudonym), h));
        assert.ok(checkHandle(pseudonym, A, h));
        const pair = handleKeyPair(pseudonym, seed, h);
        assert.ok(ed25519Verify(pair.sign(nonce), nonce, publicKeyOfDidKey(h.key)));
        assert.deepEqual(openLocator(h.locator, authority), {
          k: h.key,
          p: pseudonymIdOf(pseudonym),
          n: h.nonce,
        });
      }),
      { numRuns: 60 },
    );
  });

  test("another person's K does not recognize a handle, nor does their P check it", () => {
    for (let i = 0; i < 20; i++) {
      const h = mintFor(alice);
      assert.equal(recognizeHandle(subjectKeyOf(bob.pseudonym), h), false);
      assert.equal(checkHandle(bob.pseudonym, alice.A0, h), false);
      assert.equal(recognizeHandle(alice.pseudonym, h), false, 'P itself is not K');
    }
  });

  test('a handle minted for A0 does not check for another key A (and signs only with A0)', () => {
    const h = mintFor(alice);
    assert.equal(checkHandle(alice.pseudonym, alice.consentKey, h), false);
    assert.equal(checkHandle(alice.pseudonym, bob.A0, h), false);
    const wrong = handleKeyPair(alice.pseudonym, alice.consentSeed, h);
    assert.notEqual(toHex(wrong.publicKey), toHex(publicKeyOfDidKey(h.key)));
    const consent = mintFor(alice, alice.consentKey);
    assert.ok(checkHandle(alice.pseudonym, alice.consentKey, consent));
    assert.equal(checkHandle(alice.pseudonym, alice.A0, consent), false);
  });

  test('property: a tampered tag, key or nonce fails', () => {
    const h = mintFor(alice);
    const K = subjectKeyOf(alice.pseudonym);
    const other = mintFor(alice);
    fc.assert(
      fc.property(fc.nat({ max: 31 }), fc.nat({ max: 20 }), (ti, ni) => {
        const tag = changeChar(h.tag, ti, HEX);
        assert.equal(recognizeHandle(K, { ...h, tag }), false);
        assert.equal(checkHandle(alice.pseudonym, alice.A0, { ...h, tag }), false);
        const nonce = changeChar(h.nonce, ni, B64);
        assert.equal(recognizeHandle(K, { ...h, nonce }), false);
        assert.equal(checkHandle(alice.pseudonym, alice.A0, { ...h, nonce }), false);
      }),
    );
    // the key of another handle of the same person and key: the tag matches, the key does not
    const moved: CreditHandle = { ...h, key: other.key };
    assert.ok(recognizeHandle(K, moved));
    assert.equal(checkHandle(alice.pseudonym, alice.A0, moved), false);
    assert.equal(
      checkHandle(alice.pseudonym, alice.A0, { ...h, key: `did:key:${encodeMultikey(alice.A0)}` }),
      false,
    );
    // the nonce and tag of another handle with this key
    assert.equal(
      checkHandle(alice.pseudonym, alice.A0, { ...h, nonce: other.nonce, tag: other.tag }),
      false,
    );
  });

  test('malformed nonces and tags are a "no", not an exception', () => {
    const h = mintFor(alice);
    const K = subjectKeyOf(alice.pseudonym);
    // the same 16 bytes with non-zero padding bits: not canonical, refused
    const padded = changeChar(h.nonce, 21, B64); // [AQgw] → the next letter: padding bits set
    for (const nonce of [padded, h.nonce + 'A', h.nonce.slice(1), '', 7 as never]) {
      assert.equal(recognizeHandle(K, { nonce, tag: h.tag }), false, String(nonce));
      assert.throws(() => handleKeyPair(alice.pseudonym, alice.recordSeed, { nonce }), RangeError);
    }
    for (const tag of [h.tag.toUpperCase(), h.tag.slice(2), `${h.tag}00`, null as never]) {
      assert.equal(recognizeHandle(K, { nonce: h.nonce, tag }), false, String(tag));
    }
    assert.throws(() => recognizeHandle('K' as never, h), TypeError);
  });

  test('mintHandle refuses bad arguments', () => {
    const args = {
      pseudonym: alice.pseudonym,
      publicKey: alice.A0,
      locatorKey: authority.publicJwk,
    };
    assert.throws(() => mintHandle({ ...args, nonce: rand(15) }), TypeError);
    assert.throws(() => mintHandle({ ...args, pseudonym: rand(16) }), TypeError);
    assert.throws(() => mintHandle({ ...args, publicKey: new Uint8Array(32) }), RangeError);
    assert.throws(
      () => mintHandle({ ...args, locatorKey: { kty: 'OKP', crv: 'X25519', x: 'x' } }),
      (err) => isAppError(err, 'ERR_CRYPTO_BAD_KEY'),
    );
  });

  test('unlinkability: two handles of one person share no field value; a handle shows none of P, K, A, pseudonymId', () => {
    for (const A of [alice.A0, alice.consentKey]) {
      const h1 = mintFor(alice, A);
      const h2 = mintFor(alice, A);
      const v1 = Object.values(h1);
      const v2 = Object.values(h2);
      for (const a of v1) for (const b of v2) assert.notEqual(a, b);
      // not even the JWE protected header (a fresh ephemeral key each time) or the IV
      const [hd1, , iv1] = h1.locator.split('.');
      const [hd2, , iv2] = h2.locator.split('.');
      assert.notEqual(hd1, hd2);
      assert.notEqual(iv1, iv2);
      const json = JSON.stringify(h1);
      const K = subjectKeyOf(alice.pseudonym);
      const secrets = [alice.pseudonym, K, A].flatMap((b) => [toHex(b), toBase64url(b)]);
      secrets.push(encodeMultikey(A), pseudonymIdOf(alice.pseudonym));
      for (const s of secrets) assert.ok(!json.includes(s), `handle JSON contains ${s}`);
      for (const s of secrets) assert.ok(!json.includes(s.slice(0, 12)), `prefix of ${s}`);
    }
  });
});

describe('locators', () => {
  test('another authority key cannot open a locator (ERR_VC_BAD_LOCATOR)', () => {
    const h = mintFor(alice);
    assert.throws(
      () => openLocator(h.locator, otherAuthority),
      (err) => isAppError(err, 'ERR_VC_BAD_LOCATOR') && /does not decrypt/.test(err.message),
    );
  });

  test('tampered, malformed or oversized locators are ERR_VC_BAD_LOCATOR', () => {
    const h = mintFor(alice);
    const parts = h.locator.split('.');
    const ct = parts[3]!;
    const flipped = [parts[0], '', parts[2], changeChar(ct, 10, 'ABCDEFGH'), parts[4]].join('.');
    const longHeader = `eyJ${'A'.repeat(600)}..${parts[2]}.${ct}.${parts[4]}`;
    const badHeader = [toBase64url(utf8('{"alg":"dir"}')), '', parts[2], ct, parts[4]].join('.');
    for (const locator of [
      flipped,
      `${h.locator}.`,
      h.locator.replace('..', '.x.'),
      longHeader,
      badHeader,
      '',
      'not a jwe',
      5 as never,
    ]) {
      assert.throws(
        () => openLocator(locator, authority),
        (err) => isAppError(err, 'ERR_VC_BAD_LOCATOR'),
        String(locator).slice(0, 40),
      );
    }
  });

  test('a locator whose plaintext is not the JCS of {"k", "n", "p"} is refused, even to the right key', () => {
    const p = pseudonymIdOf(alice.pseudonym);
    const n = toBase64url(rand(16));
    const k = mintFor(alice).key;
    const ok = encryptCompactJwe(canonicalBytes({ k, n, p }), authority.publicJwk);
    assert.deepEqual(openLocator(ok, authority), { k, p, n });
    for (const plaintext of [
      utf8(JSON.stringify({ p, n, k })), // same length, keys out of JCS order
      utf8(`{"k":"${k}","n":"${n}","p":"${p.toUpperCase()}"}`),
      utf8(`{"k":"${k}","n":"${n.slice(0, 21)}_","p":"${p}"}`),
      utf8(`{"k":"${k.replace('did:key:', 'did:web:')}","n":"${n}","p":"${p}"}`),
      utf8(`{"k":"${k}","n":"${n}","p":"${p.slice(0, 63)}","q":0}`.slice(0, 164)),
      utf8(`[${'0'.repeat(162)}]`),
    ]) {
      assert.equal(plaintext.length, 164, fromUtf8(plaintext));
      const locator = encryptCompactJwe(plaintext, authority.publicJwk);
      assert.throws(
        () => openLocator(locator, authority),
        (err) => isAppError(err, 'ERR_VC_BAD_LOCATOR'),
        fromUtf8(plaintext),
      );
    }
  });

  test('CreditHandleSchema refuses extra fields and malformed values', () => {
    const h = mintFor(alice);
    const bad: unknown[] = [
      { ...h, extra: 1 },
      { nonce: h.nonce, tag: h.tag, key: h.key },
      { ...h, nonce: `${h.nonce.slice(0, 21)}B` },
      { ...h, tag: h.tag.toUpperCase() },
      { ...h, key: h.key.replace('did:key:', 'did:web:') },
      { ...h, locator: `${h.locator}.x` },
      { ...h, locator: h.locator.replace(/^eyJ/, 'eyK') },
      { ...h, locator: `eyJ${'A'.repeat(600)}${h.locator.slice(3)}` },
    ];
    for (const value of bad) assert.equal(validHandle(value), false, JSON.stringify(value));
  });
});

describe('consent tokens', () => {
  const handle = mintFor(alice, alice.consentKey);
  const pair = handleKeyPair(alice.pseudonym, alice.consentSeed, handle);
  const token = signConsent(consentArgs(handle), pair);

  test('sign → verify, and the token passes ConsentTokenSchema', () => {
    assert.equal(token.v, 1);
    assert.ok(verifyConsentSignature(token));
    assert.ok(validConsent(token), JSON.stringify(validConsent.errors));
    assert.deepEqual(Object.keys(token).sort(), [
      'expires',
      'handle',
      'purpose',
      'querier',
      'sig',
      'v',
    ]);
  });

  test('property: sign → verify for any person and any handle', () => {
    fc.assert(
      fc.property(bytes(32), bytes(32), fc.nat({ max: 4e12 }), (pseudonym, seed, expires) => {
        const A = ed25519FromSeed(seed).publicKey;
        const h = mintHandle({ pseudonym, publicKey: A, locatorKey: authority.publicJwk });
        const t = signConsent({ ...consentArgs(h), expires }, handleKeyPair(pseudonym, seed, h));
        assert.ok(verifyConsentSignature(t));
        assert.ok(validConsent(t));
      }),
      { numRuns: 40 },
    );
  });

  test('consentBytes is the label followed by the JCS of the token without sig', () => {
    const { sig, ...unsigned } = token;
    assert.ok(sig.length > 0);
    const want = [...utf8(CREDIT_CONSENT_LABEL), ...canonicalBytes(unsigned)];
    assert.deepEqual([...consentBytes(token)], want);
    assert.deepEqual([...consentBytes(unsigned)], want);
    assert.ok(ed25519Verify(Buffer.from(sig, 'base64url'), consentBytes(token), pair.publicKey));
  });

  test('consentHash does not depend on sig (nor on extra fields); it changes with every field', () => {
    const { sig: _sig, ...unsigned } = token;
    const hash = consentHash(token);
    assert.match(hash, /^[0-9a-f]{64}$/);
    assert.equal(hash, toHex(sha256(consentBytes(unsigned))));
    assert.equal(consentHash(unsigned), hash);
    assert.equal(consentHash({ ...token, sig: 'A'.repeat(86) }), hash);
    assert.equal(consentHash({ ...token, extra: 1 } as ConsentToken), hash);
    const other = mintFor(alice, alice.consentKey);
    for (const changed of [
      { ...token, querier: `${QUERIER}x` },
      { ...token, purpose: 'tenancy' },
      { ...token, expires: token.expires + 1 },
      { ...token, handle: other },
      { ...token, handle: { ...handle, locator: other.locator } },
    ])
      assert.notEqual(consentHash(changed), hash);
  });

  test('a changed field fails verifyConsentSignature', () => {
    const other = mintFor(alice, alice.consentKey);
    const changes: ConsentToken[] = [
      { ...token, querier: 'did:rdid:8ZqT5d1YwE2gR6hKm3nP4sV7xA9bC1dG' },
      { ...token, purpose: 'tenancy' },
      { ...token, expires: token.expires + 1 },
      { ...token, v: 2 as never },
      { ...token, handle: { ...handle, nonce: other.nonce } },
      { ...token, handle: { ...handle, tag: other.tag } },
      { ...token, handle: { ...handle, locator: other.locator } },
      { ...token, handle: { ...handle, key: other.key } },
      { ...token, handle: other },
      { ...token, sig: changeChar(token.sig, 3, 'ABCDEFGH') },
    ];
    for (const t of changes) assert.equal(verifyConsentSignature(t), false, JSON.stringify(t));
  });

  test('a consent signed with another key (another handle, the unblinded consent key, the record key) fails', () => {
    const other = mintFor(alice, alice.consentKey);
    const signers = [
      handleKeyPair(alice.pseudonym, alice.consentSeed, other),
      ed25519FromSeed(alice.consentSeed),
      handleKeyPair(alice.pseudonym, alice.recordSeed, handle),
      handleKeyPair(bob.pseudonym, alice.consentSeed, handle),
    ];
    for (const signer of signers)
      assert.equal(verifyConsentSignature(signConsent(consentArgs(handle), signer)), false);
  });

  test('malformed signatures and keys are a "no"', () => {
    for (const sig of ['', 'A'.repeat(86), `${token.sig}A`, token.sig.slice(0, 85) + 'B'])
      assert.equal(verifyConsentSignature({ ...token, sig }), false, sig);
    const key = 'did:key:zQ3shokFTS3brHcDQrn82RUDfCZESWL1ZdCEJwekUDPQiYBme';
    assert.equal(verifyConsentSignature({ ...token, handle: { ...handle, key } }), false);
    assert.equal(verifyConsentSignature({ ...token, handle: { ...handle, key: 'x' } }), false);
  });

  test('signConsent refuses malformed fields; ConsentTokenSchema refuses extras', () => {
    const args = consentArgs(handle);
    for (const bad of [
      { ...args, querier: 'alice' },
      { ...args, purpose: 'Credit Application' },
      { ...args, expires: 1.5 },
      { ...args, expires: -1 },
      { ...args, handle: { ...handle, tag: 'x' } },
      { ...args, handle: { ...handle, nonce: 'x' } },
    ])
      assert.throws(() => signConsent(bad, pair), TypeError, JSON.stringify(bad));
    assert.throws(
      () => signConsent({ ...args, handle: { ...handle, key: 'did:key:x' } }, pair),
      (err) => isAppError(err, 'ERR_DID_INVALID'),
    );
    assert.equal(validConsent({ ...token, extra: 1 }), false);
    assert.equal(validConsent({ ...token, handle: { ...handle, extra: 1 } }), false);
    assert.equal(validConsent({ ...token, v: 2 }), false);
    assert.equal(validConsent({ ...token, expires: 1.5 }), false);
  });
});
