/**
 * The module contract: a domain is one folder plus one registration line. The reminders test
 * module (test/fixtures/reminders) brings its kinds, error codes, a query, routes, a deadline,
 * a read model and a vault, and the node mounts all of it without naming it.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { isAppError } from '../../src/errors.ts';
import {
  MAX_DEADLINES_PER_BLOCK,
  ModuleRegistry,
  SqliteStore,
  verifyChain,
  type LedgerModule,
} from '../../src/ledger/index.ts';
import { buildApp, defaultModules, FileVault } from '../../src/node/index.ts';
import { RealdidClient } from '../../src/sdk/index.ts';
import { remindersModule, type Reminder } from '../fixtures/reminders/index.ts';
import {
  assertRejected,
  openTestLedger,
  snapshotLedger,
  T0,
  type TestLedger,
} from '../helpers/ledger.ts';

const MODULES = [...defaultModules(), remindersModule];
const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'realdid-modules-'));
  dirs.push(d);
  return d;
}

function reminder(l: TestLedger, id: string): Reminder | undefined {
  const v = l.node.chain.state.get(`rem/r/${id}`);
  return v === undefined ? undefined : (JSON.parse(v) as Reminder);
}

describe('a module is one folder and one registration line', () => {
  test('its query and routes are mounted, tagged with its name, and listed at /v1/modules; its errors carry its statuses', async () => {
    const l = openTestLedger({ modules: MODULES });
    const app = await buildApp(l.node);
    try {
      await l.submitOk(0, 'rem.set', { id: 'r1', at: T0 + 60_000 });
      const q = await app.inject({ url: '/v1/rem/reminders/r1' });
      assert.equal(q.statusCode, 200, q.body);
      assert.deepEqual(q.json(), {
        id: 'r1',
        at: T0 + 60_000,
        owner: l.orgs[0]!.did,
        status: 'waiting',
      });
      const missing = await app.inject({ url: '/v1/rem/reminders/nope' });
      assert.equal(missing.statusCode, 404);
      assert.equal(missing.json().code, 'ERR_REM_NOT_FOUND');
      const bad = await app.inject({ url: '/v1/rem/reminders/NOT_AN_ID' });
      assert.equal(bad.statusCode, 400);
      assert.equal(bad.json().code, 'ERR_API_SCHEMA');
      const dup = await l.submit(0, 'rem.set', { id: 'r1', at: T0 });
      assertRejected(dup, 'ERR_REM_EXISTS');
      assert.equal(
        l.node.errors.status('ERR_REM_EXISTS'),
        409,
        "the module's own status is composed into the node's registry",
      );

      const spec = (await app.inject({ url: '/docs/json' })).json<{
        paths: Record<
          string,
          Record<string, { tags?: string[]; responses: Record<string, unknown> }>
        >;
      }>();
      assert.deepEqual(spec.paths['/v1/rem/reminders/{id}']!.get!.tags, ['reminders']);
      assert.deepEqual(spec.paths['/v1/rem/notes/{id}']!.put!.tags, ['reminders']);
      assert.deepEqual(spec.paths['/v1/gov/proposals']!.get!.tags, ['governance']);
      assert.ok(
        spec.paths['/v1/rem/reminders/{id}']!.get!.responses['200'],
        'the response schema is in the OpenAPI document',
      );

      const list = (await app.inject({ url: '/v1/modules' })).json<{
        modules: {
          namespace: string;
          kinds: string[];
          queries: { name: string; path: string }[];
          errors: string[];
        }[];
      }>();
      const rem = list.modules.find((m) => m.namespace === 'rem')!;
      assert.deepEqual(rem.kinds, ['rem.set', 'rem.cancel', 'rem.move', 'rem.many', 'rem.crash']);
      assert.deepEqual(
        rem.queries.map((x) => [x.name, x.path]),
        [['reminder', '/v1/rem/reminders/:id']],
      );
      assert.deepEqual(rem.errors, ['ERR_REM_NOT_FOUND', 'ERR_REM_EXISTS']);

      // The SDK reaches the query through the listing, without knowing its path.
      const client = new RealdidClient({ url: 'http://node.test', fetch: injectFetch(app) });
      assert.deepEqual(await client.query('rem', 'reminder', { id: 'r1' }), q.json());
      await assert.rejects(client.query('rem', 'reminder', { id: 'nope' }), (e: unknown) =>
        isAppError(e, 'ERR_REM_NOT_FOUND'),
      );
      await assert.rejects(client.query('rem', 'nothing', {}), (e: unknown) =>
        isAppError(e, 'ERR_SDK_NO_QUERY'),
      );
    } finally {
      await app.close();
      await l.close();
    }
  });

  test('a deadline changes committed state in a block sealed for it, without any transaction, and verify replays it', async () => {
    const dir = tempDir();
    const path = join(dir, 'ledger.sqlite');
    const l = openTestLedger({ modules: MODULES, path });
    const app = await buildApp(l.node);
    try {
      const set = await l.submitOk(0, 'rem.set', { id: 'soon', at: T0 + 10_000 });
      await l.submitOk(0, 'rem.set', { id: 'later', at: T0 + 50_000 });
      await l.submitOk(0, 'rem.set', { id: 'never', at: T0 + 20_000 });
      await l.submitOk(0, 'rem.cancel', { id: 'never' });
      const height = l.node.chain.head.height;
      l.node.orderer.tick();
      assert.equal(l.node.chain.head.height, height, 'nothing is due yet: no block');
      l.clock.advance(30_000);
      l.node.orderer.tick();
      assert.equal(l.node.chain.head.height, height + 1, 'a block sealed for the deadline');
      const block = l.node.chain.store.block(height + 1)!;
      assert.equal(block.txCount, 0, 'it holds no transaction');
      assert.deepEqual(reminder(l, 'soon'), {
        id: 'soon',
        at: T0 + 10_000,
        owner: l.orgs[0]!.did,
        status: 'fired',
        firedAt: block.header.time,
        firedHeight: height + 1,
      });
      assert.equal(reminder(l, 'later')!.status, 'waiting');
      assert.equal(reminder(l, 'never')!.status, 'cancelled', 'a cancelled deadline does not fire');
      assert.ok(set.height < height + 1);
      // The deadline's own key is gone from state; the other one is still scheduled.
      const keys = l.node.chain.store.stateByPrefix('core/deadline/', 10).map((r) => r.key);
      assert.equal(keys.length, 1);
      assert.match(keys[0]!, /\/rem\/later$/);
      l.node.orderer.tick();
      assert.equal(l.node.chain.head.height, height + 1, 'a consumed deadline does not seal again');
      const metrics = (await app.inject({ url: '/metrics' })).body;
      assert.match(metrics, /^realdid_rem_fired_seen 1$/m, 'module metrics are named by namespace');
      assert.match(metrics, /^realdid_rem_fired_bytes 8$/m, 'read-model memory is exported');
    } finally {
      await app.close();
      await l.close();
    }
    // Reopened: the deadline index is rebuilt from state and the remaining deadline still fires.
    const again = openTestLedger({ modules: MODULES, path, orgs: l.orgs, clock: l.clock });
    try {
      again.clock.advance(30_000);
      again.node.orderer.tick();
      assert.equal(reminder(again, 'later')!.status, 'fired');
    } finally {
      await again.close();
    }
    const store = SqliteStore.open(path, { readonly: true });
    try {
      const result = await verifyChain(store, new ModuleRegistry(MODULES));
      assert.ok(result.ok, JSON.stringify(result));
    } finally {
      store.close();
    }
  });

  test('a deadline falls due by the wall clock alone: the node arms a timer and seals the block itself', async () => {
    const l = openTestLedger({ modules: MODULES, deadlineTimer: true });
    try {
      // openTestLedger's clock is manual; read the real time through it.
      l.clock.now = Date.now();
      await l.submitOk(0, 'rem.set', { id: 'wall', at: Date.now() + 150 });
      const height = l.node.chain.head.height;
      // Keep the manual clock in step with the wall clock while the node's own timer runs.
      const sync = setInterval(() => {
        l.clock.now = Date.now();
      }, 10);
      try {
        for (let i = 0; i < 100 && reminder(l, 'wall')!.status !== 'fired'; i++)
          await new Promise((r) => setTimeout(r, 20));
      } finally {
        clearInterval(sync);
      }
      assert.equal(reminder(l, 'wall')!.status, 'fired');
      assert.equal(l.node.chain.head.height, height + 1);
    } finally {
      await l.close();
    }
  });

  test("a module's vault is encrypted at rest in the data folder and needs the node passphrase", async () => {
    const dir = tempDir();
    const l = openTestLedger({
      modules: MODULES,
      moduleData: { dir, passphrase: 'correct horse' },
    });
    const app = await buildApp(l.node);
    try {
      await l.submitOk(0, 'rem.set', { id: 'vault-entry-7f3a9c', at: T0 + 1 });
      const put = await app.inject({
        method: 'PUT',
        url: '/v1/rem/notes/vault-entry-7f3a9c',
        payload: { note: 'Zhang San 110101199003071234' },
      });
      assert.equal(put.statusCode, 200, put.body);
      const got = await app.inject({ url: '/v1/rem/notes/vault-entry-7f3a9c' });
      assert.equal(got.json().note, 'Zhang San 110101199003071234');
      const none = await app.inject({
        method: 'PUT',
        url: '/v1/rem/notes/ghost',
        payload: { note: 'x' },
      });
      assert.equal(none.json().code, 'ERR_REM_NOT_FOUND');
    } finally {
      await app.close();
      await l.close();
    }
    const folder = join(dir, 'modules', 'rem');
    assert.equal(
      statSync(join(folder, 'notes.vault')).mode & 0o777,
      0o600,
      'the vault file is private',
    );
    assert.deepEqual(
      readdirSync(folder).filter((f) => f.endsWith('.vault')),
      ['notes.vault'],
    );
    for (const f of readdirSync(folder)) {
      const bytes = readFileSync(join(folder, f));
      assert.equal(bytes.includes('Zhang San'), false, `${f} holds the note in clear`);
      assert.equal(bytes.includes('110101199003071234'), false, `${f} holds the number in clear`);
      assert.equal(bytes.includes('vault-entry-7f3a9c'), false, `${f} holds the key name in clear`);
    }
    assert.throws(
      () => openTestLedger({ modules: MODULES, moduleData: { dir, passphrase: 'wrong' } }),
      (e: unknown) => isAppError(e, 'ERR_CRYPTO_WRONG_PASSPHRASE'),
      'a node whose passphrase does not open a module vault does not start',
    );
    assert.throws(
      () => new FileVault(join(folder, 'notes.vault'), 'wrong'),
      (e: unknown) => isAppError(e, 'ERR_CRYPTO_WRONG_PASSPHRASE'),
    );
    const reopened = new FileVault(join(folder, 'notes.vault'), 'correct horse');
    try {
      assert.equal(
        Buffer.from(reopened.get('vault-entry-7f3a9c')!).toString(),
        'Zhang San 110101199003071234',
      );
    } finally {
      reopened.close();
    }
  });
});

describe('a throwing module rejects only its own transaction', () => {
  test('POST /v1/txs/batch: the buggy tx gets ERR_LEDGER_MODULE_FAILED, the others their true outcomes, nothing half-written', async () => {
    const l = openTestLedger({ modules: MODULES, maxBlockTxs: 100 });
    const app = await buildApp(l.node);
    try {
      const txs = [
        l.sign(0, 'rem.set', { id: 'a', at: T0 + 1e9 }),
        l.sign(1, 'rem.crash', { id: 'b' }),
        l.sign(2, 'rem.set', { id: 'c', at: T0 + 1e9 }),
        l.sign(0, 'rem.set', { id: 'a', at: T0 + 2e9 }),
      ];
      const res = await app.inject({ method: 'POST', url: '/v1/txs/batch', payload: { txs } });
      assert.equal(res.statusCode, 200, res.body);
      const results = res.json<{ results: { ok: boolean; error?: { code: string } }[] }>().results;
      assert.deepEqual(
        results.map((r) => (r.ok ? 'ok' : r.error!.code)),
        ['ok', 'ERR_LEDGER_MODULE_FAILED', 'ok', 'ERR_REM_EXISTS'],
      );
      assert.equal(l.node.orderer.pending, 0, 'the pending count does not drift');
      assert.equal(l.node.chain.state.get('rem/r/b'), undefined, 'the buggy write was discarded');
      assert.equal(
        l.node.chain.state.get(`core/nonce/${l.orgs[1]!.did}`),
        undefined,
        "the buggy tx did not use the signer's nonce",
      );
      assert.equal(reminder(l, 'c')!.status, 'waiting');
      // The ledger is still sound and keeps working.
      await l.submitOk(1, 'rem.set', { id: 'd', at: T0 + 5 });
      const snap = snapshotLedger(l.node);
      assert.equal(snap.txCount, 3);
    } finally {
      await app.close();
      await l.close();
    }
  });
});

/** A fetch that answers through fastify's inject (no port). */
function injectFetch(app: Awaited<ReturnType<typeof buildApp>>): typeof fetch {
  return async (input: string | URL | Request, init?: RequestInit) => {
    const url = new URL(String(input));
    const res = await app.inject({
      method: (init?.method ?? 'GET') as 'GET',
      url: url.pathname + url.search,
      headers: (init?.headers ?? {}) as Record<string, string>,
      ...(init?.body === undefined ? {} : { payload: init.body as string }),
    });
    return new Response(res.rawPayload, {
      status: res.statusCode,
      headers: res.headers as Record<string, string>,
    });
  };
}

