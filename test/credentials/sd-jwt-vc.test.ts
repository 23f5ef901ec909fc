import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { SDJwtVcInstance } from '@sd-jwt/sd-jwt-vc';
import { createHeaderAndPayload, StatusList } from '@sd-jwt/jwt-status-list';
import fc from 'fast-check';
import { generateEd25519 } from '../../src/crypto/index.ts';
import { AppError } from '../../src/errors.ts';
import { signerOfKeyPair, verifierOfJwk, type JwsSigner } from '../../src/credentials/jws-keys.ts';
import { parseSdJwt, presentSdJwt } from '../../src/credentials/sd-jwt.ts';
import {
  decodeSdJwtVc,
  issueSdJwtVc,
  presentSdJwtVc,
  REAL_NAME_VCT,
  verifySdJwtVcPresentation,
  type DecodedSdJwtVc,
  type IssueInput,
  type IssuerResolver,
  type PresentInput,
  type VerifyOptions,
} from '../../src/credentials/sd-jwt-vc.ts';

const NOW = 1_760_000_000;
const DID = 'did:rdid:issuer-1';
const AUD = 'https://verifier.example';
const STATUS = { idx: 7, uri: 'https://status.example/lists/1' };
const issuerSigner = signerOfKeyPair(generateEd25519().keyPair, `${DID}#key-1`);
const issuerVerifier = verifierOfJwk(issuerSigner.jwk);
const holder = signerOfKeyPair(generateEd25519().keyPair);
const stranger = signerOfKeyPair(generateEd25519().keyPair);
const CLAIMS = { given_name: '张', family_name: '三', birthdate: '1990-01-01', uniq: 'u-1' };

const resolver: IssuerResolver = {
  resolveIssuer: (iss, kid) => {
    if (iss !== DID || kid !== issuerSigner.kid)
      throw new AppError('ERR_VC_ISSUER_UNKNOWN', `unknown ${iss} ${kid}`);
    return issuerVerifier;
  },
};

const issue = (over: Partial<IssueInput> = {}): Promise<string> =>
  issueSdJwtVc({
    issuer: { did: DID, signer: issuerSigner },
    vct: REAL_NAME_VCT,
    iat: NOW - 3600,
    exp: NOW + 365 * 86400,
    visible: { real_name_verified: true },
    disclosable: CLAIMS,
    holder: holder.jwk,
    status: STATUS,
    ...over,
  });
const present = (cred: string, disclose: string[], over: Partial<PresentInput> = {}): string =>
  presentSdJwtVc(cred, { disclose, holder, nonce: 'n-1', aud: AUD, iat: NOW, ...over });
const options = (over: Partial<VerifyOptions> = {}): VerifyOptions => ({
  issuers: resolver,
  status: { statusOf: () => 0 },
  nonce: 'n-1',
  aud: AUD,
  now: NOW,
  vct: [REAL_NAME_VCT],
  ...over,
});
const verify = (vp: string, over: Partial<VerifyOptions> = {}) =>
  verifySdJwtVcPresentation(vp, options(over));

async function rejects(p: Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(p, (err: { code?: string }) => {
    assert.equal(err.code, code, `expected ${code}, got ${err.code}: ${String(err)}`);
    return true;
  });
}

const b64 = (v: unknown): string => Buffer.from(JSON.stringify(v), 'utf8').toString('base64url');
const digestOf = (s: string): string => createHash('sha256').update(s).digest('base64url');
const disclosure = (...parts: unknown[]): string => b64(parts);

/** A credential signed by our issuer key over any header and payload (for malformed cases). */
function craft(header: object, payload: object, disclosures: string[] = []): string {
  const input = `${b64(header)}.${b64(payload)}`;
  const sig = Buffer.from(issuerSigner.sign(Buffer.from(input))).toString('base64url');
  return [`${input}.${sig}`, ...disclosures, ''].join('~');
}
const HEADER = { typ: 'dc+sd-jwt', alg: 'EdDSA', kid: issuerSigner.kid };
function basePayload(digests: string[], over: object = {}): Record<string, unknown> {
  return {
    iss: DID,
    iat: NOW - 10,
    exp: NOW + 1000,
    vct: REAL_NAME_VCT,
    _sd: digests,
    _sd_alg: 'sha-256',
    cnf: { jwk: holder.jwk },
    status: { status_list: STATUS },
    ...over,
  };
}
/** Binds a crafted credential with `signer` (no cnf check: that is the verifier's job here). */
function bind(cred: string, signer: JwsSigner = holder, kb: object = {}): string {
  const p = parseSdJwt(cred);
  return presentSdJwt(p.jwtCompact, p.disclosures, signer, {
    iat: NOW,
    aud: AUD,
    nonce: 'n-1',
    ...kb,
  });
}

