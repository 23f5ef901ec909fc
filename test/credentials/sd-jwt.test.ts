import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { generateEd25519 } from '../../src/crypto/index.ts';
import { signerOfKeyPair, verifierOfJwk } from '../../src/credentials/jws-keys.ts';
import {
  decodeDisclosure,
  parseSdJwt,
  processDisclosures,
  verifySdJwt,
} from '../../src/credentials/sd-jwt.ts';

interface Vector {
  name: string;
  typHeader: string;
  sdJwt: string;
  disclosureCount: number;
  expectedProcessedPayload: Record<string, unknown>;
}
const file = JSON.parse(
  readFileSync(
    new URL('../vectors/sd-jwt/rfc9901-appendix-a-examples.json', import.meta.url),
    'utf8',
  ),
) as { issuerPublicJwk: unknown; vectors: Vector[] };
const issuer = verifierOfJwk(file.issuerPublicJwk);

const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64url');
const digestOf = (encoded: string): string =>
  createHash('sha256').update(encoded).digest('base64url');
const disclosure = (...parts: unknown[]): string => b64(JSON.stringify(parts));
/** Rejects with exactly `code`. */
function throwsCode(fn: () => unknown, code: string): void {
  assert.throws(fn, (err: { code?: string }) => {
    assert.equal(err.code, code, `expected ${code}, got ${err.code}: ${String(err)}`);
    return true;
  });
}

/** The disclosure with one byte of its decoded JSON changed inside the salt (JSON stays valid). */
function tamperSalt(encoded: string): string {
  const bytes = Buffer.from(encoded, 'base64url');
  const at = bytes.indexOf('"') + 1;
  bytes[at] = bytes[at] === 0x41 ? 0x42 : 0x41;
  return bytes.toString('base64url');
}

test('RFC 9901 Appendix A: every example verifies and gives exactly the processed payload', () => {
  assert.equal(file.vectors.length, 3);
  for (const v of file.vectors) {
    const out = verifySdJwt(v.sdJwt, { verifier: issuer, typ: v.typHeader });
    assert.deepEqual(out.payload, v.expectedProcessedPayload, v.name);
    assert.equal(out.disclosures.length, v.disclosureCount, v.name);
    assert.equal(out.kbJwt, undefined);
    assert.equal(out.header.alg, 'ES256');
  }
});

test('RFC 9901 vectors: a disclosure byte changed → ERR_VC_DISCLOSURE_UNKNOWN, at every disclosure', () => {
  for (const v of file.vectors) {
    const parts = v.sdJwt.split('~');
    for (let i = 1; i < parts.length - 1; i++) {
      const mutated = [...parts];
      mutated[i] = tamperSalt(parts[i]!);
      throwsCode(
        () => verifySdJwt(mutated.join('~'), { verifier: issuer }),
        'ERR_VC_DISCLOSURE_UNKNOWN',
      );
    }
  }
});

test('RFC 9901 vectors: one signature bit flipped → ERR_VC_BAD_SIGNATURE', () => {
  for (const v of file.vectors) {
    const [jwt, ...rest] = v.sdJwt.split('~');
    const [h, p, s] = jwt!.split('.');
    for (const bit of [0, 100, 511]) {
      const sig = Buffer.from(s!, 'base64url');
      sig[bit >> 3]! ^= 1 << (bit & 7);
      const bad = [`${h}.${p}.${sig.toString('base64url')}`, ...rest].join('~');
      throwsCode(() => verifySdJwt(bad, { verifier: issuer }), 'ERR_VC_BAD_SIGNATURE');
    }
  }
});

test('RFC 9901 vectors: wrong key, wrong typ, a payload character changed', () => {
  const v = file.vectors[0]!;
  const other = verifierOfJwk(signerOfKeyPair(generateEd25519().keyPair).jwk);
  throwsCode(() => verifySdJwt(v.sdJwt, { verifier: other }), 'ERR_VC_BAD_SIGNATURE');
  throwsCode(() => verifySdJwt(v.sdJwt, { verifier: issuer, typ: 'dc+sd-jwt' }), 'ERR_VC_BAD_TYP');
  const dot = v.sdJwt.indexOf('.') + 10;
  const c = v.sdJwt[dot] === 'A' ? 'B' : 'A';
  const bad = v.sdJwt.slice(0, dot) + c + v.sdJwt.slice(dot + 1);
  assert.throws(() => verifySdJwt(bad, { verifier: issuer }), /./);
});

