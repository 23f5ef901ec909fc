/**
 * The resolver's read model (DidViewCache): its answers — the DID resolution result and the DID
 * URL dereferencing result of a current did:rdid — are byte for byte the resolver's own
 * (resolveForHttp with the node's proof writer), with the same exact Content-Type, for any
 * record; they follow every committed block (update, rotation, deactivation), stay within their
 * byte budget (compacting replaced views), switch off on a record they cannot render, refill from
 * the store when a node reopens, and decline everything they do not serve (history, bare
 * documents, options, DID URLs with a fragment, path or service, other methods).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import fc from 'fast-check';
import { canonicalize, sha256, toBase58btc, toHex, utf8 } from '../../src/crypto/index.ts';
import {
  DID_KEYS,
  DidViewCache,
  MEDIA,
  planCreate,
  planDeactivate,
  planRotate,
  planUpdate,
  resolveForHttp,
  type DidRecord,
  type ProofWriter,
  type ViewProofSource,
} from '../../src/did/index.ts';
import { StateTree, type StateReader } from '../../src/ledger/index.ts';
import { didRuntimeOf } from '../../src/did/index.ts';
import type { LedgerNode } from '../../src/node/index.ts';
import { RealdidClient } from '../../src/sdk/index.ts';
import {
  appOf,
  assertAnswerSchema,
  injectFetch,
  openDidLedger,
  testSeed,
  type DidLedger,
} from './_helpers.ts';

const CHECKPOINT = {
  checkpoint: { chainId: 'test', height: 7, hash: 'ab'.repeat(32) },
  signatures: [{ org: 'o"1', key: 'k', sig: 's\u00e9' }],
};
/** Accept headers of every full result the views serve: resolution (both types) and dereferencing. */
const ACCEPTS = [
  undefined,
  '',
  MEDIA.resolution,
  MEDIA.resolutionLd,
  '*/*',
  'application/did+json;q=0.5, application/did-resolution',
  MEDIA.dereferencing,
  'text/html;q=0.2, application/did-url-dereferencing;q=0.9',
];

/** A state, its tree, the uncached resolver's proof writer and the views' proof source over them. */
function world(): {
  state: Map<string, string>;
  reader: StateReader;
  tree: StateTree;
  writeProof: ProofWriter;
  source: ViewProofSource;
} {
  const state = new Map<string, string>();
  const tree = new StateTree();
  const cpText = JSON.stringify(CHECKPOINT);
  return {
    state,
    reader: { get: (k) => state.get(k) },
    tree,
    writeProof: (keys, values) =>
      `{"checkpoint":${cpText},"stateProofs":[${keys.map((k, i) => tree.proveJson(k, values[i] ?? null, false)).join(',')}]}`,
    source: {
      checkpointJson: () => Buffer.from(cpText),
      writeInclusionSiblingsJson: (key, out, offset) =>
        tree.writeInclusionSiblingsJson(key, out, offset),
      siblingsJsonMaxBytes: StateTree.siblingsJsonMaxBytes,
    },
  };
}

function put(w: ReturnType<typeof world>, key: string, value: string): void {
  w.state.set(key, value);
  w.tree.set(key, value);
}

/** Asserts the views answer `did` exactly as the resolver does, for every full-result Accept. */
function assertSameAnswers(views: DidViewCache, w: ReturnType<typeof world>, did: string): void {
  for (const accept of ACCEPTS) {
    const want = resolveForHttp(w.reader, did, accept, {}, w.writeProof);
    const got = views.answer(did, accept, {}, w.source);
    assert.ok(got !== undefined, `a view answers ${did} (Accept ${accept})`);
    assert.equal(got.body.toString('utf8'), want.body, `same body for Accept ${accept}`);
    assert.equal(got.status, want.status);
    assert.equal(got.contentType, want.contentType);
    assert.doesNotMatch(got.contentType, /charset/, 'the registered media type, without charset');
  }
}

