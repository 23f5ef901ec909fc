/**
 * The SDK client's memory of the chain: a pinned genesis, the last verified checkpoint, and what
 * it does with a node that rolls back, forks, or answers with an old checkpoint (freshness).
 *
 * Three in-memory nodes share one genesis and one org key: `honest` (heights 0…5), `behind` (the
 * same first two transactions, so its blocks 0…2 are byte-equal to honest's: a rollback of it) and
 * `fork` (the same first two, then another one: two different blocks at height 3). A client is
 * pointed at any of them through a `fetch` that routes to `app.inject()`.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { isAppError } from '../../src/errors.ts';
import type { Checkpoint, SignedTxJson } from '../../src/ledger/index.ts';
import { buildApp } from '../../src/node/index.ts';
import { RealdidClient, type ClientOptions } from '../../src/sdk/index.ts';
import { makeOrg, openTestLedger, signAs, T0, type TestLedger } from '../helpers/ledger.ts';

const MINUTE = 60_000;
const org = makeOrg('org1');
const nodes: { l: TestLedger; app: FastifyInstance }[] = [];
let honest: FastifyInstance;
let behind: FastifyInstance;
let fork: FastifyInstance;
let other: FastifyInstance; // another chain (another genesis) altogether

/** A node fed `txs` in order, each sealed at T0 + (i + 1) minutes. */
async function nodeWith(txs: readonly SignedTxJson[], chainId?: string): Promise<FastifyInstance> {
  const l = openTestLedger({
    orgs: [org],
    ...(chainId === undefined ? {} : { genesis: { chainId } }),
  });
  for (const [i, tx] of txs.entries()) {
    l.clock.now = T0 + (i + 1) * MINUTE;
    const [out] = await l.node.submit([tx]);
    assert.ok(out?.ok, `tx ${i} committed`);
  }
  const app = await buildApp(l.node, { logger: false });
  nodes.push({ l, app });
  return app;
}

/** org1's proposal number `n` (nonce n, created at T0 + n minutes). */
const proposal = (name: string, n: number): SignedTxJson =>
  signAs(org, 'gov.propose', { change: { type: 'set-param', name, value: n } }, n, T0 + n * MINUTE);

before(async () => {
  const txs = [1, 2, 3, 4, 5].map((n) => proposal('p', n));
  honest = await nodeWith(txs);
  behind = await nodeWith(txs.slice(0, 2));
  fork = await nodeWith([...txs.slice(0, 2), proposal('forked', 3)]);
  other = await nodeWith([], 'realdid-other');
});

after(async () => {
  for (const n of nodes) {
    await n.app.close();
    await n.l.close();
  }
});

/** A `fetch` that routes to whichever app `target()` names at the time of the call. */
function routedFetch(target: () => FastifyInstance): typeof fetch {
  return async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = new URL(
      typeof input === 'string' ? input : input instanceof URL ? input.href : input.url,
    );
    const res = await target().inject({
      method: (init?.method ?? 'GET') as 'GET' | 'POST',
      url: url.pathname + url.search,
      headers: (init?.headers ?? {}) as Record<string, string>,
      ...(typeof init?.body === 'string' ? { payload: init.body } : {}),
    });
    return new Response(res.body, {
      status: res.statusCode,
      headers: { 'content-type': 'application/json' },
    });
  };
}

function clientOf(app: FastifyInstance, options: Partial<ClientOptions> = {}): RealdidClient {
  return new RealdidClient({ url: 'http://node.test', fetch: routedFetch(() => app), ...options });
}

/** Asserts a rejection with `code`; returns the error. */
async function rejection(
  p: Promise<unknown>,
  code: string,
): Promise<Error & { code: string; details?: Record<string, unknown> }> {
  let caught: unknown;
  await assert.rejects(p, (err) => {
    caught = err;
    return isAppError(err) && err.code === code
      ? true
      : assert.fail(
          `expected ${code}, got ${(err as { code?: string }).code ?? ''}: ${String(err)}`,
        );
  });
  return caught as Error & { code: string; details?: Record<string, unknown> };
}

/** The error names both checkpoints: height and block hash of each, in the message and in details. */
function assertNamesBoth(
  err: Error & { details?: Record<string, unknown> },
  remembered: Checkpoint,
  received: Checkpoint,
): void {
  for (const cp of [remembered, received]) {
    assert.ok(
      err.message.includes(String(cp.height)),
      `message names height ${cp.height}: ${err.message}`,
    );
    assert.ok(
      err.message.includes(cp.blockHash),
      `message names block ${cp.blockHash}: ${err.message}`,
    );
  }
  const d = err.details as { remembered: Checkpoint; received: Checkpoint };
  assert.deepEqual(
    { height: d.remembered.height, blockHash: d.remembered.blockHash },
    { height: remembered.height, blockHash: remembered.blockHash },
  );
  assert.deepEqual(
    { height: d.received.height, blockHash: d.received.blockHash },
    { height: received.height, blockHash: received.blockHash },
  );
}

