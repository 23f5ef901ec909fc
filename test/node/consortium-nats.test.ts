/**
 * Three NATS-ordered ledger nodes (`openLedgerNode({ ordering: { type: 'nats', … } })`) over a
 * throw-away 3-server cluster, seen through their HTTP apps: `ready` waits for the connection,
 * `GET /v1/consortium` shows the stream, a block becomes final on every node (counted by the SDK),
 * a transaction that fails at execution is recorded invalid and answered as such by every node,
 * and the alarms reach the metrics and the log: a forged signature as a warning, a quorum signing
 * another block as a halt (`/health` 503, submissions ERR_LEDGER_DIVERGED). Skipped without
 * nats-server.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { jetstream } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import type { FastifyInstance } from 'fastify';
import { canonicalize, utf8 } from '../../src/crypto/index.ts';
import { isAppError } from '../../src/errors.ts';
import { decodeTx, signCheckpoint, type Checkpoint } from '../../src/ledger/index.ts';
import { buildApp, openLedgerNode, type LedgerNode } from '../../src/node/index.ts';
import { RealdidClient } from '../../src/sdk/index.ts';
import { injectFetch } from '../helpers/inject-fetch.ts';
import { makeGenesis, makeOrg, makeOrgs, signAs, type TestOrg } from '../helpers/ledger.ts';
import {
  NATS_MISSING,
  natsServerInstalled,
  startNatsCluster,
  type NatsCluster,
} from '../helpers/nats.ts';

const skip = natsServerInstalled() ? false : NATS_MISSING;
const CHAIN = 'node-nats-test';

interface Peer {
  readonly org: TestOrg;
  readonly node: LedgerNode;
  readonly app: FastifyInstance;
  readonly logs: string[];
}

let cluster: NatsCluster;
let nc: NatsConnection;
const orgs = makeOrgs(3);
const peers: Peer[] = [];
const nonces = new Map<string, number>();

/** A transaction of org `i` with its next nonce. */
function txOf(i: number, kind: string, body: Record<string, never> | object) {
  const org = orgs[i]!;
  const n = (nonces.get(org.id) ?? 0) + 1;
  nonces.set(org.id, n);
  return signAs(org, kind, body as never, n, Date.now());
}

