/**
 * The SDK's `finality` and `waitForFinality` against a solo node through `app.inject`: a block is
 * final once the governance quorum of organizations validly signed it, counted by the client
 * against the organization keys in governance state (proven state reads); a forged signature, one
 * by a key that is not the organization's, or one by an unknown organization is not counted,
 * whatever the node claims. A wait that runs out is ERR_SDK_TIMEOUT.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { toBase64url } from '../../src/crypto/index.ts';
import { isAppError } from '../../src/errors.ts';
import { signCheckpoint, type CheckpointSignature } from '../../src/ledger/index.ts';
import { buildApp } from '../../src/node/index.ts';
import { RealdidClient } from '../../src/sdk/index.ts';
import { injectFetch, type Exchange } from '../helpers/inject-fetch.ts';
import { makeOrg, openTestLedger, type TestLedger } from '../helpers/ledger.ts';

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

/** A client of the node; `tamper` may rewrite any answer (a lying node). */
function clientOf(tamper?: (x: Exchange) => void): RealdidClient {
  return new RealdidClient({ url: 'http://node.invalid', fetch: injectFetch(app, tamper) });
}

/** Org `i`'s signature over the node's checkpoint of block `height`. */
function cosig(i: number, height: number): CheckpointSignature {
  const o = l.orgs[i]!;
  return signCheckpoint(
    l.node.chain.signedCheckpoint(height).checkpoint,
    o.id,
    o.multikey,
    o.keyPair,
  );
}

function forged(s: CheckpointSignature): CheckpointSignature {
  const sig = Buffer.from(s.sig, 'base64url');
  sig[5]! ^= 0x01;
  return { ...s, sig: toBase64url(sig) };
}

/** A tamper that adds `extra` signatures to every finality answer, and claims it final. */
const addSignatures =
  (extra: () => CheckpointSignature[]) =>
  (x: Exchange): void => {
    if (!/^\/v1\/blocks\/\d+\/finality$/.test(x.path) || x.status !== 200) return;
    const a = x.json as { status: string; signatures: CheckpointSignature[] };
    x.json = { ...a, status: 'final', signatures: [...a.signatures, ...extra()] };
  };

async function cosign(i: number, height: number): Promise<void> {
  const res = await app.inject({
    method: 'POST',
    url: `/v1/checkpoints/${height}/signatures`,
    payload: cosig(i, height),
  });
  assert.equal(res.statusCode, 200, res.body);
}

describe('finality(height)', () => {
  test('pending with the node signature alone; final once a second member cosigns', async () => {
    const { height } = await l.submitOk(0, 'gov.propose', {
      change: { type: 'set-param', name: 'a', value: 1 },
    });
    const client = clientOf();
    const pending = await client.finality(height);
    assert.equal(pending.status, 'pending');
    assert.equal(pending.quorum, 2);
    assert.deepEqual(pending.signers, ['org1']);
    assert.deepEqual(pending.rejected, []);
    await cosign(1, height);
    const final = await client.finality(height);
    assert.equal(final.status, 'final');
    assert.deepEqual(final.signers, ['org1', 'org2']);
    assert.equal(final.checkpoint.height, height);
  });

  test('forged, wrong-key and unknown-org signatures are not counted, whatever the node claims', async () => {
    const { height } = await l.submitOk(0, 'gov.propose', {
      change: { type: 'set-param', name: 'b', value: 2 },
    });
    const stranger = makeOrg('org9');
    const cp = () => l.node.chain.signedCheckpoint(height).checkpoint;
    const client = clientOf(
      addSignatures(() => [
        forged(cosig(1, height)),
        // org3 named, but signed with org2's key and naming it
        signCheckpoint(cp(), 'org3', l.orgs[1]!.multikey, l.orgs[1]!.keyPair),
        signCheckpoint(cp(), stranger.id, stranger.multikey, stranger.keyPair),
      ]),
    );
    const f = await client.finality(height);
    assert.equal(f.status, 'pending', 'the node said final; the client counts one valid org');
    assert.deepEqual(f.signers, ['org1']);
    assert.deepEqual(
      f.rejected.map((s) => s.org),
      ['org2', 'org3', 'org9'],
    );
  });

  test('an answer for another block is ERR_SDK_BAD_RESPONSE; a block not there is ERR_LEDGER_NOT_FOUND', async () => {
    const client = clientOf((x) => {
      if (x.path === '/v1/blocks/1/finality') x.json = { ...(x.json as object), height: 0 };
    });
    await assert.rejects(client.finality(1), (e: unknown) => isAppError(e, 'ERR_SDK_BAD_RESPONSE'));
    await assert.rejects(clientOf().finality(9999), (e: unknown) =>
      isAppError(e, 'ERR_LEDGER_NOT_FOUND'),
    );
    await assert.rejects(clientOf().finality(-1), RangeError);
  });
});

describe('waitForFinality(height, { timeoutMs, pollMs })', () => {
  test('resolves once another member cosigns during the wait', async () => {
    const { height } = await l.submitOk(0, 'gov.propose', {
      change: { type: 'set-param', name: 'c', value: 3 },
    });
    const client = clientOf();
    const waiting = client.waitForFinality(height, { timeoutMs: 10_000, pollMs: 20 });
    setTimeout(() => void cosign(2, height), 100);
    const f = await waiting;
    assert.equal(f.status, 'final');
    assert.deepEqual(f.signers, ['org1', 'org3']);
  });

  test('a forged cosignature does not end the wait: ERR_SDK_TIMEOUT with what was counted', async () => {
    const { height } = await l.submitOk(0, 'gov.propose', {
      change: { type: 'set-param', name: 'd', value: 4 },
    });
    const client = clientOf(addSignatures(() => [forged(cosig(1, height))]));
    const started = Date.now();
    await assert.rejects(client.waitForFinality(height, { timeoutMs: 300, pollMs: 50 }), (e) => {
      assert.ok(isAppError(e, 'ERR_SDK_TIMEOUT'), String(e));
      assert.deepEqual(e.details, { height, timeoutMs: 300, quorum: 2, signers: ['org1'] });
      assert.match(e.message, /1 of 2 organizations signed \(org1\)/);
      return true;
    });
    assert.ok(Date.now() - started >= 300);
  });

  test('a block the node has not committed yet is waited for, then times out', async () => {
    const client = clientOf();
    const height = l.node.chain.head.height + 50;
    await assert.rejects(client.waitForFinality(height, { timeoutMs: 100, pollMs: 20 }), (e) => {
      assert.ok(isAppError(e, 'ERR_SDK_TIMEOUT'), String(e));
      assert.match(e.message, /no such block yet/);
      return true;
    });
  });

  test('bad options are RangeErrors', async () => {
    await assert.rejects(clientOf().waitForFinality(1, { pollMs: 0 }), RangeError);
    await assert.rejects(clientOf().waitForFinality(1, { timeoutMs: -1 }), RangeError);
  });
});