test('issue → present → verify: visible and chosen claims only, with the bound key and status', async () => {
  const cred = await issue();
  assert.ok(cred.endsWith('~'));
  const vp = present(cred, ['given_name', 'birthdate']);
  const out = await verify(vp);
  assert.deepEqual(out.claims, {
    real_name_verified: true,
    given_name: '张',
    birthdate: '1990-01-01',
  });
  assert.deepEqual([...out.disclosed].sort(), ['birthdate', 'given_name']);
  assert.equal(out.iss, DID);
  assert.equal(out.kid, issuerSigner.kid);
  assert.equal(out.vct, REAL_NAME_VCT);
  assert.deepEqual(out.holder, holder.jwk);
  assert.deepEqual(out.status, STATUS);
  assert.deepEqual(out.kb, { iat: NOW, nonce: 'n-1', aud: AUD });
  assert.equal(out.iat, NOW - 3600);
  // Promises from the resolver and the status checker work too.
  const slow = await verify(vp, {
    issuers: { resolveIssuer: () => Promise.resolve(issuerVerifier) },
    status: { statusOf: () => Promise.resolve(0) },
  });
  assert.deepEqual(slow.claims, out.claims);
  assert.deepEqual((await verify(present(cred, []))).claims, { real_name_verified: true });
});

test('present: a chooser gets the decoded credential once and its answer is disclosed', async () => {
  const cred = await issue();
  const seen: DecodedSdJwtVc[] = [];
  const vp = present(cred, [], {
    disclose: (copy) => {
      seen.push(copy);
      return Object.keys(copy.claims).filter((k) => k.endsWith('_name'));
    },
  });
  assert.equal(seen.length, 1);
  assert.deepEqual(seen[0], decodeSdJwtVc(cred));
  assert.deepEqual([...(await verify(vp)).disclosed].sort(), ['family_name', 'given_name']);
  // Its errors propagate, and names it invents are refused as listed ones are.
  const boom = new Error('not this one');
  assert.throws(
    () =>
      present(cred, [], {
        disclose: () => {
          throw boom;
        },
      }),
    boom,
  );
  assert.throws(() => present(cred, [], { disclose: () => ['shoe_size'] }), RangeError);
  // A credential of another typ is refused before the chooser sees it.
  const other = craft({ ...HEADER, typ: 'vc+sd-jwt' }, basePayload([]));
  assert.throws(
    () => present(other, [], { disclose: () => assert.fail('chooser called') }),
    (err: { code?: string }) => err.code === 'ERR_VC_BAD_TYP',
  );
});

test('issued form: typ dc+sd-jwt, alg EdDSA, kid; sorted _sd with decoys; fresh salts each time', async () => {
  const a = decodeSdJwtVc(await issue({ decoys: 3 }));
  assert.deepEqual(a.header, { typ: 'dc+sd-jwt', kid: issuerSigner.kid, alg: 'EdDSA' });
  const sd = a.payload._sd as string[];
  assert.equal(sd.length, 4 + 3);
  assert.deepEqual(sd, [...sd].sort());
  assert.equal(a.payload._sd_alg, 'sha-256');
  assert.deepEqual(a.claims, { real_name_verified: true, ...CLAIMS });
  assert.deepEqual(a.disclosures.map((d) => d.name).sort(), Object.keys(CLAIMS).sort());
  for (const d of a.disclosures) {
    assert.equal(Buffer.from(d.salt, 'base64url').length, 16);
    assert.equal(d.element, false);
    assert.ok(sd.includes(d.digest));
  }
  for (let i = 0; i < 4; i++) {
    const n = (decodeSdJwtVc(await issue()).payload._sd as string[]).length - 4;
    assert.ok(n >= 2 && n <= 5, `default decoys ${n}`);
  }
});

