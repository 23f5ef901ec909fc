/**
 * A consortium of real processes: a 3-server NATS JetStream cluster (scripts/nats-cluster.sh) and
 * three `realdid node start` child processes, one per organization, whose folders come from
 * `node init --orderer nats` (org1) and `node join` (org2, org3). Transactions go over HTTP.
 * A mixed workload leaves every node at the same head and the last block final; with 2 of 3 NATS
 * servers down a submission is refused with ERR_LEDGER_UNAVAILABLE and no head moves, and writes
 * resume when one is back; a node SIGKILLed under load catches up after a restart, with no
 * transaction lost or duplicated; `realdid verify` accepts every folder. Skipped without
 * nats-server.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, test } from 'node:test';
import type { Ed25519KeyPair, JsonValue } from '../../src/crypto/index.ts';
import { planCreate, planRotate, type DidRecord } from '../../src/did/index.ts';
import { decodeTx, signTx, type SignedTxJson } from '../../src/ledger/index.ts';
import { loadKeyFile } from '../../src/node/index.ts';
import { BIN, ROOT, runRealdid } from '../helpers/cli.ts';
import {
  NATS_MISSING,
  natsServerInstalled,
  startNatsCluster,
  type NatsCluster,
} from '../helpers/nats.ts';

const skip = natsServerInstalled() ? false : NATS_MISSING;
const CHAIN = 'proc-consortium';
const STREAM = `RDID_${CHAIN}`;
const ORGS = ['org1', 'org2', 'org3'] as const;
/** The orderer's bounded waits, written to every node.json (`ordering.submitTimeoutMs`, …). */
const SUBMIT_TIMEOUT_MS = 2_000;
const APPLY_TIMEOUT_MS = 20_000;
const POLL_MS = 50;

const work = mkdtempSync(join(tmpdir(), 'realdid-procs-'));
const PASS_FILE = join(work, 'passphrase');
const dataOf = (i: number): string => join(work, `${ORGS[i]}-data`);

/** Children's environment: no passphrase or node URL from the caller's shell. */
const ENV: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', REALDID_HOME: work };
delete ENV.REALDID_PASSPHRASE;
delete ENV.REALDID_URL;

interface NodeProc {
  readonly child: ChildProcess;
  readonly pid: number;
  readonly url: string;
  readonly exited: Promise<number | null>;
  readonly stderr: () => string;
}

let cluster: NatsCluster | undefined;
/** The running node of each organization (undefined while it is down). */
const nodes: (NodeProc | undefined)[] = [undefined, undefined, undefined];
/** Every node child ever spawned, SIGKILLed by PID in `after` if still alive. */
const spawned = new Set<ChildProcess>();

const alive = (c: ChildProcess): boolean => c.exitCode === null && c.signalCode === null;

after(async () => {
  for (const c of spawned) if (c.pid !== undefined && alive(c)) process.kill(c.pid, 'SIGKILL');
  await Promise.all(
    [...spawned].map((c) =>
      alive(c) ? new Promise((resolve) => c.once('exit', resolve)) : Promise.resolve(),
    ),
  );
  await cluster?.stop();
  rmSync(work, { recursive: true, force: true });
});

