/**
 * did:rdid resolution: current, by versionId and by versionTime (with its boundaries), DID
 * document metadata, and every answer of the HTTP(S) binding of W3C DID Resolution
 * `GET /1.0/identifiers/{did-url}` (statuses, bodies, content types without charset, Accept
 * negotiation, proofs, RFC 9457 problem details), DID URL dereferencing (fragments, services,
 * relativeRef, 303), plus did:key. Every answer is also checked against the route's response schema.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { decodeMultikey, fromHex, toBase64url, toHex } from '../../src/crypto/index.ts';
import {
  DID_CONTEXT,
  DID_ERROR_BASE,
  DID_ERROR_TYPES,
  MEDIA,
  negotiate,
  OFFERS,
  parseRdid,
  planCreate,
  planDeactivate,
  planRotate,
  planUpdate,
  renderResolution,
  RESOLUTION_CONTEXT,
  resolveDidKey,
  resolveRdid,
  type DidErrorType,
  type ResolveOptions,
} from '../../src/did/index.ts';
import { isAppError, type ErrorCode } from '../../src/errors.ts';
import { checkStateProof, type SignedCheckpoint, type StateProof } from '../../src/ledger/index.ts';
import { trustFromGenesis, verifySignedCheckpoint } from '../../src/sdk/index.ts';
import { T0 } from '../helpers/ledger.ts';
import {
  appOf,
  getIdentifier,
  openDidLedger,
  testSeed,
  type DidLedger,
  type IdentifierAnswer,
} from './_helpers.ts';

const HOUR = 3_600_000;
const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
const SERVICE = { id: 'home', type: 'LinkedDomains', serviceEndpoint: 'https://example.org/' };
/** The W3C did:key test vector (did:key v0.7): the Ed25519 key of the all-zero seed. */
const DID_KEY_VECTOR = 'did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp';

// DID A: created at +1h, service added at +2h, key rotated at +3h (3 versions, active).
const A1 = T0 + 1 * HOUR;
const A2 = T0 + 2 * HOUR;
const A3 = T0 + 3 * HOUR;
// DID B: created at +4h, updated at +5h, deactivated at +6h.
const B1 = T0 + 4 * HOUR;
const B2 = T0 + 5 * HOUR;
const B3 = T0 + 6 * HOUR;
// DID C: block times with milliseconds; versions 2 and 3 fall in the same second.
const C1 = T0 + 7 * HOUR + 250;
const C2 = T0 + 7 * HOUR + 1_500;
const C3 = T0 + 7 * HOUR + 1_750;

let l: DidLedger;
let app: FastifyInstance;
let A: string;
let B: string;
let C: string;
/** A valid did:rdid that is not on the ledger. */
let GHOST: string;

before(async () => {
  l = openDidLedger();
  app = await appOf(l);
  const at = (t: number): void => {
    l.ledger.clock.now = t;
  };
  const seedA = testSeed('resolve A');
  const seedB = testSeed('resolve B');
  const seedC = testSeed('resolve C');
  const a = planCreate(seedA);
  const b = planCreate(seedB);
  const c = planCreate(seedC);
  [A, B, C, GHOST] = [a.did, b.did, c.did, planCreate(testSeed('resolve ghost')).did];
  at(A1);
  await l.commit(a);
  at(A2);
  await l.commit(planUpdate(seedA, l.record(A), 0, [{ op: 'add-service', service: SERVICE }]));
  at(A3);
  await l.commit(planRotate(seedA, l.record(A), 0, 1));
  at(B1);
  await l.commit(b);
  at(B2);
  await l.commit(planUpdate(seedB, l.record(B), 0, [{ op: 'add-service', service: SERVICE }]));
  at(B3);
  await l.commit(planDeactivate(seedB, l.record(B), 0));
  at(C1);
  await l.commit(c);
  at(C2);
  await l.commit(planUpdate(seedC, l.record(C), 0, [{ op: 'add-service', service: SERVICE }]));
  at(C3);
  await l.commit(planUpdate(seedC, l.record(C), 0, [{ op: 'remove-service', id: 'home' }]));
});

after(async () => {
  await app.close();
  await l.close();
});

/** Resolves in ledger state and returns `[version, next version]` numbers. */
function versionsOf(did: string, options: ResolveOptions): [number, number | undefined] {
  const r = resolveRdid(l.ledger.node.chain.state, did, options);
  return [r.record.version, r.next?.version];
}

/** Asserts a Content-Type header: exactly the registered media type, with no charset parameter. */
function assertContentType(actual: string, media: string): void {
  assert.equal(actual, media);
  assert.doesNotMatch(actual, /charset/i);
}

function assertThrowsCode(fn: () => unknown, code: ErrorCode): void {
  assert.throws(
    fn,
    (err) => isAppError(err, code) || assert.fail(`expected ${code}, got ${String(err)}`),
  );
}