test('two copies for different holders share no salt, digest, signature or other value', async () => {
  const other = signerOfKeyPair(generateEd25519().keyPair);
  const s1 = { idx: 11, uri: STATUS.uri };
  const s2 = { idx: 4242, uri: STATUS.uri };
  const ca = await issue({ iat: NOW - 100, status: s1 });
  const cb = await issue({ iat: NOW - 207, holder: other.jwk, status: s2 });
  const [a, b] = [decodeSdJwtVc(ca), decodeSdJwtVc(cb)];
  const values = (d: typeof a, cred: string): Set<string> =>
    new Set([
      ...d.disclosures.flatMap((x) => [x.salt, x.digest, x.encoded]),
      ...(d.payload._sd as string[]),
      cred.split('~')[0]!.split('.')[2]!,
      JSON.stringify(d.payload.cnf),
    ]);
  const va = values(a, ca);
  for (const v of values(b, cb)) assert.ok(!va.has(v), `shared ${v}`);
  // What stays equal: iss, vct, the visible claims, _sd_alg, and exp (the same one was asked for);
  // the status entries share the list's URI but not the idx, so `status` differs.
  const same = Object.keys(a.payload).filter(
    (k) => JSON.stringify(a.payload[k]) === JSON.stringify(b.payload[k]),
  );
  assert.deepEqual(same.sort(), ['_sd_alg', 'exp', 'iss', 'real_name_verified', 'vct']);
});

test('property: any subset of claims comes out, the rest stay hidden', async () => {
  const cred = await issue();
  const names = Object.keys(CLAIMS) as (keyof typeof CLAIMS)[];
  await fc.assert(
    fc.asyncProperty(fc.subarray(names), async (chosen) => {
      const vp = present(cred, chosen);
      const out = await verify(vp);
      const want: Record<string, unknown> = { real_name_verified: true };
      for (const n of chosen) want[n] = CLAIMS[n];
      assert.deepEqual(out.claims, want);
      const shown = decodeSdJwtVc(vp).disclosures.map((d) => d.name);
      assert.deepEqual(shown.sort(), [...chosen].sort());
    }),
    { numRuns: 40 },
  );
});

test('property: one bit flipped or one character changed anywhere → rejected with a code', async () => {
  const vp = present(await issue(), ['given_name', 'uniq']);
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~';
  const check = async (mutated: string): Promise<void> => {
    if (mutated === vp) return;
    await assert.rejects(verify(mutated), (err: { code?: string }) => {
      assert.match(String(err.code), /^ERR_VC_/);
      return true;
    });
  };
  await fc.assert(
    fc.asyncProperty(fc.nat(vp.length - 1), fc.nat(6), async (at, bit) => {
      const c = String.fromCharCode(vp.charCodeAt(at) ^ (1 << bit));
      await check(vp.slice(0, at) + c + vp.slice(at + 1));
    }),
    { numRuns: 300 },
  );
  await fc.assert(
    fc.asyncProperty(fc.nat(vp.length - 1), fc.nat(alphabet.length - 1), async (at, k) => {
      await check(vp.slice(0, at) + alphabet[k]! + vp.slice(at + 1));
    }),
    { numRuns: 300 },
  );
});

test('disclosures: tampered, from another copy, repeated → each its code', async () => {
  const cred = await issue();
  const vp = present(cred, ['given_name']);
  const parts = vp.split('~');
  const raw = Buffer.from(parts[1]!, 'base64url');
  raw[3] = raw[3] === 0x41 ? 0x42 : 0x41; // a salt byte
  const tampered = [parts[0], raw.toString('base64url'), parts[2]].join('~');
  await rejects(verify(tampered), 'ERR_VC_DISCLOSURE_UNKNOWN');
  // Copy B for the same claims and holder: its given_name disclosure spliced into A's presentation.
  const vpB = present(await issue(), ['given_name']);
  const spliced = [parts[0], vpB.split('~')[1], parts[2]].join('~');
  await rejects(verify(spliced), 'ERR_VC_DISCLOSURE_UNKNOWN');
  await rejects(
    verify([parts[0], parts[1], parts[1], parts[2]].join('~')),
    'ERR_VC_DISCLOSURE_DUPLICATE',
  );
});

