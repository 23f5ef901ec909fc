/**
 * realdid's OpenID4VP 1.0 profile, pure parts: links, the DCQL profile and its satisfaction,
 * signed request objects, consent receipts. Known answers (an independent Ed25519 check with
 * node:crypto, a SHA-256 vector), round-trip properties, and named mutations each refused with
 * its own code.
 */
import assert from 'node:assert/strict';
import { createPublicKey, verify } from 'node:crypto';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import {
  checkDcqlQuery,
  checkSatisfied,
  CLIENT_ID_PREFIX,
  clientIdOf,
  CONSENT_RECEIPT_TYP,
  didKeyOfJwk,
  formatRequestLink,
  parseRequestLink,
  presentationHash,
  REAL_NAME_VCT,
  realNameQuery,
  REQUEST_OBJECT_TYP,
  SELF_ISSUED_AUD,
  signConsentReceipt,
  signerOfKeyPair,
  signRequestObject,
  verifierOfJwk,
  verifyConsentReceipt,
  verifyRequestObject,
  VP_FORMATS_SUPPORTED,
  type RequestObjectClaims,
} from '../../src/credentials/index.ts';
import { signCompactJws } from '../../src/credentials/sd-jwt.ts';
import { ed25519FromSeed, sha256, toBase58btc, utf8 } from '../../src/crypto/index.ts';
import { AppError } from '../../src/errors.ts';

/** Asserts that `fn` throws (or rejects with) an error of `code`. */
async function refuses(fn: () => unknown, code: string, what = ''): Promise<void> {
  await assert.rejects(
    async () => fn(),
    (err: { code?: string }) => {
      assert.equal(err.code, code, `${what}: expected ${code}, got ${err.code}: ${String(err)}`);
      return true;
    },
  );
}

const rdid = (label: string): string => `did:rdid:${toBase58btc(sha256(utf8(label)))}`;
const SITE = rdid('openid4vp test site');
const OTHER = rdid('openid4vp other site');
const CLIENT_ID = clientIdOf(SITE);
const siteKey = ed25519FromSeed(sha256(utf8('openid4vp site key')));
const otherKey = ed25519FromSeed(sha256(utf8('openid4vp other key')));
const signer = signerOfKeyPair(siteKey, `${SITE}#site`);
const verifier = verifierOfJwk(signer.jwk);
const NOW = 1_760_000_000;
const NONCE = 'nonce-0123456789abcdef';
const STATE = 'state-0123456789abcdef';

function claimsOf(over: Partial<Record<keyof RequestObjectClaims, unknown>> = {}) {
  return {
    iss: CLIENT_ID,
    aud: SELF_ISSUED_AUD,
    client_id: CLIENT_ID,
    response_type: 'vp_token',
    response_mode: 'direct_post',
    response_uri: 'https://site.example/oid4vp/response/abc',
    nonce: NONCE,
    state: STATE,
    iat: NOW,
    exp: NOW + 300,
    dcql_query: realNameQuery(['age_over_18', 'given_name']),
    client_metadata: { vp_formats_supported: VP_FORMATS_SUPPORTED },
    realdid_purpose: 'login',
    ...over,
  } as RequestObjectClaims;
}

/** Signs anything as the site would, skipping signRequestObject's own checks. */
function rawSign(payload: object, header: object = {}, key = siteKey): string {
  const h = { alg: 'EdDSA', typ: REQUEST_OBJECT_TYP, kid: `${SITE}#site`, ...header };
  return signCompactJws(h, payload as Record<string, unknown>, (b) => key.sign(b));
}

/** The site's one key, as a resolver would find it: any other kid is not an authentication key. */
const keyOf = (kid: string) => {
  if (kid !== `${SITE}#site`)
    throw new AppError('ERR_IDENTITY_LOGIN_BAD_SIGNATURE', `${kid} is not a key of the site`);
  return verifier;
};
const check = (jws: unknown, o: { now?: number; clientId?: string } = {}) =>
  verifyRequestObject(jws, keyOf, { now: o.now ?? NOW, ...o });