describe('resolveRdid', () => {
  test('current, by versionId, and the records it reads', () => {
    const state = l.ledger.node.chain.state;
    const id = parseRdid(A);
    const cur = resolveRdid(state, A);
    assert.equal(cur.record.version, 3);
    assert.equal(cur.next, undefined);
    assert.deepEqual(cur.stateKeys, [`did/doc/${id}`]);
    const v1 = resolveRdid(state, A, { versionId: '1' });
    assert.deepEqual([v1.record.version, v1.next?.version], [1, 2]);
    assert.deepEqual(v1.stateKeys, [`did/ver/${id}/1`, `did/ver/${id}/2`]);
    const v2 = resolveRdid(state, A, { versionId: '2' });
    assert.deepEqual(
      v2.stateKeys,
      [`did/ver/${id}/2`, `did/doc/${id}`],
      'the successor of the last historical version is the current record',
    );
    assert.deepEqual(versionsOf(A, { versionId: '3' }), [3, undefined]);
    assertThrowsCode(() => resolveRdid(state, A, { versionId: '4' }), 'ERR_DID_VERSION_NOT_FOUND');
    for (const bad of ['0', '01', '-1', '1.0', 'x', '', '1e3', '9999999999999999']) {
      assertThrowsCode(() => resolveRdid(state, A, { versionId: bad }), 'ERR_DID_INVALID_OPTIONS');
    }
    assertThrowsCode(() => resolveRdid(state, GHOST), 'ERR_DID_NOT_FOUND');
    // Malformed options are invalid even for an unknown DID.
    assertThrowsCode(
      () => resolveRdid(state, GHOST, { versionId: 'x' }),
      'ERR_DID_INVALID_OPTIONS',
    );
    assertThrowsCode(
      () => resolveRdid(state, GHOST, { versionTime: 'x' }),
      'ERR_DID_INVALID_OPTIONS',
    );
    assertThrowsCode(() => resolveRdid(state, 'did:rdid:xyz'), 'ERR_DID_INVALID');
  });

  test('by versionTime: before creation, exactly at each update, between updates, far future', () => {
    const state = l.ledger.node.chain.state;
    assertThrowsCode(
      () => resolveRdid(state, A, { versionTime: iso(A1 - 1000) }),
      'ERR_DID_VERSION_NOT_FOUND',
    );
    assertThrowsCode(
      () => resolveRdid(state, A, { versionTime: '1970-01-01T00:00:00Z' }),
      'ERR_DID_VERSION_NOT_FOUND',
    );
    assert.deepEqual(versionsOf(A, { versionTime: iso(A1) }), [1, 2], 'exactly at creation');
    assert.deepEqual(
      versionsOf(A, { versionTime: new Date(A1 + 1).toISOString() }),
      [1, 2],
      'with milliseconds',
    );
    assert.deepEqual(
      versionsOf(A, { versionTime: iso(A2 - 1000) }),
      [1, 2],
      'a second before the update',
    );
    assert.deepEqual(
      versionsOf(A, { versionTime: new Date(A2 - 1).toISOString() }),
      [1, 2],
      'a millisecond before the update',
    );
    assert.deepEqual(versionsOf(A, { versionTime: iso(A2) }), [2, 3], 'exactly at the update');
    assert.deepEqual(versionsOf(A, { versionTime: iso(A2 + HOUR / 2) }), [2, 3]);
    assert.deepEqual(
      versionsOf(A, { versionTime: iso(A3) }),
      [3, undefined],
      'exactly at the last update: current',
    );
    assert.deepEqual(
      versionsOf(A, { versionTime: '9999-12-31T23:59:59Z' }),
      [3, undefined],
      'far future: current',
    );
    // A deactivated DID resolves at any time after creation, to the deactivated record at the end.
    assert.deepEqual(versionsOf(B, { versionTime: iso(B2) }), [2, 3]);
    assert.deepEqual(versionsOf(B, { versionTime: iso(B3) }), [3, undefined]);
  });

  test('versionTime compares with published (whole-second) times: resolving at a version\'s "updated" gives that version', () => {
    // C's versions 2 and 3 were written at .500 and .750 of the same second, version 1 at .250.
    const meta = (options: ResolveOptions): Record<string, unknown> =>
      renderResolution(resolveRdid(l.ledger.node.chain.state, C, options), false)
        .didDocumentMetadata;
    const v1 = meta({ versionId: '1' });
    assert.equal(v1.created, iso(C1));
    assert.deepEqual(
      versionsOf(C, { versionTime: v1.created }),
      [1, 2],
      'at the published creation time',
    );
    const v2 = meta({ versionId: '2' });
    assert.equal(v2.updated, iso(C2));
    assert.equal(v2.updated, iso(C3), 'same second');
    // Both versions are published at the same second: that second resolves to the later one.
    assert.deepEqual(versionsOf(C, { versionTime: v2.updated }), [3, undefined]);
    assert.deepEqual(versionsOf(C, { versionTime: iso(C2 - 1000) }), [1, 2]);
    assertThrowsCode(
      () => resolveRdid(l.ledger.node.chain.state, C, { versionTime: iso(C1 - 1000) }),
      'ERR_DID_VERSION_NOT_FOUND',
    );
  });

  test('malformed versionTime values are ERR_DID_INVALID_OPTIONS', () => {
    const state = l.ledger.node.chain.state;
    for (const bad of [
      'yesterday',
      '2026-01-01',
      '2026-01-01T00:00:00',
      '2026-01-01T00:00:00+08:00',
      '2026-01-01 00:00:00Z',
      '2026-02-30T00:00:00Z',
      '2026-13-01T00:00:00Z',
      '2026-01-01T24:00:00Z',
      '2026-01-01T00:60:00Z',
      '2026-01-01T00:00:00.1234Z',
      '',
    ]) {
      assertThrowsCode(
        () => resolveRdid(state, A, { versionTime: bad }),
        'ERR_DID_INVALID_OPTIONS',
      );
    }
  });
});