/** `realdid node start --data <org i> --port 0 --json`, resolved once it printed its startup line. */
function startNode(i: number): Promise<NodeProc> {
  const args = ['node', 'start', '--data', dataOf(i), '--port', '0', '--json'];
  args.push('--passphrase-file', PASS_FILE, '--exit-with-parent');
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: ROOT,
    env: ENV,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  spawned.add(child);
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  let out = '';
  let err = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
  return new Promise<NodeProc>((resolve, reject) => {
    const timer = setTimeout(() => {
      if (child.pid !== undefined && alive(child)) process.kill(child.pid, 'SIGKILL');
      reject(new Error(`${ORGS[i]} did not start in 45 s; stdout ${out}; stderr ${err}`));
    }, 45_000);
    let done = false;
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      // The startup line is one pretty-printed JSON object: wait for its closing brace line.
      if (done || !/^\}\n/m.test(out)) return;
      done = true;
      clearTimeout(timer);
      const started = JSON.parse(out) as { url: string; org: string; ordering?: string };
      if (started.org !== ORGS[i] || started.ordering !== 'nats')
        reject(new Error(`${ORGS[i]} started as ${out}`));
      const proc = { child, pid: child.pid!, url: started.url, exited, stderr: () => err };
      nodes[i] = proc;
      resolve(proc);
    });
    child.once('error', reject);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${ORGS[i]} exited (${code}) before starting; stderr ${err}`));
    });
  });
}

function nodeOf(i: number): NodeProc {
  const n = nodes[i];
  assert.ok(n !== undefined, `${ORGS[i]} is not running`);
  return n;
}

async function getJson(i: number, path: string): Promise<{ status: number; body: any }> {
  const res = await fetch(`${nodeOf(i).url}${path}`, { signal: AbortSignal.timeout(10_000) });
  return { status: res.status, body: await res.json() };
}

/** POST /v1/txs; the HTTP status and the answer (a receipt or an error body). */
async function submit(i: number, tx: SignedTxJson): Promise<{ status: number; body: any }> {
  const res = await fetch(`${nodeOf(i).url}/v1/txs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(tx),
    signal: AbortSignal.timeout(APPLY_TIMEOUT_MS + SUBMIT_TIMEOUT_MS + 10_000),
  });
  return { status: res.status, body: await res.json() };
}

/** Submits and asserts the transaction committed; its id. */
async function submitOk(i: number, tx: SignedTxJson): Promise<string> {
  const r = await submit(i, tx);
  assert.equal(r.status, 200, `${tx.kind} through ${ORGS[i]}: ${JSON.stringify(r.body)}`);
  assert.equal(r.body.id, decodeTx(tx).id);
  return r.body.id as string;
}

async function until<T>(what: string, ms: number, probe: () => Promise<T | undefined>): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > end) assert.fail(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(POLL_MS);
  }
}

interface Head {
  readonly height: number;
  readonly blockHash: string;
  readonly stateRoot: string;
  readonly logSize: number;
}

async function head(i: number): Promise<Head> {
  const { status, body } = await getJson(i, '/v1/checkpoint');
  assert.equal(status, 200);
  const { height, blockHash, stateRoot, logSize } = body.checkpoint as Head;
  return { height, blockHash, stateRoot, logSize };
}

/** Waits until every node reports the same head; that head. */
function converged(ms = 15_000): Promise<Head> {
  return until('the three nodes to report the same head', ms, async () => {
    const heads = await Promise.all([0, 1, 2].map(head));
    return heads.every((h) => JSON.stringify(h) === JSON.stringify(heads[0]))
      ? heads[0]
      : undefined;
  });
}

/** Asserts every id is a committed transaction on every node (a few lookups at a time). */
async function assertCommittedEverywhere(ids: readonly string[]): Promise<void> {
  const check = async (i: number, id: string): Promise<void> => {
    const { status, body } = await getJson(i, `/v1/txs/${id}`);
    assert.equal(status, 200, `tx ${id} on ${ORGS[i]}: ${JSON.stringify(body)}`);
    assert.equal(body.status, 'committed');
    assert.equal(body.id, id);
  };
  const jobs = [0, 1, 2].flatMap((i) => ids.map((id) => () => check(i, id)));
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      for (let job = jobs.shift(); job !== undefined; job = jobs.shift()) await job();
    }),
  );
}

/** An organization's key, signing with its own nonce sequence (only through its own node). */
class OrgSigner {
  readonly #signer: string;
  readonly #keyPair: Ed25519KeyPair;
  #nonce: number;

  constructor(multikey: string, keyPair: Ed25519KeyPair, lastNonce: number) {
    this.#signer = `did:key:${multikey}#${multikey}`;
    this.#keyPair = keyPair;
    this.#nonce = lastNonce;
  }