describe('links', () => {
  const requestUri = 'https://site.example/oid4vp/request/r1?x=1';
  test('format → parse is the identity; https links with the same query are accepted', () => {
    const link = formatRequestLink({ clientId: CLIENT_ID, requestUri });
    assert.ok(link.startsWith('openid4vp://?client_id=decentralized_identifier%3Adid%3Ardid%3A'));
    assert.deepEqual(parseRequestLink(link), { clientId: CLIENT_ID, requestUri });
    const https = `https://wallet.example/login${link.slice('openid4vp://'.length)}`;
    assert.deepEqual(parseRequestLink(https), { clientId: CLIENT_ID, requestUri });
  });

  test('property: any did:rdid and request path round-trip', () => {
    fc.assert(
      fc.property(fc.string(), fc.webPath(), (label, path) => {
        const clientId = clientIdOf(rdid(label));
        const uri = `https://site.example${path}`;
        assert.deepEqual(parseRequestLink(formatRequestLink({ clientId, requestUri: uri })), {
          clientId,
          requestUri: uri,
        });
      }),
    );
  });

  const enc = encodeURIComponent;
  const q = `client_id=${enc(CLIENT_ID)}&request_uri=${enc(requestUri)}`;
  const bad: Record<string, unknown> = {
    'not-a-string': 42,
    'not-a-url': 'openid4vp',
    'no-client-id': `openid4vp://?request_uri=${enc(requestUri)}`,
    'no-request-uri': `openid4vp://?client_id=${enc(CLIENT_ID)}`,
    'two-request-uris': `openid4vp://?${q}&request_uri=${enc(requestUri)}`,
    'no-prefix': `openid4vp://?client_id=${enc(SITE)}&request_uri=${enc(requestUri)}`,
    'other-prefix': `openid4vp://?client_id=${enc(`redirect_uri:${requestUri}`)}&request_uri=${enc(requestUri)}`,
    'did-web': `openid4vp://?client_id=${enc(`${CLIENT_ID_PREFIX}did:web:x.example`)}&request_uri=${enc(requestUri)}`,
    'http-request-uri': `openid4vp://?client_id=${enc(CLIENT_ID)}&request_uri=${enc('http://site.example/r')}`,
    'request-by-value': `openid4vp://?${q}&request=eyJ`,
    'request-uri-method-post': `openid4vp://?${q}&request_uri_method=post`,
    'http-link': `http://wallet.example/?${q}`,
    'too-long': `openid4vp://?${q}&pad=${'x'.repeat(5000)}`,
  };
  for (const [name, link] of Object.entries(bad))
    test(`refused: ${name}`, () =>
      refuses(() => parseRequestLink(link), 'ERR_IDENTITY_LOGIN_MALFORMED'));

  test('http on a loopback host is accepted (development)', () => {
    const dev = 'http://127.0.0.1:4000/oid4vp/request/r1';
    assert.equal(
      parseRequestLink(formatRequestLink({ clientId: CLIENT_ID, requestUri: dev })).requestUri,
      dev,
    );
  });
});

