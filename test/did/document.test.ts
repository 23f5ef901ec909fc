/**
 * did:rdid documents are valid W3C DID Core 1.0 documents, the method rules (documentProblem)
 * reject every broken document, and the DID / DID URL parsers round-trip valid input and never
 * crash on garbage (fast-check).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import {
  canonicalize,
  ed25519FromSeed,
  encodeMultikey,
  fromBase58btc,
  sha256,
  toBase58btc,
  toHex,
  utf8,
} from '../../src/crypto/index.ts';
import {
  documentMetadata,
  documentMetadataJson,
  documentProblem,
  DocumentSpec,
  isRdid,
  parseDidUrl,
  parseRdid,
  parseVersionTime,
  planCreate,
  rdidFor,
  recoveryCommitmentOf,
  renderDocument,
  renderDocumentJson,
  renderResolution,
  resolveDidKey,
  resolveForHttp,
  resolveRdid,
  walletDocument,
  type DidRecord,
  type Patch,
  type Relationship,
} from '../../src/did/index.ts';
import { isAppError } from '../../src/errors.ts';
import { createAjv } from '../../src/ledger/index.ts';
import {
  appOf,
  assertDidCoreDocument,
  getIdentifier,
  openDidLedger,
  testKey,
  testSeed,
  type TestKey,
} from './_helpers.ts';

const validateSpec = createAjv().compile(DocumentSpec);
const RELS = [
  'authentication',
  'assertionMethod',
  'capabilityInvocation',
  'capabilityDelegation',
] as const;
const POOL = Array.from({ length: 24 }, (_, i) => testKey(`pool/${i}`).multikey);
/** A record around a document spec, for rendering. */
const recordOf = (did: string, document: DocumentSpec): DidRecord => ({
  did,
  version: 1,
  created: 0,
  updated: 0,
  deactivated: false,
  recoveryCommitment: '0'.repeat(64),
  document,
  txId: '0'.repeat(64),
});
const SOME_DID = planCreate(testSeed('document')).did;

/** Expects `fn` to throw ERR_DID_INVALID and nothing else. */
function expectInvalid(fn: () => unknown, input: string): void {
  assert.throws(
    fn,
    (err) =>
      isAppError(err, 'ERR_DID_INVALID') ||
      assert.fail(`${JSON.stringify(input)}: threw ${String(err)}`),
  );
}