describe('test set-up', () => {
  test('behind is a true prefix of honest; fork shares blocks 0…2 and differs at 3', async () => {
    const [h, b, f] = await Promise.all(
      [honest, behind, fork].map((a) => clientOf(a).checkpoint()),
    );
    assert.deepEqual([h!.height, b!.height, f!.height], [5, 2, 3]);
    const h2 = (await clientOf(honest).signedCheckpoint(2)).checkpoint;
    const f2 = (await clientOf(fork).signedCheckpoint(2)).checkpoint;
    assert.equal(h2.blockHash, b!.blockHash);
    assert.equal(f2.blockHash, b!.blockHash);
    const h3 = (await clientOf(honest).signedCheckpoint(3)).checkpoint;
    assert.notEqual(h3.blockHash, f!.blockHash);
  });
});

describe('rollback: a checkpoint below the one already verified', () => {
  test('a persisted checkpoint at height 5, the node now at 2 → ERR_SDK_ROLLBACK naming both', async () => {
    const remembered = await clientOf(honest).checkpoint();
    const c = clientOf(behind, { lastCheckpoint: remembered });
    const received = (await clientOf(behind).signedCheckpoint()).checkpoint;
    const err = await rejection(c.checkpoint(), 'ERR_SDK_ROLLBACK');
    assertNamesBoth(err, remembered, received);
    assert.equal(c.lastCheckpoint, remembered, 'the remembered checkpoint is kept');
  });

  test('within one client: height 5 seen, then the node answers at 2 → ERR_SDK_ROLLBACK (state and tx answers too)', async () => {
    let target = honest;
    const c = new RealdidClient({ url: 'http://node.test', fetch: routedFetch(() => target) });
    const seen = await c.checkpoint();
    const { id } = (await c.tx(await firstTxId(c))).tx;
    target = behind;
    await rejection(c.checkpoint(), 'ERR_SDK_ROLLBACK');
    await rejection(c.state('gov/quorum'), 'ERR_SDK_ROLLBACK');
    await rejection(c.tx(id), 'ERR_SDK_ROLLBACK');
    assert.equal(c.lastCheckpoint, seen);
  });

  test('acceptOlderCheckpoints: an older checkpoint that the node cannot prove a prefix of ours is still refused as a rollback', async () => {
    const remembered = await clientOf(honest).checkpoint();
    // `behind` does not have the log of size 5, so it cannot prove its checkpoint is a prefix.
    await rejection(
      clientOf(behind, { lastCheckpoint: remembered, acceptOlderCheckpoints: true }).checkpoint(),
      'ERR_SDK_ROLLBACK',
    );
  });

  test('acceptOlderCheckpoints: an older checkpoint proven to be a prefix is accepted; the newer one stays remembered', async () => {
    const c = clientOf(honest, { acceptOlderCheckpoints: true });
    const latest = await c.checkpoint();
    const old = await c.acceptCheckpoint(await c.signedCheckpoint(2));
    assert.equal(old.height, 2);
    assert.equal(c.lastCheckpoint, latest);
  });

  test('a past checkpoint asked for on purpose (floor: null) is checked as a prefix, not taken for a rollback', async () => {
    const c = clientOf(honest);
    const latest = await c.checkpoint();
    const old = await c.acceptCheckpoint(await c.signedCheckpoint(1), { floor: null });
    assert.equal(old.height, 1);
    assert.equal(c.lastCheckpoint, latest);
  });

  test('answers that were in flight together are not a rollback: the floor is what the client knew when it asked', async () => {
    const l = openTestLedger({ orgs: [org] });
    const app = await buildApp(l.node, { logger: false });
    nodes.push({ l, app });
    await l.submitOk(0, 'gov.propose', { change: { type: 'set-param', name: 'a', value: 1 } });
    // The first /v1/checkpoint answer (height 1) is held back until the client has seen height 2.
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let checkpointAnswers = 0;
    const routed = routedFetch(() => app);
    const fetch = (async (input: string | URL | Request, init?: RequestInit) => {
      const res = await routed(input, init);
      if (String(input).endsWith('/v1/checkpoint') && checkpointAnswers++ === 0) await gate;
      return res;
    }) as typeof globalThis.fetch;
    const c = new RealdidClient({ url: 'http://node.test', fetch });
    await c.genesis();
    const early = c.checkpoint(); // asked while nothing was known
    while (checkpointAnswers === 0) await new Promise((r) => setTimeout(r, 1));
    l.clock.advance(MINUTE);
    await l.submitOk(0, 'gov.propose', { change: { type: 'set-param', name: 'b', value: 2 } });
    assert.equal((await c.checkpoint()).height, 2);
    release();
    assert.equal(
      (await early).height,
      1,
      'the early answer (height 1) is accepted: it was asked before height 2 was known',
    );
    assert.equal(c.lastCheckpoint?.height, 2, 'the newer checkpoint stays remembered');
  });
});

