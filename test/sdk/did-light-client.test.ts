/**
 * The SDK's light-client DID resolution and DID URL dereferencing (RealdidClient.resolveDid,
 * dereferenceDid): it accepts an honest node's answers and rejects every tampered one —
 * document, content, metadata, state proofs and checkpoint — with ERR_DID_BAD_PROOF or
 * ERR_LEDGER_BAD_CHECKPOINT, and a forked ledger with ERR_LEDGER_INCONSISTENT. The node is
 * reached through a custom `fetch` that routes to `app.inject()` and rewrites answers on the way.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { canonicalize } from '../../src/crypto/index.ts';
import {
  DID_CONTEXT,
  MEDIA,
  parseRdid,
  planCreate,
  planDeactivate,
  planRotate,
  planUpdate,
  renderDocument,
  resolveDidKey,
  resolveRdid,
  renderResolution,
} from '../../src/did/index.ts';
import { isAppError, type ErrorCode } from '../../src/errors.ts';
import { signCheckpoint, type SignedCheckpoint, type StateProof } from '../../src/ledger/index.ts';
import { RealdidClient, type ClientOptions } from '../../src/sdk/index.ts';
import { makeOrg, T0 } from '../helpers/ledger.ts';
import {
  appOf,
  getIdentifier,
  injectFetch,
  openDidLedger,
  testKey,
  testSeed,
  type DidLedger,
  type Exchange,
} from '../did/_helpers.ts';

const HOUR = 3_600_000;
const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
const SERVICE = { id: 'home', type: 'LinkedDomains', serviceEndpoint: 'https://example.org/' };
const A1 = T0 + HOUR;
const A2 = T0 + 2 * HOUR;
const A3 = T0 + 3 * HOUR;

let l: DidLedger;
let app: FastifyInstance;
let A: string; // 3 versions, active
let B: string; // deactivated
let D: string; // another active DID
let GHOST: string;

before(async () => {
  l = openDidLedger();
  app = await appOf(l);
  const sa = testSeed('lc A');
  const sb = testSeed('lc B');
  const sd = testSeed('lc D');
  const a = planCreate(sa);
  [A, B, D, GHOST] = [
    a.did,
    planCreate(sb).did,
    planCreate(sd).did,
    planCreate(testSeed('lc ghost')).did,
  ];
  l.ledger.clock.now = A1;
  await l.commit(a);
  l.ledger.clock.now = A2;
  await l.commit(planUpdate(sa, l.record(A), 0, [{ op: 'add-service', service: SERVICE }]));
  l.ledger.clock.now = A3;
  await l.commit(planRotate(sa, l.record(A), 0, 1));
  l.ledger.clock.advance(HOUR);
  await l.commit(planCreate(sb));
  await l.commit(planDeactivate(sb, l.record(B), 0));
  await l.commit(planCreate(sd));
});

after(async () => {
  await app.close();
  await l.close();
});

type Body = Record<string, any>;

/** A client of the test node; `tamper` rewrites resolver answers (other routes pass untouched). */
function clientOf(
  tamper?: (body: Body, x: Exchange) => void,
  options: Partial<ClientOptions> = {},
): RealdidClient {
  const fetch = injectFetch(
    app,
    tamper === undefined
      ? undefined
      : (x) => {
          if (x.path.startsWith('/1.0/identifiers/') && x.json !== undefined)
            tamper(x.json as Body, x);
        },
  );
  return new RealdidClient({ url: 'http://node.test', fetch, ...options });
}

async function rejects(p: Promise<unknown>, code: ErrorCode): Promise<void> {
  await assert.rejects(
    p,
    (err) =>
      isAppError(err, code) ||
      assert.fail(
        `expected ${code}, got ${(err as Error & { code?: string }).code ?? ''} ${String(err)}`,
      ),
  );
}

/** Flips the lowest bit of hex digit `i`. */
function flipHex(hex: string, i = 0): string {
  return hex.slice(0, i) + (parseInt(hex[i]!, 16) ^ 1).toString(16) + hex.slice(i + 1);
}

/** Replaces base64url character `i` by another one. */
function flipB64(text: string, i: number): string {
  return text.slice(0, i) + (text[i] === 'A' ? 'B' : 'A') + text.slice(i + 1);
}