describe('rendered documents are DID Core 1.0', () => {
  test('every version of a DID with several keys, relationships and services, in both representations and over HTTP', async () => {
    const l = openDidLedger();
    const app = await appOf(l);
    try {
      const [k0, k1, k2, k3, rec] = ['doc/0', 'doc/1', 'doc/2', 'doc/3', 'doc/rec'].map(
        testKey,
      ) as [TestKey, TestKey, TestKey, TestKey, TestKey];
      const vm = (id: string, k: TestKey): DocumentSpec['verificationMethod'][number] => ({
        id,
        type: 'Multikey',
        publicKeyMultibase: k.multikey,
      });
      const document: DocumentSpec = {
        verificationMethod: [vm('key-0', k0), vm('sign', k1), vm('deleg', k2)],
        authentication: ['key-0'],
        assertionMethod: ['sign', 'key-0'],
        capabilityInvocation: ['key-0'],
        capabilityDelegation: ['deleg'],
        service: [
          { id: 'home', type: 'LinkedDomains', serviceEndpoint: 'https://example.org/' },
          { id: 'inbox', type: 'DIDCommMessaging', serviceEndpoint: 'https://example.org/didcomm' },
        ],
      };
      const recoveryCommitment = recoveryCommitmentOf(rec.multikey);
      const did = rdidFor(document, recoveryCommitment);
      await l.commit({
        kind: 'did.create',
        body: { did, document, recoveryCommitment },
        signer: k0.url,
        keyPair: k0.keyPair,
      });
      const patches: Patch[] = [
        {
          op: 'add-key',
          key: vm('new', k3),
          relationships: ['authentication', 'capabilityInvocation', 'capabilityDelegation'],
        },
        { op: 'remove-service', id: 'inbox' },
      ];
      await l.commit({
        kind: 'did.update',
        body: { did, version: 1, patches },
        signer: `${did}#key-0`,
        keyPair: k0.keyPair,
      });
      await l.commit({
        kind: 'did.update',
        body: { did, version: 2, patches: [{ op: 'remove-key', id: 'key-0' }] },
        signer: `${did}#new`,
        keyPair: k3.keyPair,
      });
      for (const versionId of ['1', '2', '3']) {
        const r = resolveRdid(l.ledger.node.chain.state, did, { versionId });
        assertDidCoreDocument(renderResolution(r, true).didDocument as never, did, { ld: true });
        assertDidCoreDocument(renderResolution(r, false).didDocument as never, did, { ld: false });
        const http = await getIdentifier(app, did, { query: { versionId } });
        assertDidCoreDocument(http.body.didDocument, did, { ld: true });
      }
      const final = renderDocument(l.record(did));
      assert.deepEqual(final.authentication, [`${did}#new`]);
      assert.deepEqual(
        final.assertionMethod,
        [`${did}#sign`],
        'the removed key leaves every relationship',
      );
      assert.deepEqual(final.capabilityDelegation, [`${did}#deleg`, `${did}#new`]);
      // The wallet's own document, and did:key documents.
      const w = planCreate(testSeed('document wallet'));
      assertDidCoreDocument(
        renderDocument(recordOf(w.did, w.body.document), true) as never,
        w.did,
        { ld: true },
      );
      for (const k of [k0, k1])
        assertDidCoreDocument(resolveDidKey(k.did, true) as never, k.did, { ld: true });
    } finally {
      await app.close();
      await l.close();
    }
  });
});

/**
 * The DID Core rendering of a record, written out plainly: what the fast text renderers must
 * equal. A verification relationship is present only when it holds a method (DID Core §5.3).
 */
function referenceDocument(r: DidRecord, ld: boolean): Record<string, unknown> {
  const abs = (f: string): string => `${r.did}#${f}`;
  const d = r.document;
  const rel = (name: (typeof RELS)[number]): Record<string, string[]> =>
    (d[name] ?? []).length === 0 ? {} : { [name]: d[name]!.map(abs) };
  return {
    ...(ld
      ? { '@context': ['https://www.w3.org/ns/did/v1', 'https://w3id.org/security/multikey/v1'] }
      : {}),
    id: r.did,
    controller: r.did,
    verificationMethod: d.verificationMethod.map((vm) => ({
      id: abs(vm.id),
      type: 'Multikey',
      controller: r.did,
      publicKeyMultibase: vm.publicKeyMultibase,
    })),
    ...rel('authentication'),
    ...rel('assertionMethod'),
    ...rel('capabilityInvocation'),
    ...rel('capabilityDelegation'),
    ...(d.service !== undefined && d.service.length > 0
      ? { service: d.service.map((sv) => ({ ...sv, id: abs(sv.id) })) }
      : {}),
  };
}

function referenceMetadata(r: DidRecord, next: DidRecord | undefined): Record<string, unknown> {
  const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
  return {
    created: iso(r.created),
    ...(r.version > 1 ? { updated: iso(r.updated) } : {}),
    versionId: String(r.version),
    deactivated: r.deactivated,
    ...(next === undefined
      ? {}
      : { nextUpdate: iso(next.updated), nextVersionId: String(next.version) }),
  };
}

