import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { canonicalize, toBase64url, utf8 } from '../../src/crypto/index.ts';
import {
  checkpointOf,
  signCheckpoint,
  SqliteStore,
  streamNames,
  verifyChain,
  type ConsortiumAlarm,
  type SignedTxJson,
} from '../../src/ledger/index.ts';
import { makeOrg, makeOrgs, signAs } from '../helpers/ledger.ts';
import {
  NATS_MISSING,
  natsServerInstalled,
  startNatsCluster,
  type NatsCluster,
} from '../helpers/nats.ts';
import { makeGenesis, openNatsChain, registry, writer, type NatsChain } from './_nats-chains.ts';

const skip = natsServerInstalled() ? false : NATS_MISSING;

/** Resolves when `check` holds, polling; fails after `ms`. */
async function until(check: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

describe('NATS orderer: three organizations on a real 3-node JetStream cluster', { skip }, () => {
  let cluster: NatsCluster;
  let dir: string;
  let nc: NatsConnection;
  before(async () => {
    cluster = await startNatsCluster();
    dir = mkdtempSync(join(tmpdir(), 'realdid-nats-orderer-'));
    nc = await connect({ servers: [...cluster.urls] });
  });
  after(async () => {
    await nc?.close();
    await cluster?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  let chainNo = 0;
  /** A fresh consortium (own chain id, so own streams) of three nodes with file stores. */
  async function consortium(quorum = 2, params?: Record<string, number>) {
    const orgs = makeOrgs(3);
    const chainId = `t${process.pid}-${++chainNo}`;
    const genesis = makeGenesis(orgs, {
      chainId,
      time: Date.now() - 60_000,
      quorum,
      ...(params === undefined ? {} : { params }),
    });
    const open = (i: number, path = join(dir, `${chainId}-${i}.sqlite`)) =>
      openNatsChain(genesis, orgs[i]!, path, {
        servers: cluster.urls,
        submitTimeoutMs: 15_000,
        applyTimeoutMs: 40_000,
        batchIntervalMs: 2,
        // The third organization publishes its batches uncompressed: every node reads both forms.
        compress: i !== 2,
      });
    const nodes = [0, 1, 2].map((i) => open(i));
    const alarms: ConsortiumAlarm[][] = nodes.map(() => []);
    nodes.forEach((n, i) => n.orderer.onAlarm((a) => alarms[i]!.push(a)));
    await Promise.all(nodes.map((n) => n.orderer.connected));
    return { orgs, genesis, chainId, nodes, alarms, open };
  }

  const heads = (nodes: readonly NatsChain[]) => nodes.map((n) => n.chain.head.hash);

  async function converge(nodes: readonly NatsChain[], ms = 20_000): Promise<void> {
    await until(
      () =>
        new Set(heads(nodes)).size === 1 &&
        nodes.every((n) => n.chain.finality().status === 'final'),
      ms,
      'the nodes to agree on a final head',
    );
  }

  test('a mixed workload through every node gives the same blocks, state roots and invalid records everywhere; blocks become final with every signature; verify passes', async () => {
    const { nodes } = await consortium();
    try {
      const writers = nodes.map(() => writer());
      const now = Date.now();
      // Valid writes through each node, a replayed nonce, a forged signature, a duplicate.
      const txs = nodes.map((_, i) =>
        Array.from({ length: 60 }, (_, k) => writers[i]!.put(`k${k}`, `v${i}-${k}`, now)),
      );
      const forged: SignedTxJson = { ...txs[0]![0]!, sig: toBase64url(new Uint8Array(64)) };
      const outs = await Promise.all(nodes.map((n, i) => n.orderer.submit(txs[i]!)));
      for (const o of outs.flat()) assert.equal(o.ok, true, o.ok ? '' : o.error.message);
      await converge(nodes);
      // A copy of a committed transaction is refused before it is published.
      const replay = await nodes[1]!.orderer.submit([txs[2]![5]!]);
      assert.equal(replay[0]!.ok, false);
      assert.equal(!replay[0]!.ok && replay[0]!.error.code, 'ERR_LEDGER_DUPLICATE_TX');
      const bad = await nodes[2]!.orderer.submit([
        { ...writers[0]!.put('late', 'x', now), sig: forged.sig },
      ]);
      assert.equal(!bad[0]!.ok && bad[0]!.error.code, 'ERR_LEDGER_BAD_SIGNATURE');
      await converge(nodes);
      const roots = nodes.map((n) => n.chain.head.header.stateRoot);
      assert.equal(new Set(roots).size, 1);
      assert.equal(nodes[0]!.chain.log.size, 180);
      // The forged transaction is recorded invalid, with its code, in the same block everywhere.
      const found = nodes.map((n) => {
        const id = !bad[0]!.ok ? bad[0]!.id! : '';
        const rec = n.chain.invalidTx(id);
        return rec === undefined ? 'none' : `${rec.height}:${rec.tx.code}:${rec.tx.position}`;
      });
      assert.equal(new Set(found).size, 1);
      assert.match(found[0]!, /:ERR_LEDGER_BAD_SIGNATURE:180$/);
      const f = nodes[0]!.chain.finality();
      assert.deepEqual(
        f.signatures.map((s) => s.org),
        ['org1', 'org2', 'org3'].filter((o) => f.signatures.some((s) => s.org === o)),
      );
      assert.ok(f.signatures.length >= 2);
      for (const n of nodes) {
        await n.close();
        const store = SqliteStore.open(n.path);
        try {
          const v = await verifyChain(store, registry());
          assert.equal(v.ok, true, v.ok ? '' : `${v.code} ${v.message}`);
        } finally {
          store.close();
        }
      }
      // The header commits to the invalid records: a changed code, a deleted or an invented
      // record is a root mismatch for verify (only the human-readable message is not bound).
      const tampers = [
        "UPDATE invalid_txs SET code = 'ERR_LEDGER_REPLAY'",
        'DELETE FROM invalid_txs',
        `INSERT INTO invalid_txs SELECT height, ord + 1, position, id, code, message, bytes FROM invalid_txs`,
        "UPDATE invalid_txs SET message = 'edited'",
      ];
      for (const [i, sql] of tampers.entries()) {
        const path = join(dir, `tampered-${chainNo}-${i}.sqlite`);
        const src = SqliteStore.open(nodes[0]!.path);
        await src.db.backup(path);
        src.close();
        const store = SqliteStore.open(path);
        try {
          store.db.exec(sql);
          const v = await verifyChain(store, registry());
          if (i === tampers.length - 1) assert.equal(v.ok, true, 'messages are for people');
          else assert.equal(!v.ok && v.code, 'ERR_LEDGER_ROOT_MISMATCH', sql);
        } finally {
          store.close();
        }
      }
    } finally {
      await Promise.all(nodes.map((n) => n.close()));
    }
  });

  test('a tampered batch published straight to the stream is recorded invalid on every node and changes no state', async () => {
    const { nodes, chainId } = await consortium();
    try {
      const w = writer();
      const ok = await nodes[0]!.orderer.submit([w.put('a', '1', Date.now())]);
      assert.equal(ok[0]!.ok, true);
      await converge(nodes);
      const before = nodes.map((n) => n.chain.head.header.stateRoot);
      const good = w.put('b', '2', Date.now());
      const tampered = { ...good, body: { key: 'b', value: 'tampered' } };
      const js = jetstream(nc);
      await js.publish(
        streamNames(chainId).batchSubject,
        utf8(`{"txs":[${canonicalize(tampered)},{"not":"a tx"}],"v":1}`),
      );
      await js.publish(streamNames(chainId).batchSubject, utf8('not json at all'));
      await until(
        () => nodes.every((n) => n.chain.head.height >= 3),
        10_000,
        'the tampered batches to be applied',
      );
      await converge(nodes);
      for (const [i, n] of nodes.entries()) {
        assert.equal(n.chain.head.header.stateRoot, before[i]);
        const codes = [2, 3].flatMap((h) => n.chain.invalidTxs(h).map((x) => x.code));
        assert.deepEqual(codes, [
          'ERR_LEDGER_BAD_SIGNATURE',
          'ERR_LEDGER_MALFORMED_TX',
          'ERR_LEDGER_MALFORMED_TX',
        ]);
      }
    } finally {
      await Promise.all(nodes.map((n) => n.close()));
    }
  });

  test('a forged signature is dropped, a member signing another header is detected, and a node whose block a quorum contradicts halts', async () => {
    const { nodes, orgs, chainId, alarms, open } = await consortium(2);
    try {
      const w = writer();
      assert.equal((await nodes[0]!.orderer.submit([w.put('a', '1', Date.now())]))[0]!.ok, true);
      await converge(nodes);
      const js = jetstream(nc);
      const names = streamNames(chainId);
      const cp = nodes[0]!.chain.signedCheckpoint().checkpoint;
      const sigCount = () => nodes[0]!.chain.store.signatures(cp.height).length;
      await until(() => sigCount() === 3, 5000, 'every organization to sign');
      const stored = sigCount();
      const publishSig = (org: ReturnType<typeof makeOrg>, c: typeof cp, as = org.id) =>
        js.publish(
          names.sigSubjectPrefix + as,
          utf8(
            canonicalize({
              checkpoint: c,
              signature: { ...signCheckpoint(c, as, org.multikey, org.keyPair) },
              v: 1,
            }),
          ),
        );
      // Forged: an outsider's key claiming to be org2.
      await publishSig(makeOrg('org2'), cp, 'org2');
      await until(
        () => alarms.every((a) => a.some((x) => x.kind === 'bad-signature')),
        5000,
        'bad-signature alarms',
      );
      assert.equal(sigCount(), stored);
      // org2's real key over a different header at the same height: detected by every node.
      const other = { ...cp, stateRoot: '0'.repeat(64), blockHash: '1'.repeat(64) };
      await publishSig(orgs[1]!, other);
      await until(
        () => alarms[0]!.some((x) => x.kind === 'equivocation' || x.kind === 'divergent'),
        5000,
        'a divergence alarm',
      );
      assert.equal(nodes[0]!.orderer.halted, undefined);
      // A quorum (org2 and org3) signing that other header: every node halts.
      await publishSig(orgs[2]!, other);
      await until(() => nodes.every((n) => n.orderer.halted !== undefined), 5000, 'halts');
      assert.equal(nodes[0]!.orderer.halted!.code, 'ERR_LEDGER_DIVERGED');
      const refused = await nodes[0]!.orderer.submit([w.put('b', '2', Date.now())]);
      assert.equal(!refused[0]!.ok && refused[0]!.error.code, 'ERR_LEDGER_DIVERGED');
      assert.equal(nodes[0]!.orderer.status().halted?.code, 'ERR_LEDGER_DIVERGED');
      // The halt survives a restart: the node does not resume applying on its own.
      await nodes[0]!.close();
      const again = open(0, nodes[0]!.path);
      try {
        assert.equal(again.orderer.halted?.code, 'ERR_LEDGER_DIVERGED');
        const out = await again.orderer.submit([w.put('c', '3', Date.now())]);
        assert.equal(!out[0]!.ok && out[0]!.error.code, 'ERR_LEDGER_DIVERGED');
      } finally {
        await again.close();
      }
    } finally {
      await Promise.all(nodes.map((n) => n.close()));
    }
  });

  test('a node that was down catches up from its last applied sequence, and a new node replays from genesis to identical state', async () => {
    const { nodes, open } = await consortium();
    const extra: NatsChain[] = [];
    try {
      const w = writer();
      await nodes[0]!.orderer.submit([w.put('a', '1', Date.now())]);
      await converge(nodes);
      await nodes[2]!.close();
      const live = nodes.slice(0, 2);
      for (let i = 0; i < 5; i++)
        assert.equal(
          (await live[i % 2]!.orderer.submit([w.put(`k${i}`, 'v', Date.now())]))[0]!.ok,
          true,
        );
      await until(() => new Set(heads(live)).size === 1, 10_000, 'two nodes to agree');
      const restarted = open(2, nodes[2]!.path);
      const fresh = open(2, join(dir, `fresh-${chainNo}.sqlite`));
      extra.push(restarted, fresh);
      await Promise.all([restarted.orderer.caughtUp, fresh.orderer.caughtUp]);
      await until(
        () => new Set(heads([...live, restarted, fresh])).size === 1,
        10_000,
        'the restarted and the new node to catch up',
      );
      assert.equal(fresh.chain.head.header.stateRoot, live[0]!.chain.head.header.stateRoot);
      assert.equal(restarted.chain.log.size, 6);
    } finally {
      await Promise.all([...nodes, ...extra].map((n) => n.close()));
    }
  });

  test('a deadline falls due with no transaction: every node publishes the same tick and seals the same block at the stream time', async () => {
    const { nodes, orgs } = await consortium(2, { proposalTtlMs: 1500 });
    try {
      const body = { change: { type: 'set-param', name: 'proposalTtlMs', value: 60_000 } };
      const out = await nodes[0]!.orderer.submit([
        signAs(orgs[0]!, 'gov.propose', body, 1, Date.now()),
      ]);
      assert.equal(out[0]!.ok, true, out[0]!.ok ? '' : out[0]!.error.message);
      const id = out[0]!.ok ? out[0]!.id : '';
      const proposal = (n: NatsChain) =>
        JSON.parse(n.chain.state.get(`gov/proposal/${id}`) ?? '{}') as {
          status?: string;
          expires?: number;
        };
      const status = (n: NatsChain) => proposal(n).status;
      assert.equal(status(nodes[0]!), 'open');
      await until(
        () => nodes.every((n) => status(n) === 'expired'),
        10_000,
        'the proposal to expire on every node',
      );
      await converge(nodes);
      // The block that expired it is no earlier than the deadline, by the stream's clock.
      assert.ok(nodes[0]!.chain.head.header.time >= proposal(nodes[0]!).expires!);
      assert.equal(nodes[0]!.chain.log.size, 1, 'the expiry block holds no transaction');
    } finally {
      await Promise.all(nodes.map((n) => n.close()));
    }
  });

  test('killing the stream leader under load: writes resume, no transaction lost or duplicated', async () => {
    const { nodes, chainId } = await consortium();
    try {
      const writers = nodes.map(() => writer());
      let k = 0;
      const results: boolean[] = [];
      let stop = false;
      const load = nodes.map(async (n, i) => {
        while (!stop) {
          const out = await n.orderer.submit([writers[i]!.put(`k${k++}`, 'v', Date.now())]);
          results.push(out[0]!.ok);
          if (!out[0]!.ok) assert.fail(`${out[0]!.error.code} ${out[0]!.error.message}`);
        }
      });
      await sleep(500);
      const leader = await cluster.streamLeader(streamNames(chainId).batches);
      await cluster.kill(leader);
      const before = results.length;
      await until(() => results.length > before + 30, 20_000, 'writes to resume');
      stop = true;
      await Promise.all(load);
      await cluster.restart(leader);
      await converge(nodes);
      assert.equal(nodes[0]!.chain.log.size, results.length);
      const ids = new Set<string>();
      for (const seq of nodes[0]!.chain.store.txRange(0, nodes[0]!.chain.log.size)) {
        const id = Buffer.from(seq.id).toString('hex');
        assert.equal(ids.has(id), false, 'a transaction was committed twice');
        ids.add(id);
      }
      await jetstreamManager(nc); // the cluster answers again
    } finally {
      await Promise.all(nodes.map((n) => n.close()));
    }
  });
});

void checkpointOf;

describe('NATS orderer without a reachable cluster', () => {
  test('a submission gets ERR_LEDGER_UNAVAILABLE after the bounded wait, nothing stays pending, and close() returns', async () => {
    const orgs = makeOrgs(3);
    const genesis = makeGenesis(orgs, { chainId: 'unreachable', time: Date.now() - 60_000 });
    // A port nothing listens on (the client keeps trying to connect in the background).
    const node = openNatsChain(genesis, orgs[0]!, ':memory:', {
      servers: ['nats://127.0.0.1:9'],
      submitTimeoutMs: 400,
    });
    try {
      const started = Date.now();
      const out = await node.orderer.submit([writer().put('a', '1', Date.now())]);
      assert.equal(out[0]!.ok, false);
      assert.equal(!out[0]!.ok && out[0]!.error.code, 'ERR_LEDGER_UNAVAILABLE');
      assert.match(!out[0]!.ok ? out[0]!.error.message : '', /not connected to NATS/);
      assert.ok(Date.now() - started < 5000);
      assert.equal(node.orderer.pending, 0);
      assert.equal(node.orderer.status().connected, false);
    } finally {
      await node.close();
    }
  });
});
