import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { fromBase64url, generateEd25519, toBase64url, utf8 } from '../../src/crypto/index.ts';
import { signerOfKeyPair, verifierOfJwk, type JwsSigner } from '../../src/credentials/jws-keys.ts';
import { StatusListCache } from '../../src/credentials/status-cache.ts';
import { StatusList, STATUS_INVALID } from '../../src/credentials/status-list.ts';
import {
  peekStatusListToken,
  signStatusListToken,
  STATUS_LIST_TYP,
  verifyStatusListToken,
  type StatusListTokenClaims,
} from '../../src/credentials/status-token.ts';

const ISS_A = 'did:rdid:issuer-a';
const ISS_B = 'did:rdid:issuer-b';
const URI = 'https://status.example/lists/1';
const T0 = 1_700_000_000;

const signerA = signerOfKeyPair(generateEd25519().keyPair, `${ISS_A}#key-1`);
const signerB = signerOfKeyPair(generateEd25519().keyPair, `${ISS_B}#key-1`);
const verifierA = verifierOfJwk(signerA.jwk);
const verifierB = verifierOfJwk(signerB.jwk);

const hasCode = (code: string) => (err: unknown) => (err as { code?: string }).code === code;

function listWith(revoked: number[] = []): StatusList {
  const list = StatusList.empty(1 << 20, 1);
  for (const i of revoked) list.set(i, STATUS_INVALID);
  return list;
}

function claims(over: Partial<StatusListTokenClaims> = {}): StatusListTokenClaims {
  return {
    sub: URI,
    iat: T0,
    exp: T0 + 3600,
    iss: ISS_A,
    status_list: listWith([7]).encode(),
    ...over,
  };
}

/** A JWS over arbitrary header and payload (for the negative cases signStatusListToken refuses). */
function rawJws(header: object, payload: object, signer: JwsSigner = signerA): string {
  const input = `${toBase64url(utf8(JSON.stringify(header)))}.${toBase64url(utf8(JSON.stringify(payload)))}`;
  return `${input}.${toBase64url(signer.sign(utf8(input)))}`;
}