test('RFC 9901 vectors: only some disclosures presented → the rest stay undisclosed', () => {
  const v = file.vectors[2]!;
  const parts = v.sdJwt.split('~');
  const top = parseSdJwt(v.sdJwt).jwt.payload._sd as string[];
  const direct = parts.slice(1, -1).filter((d) => top.includes(digestOf(d)));
  const chosen = direct.filter((_, i) => i % 2 === 0);
  const out = verifySdJwt([parts[0]!, ...chosen, ''].join('~'), { verifier: issuer });
  assert.equal(out.disclosures.length, chosen.length);
  assert.ok(chosen.length > 2 && chosen.length < direct.length);
  const names = new Set(out.disclosures.map((d) => d.name));
  for (const d of direct) {
    const name = decodeDisclosure(d).name!;
    assert.equal(name in out.payload, names.has(name), name);
  }
  assert.equal(out.payload.iss, 'https://issuer.example.com');
  // A nested disclosure without the one holding it is unknown.
  const nested = parts.slice(1, -1).find((d) => !top.includes(digestOf(d)))!;
  const bad = [parts[0]!, nested, ''].join('~');
  throwsCode(() => verifySdJwt(bad, { verifier: issuer }), 'ERR_VC_DISCLOSURE_UNKNOWN');
});

test('parseSdJwt: parts, the KB-JWT slot, sd_hash input, malformed forms', () => {
  const v = file.vectors[0]!;
  const parsed = parseSdJwt(v.sdJwt);
  assert.equal(parsed.disclosures.length, 2);
  assert.equal(parsed.kbJwt, undefined);
  assert.equal(Buffer.from(parsed.sdHashInput).toString('latin1'), v.sdJwt);
  assert.equal(parsed.jwtCompact, v.sdJwt.split('~')[0]);
  for (const bad of [
    'no-tilde',
    v.sdJwt.split('~')[0]!, // a bare JWT
    `${v.sdJwt.split('~')[0]}~~`, // an empty disclosure
    `a.b~`,
    `a.b.c.d~`,
    `${b64('[]')}.${b64('{}')}.AA~`, // header not an object
    `${b64('{"alg":"ES256"}')}.${b64('{')}.AA~`, // payload not JSON
    `${b64('{"alg":"ES256"}')}.${b64('{}')}.A~`, // signature of 1 character
    `${v.sdJwt}x.y`, // a KB-JWT of two parts
  ]) {
    throwsCode(() => parseSdJwt(bad), 'ERR_VC_MALFORMED');
  }
  throwsCode(() => parseSdJwt(42 as unknown as string), 'ERR_VC_MALFORMED');
});

test('parseSdJwt: a signature whose last character only changes padding bits is refused', () => {
  const v = file.vectors[0]!;
  const [jwt, ...rest] = v.sdJwt.split('~');
  const sig = jwt!.split('.')[2]!;
  const last = sig[sig.length - 1]!;
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  const twin = alphabet[alphabet.indexOf(last) ^ 1]!; // same top 4 bits, other padding bits
  const bad = [jwt!.slice(0, -1) + twin, ...rest].join('~');
  assert.deepEqual(
    Buffer.from(bad.split('~')[0]!.split('.')[2]!, 'base64url'),
    Buffer.from(sig, 'base64url'),
  );
  throwsCode(() => parseSdJwt(bad), 'ERR_VC_MALFORMED');
});

test('decodeDisclosure: name/value and array-element forms, and malformed ones', () => {
  const e = disclosure('salt1', 'given_name', 'Ada');
  assert.deepEqual(decodeDisclosure(e), {
    digest: digestOf(e),
    salt: 'salt1',
    name: 'given_name',
    value: 'Ada',
    encoded: e,
  });
  assert.equal(decodeDisclosure(disclosure('s', ['x'])).name, undefined);
  for (const bad of [
    disclosure('only-salt'),
    disclosure('s', 'n', 1, 2),
    disclosure(1, 'n', 1),
    disclosure('s', 7, 1),
    b64('{"a":1}'),
    b64('not json'),
    'a!b',
    'abcde',
  ]) {
    throwsCode(() => decodeDisclosure(bad), 'ERR_VC_DISCLOSURE_MALFORMED');
  }
});

/** A payload with the given `_sd` digests plus extra claims. */
const withSd = (
  digests: string[],
  extra: Record<string, unknown> = {},
): Record<string, unknown> => ({
  ...extra,
  _sd: digests,
  _sd_alg: 'sha-256',
});