const idOf = (seed: string): string => toBase58btc(sha256(utf8(seed)));
// Strings the schema would never let through, to show the views escape like the resolver.
const anyText = fc.string({ unit: 'grapheme', maxLength: 12 });
const recordArb = fc.record({
  seed: fc.string({ maxLength: 8 }),
  version: fc.integer({ min: 1, max: 40 }),
  created: fc.integer({ min: 0, max: 4_000_000_000_000 }),
  later: fc.integer({ min: 0, max: 1_000_000_000 }),
  deactivated: fc.boolean(),
  recoveryCommitment: anyText,
  keys: fc.array(fc.record({ id: anyText, publicKeyMultibase: anyText }), {
    minLength: 1,
    maxLength: 4,
  }),
  services: fc.option(
    fc.array(fc.record({ id: anyText, type: anyText, serviceEndpoint: anyText }), { maxLength: 3 }),
    { nil: undefined },
  ),
  assertion: fc.boolean(),
  txId: anyText,
});

type Raw = typeof recordArb extends fc.Arbitrary<infer T> ? T : never;

/** A record from generated parts (fields the test does not vary get plain defaults). */
function recordOf(r: Partial<Raw> & { seed: string }): DidRecord {
  const keys = r.keys ?? [{ id: 'key-0', publicKeyMultibase: `z6Mk${'a'.repeat(44)}` }];
  const ids = keys.map((k) => k.id);
  const version = r.version ?? 1;
  const created = r.created ?? 1_700_000_000_000;
  return {
    did: `did:rdid:${idOf(r.seed)}`,
    version,
    created,
    updated: created + (version === 1 ? 0 : (r.later ?? 0)),
    deactivated: r.deactivated ?? false,
    recoveryCommitment: r.recoveryCommitment ?? 'r'.repeat(64),
    document: {
      verificationMethod: keys.map((k) => ({
        id: k.id,
        type: 'Multikey' as const,
        publicKeyMultibase: k.publicKeyMultibase,
      })),
      authentication: ids,
      capabilityInvocation: ids.slice(0, 1),
      ...(r.assertion === true ? { assertionMethod: ids } : {}),
      ...(r.services === undefined ? {} : { service: r.services }),
    },
    txId: r.txId ?? 'f'.repeat(64),
  };
}

/** A record in state and in the views. */
function store(
  w: ReturnType<typeof world>,
  views: DidViewCache,
  record: DidRecord,
): { key: string; value: string } {
  const key = DID_KEYS.current(record.did.slice('did:rdid:'.length));
  const value = canonicalize(record);
  put(w, key, value);
  views.fill([{ key, value }]);
  return { key, value };
}