describe('status list token (draft §5.1, §8.3)', () => {
  const verify = (jwt: string, over: { uri?: string; now?: number } = {}) =>
    verifyStatusListToken(jwt, {
      verifier: verifierA,
      uri: over.uri ?? URI,
      now: over.now ?? T0 + 10,
    });

  test('sign → verify round trip (Ed25519), header typ/alg/kid', () => {
    const jwt = signStatusListToken(claims({ ttl: 300 }), signerA);
    const { header } = peekStatusListToken(jwt);
    assert.deepEqual(header, { alg: 'EdDSA', kid: `${ISS_A}#key-1` });
    const rawHeader = JSON.parse(Buffer.from(jwt.split('.')[0]!, 'base64url').toString());
    assert.equal(rawHeader.typ, STATUS_LIST_TYP);
    const v = verify(jwt);
    assert.deepEqual(
      { sub: v.sub, iat: v.iat, exp: v.exp, ttl: v.ttl, iss: v.iss, kid: v.kid },
      { sub: URI, iat: T0, exp: T0 + 3600, ttl: 300, iss: ISS_A, kid: `${ISS_A}#key-1` },
    );
    assert.equal(v.list.get(7), 1);
    assert.equal(v.list.get(8), 0);
    assert.equal(v.list.size, 1 << 20);
  });

  test('property: sign → verify returns the list for random claims', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 256 }), fc.nat(T0), (bytes, iat) => {
        const list = StatusList.fromBytes(bytes, 2);
        const jwt = signStatusListToken({ sub: URI, iat, status_list: list.encode() }, signerA);
        assert.deepEqual(verify(jwt, { now: iat }).list.bytes, list.bytes);
      }),
      { numRuns: 30 },
    );
  });

  test('a tampered payload is ERR_VC_STATUS_BAD_TOKEN', () => {
    const [h, , s] = signStatusListToken(claims(), signerA).split('.');
    const forged = toBase64url(utf8(JSON.stringify(claims({ status_list: listWith().encode() }))));
    assert.throws(() => verify(`${h}.${forged}.${s}`), hasCode('ERR_VC_STATUS_BAD_TOKEN'));
  });

  test('a flipped signature bit is ERR_VC_STATUS_BAD_TOKEN', () => {
    const [h, p, s] = signStatusListToken(claims(), signerA).split('.') as [string, string, string];
    for (const bit of [0, 255, 511]) {
      const sig = fromBase64url(s);
      sig[bit >> 3]! ^= 1 << (bit & 7);
      assert.throws(
        () => verify(`${h}.${p}.${toBase64url(sig)}`),
        hasCode('ERR_VC_STATUS_BAD_TOKEN'),
      );
    }
  });

  test('a token signed by another key is ERR_VC_STATUS_BAD_TOKEN', () => {
    assert.throws(
      () => verify(signStatusListToken(claims(), signerB)),
      hasCode('ERR_VC_STATUS_BAD_TOKEN'),
    );
  });

  test('sub ≠ uri, expired and future iat are ERR_VC_STATUS_BAD_TOKEN', () => {
    const jwt = signStatusListToken(claims(), signerA);
    assert.throws(() => verify(jwt, { uri: `${URI}0` }), hasCode('ERR_VC_STATUS_BAD_TOKEN'));
    assert.throws(() => verify(jwt, { now: T0 + 3600 }), hasCode('ERR_VC_STATUS_BAD_TOKEN'));
    assert.equal(verify(jwt, { now: T0 + 3599 }).sub, URI);
    assert.throws(() => verify(jwt, { now: T0 - 3600 }), hasCode('ERR_VC_STATUS_BAD_TOKEN'));
  });

  test('a wrong typ is ERR_VC_BAD_TYP', () => {
    for (const typ of ['JWT', 'dc+sd-jwt', undefined, 7]) {
      const jwt = rawJws({ alg: 'EdDSA', typ }, claims());
      assert.throws(() => verify(jwt), hasCode('ERR_VC_BAD_TYP'), String(typ));
    }
    assert.equal(
      verify(rawJws({ alg: 'EdDSA', typ: 'application/statuslist+jwt' }, claims())).sub,
      URI,
    );
  });

  test('alg none, an unknown alg or one other than the key’s is ERR_VC_UNSUPPORTED_ALG', () => {
    const [, p] = signStatusListToken(claims(), signerA).split('.');
    const none = `${toBase64url(utf8(JSON.stringify({ alg: 'none', typ: STATUS_LIST_TYP })))}.${p}.`;
    assert.throws(() => verify(none), hasCode('ERR_VC_UNSUPPORTED_ALG'));
    for (const alg of ['ES256', 'HS256', 'RS256', undefined]) {
      const jwt = rawJws({ alg, typ: STATUS_LIST_TYP }, claims());
      assert.throws(() => verify(jwt), hasCode('ERR_VC_UNSUPPORTED_ALG'), String(alg));
    }
  });

  test('structural damage is ERR_VC_MALFORMED; a bad lst is ERR_VC_STATUS_BAD_TOKEN', () => {
    const jwt = signStatusListToken(claims(), signerA);
    const [h, p] = jwt.split('.');
    for (const bad of ['', 'a.b', `${jwt}.x`, `${h}.${p}.***`, `x${h}.${p}.AA`, 42]) {
      assert.throws(
        () => verify(bad as string),
        hasCode('ERR_VC_MALFORMED'),
        String(bad).slice(0, 30),
      );
    }
    for (const payload of [
      { ...claims(), sub: 1 },
      { ...claims(), iat: 'now' },
      { sub: URI, iat: T0 },
      [1],
    ]) {
      const bad = rawJws({ alg: 'EdDSA', typ: STATUS_LIST_TYP }, payload);
      assert.throws(
        () => verify(bad),
        hasCode('ERR_VC_MALFORMED'),
        JSON.stringify(payload).slice(0, 40),
      );
    }
    const badList = rawJws(
      { alg: 'EdDSA', typ: STATUS_LIST_TYP },
      claims({ status_list: { bits: 3, lst: 'eNo' } }),
    );
    assert.throws(() => verify(badList), hasCode('ERR_VC_STATUS_BAD_TOKEN'));
    assert.throws(() => peekStatusListToken('a.b'), hasCode('ERR_VC_MALFORMED'));
    assert.throws(() => signStatusListToken({ ...claims(), iat: -1 }, signerA), TypeError);
  });
});