describe('DID document metadata', () => {
  const meta = (did: string, options: ResolveOptions = {}): Record<string, unknown> =>
    renderResolution(resolveRdid(l.ledger.node.chain.state, did, options), true)
      .didDocumentMetadata;

  test('current version: created, updated, versionId, deactivated; no next', () => {
    assert.deepEqual(meta(A), {
      created: iso(A1),
      updated: iso(A3),
      versionId: '3',
      deactivated: false,
    });
    assert.deepEqual(meta(B), {
      created: iso(B1),
      updated: iso(B3),
      versionId: '3',
      deactivated: true,
    });
  });

  test('historical versions carry nextUpdate and nextVersionId; "updated" is omitted before the first update (DID Core §7.1.3)', () => {
    assert.deepEqual(meta(A, { versionId: '1' }), {
      created: iso(A1),
      versionId: '1',
      deactivated: false,
      nextUpdate: iso(A2),
      nextVersionId: '2',
    });
    assert.deepEqual(meta(A, { versionId: '2' }), {
      created: iso(A1),
      updated: iso(A2),
      versionId: '2',
      deactivated: false,
      nextUpdate: iso(A3),
      nextVersionId: '3',
    });
    assert.deepEqual(meta(B, { versionTime: iso(B2) }), {
      created: iso(B1),
      updated: iso(B2),
      versionId: '2',
      deactivated: false,
      nextUpdate: iso(B3),
      nextVersionId: '3',
    });
    for (const v of Object.values(meta(A, { versionId: '2' }))) {
      if (typeof v === 'string' && v.includes('T'))
        assert.match(
          v,
          /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/,
          'XML dateTime, UTC, no fractions',
        );
    }
  });
});

/** The proof the node attached (the one item of the metadata's proof set), checked against the node's own signed checkpoint. */
function checkedProof(body: Record<string, any>): {
  checkpoint: SignedCheckpoint;
  stateProofs: StateProof[];
} {
  const proofs = (body.didResolutionMetadata ?? body.dereferencingMetadata).proof as {
    checkpoint: SignedCheckpoint;
    stateProofs: StateProof[];
  }[];
  assert.ok(
    Array.isArray(proofs) && proofs.length === 1,
    'a set of one proof is attached (DID Resolution §4.2)',
  );
  const proof = proofs[0]!;
  const cp = verifySignedCheckpoint(proof.checkpoint, trustFromGenesis(l.ledger.genesis));
  assert.equal(cp.height, l.ledger.node.chain.head.height);
  for (const p of proof.stateProofs) checkStateProof(p, fromHex(cp.stateRoot));
  return proof;
}

describe('GET /1.0/identifiers/{did}: 200', () => {
  test('a full resolution result for application/did-resolution, the ld+json profile, */* and no Accept', async () => {
    for (const accept of [
      MEDIA.resolution,
      MEDIA.resolutionLd,
      '*/*',
      undefined,
      'application/*',
      'text/html;q=0.9, application/did-resolution',
    ]) {
      const r = await getIdentifier(app, A, accept === undefined ? {} : { accept });
      assert.equal(r.status, 200, String(accept));
      // The ld+json profile is answered in the type it asked for; everything else as did-resolution.
      assertContentType(
        r.contentType,
        accept === MEDIA.resolutionLd ? MEDIA.resolutionLd : MEDIA.resolution,
      );
      assert.deepEqual(Object.keys(r.body).sort(), [
        '@context',
        'didDocument',
        'didDocumentMetadata',
        'didResolutionMetadata',
      ]);
      assert.equal(r.body['@context'], RESOLUTION_CONTEXT);
      assert.deepEqual(r.body.didDocument['@context'], DID_CONTEXT);
      assert.equal(r.body.didDocument.id, A);
      assert.deepEqual(r.body.didDocumentMetadata, {
        created: iso(A1),
        updated: iso(A3),
        versionId: '3',
        deactivated: false,
      });
      assert.equal(r.body.didResolutionMetadata.contentType, MEDIA.didLdJson);
      const proof = checkedProof(r.body);
      assert.deepEqual(
        proof.stateProofs.map((p) => p.key),
        [`did/doc/${parseRdid(A)}`],
      );
      const expected = renderResolution(resolveRdid(l.ledger.node.chain.state, A), true);
      assert.deepEqual(r.body.didDocument, expected.didDocument);
      assert.deepEqual(
        JSON.parse(proof.stateProofs[0]!.value!),
        l.record(A),
        'the proven value is the record',
      );
    }
  });

  test('a bare document: application/did+ld+json with @context, application/did+json without; no proof', async () => {
    const full = await getIdentifier(app, A);
    assert.equal(
      full.body.didResolutionMetadata.contentType,
      MEDIA.didLdJson,
      'the media type of the document in the result',
    );
    const ld = await getIdentifier(app, A, { accept: MEDIA.didLdJson });
    // DID Resolution §12.1: the Content-Type of a returned document is the contentType the resolution reports.
    assert.equal(ld.contentType, full.body.didResolutionMetadata.contentType);
    assert.equal(ld.status, 200);
    assertContentType(ld.contentType, MEDIA.didLdJson);
    assert.deepEqual(
      ld.body,
      renderResolution(resolveRdid(l.ledger.node.chain.state, A), true).didDocument,
    );
    assert.deepEqual(ld.body['@context'], DID_CONTEXT);
    for (const accept of [
      MEDIA.didJson,
      'application/json',
      'text/html, application/did+json;q=0.1',
    ]) {
      const plain = await getIdentifier(app, A, { accept });
      assert.equal(plain.status, 200);
      assertContentType(plain.contentType, MEDIA.didJson);
      assert.equal('@context' in plain.body, false);
      assert.equal(plain.body.didResolutionMetadata, undefined);
      assert.deepEqual(
        plain.body,
        renderResolution(resolveRdid(l.ledger.node.chain.state, A), false).didDocument,
      );
    }
  });

  test('versionId and versionTime, as query or as DID parameters, with the proofs of the record and its successor', async () => {
    const id = parseRdid(A);
    const cases: [Parameters<typeof getIdentifier>[2] & object, string, string][] = [
      [{ query: { versionId: '1' } }, A, '1'],
      [{}, `${A}?versionId=1`, '1'],
      [{ query: { versionTime: iso(A2) } }, A, '2'],
      [{}, `${A}?versionTime=${iso(A2)}`, '2'],
    ];
    for (const [options, didUrl, version] of cases) {
      const r = await getIdentifier(app, didUrl, options);
      assert.equal(r.status, 200, didUrl);
      assert.equal(r.body.didDocumentMetadata.versionId, version);
      assert.equal(r.body.didDocumentMetadata.nextVersionId, String(Number(version) + 1));
      const keys = checkedProof(r.body).stateProofs.map((p) => p.key);
      assert.deepEqual(
        keys,
        version === '1'
          ? [`did/ver/${id}/1`, `did/ver/${id}/2`]
          : [`did/ver/${id}/2`, `did/doc/${id}`],
      );
    }
    const v1 = await getIdentifier(app, A, { query: { versionId: '1' } });
    assert.equal(
      v1.body.didDocument.verificationMethod[0].id,
      `${A}#key-0`,
      'the key of version 1',
    );
    assert.equal(v1.body.didDocument.service, undefined);
    const far = await getIdentifier(app, A, { query: { versionTime: '9999-12-31T23:59:59Z' } });
    assert.equal(far.status, 200);
    assert.equal(far.body.didDocumentMetadata.versionId, '3');
    assert.equal(far.body.didDocumentMetadata.nextVersionId, undefined);
  });

  test('the unencoded DID in the path works too', async () => {
    const r = await getIdentifier(app, A, { encode: false });
    assert.equal(r.status, 200);
    assert.equal(r.body.didDocument.id, A);
  });

  test('omits an empty verification relationship (DID Core §5.3): no capabilityDelegation', async () => {
    for (const accept of [MEDIA.resolution, MEDIA.didJson]) {
      const r = await getIdentifier(app, A, { accept });
      const doc = accept === MEDIA.resolution ? r.body.didDocument : r.body;
      assert.equal('capabilityDelegation' in doc, false);
      for (const rel of ['authentication', 'assertionMethod', 'capabilityInvocation'])
        assert.ok(doc[rel].length > 0, rel);
    }
  });
});