test('disclosures: malformed, clashing with a visible claim, reserved names, a digest twice', async () => {
  const junk = Buffer.from('["salt", "x"').toString('base64url');
  await rejects(
    verify(bind(craft(HEADER, basePayload([digestOf(junk)]), [junk]))),
    'ERR_VC_DISCLOSURE_MALFORMED',
  );
  const clash = disclosure('s1', 'real_name_verified', false);
  const p1 = basePayload([digestOf(clash)], { real_name_verified: true });
  await rejects(verify(bind(craft(HEADER, p1, [clash]))), 'ERR_VC_DISCLOSURE_DUPLICATE');
  for (const name of ['_sd', 'cnf', 'status', 'nbf', '...']) {
    const d = disclosure('s2', name, 1);
    await rejects(
      verify(bind(craft(HEADER, basePayload([digestOf(d)]), [d]))),
      'ERR_VC_DISCLOSURE_DUPLICATE',
    );
  }
  const d = disclosure('s3', 'given_name', 'x');
  const twice = basePayload([digestOf(d), digestOf(d)]);
  await rejects(verify(bind(craft(HEADER, twice, [d]))), 'ERR_VC_DISCLOSURE_DUPLICATE');
  // The same crafted form verifies when nothing is wrong (the helpers are sound).
  const ok = await verify(bind(craft(HEADER, basePayload([digestOf(d)]), [d])));
  assert.deepEqual(ok.claims, { given_name: 'x' });
});

test('form, typ, alg, required claims, vct: each its code', async () => {
  await rejects(verify('not an sd-jwt'), 'ERR_VC_MALFORMED');
  await rejects(verify('a.b.c~'), 'ERR_VC_MALFORMED');
  const p = basePayload([]);
  for (const typ of ['vc+sd-jwt', 'JWT', undefined])
    await rejects(verify(bind(craft({ ...HEADER, typ }, p))), 'ERR_VC_BAD_TYP');
  for (const alg of ['none', 'HS256', 'RS256', 'ES384'])
    await rejects(verify(bind(craft({ ...HEADER, alg }, p))), 'ERR_VC_UNSUPPORTED_ALG');
  const none = `${b64({ ...HEADER, alg: 'none' })}.${b64(p)}.~`;
  await rejects(verify(bind(none)), 'ERR_VC_UNSUPPORTED_ALG');
  await rejects(
    verify(bind(craft(HEADER, { ...p, _sd_alg: 'sha-512' }))),
    'ERR_VC_UNSUPPORTED_ALG',
  );
  const { cnf: _c, ...noCnf } = p;
  for (const bad of [
    noCnf,
    { ...p, cnf: { kid: 'x' } },
    { ...p, iss: 7 },
    { ...p, vct: undefined },
    { ...p, iat: '1' },
    { ...p, exp: null },
    { ...p, nbf: 'soon' },
    { ...p, status: undefined },
    { ...p, status: { status_list: { idx: -1, uri: STATUS.uri } } },
    { ...p, status: { status_list: { idx: 1.5, uri: STATUS.uri } } },
    { ...p, status: { status_list: { idx: 1 } } },
  ]) {
    await rejects(verify(bind(craft(HEADER, bad))), 'ERR_VC_MISSING_CLAIM');
  }
  const cred = await issue();
  await rejects(verify(present(cred, []), { vct: ['urn:other'] }), 'ERR_VC_WRONG_VCT');
});

test('issuer: resolver errors propagate; a wrong key or a flipped signature bit is a bad signature', async () => {
  const vp = present(await issue(), ['given_name']);
  const notAccredited = new AppError('ERR_VC_ISSUER_NOT_ACCREDITED', 'not for this vct');
  const thrower = {
    resolveIssuer: () => {
      throw notAccredited;
    },
  };
  await rejects(verify(vp, { issuers: thrower }), 'ERR_VC_ISSUER_NOT_ACCREDITED');
  const rejecter = { resolveIssuer: () => Promise.reject(notAccredited) };
  await rejects(verify(vp, { issuers: rejecter }), 'ERR_VC_ISSUER_NOT_ACCREDITED');
  const stranger2 = bind(craft(HEADER, basePayload([], { iss: 'did:rdid:issuer-2' })));
  await rejects(verify(stranger2), 'ERR_VC_ISSUER_UNKNOWN');
  const wrong = { resolveIssuer: () => verifierOfJwk(stranger.jwk) };
  await rejects(verify(vp, { issuers: wrong }), 'ERR_VC_BAD_SIGNATURE');
  const [jwt, ...rest] = vp.split('~');
  const [h, pl, s] = jwt!.split('.');
  const sig = Buffer.from(s!, 'base64url');
  sig[17]! ^= 0x10;
  await rejects(
    verify([`${h}.${pl}.${sig.toString('base64url')}`, ...rest].join('~')),
    'ERR_VC_BAD_SIGNATURE',
  );
});