describe('text renderers', () => {
  // Any strings, not only schema-valid ones (quotes, backslashes, control characters, lone
  // surrogates): the text must stay exactly JSON.stringify's whatever the store holds.
  const text = fc.oneof(
    fc.string({ unit: 'grapheme', maxLength: 12 }),
    fc.string({ unit: 'binary', maxLength: 12 }),
    fc.constantFrom('a"b', 'a\\b', '\n', '\ud800', 'key-0'),
  );
  const refs = fc.array(text, { maxLength: 3 });
  const time = fc.integer({ min: 0, max: 253_402_300_799_999 });
  const record = fc.record({
    did: text.map((t) => `did:rdid:${t}`),
    version: fc.integer({ min: 1, max: 1e6 }),
    created: time,
    updated: time,
    deactivated: fc.boolean(),
    recoveryCommitment: fc.constant(''),
    txId: fc.constant(''),
    document: fc.record(
      {
        verificationMethod: fc.array(
          fc.record({ id: text, type: fc.constant('Multikey' as const), publicKeyMultibase: text }),
          { minLength: 1, maxLength: 3 },
        ),
        authentication: refs,
        assertionMethod: fc.option(refs, { nil: undefined }),
        capabilityInvocation: refs,
        capabilityDelegation: fc.option(refs, { nil: undefined }),
        service: fc.option(
          fc.array(fc.record({ id: text, type: text, serviceEndpoint: text }), { maxLength: 2 }),
          { nil: undefined },
        ),
      },
      { requiredKeys: ['verificationMethod', 'authentication', 'capabilityInvocation'] },
    ),
  }) as fc.Arbitrary<DidRecord>;

  test('renderDocumentJson is exactly JSON.stringify of the DID Core rendering, in both representations', () => {
    fc.assert(
      fc.property(record, fc.boolean(), (r, ld) => {
        const want = referenceDocument(r, ld);
        assert.equal(renderDocumentJson(r, ld), JSON.stringify(want));
        assert.deepEqual(renderDocument(r, ld), want);
      }),
      { numRuns: 500 },
    );
  });

  test('documentMetadataJson is exactly JSON.stringify of the DID Core metadata', () => {
    fc.assert(
      fc.property(record, fc.option(record, { nil: undefined }), (r, next) => {
        const want = referenceMetadata(r, next);
        assert.equal(documentMetadataJson(r, next), JSON.stringify(want));
        assert.deepEqual(documentMetadata(r, next), want);
      }),
      { numRuns: 500 },
    );
  });
});

describe('the method specification', () => {
  test('docs/did-method-rdid.md: the identifier example is what the code derives', () => {
    const spec = readFileSync(new URL('../../docs/did-method-rdid.md', import.meta.url), 'utf8');
    const auth = 'z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp';
    const recovery = encodeMultikey(ed25519FromSeed(new Uint8Array(32).fill(1)).publicKey);
    const document = walletDocument(auth, 'key-0');
    const recoveryCommitment = recoveryCommitmentOf(recovery);
    const jcs = canonicalize({ document, recoveryCommitment });
    const did = rdidFor(document, recoveryCommitment);
    assert.equal(did, `did:rdid:${toBase58btc(sha256(utf8(jcs)))}`);
    for (const value of [recovery, recoveryCommitment, jcs, toHex(sha256(utf8(jcs))), did]) {
      assert.ok(spec.includes(value), `the specification shows ${value}`);
    }
    const rendered = renderDocument(recordOf(did, document), true);
    const shown = /The example DID of §2\.2 renders as:\n\n```json\n([\s\S]*?)```/.exec(spec)?.[1];
    assert.ok(shown !== undefined, 'the rendered example is in the specification');
    assert.deepEqual(JSON.parse(shown), rendered);
  });
});