/**
 * Asserts a failed result: `didDocument: null` (or `content: null`), empty document metadata, and
 * `error`, an RFC 9457 problem details object of the registered type, the only other member
 * being an optional proof.
 */
function assertErrorBody(
  r: IdentifierAnswer,
  status: number,
  type: DidErrorType,
  code: ErrorCode,
  form: 'resolution' | 'dereferencing' = 'resolution',
): void {
  assert.equal(r.status, status, JSON.stringify(r.body).slice(0, 300));
  let m: Record<string, any>;
  if (form === 'resolution') {
    assertContentType(r.contentType, MEDIA.resolution);
    assert.deepEqual(Object.keys(r.body), [
      '@context',
      'didDocument',
      'didResolutionMetadata',
      'didDocumentMetadata',
    ]);
    assert.equal(r.body['@context'], RESOLUTION_CONTEXT);
    assert.equal(r.body.didDocument, null);
    assert.deepEqual(r.body.didDocumentMetadata, {});
    m = r.body.didResolutionMetadata;
  } else {
    assertContentType(r.contentType, MEDIA.dereferencing);
    assert.deepEqual(Object.keys(r.body), ['content', 'dereferencingMetadata', 'contentMetadata']);
    assert.equal(r.body.content, null);
    assert.deepEqual(r.body.contentMetadata, {});
    m = r.body.dereferencingMetadata;
  }
  assert.ok(
    Object.keys(m).every((k) => k === 'error' || k === 'proof'),
    `no keyword string beside the error object: ${Object.keys(m).join(', ')}`,
  );
  assert.deepEqual(Object.keys(m.error), ['type', 'title', 'detail', 'code']);
  assert.equal(m.error.type, `${DID_ERROR_BASE}${type}`);
  assert.equal(m.error.type, `https://www.w3.org/ns/did#${type}`);
  assert.equal(m.error.title, DID_ERROR_TYPES[type].title);
  assert.equal(m.error.code, code);
  assert.equal(typeof m.error.detail, 'string');
  assert.ok(m.error.detail.length > 0);
}