describe('DCQL profile', () => {
  test('realNameQuery → checkDcqlQuery gives back the id, type and claims', () => {
    const q = realNameQuery(['given_name', 'family_name'], 'rn');
    assert.deepEqual(q, {
      credentials: [
        {
          id: 'rn',
          format: 'dc+sd-jwt',
          meta: { vct_values: [REAL_NAME_VCT] },
          claims: [{ path: ['given_name'] }, { path: ['family_name'] }],
        },
      ],
    });
    assert.deepEqual(checkDcqlQuery(q), {
      credentialId: 'rn',
      vct: REAL_NAME_VCT,
      claims: ['given_name', 'family_name'],
    });
    assert.deepEqual(checkDcqlQuery(realNameQuery([])).claims, []);
  });

  test('property: any set of claim names round-trips', () => {
    const name = fc
      .stringMatching(/^[a-z][a-z0-9_]{0,20}$/)
      .filter((n) => !['iss', 'exp', 'iat', 'nbf', 'cnf', 'vct', 'status'].includes(n));
    fc.assert(
      fc.property(fc.uniqueArray(name, { maxLength: 10 }), (claims) => {
        assert.deepEqual(checkDcqlQuery(realNameQuery(claims)).claims, claims);
      }),
    );
  });

  test('realNameQuery refuses a reserved or duplicate claim (programmer error)', () => {
    assert.throws(() => realNameQuery(['cnf']), RangeError);
    assert.throws(() => realNameQuery(['a', 'a']), RangeError);
    assert.throws(() => realNameQuery(['a'], 'bad id!'), RangeError);
  });

  const base = () => structuredClone(realNameQuery(['given_name'])) as any;
  const mutations: Record<string, (q: any) => unknown> = {
    'not-an-object': () => 'x',
    'no-credentials': () => ({}),
    'empty-credentials': () => ({ credentials: [] }),
    'two-credentials': (q) => ({
      credentials: [q.credentials[0], { ...q.credentials[0], id: 'b' }],
    }),
    'credential-sets': (q) => ({ ...q, credential_sets: [{ options: [['real_name']] }] }),
    'other-format': (q) => ((q.credentials[0].format = 'jwt_vc_json'), q),
    'other-vct': (q) => ((q.credentials[0].meta.vct_values = ['urn:other']), q),
    'no-meta': (q) => (delete q.credentials[0].meta, q),
    'claim-sets': (q) => (
      (q.credentials[0].claims[0].id = 'a'),
      (q.credentials[0].claim_sets = [['a']]),
      q
    ),
    values: (q) => ((q.credentials[0].claims[0].values = ['x']), q),
    'nested-path': (q) => ((q.credentials[0].claims[0].path = ['address', 'street']), q),
    'index-path': (q) => ((q.credentials[0].claims[0].path = [0]), q),
    'reserved-claim': (q) => ((q.credentials[0].claims[0].path = ['cnf']), q),
    'duplicate-claim': (q) => (q.credentials[0].claims.push({ path: ['given_name'] }), q),
    multiple: (q) => ((q.credentials[0].multiple = true), q),
    'no-holder-binding': (q) => (
      (q.credentials[0].require_cryptographic_holder_binding = false),
      q
    ),
    'trusted-authorities': (q) => (
      (q.credentials[0].trusted_authorities = [{ type: 'aki', values: ['x'] }]),
      q
    ),
    'empty-claims': (q) => ((q.credentials[0].claims = []), q),
    'bad-id': (q) => ((q.credentials[0].id = 'a b'), q),
  };
  for (const [name, mutate] of Object.entries(mutations))
    test(`refused: ${name}`, () =>
      refuses(() => checkDcqlQuery(mutate(base())), 'ERR_IDENTITY_DCQL_UNSUPPORTED', name));

  test('a deeply frozen query is checked once (same answer after); a mutable one at every call', async () => {
    const freeze = (v: any): any => {
      if (v !== null && typeof v === 'object') Object.values(v).forEach(freeze);
      return Object.freeze(v);
    };
    const frozen = freeze(base());
    const first = checkDcqlQuery(frozen);
    assert.equal(checkDcqlQuery(frozen), first, 'the kept answer');
    assert.ok(Object.isFrozen(first) && Object.isFrozen(first.claims));
    const open = base();
    assert.deepEqual(checkDcqlQuery(open).claims, ['given_name']);
    open.credentials[0].format = 'jwt_vc_json';
    await refuses(
      () => checkDcqlQuery(open),
      'ERR_IDENTITY_DCQL_UNSUPPORTED',
      'mutated after a check',
    );
    const shallow = Object.freeze(base());
    checkDcqlQuery(shallow);
    shallow.credentials[0].claims[0].path = ['cnf'];
    await refuses(
      () => checkDcqlQuery(shallow),
      'ERR_IDENTITY_DCQL_UNSUPPORTED',
      'frozen on top only',
    );
  });

  test('unknown properties are ignored (OpenID4VP 1.0 §6)', () => {
    const q = base();
    q.future = { x: 1 };
    q.credentials[0].future = true;
    assert.deepEqual(checkDcqlQuery(q).claims, ['given_name']);
  });

  const query = checkDcqlQuery(realNameQuery(['given_name', 'real_name_verified']));
  test('satisfied exactly: requested claims disclosed or always visible', () => {
    checkSatisfied(query, 'real_name', {
      vct: REAL_NAME_VCT,
      disclosed: ['given_name'],
      visible: ['real_name_verified'],
    });
  });
  const unsatisfied: Record<
    string,
    [string, { vct: string; disclosed: string[]; visible?: string[] }]
  > = {
    'missing-claim': [
      'real_name',
      { vct: REAL_NAME_VCT, disclosed: [], visible: ['real_name_verified'] },
    ],
    'extra-claim': [
      'real_name',
      {
        vct: REAL_NAME_VCT,
        disclosed: ['given_name', 'family_name'],
        visible: ['real_name_verified'],
      },
    ],
    'other-id': [
      'other',
      { vct: REAL_NAME_VCT, disclosed: ['given_name'], visible: ['real_name_verified'] },
    ],
    'other-vct': [
      'real_name',
      { vct: 'urn:x', disclosed: ['given_name'], visible: ['real_name_verified'] },
    ],
  };
  for (const [name, [id, presented]] of Object.entries(unsatisfied))
    test(`unsatisfied: ${name}`, () =>
      refuses(() => checkSatisfied(query, id, presented), 'ERR_IDENTITY_DCQL_UNSATISFIED'));
});