describe('documentProblem', () => {
  const [a, b] = POOL as [string, string];
  const base: DocumentSpec = {
    verificationMethod: [
      { id: 'a', type: 'Multikey', publicKeyMultibase: a },
      { id: 'b', type: 'Multikey', publicKeyMultibase: b },
    ],
    authentication: ['a'],
    assertionMethod: ['b'],
    capabilityInvocation: ['a'],
    service: [{ id: 's', type: 'LinkedDomains', serviceEndpoint: 'https://example.org/' }],
  };
  const mutations: [string, (d: DocumentSpec) => DocumentSpec, RegExp][] = [
    [
      'duplicate-method-id',
      (d) => ({
        ...d,
        verificationMethod: [d.verificationMethod[0]!, { ...d.verificationMethod[1]!, id: 'a' }],
      }),
      /used twice/,
    ],
    [
      'duplicate-key',
      (d) => ({
        ...d,
        verificationMethod: [
          d.verificationMethod[0]!,
          { ...d.verificationMethod[1]!, publicKeyMultibase: a },
        ],
      }),
      /listed twice/,
    ],
    [
      'not-ed25519',
      (d) => ({
        ...d,
        verificationMethod: [
          d.verificationMethod[0]!,
          { ...d.verificationMethod[1]!, publicKeyMultibase: `z6Mk${'1'.repeat(44)}` },
        ],
      }),
      /not an Ed25519 Multikey/,
    ],
    [
      'dangling-authentication',
      (d) => ({ ...d, authentication: ['a', 'x'] }),
      /authentication references unknown method "x"/,
    ],
    [
      'dangling-assertionMethod',
      (d) => ({ ...d, assertionMethod: ['x'] }),
      /assertionMethod references unknown/,
    ],
    [
      'dangling-capabilityInvocation',
      (d) => ({ ...d, capabilityInvocation: ['x'] }),
      /capabilityInvocation references unknown/,
    ],
    [
      'dangling-capabilityDelegation',
      (d) => ({ ...d, capabilityDelegation: ['x'] }),
      /capabilityDelegation references unknown/,
    ],
    [
      'service-is-no-method',
      (d) => ({ ...d, authentication: ['s'] }),
      /references unknown method "s"/,
    ],
    [
      'no-authentication',
      (d) => ({ ...d, authentication: [] }),
      /authentication method is required/,
    ],
    [
      'no-capabilityInvocation',
      (d) => ({ ...d, capabilityInvocation: [] }),
      /capabilityInvocation method is required/,
    ],
    [
      'duplicate-service-id',
      (d) => ({ ...d, service: [d.service![0]!, d.service![0]!] }),
      /service id "s" is used twice/,
    ],
    [
      'service-id-is-method-id',
      (d) => ({ ...d, service: [{ ...d.service![0]!, id: 'b' }] }),
      /service id "b" is used twice/,
    ],
    [
      'too-many-methods',
      (d) => ({
        ...d,
        verificationMethod: POOL.slice(0, 17).map((k, i) => ({
          id: i === 0 ? 'a' : i === 1 ? 'b' : `k${i}`,
          type: 'Multikey',
          publicKeyMultibase: k,
        })),
      }),
      /at most 16 verification methods/,
    ],
    [
      'too-many-services',
      (d) => ({
        ...d,
        service: Array.from({ length: 17 }, (_, i) => ({ ...d.service![0]!, id: `s${i}` })),
      }),
      /at most 16 services/,
    ],
  ];

  test('accepts the base document', () => {
    assert.equal(documentProblem(base), undefined);
    assert.ok(validateSpec(base));
  });

  for (const [name, mutate, want] of mutations) {
    test(`rejects ${name}`, () => {
      assert.match(documentProblem(mutate(structuredClone(base))) ?? 'accepted', want);
    });
  }
});

const FRAGMENT = fc.stringMatching(/^[A-Za-z0-9_-]{1,32}$/);