/** The ledger proof: the one item of the metadata's proof set. */
const proofOf = (b: Body): { checkpoint: SignedCheckpoint; stateProofs: StateProof[] } =>
  (b.didResolutionMetadata ?? b.dereferencingMetadata).proof[0];

/** The untampered resolution body of `did` (same head as the tampered answer). */
async function honest(did: string, query?: Record<string, string>): Promise<Body> {
  return (await getIdentifier(app, did, query === undefined ? {} : { query })).body;
}

describe('honest answers are accepted', () => {
  test('current, by versionId (as option or DID parameter), by versionTime, deactivated', async () => {
    const c = clientOf();
    const head = l.ledger.node.chain.head;
    const cur = await c.resolveDid(A);
    assert.deepEqual(cur.didDocument, renderDocument(l.record(A), true));
    assert.deepEqual(cur.didDocumentMetadata, {
      created: iso(A1),
      updated: iso(A3),
      versionId: '3',
      deactivated: false,
    });
    assert.equal(cur.checkpoint?.height, head.height);
    assert.equal(cur.checkpoint?.stateRoot, head.header.stateRoot);
    assert.equal(c.lastCheckpoint?.blockHash, head.hash, 'the client remembers the checkpoint');
    const state = l.ledger.node.chain.state;
    for (const [did, options, versionId] of [
      [A, { versionId: '1' }, '1'],
      [`${A}?versionId=2`, {}, '2'],
      [A, { versionTime: iso(A2) }, '2'],
      [A, { versionTime: iso(A2 - 1000) }, '1'],
      [A, { versionTime: '9999-12-31T23:59:59Z' }, '3'],
    ] as const) {
      const r = await c.resolveDid(did, options);
      assert.equal(r.didDocumentMetadata.versionId, versionId, `${did} ${JSON.stringify(options)}`);
      assert.deepEqual(
        r.didDocument,
        renderResolution(resolveRdid(state, A, { versionId }), true).didDocument,
      );
    }
    const b = await c.resolveDid(B);
    assert.equal(b.didDocumentMetadata.deactivated, true);
  });

  test('proven absence is ERR_DID_NOT_FOUND (also with a version); errors without proof keep their codes', async () => {
    const c = clientOf();
    await rejects(c.resolveDid(GHOST), 'ERR_DID_NOT_FOUND');
    await rejects(c.resolveDid(GHOST, { versionId: '1' }), 'ERR_DID_NOT_FOUND');
    await rejects(c.resolveDid(GHOST, { versionTime: iso(A2) }), 'ERR_DID_NOT_FOUND');
    await rejects(c.resolveDid(A, { versionId: '9' }), 'ERR_DID_VERSION_NOT_FOUND');
    await rejects(c.resolveDid(A, { versionTime: iso(A1 - 1000) }), 'ERR_DID_VERSION_NOT_FOUND');
    await rejects(c.resolveDid('did:web:example.com'), 'ERR_DID_METHOD_NOT_SUPPORTED');
    await rejects(c.resolveDid('did:rdid:xyz'), 'ERR_DID_INVALID');
    await rejects(c.resolveDid('did:nope'), 'ERR_DID_INVALID');
  });

  test('did:key is resolved locally, without asking the node', async () => {
    const offline = new RealdidClient({
      url: 'http://node.test',
      fetch: async () => {
        throw new Error('no network');
      },
    });
    const k = testKey('lc did:key');
    const r = await offline.resolveDid(k.did);
    assert.equal(r.checkpoint, undefined);
    assert.equal(r.didDocument.verificationMethod[0]!.publicKeyMultibase, k.multikey);
  });

  test('a semantically identical answer (keys reordered) is accepted', async () => {
    const c = clientOf((b) => {
      const doc = b.didDocument as Record<string, unknown>;
      b.didDocument = Object.fromEntries(Object.entries(doc).reverse());
    });
    assert.equal((await c.resolveDid(A)).didDocumentMetadata.versionId, '3');
  });
});