describe('deadlines: rejected, moved, cancelled and many in one block, the same for the node and verify', () => {
  test('a deadline scheduled by a rejected tx never exists; one moved within a block fires at its new time only', async () => {
    const dir = tempDir();
    const path = join(dir, 'ledger.sqlite');
    const l = openTestLedger({ modules: MODULES, path, maxBlockTxs: 100 });
    try {
      const out = await l.node.submit([
        l.sign(0, 'rem.crash', { id: 'ghost' }),
        l.sign(1, 'rem.set', { id: 'm', at: T0 + 5_000 }),
        l.sign(1, 'rem.move', { id: 'm', at: T0 + 40_000 }),
        l.sign(1, 'rem.move', { id: 'm', at: T0 + 20_000 }),
        l.sign(2, 'rem.set', { id: 'c', at: T0 + 10_000 }),
        l.sign(2, 'rem.cancel', { id: 'c' }),
      ]);
      assert.deepEqual(
        out.map((o) => (o.ok ? o.height : o.error.code)),
        ['ERR_LEDGER_MODULE_FAILED', 1, 1, 1, 1, 1],
      );
      const keys = () => l.node.chain.store.stateByPrefix('core/deadline/', 10).map((r) => r.key);
      assert.deepEqual(
        keys(),
        [`core/deadline/${String(T0 + 20_000).padStart(15, '0')}/rem/m`],
        'only the last schedule of m is left',
      );
      l.clock.advance(15_000);
      l.node.orderer.tick();
      assert.equal(
        l.node.chain.head.height,
        1,
        'nothing due at +15 s: the old time of m and the cancelled c do not seal a block',
      );
      l.clock.advance(10_000);
      l.node.orderer.tick();
      assert.equal(l.node.chain.head.height, 2);
      assert.equal(reminder(l, 'm')!.status, 'fired');
      assert.equal(reminder(l, 'm')!.at, T0 + 20_000);
      assert.equal(reminder(l, 'c')!.status, 'cancelled');
      assert.equal(reminder(l, 'ghost'), undefined);
      assert.deepEqual(keys(), []);
      l.clock.advance(10 ** 9);
      l.node.orderer.tick();
      assert.equal(l.node.chain.head.height, 2, 'the rejected tx left no deadline behind');
    } finally {
      await l.close();
    }
    await assertVerifies(path);
  });

  test(`at most ${MAX_DEADLINES_PER_BLOCK} deadlines run per block; the rest run in the next blocks, sealed at once`, async () => {
    const dir = tempDir();
    const path = join(dir, 'ledger.sqlite');
    const l = openTestLedger({ modules: MODULES, path });
    try {
      const count = MAX_DEADLINES_PER_BLOCK + 1500;
      const set = await l.submitOk(0, 'rem.many', { count, at: T0 + 1_000 });
      l.clock.advance(5_000);
      l.node.orderer.tick();
      const fired = () => Number(l.node.chain.state.get('rem/bulk-fired') ?? 0);
      assert.equal(l.node.chain.head.height, set.height + 1);
      assert.equal(fired(), MAX_DEADLINES_PER_BLOCK);
      l.node.orderer.tick();
      assert.equal(l.node.chain.head.height, set.height + 2);
      assert.equal(fired(), count);
      assert.deepEqual(l.node.chain.store.stateByPrefix('core/deadline/', 1), []);
    } finally {
      await l.close();
    }
    await assertVerifies(path);
  });
});