/** Valid did:rdid document specs: unique ids and keys, non-empty authentication and capabilityInvocation. */
const validDoc: fc.Arbitrary<DocumentSpec> = fc
  .uniqueArray(FRAGMENT, { minLength: 1, maxLength: 8 })
  .chain((ids) =>
    fc
      .record({
        keys: fc.shuffledSubarray(POOL, { minLength: ids.length, maxLength: ids.length }),
        authentication: fc.subarray(ids, { minLength: 1 }),
        assertionMethod: fc.option(fc.subarray(ids), { nil: undefined }),
        capabilityInvocation: fc.subarray(ids, { minLength: 1 }),
        capabilityDelegation: fc.option(fc.subarray(ids), { nil: undefined }),
        service: fc.option(
          fc.uniqueArray(
            fc.record({
              id: FRAGMENT.filter((f) => !ids.includes(f)),
              type: fc.stringMatching(/^[A-Za-z][A-Za-z0-9]{0,63}$/),
              serviceEndpoint: fc.constantFrom(
                'https://example.org/',
                'https://example.com/a/b?c=d',
                'https://sub.example.net:8443/x',
              ),
            }),
            { maxLength: 4, selector: (s) => s.id },
          ),
          { nil: undefined },
        ),
      })
      .map(
        ({
          keys,
          service,
          assertionMethod,
          capabilityDelegation,
          authentication,
          capabilityInvocation,
        }) => {
          // A valid document has a key that both signs (authentication) and updates (capabilityInvocation).
          const both = authentication[0]!;
          const doc: DocumentSpec = {
            verificationMethod: ids.map((id, i) => ({
              id,
              type: 'Multikey' as const,
              publicKeyMultibase: keys[i]!,
            })),
            authentication,
            capabilityInvocation: capabilityInvocation.includes(both)
              ? capabilityInvocation
              : [both, ...capabilityInvocation],
            ...(assertionMethod === undefined ? {} : { assertionMethod }),
            ...(capabilityDelegation === undefined ? {} : { capabilityDelegation }),
            ...(service === undefined ? {} : { service }),
          };
          return doc;
        },
      ),
  );

describe('documentProblem properties', () => {
  test('valid documents pass the schema and the rules, and render to valid DID Core documents', () => {
    fc.assert(
      fc.property(validDoc, (doc) => {
        assert.ok(validateSpec(doc), JSON.stringify(validateSpec.errors));
        assert.equal(documentProblem(doc), undefined);
        assertDidCoreDocument(renderDocument(recordOf(SOME_DID, doc), true) as never, SOME_DID, {
          ld: true,
        });
        assertDidCoreDocument(renderDocument(recordOf(SOME_DID, doc), false) as never, SOME_DID, {
          ld: false,
        });
      }),
      { numRuns: 300 },
    );
  });

  test('a dangling reference in any relationship is rejected', () => {
    const rel = fc.constantFrom<Relationship>(...RELS);
    fc.assert(
      fc.property(validDoc, rel, FRAGMENT, (doc, r, ref) => {
        fc.pre(!doc.verificationMethod.some((m) => m.id === ref));
        const broken: DocumentSpec = { ...doc, [r]: [...(doc[r] ?? []), ref] };
        assert.ok(validateSpec(broken), 'still schema-valid: only the rules catch it');
        assert.match(
          documentProblem(broken) ?? 'accepted',
          new RegExp(`${r} references unknown method`),
        );
      }),
      { numRuns: 300 },
    );
  });

  test('a key listed twice, or an id used twice, is rejected', () => {
    fc.assert(
      fc.property(validDoc, fc.nat(), FRAGMENT, (doc, i, id) => {
        const vm = doc.verificationMethod[i % doc.verificationMethod.length]!;
        fc.pre(
          !doc.verificationMethod.some((m) => m.id === id) &&
            !(doc.service ?? []).some((s) => s.id === id),
        );
        const dupKey = { ...doc, verificationMethod: [...doc.verificationMethod, { ...vm, id }] };
        assert.match(documentProblem(dupKey) ?? 'accepted', /listed twice/);
        const dupId = {
          ...doc,
          service: [
            ...(doc.service ?? []),
            { id: vm.id, type: 'LinkedDomains', serviceEndpoint: 'https://example.org/' },
          ],
        };
        assert.match(documentProblem(dupId) ?? 'accepted', /used twice/);
      }),
      { numRuns: 200 },
    );
  });
});