interface Case {
  readonly name: string;
  readonly did?: string;
  readonly options?: { versionId?: string; versionTime?: string };
  readonly tamper: (b: Body, x: Exchange) => void | Promise<void>;
  readonly code: ErrorCode;
}

const other = testKey('lc other').multikey;

/** Body-only tampers (synchronous); cases needing other answers are prepared in `before`. */
const CASES: Case[] = [
  // The document.
  {
    name: 'document: a key',
    tamper: (b) => {
      b.didDocument.verificationMethod[0].publicKeyMultibase = other;
    },
    code: 'ERR_DID_BAD_PROOF',
  },
  {
    name: 'document: an added key',
    tamper: (b) => {
      b.didDocument.verificationMethod.push({
        ...b.didDocument.verificationMethod[0],
        id: `${A}#extra`,
        publicKeyMultibase: other,
      });
    },
    code: 'ERR_DID_BAD_PROOF',
  },
  {
    name: 'document: a relationship added',
    tamper: (b) => {
      b.didDocument.capabilityDelegation = [b.didDocument.verificationMethod[0].id];
    },
    code: 'ERR_DID_BAD_PROOF',
  },
  {
    name: 'document: a relationship emptied',
    tamper: (b) => {
      b.didDocument.assertionMethod = [];
    },
    code: 'ERR_DID_BAD_PROOF',
  },
  {
    name: 'document: a service endpoint',
    tamper: (b) => {
      b.didDocument.service[0].serviceEndpoint = 'https://evil.example/';
    },
    code: 'ERR_DID_BAD_PROOF',
  },
  {
    name: 'document: a service removed',
    tamper: (b) => {
      delete b.didDocument.service;
    },
    code: 'ERR_DID_BAD_PROOF',
  },
  {
    name: 'document: the id',
    tamper: (b) => {
      b.didDocument.id = D;
    },
    code: 'ERR_DID_BAD_PROOF',
  },
  {
    name: 'document: missing',
    tamper: (b) => {
      b.didDocument = null;
    },
    code: 'ERR_DID_BAD_PROOF',
  },
  // The metadata.
  {
    name: 'metadata: versionId',
    tamper: (b) => {
      b.didDocumentMetadata.versionId = '2';
    },
    code: 'ERR_DID_BAD_PROOF',
  },
  {
    name: 'metadata: updated',
    tamper: (b) => {
      b.didDocumentMetadata.updated = iso(A2);
    },
    code: 'ERR_DID_BAD_PROOF',
  },
  {
    name: 'metadata: created',
    tamper: (b) => {
      b.didDocumentMetadata.created = iso(T0);
    },
    code: 'ERR_DID_BAD_PROOF',
  },
  {
    name: 'metadata: deactivated',
    tamper: (b) => {
      b.didDocumentMetadata.deactivated = true;
    },
    code: 'ERR_DID_BAD_PROOF',
  },
  {
    name: 'metadata: nextVersionId dropped (historical)',
    options: { versionId: '1' },
    tamper: (b) => {
      delete b.didDocumentMetadata.nextVersionId;
    },
    code: 'ERR_DID_BAD_PROOF',
  },
  {
    name: 'metadata: nextUpdate moved (historical)',
    options: { versionId: '2' },
    tamper: (b) => {
      b.didDocumentMetadata.nextUpdate = iso(A3 + HOUR);
    },
    code: 'ERR_DID_BAD_PROOF',
  },
  {
    name: 'metadata: deactivated hidden',
    did: 'B',
    tamper: (b) => {
      b.didDocumentMetadata.deactivated = false;
    },
    code: 'ERR_DID_BAD_PROOF',
  },
  // The state proofs.
  {
    name: 'proof: a sibling bit',
    tamper: (b) => {
      const p = proofOf(b).stateProofs[0]!;
      const i = p.siblings.findIndex((s) => !/^0+$/.test(s));
      p.siblings[i] = flipHex(p.siblings[i]!, 63);
    },
    code: 'ERR_DID_BAD_PROOF',
  },
  {
    name: 'proof: a sibling dropped',
    tamper: (b) => {
      proofOf(b).stateProofs[0]!.siblings.pop();
    },
    code: 'ERR_DID_BAD_PROOF',
  },
  {
    name: 'proof: the value (record and document changed together)',
    tamper: (b) => {
      const p = proofOf(b).stateProofs[0]!;
      const record = JSON.parse(p.value!);
      record.document.verificationMethod[0].publicKeyMultibase = other;
      p.value = canonicalize(record);
      b.didDocument.verificationMethod[0].publicKeyMultibase = other;
    },
    code: 'ERR_DID_BAD_PROOF',
  },
  {
    name: 'proof: the value claims absence',
    tamper: (b) => {
      proofOf(b).stateProofs[0]!.value = null;
    },
    code: 'ERR_DID_BAD_PROOF',
  },
  {
    name: 'proof: the key',
    tamper: (b) => {
      proofOf(b).stateProofs[0]!.key = `did/doc/${parseRdid(D)}`;
    },
    code: 'ERR_DID_BAD_PROOF',
  },
  {
    name: 'proof: the key of a history entry',
    tamper: (b) => {
      proofOf(b).stateProofs[0]!.key = `did/ver/${parseRdid(A)}/3`;
    },
    code: 'ERR_DID_BAD_PROOF',
  },
  {
    name: 'proof: missing',
    tamper: (b) => {
      delete b.didResolutionMetadata.proof;
    },
    code: 'ERR_DID_BAD_PROOF',
  },
  {
    name: 'proof: no state proofs',
    tamper: (b) => {
      proofOf(b).stateProofs = [];
    },
    code: 'ERR_DID_BAD_PROOF',
  },
  {
    name: 'proof: three state proofs',
    tamper: (b) => {
      const s = proofOf(b).stateProofs;
      s.push(s[0]!, s[0]!);
    },
    code: 'ERR_DID_BAD_PROOF',
  },
  {
    name: 'proof: the next-version proof missing (versionTime)',
    options: { versionTime: iso(A2) },
    tamper: (b) => {
      proofOf(b).stateProofs.pop();
    },
    code: 'ERR_DID_BAD_PROOF',
  },
  {
    name: 'proof: the next-version proof and its metadata missing (versionTime)',
    options: { versionTime: iso(A2) },
    tamper: (b) => {
      proofOf(b).stateProofs.pop();
      delete b.didDocumentMetadata.nextUpdate;
      delete b.didDocumentMetadata.nextVersionId;
    },
    code: 'ERR_DID_BAD_PROOF',
  },
  {
    name: 'proof: the next-version proof missing (versionId)',
    options: { versionId: '1' },
    tamper: (b) => {
      proofOf(b).stateProofs.pop();
    },
    code: 'ERR_DID_BAD_PROOF',
  },
  {
    name: 'proof: next and record swapped (versionTime)',
    options: { versionTime: iso(A2) },
    tamper: (b) => {
      proofOf(b).stateProofs.reverse();
    },
    code: 'ERR_DID_BAD_PROOF',
  },
  // The checkpoint.
  {
    name: 'checkpoint: a stateRoot bit',
    tamper: (b) => {
      const cp = proofOf(b).checkpoint.checkpoint as { stateRoot: string };
      cp.stateRoot = flipHex(cp.stateRoot, 10);
    },
    code: 'ERR_LEDGER_BAD_CHECKPOINT',
  },
  {
    name: 'checkpoint: the height',
    tamper: (b) => {
      (proofOf(b).checkpoint.checkpoint as { height: number }).height += 1;
    },
    code: 'ERR_LEDGER_BAD_CHECKPOINT',
  },
  {
    name: 'checkpoint: the chainId',
    tamper: (b) => {
      (proofOf(b).checkpoint.checkpoint as { chainId: string }).chainId = 'another-chain';
    },
    code: 'ERR_LEDGER_BAD_CHECKPOINT',
  },
  {
    name: 'checkpoint: a signature byte',
    tamper: (b) => {
      const s = proofOf(b).checkpoint.signatures[0] as { sig: string };
      s.sig = flipB64(s.sig, 20);
    },
    code: 'ERR_LEDGER_BAD_CHECKPOINT',
  },
  {
    name: 'checkpoint: no signatures',
    tamper: (b) => {
      (proofOf(b).checkpoint as unknown as { signatures: unknown[] }).signatures = [];
    },
    code: 'ERR_LEDGER_BAD_CHECKPOINT',
  },
  {
    name: 'checkpoint: a forged root signed by an untrusted key claiming a trusted org',
    tamper: (b) => {
      const scp = proofOf(b).checkpoint as unknown as {
        checkpoint: SignedCheckpoint['checkpoint'];
        signatures: unknown[];
      };
      scp.checkpoint = { ...scp.checkpoint, stateRoot: flipHex(scp.checkpoint.stateRoot) };
      const evil = makeOrg('org1');
      scp.signatures = [signCheckpoint(scp.checkpoint, 'org1', evil.multikey, evil.keyPair)];
    },
    code: 'ERR_LEDGER_BAD_CHECKPOINT',
  },
  {
    name: 'checkpoint: signed by an organization the client does not trust',
    tamper: (b) => {
      const scp = proofOf(b).checkpoint as unknown as {
        checkpoint: SignedCheckpoint['checkpoint'];
        signatures: unknown[];
      };
      const evil = makeOrg('evil');
      scp.signatures = [signCheckpoint(scp.checkpoint, 'evil', evil.multikey, evil.keyPair)];
    },
    code: 'ERR_LEDGER_BAD_CHECKPOINT',
  },
];