describe('module code outside apply, and query input', () => {
  test('a key resolver that throws rejects only the txs it was asked about (ERR_LEDGER_MODULE_FAILED); the pending count holds', async () => {
    const buggy: LedgerModule = {
      name: 'buggy resolver',
      namespace: 'bug',
      kinds: [],
      keyResolvers: {
        bug: () => {
          throw new Error('resolver bug');
        },
      },
    };
    const l = openTestLedger({ modules: [...MODULES, buggy], maxBlockTxs: 100 });
    const app = await buildApp(l.node);
    try {
      const txs = [
        l.sign(0, 'rem.set', { id: 'x', at: T0 + 1e9 }),
        l.sign(1, 'rem.set', { id: 'y', at: T0 + 1e9 }, { signer: 'did:bug:abc#k' }),
        l.sign(2, 'rem.set', { id: 'z', at: T0 + 1e9 }),
      ];
      const res = await app.inject({ method: 'POST', url: '/v1/txs/batch', payload: { txs } });
      assert.equal(res.statusCode, 200, res.body);
      const results = res.json<{ results: { ok: boolean; error?: { code: string } }[] }>().results;
      assert.deepEqual(
        results.map((r) => (r.ok ? 'ok' : r.error!.code)),
        ['ok', 'ERR_LEDGER_MODULE_FAILED', 'ok'],
      );
      assert.equal(l.node.orderer.pending, 0);
      assert.equal(reminder(l, 'y'), undefined);
    } finally {
      await app.close();
      await l.close();
    }
  });

  test('a query-string field cannot stand in for a validated path parameter', async () => {
    const l = openTestLedger({ modules: MODULES });
    const app = await buildApp(l.node);
    try {
      await l.submitOk(0, 'rem.set', { id: 'real', at: T0 + 1e9 });
      const res = await app.inject({ url: '/v1/rem/reminders/real?id=other' });
      assert.equal(res.statusCode, 400, res.body);
      assert.equal(res.json().code, 'ERR_API_SCHEMA');
      const gov = await app.inject({ url: `/v1/gov/proposals/${'ab'.repeat(32)}?id=not-hex` });
      assert.equal(gov.statusCode, 400);
      assert.equal(gov.json().code, 'ERR_API_SCHEMA');
    } finally {
      await app.close();
      await l.close();
    }
  });
});

async function assertVerifies(path: string): Promise<void> {
  const store = SqliteStore.open(path, { readonly: true });
  try {
    const result = await verifyChain(store, new ModuleRegistry(MODULES));
    assert.ok(result.ok, JSON.stringify(result));
  } finally {
    store.close();
  }
}