/** A fake status endpoint: a token per uri, a call counter and an optional gate to hold fetches. */
function fakeServer() {
  const tokens = new Map<string, string>();
  let calls = 0;
  let gate: Promise<void> | undefined;
  return {
    tokens,
    get calls() {
      return calls;
    },
    hold(): () => void {
      let release!: () => void;
      gate = new Promise<void>((r) => (release = r));
      return () => {
        gate = undefined;
        release();
      };
    },
    fetch: async (uri: string): Promise<string> => {
      calls++;
      if (gate !== undefined) await gate;
      const t = tokens.get(uri);
      if (t === undefined) throw new Error(`404 ${uri}`);
      return t;
    },
  };
}

function setup(maxAgeSec?: number) {
  const server = fakeServer();
  const clock = { now: T0 };
  const keys = new Map([
    [ISS_A, verifierA],
    [ISS_B, verifierB],
  ]);
  const cache = new StatusListCache({
    fetch: server.fetch,
    verifierFor: (iss) => keys.get(iss)!,
    now: () => clock.now,
    ...(maxAgeSec === undefined ? {} : { maxAgeSec }),
  });
  const publish = (c: Partial<StatusListTokenClaims> = {}, signer = signerA) =>
    server.tokens.set(
      URI,
      signStatusListToken(claims({ iat: clock.now, exp: clock.now + 86_400, ...c }), signer),
    );
  return { server, clock, cache, publish };
}

const ref = (idx: number) => ({ idx, uri: URI });

/** Asserts a miss: statusOf returned a promise. */
function miss(got: number | Promise<number>): Promise<number> {
  assert.ok(got instanceof Promise, `expected a promise, got ${String(got)}`);
  return got;
}