test('time: expired, not yet valid (iat, nbf), within the skew', async () => {
  const vp = present(await issue({ iat: NOW - 100, exp: NOW + 100 }), []);
  await rejects(verify(vp, { now: NOW + 160 }), 'ERR_VC_EXPIRED');
  await rejects(verify(vp, { now: NOW - 161 }), 'ERR_VC_NOT_YET_VALID');
  const later = { now: NOW + 150, kbMaxAgeSec: 1000 };
  assert.equal((await verify(vp, later)).exp, NOW + 100); // 50 s past exp, within the 60 s skew
  await rejects(verify(vp, { ...later, clockSkewSec: 0 }), 'ERR_VC_EXPIRED');
  const nbf = bind(craft(HEADER, basePayload([], { nbf: NOW + 500 })));
  await rejects(verify(nbf), 'ERR_VC_NOT_YET_VALID');
});

test('key binding: missing, bad typ, another key, nonce, audience, sd_hash, iat', async () => {
  const cred = await issue();
  await rejects(verify(cred), 'ERR_VC_KB_MISSING');
  const vp = present(cred, ['given_name', 'family_name']);
  const sdPart = vp.slice(0, vp.lastIndexOf('~') + 1);
  const kbOf = (header: object, payload: object, signer: JwsSigner = holder): string => {
    const input = `${b64(header)}.${b64(payload)}`;
    return `${input}.${Buffer.from(signer.sign(Buffer.from(input))).toString('base64url')}`;
  };
  const kbPayload = { iat: NOW, aud: AUD, nonce: 'n-1', sd_hash: digestOf(sdPart) };
  assert.ok(await verify(sdPart + kbOf({ typ: 'kb+jwt', alg: 'EdDSA' }, kbPayload)));
  await rejects(verify(sdPart + kbOf({ typ: 'JWT', alg: 'EdDSA' }, kbPayload)), 'ERR_VC_BAD_TYP');
  await rejects(
    verify(sdPart + kbOf({ typ: 'kb+jwt', alg: 'HS256' }, kbPayload)),
    'ERR_VC_UNSUPPORTED_ALG',
  );
  await rejects(
    verify(sdPart + kbOf({ typ: 'kb+jwt', alg: 'EdDSA' }, kbPayload, stranger)),
    'ERR_VC_KB_BAD_SIGNATURE',
  );
  await rejects(
    verify(sdPart + kbOf({ typ: 'kb+jwt', alg: 'ES256' }, kbPayload)),
    'ERR_VC_KB_BAD_SIGNATURE',
  );
  await rejects(verify(vp, { nonce: 'n-2' }), 'ERR_VC_KB_NONCE');
  await rejects(verify(vp, { aud: 'https://other.example' }), 'ERR_VC_KB_AUDIENCE');
  // Drop a disclosure after the KB-JWT was signed.
  const parts = vp.split('~');
  await rejects(verify([parts[0], parts[2], parts[3]].join('~')), 'ERR_VC_KB_SD_HASH');
  await rejects(verify(present(cred, [], { iat: NOW - 301 })), 'ERR_VC_KB_IAT');
  await rejects(verify(present(cred, [], { iat: NOW + 61 })), 'ERR_VC_KB_IAT');
  assert.ok(await verify(present(cred, [], { iat: NOW - 299 })));
  // presentSdJwtVc refuses a holder signer that is not the cnf key.
  assert.throws(() => present(cred, [], { holder: stranger }), { code: 'ERR_VC_BAD_KEY' });
  assert.throws(() => present(cred, ['nickname']), RangeError);
  assert.throws(
    () => presentSdJwtVc(vp, { disclose: [], holder, nonce: 'n', aud: AUD, iat: NOW }),
    { code: 'ERR_VC_MALFORMED' },
  );
});

test('nonce store: a replayed nonce; status: revoked, suspended; status is required', async () => {
  const cred = await issue();
  const used = new Set<string>();
  const nonces = { consume: (n: string) => !used.has(n) && used.add(n) !== undefined };
  const vp = present(cred, ['uniq']);
  assert.ok(await verify(vp, { nonces }));
  await rejects(verify(vp, { nonces }), 'ERR_VC_NONCE_REPLAYED');
  const seen: unknown[] = [];
  const revoked = { statusOf: (ref: object, iss: string) => (seen.push([ref, iss]), 1) };
  await rejects(verify(vp, { status: revoked }), 'ERR_VC_REVOKED');
  assert.deepEqual(seen, [[STATUS, DID]]);
  await rejects(verify(vp, { status: { statusOf: () => Promise.resolve(2) } }), 'ERR_VC_REVOKED');
  const unavailable = new AppError('ERR_VC_STATUS_UNAVAILABLE', 'down');
  await rejects(
    verify(vp, { status: { statusOf: () => Promise.reject(unavailable) } }),
    'ERR_VC_STATUS_UNAVAILABLE',
  );
  await assert.rejects(verify(vp, { status: undefined }), TypeError);
  assert.ok(await verify(vp, { status: undefined, requireStatus: false }));
});