describe('fork: another block at a height already verified, or a history that does not extend it', () => {
  test('same height, another block hash → ERR_LEDGER_INCONSISTENT naming both', async () => {
    const h3 = (await clientOf(honest).signedCheckpoint(3)).checkpoint;
    const c = clientOf(honest);
    const remembered = await c.acceptCheckpoint(await c.signedCheckpoint(3));
    assert.equal(remembered.blockHash, h3.blockHash);
    const f = clientOf(fork, { lastCheckpoint: remembered });
    const received = (await clientOf(fork).signedCheckpoint()).checkpoint;
    const err = await rejection(f.checkpoint(), 'ERR_LEDGER_INCONSISTENT');
    assertNamesBoth(err, remembered, received);
  });

  test('a longer history that does not extend the remembered checkpoint → ERR_LEDGER_INCONSISTENT naming both', async () => {
    const remembered = await clientOf(fork).checkpoint(); // height 3 of the fork
    const received = await clientOf(honest).checkpoint(); // height 5 of honest
    const err = await rejection(
      clientOf(honest, { lastCheckpoint: remembered }).checkpoint(),
      'ERR_LEDGER_INCONSISTENT',
    );
    assertNamesBoth(err, remembered, received);
  });

  test('an honest node that moved on is accepted, and onCheckpoint hears of each newly remembered checkpoint', async () => {
    const remembered = (await clientOf(honest).signedCheckpoint(2)).checkpoint;
    const heard: Checkpoint[] = [];
    const c = clientOf(honest, {
      lastCheckpoint: remembered,
      onCheckpoint: (cp) => heard.push(cp),
    });
    const cp = await c.checkpoint();
    await c.checkpoint(); // the same one again: nothing new to hear
    assert.equal(cp.height, 5);
    assert.deepEqual(
      heard.map((x) => x.height),
      [5],
    );
  });
});

describe('genesis pin', () => {
  test('a node on another chain than the pinned genesis hash → ERR_SDK_GENESIS_MISMATCH naming both hashes', async () => {
    const pinned = (await clientOf(honest).genesis()).hash;
    const actual = (await clientOf(other).genesis()).hash;
    const err = await rejection(
      clientOf(other, { genesisHash: pinned }).checkpoint(),
      'ERR_SDK_GENESIS_MISMATCH',
    );
    assert.ok(err.message.includes(pinned) && err.message.includes(actual), err.message);
    assert.deepEqual(err.details, { pinned, actual, url: 'http://node.test' });
  });
});

describe('freshness', () => {
  test('minHeight: a checkpoint below it → ERR_SDK_STALE_CHECKPOINT (reason height); at it → accepted', async () => {
    const err = await rejection(
      clientOf(behind, { freshness: { minHeight: 3 } }).checkpoint(),
      'ERR_SDK_STALE_CHECKPOINT',
    );
    assert.equal(err.details?.reason, 'height');
    assert.equal(err.details?.height, 2);
    assert.equal(err.details?.minHeight, 3);
    assert.equal((await clientOf(behind, { freshness: { minHeight: 2 } }).checkpoint()).height, 2);
  });

  test('maxAgeMs: a checkpoint whose block time is older than that, by the injected clock → ERR_SDK_STALE_CHECKPOINT (reason age)', async () => {
    const cp = await clientOf(honest).checkpoint(); // block time T0 + 5 min
    const now = (): number => cp.time + 10 * MINUTE;
    const err = await rejection(
      clientOf(honest, { freshness: { maxAgeMs: 9 * MINUTE }, now }).state('gov/quorum'),
      'ERR_SDK_STALE_CHECKPOINT',
    );
    assert.deepEqual(
      { reason: err.details?.reason, ageMs: err.details?.ageMs, maxAgeMs: err.details?.maxAgeMs },
      { reason: 'age', ageMs: 10 * MINUTE, maxAgeMs: 9 * MINUTE },
    );
    assert.equal(
      (await clientOf(honest, { freshness: { maxAgeMs: 10 * MINUTE }, now }).state('gov/quorum'))
        .value,
      1,
    );
  });

  test('a stale answer is not remembered', async () => {
    const c = clientOf(behind, { freshness: { minHeight: 3 } });
    await rejection(c.checkpoint(), 'ERR_SDK_STALE_CHECKPOINT');
    assert.equal(c.lastCheckpoint, undefined);
  });

  test('bad freshness options are programmer errors (RangeError)', () => {
    assert.throws(() => clientOf(honest, { freshness: { minHeight: -1 } }), RangeError);
    assert.throws(() => clientOf(honest, { freshness: { maxAgeMs: Number.NaN } }), RangeError);
  });
});

/** The id of the first committed transaction (log index 0), read from block 1. */
async function firstTxId(c: RealdidClient): Promise<string> {
  const b = await c.block(1);
  assert.equal(b.txIds.length, 1);
  return b.txIds[0]!;
}
