/**
 * Lawful de-anonymization as ledger transactions: who may file, decide and record an outcome
 * (each refusal with its code and the ledger unchanged), the M-of-N thresholds, the person's
 * notice at once or exactly when its delay has passed (a deadline, no transaction needed), the
 * end of a request's life, and replay from genesis to the same state.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import type { JsonValue } from '../../src/crypto/index.ts';
import type { ErrorCode } from '../../src/errors.ts';
import {
  getLawfulNotice,
  getLawfulRequest,
  lawfulSubjectOf,
  type LawfulRequest,
} from '../../src/identity/index.ts';
import {
  lastNonce,
  ModuleRegistry,
  signTx,
  SqliteStore,
  verifyChain,
  type SubmitOutcome,
} from '../../src/ledger/index.ts';
import { buildApp, defaultModules, openLedgerNode, type LedgerNode } from '../../src/node/index.ts';
import {
  assertRejected,
  makeGenesis,
  makeOrg,
  ManualClock,
  NonceCounter,
  snapshotLedger,
  T0,
} from '../helpers/ledger.ts';
import {
  actor,
  BASIS,
  CAST,
  lawfulDocuments,
  lawfulRoles,
  requestBody,
  subjectOf,
  type Actor,
} from './_lawful.ts';

const DAY = 24 * 60 * 60 * 1000;
const IA = actor('authority under test');
const PAIRWISE = 'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK';

interface Harness {
  readonly node: LedgerNode;
  readonly clock: ManualClock;
  submit(a: Actor, kind: string, body: { [k: string]: JsonValue }): Promise<SubmitOutcome>;
  ok(a: Actor, kind: string, body: { [k: string]: JsonValue }): Promise<string>;
  refused(a: Actor, kind: string, body: { [k: string]: JsonValue }, code: ErrorCode): Promise<void>;
  request(id: string): LawfulRequest;
  /** A governance change, applied at once (one org, quorum 1). */
  govern(change: { [k: string]: JsonValue }): Promise<void>;
  close(): Promise<void>;
}

function openHarness(o: { params?: Record<string, number>; path?: string } = {}): Harness {
  const org = makeOrg('org1');
  const clock = new ManualClock(T0 + 1000);
  const base = makeGenesis([org], {
    quorum: 1,
    roles: lawfulRoles(IA.did),
    ...(o.params === undefined ? {} : { params: o.params }),
  });
  const genesis = {
    ...base,
    modules: {
      ...base.modules,
      did: { documents: [...lawfulDocuments(), IA.create.body as never] },
    },
  };
  const node = openLedgerNode({
    path: o.path ?? ':memory:',
    genesis,
    signer: org.nodeSigner,
    signatureThreads: 0,
    ordering: { clock: clock.read, maxBlockTxs: 1, blockIntervalMs: 5, deadlineTimer: false },
  });
  const nonces = new NonceCounter();
  const submit: Harness['submit'] = async (a, kind, body) => {
    const nonce = nonces.next(a.did, lastNonce(node.pendingState, a.did));
    const tx = signTx({ kind, body, signer: a.kid, nonce, created: clock.now }, a.keyPair);
    return (await node.submit([tx]))[0]!;
  };
  return {
    node,
    clock,
    submit,
    async ok(a, kind, body) {
      const out = await submit(a, kind, body);
      if (!out.ok) assert.fail(`${kind} by ${a.label}: ${out.error.code} ${out.error.message}`);
      return out.id;
    },
    async refused(a, kind, body, code) {
      const before = snapshotLedger(node);
      assertRejected(await submit(a, kind, body), code);
      assert.deepEqual(snapshotLedger(node), before, `${kind} by ${a.label} changed the ledger`);
    },
    request: (id) => getLawfulRequest(node.chain.state, id)!,
    async govern(change) {
      const nonce = nonces.next(org.did, lastNonce(node.pendingState, org.did));
      const tx = signTx(
        { kind: 'gov.propose', body: { change }, signer: org.signer, nonce, created: clock.now },
        org.keyPair,
      );
      const out = (await node.submit([tx]))[0]!;
      if (!out.ok) assert.fail(`gov.propose: ${out.error.code} ${out.error.message}`);
    },
    close: () => node.close(),
  };
}

async function withHarness(
  fn: (h: Harness) => Promise<void>,
  o?: Parameters<typeof openHarness>[0],
): Promise<void> {
  const h = openHarness(o);
  try {
    await fn(h);
  } finally {
    await h.close();
  }
}

