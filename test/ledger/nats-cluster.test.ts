/**
 * The 3-node NATS JetStream cluster of `scripts/nats-cluster.sh`, which the NATS orderer runs
 * on: an R3 stream deduplicates by msgID, keeps every message exactly once when its leader is
 * SIGKILLed mid-stream and the client retries with the same msgID, refuses writes without a
 * quorum and takes them again once a node is back; the script's start, status and stop work on
 * PIDs. The tests run in order on one cluster (15 to 25 s, mostly raft elections).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, test } from 'node:test';
import { jetstream, jetstreamManager, type JetStreamClient } from '@nats-io/jetstream';
import type { JetStreamManager, PubAck } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import {
  NATS_CLUSTER_SCRIPT,
  NATS_MISSING,
  natsServerInstalled,
  startNatsCluster,
  type NatsCluster,
} from '../helpers/nats.ts';

const STREAM = 'LEDGER';
const SUBJECT = 'ledger.tx';
/** Messages published across the leader kill; the leader dies after {@link KILL_AFTER} acks. */
const MESSAGES = 40;
const KILL_AFTER = 10;
/** Per-attempt ack timeout, and how long one message may be retried before the test fails. */
const ACK_TIMEOUT_MS = 1_000;
const RETRY_FOR_MS = 20_000;

type Run = { code: number; stdout: string; stderr: string };

