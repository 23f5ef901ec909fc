/**
 * The consortium routes on a solo node: `GET /v1/blocks/{height}/finality` (a solo node signs
 * alone, so with quorum 2 a block is pending until another organization cosigns it through
 * `POST /v1/checkpoints/{height}/signatures`), `GET /v1/consortium`, the invalid transactions a
 * block records (block view and `GET /v1/txs/{id}`), and what `/health` says. Bad input for these
 * routes is in api.test.ts.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { isAppError } from '../../src/errors.ts';
import {
  decodeTx,
  signCheckpoint,
  StateOverlay,
  type CheckpointSignature,
} from '../../src/ledger/index.ts';
import { buildApp } from '../../src/node/index.ts';
import { RealdidClient } from '../../src/sdk/index.ts';
import { injectFetch } from '../helpers/inject-fetch.ts';
import { openTestLedger, type TestLedger } from '../helpers/ledger.ts';

let l: TestLedger;
let app: FastifyInstance;

before(async () => {
  l = openTestLedger({ orgs: 3, genesis: { quorum: 2 } });
  app = await buildApp(l.node);
});

after(async () => {
  await app.close();
  await l.close();
});

async function getJson<T = any>(url: string): Promise<T> {
  const res = await app.inject({ method: 'GET', url });
  assert.equal(res.statusCode, 200, `GET ${url}: ${res.body}`);
  return res.json<T>();
}

/** Org `i`'s signature over the node's checkpoint of block `height`. */
function cosig(i: number, height: number): CheckpointSignature {
  const o = l.orgs[i]!;
  const { checkpoint } = l.node.chain.signedCheckpoint(height);
  return signCheckpoint(checkpoint, o.id, o.multikey, o.keyPair);
}

describe('GET /v1/blocks/{height}/finality on a solo node', () => {
  test('block 0 is pending with the node signature alone, final once a second org cosigns', async () => {
    const before = await getJson('/v1/blocks/0/finality');
    assert.equal(before.height, 0);
    assert.equal(before.status, 'pending');
    assert.equal(before.quorum, 2);
    assert.deepEqual(before.checkpoint, l.node.chain.signedCheckpoint(0).checkpoint);
    assert.deepEqual(
      before.signatures.map((s: CheckpointSignature) => s.org),
      ['org1'],
    );

    const res = await app.inject({
      method: 'POST',
      url: '/v1/checkpoints/0/signatures',
      payload: cosig(1, 0),
    });
    assert.equal(res.statusCode, 200, res.body);
    const after = await getJson('/v1/blocks/0/finality');
    assert.equal(after.status, 'final');
    assert.deepEqual(
      after.signatures.map((s: CheckpointSignature) => s.org),
      ['org1', 'org2'],
    );
    assert.deepEqual(after.checkpoint, before.checkpoint);
  });

  test('a new block starts pending; a third org’s cosignature makes it final too', async () => {
    const { height } = await l.submitOk(0, 'gov.propose', {
      change: { type: 'set-param', name: 'finalityTest', value: 1 },
    });
    assert.equal((await getJson(`/v1/blocks/${height}/finality`)).status, 'pending');
    const res = await app.inject({
      method: 'POST',
      url: `/v1/checkpoints/${height}/signatures`,
      payload: cosig(2, height),
    });
    assert.equal(res.statusCode, 200, res.body);
    const f = await getJson(`/v1/blocks/${height}/finality`);
    assert.equal(f.status, 'final');
    assert.deepEqual(
      f.signatures.map((s: CheckpointSignature) => s.org),
      ['org1', 'org3'],
    );
  });
});

describe('GET /v1/consortium and /health on a solo node', () => {
  test('a solo node answers {type: solo}', async () => {
    assert.deepEqual(await getJson('/v1/consortium'), { type: 'solo' });
  });

  test('/health stays ok and names no consortium warning', async () => {
    const health = await getJson('/health');
    assert.equal(health.status, 'ok');
    assert.equal(health.warnings, undefined);
  });

  test('the OpenAPI document lists both routes with their response schemas', async () => {
    const doc = await getJson('/docs/json');
    assert.ok(doc.paths['/v1/blocks/{height}/finality'].get.responses['200']);
    assert.ok(doc.paths['/v1/consortium'].get.responses['200']);
  });
});

describe('invalid transactions a block records (as consortium ordering writes them)', () => {
  let id: string;
  let height: number;

  before(() => {
    // A block holding one invalid entry, committed as the NATS orderer commits one.
    const tx = decodeTx(l.sign(1, 'gov.approve', { proposal: 'ab'.repeat(32) }));
    id = tx.id;
    const chain = l.node.chain;
    const head = chain.head;
    chain.commit({
      time: head.header.time + 1,
      txs: [],
      state: new StateOverlay(chain.state),
      invalid: [
        {
          id: tx.id,
          position: chain.log.size,
          code: 'ERR_GOV_PROPOSAL_NOT_FOUND',
          message: 'no proposal abab…',
          bytes: tx.bytes,
        },
      ],
    });
    height = chain.head.height;
  });

  test('the block view lists it; other blocks list none', async () => {
    const block = await getJson(`/v1/blocks/${height}`);
    assert.deepEqual(block.txIds, []);
    assert.deepEqual(block.invalid, [
      {
        id,
        position: l.node.chain.log.size,
        code: 'ERR_GOV_PROPOSAL_NOT_FOUND',
        message: 'no proposal abab…',
      },
    ]);
    assert.deepEqual((await getJson('/v1/blocks/1')).invalid, []);
  });

  test('GET /v1/txs/{id} answers 200 status invalid with the block and code; unknown ids stay 404', async () => {
    assert.deepEqual(await getJson(`/v1/txs/${id}`), {
      id,
      status: 'invalid',
      height,
      position: l.node.chain.log.size,
      code: 'ERR_GOV_PROPOSAL_NOT_FOUND',
      message: 'no proposal abab…',
    });
    const committed = await getJson(`/v1/txs/${(await getJson('/v1/blocks/1')).txIds[0]}`);
    assert.equal(committed.status, 'committed');
    const unknown = await app.inject({ method: 'GET', url: `/v1/txs/${'0'.repeat(64)}` });
    assert.equal(unknown.statusCode, 404);
    assert.equal(unknown.json().code, 'ERR_LEDGER_NOT_FOUND');
  });

  test('the SDK client throws the recorded code, with the block in details', async () => {
    const client = new RealdidClient({ url: 'http://node.invalid', fetch: injectFetch(app) });
    await assert.rejects(client.tx(id), (e: unknown) => {
      assert.ok(isAppError(e, 'ERR_GOV_PROPOSAL_NOT_FOUND'), String(e));
      assert.deepEqual(e.details, {
        status: 'invalid',
        height,
        position: l.node.chain.log.size,
      });
      return true;
    });
  });
});