test('processDisclosures: recursive, array elements, decoys vanish, _sd and _sd_alg removed', () => {
  const de = disclosure('s1', 'DE');
  const fr = disclosure('s2', 'FR');
  const nat = disclosure('s3', 'nationalities', [{ '...': digestOf(de) }, { '...': digestOf(fr) }]);
  const city = disclosure('s4', 'city', 'Berlin');
  const addr = disclosure('s5', 'address', { _sd: [digestOf(city), digestOf('decoy')], zip: '1' });
  const payload = withSd([digestOf(nat), digestOf(addr), digestOf('decoy2')], { iss: 'x' });
  const out = processDisclosures(payload, [nat, de, addr, city]);
  assert.deepEqual(out.payload, {
    iss: 'x',
    nationalities: ['DE'],
    address: { zip: '1', city: 'Berlin' },
  });
  assert.deepEqual(out.claims, ['nationalities', 'nationalities', 'address', 'city']);
  assert.deepEqual(out.parents, [-1, 0, -1, 2]);
  // Only some: FR is not presented, so its element is dropped; the payload is not mutated.
  assert.deepEqual(processDisclosures(payload, [nat]).payload, { iss: 'x', nationalities: [] });
  assert.deepEqual(payload._sd, [digestOf(nat), digestOf(addr), digestOf('decoy2')]);
});

test('processDisclosures: unknown, duplicate and misplaced disclosures', () => {
  const a = disclosure('s1', 'a', 1);
  const el = disclosure('s2', 'x');
  const p = withSd([digestOf(a)], { list: [{ '...': digestOf(el) }] });
  throwsCode(
    () => processDisclosures(p, [a, disclosure('s3', 'b', 2)]),
    'ERR_VC_DISCLOSURE_UNKNOWN',
  );
  throwsCode(() => processDisclosures(p, [a, a]), 'ERR_VC_DISCLOSURE_DUPLICATE');
  throwsCode(
    () => processDisclosures(withSd([digestOf(a), digestOf(a)]), [a]),
    'ERR_VC_DISCLOSURE_DUPLICATE',
  );
  throwsCode(
    () => processDisclosures(withSd([digestOf(a)], { a: 0 }), [a]),
    'ERR_VC_DISCLOSURE_DUPLICATE',
  );
  for (const name of ['_sd', '...']) {
    const r = disclosure('s', name, 1);
    throwsCode(() => processDisclosures(withSd([digestOf(r)]), [r]), 'ERR_VC_DISCLOSURE_DUPLICATE');
  }
  const r = disclosure('s', 'iss', 1);
  const reserved = { reserved: new Set(['iss']) };
  throwsCode(
    () => processDisclosures(withSd([digestOf(r)]), [r], reserved),
    'ERR_VC_DISCLOSURE_DUPLICATE',
  );
  // An element disclosure in _sd, a name/value disclosure as an array element.
  throwsCode(() => processDisclosures(withSd([digestOf(el)]), [el]), 'ERR_VC_DISCLOSURE_MALFORMED');
  const q = { list: [{ '...': digestOf(a) }] };
  throwsCode(() => processDisclosures(q, [a]), 'ERR_VC_DISCLOSURE_MALFORMED');
  // A disclosure containing its own digest cannot loop: a digest met twice.
  const selfRef = disclosure('s9', 'loop', { _sd: ['placeholder'] });
  const loop = disclosure('s9', 'loop', { _sd: [digestOf(selfRef)] });
  throwsCode(
    () => processDisclosures(withSd([digestOf(loop), digestOf(selfRef)]), [loop, selfRef]),
    'ERR_VC_DISCLOSURE_DUPLICATE',
  );
  throwsCode(() => processDisclosures({ _sd: 'x' }, []), 'ERR_VC_MALFORMED');
  throwsCode(() => processDisclosures({ _sd: [1] }, []), 'ERR_VC_MALFORMED');
  // A referenced but malformed disclosure is malformed; an unreferenced one is unknown.
  const junk = b64('["s","n"');
  throwsCode(
    () => processDisclosures(withSd([digestOf(junk)]), [junk]),
    'ERR_VC_DISCLOSURE_MALFORMED',
  );
  throwsCode(() => processDisclosures(withSd([]), [junk]), 'ERR_VC_DISCLOSURE_UNKNOWN');
});

test('processDisclosures: "__proto__" stays an own claim and never becomes a prototype', () => {
  const d = disclosure('s', '__proto__', { polluted: true });
  const out = processDisclosures(withSd([digestOf(d)]), [d]).payload;
  assert.equal(Object.getPrototypeOf(out), Object.prototype);
  assert.deepEqual(Object.keys(out), ['__proto__']);
  assert.equal((out as { polluted?: boolean }).polluted, undefined);
});