describe('tampered answers are rejected', () => {
  for (const c of CASES) {
    test(`${c.name} → ${c.code}`, async () => {
      const did = c.did === 'B' ? B : A;
      await rejects(clientOf(c.tamper).resolveDid(did, c.options ?? {}), c.code);
    });
  }

  test('proof: a valid proof for another DID → ERR_DID_BAD_PROOF', async () => {
    const forD = await honest(D);
    await rejects(
      clientOf((b) => {
        proofOf(b).stateProofs = proofOf(forD).stateProofs;
      }).resolveDid(A),
      'ERR_DID_BAD_PROOF',
    );
    // The whole (consistent, proven) answer about D, given for A.
    await rejects(
      clientOf((b, x) => {
        x.json = forD;
        void b;
      }).resolveDid(A),
      'ERR_DID_BAD_PROOF',
    );
  });

  test('proof: an old version passed off as the current one → ERR_DID_BAD_PROOF', async () => {
    const v1 = await honest(A, { versionId: '1' });
    await rejects(
      clientOf((_b, x) => {
        x.json = v1;
      }).resolveDid(A),
      'ERR_DID_BAD_PROOF',
    );
    const v1Alone = structuredClone(v1);
    proofOf(v1Alone).stateProofs.pop();
    delete v1Alone.didDocumentMetadata.nextUpdate;
    delete v1Alone.didDocumentMetadata.nextVersionId;
    await rejects(
      clientOf((_b, x) => {
        x.json = v1Alone;
      }).resolveDid(A),
      'ERR_DID_BAD_PROOF',
    );
    // The current version passed off as the one in force at an earlier time.
    const current = await honest(A);
    await rejects(
      clientOf((_b, x) => {
        x.json = current;
      }).resolveDid(A, { versionTime: iso(A2) }),
      'ERR_DID_BAD_PROOF',
    );
    // Version 1 passed off as the one in force at A2 (its successor was already in force).
    await rejects(
      clientOf((_b, x) => {
        x.json = v1;
      }).resolveDid(A, { versionTime: iso(A2) }),
      'ERR_DID_BAD_PROOF',
    );
  });

  test('proof: an existing DID passed off as absent → ERR_DID_BAD_PROOF', async () => {
    const ghost = await honest(GHOST);
    // The (valid) absence proof of another key.
    await rejects(
      clientOf((_b, x) => {
        x.status = 404;
        x.json = ghost;
      }).resolveDid(A),
      'ERR_DID_BAD_PROOF',
    );
    // A's own key, claimed absent.
    await rejects(
      clientOf((b, x) => {
        x.status = 404;
        x.json = {
          ...ghost,
          didResolutionMetadata: {
            ...ghost.didResolutionMetadata,
            proof: [
              { ...proofOf(b), stateProofs: [{ ...proofOf(b).stateProofs[0]!, value: null }] },
            ],
          },
        };
      }).resolveDid(A),
      'ERR_DID_BAD_PROOF',
    );
  });

  test('NOT_FOUND without a proof, or a proof that is not a set of one → ERR_DID_BAD_PROOF', async () => {
    await rejects(
      clientOf((b, x) => {
        x.status = 404;
        delete b.didResolutionMetadata.proof;
        b.didResolutionMetadata.error = {
          type: 'https://www.w3.org/ns/did#NOT_FOUND',
          title: 'Not found',
          detail: 'trust me',
          code: 'ERR_DID_NOT_FOUND',
        };
        b.didDocument = null;
      }).resolveDid(A),
      'ERR_DID_BAD_PROOF',
    );
    await rejects(
      clientOf((b) => {
        b.didResolutionMetadata.proof = b.didResolutionMetadata.proof[0];
      }).resolveDid(A),
      'ERR_DID_BAD_PROOF',
    );
    await rejects(
      clientOf((b) => {
        b.didResolutionMetadata.proof.push(b.didResolutionMetadata.proof[0]);
      }).resolveDid(A),
      'ERR_DID_BAD_PROOF',
    );
    // An error beside a proven record.
    await rejects(
      clientOf((b) => {
        b.didResolutionMetadata.error = {
          type: 'https://www.w3.org/ns/did#NOT_FOUND',
          title: 'Not found',
          detail: 'x',
        };
      }).resolveDid(A),
      'ERR_DID_BAD_PROOF',
    );
  });

  test('checkpoint: fewer trusted signatures than the client requires → ERR_LEDGER_BAD_CHECKPOINT', async () => {
    await rejects(
      clientOf(undefined, { minSignatures: 2 }).resolveDid(A),
      'ERR_LEDGER_BAD_CHECKPOINT',
    );
  });
});