describe('request objects', () => {
  test('known answer: header, payload, and an Ed25519 signature node:crypto verifies', async () => {
    const jws = signRequestObject(claimsOf(), signer);
    const [h, p, s] = jws.split('.') as [string, string, string];
    assert.deepEqual(JSON.parse(Buffer.from(h, 'base64url').toString()), {
      alg: 'EdDSA',
      typ: 'oauth-authz-req+jwt',
      kid: `${SITE}#site`,
    });
    assert.deepEqual(JSON.parse(Buffer.from(p, 'base64url').toString()), claimsOf());
    const pub = createPublicKey({ key: { ...signer.jwk }, format: 'jwk' });
    assert.ok(verify(null, Buffer.from(`${h}.${p}`), pub, Buffer.from(s, 'base64url')));
    assert.equal(signRequestObject(claimsOf(), signer), jws, 'deterministic');
    const v = await check(jws, { clientId: CLIENT_ID });
    assert.equal(v.did, SITE);
    assert.equal(v.kid, `${SITE}#site`);
    assert.deepEqual(v.query, {
      credentialId: 'real_name',
      vct: REAL_NAME_VCT,
      claims: ['age_over_18', 'given_name'],
    });
    assert.deepEqual(v.claims, claimsOf());
  });

  test('property: sign → verify round-trips any purpose, policy and claims', async () => {
    const term = fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,20}$/);
    const token = fc.stringMatching(/^[A-Za-z0-9._~-]{16,40}$/);
    await fc.assert(
      fc.asyncProperty(
        term,
        fc.option(term, { nil: undefined }),
        token,
        token,
        fc.subarray(['age_over_18', 'given_name', 'family_name', 'region']),
        async (purpose, policy, nonce, state, claims) => {
          const c = claimsOf({
            realdid_purpose: purpose,
            nonce,
            state,
            dcql_query: realNameQuery(claims),
            ...(policy === undefined ? {} : { realdid_policy: policy }),
          });
          const v = await check(signRequestObject(c, signer));
          assert.deepEqual(v.claims, c);
          assert.deepEqual(v.query.claims, claims);
        },
      ),
      { numRuns: 50 },
    );
  });

  test('property: any one character changed is refused', async () => {
    const jws = signRequestObject(claimsOf(), signer);
    await fc.assert(
      fc.asyncProperty(fc.nat(jws.length - 1), fc.constantFrom(...'AQgw_-.x'), async (i, ch) => {
        fc.pre(jws[i] !== ch);
        const bad = jws.slice(0, i) + ch + jws.slice(i + 1);
        await assert.rejects(check(bad), (e: { code?: string }) =>
          ['ERR_IDENTITY_LOGIN_MALFORMED', 'ERR_IDENTITY_LOGIN_BAD_SIGNATURE'].includes(
            e.code ?? '',
          ),
        );
      }),
      { numRuns: 1000 },
    );
  });

  const M = 'ERR_IDENTITY_LOGIN_MALFORMED';
  const S = 'ERR_IDENTITY_LOGIN_BAD_SIGNATURE';
  const U = 'ERR_IDENTITY_DCQL_UNSUPPORTED';
  const good = claimsOf();
  const cases: Record<string, [() => unknown, string, { clientId?: string; now?: number }?]> = {
    'not-a-jws': [() => 'abc', M],
    'trailing-garbage': [() => `${signRequestObject(good, signer)}.x`, M],
    'wrong-typ': [() => rawSign(good, { typ: 'JWT' }), M],
    'no-typ': [() => rawSign(good, { typ: undefined }), M],
    'alg-none': [() => rawSign(good, { alg: 'none' }), S],
    'alg-es256': [() => rawSign(good, { alg: 'ES256' }), S],
    'crit-header': [() => rawSign(good, { crit: ['x'] }), S],
    'no-kid': [() => rawSign(good, { kid: undefined }), M],
    'kid-without-fragment': [() => rawSign(good, { kid: SITE }), M],
    'kid-of-another-did': [() => rawSign(good, { kid: `${OTHER}#site` }, otherKey), S],
    'signed-with-another-key': [() => rawSign(good, {}, otherKey), S],
    'client-id-of-another-site': [
      () => rawSign(claimsOf({ client_id: clientIdOf(OTHER), iss: clientIdOf(OTHER) })),
      S,
    ],
    'client-id-not-the-links': [
      () => signRequestObject(good, signer),
      M,
      { clientId: clientIdOf(OTHER) },
    ],
    'client-id-without-prefix': [() => rawSign(claimsOf({ client_id: SITE, iss: undefined })), M],
    'wrong-aud': [() => rawSign(claimsOf({ aud: 'https://wallet.example' })), M],
    'response-type-code': [() => rawSign(claimsOf({ response_type: 'code' })), M],
    'response-mode-fragment': [() => rawSign(claimsOf({ response_mode: 'fragment' })), M],
    'redirect-uri-too': [() => rawSign({ ...good, redirect_uri: 'https://site.example/cb' }), M],
    'scope-too': [() => rawSign({ ...good, scope: 'openid' }), M],
    'transaction-data': [() => rawSign({ ...good, transaction_data: ['x'] }), M],
    'http-response-uri': [() => rawSign(claimsOf({ response_uri: 'http://site.example/r' })), M],
    'response-uri-fragment': [
      () => rawSign(claimsOf({ response_uri: 'https://site.example/r#x' })),
      M,
    ],
    'short-nonce': [() => rawSign(claimsOf({ nonce: 'short' })), M],
    'nonce-not-url-safe': [() => rawSign(claimsOf({ nonce: 'nonce 0123456789abcdef' })), M],
    'no-state': [() => rawSign(claimsOf({ state: undefined })), M],
    'iat-string': [() => rawSign(claimsOf({ iat: String(NOW) })), M],
    'exp-before-iat': [() => rawSign(claimsOf({ exp: NOW - 1 })), M],
    expired: [() => rawSign(claimsOf({ iat: NOW - 1000, exp: NOW - 61 })), M],
    'iat-ahead': [() => rawSign(claimsOf({ iat: NOW + 61, exp: NOW + 400 })), M],
    'bad-purpose': [() => rawSign(claimsOf({ realdid_purpose: 'Log In' })), M],
    'bad-policy': [() => rawSign(claimsOf({ realdid_policy: 7 })), M],
    'no-client-metadata': [() => rawSign(claimsOf({ client_metadata: undefined })), M],
    'es256-only-metadata': [
      () =>
        rawSign(
          claimsOf({
            client_metadata: {
              vp_formats_supported: { 'dc+sd-jwt': { 'kb-jwt_alg_values': ['ES256'] } },
            },
          }),
        ),
      M,
    ],
    'dcql-unsupported': [
      () =>
        rawSign(
          claimsOf({ dcql_query: { credentials: [{ id: 'x', format: 'mso_mdoc', meta: {} }] } }),
        ),
      U,
    ],
  };
  for (const [name, [make, code, o]] of Object.entries(cases))
    test(`refused: ${name}`, () => refuses(() => check(make(), o), code, name));

  test('iss is ignored (§5: the wallet MUST ignore it)', async () => {
    const v = await check(rawSign(claimsOf({ iss: 'https://x.example' })));
    assert.equal(v.did, SITE);
  });

  test('within the skew an expiring request is still accepted', async () => {
    await check(rawSign(claimsOf({ iat: NOW - 1000, exp: NOW - 59 })));
  });

  test('signRequestObject refuses a signer of another DID and claims outside the profile', async () => {
    assert.throws(
      () => signRequestObject(good, signerOfKeyPair(otherKey, `${OTHER}#site`)),
      RangeError,
    );
    await refuses(() => signRequestObject(claimsOf({ aud: 'x' }), signer), M);
  });
});