// DID Core §3.1 ABNF pieces.
const METHOD = fc.stringMatching(/^[a-z0-9]{1,10}$/);
const SEGMENT = fc.stringMatching(/^(?:[A-Za-z0-9._-]|%[0-9A-Fa-f]{2}){0,12}$/);
const LAST_SEGMENT = fc.stringMatching(/^(?:[A-Za-z0-9._-]|%[0-9A-Fa-f]{2}){1,12}$/);
const FRAGMENT_TEXT = fc.stringMatching(
  /^(?:[A-Za-z0-9._~!$&'()*+,;=:@/?-]|%[0-9A-Fa-f]{2}){0,16}$/,
);
const PARAMS = fc.dictionary(
  fc.stringMatching(/^[a-zA-Z][a-zA-Z0-9]{0,8}$/),
  fc.stringMatching(/^[A-Za-z0-9._~ -]{0,10}$/),
  { maxKeys: 3 },
);
/** 32 bytes, often starting with zero bytes (short base58btc ids). */
const HASH = fc
  .tuple(
    fc.oneof(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 32 })),
    fc.uint8Array({ minLength: 32, maxLength: 32 }),
  )
  .map(([zeros, bytes]) => {
    const out = Uint8Array.from(bytes);
    out.fill(0, 0, zeros);
    return out;
  });