describe('DidViewCache answers', () => {
  test("byte for byte the resolver's answer, for any record (property)", () => {
    fc.assert(
      fc.property(fc.array(recordArb, { minLength: 1, maxLength: 6 }), (raw) => {
        const w = world();
        const views = new DidViewCache(1 << 20);
        put(w, 'gov/other', '{"x":1}');
        const records = raw.map((r) => recordOf(r));
        for (const record of records) store(w, views, record);
        // The last write of each DID is its current record.
        for (const did of new Set(records.map((r) => r.did))) assertSameAnswers(views, w, did);
      }),
      { numRuns: 150 },
    );
  });

  test('one DID alone in the tree (a proof with no siblings)', () => {
    const w = world();
    const views = new DidViewCache(1 << 20);
    const record = recordOf({ seed: 'alone' });
    store(w, views, record);
    assert.match(
      views.answer(record.did, undefined, {}, w.source)!.body.toString(),
      /"siblings":\[\]/,
    );
    assertSameAnswers(views, w, record.did);
  });

  test('declines what it does not serve: options, bare documents, 406, other methods, unknown DIDs', () => {
    const w = world();
    const views = new DidViewCache(1 << 20);
    const record = recordOf({ seed: 'x', version: 2, later: 5000 });
    store(w, views, record);
    const source = w.source;
    assert.ok(views.answer(record.did, undefined, {}, source) !== undefined);
    assert.equal(
      views.answer(record.did, undefined, { versionId: '1' }, source),
      undefined,
      'versionId',
    );
    assert.equal(
      views.answer(record.did, undefined, { versionTime: '2026-01-01T00:00:00Z' }, source),
      undefined,
      'versionTime',
    );
    assert.equal(
      views.answer(`${record.did}?versionId=2`, undefined, {}, source),
      undefined,
      'DID URL with a query',
    );
    assert.equal(
      views.answer(`${record.did}#k`, undefined, {}, source),
      undefined,
      'DID URL with a fragment',
    );
    assert.equal(
      views.answer(`${record.did}?service=home`, MEDIA.dereferencing, {}, source),
      undefined,
      'DID URL with a service',
    );
    assert.equal(
      views.answer(`${record.did}/path`, MEDIA.dereferencing, {}, source),
      undefined,
      'DID URL with a path',
    );
    assert.equal(views.answer(record.did, MEDIA.uriList, {}, source), undefined, 'text/uri-list');
    assert.equal(
      views.answer(record.did, MEDIA.dereferencing, { service: 'home' }, source),
      undefined,
      'service as an option',
    );
    assert.equal(views.answer(record.did, MEDIA.didJson, {}, source), undefined, 'did+json');
    assert.equal(views.answer(record.did, MEDIA.didLdJson, {}, source), undefined, 'did+ld+json');
    assert.equal(views.answer(record.did, 'text/html', {}, source), undefined, 'unacceptable');
    assert.equal(
      views.answer(
        'did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp',
        undefined,
        {},
        source,
      ),
      undefined,
      'did:key',
    );
    assert.equal(
      views.answer(`did:rdid:${idOf('nobody')}`, undefined, {}, source),
      undefined,
      'not registered',
    );
    // A did:rdid the views do not hold is a miss (the DID URLs with a query, fragment or path too).
    assert.equal(views.stats().misses, 5);
    assert.equal(views.stats().hits, 1);
  });
});