describe('StatusListCache', () => {
  test('a miss fetches and verifies; a fresh hit is synchronous (a number, not a promise)', async () => {
    const { server, cache, publish } = setup();
    publish();
    assert.equal(await miss(cache.statusOf(ref(7), ISS_A)), 1); // the revoked bit
    const hit = cache.statusOf(ref(8), ISS_A);
    assert.equal(typeof hit, 'number');
    assert.equal(hit, 0);
    assert.equal(cache.statusOf(ref(7), ISS_A), 1);
    assert.deepEqual(cache.stats, { hits: 2, fetches: 1 });
    assert.equal(server.calls, 1);
  });

  test('concurrent misses of one uri share one fetch', async () => {
    const { server, cache, publish } = setup();
    publish();
    const release = server.hold();
    const pending = [7, 1, 7].map((i) => miss(cache.statusOf(ref(i), ISS_A)));
    release();
    assert.deepEqual(await Promise.all(pending), [1, 0, 1]);
    assert.equal(server.calls, 1);
    assert.equal(cache.stats.fetches, 1);
  });

  test('a fetched token older than maxAge is ERR_VC_STATUS_STALE', async () => {
    const { clock, cache, publish } = setup(300);
    publish({ iat: clock.now - 301 });
    await assert.rejects(async () => cache.statusOf(ref(7), ISS_A), hasCode('ERR_VC_STATUS_STALE'));
    publish({ iat: clock.now - 300 });
    assert.equal(await cache.statusOf(ref(7), ISS_A), 1);
  });

  test('a fetch failure is ERR_VC_STATUS_UNAVAILABLE, also once the cached list has gone stale', async () => {
    const { server, clock, cache, publish } = setup(300);
    await assert.rejects(
      async () => cache.statusOf(ref(7), ISS_A),
      hasCode('ERR_VC_STATUS_UNAVAILABLE'),
    );
    publish();
    assert.equal(await cache.statusOf(ref(7), ISS_A), 1);
    server.tokens.clear();
    clock.now += 301;
    await assert.rejects(
      async () => cache.statusOf(ref(7), ISS_A),
      hasCode('ERR_VC_STATUS_UNAVAILABLE'),
    );
    await assert.rejects(
      async () => cache.statusOf(ref(7), ISS_A),
      hasCode('ERR_VC_STATUS_UNAVAILABLE'),
    );
  });

  test('refetches after maxAge and sees a newly revoked bit', async () => {
    const { server, clock, cache, publish } = setup(300);
    publish();
    assert.equal(await cache.statusOf(ref(9), ISS_A), 0);
    clock.now += 300;
    assert.equal(cache.statusOf(ref(9), ISS_A), 0); // still fresh: now - iat = maxAge
    publish({ status_list: listWith([7, 9]).encode() });
    clock.now += 1;
    assert.equal(await miss(cache.statusOf(ref(9), ISS_A)), STATUS_INVALID);
    assert.equal(server.calls, 2);
  });

  test('a token ttl or exp shortens the cache life', async () => {
    const { server, clock, cache, publish } = setup(300);
    publish({ ttl: 10 });
    await cache.statusOf(ref(1), ISS_A);
    clock.now += 9;
    assert.equal(typeof cache.statusOf(ref(1), ISS_A), 'number');
    clock.now += 1;
    publish({ exp: clock.now + 5 });
    assert.equal(await cache.statusOf(ref(1), ISS_A), 0);
    clock.now += 5;
    publish();
    assert.equal(await miss(cache.statusOf(ref(1), ISS_A)), 0);
    assert.equal(server.calls, 3);
  });

  test('a token of another issuer is ERR_VC_STATUS_BAD_TOKEN', async () => {
    const { cache, publish } = setup();
    publish({}, signerB); // iss claim A, signed with B's key
    await assert.rejects(
      async () => cache.statusOf(ref(7), ISS_A),
      hasCode('ERR_VC_STATUS_BAD_TOKEN'),
    );
    publish({ iss: ISS_B }, signerB); // B's own list, but the credential names issuer A
    await assert.rejects(
      async () => cache.statusOf(ref(7), ISS_A),
      hasCode('ERR_VC_STATUS_BAD_TOKEN'),
    );
    publish({ iss: undefined }, signerA); // A's list without iss, checked against B's key
    await assert.rejects(
      async () => cache.statusOf(ref(7), ISS_B),
      hasCode('ERR_VC_STATUS_BAD_TOKEN'),
    );
    assert.equal(await cache.statusOf(ref(7), ISS_A), 1);
    // A's cached list does not answer for B.
    await assert.rejects(
      async () => cache.statusOf(ref(7), ISS_B),
      hasCode('ERR_VC_STATUS_BAD_TOKEN'),
    );
  });

  test('a token for another list (sub ≠ uri) is ERR_VC_STATUS_BAD_TOKEN', async () => {
    const { cache, publish } = setup();
    publish({ sub: `${URI}/other` });
    await assert.rejects(
      async () => cache.statusOf(ref(7), ISS_A),
      hasCode('ERR_VC_STATUS_BAD_TOKEN'),
    );
  });

  test('an index outside the list: a synchronous throw on a hit, a rejection on a miss', async () => {
    const { cache, publish } = setup();
    publish();
    await assert.rejects(
      async () => cache.statusOf(ref(1 << 20), ISS_A),
      hasCode('ERR_VC_STATUS_INDEX'),
    );
    assert.throws(() => cache.statusOf(ref(-1), ISS_A), hasCode('ERR_VC_STATUS_INDEX'));
  });

  test('invalidate drops the cached list and any fetch in flight', async () => {
    const { server, cache, publish } = setup();
    publish();
    await cache.statusOf(ref(7), ISS_A);
    cache.invalidate(URI);
    const release = server.hold();
    const dropped = miss(cache.statusOf(ref(7), ISS_A));
    cache.invalidate();
    const fresh = miss(cache.statusOf(ref(7), ISS_A)); // not joined to the dropped fetch
    assert.equal(server.calls, 3);
    release();
    assert.deepEqual(await Promise.all([dropped, fresh]), [1, 1]);
    assert.equal(typeof cache.statusOf(ref(7), ISS_A), 'number');
    assert.equal(server.calls, 3);
  });
});