describe('consent receipts', () => {
  const holderKey = ed25519FromSeed(sha256(utf8('openid4vp holder')));
  const holder = signerOfKeyPair(holderKey);
  const vpToken = JSON.stringify({ real_name: ['eyJ...~'] });
  const hashed = presentationHash(vpToken);
  const input = {
    holder,
    clientId: CLIENT_ID,
    site: SITE,
    policy: 'creator-real-name',
    claims: ['family_name', 'given_name'],
    iat: NOW,
    presentationHash: hashed,
  };
  const expect = {
    holderJwk: holder.jwk,
    clientId: CLIENT_ID,
    site: SITE,
    policy: 'creator-real-name',
    claims: ['given_name', 'family_name'],
    presentationHash: hashed,
    now: NOW,
  };

  test('presentation hash: SHA-256 of the UTF-8 vp_token, base64url (known answer)', () => {
    // SHA-256("abc") = ba7816bf…15ad (FIPS 180-2 Appendix B.1)
    assert.equal(
      presentationHash('abc'),
      Buffer.from(
        'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
        'hex',
      ).toString('base64url'),
    );
    assert.notEqual(presentationHash('é'), presentationHash('e'));
  });

  test('sign → verify: iss and kid are the holder did:key; claims in any order', () => {
    const r = signConsentReceipt(input);
    const header = JSON.parse(Buffer.from(r.split('.')[0]!, 'base64url').toString());
    const ids = didKeyOfJwk(holder.jwk);
    assert.deepEqual(header, { alg: 'EdDSA', typ: CONSENT_RECEIPT_TYP, kid: ids.kid });
    const c = verifyConsentReceipt(r, expect);
    assert.equal(c.iss, ids.did);
    assert.ok(ids.did.startsWith('did:key:z6Mk'));
    assert.deepEqual(c, {
      iss: ids.did,
      aud: CLIENT_ID,
      site: SITE,
      policy: 'creator-real-name',
      claims: ['family_name', 'given_name'],
      iat: NOW,
      presentation_hash: hashed,
    });
  });

  const other = signerOfKeyPair(ed25519FromSeed(sha256(utf8('openid4vp other holder'))));
  const R = 'ERR_IDENTITY_BAD_RECEIPT';
  const receipt = (over: object = {}) => signConsentReceipt({ ...input, ...over });
  const cases: Record<string, [() => unknown, object?]> = {
    missing: [() => undefined],
    'not-a-jws': [() => 'x.y'],
    'signed-by-another-key': [() => receipt({ holder: other })],
    'kid-of-another-key': [
      () =>
        signCompactJws(
          { alg: 'EdDSA', typ: CONSENT_RECEIPT_TYP, kid: didKeyOfJwk(other.jwk).kid },
          JSON.parse(Buffer.from(receipt().split('.')[1]!, 'base64url').toString()),
          (b) => holderKey.sign(b),
        ),
    ],
    'wrong-typ': [
      () =>
        signCompactJws({ alg: 'EdDSA', typ: 'JWT', kid: didKeyOfJwk(holder.jwk).kid }, {}, (b) =>
          holderKey.sign(b),
        ),
    ],
    'other-policy': [() => receipt({ policy: 'another' })],
    'other-site': [() => receipt({ site: OTHER })],
    'other-client': [() => receipt({ clientId: clientIdOf(OTHER) })],
    'fewer-claims': [() => receipt({ claims: ['given_name'] })],
    'duplicate-claims': [() => receipt({ claims: ['given_name', 'given_name'] })],
    'other-presentation': [() => receipt({ presentationHash: presentationHash(`${vpToken} `) })],
    'too-old': [() => receipt({ iat: NOW - 301 })],
    ahead: [() => receipt({ iat: NOW + 61 })],
    tampered: [() => `${receipt().slice(0, -2)}AA`],
  };
  for (const [name, [make]] of Object.entries(cases))
    test(`refused: ${name}`, () => refuses(() => verifyConsentReceipt(make(), expect), R, name));
});