function runScript(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<Run> {
  return new Promise((resolve) => {
    execFile(NATS_CLUSTER_SCRIPT, args, { env, timeout: 30_000 }, (err, stdout, stderr) => {
      const code = err ? (err as { code?: unknown }).code : 0;
      resolve({ code: typeof code === 'number' ? code : -1, stdout, stderr });
    });
  });
}

/** Publishes `id` with msgID `id` until acked, retrying failed attempts with the same msgID. */
async function publishUntilAcked(
  js: JetStreamClient,
  id: string,
  errors: string[],
): Promise<{ ack: PubAck; failedAt?: number }> {
  const deadline = Date.now() + RETRY_FOR_MS;
  let failedAt: number | undefined;
  for (;;) {
    try {
      const ack = await js.publish(SUBJECT, id, { msgID: id, timeout: ACK_TIMEOUT_MS });
      return { ack, failedAt };
    } catch (err) {
      failedAt ??= Date.now();
      errors.push(`${(err as Error).name}: ${(err as Error).message}`);
      if (Date.now() > deadline) throw err;
      await sleep(100);
    }
  }
}

/**
 * Every message of the stream from sequence 1, read with an ordered consumer. Creating it is
 * retried: right after a failover the consumer create request can time out until JetStream has
 * a meta leader again.
 */
async function readAll(js: JetStreamClient, count: number) {
  const deadline = Date.now() + RETRY_FOR_MS;
  for (;;) {
    try {
      const consumer = await js.consumers.get(STREAM, { opt_start_seq: 1 });
      const messages = await consumer.consume();
      const out: { seq: number; id: string; ts: bigint }[] = [];
      for await (const m of messages) {
        out.push({ seq: m.seq, id: m.string(), ts: m.timestampNanos });
        if (m.info.pending === 0 && out.length >= count) break;
      }
      return out;
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await sleep(200);
    }
  }
}

describe(
  'the NATS JetStream cluster of scripts/nats-cluster.sh',
  { skip: natsServerInstalled() ? false : NATS_MISSING, timeout: 90_000 },
  () => {
    let cluster: NatsCluster;
    let nc: NatsConnection;
    let js: JetStreamClient;
    let jsm: JetStreamManager;

    before(async () => {
      cluster = await startNatsCluster();
      nc = await connect({
        servers: [...cluster.urls],
        reconnectTimeWait: 100,
        maxReconnectAttempts: -1,
      });
      // API requests (stream info, consumer create) time out after 2 s, not the connection's 20 s.
      js = jetstream(nc, { timeout: 2_000 });
      jsm = await jetstreamManager(nc);
    });

    after(async () => {
      await nc?.close();
      await cluster?.stop();
    });

    test('start on a running cluster prints the same URLs; a missing nats-server exits 2', async () => {
      const again = await runScript(['start', '--dir', cluster.dir]);
      assert.equal(again.code, 0, again.stderr);
      assert.equal(again.stdout.trim(), cluster.urls.join(','));
      const missing = await runScript(['start', '--dir', `${cluster.dir}/x`], {
        ...process.env,
        NATS_SERVER: '/nonexistent/nats-server',
      });
      assert.equal(missing.code, 2);
      assert.match(missing.stderr, /nats-server not found: apt-get install nats-server/);
    });

    test('an R3 stream acks a repeated msgID as a duplicate and stores it once', async () => {
      const info = await jsm.streams.add({ name: STREAM, subjects: [SUBJECT], num_replicas: 3 });
      assert.equal(info.config.num_replicas, 3);
      assert.equal(info.cluster?.replicas?.length, 2);
      const first = await js.publish(SUBJECT, 'm0', { msgID: 'm0', timeout: ACK_TIMEOUT_MS });
      const second = await js.publish(SUBJECT, 'm0', { msgID: 'm0', timeout: ACK_TIMEOUT_MS });
      assert.deepEqual(first, { stream: STREAM, seq: 1, duplicate: false });
      assert.deepEqual(second, { stream: STREAM, seq: 1, duplicate: true });
      assert.equal((await jsm.streams.info(STREAM)).state.messages, 1);
    });

    test('killing the stream leader loses and doubles nothing when retries reuse the msgID', async (t) => {
      const leader = await cluster.streamLeader(STREAM);
      const errors: string[] = [];
      let killing: Promise<void> | undefined;
      let killedAt = 0;
      let resumedAt = 0;
      const seqs = new Set<number>();
      for (let i = 1; i < MESSAGES; i++) {
        if (i === KILL_AFTER) {
          killedAt = Date.now();
          killing = cluster.kill(leader); // concurrently with the next publishes
        }
        const { ack, failedAt } = await publishUntilAcked(js, `m${i}`, errors);
        if (failedAt !== undefined && resumedAt === 0) resumedAt = Date.now();
        seqs.add(ack.seq);
      }
      await killing;
      assert.equal(cluster.pid(leader), undefined);
      const newLeader = await cluster.streamLeader(STREAM);
      assert.notEqual(newLeader, leader);
      const stalledMs = resumedAt === 0 ? 0 : resumedAt - killedAt;
      const kinds = [...new Set(errors)];
      t.diagnostic(
        `leader n${leader + 1} killed; new leader n${newLeader + 1}; writes stalled ${stalledMs} ms` +
          `; ${errors.length} failed attempts: ${kinds.join(' | ')}`,
      );

      assert.deepEqual(
        [...seqs].sort((a, b) => a - b),
        Array.from({ length: MESSAGES - 1 }, (_, k) => k + 2),
      );
      const state = (await jsm.streams.info(STREAM)).state;
      assert.equal(state.messages, MESSAGES);
      assert.equal(state.last_seq, MESSAGES);
      const stored = await readAll(js, MESSAGES);
      assert.deepEqual(
        stored.map((m) => m.id),
        Array.from({ length: MESSAGES }, (_, k) => `m${k}`),
      );
      assert.deepEqual(
        stored.map((m) => m.seq),
        Array.from({ length: MESSAGES }, (_, k) => k + 1),
      );
      for (let k = 1; k < stored.length; k++) assert.ok(stored[k]!.ts >= stored[k - 1]!.ts);
    });

    test('without a quorum a publish fails; after a restart the same msgID is stored once', async (t) => {
      const leader = await cluster.streamLeader(STREAM);
      const follower = [0, 1, 2].find((i) => i !== leader && cluster.pid(i) !== undefined);
      assert.ok(follower !== undefined);
      await cluster.kill(follower);
      const failure = await js.publish(SUBJECT, 'q', { msgID: 'q', timeout: 500 }).then(
        () => undefined,
        (err: Error) => err,
      );
      assert.ok(failure, 'a publish without quorum must fail');
      assert.match(failure.name, /^(TimeoutError|JetStreamNotEnabled)$/);
      t.diagnostic(`quorum lost (n${follower + 1} killed): ${failure.name}: ${failure.message}`);

      const restartedAt = Date.now();
      await cluster.restart(follower);
      const errors: string[] = [];
      const { ack } = await publishUntilAcked(js, 'q', errors);
      t.diagnostic(
        `n${follower + 1} restarted: healthy and writable after ${Date.now() - restartedAt} ms; ` +
          `retried "q" acked as seq ${ack.seq}, duplicate: ${ack.duplicate}`,
      );
      assert.equal(ack.seq, MESSAGES + 1);
      const state = (await jsm.streams.info(STREAM)).state;
      assert.equal(state.messages, MESSAGES + 1);
    });

    test('status reports each node; stop leaves no PID alive', async () => {
      const pids = [0, 1, 2].map((i) => cluster.pid(i));
      const down = pids.filter((p) => p === undefined).length;
      assert.equal(down, 1);
      const status = await runScript(['status', '--dir', cluster.dir]);
      assert.equal(status.code, 3);
      const lines = status.stdout.trim().split('\n');
      assert.equal(lines.length, 3);
      pids.forEach((pid, i) => {
        const want = pid === undefined ? `n${i + 1} pid - down` : `n${i + 1} pid ${pid} up`;
        assert.ok(lines[i]!.startsWith(want), `${lines[i]} should start with ${want}`);
      });

      const stop = await runScript(['stop', '--dir', cluster.dir]);
      assert.equal(stop.code, 0, stop.stderr);
      assert.deepEqual(
        [0, 1, 2].map((i) => cluster.pid(i)),
        [undefined, undefined, undefined],
      );
      const after = await runScript(['status', '--dir', cluster.dir]);
      assert.match(after.stdout, /^n1 pid - down\nn2 pid - down\nn3 pid - down\n$/);
      await cluster.stop();
      assert.equal(existsSync(cluster.dir), false);
    });
  },
);