describe('dereferenceDid: honest answers are accepted', () => {
  test('a fragment (verification method or service), a version, a service with relativeRef, a plain DID', async () => {
    const c = clientOf();
    const doc = renderDocument(l.record(A), true);
    const vm = doc.verificationMethod[0]!;
    const key = await c.dereferenceDid(vm.id);
    assert.deepEqual(key.content, { '@context': DID_CONTEXT, ...vm });
    assert.equal(key.contentMetadata.versionId, '3');
    assert.equal(key.checkpoint?.height, l.ledger.node.chain.head.height);
    assert.deepEqual((await c.dereferenceDid(`${A}#home`)).content, {
      '@context': DID_CONTEXT,
      ...SERVICE,
      id: `${A}#home`,
    });
    const old = await c.dereferenceDid(`${A}?versionId=1#key-0`);
    assert.equal(old.content.id, `${A}#key-0`);
    assert.equal(old.contentMetadata.nextVersionId, '2');
    assert.equal(
      (await c.dereferenceDid(`${A}#key-0`, { versionTime: iso(A2) })).contentMetadata.versionId,
      '2',
    );
    const service = await c.dereferenceDid(
      `${A}?service=home&relativeRef=${encodeURIComponent('/inbox?x=1')}#top`,
    );
    assert.equal(
      service.serviceEndpoint,
      'https://example.org/inbox?x=1#top',
      'the endpoint, computed from the proven document',
    );
    assert.deepEqual((service.content as Record<string, unknown>).service, [
      { ...SERVICE, id: `${A}#home` },
    ]);
    const plain = await c.dereferenceDid(A);
    assert.deepEqual(plain.content, doc);
    assert.equal(plain.serviceEndpoint, undefined);
  });

  test('a missing fragment or service is ERR_DID_RESOURCE_NOT_FOUND (proven), an unknown DID ERR_DID_NOT_FOUND (proven)', async () => {
    const c = clientOf();
    await rejects(c.dereferenceDid(`${A}#nope`), 'ERR_DID_RESOURCE_NOT_FOUND');
    await rejects(c.dereferenceDid(`${A}#key-0`), 'ERR_DID_RESOURCE_NOT_FOUND');
    await rejects(c.dereferenceDid(`${A}?service=files`), 'ERR_DID_RESOURCE_NOT_FOUND');
    await rejects(c.dereferenceDid(`${GHOST}#key-0`), 'ERR_DID_NOT_FOUND');
    await rejects(c.dereferenceDid(`${A}?relativeRef=%2Fx`), 'ERR_DID_INVALID_URL');
    await rejects(c.dereferenceDid(`${A}?serviceType=X`), 'ERR_DID_FEATURE_NOT_SUPPORTED');
    await rejects(c.dereferenceDid('did:web:example.com#key-1'), 'ERR_DID_METHOD_NOT_SUPPORTED');
  });

  test('did:key DID URLs are dereferenced locally, without asking the node', async () => {
    const offline = new RealdidClient({
      url: 'http://node.test',
      fetch: async () => {
        throw new Error('no network');
      },
    });
    const k = testKey('lc deref did:key');
    const r = await offline.dereferenceDid(`${k.did}#${k.multikey}`);
    assert.deepEqual(r.content, {
      '@context': DID_CONTEXT,
      ...resolveDidKey(k.did, false).verificationMethod[0]!,
    });
    assert.equal(r.checkpoint, undefined);
    await rejects(offline.dereferenceDid(`${k.did}#other`), 'ERR_DID_RESOURCE_NOT_FOUND');
    await rejects(
      offline.dereferenceDid(k.did, { versionId: '1' }),
      'ERR_DID_FEATURE_NOT_SUPPORTED',
    );
  });
});