describe('parseDidUrl and parseRdid', () => {
  test('did:rdid ids of any 32-byte value round-trip (including short ids of hashes with leading zero bytes)', () => {
    fc.assert(
      fc.property(HASH, FRAGMENT_TEXT, (bytes, fragment) => {
        const id = toBase58btc(bytes);
        const did = `did:rdid:${id}`;
        assert.equal(parseRdid(did), id, did);
        assert.ok(isRdid(did));
        assert.deepEqual(fromBase58btc(id), bytes);
        assert.deepEqual(parseDidUrl(did), {
          did,
          method: 'rdid',
          id,
          path: undefined,
          params: {},
          fragment: undefined,
        });
        assert.deepEqual(parseDidUrl(`${did}?versionId=2#${fragment}`), {
          did,
          method: 'rdid',
          id,
          path: undefined,
          params: { versionId: '2' },
          fragment,
        });
      }),
      { numRuns: 500 },
    );
    assert.equal(parseRdid(`did:rdid:${'1'.repeat(32)}`), '1'.repeat(32), 'the all-zero hash');
  });

  test('base58btc values of other lengths than 32 bytes are not did:rdid ids', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 48 }).filter((b) => b.length !== 32),
        (bytes) => {
          const did = `did:rdid:${toBase58btc(bytes)}`;
          expectInvalid(() => parseRdid(did), did);
          assert.equal(isRdid(did), false);
        },
      ),
      { numRuns: 300 },
    );
  });

  test('generic DID URLs built from the DID Core ABNF round-trip', () => {
    const url = fc.record({
      method: METHOD,
      segments: fc.array(SEGMENT, { maxLength: 3 }),
      last: LAST_SEGMENT,
      params: PARAMS,
      fragment: fc.option(FRAGMENT_TEXT, { nil: undefined }),
    });
    fc.assert(
      fc.property(url, ({ method, segments, last, params, fragment }) => {
        const id = [...segments, last].join(':');
        const did = `did:${method}:${id}`;
        const query =
          Object.keys(params).length === 0 ? '' : `?${new URLSearchParams(params).toString()}`;
        const text = `${did}${query}${fragment === undefined ? '' : `#${fragment}`}`;
        assert.deepEqual(parseDidUrl(text), {
          did,
          method,
          id,
          path: undefined,
          params: { ...params },
          fragment,
        });
      }),
      { numRuns: 500 },
    );
  });

  test('random strings either parse or throw ERR_DID_INVALID, never anything else', () => {
    const junk = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 80 }),
      fc.string({ unit: 'binary-ascii', maxLength: 80 }).map((s) => `did:${s}`),
      fc.string({ unit: 'binary-ascii', maxLength: 60 }).map((s) => `did:rdid:${s}`),
      fc
        .tuple(
          fc.constantFrom('did:rdid:', 'did:key:', 'did:', 'did:a:'),
          fc.string({
            unit: fc.constantFrom(...'1zZ:%#?&=/.-_ 0Ol\u0000\u{1F600}'.split('')),
            maxLength: 50,
          }),
        )
        .map(([p, s]) => p + s),
    );
    fc.assert(
      fc.property(junk, (s) => {
        let url;
        try {
          url = parseDidUrl(s);
        } catch (err) {
          assert.ok(
            isAppError(err, 'ERR_DID_INVALID'),
            `parseDidUrl(${JSON.stringify(s)}) threw ${String(err)}`,
          );
        }
        if (url !== undefined) {
          assert.match(url.did, /^did:[a-z0-9]+:/);
          assert.ok(s.startsWith(url.did));
          assert.ok(
            !url.id.endsWith(':'),
            'the last segment of a method-specific id is never empty',
          );
        }
        try {
          parseRdid(s);
          assert.ok(isRdid(s));
        } catch (err) {
          assert.ok(
            isAppError(err, 'ERR_DID_INVALID'),
            `parseRdid(${JSON.stringify(s)}) threw ${String(err)}`,
          );
        }
        try {
          parseVersionTime(s);
        } catch (err) {
          assert.ok(
            isAppError(err, 'ERR_DID_INVALID_OPTIONS'),
            `parseVersionTime(${JSON.stringify(s)}) threw ${String(err)}`,
          );
        }
        // The HTTP resolver answers everything with a DID Resolution status, never a crash.
        const answer = resolveForHttp({ get: () => undefined }, s, undefined);
        assert.ok(
          [200, 400, 404, 501].includes(answer.status),
          `${answer.status} for ${JSON.stringify(s)}`,
        );
        assert.match(answer.body, /^\{/, 'a JSON result');
      }),
      { numRuns: 2000 },
    );
  });

  test('examples: valid and invalid DID URLs', () => {
    const valid: [string, Partial<ReturnType<typeof parseDidUrl>>][] = [
      ['did:example:123456789abcdefghi', { method: 'example', id: '123456789abcdefghi' }],
      ['did:a::b', { id: ':b' }],
      ['did:a:b:c', { id: 'b:c' }],
      ['did:web:example.com%3A8443', { id: 'example.com%3A8443' }],
      ['did:a:b#%20x', { fragment: '%20x' }],
      ['did:a:b#', { fragment: '' }],
      [
        'did:a:b?versionTime=2026-01-01T00:00:00Z#k',
        { params: { versionTime: '2026-01-01T00:00:00Z' }, fragment: 'k' },
      ],
      ['did:a:b/path', { did: 'did:a:b', path: '/path' }],
      [
        'did:a:b/p/%20q/?service=s#f',
        { did: 'did:a:b', path: '/p/%20q/', params: { service: 's' }, fragment: 'f' },
      ],
      ['did:a:b/', { path: '/' }],
    ];
    for (const [text, want] of valid) {
      const got = parseDidUrl(text);
      for (const [k, v] of Object.entries(want))
        assert.deepEqual(got[k as keyof typeof got], v, `${text} ${k}`);
    }
    for (const text of [
      'did:a::',
      'did:a:b:',
      'did:a:',
      'did::b',
      'DID:a:b',
      'did:A:b',
      'did:a:b c',
      'did:a:%zz',
      'did:a:%2',
      'did:a:b/pa th',
      'did:a:b/%zz',
      'did:a:b#frag ment',
      'did:a:b#%zz',
      'did:a:b?x=1&x=2',
      '',
      'did',
      'x'.repeat(3000),
    ]) {
      expectInvalid(() => parseDidUrl(text), text);
    }
  });
});