const decide = (request: string, decision: 'approve' | 'refuse', reason?: string) => ({
  request,
  decision,
  ...(reason === undefined ? {} : { reason }),
});
const outcome = (request: string, result = 'released') => ({
  request,
  result,
  releaseHash: 'ab'.repeat(32),
});

describe('lawful de-anonymization on the ledger', () => {
  test('the subject commitment is sha256("realdid/lawful-subject/v1\\n" + nonce + "\\n" + pairwise DID)', () => {
    assert.equal(
      lawfulSubjectOf('bm9uY2Utbm9uY2Utbm9uYw', PAIRWISE),
      subjectOf('bm9uY2Utbm9uY2Utbm9uYw', PAIRWISE),
    );
    assert.match(lawfulSubjectOf('n', PAIRWISE), /^[0-9a-f]{64}$/);
    assert.notEqual(lawfulSubjectOf('n', PAIRWISE), lawfulSubjectOf('m', PAIRWISE));
  });

  test('filing: only an accredited requester, for its bases, naming an authority and a site, within the notice limit', () =>
    withHarness(async (h) => {
      const body = requestBody(IA.did, PAIRWISE);
      await h.refused(CAST.nobody, 'idn.lawful-request', body, 'ERR_IDENTITY_NOT_LAWFUL_REQUESTER');
      await h.refused(CAST.c1, 'idn.lawful-request', body, 'ERR_IDENTITY_NOT_LAWFUL_REQUESTER');
      await h.refused(
        CAST.court,
        'idn.lawful-request',
        requestBody(IA.did, PAIRWISE, { basis: 'prc-other-law Some other law' }),
        'ERR_IDENTITY_NOT_LAWFUL_REQUESTER',
      );
      await h.refused(
        CAST.court,
        'idn.lawful-request',
        requestBody(CAST.court.did, PAIRWISE),
        'ERR_IDENTITY_LAWFUL_BAD_TARGET',
      );
      await h.refused(
        CAST.court,
        'idn.lawful-request',
        requestBody(IA.did, PAIRWISE, { site: CAST.nobody.did }),
        'ERR_IDENTITY_LAWFUL_BAD_TARGET',
      );
      await h.refused(
        CAST.court,
        'idn.lawful-request',
        requestBody(IA.did, PAIRWISE, { noticeDelayMs: 90 * DAY + 1 }),
        'ERR_IDENTITY_LAWFUL_BAD_NOTICE_DELAY',
      );
      await h.refused(
        CAST.court,
        'idn.lawful-request',
        { ...body, nonce: 'short' },
        'ERR_LEDGER_SCHEMA',
      );
      await h.refused(
        CAST.court,
        'idn.lawful-request',
        { ...body, basis: 'line one\nline two' },
        'ERR_LEDGER_SCHEMA',
      );
      // The prosecutor's accreditation lists no bases: any citation.
      const id = await h.ok(CAST.prosecutor, 'idn.lawful-request', {
        ...body,
        basis: 'Some statute, section 9',
        noticeDelayMs: 90 * DAY,
      });
      const r = h.request(id);
      assert.equal(r.requester, CAST.prosecutor.did);
      assert.equal(r.status, 'open');
      assert.equal(r.expires, r.created + 30 * DAY);
      assert.equal(r.noticeAt, r.created + 90 * DAY);
      assert.equal(r.subject, body.subject);
      assert.equal(getLawfulNotice(h.node.chain.state, id), undefined, 'the notice waits');
      await h.ok(CAST.court, 'idn.lawful-request', body);
    }));

  test('decisions: custodians only, once each, never the requester; M approvals approve, then it is closed', () =>
    withHarness(async (h) => {
      const id = await h.ok(CAST.court, 'idn.lawful-request', requestBody(IA.did, PAIRWISE));
      await h.refused(
        CAST.nobody,
        'idn.lawful-decision',
        decide(id, 'approve'),
        'ERR_IDENTITY_NOT_CUSTODIAN',
      );
      await h.refused(
        CAST.court,
        'idn.lawful-decision',
        decide(id, 'approve'),
        'ERR_IDENTITY_NOT_CUSTODIAN',
      );
      await h.refused(
        CAST.c1,
        'idn.lawful-decision',
        decide('00'.repeat(32), 'approve'),
        'ERR_IDENTITY_LAWFUL_UNKNOWN',
      );

      await h.ok(CAST.c1, 'idn.lawful-decision', decide(id, 'approve'));
      assert.equal(h.request(id).status, 'open', 'one approval of two');
      await h.refused(
        CAST.c1,
        'idn.lawful-decision',
        decide(id, 'approve'),
        'ERR_IDENTITY_LAWFUL_ALREADY_DECIDED',
      );
      await h.refused(
        CAST.c1,
        'idn.lawful-decision',
        decide(id, 'refuse'),
        'ERR_IDENTITY_LAWFUL_ALREADY_DECIDED',
      );
      await h.refused(IA, 'idn.lawful-outcome', outcome(id), 'ERR_IDENTITY_LAWFUL_NOT_APPROVED');

      await h.ok(CAST.c2, 'idn.lawful-decision', decide(id, 'approve'));
      const r = h.request(id);
      assert.equal(r.status, 'approved');
      assert.deepEqual(
        r.approvals.map((d) => d.custodian),
        [CAST.c1.did, CAST.c2.did],
      );
      assert.equal(r.approvedAt, r.approvals[1]!.time);
      await h.refused(
        CAST.c3,
        'idn.lawful-decision',
        decide(id, 'approve'),
        'ERR_IDENTITY_LAWFUL_CLOSED',
      );

      // A custodian that is also a requester does not decide its own request.
      const own = await h.ok(
        CAST.c3,
        'idn.lawful-request',
        requestBody(IA.did, PAIRWISE, { basis: 'Any basis' }),
      );
      await h.refused(
        CAST.c3,
        'idn.lawful-decision',
        decide(own, 'approve'),
        'ERR_IDENTITY_NOT_CUSTODIAN',
      );
    }));

  test('refusals: lawfulRefusals refusals close the request; nothing more is taken', () =>
    withHarness(
      async (h) => {
        const id = await h.ok(CAST.court, 'idn.lawful-request', requestBody(IA.did, PAIRWISE));
        await h.ok(CAST.c1, 'idn.lawful-decision', decide(id, 'refuse', 'disproportionate'));
        await h.ok(CAST.c2, 'idn.lawful-decision', decide(id, 'approve'));
        assert.equal(h.request(id).status, 'open', 'one approval, one refusal');
        await h.ok(CAST.c3, 'idn.lawful-decision', decide(id, 'refuse'));
        const r = h.request(id);
        assert.equal(r.status, 'refused');
        assert.equal(r.closedAt, r.refusals[1]!.time);
        assert.deepEqual(r.refusals[0], {
          custodian: CAST.c1.did,
          time: r.refusals[0]!.time,
          reason: 'disproportionate',
        });
        await h.refused(IA, 'idn.lawful-outcome', outcome(id), 'ERR_IDENTITY_LAWFUL_CLOSED');
      },
      { params: { lawfulRefusals: 2, lawfulApprovals: 3 } },
    ));

  test('the outcome: only the authority asked, only once, only when approved', () =>
    withHarness(async (h) => {
      const id = await h.ok(CAST.court, 'idn.lawful-request', requestBody(IA.did, PAIRWISE));
      await h.ok(CAST.c1, 'idn.lawful-decision', decide(id, 'approve'));
      await h.ok(CAST.c2, 'idn.lawful-decision', decide(id, 'approve'));
      await h.refused(CAST.ia2, 'idn.lawful-outcome', outcome(id), 'ERR_LEDGER_UNAUTHORIZED');
      await h.refused(CAST.court, 'idn.lawful-outcome', outcome(id), 'ERR_LEDGER_UNAUTHORIZED');
      await h.refused(CAST.c1, 'idn.lawful-outcome', outcome(id), 'ERR_LEDGER_UNAUTHORIZED');
      await h.refused(
        IA,
        'idn.lawful-outcome',
        { ...outcome(id), result: 'leaked' },
        'ERR_LEDGER_SCHEMA',
      );
      await h.ok(IA, 'idn.lawful-outcome', outcome(id));
      const r = h.request(id);
      assert.equal(r.status, 'released');
      assert.deepEqual(r.outcome, {
        result: 'released',
        releaseHash: 'ab'.repeat(32),
        time: r.closedAt,
      });
      await h.refused(
        IA,
        'idn.lawful-outcome',
        outcome(id, 'not-found'),
        'ERR_IDENTITY_LAWFUL_CLOSED',
      );
    }));

  test('a requester whose accreditation governance revoked: its requests are approved and released no more', () =>
    withHarness(async (h) => {
      const open = await h.ok(CAST.court, 'idn.lawful-request', requestBody(IA.did, PAIRWISE));
      const approved = await h.ok(CAST.court, 'idn.lawful-request', requestBody(IA.did, PAIRWISE));
      await h.ok(CAST.c1, 'idn.lawful-decision', decide(open, 'approve'));
      await h.ok(CAST.c1, 'idn.lawful-decision', decide(approved, 'approve'));
      await h.ok(CAST.c2, 'idn.lawful-decision', decide(approved, 'approve'));
      assert.equal(h.request(approved).status, 'approved');
      await h.govern({
        type: 'revoke',
        role: 'lawful-requester',
        subject: CAST.court.did,
        reason: 'abuse of lawful requests',
      });
      await h.refused(
        CAST.c2,
        'idn.lawful-decision',
        decide(open, 'approve'),
        'ERR_IDENTITY_NOT_LAWFUL_REQUESTER',
      );
      await h.refused(
        IA,
        'idn.lawful-outcome',
        outcome(approved),
        'ERR_IDENTITY_NOT_LAWFUL_REQUESTER',
      );
      // refusing it is still possible
      await h.ok(CAST.c2, 'idn.lawful-decision', decide(open, 'refuse'));
    }));

  test('notice at once: written in the request’s own block; listed by the query with its key', () =>
    withHarness(async (h) => {
      const id = await h.ok(CAST.court, 'idn.lawful-request', requestBody(IA.did, PAIRWISE));
      const r = h.request(id);
      const n = getLawfulNotice(h.node.chain.state, id)!;
      assert.deepEqual(n, {
        request: id,
        subject: r.subject,
        nonce: r.nonce,
        site: CAST.site.did,
        authority: IA.did,
        time: r.created,
        height: h.node.chain.head.height,
      });
      assert.equal(r.noticed, r.created);
      const app = await buildApp(h.node);
      try {
        const page = (await app.inject({ url: '/v1/identity/lawful-notices' })).json<{
          notices: unknown[];
          keys: string[];
          next: string | null;
        }>();
        assert.deepEqual(page, { notices: [n], keys: [`idn/lawful-notice/${id}`], next: null });
        const later = (
          await app.inject({ url: `/v1/identity/lawful-notices?since=${n.time + 1}` })
        ).json<{
          notices: unknown[];
        }>();
        assert.deepEqual(later.notices, []);
        const one = await app.inject({ url: `/v1/identity/lawful-requests/${id}` });
        assert.deepEqual(one.json(), { request: r, key: `idn/lawful/${id}` });
        const unknown = await app.inject({ url: `/v1/identity/lawful-requests/${'0'.repeat(64)}` });
        assert.equal(unknown.statusCode, 404);
        assert.equal(unknown.json<{ code: string }>().code, 'ERR_IDENTITY_LAWFUL_UNKNOWN');
      } finally {
        await app.close();
      }
    }));

  test('a delayed notice appears at the first block at or past its time, sealed for the deadline alone', () =>
    withHarness(async (h) => {
      const delay = 10 * DAY;
      const id = await h.ok(
        CAST.court,
        'idn.lawful-request',
        requestBody(IA.did, PAIRWISE, { noticeDelayMs: delay }),
      );
      const { noticeAt } = h.request(id);
      // Approved and released long before: the notice still waits for its time.
      await h.ok(CAST.c1, 'idn.lawful-decision', decide(id, 'approve'));
      await h.ok(CAST.c2, 'idn.lawful-decision', decide(id, 'approve'));
      await h.ok(IA, 'idn.lawful-outcome', outcome(id));

      h.clock.now = noticeAt - 1;
      const height = h.node.chain.head.height;
      h.node.orderer.tick();
      assert.equal(h.node.chain.head.height, height, 'not due yet: no block');
      await h.ok(
        CAST.court,
        'idn.lawful-request',
        requestBody(IA.did, PAIRWISE, { noticeDelayMs: delay }),
      );
      assert.equal(h.node.chain.head.header.time, noticeAt - 1);
      assert.equal(
        getLawfulNotice(h.node.chain.state, id),
        undefined,
        'a block 1 ms before: no notice',
      );

      h.clock.now = noticeAt;
      h.node.orderer.tick();
      assert.equal(h.node.chain.head.height, height + 2, 'a block sealed for the deadline');
      assert.equal(h.node.chain.store.block(height + 2)!.txCount, 0);
      const n = getLawfulNotice(h.node.chain.state, id)!;
      assert.equal(n.time, noticeAt);
      assert.equal(n.height, height + 2);
      assert.equal(h.request(id).noticed, noticeAt);
      assert.equal(h.request(id).status, 'released', 'the notice leaves the outcome alone');
      h.node.orderer.tick();
      assert.equal(h.node.chain.head.height, height + 2, 'nothing else is due');
    }));

  test('expiry: an open or approved request expires after lawfulRequestTtlMs and its pending notice is written then', () =>
    withHarness(async (h) => {
      const long = { noticeDelayMs: 60 * DAY };
      const open = await h.ok(
        CAST.court,
        'idn.lawful-request',
        requestBody(IA.did, PAIRWISE, long),
      );
      const approved = await h.ok(
        CAST.court,
        'idn.lawful-request',
        requestBody(IA.did, PAIRWISE, long),
      );
      const released = await h.ok(
        CAST.court,
        'idn.lawful-request',
        requestBody(IA.did, PAIRWISE, long),
      );
      for (const id of [approved, released]) {
        await h.ok(CAST.c1, 'idn.lawful-decision', decide(id, 'approve'));
        await h.ok(CAST.c2, 'idn.lawful-decision', decide(id, 'approve'));
      }
      await h.ok(IA, 'idn.lawful-outcome', outcome(released));
      const { expires } = h.request(open);

      // Up to and including `expires` decisions are taken; one millisecond after, no more.
      h.clock.now = expires;
      await h.ok(CAST.c3, 'idn.lawful-decision', decide(open, 'refuse'));
      h.clock.now = h.request(approved).expires + 1;
      await h.refused(
        CAST.c2,
        'idn.lawful-decision',
        decide(open, 'approve'),
        'ERR_IDENTITY_LAWFUL_CLOSED',
      );
      await h.refused(IA, 'idn.lawful-outcome', outcome(approved), 'ERR_IDENTITY_LAWFUL_CLOSED');

      h.node.orderer.tick();
      const t = h.node.chain.head.header.time;
      for (const id of [open, approved]) {
        const r = h.request(id);
        assert.equal(r.status, 'expired', id);
        assert.equal(r.closedAt, t);
        assert.equal(getLawfulNotice(h.node.chain.state, id)?.time, t, 'told when it ended');
      }
      const r = h.request(released);
      assert.equal(r.status, 'released');
      assert.equal(
        getLawfulNotice(h.node.chain.state, released),
        undefined,
        'a release keeps its delay',
      );
      h.clock.now = r.noticeAt;
      h.node.orderer.tick();
      assert.equal(getLawfulNotice(h.node.chain.state, released)?.time, r.noticeAt);
    }));

  test('determinism: a ledger of requests, decisions, outcomes, notices and expiries replays to the same state', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'realdid-lawful-'));
    const path = join(dir, 'ledger.sqlite');
    try {
      await withHarness(
        async (h) => {
          const ids = [];
          for (const delay of [0, DAY, 40 * DAY])
            ids.push(
              await h.ok(
                CAST.court,
                'idn.lawful-request',
                requestBody(IA.did, PAIRWISE, { noticeDelayMs: delay, basis: BASIS }),
              ),
            );
          await h.ok(CAST.c1, 'idn.lawful-decision', decide(ids[0]!, 'approve'));
          await h.ok(CAST.c2, 'idn.lawful-decision', decide(ids[0]!, 'approve'));
          await h.ok(IA, 'idn.lawful-outcome', outcome(ids[0]!, 'not-found'));
          await h.ok(CAST.c1, 'idn.lawful-decision', decide(ids[1]!, 'refuse'));
          for (const step of [DAY, 31 * DAY, 41 * DAY]) {
            h.clock.now = T0 + step + 5000;
            h.node.orderer.tick();
          }
          assert.deepEqual(
            ids.map((id) => h.request(id).status),
            ['not-found', 'expired', 'expired'],
          );
          assert.ok(ids.every((id) => getLawfulNotice(h.node.chain.state, id) !== undefined));
        },
        { path },
      );
      const store = SqliteStore.open(path, { readonly: true });
      try {
        const result = await verifyChain(store, new ModuleRegistry(defaultModules()));
        assert.ok(result.ok, JSON.stringify(result));
      } finally {
        store.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