describe('dereferenceDid: tampered answers are rejected', () => {
  const vmUrl = (): string => renderDocument(l.record(A), true).verificationMethod[0]!.id;
  const cases: {
    name: string;
    url: () => string;
    tamper: (b: Body, x: Exchange) => void;
    code: ErrorCode;
  }[] = [
    {
      name: 'content: the key',
      url: vmUrl,
      tamper: (b) => {
        b.content.publicKeyMultibase = other;
      },
      code: 'ERR_DID_BAD_PROOF',
    },
    {
      name: 'content: another method of the document',
      url: () => `${A}#home`,
      tamper: (b) => {
        b.content = {
          '@context': DID_CONTEXT,
          ...renderDocument(l.record(A), false).verificationMethod[0],
        };
      },
      code: 'ERR_DID_BAD_PROOF',
    },
    {
      name: 'content: the service endpoint',
      url: () => `${A}?service=home`,
      tamper: (b) => {
        b.content.service[0].serviceEndpoint = 'https://evil.example/';
      },
      code: 'ERR_DID_BAD_PROOF',
    },
    {
      name: 'content: every service kept',
      url: () => `${A}?service=home`,
      tamper: (b) => {
        b.content.service.push({
          id: `${A}#evil`,
          type: 'LinkedDomains',
          serviceEndpoint: 'https://evil.example/',
        });
      },
      code: 'ERR_DID_BAD_PROOF',
    },
    {
      name: 'content metadata: versionId',
      url: vmUrl,
      tamper: (b) => {
        b.contentMetadata.versionId = '1';
      },
      code: 'ERR_DID_BAD_PROOF',
    },
    {
      name: 'content metadata: deactivated hidden',
      url: () => `${B}#key-0`,
      tamper: (b, x) => {
        x.status = 200;
        b.contentMetadata.deactivated = false;
      },
      code: 'ERR_DID_BAD_PROOF',
    },
    {
      name: 'contentType: an unknown one',
      url: vmUrl,
      tamper: (b) => {
        b.dereferencingMetadata.contentType = 'text/plain';
      },
      code: 'ERR_DID_BAD_PROOF',
    },
    {
      name: 'an existing method claimed NOT_FOUND (with the proof of the record)',
      url: vmUrl,
      tamper: (b, x) => {
        x.status = 404;
        b.content = null;
        b.contentMetadata = {};
        b.dereferencingMetadata = {
          error: {
            type: 'https://www.w3.org/ns/did#NOT_FOUND',
            title: 'Not found',
            detail: 'gone',
            code: 'ERR_DID_RESOURCE_NOT_FOUND',
          },
          proof: b.dereferencingMetadata.proof,
        };
      },
      code: 'ERR_DID_BAD_PROOF',
    },
    {
      name: 'an existing method claimed NOT_FOUND without a proof',
      url: vmUrl,
      tamper: (b, x) => {
        x.status = 404;
        b.dereferencingMetadata = {
          error: {
            type: 'https://www.w3.org/ns/did#NOT_FOUND',
            title: 'Not found',
            detail: 'gone',
            code: 'ERR_DID_RESOURCE_NOT_FOUND',
          },
        };
      },
      code: 'ERR_DID_BAD_PROOF',
    },
    {
      name: 'a missing method answered with a made-up one',
      url: () => `${A}#nope`,
      tamper: (b, x) => {
        x.status = 200;
        b.content = {
          '@context': DID_CONTEXT,
          id: `${A}#nope`,
          type: 'Multikey',
          controller: A,
          publicKeyMultibase: other,
        };
        b.contentMetadata = renderResolution(
          { record: l.record(A), next: undefined },
          true,
        ).didDocumentMetadata;
        b.dereferencingMetadata = {
          contentType: MEDIA.didLdJson,
          proof: b.dereferencingMetadata.proof,
        };
      },
      code: 'ERR_DID_BAD_PROOF',
    },
    {
      name: 'proof: a sibling dropped',
      url: vmUrl,
      tamper: (b) => {
        proofOf(b).stateProofs[0]!.siblings.pop();
      },
      code: 'ERR_DID_BAD_PROOF',
    },
    {
      name: 'proof: missing',
      url: vmUrl,
      tamper: (b) => {
        delete b.dereferencingMetadata.proof;
      },
      code: 'ERR_DID_BAD_PROOF',
    },
    {
      name: 'proof: of an old version (versionId 1 has key-0)',
      url: () => `${A}#key-0`,
      tamper: () => undefined,
      code: 'ERR_DID_RESOURCE_NOT_FOUND',
    },
    {
      name: 'checkpoint: a stateRoot bit',
      url: vmUrl,
      tamper: (b) => {
        const cp = proofOf(b).checkpoint.checkpoint as { stateRoot: string };
        cp.stateRoot = flipHex(cp.stateRoot, 10);
      },
      code: 'ERR_LEDGER_BAD_CHECKPOINT',
    },
  ];
  for (const c of cases) {
    test(`${c.name} → ${c.code}`, async () => {
      await rejects(clientOf(c.tamper).dereferenceDid(c.url()), c.code);
    });
  }

  test('the answer for version 1 passed off as the current one → ERR_DID_BAD_PROOF', async () => {
    const v1 = (await getIdentifier(app, `${A}?versionId=1#key-0`, { accept: MEDIA.dereferencing }))
      .body;
    await rejects(
      clientOf((_b, x) => {
        x.status = 200;
        x.json = v1;
      }).dereferenceDid(`${A}#key-0`),
      'ERR_DID_BAD_PROOF',
    );
  });
});