  sign(kind: string, body: { [key: string]: JsonValue }): SignedTxJson {
    const payload = { kind, body, signer: this.#signer, nonce: ++this.#nonce, created: Date.now() };
    return signTx(payload, this.#keyPair);
  }
}

const signers: OrgSigner[] = [];
let proposalCount = 0;

/** A gov.propose of a new parameter by organization `i`. */
function proposal(i: number): SignedTxJson {
  const name = `procTest${++proposalCount}`;
  return signers[i]!.sign('gov.propose', {
    change: { type: 'set-param', name, value: proposalCount },
  });
}

/** A fresh wallet DID: did.create signed by its new key. */
function walletCreate(): { seed: Uint8Array; did: string; tx: SignedTxJson } {
  const seed = randomBytes(32);
  const p = planCreate(seed);
  const tx = signTx(
    { kind: p.kind, body: p.body, signer: p.signer, nonce: 1, created: Date.now() },
    p.keyPair,
  );
  return { seed, did: p.did, tx };
}

/** did.update rotating a fresh wallet's key 0 to key 1 (the DID's first transaction as signer). */
function walletRotate(seed: Uint8Array, did: string): SignedTxJson {
  const p = planRotate(seed, { did, version: 1 } as DidRecord, 0, 1);
  return signTx(
    { kind: p.kind, body: p.body, signer: p.signer, nonce: 1, created: Date.now() },
    p.keyPair,
  );
}

/** `wallets` wallets through node `i`, each created then rotated; the committed ids. */
async function walletWorkload(i: number, wallets: number): Promise<string[]> {
  const ids: string[] = [];
  for (let w = 0; w < wallets; w++) {
    const c = walletCreate();
    ids.push(await submitOk(i, c.tx));
    ids.push(await submitOk(i, walletRotate(c.seed, c.did)));
  }
  return ids;
}

/** Writes the orderer's bounded waits to a folder's node.json (short, for the unavailability test). */
function configure(i: number): void {
  const file = join(dataOf(i), 'node.json');
  const config = JSON.parse(readFileSync(file, 'utf8'));
  config.ordering.submitTimeoutMs = SUBMIT_TIMEOUT_MS;
  config.ordering.applyTimeoutMs = APPLY_TIMEOUT_MS;
  writeFileSync(file, JSON.stringify(config, null, 2));
}

async function realdidJson(args: string[]): Promise<any> {
  const r = await runRealdid([...args, '--json'], { env: ENV, timeoutMs: 60_000 });
  assert.equal(r.code, 0, `realdid ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

describe('a consortium of processes: 3 NATS servers, 3 realdid nodes', { skip }, () => {
  before(
    async () => {
      writeFileSync(PASS_FILE, 'consortium processes passphrase\n', { mode: 0o600 });
      cluster = await startNatsCluster();
      const nats = cluster.urls.join(',');
      const init = await realdidJson([
        ...['node', 'init', '--data', dataOf(0), '--orgs', 'org1:One,org2:Two,org3:Three'],
        ...['--quorum', '2', '--chain-id', CHAIN, '--orderer', 'nats', '--nats', nats],
        ...['--passphrase-file', PASS_FILE],
      ]);
      assert.deepEqual(init.orgs, ORGS);
      // org1's node starts while the others join.
      configure(0);
      const first = startNode(0);
      const joined = await Promise.all(
        [1, 2].map(async (i) => {
          const j = await realdidJson([
            ...['node', 'join', '--data', dataOf(i), '--genesis', join(dataOf(0), 'genesis.json')],
            ...['--org', ORGS[i]!, '--key-file', join(dataOf(0), 'keys', `${ORGS[i]}.json`)],
            ...['--orderer', 'nats', '--nats', nats, '--passphrase-file', PASS_FILE],
          ]);
          configure(i);
          await startNode(i);
          return j;
        }),
      );
      await first;
      for (const [k, j] of joined.entries()) {
        assert.equal(j.org, ORGS[k + 1]);
        assert.equal(j.ordering, 'nats');
        assert.deepEqual(j.servers, cluster.urls);
      }
      assert.equal(joined[0].genesisHash, joined[1].genesisHash);
      const pass = readFileSync(PASS_FILE, 'utf8').trim();
      for (const i of [0, 1, 2]) {
        const key = loadKeyFile(join(dataOf(i), 'keys', `${ORGS[i]}.json`), pass);
        const { body } = await getJson(i, `/v1/signers/did:key:${key.multikey}/nonce`);
        signers.push(new OrgSigner(key.multikey, key.keyPair, body.lastNonce as number));
      }
      await until('every node connected to NATS', 15_000, async () => {
        const views = await Promise.all([0, 1, 2].map((i) => getJson(i, '/v1/consortium')));
        return views.every((v) => v.body.connected === true && v.body.stream === STREAM)
          ? true
          : undefined;
      });
    },
    { timeout: 120_000 },
  );

  test(
    'a mixed workload through all three nodes: the same head everywhere, the last block final',
    { timeout: 120_000 },
    async () => {
      const started = await converged();
      const perNode = await Promise.all(
        [0, 1, 2].map(async (i) => {
          // Organization i signs only through its own node; wallets sign for themselves.
          const gov = (async () => {
            const ids: string[] = [];
            for (let k = 0; k < 3; k++) ids.push(await submitOk(i, proposal(i)));
            return ids;
          })();
          const wallets = await Promise.all([walletWorkload(i, 3), walletWorkload(i, 3)]);
          return { proposals: await gov, wallets: wallets.flat() };
        }),
      );
      // Organization i+1 approves organization i's first proposal, once its node has it.
      const approvals = await Promise.all(
        [0, 1, 2].map(async (i) => {
          const next = (i + 1) % 3;
          const target = perNode[i]!.proposals[0]!;
          await until(`proposal ${target} on ${ORGS[next]}`, 10_000, async () =>
            (await getJson(next, `/v1/txs/${target}`)).status === 200 ? true : undefined,
          );
          return submitOk(next, signers[next]!.sign('gov.approve', { proposal: target }));
        }),
      );
      const ids = [...perNode.flatMap((p) => [...p.proposals, ...p.wallets]), ...approvals];
      assert.equal(ids.length, 3 * (3 + 12) + 3);
      assert.equal(new Set(ids).size, ids.length);

      const h = await converged();
      assert.equal(h.logSize, started.logSize + ids.length);
      await assertCommittedEverywhere(ids);
      for (const i of [0, 1, 2]) {
        const f = await until(`block ${h.height} final on ${ORGS[i]}`, 10_000, async () => {
          const { status, body } = await getJson(i, `/v1/blocks/${h.height}/finality`);
          assert.equal(status, 200);
          return body.status === 'final' ? body : undefined;
        });
        assert.equal(f.checkpoint.blockHash, h.blockHash);
        assert.equal(f.quorum, 2);
        assert.ok(f.signatures.length >= 2, `${f.signatures.length} signatures`);
        const c = await getJson(i, '/v1/consortium');
        assert.equal(c.body.halted, null);
        assert.deepEqual(c.body.alarms, { badSignature: 0, divergent: 0, equivocation: 0 });
      }
    },
  );

  test(
    '2 of 3 NATS servers down: submissions refused with ERR_LEDGER_UNAVAILABLE (503), no head moves; writes resume with one back',
    { timeout: 120_000 },
    async () => {
      const c = cluster!;
      const before = await converged();
      const leader = await c.streamLeader(STREAM);
      const down = [leader, (leader + 1) % 3];
      await Promise.all(down.map((s) => c.kill(s)));

      const refused = [0, 1, 2].map(() => walletCreate().tx);
      const began = Date.now();
      const answers = await Promise.all(refused.map((tx, i) => submit(i, tx)));
      const waited = Date.now() - began;
      for (const [i, r] of answers.entries()) {
        assert.equal(r.status, 503, `through ${ORGS[i]}: ${JSON.stringify(r.body)}`);
        assert.equal(r.body.code, 'ERR_LEDGER_UNAVAILABLE', r.body.message);
      }
      // The publish is retried until its next back-off step (at most 500 ms) would pass the bound.
      assert.ok(
        waited >= SUBMIT_TIMEOUT_MS - 500,
        `refused after ${waited} ms, before the bounded wait`,
      );
      assert.ok(waited < SUBMIT_TIMEOUT_MS + 5_000, `refused only after ${waited} ms`);
      for (const i of [0, 1, 2]) assert.deepEqual(await head(i), before, `${ORGS[i]} moved`);

      await c.restart(down[1]!);
      // Writes resume once the stream has a leader again: retry the same signed transaction
      // (safe: a copy that was ordered after all answers ERR_LEDGER_DUPLICATE_TX).
      const resumed = walletCreate().tx;
      const id = decodeTx(resumed).id;
      await until('a write to be accepted again', 30_000, async () => {
        const r = await submit(2, resumed);
        if (r.status === 200 || r.body.code === 'ERR_LEDGER_DUPLICATE_TX') return true;
        assert.equal(r.body.code, 'ERR_LEDGER_UNAVAILABLE', JSON.stringify(r.body));
        return undefined;
      });
      const second = c.restart(down[0]!);
      await until(`tx ${id} on every node`, 15_000, async () => {
        const seen = await Promise.all([0, 1, 2].map((i) => getJson(i, `/v1/txs/${id}`)));
        return seen.every((x) => x.status === 200) ? true : undefined;
      });
      await assertCommittedEverywhere([id]);
      await second;
      const afterHead = await converged();
      assert.ok(afterHead.height > before.height);
      // A refused transaction may still have been ordered; either way every node agrees on it.
      for (const tx of refused) {
        const rid = decodeTx(tx).id;
        await until(`every node to agree on refused tx ${rid}`, 5_000, async () => {
          const seen = await Promise.all([0, 1, 2].map((i) => getJson(i, `/v1/txs/${rid}`)));
          return seen.every((x) => x.status === seen[0]!.status) ? true : undefined;
        });
      }
    },
  );

  test(
    'a node SIGKILLed under load catches up after a restart: same head, nothing lost or duplicated',
    { timeout: 120_000 },
    async () => {
      // Every NATS server up (the previous test restarts them; this one must not depend on it).
      for (const s of [0, 1, 2]) if (cluster!.pid(s) === undefined) await cluster!.restart(s);
      const start = await converged();
      const victim = 0;
      const submitted: string[] = [];
      let stopping = false;
      let failure: Error | undefined;
      /** While set, the workers wait for it (the victim is starting: bounds the load). */
      let paused: Promise<unknown> | undefined;
      /** Load through node i until told to stop; the first failure stops every worker. */
      const load = async (i: number, kind: 'gov' | 'wallet'): Promise<void> => {
        try {
          while (!stopping) {
            if (paused !== undefined) await paused;
            if (kind === 'gov') submitted.push(await submitOk(i, proposal(i)));
            else submitted.push(...(await walletWorkload(i, 1)));
          }
        } catch (err) {
          failure ??= err instanceof Error ? err : new Error(String(err));
          stopping = true;
        }
      };
      const running = Promise.all(
        [1, 2].flatMap((i) => [load(i, 'gov'), load(i, 'wallet'), load(i, 'wallet')]),
      );
      /** Waits until `n` more transactions committed (or the load failed). */
      const more = (n: number, what: string): Promise<true> => {
        const target = submitted.length + n;
        return until(what, 15_000, async () => {
          if (failure !== undefined) throw failure;
          return submitted.length >= target ? true : undefined;
        });
      };

      await more(20, 'load before the kill');
      const proc = nodeOf(victim);
      process.kill(proc.pid, 'SIGKILL');
      nodes[victim] = undefined;
      assert.equal(await proc.exited, null);
      assert.equal(proc.child.signalCode, 'SIGKILL');
      const atKill = await head(1);
      await more(30, 'load while the node is down');
      assert.ok((await head(1)).height > atKill.height, 'blocks were added while it was down');
      paused = startNode(victim);
      await paused;
      paused = undefined;
      await more(30, 'load after the restart');
      stopping = true;
      await running;
      if (failure !== undefined) throw failure;

      assert.equal(new Set(submitted).size, submitted.length);
      const h = await converged(30_000);
      assert.equal(
        h.logSize,
        start.logSize + submitted.length,
        'log size = committed transactions',
      );
      await assertCommittedEverywhere(submitted);
      const c = await getJson(victim, '/v1/consortium');
      assert.equal(c.body.halted, null);
    },
  );

  test(
    'realdid verify accepts every folder once the nodes are stopped',
    { timeout: 120_000 },
    async () => {
      const h = await converged();
      await Promise.all(
        [0, 1, 2].map(async (i) => {
          const n = nodeOf(i);
          process.kill(n.pid, 'SIGTERM');
          assert.equal(await n.exited, 0, n.stderr());
          nodes[i] = undefined;
        }),
      );
      const results = await Promise.all(
        [0, 1, 2].map((i) => realdidJson(['verify', '--data', dataOf(i), '--no-progress'])),
      );
      for (const r of results) {
        assert.equal(r.ok, true, JSON.stringify(r));
        assert.equal(r.height, h.height);
        assert.equal(r.blockHash, h.blockHash);
        assert.equal(r.stateRoot, h.stateRoot);
      }
    },
  );
});