describe('GET /1.0/identifiers/{did}: errors', () => {
  test('400 INVALID_DID: malformed DIDs', async () => {
    const id = parseRdid(A);
    const malformed = [
      'did:rdid:xyz',
      `did:rdid:${'0'.repeat(44)}`, // not base58
      `did:rdid:${'z'.repeat(44)}`, // 33 bytes
      `did:rdid:${id.slice(0, 20)}`,
      'did:rdid:',
      `DID:rdid:${id}`,
      `did:RDID:${id}`,
      'not-a-did',
      `did:rdid:${id}:extra`,
      'did:a::',
    ];
    for (const did of malformed) {
      const r = await getIdentifier(app, did);
      assertErrorBody(r, 400, 'INVALID_DID', 'ERR_DID_INVALID');
      assert.equal(r.body.didResolutionMetadata.proof, undefined);
    }
    // A malformed DID inside a DID URL that names a resource: a dereferencing result.
    assertErrorBody(
      await getIdentifier(app, 'did:rdid:xyz#key-0'),
      400,
      'INVALID_DID',
      'ERR_DID_INVALID',
      'dereferencing',
    );
  });

  test('400 INVALID_DID_URL: a DID URL that does not parse (a parameter twice, bad fragment characters), relativeRef without service or not relative', async () => {
    for (const url of [`${A}?versionId=1&versionId=2`, `${A}#key 0`, `${A}#%zz`, `${A}/a b`]) {
      assertErrorBody(await getIdentifier(app, url), 400, 'INVALID_DID_URL', 'ERR_DID_INVALID_URL');
      assertErrorBody(
        await getIdentifier(app, url, { accept: MEDIA.dereferencing }),
        400,
        'INVALID_DID_URL',
        'ERR_DID_INVALID_URL',
        'dereferencing',
      );
    }
    for (const url of [
      `${A}?relativeRef=%2Fx`,
      `${A}?service=home&relativeRef=${encodeURIComponent('https://evil.example/')}`,
      `${A}?service=home&relativeRef=${encodeURIComponent('//evil.example/x')}`,
      `${A}?service=`,
    ]) {
      assertErrorBody(
        await getIdentifier(app, url, { accept: MEDIA.uriList }),
        400,
        'INVALID_DID_URL',
        'ERR_DID_INVALID_URL',
      );
    }
  });

  test('400 INVALID_OPTIONS: bad versionId and versionTime, or both (also for an unknown DID)', async () => {
    const badQueries: Record<string, string>[] = [
      { versionId: '0' },
      { versionId: 'abc' },
      { versionId: '1.5' },
      { versionTime: 'yesterday' },
      { versionTime: '2026-02-30T00:00:00Z' },
      { versionId: '1', versionTime: iso(A2) },
    ];
    for (const query of badQueries) {
      assertErrorBody(
        await getIdentifier(app, A, { query }),
        400,
        'INVALID_OPTIONS',
        'ERR_DID_INVALID_OPTIONS',
      );
      assertErrorBody(
        await getIdentifier(app, GHOST, { query }),
        400,
        'INVALID_OPTIONS',
        'ERR_DID_INVALID_OPTIONS',
      );
    }
    assertErrorBody(
      await getIdentifier(app, `${A}?versionId=1&versionTime=${iso(A2)}`),
      400,
      'INVALID_OPTIONS',
      'ERR_DID_INVALID_OPTIONS',
    );
  });

  test('501 FEATURE_NOT_SUPPORTED: options and DID parameters this resolver does not know', async () => {
    for (const query of [
      { format: 'json' },
      { versionId: '1', transform: 'x' },
      { serviceType: 'LinkedDomains' },
    ] as Record<string, string>[]) {
      assertErrorBody(
        await getIdentifier(app, A, { query }),
        501,
        'FEATURE_NOT_SUPPORTED',
        'ERR_DID_FEATURE_NOT_SUPPORTED',
      );
      assertErrorBody(
        await getIdentifier(app, GHOST, { query }),
        501,
        'FEATURE_NOT_SUPPORTED',
        'ERR_DID_FEATURE_NOT_SUPPORTED',
      );
    }
    assertErrorBody(
      await getIdentifier(app, `${A}?transformKey=JsonWebKey`),
      501,
      'FEATURE_NOT_SUPPORTED',
      'ERR_DID_FEATURE_NOT_SUPPORTED',
    );
  });

  test('404 notFound for an unknown DID, with a proof of its absence', async () => {
    const queries: { query?: Record<string, string> }[] = [
      {},
      { query: { versionId: '1' } },
      { query: { versionTime: iso(A1) } },
    ];
    for (const options of queries) {
      const r = await getIdentifier(app, GHOST, options);
      assertErrorBody(r, 404, 'NOT_FOUND', 'ERR_DID_NOT_FOUND');
      const proof = checkedProof(r.body);
      assert.equal(proof.stateProofs.length, 1);
      assert.equal(proof.stateProofs[0]!.key, `did/doc/${parseRdid(GHOST)}`);
      assert.equal(proof.stateProofs[0]!.value, null, 'a proof of absence');
    }
  });

  test('404 notFound for an unknown version (by id or before creation), without proof', async () => {
    const queries: Record<string, string>[] = [
      { versionId: '4' },
      { versionId: '99' },
      { versionTime: iso(A1 - 1000) },
    ];
    for (const query of queries) {
      const r = await getIdentifier(app, A, { query });
      assertErrorBody(r, 404, 'NOT_FOUND', 'ERR_DID_VERSION_NOT_FOUND');
      assert.equal(r.body.didResolutionMetadata.proof, undefined);
    }
  });

  test('406 REPRESENTATION_NOT_SUPPORTED for Accept: text/html (and other unknown types, text/uri-list for a DID)', async () => {
    for (const accept of [
      'text/html',
      'application/xml',
      'application/did+cbor',
      'application/did+json;q=0',
      MEDIA.uriList,
    ]) {
      assertErrorBody(
        await getIdentifier(app, A, { accept }),
        406,
        'REPRESENTATION_NOT_SUPPORTED',
        'ERR_DID_REPRESENTATION_NOT_SUPPORTED',
      );
    }
    assertErrorBody(
      await getIdentifier(app, DID_KEY_VECTOR, { accept: 'text/html' }),
      406,
      'REPRESENTATION_NOT_SUPPORTED',
      'ERR_DID_REPRESENTATION_NOT_SUPPORTED',
    );
  });

  test('410 for a deactivated DID, with the final document and metadata (and its proof)', async () => {
    const r = await getIdentifier(app, B);
    assert.equal(r.status, 410);
    assertContentType(r.contentType, MEDIA.resolution);
    assert.equal(r.body.didResolutionMetadata.error, undefined);
    assert.deepEqual(r.body.didDocumentMetadata, {
      created: iso(B1),
      updated: iso(B3),
      versionId: '3',
      deactivated: true,
    });
    assert.equal(r.body.didDocument.id, B);
    assert.deepEqual(
      r.body.didDocument.service,
      [{ ...SERVICE, id: `${B}#home` }],
      'the final document',
    );
    assert.equal(JSON.parse(checkedProof(r.body).stateProofs[0]!.value!).deactivated, true);
    // The same with a time after deactivation, and as a bare document.
    assert.equal(
      (await getIdentifier(app, B, { query: { versionTime: '9999-12-31T23:59:59Z' } })).status,
      410,
    );
    const bare = await getIdentifier(app, B, { accept: MEDIA.didJson });
    assert.equal(bare.status, 410);
    assertContentType(bare.contentType, MEDIA.didJson);
    assert.equal(bare.body.id, B);
    // Earlier versions are still served with 200.
    const v2 = await getIdentifier(app, B, { query: { versionId: '2' } });
    assert.equal(v2.status, 200);
    assert.deepEqual(v2.body.didDocumentMetadata, {
      created: iso(B1),
      updated: iso(B2),
      versionId: '2',
      deactivated: false,
      nextUpdate: iso(B3),
      nextVersionId: '3',
    });
  });

  test('501 METHOD_NOT_SUPPORTED for other methods', async () => {
    for (const did of [
      'did:web:example.com',
      'did:ethr:0xb9c5714089478a327f09197987f16f9e5d936e8a',
      'did:example:123456789abcdefghi',
    ]) {
      assertErrorBody(
        await getIdentifier(app, did),
        501,
        'METHOD_NOT_SUPPORTED',
        'ERR_DID_METHOD_NOT_SUPPORTED',
      );
    }
    assertErrorBody(
      await getIdentifier(app, 'did:web:example.com#key-1'),
      501,
      'METHOD_NOT_SUPPORTED',
      'ERR_DID_METHOD_NOT_SUPPORTED',
      'dereferencing',
    );
  });

  test('500 INTERNAL_ERROR for an unexpected failure, as a resolution result', async () => {
    const { resolveForHttp } = await import('../../src/did/index.ts');
    const broken = {
      get: (): string => {
        throw new Error('disk on fire');
      },
    };
    const seen: unknown[] = [];
    const answer = resolveForHttp(broken, A, undefined, {}, undefined, (err) => seen.push(err));
    assert.equal(seen.length, 1, 'handed to the caller to log');
    const body = JSON.parse(answer.body) as Record<string, any>;
    assert.equal(answer.status, 500);
    assert.deepEqual(body.didResolutionMetadata.error.type, `${DID_ERROR_BASE}INTERNAL_ERROR`);
    assert.doesNotMatch(
      body.didResolutionMetadata.error.detail,
      /disk on fire/,
      'no internals in the answer',
    );
    assert.throws(
      () => resolveForHttp(broken, A, undefined),
      /disk on fire/,
      'thrown without a handler',
    );
  });
});