async function until(cond: () => boolean | Promise<boolean>, ms: number, what: string) {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

async function getJson(app: FastifyInstance, url: string): Promise<any> {
  const res = await app.inject({ method: 'GET', url });
  assert.equal(res.statusCode, 200, `GET ${url}: ${res.body}`);
  return res.json();
}

/** Submits `tx` through `p`'s API; answers the height it committed at. */
async function post(p: Peer, tx: object): Promise<number> {
  const res = await p.app.inject({ method: 'POST', url: '/v1/txs', payload: tx });
  assert.equal(res.statusCode, 200, res.body);
  return res.json<{ height: number }>().height;
}

const metric = async (p: Peer, line: RegExp): Promise<boolean> =>
  line.test((await p.app.inject({ method: 'GET', url: '/metrics' })).body);

describe('a NATS-ordered consortium of three nodes, through the HTTP API', { skip }, () => {
  before(async () => {
    cluster = await startNatsCluster();
    nc = await connect({ servers: [...cluster.urls] });
    const genesis = makeGenesis(orgs, { quorum: 2, chainId: CHAIN, time: Date.now() - 60_000 });
    for (const [i, org] of orgs.entries()) {
      const logs: string[] = [];
      const line = (level: string) => (obj: object, msg: string) =>
        logs.push(`${level} ${msg} ${JSON.stringify(obj)}`);
      const node = openLedgerNode({
        path: ':memory:',
        genesis,
        signer: org.nodeSigner,
        signatureThreads: 0,
        ordering: { type: 'nats', servers: [cluster.urls[i]!], submitTimeoutMs: 15_000 },
        log: { info: line('info'), warn: line('warn'), error: line('error') },
      });
      peers.push({ org, node, app: await buildApp(node), logs });
    }
    await Promise.all(peers.map((p) => p.node.ready));
  });

  after(async () => {
    for (const p of peers) {
      await p.app.close();
      await p.node.close();
    }
    await nc?.close();
    await cluster?.stop();
  });

  test('ready: every node is connected; GET /v1/consortium shows the stream; logged', async () => {
    for (const p of peers) {
      const c = await getJson(p.app, '/v1/consortium');
      assert.equal(c.type, 'nats');
      assert.equal(c.stream, `RDID_${CHAIN}`);
      assert.equal(c.connected, true);
      assert.equal(c.org, p.org.id);
      assert.equal(c.member, true);
      assert.equal(c.halted, null);
      assert.deepEqual(c.alarms, { badSignature: 0, divergent: 0, equivocation: 0 });
      assert.ok(p.logs.some((l) => l.startsWith('info consortium: connected to NATS')));
      assert.ok(await metric(p, /^realdid_consortium_halted 0$/m));
    }
  });

  test('a transaction submitted to one node is committed on all and becomes final (SDK count)', async () => {
    const res = await peers[0]!.app.inject({
      method: 'POST',
      url: '/v1/txs',
      payload: txOf(0, 'gov.propose', {
        change: { type: 'set-param', name: 'natsTest', value: 1 },
      }),
    });
    assert.equal(res.statusCode, 200, res.body);
    const { height } = res.json<{ height: number }>();
    await until(() => peers.every((p) => p.node.chain.head.height >= height), 10_000, 'commits');
    const client = new RealdidClient({
      url: 'http://n2.invalid',
      fetch: injectFetch(peers[1]!.app),
    });
    const f = await client.waitForFinality(height, { timeoutMs: 10_000, pollMs: 50 });
    assert.equal(f.status, 'final');
    assert.ok(f.signers.length >= 2, `signers ${f.signers.join(',')}`);
    assert.deepEqual(f.rejected, []);
    for (const p of peers) {
      assert.ok(await metric(p, /^realdid_consortium_applied_seq [1-9]\d*$/m));
      const view = await getJson(p.app, `/v1/blocks/${height}/finality`);
      assert.equal(view.checkpoint.blockHash, f.checkpoint.blockHash);
    }
  });

  test('a transaction that fails at execution is recorded invalid, and every node says so', async () => {
    const tx = txOf(1, 'gov.approve', { proposal: 'ab'.repeat(32) });
    const res = await peers[1]!.app.inject({ method: 'POST', url: '/v1/txs', payload: tx });
    assert.equal(res.json().code, 'ERR_GOV_PROPOSAL_NOT_FOUND', res.body);
    const txId = decodeTx(tx).id;
    for (const p of peers) {
      await until(() => p.node.chain.invalidTx(txId) !== undefined, 10_000, 'the invalid record');
      const answer = await getJson(p.app, `/v1/txs/${txId}`);
      assert.equal(answer.status, 'invalid');
      assert.equal(answer.code, 'ERR_GOV_PROPOSAL_NOT_FOUND');
      const block = await getJson(p.app, `/v1/blocks/${answer.height}`);
      assert.deepEqual(
        block.invalid.map((x: { id: string }) => x.id),
        [txId],
      );
    }
  });

  test('an organization governance adds later runs a node: it replays from genesis, signs no block before its add-org block, then signs like a member; removed, it applies on and signs none', async () => {
    const org4 = makeOrg('org4');
    const genesis = peers[0]!.node.chain.genesis;
    // A member organization's node with a key that is not that member's is still refused.
    assert.throws(
      () =>
        openLedgerNode({
          path: ':memory:',
          genesis,
          signer: { ...org4.nodeSigner, org: 'org2' },
          signatureThreads: 0,
          ordering: { type: 'nats', servers: [cluster.urls[0]!] },
        }),
      (e: unknown) => isAppError(e, 'ERR_LEDGER_NOT_SIGNER'),
    );
    const dir = mkdtempSync(join(tmpdir(), 'realdid-late-org-'));
    const path = join(dir, 'org4.sqlite');
    let late: LedgerNode | undefined;
    let app: FastifyInstance | undefined;
    /** (Re)starts org4's node on its file store and waits until it has what the members have. */
    const startLate = async (): Promise<void> => {
      await app?.close();
      await late?.close();
      late = openLedgerNode({
        path,
        genesis,
        signer: org4.nodeSigner,
        signatureThreads: 0,
        ordering: { type: 'nats', servers: [cluster.urls[0]!], submitTimeoutMs: 15_000 },
      });
      app = await buildApp(late);
      await until(
        () => late!.chain.head.hash === peers[0]!.node.chain.head.hash,
        15_000,
        "org4's node to have the members' head",
      );
    };
    /** Proposed through org1's node, approved through org2's: the height it executed at. */
    const pass = async (change: object): Promise<number> => {
      const propose = txOf(0, 'gov.propose', { change });
      await post(peers[0]!, propose);
      return post(peers[1]!, txOf(1, 'gov.approve', { proposal: decodeTx(propose).id }));
    };
    const another = (name: string) =>
      post(peers[2]!, txOf(2, 'gov.propose', { change: { type: 'set-param', name, value: 1 } }));
    const orgsSigning = (node: LedgerNode, height: number): string[] =>
      node.chain.store.signatures(height).map((x) => x.org);
    const notMember = /"org4" is no consortium member at height \d+/;
    try {
      await startLate();
      let view = await getJson(app!, '/v1/consortium');
      assert.equal(view.org, 'org4');
      assert.equal(view.member, false);
      assert.ok(
        late!.warnings().some((w) => notMember.test(w)),
        late!.warnings().join('; '),
      );
      await startLate(); // a restart before it is a member: its store's head is checked the same way
      const added = await pass({
        type: 'add-org',
        org: { id: 'org4', name: org4.name, keys: [org4.multikey] },
      });
      const next = await another('afterOrg4');
      await until(
        () =>
          peers.every((p) => [added, next].every((h) => orgsSigning(p.node, h).includes('org4'))),
        15_000,
        "org4's signatures of the block that added it and the next, on every member's node",
      );
      view = await getJson(app!, '/v1/consortium');
      assert.equal(view.member, true);
      assert.ok(!late!.warnings().some((w) => notMember.test(w)));
      for (let h = 0; h < added; h++)
        assert.ok(
          !orgsSigning(late!, h).includes('org4'),
          `org4 signed block ${h}, before it joined`,
        );
      // A light client counts the new member's signature: it reads org4's key with a state proof.
      const client = new RealdidClient({
        url: 'http://n1.invalid',
        fetch: injectFetch(peers[0]!.app),
      });
      const f = await client.waitForFinality(next, { timeoutMs: 10_000, pollMs: 50 });
      assert.ok(f.signers.includes('org4'), `signers ${f.signers.join(',')}`);
      assert.deepEqual(f.rejected, []);
      // No node took org4's signatures for forgeries, early or late.
      for (const a of [...peers.map((p) => p.app), app!])
        assert.deepEqual((await getJson(a, '/v1/consortium')).alarms, {
          badSignature: 0,
          divergent: 0,
          equivocation: 0,
        });
      await startLate(); // a restart as a member
      assert.equal((await getJson(app!, '/v1/consortium')).member, true);
      // Removed by governance, org4's node applies on and signs no more.
      const removed = await pass({ type: 'remove-org', org: 'org4' });
      const last = await another('afterRemoval');
      await until(
        () => [late!, peers[0]!.node].every((n) => n.chain.head.height >= last),
        10_000,
        "org4's node to apply the removal",
      );
      assert.equal(
        late!.chain.store.block(last)!.hash,
        peers[0]!.node.chain.store.block(last)!.hash,
      );
      for (let h = removed; h <= last; h++)
        assert.ok(
          !orgsSigning(late!, h).includes('org4'),
          `org4 signed block ${h} after its removal`,
        );
      assert.equal((await getJson(app!, '/v1/consortium')).member, false);
      assert.equal(late!.chain.failed, undefined);
      assert.equal((await getJson(app!, '/v1/consortium')).halted, null);
    } finally {
      await app?.close();
      await late?.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('governance adds an organization with a key other than its node holds: that node stops applying (ERR_LEDGER_NOT_SIGNER), the others go on', async () => {
    const org5 = makeOrg('org5');
    const node5 = openLedgerNode({
      path: ':memory:',
      genesis: peers[0]!.node.chain.genesis,
      signer: org5.nodeSigner,
      signatureThreads: 0,
      ordering: { type: 'nats', servers: [cluster.urls[1]!], submitTimeoutMs: 15_000 },
    });
    try {
      await until(
        () => node5.chain.head.hash === peers[0]!.node.chain.head.hash,
        15_000,
        "org5's node to catch up",
      );
      const propose = txOf(0, 'gov.propose', {
        change: {
          type: 'add-org',
          org: { id: 'org5', name: org5.name, keys: [makeOrg('org5').multikey] },
        },
      });
      await post(peers[0]!, propose);
      await post(peers[1]!, txOf(1, 'gov.approve', { proposal: decodeTx(propose).id }));
      await until(
        () =>
          node5.consortium().type === 'nats' &&
          (node5.consortium() as { halted: unknown }).halted !== null,
        10_000,
        "org5's node to stop",
      );
      const view = node5.consortium() as { halted: { code: string; message: string } };
      assert.equal(view.halted.code, 'ERR_LEDGER_NOT_SIGNER');
      assert.match(
        view.halted.message,
        /makes "org5" a consortium member with keys other than this node's/,
      );
      // The members go on.
      await post(
        peers[2]!,
        txOf(2, 'gov.propose', { change: { type: 'set-param', name: 'afterOrg5', value: 1 } }),
      );
    } finally {
      await node5.close();
    }
  });

  test('a forged signature: a bad-signature alarm in the metrics and a warning in the log', async () => {
    const cp: Checkpoint = peers[0]!.node.chain.signedCheckpoint().checkpoint;
    const outsider = makeOrg('org2');
    // Counted from here: a removed organization's last signatures may have raised some already.
    const before = await Promise.all(
      peers.map(
        async (p) => (await getJson(p.app, '/v1/consortium')).alarms.badSignature as number,
      ),
    );
    const forgedWarning = (p: Peer) =>
      p.logs.some(
        (l) => l.startsWith('warn consortium:') && l.includes('claiming to be from "org2"'),
      );
    await jetstream(nc).publish(
      `realdid.${CHAIN}.sig.org2`,
      utf8(
        canonicalize({
          checkpoint: cp,
          signature: signCheckpoint(cp, 'org2', outsider.multikey, outsider.keyPair),
          v: 1,
        }),
      ),
    );
    for (const [i, p] of peers.entries()) {
      await until(() => forgedWarning(p), 10_000, 'the warning about the forged signature');
      assert.ok(await metric(p, /^realdid_consortium_alarms_total\{kind="bad-signature"\} [1-9]/m));
      assert.ok((await getJson(p.app, '/v1/consortium')).alarms.badSignature > before[i]!);
    }
  });

  test('a quorum signing another block halts the nodes: /health 503, submissions ERR_LEDGER_DIVERGED, logged', async () => {
    const cp: Checkpoint = peers[0]!.node.chain.signedCheckpoint().checkpoint;
    const other = { ...cp, stateRoot: '0'.repeat(64), blockHash: '1'.repeat(64) };
    const js = jetstream(nc);
    for (const org of [orgs[1]!, orgs[2]!])
      await js.publish(
        `realdid.${CHAIN}.sig.${org.id}`,
        utf8(
          canonicalize({
            checkpoint: other,
            signature: signCheckpoint(other, org.id, org.multikey, org.keyPair),
            v: 1,
          }),
        ),
      );
    const p = peers[0]!;
    await until(
      async () => (await getJson(p.app, '/v1/consortium')).halted !== null,
      10_000,
      'the halt',
    );
    assert.equal((await getJson(p.app, '/v1/consortium')).halted.code, 'ERR_LEDGER_DIVERGED');
    const health = await p.app.inject({ method: 'GET', url: '/health' });
    assert.equal(health.statusCode, 503);
    assert.match(
      health.json().warnings[0],
      /stopped applying consortium blocks: ERR_LEDGER_DIVERGED/,
    );
    assert.ok(await metric(p, /^realdid_consortium_halted 1$/m));
    assert.ok(await metric(p, /^realdid_consortium_alarms_total\{kind="halted"\} 1$/m));
    assert.ok(p.logs.some((l) => l.startsWith('error consortium:')));
    const refused = await p.app.inject({
      method: 'POST',
      url: '/v1/txs',
      payload: txOf(0, 'gov.propose', { change: { type: 'set-param', name: 'late', value: 2 } }),
    });
    assert.equal(refused.statusCode, 503, refused.body);
    assert.equal(refused.json().code, 'ERR_LEDGER_DIVERGED');
  });
});