describe('DidViewCache memory', () => {
  const w = world();
  const unused = new DidViewCache(0);
  const records = Array.from({ length: 40 }, (_, i) => {
    const record = recordOf({ seed: `m${i}`, assertion: true });
    return { record, ...store(w, unused, record) };
  });

  test('keeps what fits in its budget and declines the rest', () => {
    const one = new DidViewCache(1 << 20);
    one.fill([records[0]!]);
    const size = one.stats().bytes;
    const views = new DidViewCache(size * 10);
    views.fill(records);
    const { entries, overBudget, bytes, capacity } = views.stats();
    assert.ok(
      entries >= 5 && entries <= 10,
      `kept ${entries} of 40 views of ${size} bytes in ${size * 10}`,
    );
    assert.equal(entries + overBudget, 40);
    assert.ok(
      bytes <= size * 10 && capacity <= size * 10,
      `bytes ${bytes}, capacity ${capacity} within the budget`,
    );
    let answered = 0;
    for (const { record } of records) {
      if (views.answer(record.did, undefined, {}, w.source) === undefined) continue;
      assertSameAnswers(views, w, record.did);
      answered++;
    }
    assert.equal(answered, entries);
  });

  test('replaced views are compacted away: many versions of one DID take the room of one', () => {
    const views = new DidViewCache(64 * 1024);
    const { record, key } = records[1]!;
    let value = '';
    for (let v = 1; v <= 2000; v++) {
      value = canonicalize({ ...record, version: v, updated: record.created + v });
      views.applyChanges(new Map([[key, value]]));
    }
    put(w, key, value);
    const s = views.stats();
    assert.equal(s.entries, 1);
    assert.equal(s.overBudget, 0, 'never over budget: replaced views were reclaimed');
    const fresh = new DidViewCache(1 << 20);
    fresh.fill([{ key, value }]);
    assert.equal(s.bytes, fresh.stats().bytes, 'only the last version is live');
    assertSameAnswers(views, w, record.did);
    assert.match(
      views.answer(record.did, undefined, {}, w.source)!.body.toString(),
      /"versionId":"2000"/,
    );
  });

  test('freed slots are reused and compaction moves every live view', () => {
    const views = new DidViewCache(1 << 20);
    views.fill(records.slice(0, 20));
    views.applyChanges(new Map(records.slice(0, 10).map((r) => [r.key, null])));
    views.fill(records.slice(20, 30));
    // Rewrite the odd ones many times: the arena fills with replaced views and compacts.
    for (let round = 0; round < 60; round++) {
      for (const r of records.slice(10, 30).filter((_, i) => i % 2 === 1))
        views.applyChanges(new Map([[r.key, r.value]]));
    }
    const s = views.stats();
    assert.equal(s.entries, 20);
    assert.equal(s.overBudget, 0);
    assert.ok(s.capacity < 200_000, `compacted (capacity ${s.capacity})`);
    for (const r of records.slice(10, 30)) assertSameAnswers(views, w, r.record.did);
    for (const r of records.slice(0, 10))
      assert.equal(views.answer(r.record.did, undefined, {}, w.source), undefined);
  });

  test('a view without state switches the views off (the resolver answers from the store)', () => {
    const views = new DidViewCache(1 << 20);
    const record = recordOf({ seed: 'stateless' });
    const key = DID_KEYS.current(idOf('stateless'));
    views.fill([{ key, value: canonicalize(record) }]);
    assert.equal(views.answer(record.did, undefined, {}, w.source), undefined);
    assert.match(views.stats().disabled ?? '', /has a view but no state/);
  });

  test('a deleted key drops its view', () => {
    const views = new DidViewCache(1 << 20);
    views.fill(records.slice(0, 3));
    views.applyChanges(
      new Map([
        [records[0]!.key, null],
        ['gov/unrelated', null],
      ]),
    );
    assert.equal(views.stats().entries, 2);
    assert.equal(views.answer(records[0]!.record.did, undefined, {}, w.source), undefined);
  });

  test('a record it cannot render switches it off (and it stays off)', () => {
    const views = new DidViewCache(1 << 20);
    views.fill(records.slice(0, 3));
    views.applyChanges(new Map([[DID_KEYS.current(idOf('broken')), 'not json']]));
    const s = views.stats();
    assert.match(s.disabled ?? '', /could not be kept/);
    assert.equal(s.entries, 0);
    assert.equal(views.answer(records[1]!.record.did, undefined, {}, w.source), undefined);
    views.fill(records.slice(0, 3));
    assert.equal(views.stats().entries, 0, 'fill after switching off keeps nothing');
  });

  test('rejects a bad budget', () => {
    assert.throws(() => new DidViewCache(-1), RangeError);
    assert.throws(() => new DidViewCache(1.5), RangeError);
  });
});

/** The node's answer next to the uncached resolver's over the same committed state. */
async function assertNodeAnswersFromViews(
  node: LedgerNode,
  app: Awaited<ReturnType<typeof appOf>>,
  did: string,
  status: number,
): Promise<void> {
  const { chain } = node;
  const writeProof: ProofWriter = (keys, values) =>
    `{"checkpoint":${JSON.stringify(chain.signedCheckpoint())},"stateProofs":[${keys.map((k, i) => chain.stateProofJson(k, values[i] ?? null)).join(',')}]}`;
  const hits = didRuntimeOf(node)!.views.stats().hits;
  const res = await app.inject({ url: `/1.0/identifiers/${did}` });
  assert.equal(didRuntimeOf(node)!.views.stats().hits, hits + 1, 'answered from the views');
  assert.equal(res.statusCode, status);
  assert.equal(res.headers['content-type'], MEDIA.resolution);
  assert.equal(res.body, resolveForHttp(chain.state, did, undefined, {}, writeProof).body);
}