test('issue: misuse is refused', async () => {
  await assert.rejects(issue({ disclosable: { cnf: 1 } }), RangeError);
  await assert.rejects(issue({ visible: { given_name: 'x' } }), RangeError);
  await assert.rejects(issue({ exp: NOW - 7200 }), RangeError);
  await assert.rejects(issue({ decoys: -1 }), RangeError);
  const priv = { ...holder.jwk, d: 'AAAA' } as unknown as IssueInput['holder'];
  await assert.rejects(issue({ holder: priv }), { code: 'ERR_VC_BAD_KEY' });
});

const sha256 = (data: string | ArrayBuffer): Uint8Array =>
  createHash('sha256')
    .update(typeof data === 'string' ? data : Buffer.from(data))
    .digest();
const b64sig = (sig: Uint8Array): string => Buffer.from(sig).toString('base64url');

/** A status list token (statuslist+jwt) with every entry valid, signed by our issuer. */
function statusListToken(): string {
  const list = new StatusList(new Array<number>(1024).fill(0), 1);
  const { header, payload } = createHeaderAndPayload(
    list,
    { iss: DID, sub: STATUS.uri, iat: NOW - 60 },
    { alg: 'EdDSA', typ: 'statuslist+jwt' },
  );
  const input = `${b64(header)}.${b64(payload)}`;
  return `${input}.${b64sig(issuerSigner.sign(Buffer.from(input)))}`;
}

test('interop: the stock @sd-jwt/sd-jwt-vc verifier accepts our presentations (key binding checked)', async () => {
  const token = statusListToken();
  const verifyWith = (data: string, sig: string) =>
    issuerVerifier.verify(Buffer.from(data), Buffer.from(sig, 'base64url'));
  const stock = new SDJwtVcInstance({
    hasher: sha256,
    verifier: verifyWith,
    statusVerifier: verifyWith,
    statusListFetcher: () => Promise.resolve(token),
    kbVerifier: (data, sig, payload) =>
      verifierOfJwk((payload.cnf as { jwk: unknown }).jwk).verify(
        Buffer.from(data),
        Buffer.from(sig, 'base64url'),
      ),
  });
  const vp = present(await issue(), ['given_name', 'uniq']);
  const out = await stock.verify(vp, { keyBindingNonce: 'n-1', currentDate: NOW });
  assert.equal(out.payload.given_name, '张');
  assert.equal(out.payload.uniq, 'u-1');
  assert.equal(out.payload.family_name, undefined);
  assert.equal(out.kb?.payload.nonce, 'n-1');
  assert.equal(out.kb?.payload.aud, AUD);
  await assert.rejects(stock.verify(vp, { keyBindingNonce: 'n-2', currentDate: NOW }));
  // A changed first character of the KB-JWT's signature: it carries 6 whole bits of the first byte
  // (overwriting the last characters could leave the bytes equal, 1 run in 256).
  const bad = present(await issue(), ['given_name'], { holder }).replace(
    /\.([^.~]*)$/,
    (_, sig: string) => `.${sig[0] === 'A' ? 'B' : 'A'}${sig.slice(1)}`,
  );
  await assert.rejects(stock.verify(bad, { keyBindingNonce: 'n-1', currentDate: NOW }));
});

test('interop: a presentation made by the stock library (its kbSigner) verifies with ours', async () => {
  const stockHolder = new SDJwtVcInstance({
    hasher: sha256,
    kbSigner: (data) => b64sig(holder.sign(Buffer.from(data))),
    kbSignAlg: 'EdDSA',
  });
  const vp = await stockHolder.present(
    await issue(),
    { given_name: true, birthdate: true },
    { kb: { payload: { iat: NOW, aud: AUD, nonce: 'n-1' } } },
  );
  const out = await verify(vp);
  assert.deepEqual(out.claims, {
    real_name_verified: true,
    given_name: '张',
    birthdate: '1990-01-01',
  });
  assert.deepEqual([...out.disclosed].sort(), ['birthdate', 'given_name']);
});