describe('did:key', () => {
  test('the W3C did:key Ed25519 test vector resolves to its Multikey', async () => {
    const mk = DID_KEY_VECTOR.slice('did:key:'.length);
    const vmId = `${DID_KEY_VECTOR}#${mk}`;
    const doc = resolveDidKey(DID_KEY_VECTOR, true);
    assert.deepEqual(doc, {
      '@context': DID_CONTEXT,
      id: DID_KEY_VECTOR,
      controller: DID_KEY_VECTOR,
      verificationMethod: [
        {
          id: vmId,
          type: 'Multikey',
          controller: DID_KEY_VECTOR,
          publicKeyMultibase: 'z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp',
        },
      ],
      authentication: [vmId],
      assertionMethod: [vmId],
      capabilityInvocation: [vmId],
      capabilityDelegation: [vmId],
    });
    // The raw key is the one the did:key spec gives as JWK "x" (the RFC 8032 zero-seed key).
    const raw = decodeMultikey(mk);
    assert.equal(toHex(raw), '3b6a27bcceb6a42d62a3a8d02a6f0d73653215771de243a63ac048a18b59da29');
    assert.equal(toBase64url(raw), 'O2onvM62pC1io6jQKm8Nc2UyFXcd4kOmOsBIoYtZ2ik');

    const r = await getIdentifier(app, DID_KEY_VECTOR);
    assert.equal(r.status, 200);
    assertContentType(r.contentType, MEDIA.resolution);
    assert.deepEqual(r.body, {
      '@context': RESOLUTION_CONTEXT,
      didDocument: doc,
      didResolutionMetadata: { contentType: MEDIA.didLdJson },
      didDocumentMetadata: {},
    });
    const plain = await getIdentifier(app, DID_KEY_VECTOR, { accept: MEDIA.didJson });
    assert.equal(plain.status, 200);
    assert.deepEqual(plain.body, resolveDidKey(DID_KEY_VECTOR, false));
    assert.equal('@context' in plain.body, false);
  });

  test('did:key errors: 400 INVALID_DID for keys it does not support, 501 FEATURE_NOT_SUPPORTED for a version', async () => {
    for (const did of [
      'did:key:zQ3shokFTS3brHcDQrn82RUDfCZESWL1ZdCEJwekUDPQiYBme', // secp256k1: not supported
      'did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooW', // one character short
      'did:key:z6LSbysY2xFMRpGMhb7tFTLMpeuPRaqaWM1yECx2AtzE3KCc', // X25519: not a signing key
    ]) {
      assertErrorBody(await getIdentifier(app, did), 400, 'INVALID_DID', 'ERR_DID_INVALID');
    }
    assertErrorBody(
      await getIdentifier(app, DID_KEY_VECTOR, { query: { versionId: '1' } }),
      501,
      'FEATURE_NOT_SUPPORTED',
      'ERR_DID_FEATURE_NOT_SUPPORTED',
    );
  });

  test('did:key DID URLs dereference to the key (and nothing else)', async () => {
    const mk = DID_KEY_VECTOR.slice('did:key:'.length);
    const r = await getIdentifier(app, `${DID_KEY_VECTOR}#${mk}`);
    assert.equal(r.status, 200);
    assertContentType(r.contentType, MEDIA.dereferencing);
    assert.deepEqual(r.body, {
      content: {
        '@context': DID_CONTEXT,
        ...resolveDidKey(DID_KEY_VECTOR, false).verificationMethod[0],
      },
      dereferencingMetadata: { contentType: MEDIA.didLdJson },
      contentMetadata: {},
    });
    assertErrorBody(
      await getIdentifier(app, `${DID_KEY_VECTOR}#other`),
      404,
      'NOT_FOUND',
      'ERR_DID_RESOURCE_NOT_FOUND',
      'dereferencing',
    );
  });
});