describe("a node's views follow its ledger", () => {
  const dirs: string[] = [];
  after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  test('create, update, rotate, deactivate: each answer is current and verifies in the SDK', async () => {
    const l = openDidLedger();
    const app = await appOf(l);
    try {
      const seed = testSeed('views A');
      const create = planCreate(seed);
      await l.commit(create);
      await assertNodeAnswersFromViews(l.ledger.node, app, create.did, 200);
      await l.commit(
        planUpdate(seed, l.record(create.did), 0, [
          {
            op: 'add-service',
            service: { id: 'home', type: 'LinkedDomains', serviceEndpoint: 'https://example.org/' },
          },
        ]),
      );
      await assertNodeAnswersFromViews(l.ledger.node, app, create.did, 200);
      await l.commit(planRotate(seed, l.record(create.did), 0, 1));
      await assertNodeAnswersFromViews(l.ledger.node, app, create.did, 200);
      const client = new RealdidClient({ url: 'http://node.test', fetch: injectFetch(app) });
      const live = await client.resolveDid(create.did);
      assert.equal(live.didDocumentMetadata.versionId, '3');
      await l.commit(planDeactivate(seed, l.record(create.did), 0));
      await assertNodeAnswersFromViews(l.ledger.node, app, create.did, 410);
      const gone = await client.resolveDid(create.did);
      assert.equal(gone.didDocumentMetadata.deactivated, true);
      // A historical version is not in the views: resolved from the store, as before.
      const hits = didRuntimeOf(l.ledger.node)!.views.stats().hits;
      const v1 = await app.inject({ url: `/1.0/identifiers/${create.did}?versionId=1` });
      assert.equal(v1.statusCode, 200);
      assert.equal(didRuntimeOf(l.ledger.node)!.views.stats().hits, hits);
    } finally {
      await app.close();
      await l.close();
    }
  });

  test('a commit listener that throws is removed; the block stays committed, the views go on, /health warns', async () => {
    const l = openDidLedger();
    const app = await appOf(l);
    try {
      const { chain } = l.ledger.node;
      let calls = 0;
      chain.onCommit(() => {
        calls++;
        throw new Error('boom');
      });
      const first = planCreate(testSeed('listener 1'));
      const { height } = await l.commit(first);
      assert.equal(chain.head.height, height, 'the block is committed');
      const second = planCreate(testSeed('listener 2'));
      await l.commit(second);
      assert.equal(calls, 1, 'removed after it threw');
      assert.deepEqual(
        chain.listenerErrors.map((e) => e.message),
        ['boom'],
      );
      await assertNodeAnswersFromViews(l.ledger.node, app, first.did, 200);
      await assertNodeAnswersFromViews(l.ledger.node, app, second.did, 200);
      const health = JSON.parse((await app.inject({ url: '/health' })).body) as {
        warnings?: string[];
      };
      assert.deepEqual(health.warnings, ['a commit listener failed and was removed: boom']);
    } finally {
      await app.close();
      await l.close();
    }
  });

  test('a node with no view budget answers the same from the store', async () => {
    const withViews = openDidLedger();
    const without = openDidLedger({ didViewCacheMb: 0 });
    const apps = [await appOf(withViews), await appOf(without)];
    try {
      const seed = testSeed('views B');
      for (const l of [withViews, without]) await l.commit(planCreate(seed));
      const did = planCreate(seed).did;
      const strip = (body: string): unknown => {
        const json = JSON.parse(body) as {
          didResolutionMetadata?: { proof?: unknown };
          dereferencingMetadata?: { proof?: unknown };
        };
        delete (json.didResolutionMetadata ?? json.dereferencingMetadata)!.proof;
        return json;
      };
      for (const accept of ACCEPTS) {
        const hits = didRuntimeOf(withViews.ledger.node)!.views.stats().hits;
        const headers = accept === undefined ? {} : { accept };
        const [a, b] = await Promise.all(
          apps.map((app) => app.inject({ url: `/1.0/identifiers/${did}`, headers })),
        );
        assert.equal(
          didRuntimeOf(withViews.ledger.node)!.views.stats().hits,
          hits + 1,
          `answered from the views (Accept ${accept})`,
        );
        assert.equal(a!.statusCode, 200);
        assert.equal(b!.statusCode, 200);
        assert.equal(
          a!.headers['content-type'],
          b!.headers['content-type'],
          `same Content-Type for Accept ${accept}`,
        );
        assert.doesNotMatch(String(a!.headers['content-type']), /charset/);
        // Same document and metadata (the two ledgers' proofs differ: their blocks differ).
        assert.deepEqual(strip(a!.body), strip(b!.body));
      }
      assert.equal(didRuntimeOf(without.ledger.node)!.views.stats().entries, 0);
    } finally {
      await Promise.all(apps.map((app) => app.close()));
      await withViews.close();
      await without.close();
    }
  });

  /** A ledger file holding `count` new DIDs (one block), closed, and the ledger reopened on it. */
  async function reopenedWithDids(
    label: string,
    count: number,
  ): Promise<{ again: DidLedger; seeds: Uint8Array[]; creates: ReturnType<typeof planCreate>[] }> {
    const dir = mkdtempSync(join(tmpdir(), 'realdid-views-'));
    dirs.push(dir);
    const path = join(dir, 'ledger.sqlite');
    const l = openDidLedger({ path, maxBlockTxs: 1000 });
    const seeds = Array.from({ length: count }, (_, i) => testSeed(`${label} ${i}`));
    const creates = seeds.map((seed) => planCreate(seed));
    const out = await l.ledger.node.submit(creates.map((c) => l.sign(c)));
    assert.ok(out.every((o) => o.ok));
    const orgs = l.ledger.orgs;
    await l.close();
    return { again: openDidLedger({ path, orgs }), seeds, creates };
  }

  test('a reopened node fills its views in chunks, taking in blocks committed meanwhile', async () => {
    const { again, seeds, creates } = await reopenedWithDids('views warm', 700);
    const { node } = again.ledger;
    // The first chunk is filled at open; the rest between turns of the event loop.
    assert.ok(didRuntimeOf(node)!.views.stats().entries < 700, 'still filling');
    const filledAtCommit: number[] = [];
    node.chain.onCommit(() => filledAtCommit.push(didRuntimeOf(node)!.views.stats().entries));
    // Update DIDs on both sides of the fill cursor while it runs.
    const sorted = creates
      .map((c, i) => ({ c, seed: seeds[i]! }))
      .sort((a, b) => (a.c.did < b.c.did ? -1 : 1));
    const touched = [sorted[0]!, sorted[350]!, sorted[699]!];
    const service = {
      id: 'late',
      type: 'LinkedDomains',
      serviceEndpoint: 'https://example.org/late',
    };
    await Promise.all(
      touched.map((t) =>
        again.commit(
          planUpdate(t.seed, again.record(t.c.did), 0, [{ op: 'add-service', service }]),
        ),
      ),
    );
    assert.ok(
      filledAtCommit.some((n) => n < 700),
      `a block was committed mid-fill (views at each commit: ${filledAtCommit.join(', ')})`,
    );
    const app = await appOf(again);
    try {
      await node.ready;
      assert.equal(didRuntimeOf(node)!.views.stats().entries, 700);
      for (const t of touched) await assertNodeAnswersFromViews(node, app, t.c.did, 200);
      for (const t of sorted.filter((_, i) => i % 50 === 7))
        await assertNodeAnswersFromViews(node, app, t.c.did, 200);
    } finally {
      await app.close();
      await again.close();
    }
  });

  test('a reopened node fills its views from the store', async () => {
    const { again, creates } = await reopenedWithDids('views reopen', 3);
    const dids = creates.map((c) => c.did);
    const app = await appOf(again);
    try {
      await again.ledger.node.ready;
      assert.equal(didRuntimeOf(again.ledger.node)!.views.stats().entries, 3);
      for (const did of dids) await assertNodeAnswersFromViews(again.ledger.node, app, did, 200);
      const metrics = await app.inject({ url: '/metrics' });
      assert.match(metrics.body, /^realdid_did_views 3$/m);
      assert.match(metrics.body, /^# TYPE realdid_did_view_hits_total counter$/m);
      assert.match(metrics.body, /^realdid_did_views_off 0$/m);
      assert.equal(JSON.parse((await app.inject({ url: '/health' })).body).warnings, undefined);
      // Switched off: the node still answers (from the store), and says so.
      didRuntimeOf(again.ledger.node)!.views.switchOff('test');
      const health = JSON.parse((await app.inject({ url: '/health' })).body) as {
        status: string;
        warnings?: string[];
      };
      assert.equal(health.status, 'ok');
      assert.deepEqual(health.warnings, [
        'resolver views are off (every DID is resolved from the store): test',
      ]);
      assert.match((await app.inject({ url: '/metrics' })).body, /^realdid_did_views_off 1$/m);
      assert.equal((await app.inject({ url: `/1.0/identifiers/${dids[0]}` })).statusCode, 200);
    } finally {
      await app.close();
      await again.close();
    }
  });
});

test("the answers of a view are the JSON the route's response schema describes", () => {
  const w = world();
  const views = new DidViewCache(1 << 20);
  const realKey = `z6Mk${'a'.repeat(44)}`;
  const record = recordOf({
    seed: 'json',
    version: 3,
    later: 99_000,
    recoveryCommitment: toHex(new Uint8Array(32)),
    keys: [{ id: 'key-0', publicKeyMultibase: realKey }],
    services: [{ id: 'home', type: 'LinkedDomains', serviceEndpoint: 'https://example.org/' }],
    assertion: true,
  });
  const { key } = store(w, views, record);
  const metadata = {
    created: '2023-11-14T22:13:20Z',
    updated: '2023-11-14T22:14:59Z',
    versionId: '3',
    deactivated: false,
  };
  const answer = views.answer(record.did, undefined, {}, w.source)!;
  const body = JSON.parse(answer.body.toString()) as Record<string, any>;
  assert.deepEqual(Object.keys(body), [
    '@context',
    'didDocument',
    'didResolutionMetadata',
    'didDocumentMetadata',
  ]);
  assert.equal(body.didResolutionMetadata.contentType, MEDIA.didLdJson);
  assert.equal(body.didResolutionMetadata.proof.length, 1, 'a set of one proof');
  assert.deepEqual(body.didResolutionMetadata.proof[0].checkpoint, CHECKPOINT);
  assert.equal(body.didResolutionMetadata.proof[0].stateProofs[0].key, key);
  assert.equal(body.didResolutionMetadata.proof[0].stateProofs[0].value, w.state.get(key));
  assert.deepEqual(body.didDocumentMetadata, metadata);
  assert.equal(body.didDocument.service[0].id, `${record.did}#home`);
  assert.equal(
    'capabilityDelegation' in body.didDocument,
    false,
    'an empty relationship is omitted',
  );
  assertAnswerSchema({
    status: answer.status,
    contentType: answer.contentType,
    body: withSchemaCheckpoint(body, 'didResolutionMetadata'),
  });
  const deref = views.answer(record.did, MEDIA.dereferencing, {}, w.source)!;
  assert.equal(deref.contentType, MEDIA.dereferencing);
  const derefBody = JSON.parse(deref.body.toString()) as Record<string, any>;
  assert.deepEqual(Object.keys(derefBody), ['content', 'dereferencingMetadata', 'contentMetadata']);
  assert.deepEqual(derefBody.content, body.didDocument);
  assert.deepEqual(derefBody.contentMetadata, metadata);
  assert.deepEqual(derefBody.dereferencingMetadata, body.didResolutionMetadata);
  assertAnswerSchema({
    status: deref.status,
    contentType: deref.contentType,
    body: withSchemaCheckpoint(derefBody, 'dereferencingMetadata'),
  });
});

/** The body with a checkpoint of the real shape in place of the test's stand-in. */
function withSchemaCheckpoint(body: Record<string, any>, metadata: string): Record<string, any> {
  const copy = structuredClone(body);
  copy[metadata].proof[0].checkpoint = {
    checkpoint: {
      chainId: 'test',
      height: 7,
      blockHash: 'ab'.repeat(32),
      logSize: 7,
      logRoot: 'cd'.repeat(32),
      stateRoot: 'ef'.repeat(32),
      time: 0,
    },
    signatures: [{ org: 'o1', key: 'k', sig: 's' }],
  };
  return copy;
}