describe('fork detection', () => {
  test('a node on a fork (same genesis and org key, another history) → ERR_LEDGER_INCONSISTENT', async () => {
    const fork = openDidLedger({ orgs: l.ledger.orgs });
    const forkApp = await appOf(fork);
    try {
      assert.equal(
        fork.ledger.node.chain.genesisHash,
        l.ledger.node.chain.genesisHash,
        'same chain',
      );
      // A different, longer history, signed with the same (equivocating) org key.
      fork.ledger.clock.now = T0 + HOUR;
      const seeds = Array.from({ length: 10 }, (_, i) => testSeed(`fork ${i}`));
      for (const s of seeds) await fork.commit(planCreate(s));
      let target = app;
      const fetch = ((input: string | URL | Request, init?: RequestInit) =>
        injectFetch(target)(input, init)) as typeof globalThis.fetch;
      const c = new RealdidClient({ url: 'http://node.test', fetch });
      await c.resolveDid(A);
      target = forkApp;
      await rejects(c.resolveDid(planCreate(seeds[0]!).did), 'ERR_LEDGER_INCONSISTENT');
      // A fresh client that never saw the honest chain cannot tell: it accepts the fork.
      const naive = new RealdidClient({ url: 'http://node.test', fetch });
      assert.equal(
        (await naive.resolveDid(planCreate(seeds[0]!).did)).didDocumentMetadata.versionId,
        '1',
      );
    } finally {
      await forkApp.close();
      await fork.close();
    }
  });
});