describe('GET /1.0/identifiers/{did-url}: DID URL dereferencing', () => {
  const e = encodeURIComponent;
  /** The current JSON-LD document of A and its metadata. */
  const current = (): { doc: Record<string, any>; meta: Record<string, unknown> } => {
    const r = renderResolution(resolveRdid(l.ledger.node.chain.state, A), true);
    return { doc: r.didDocument as Record<string, any>, meta: r.didDocumentMetadata };
  };

  test('a fragment gives the verification method: a dereferencing result with the proof of its record, or the bare method', async () => {
    const { doc, meta } = current();
    const vm = doc.verificationMethod[0];
    const fragment = vm.id.slice(vm.id.indexOf('#'));
    for (const accept of [
      undefined,
      MEDIA.dereferencing,
      '*/*',
      'text/html;q=0.9, application/did-url-dereferencing',
    ]) {
      const r = await getIdentifier(app, `${A}${fragment}`, accept === undefined ? {} : { accept });
      assert.equal(r.status, 200, String(accept));
      assertContentType(r.contentType, MEDIA.dereferencing);
      assert.deepEqual(Object.keys(r.body), [
        'content',
        'dereferencingMetadata',
        'contentMetadata',
      ]);
      assert.deepEqual(
        r.body.content,
        { '@context': DID_CONTEXT, ...vm },
        "the method, with the document's @context (DID Resolution §5.5.1)",
      );
      assert.deepEqual(r.body.contentMetadata, meta);
      assert.equal(r.body.dereferencingMetadata.contentType, MEDIA.didLdJson);
      const proof = checkedProof(r.body);
      assert.deepEqual(JSON.parse(proof.stateProofs[0]!.value!), l.record(A));
    }
    const ld = await getIdentifier(app, `${A}${fragment}`, { accept: MEDIA.didLdJson });
    assertContentType(ld.contentType, MEDIA.didLdJson);
    assert.deepEqual(ld.body, { '@context': DID_CONTEXT, ...vm });
    const plain = await getIdentifier(app, `${A}${fragment}`, { accept: MEDIA.didJson });
    assertContentType(plain.contentType, MEDIA.didJson);
    assert.deepEqual(plain.body, vm);
  });

  test('a fragment naming a service gives the service; a version picks the document it is read from', async () => {
    const service = await getIdentifier(app, `${A}#home`, { accept: MEDIA.didJson });
    assert.equal(service.status, 200);
    assert.deepEqual(service.body, { ...SERVICE, id: `${A}#home` });
    // key-0 was rotated out at version 3: gone now, there in version 1.
    assertErrorBody(
      await getIdentifier(app, `${A}#key-0`),
      404,
      'NOT_FOUND',
      'ERR_DID_RESOURCE_NOT_FOUND',
      'dereferencing',
    );
    const v1 = await getIdentifier(app, `${A}?versionId=1#key-0`);
    assert.equal(v1.status, 200);
    assert.equal(v1.body.content.id, `${A}#key-0`);
    assert.equal(v1.body.contentMetadata.versionId, '1');
    const id = parseRdid(A);
    assert.deepEqual(
      checkedProof(v1.body).stateProofs.map((p) => p.key),
      [`did/ver/${id}/1`, `did/ver/${id}/2`],
    );
    const byQuery = await getIdentifier(app, `${A}#key-0`, { query: { versionTime: iso(A2) } });
    assert.equal(byQuery.body.contentMetadata.versionId, '2');
  });

  test('a missing fragment is 404 NOT_FOUND, with the proof of the document that lacks it', async () => {
    for (const accept of [undefined, MEDIA.dereferencing, MEDIA.didJson]) {
      const r = await getIdentifier(app, `${A}#nope`, accept === undefined ? {} : { accept });
      assertErrorBody(r, 404, 'NOT_FOUND', 'ERR_DID_RESOURCE_NOT_FOUND', 'dereferencing');
      assert.deepEqual(
        JSON.parse(checkedProof(r.body).stateProofs[0]!.value!),
        l.record(A),
        'the proven record',
      );
    }
    // An unknown DID: the proof of its absence.
    const ghost = await getIdentifier(app, `${GHOST}#key-0`);
    assertErrorBody(ghost, 404, 'NOT_FOUND', 'ERR_DID_NOT_FOUND', 'dereferencing');
    assert.equal(checkedProof(ghost.body).stateProofs[0]!.value, null);
    // did:rdid defines no paths.
    assertErrorBody(
      await getIdentifier(app, `${A}/some/path`),
      404,
      'NOT_FOUND',
      'ERR_DID_RESOURCE_NOT_FOUND',
      'dereferencing',
    );
  });

  test('?service=… with relativeRef: 303 to the endpoint for text/uri-list (empty body), the document with only that service otherwise', async () => {
    const cases: [string, Parameters<typeof getIdentifier>[2], string][] = [
      [`${A}?service=home`, {}, 'https://example.org/'],
      [`${A}?service=home&relativeRef=${e('/resume.pdf')}`, {}, 'https://example.org/resume.pdf'],
      [
        `${A}?service=home&relativeRef=${e('/some/path?query')}#frag`,
        {},
        'https://example.org/some/path?query#frag',
      ],
      [`${A}?service=${e(`${A}#home`)}`, {}, 'https://example.org/'],
      [`${A}?service=${e('#home')}`, {}, 'https://example.org/'],
      // Unencoded in the request URL (DID Resolution example 25): the parameters arrive as the query.
      [
        A,
        { query: { service: 'home', relativeRef: '/resume.pdf' } },
        'https://example.org/resume.pdf',
      ],
    ];
    for (const [url, options, location] of cases) {
      const r = await getIdentifier(app, url, { ...options, accept: MEDIA.uriList });
      assert.equal(r.status, 303, url);
      assert.equal(r.location, location);
      assert.equal(r.text, '', 'the body is empty');
      assert.equal(r.contentType, 'undefined', 'no Content-Type for an empty body');
    }
    const { doc, meta } = current();
    for (const accept of [undefined, MEDIA.dereferencing]) {
      const full = await getIdentifier(
        app,
        `${A}?service=home&relativeRef=${e('/x')}`,
        accept === undefined ? {} : { accept },
      );
      assert.equal(full.status, 200);
      assertContentType(full.contentType, MEDIA.dereferencing);
      assert.deepEqual(
        full.body.content,
        { ...doc, service: [{ ...SERVICE, id: `${A}#home` }] },
        'DID Resolution §5.4.1: the document with the selected services',
      );
      assert.deepEqual(full.body.contentMetadata, meta);
      checkedProof(full.body);
    }
    const bare = await getIdentifier(app, `${A}?service=home`, { accept: MEDIA.didLdJson });
    assertContentType(bare.contentType, MEDIA.didLdJson);
    assert.deepEqual(bare.body.service, [{ ...SERVICE, id: `${A}#home` }]);
    assertErrorBody(
      await getIdentifier(app, `${A}?service=files`, { accept: MEDIA.uriList }),
      404,
      'NOT_FOUND',
      'ERR_DID_RESOURCE_NOT_FOUND',
      'dereferencing',
    );
    // A deactivated DID's services are gone.
    const gone = await getIdentifier(app, `${B}?service=home`, { accept: MEDIA.uriList });
    assert.equal(gone.status, 410);
    assert.equal(gone.location, undefined);
  });

  test('a plain DID with Accept: application/did-url-dereferencing is a dereferencing result of the document', async () => {
    const { doc, meta } = current();
    const r = await getIdentifier(app, A, { accept: MEDIA.dereferencing });
    assert.equal(r.status, 200);
    assertContentType(r.contentType, MEDIA.dereferencing);
    assert.deepEqual(r.body.content, doc);
    assert.deepEqual(r.body.contentMetadata, meta);
    assert.equal(r.body.dereferencingMetadata.contentType, MEDIA.didLdJson);
    const b = await getIdentifier(app, B, { accept: MEDIA.dereferencing });
    assert.equal(b.status, 410, 'deactivated: contentMetadata.deactivated is true');
    assert.equal(b.body.contentMetadata.deactivated, true);
    assertErrorBody(
      await getIdentifier(app, GHOST, { accept: MEDIA.dereferencing }),
      404,
      'NOT_FOUND',
      'ERR_DID_NOT_FOUND',
      'dereferencing',
    );
  });

  test('406 for a representation a DID URL does not have: a resolution result, or text/uri-list without service', async () => {
    for (const accept of [MEDIA.resolution, MEDIA.resolutionLd, MEDIA.uriList, 'text/html']) {
      assertErrorBody(
        await getIdentifier(app, `${A}#home`, { accept }),
        406,
        'REPRESENTATION_NOT_SUPPORTED',
        'ERR_DID_REPRESENTATION_NOT_SUPPORTED',
        'dereferencing',
      );
    }
  });

  test('every Content-Type is a registered media type without parameters (the JSON-LD profile aside)', async () => {
    const registered = new Set<string>([
      MEDIA.resolution,
      MEDIA.resolutionLd,
      MEDIA.dereferencing,
      MEDIA.didJson,
      MEDIA.didLdJson,
    ]);
    for (const url of [
      A,
      B,
      GHOST,
      `${A}#home`,
      `${A}#nope`,
      `${A}?service=home`,
      'did:web:x',
      DID_KEY_VECTOR,
      'not-a-did',
    ]) {
      for (const accept of [
        undefined,
        MEDIA.resolution,
        MEDIA.resolutionLd,
        MEDIA.dereferencing,
        MEDIA.didJson,
        MEDIA.didLdJson,
        'text/html',
      ]) {
        const r = await getIdentifier(app, url, accept === undefined ? {} : { accept });
        assert.ok(registered.has(r.contentType), `${url} (Accept ${accept}): ${r.contentType}`);
      }
    }
  });
});

describe('negotiate', () => {
  test('maps Accept headers to the representations offered for DID URLs', () => {
    const cases: [
      string | undefined,
      readonly ReturnType<typeof negotiate>[],
      ReturnType<typeof negotiate>,
    ][] = [
      [undefined, OFFERS.resource, 'dereferencing'],
      ['*/*', OFFERS.service, 'dereferencing'],
      [MEDIA.uriList, OFFERS.service, 'uri-list'],
      [MEDIA.uriList, OFFERS.resource, undefined],
      [MEDIA.resolution, OFFERS.resource, undefined],
      [`${MEDIA.resolution}, ${MEDIA.didJson};q=0.5`, OFFERS.resource, 'did+json'],
      [MEDIA.dereferencing, OFFERS.did, 'dereferencing'],
    ];
    for (const [accept, offers, want] of cases)
      assert.equal(negotiate(accept, offers as never), want, `${accept} of ${offers.join(',')}`);
  });

  test('maps Accept headers to representations by q value', () => {
    const cases: [string | undefined, ReturnType<typeof negotiate>][] = [
      [undefined, 'resolution'],
      ['', 'resolution'],
      ['*/*', 'resolution'],
      ['application/did-resolution', 'resolution'],
      ['application/ld+json;profile="https://w3id.org/did-resolution"', 'resolution-ld'],
      ['application/ld+json; profile="https://w3id.org/did-resolution"; q=0.5', 'resolution-ld'],
      ['application/did+ld+json', 'did+ld+json'],
      ['application/did+json', 'did+json'],
      ['application/json', 'did+json'],
      ['application/did+json;q=0.2, application/did+ld+json;q=0.8', 'did+ld+json'],
      ['application/did+json, */*;q=0.1', 'did+json'],
      ['text/html', undefined],
      ['application/did+json;q=0', undefined],
      ['application/ld+json', undefined],
    ];
    for (const [accept, want] of cases) assert.equal(negotiate(accept), want, String(accept));
  });
});
