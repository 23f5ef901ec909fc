import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { isAppError } from '../../src/errors.ts';
import {
  accreditedAt,
  DEFAULT_PARAMS,
  getOrg,
  getParam,
  getProposal,
  getQuorum,
  getRole,
  hasRole,
  orgIds,
  roleHistory,
  type Proposal,
} from '../../src/governance/index.ts';
import {
  ModuleRegistry,
  signCheckpoint,
  StateOverlay,
  verifyChain,
} from '../../src/ledger/index.ts';
import { buildApp, defaultModules, openLedgerNode } from '../../src/node/index.ts';
import { trustFromGenesis, verifySignedCheckpoint } from '../../src/sdk/index.ts';
import {
  assertRejected,
  makeGenesis,
  makeOrg,
  makeOrgs,
  openTestLedger,
  orgEntry,
  snapshotLedger,
  T0,
  type TestLedger,
  type TestOrg,
} from '../helpers/ledger.ts';

type Change = Record<string, unknown> & { type: string };

const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;

async function withLedger(
  options: Parameters<typeof openTestLedger>[0],
  fn: (l: TestLedger) => Promise<void>,
): Promise<void> {
  const l = openTestLedger(options);
  try {
    await fn(l);
  } finally {
    await l.close();
  }
}

function proposal(l: TestLedger, id: string): Proposal {
  const p = getProposal(l.node.chain.state, id);
  assert.ok(p !== undefined, `proposal ${id} exists`);
  return p;
}

/** Proposes `change` as org `by`; answers the proposal id. */
async function propose(l: TestLedger, by: number | TestOrg, change: Change): Promise<string> {
  return (await l.submitOk(by, 'gov.propose', { change: change as never })).id;
}

async function approve(l: TestLedger, by: number | TestOrg, id: string): Promise<void> {
  await l.submitOk(by, 'gov.approve', { proposal: id });
}

/** Proposes as `approvers[0]` and approves with the rest; answers the proposal. */
async function pass(
  l: TestLedger,
  change: Change,
  approvers: readonly (number | TestOrg)[],
): Promise<Proposal> {
  const id = await propose(l, approvers[0]!, change);
  for (const a of approvers.slice(1)) await approve(l, a, id);
  return proposal(l, id);
}

async function verifyWholeChain(l: TestLedger): Promise<void> {
  const result = await verifyChain(l.node.chain.store, new ModuleRegistry(defaultModules()));
  assert.ok(result.ok, JSON.stringify(result));
}

const setParam = (name: string, value: number | string | boolean): Change => ({
  type: 'set-param',
  name,
  value,
});

for (const [m, n] of [
  [2, 3],
  [3, 4],
] as const) {
  describe(`quorum ${m} of ${n}`, () => {
    test(`a change with ${m - 1} approval(s) does nothing; the ${m}th applies it`, () =>
      withLedger({ orgs: n, genesis: { quorum: m } }, async (l) => {
        const id = await propose(l, 0, setParam('disputeDays', 30));
        for (let i = 1; i < m - 1; i++) await approve(l, i, id);
        let p = proposal(l, id);
        assert.equal(p.status, 'open');
        assert.deepEqual(
          p.approvals,
          Array.from({ length: m - 1 }, (_, i) => `org${i + 1}`),
        );
        assert.equal(p.proposer, 'org1');
        assert.equal(l.node.chain.state.get('gov/param/disputeDays'), undefined);
        assert.equal(getParam(l.node.chain.state, 'disputeDays'), undefined);

        await approve(l, m - 1, id);
        p = proposal(l, id);
        assert.equal(p.status, 'executed');
        assert.equal(p.executedAt, l.node.chain.head.header.time);
        assert.equal(getParam(l.node.chain.state, 'disputeDays'), 30);

        // Approving an executed proposal: closed, and nothing changes.
        if (m < n) {
          const before = snapshotLedger(l.node);
          assertRejected(
            await l.submit(m, 'gov.approve', { proposal: id }),
            'ERR_GOV_PROPOSAL_CLOSED',
            409,
          );
          assert.deepEqual(snapshotLedger(l.node), before);
        }
        await verifyWholeChain(l);
      }));

    test('the proposer approving its own proposal, or an org approving twice, is ERR_GOV_ALREADY_APPROVED', () =>
      withLedger({ orgs: n, genesis: { quorum: m } }, async (l) => {
        const id = await propose(l, 0, setParam('x', 1));
        const before = snapshotLedger(l.node);
        assertRejected(
          await l.submit(0, 'gov.approve', { proposal: id }),
          'ERR_GOV_ALREADY_APPROVED',
          409,
        );
        assert.deepEqual(snapshotLedger(l.node), before);
        if (m > 2) {
          await approve(l, 1, id);
          const mid = snapshotLedger(l.node);
          assertRejected(
            await l.submit(1, 'gov.approve', { proposal: id }),
            'ERR_GOV_ALREADY_APPROVED',
            409,
          );
          assert.deepEqual(snapshotLedger(l.node), mid);
        }
        assert.equal(proposal(l, id).status, 'open');
        assert.deepEqual(proposal(l, id).approvals, m > 2 ? ['org1', 'org2'] : ['org1']);
      }));
  });
}

describe('membership and proposal look-ups', () => {
  test('an approval or proposal signed by a non-member key is ERR_GOV_NOT_MEMBER (403) and changes nothing', () =>
    withLedger({ orgs: 3, genesis: { quorum: 2 } }, async (l) => {
      const outsider = makeOrg('outsider');
      const id = await propose(l, 0, setParam('x', 1));
      const before = snapshotLedger(l.node);
      assertRejected(
        await l.submit(outsider, 'gov.approve', { proposal: id }),
        'ERR_GOV_NOT_MEMBER',
        403,
      );
      assertRejected(
        await l.submit(outsider, 'gov.propose', { change: setParam('y', 2) as never }),
        'ERR_GOV_NOT_MEMBER',
        403,
      );
      assert.deepEqual(snapshotLedger(l.node), before);
      assert.deepEqual(proposal(l, id).approvals, ['org1']);
      // Not even its nonce was recorded, committed or pending.
      assert.equal(l.node.pendingState.get(`core/nonce/${outsider.did}`), undefined);
    }));

  test('approving an unknown proposal is ERR_GOV_PROPOSAL_NOT_FOUND (404)', () =>
    withLedger({ orgs: 3 }, async (l) => {
      const before = snapshotLedger(l.node);
      assertRejected(
        await l.submit(1, 'gov.approve', { proposal: 'ab'.repeat(32) }),
        'ERR_GOV_PROPOSAL_NOT_FOUND',
        404,
      );
      assert.deepEqual(snapshotLedger(l.node), before);
    }));

  test('bodies outside the schema are ERR_LEDGER_SCHEMA', () =>
    withLedger({ orgs: 3 }, async (l) => {
      for (const body of [
        { proposal: 'AB'.repeat(32) },
        { proposal: 'ab'.repeat(32), extra: 1 },
        { change: { type: 'set-quorum', quorum: 0 } },
        { change: { type: 'set-quorum', quorum: 2.5 } },
        {
          change: {
            type: 'add-org',
            org: { id: 'Bad Id', name: 'x', keys: [l.orgs[0]!.multikey] },
          },
        },
        { change: { type: 'explode' } },
      ]) {
        const kind = 'proposal' in body ? 'gov.approve' : 'gov.propose';
        assertRejected(await l.submit(0, kind, body as never), 'ERR_LEDGER_SCHEMA', 400);
      }
      assert.equal(l.node.chain.head.height, 0);
    }));

  test('a proposal expires proposalTtlMs after its block: approving later is ERR_GOV_PROPOSAL_CLOSED', () =>
    withLedger({ orgs: 3, genesis: { quorum: 2 } }, async (l) => {
      assert.equal(DEFAULT_PARAMS.proposalTtlMs, 7 * DAY);
      l.clock.advance(HOUR);
      const early = await propose(l, 0, setParam('a', 1));
      const late = await propose(l, 0, setParam('b', 1));
      const pLate = proposal(l, late);
      assert.equal(pLate.expires, pLate.created + 7 * DAY);

      // Exactly at `expires` a proposal still takes approvals…
      l.clock.now = proposal(l, early).expires;
      await approve(l, 1, early);
      assert.equal(proposal(l, early).status, 'executed');

      // …one millisecond after, it is closed.
      l.clock.now = pLate.expires + 1;
      const before = snapshotLedger(l.node);
      const out = await l.submit(1, 'gov.approve', { proposal: late });
      assertRejected(out, 'ERR_GOV_PROPOSAL_CLOSED', 409);
      assert.match(!out.ok ? out.error.message : '', /expired/);
      assert.deepEqual(snapshotLedger(l.node), before);
      assert.equal(getParam(l.node.chain.state, 'b'), undefined);

      // Expiry is a state change at the first block past the deadline: a block the node seals
      // for the deadline itself when no transaction comes (the rejected approval made none).
      const app = await buildApp(l.node);
      const view = async (): Promise<{ status: string; expiredAt?: number }> =>
        (await app.inject({ url: `/v1/gov/proposals/${late}` })).json<{
          status: string;
          expiredAt?: number;
        }>();
      assert.equal((await view()).status, 'open', 'no block past the deadline yet');
      const height = l.node.chain.head.height;
      l.node.orderer.tick();
      assert.equal(l.node.chain.head.height, height + 1, 'a block was sealed for the deadline');
      assert.equal(l.node.chain.store.block(height + 1)!.txCount, 0);
      assert.equal(proposal(l, late).status, 'expired', 'the committed state says so');
      assert.deepEqual(await view(), {
        ...proposal(l, late),
        status: 'expired',
        expiredAt: l.node.chain.head.header.time,
      });
      const listed = (await app.inject({ url: '/v1/gov/proposals?status=expired' })).json<{
        proposals: { id: string }[];
      }>();
      assert.deepEqual(
        listed.proposals.map((p) => p.id),
        [late],
      );
      assert.equal(proposal(l, early).status, 'executed', 'an executed proposal never expires');
      l.node.orderer.tick();
      assert.equal(l.node.chain.head.height, height + 1, 'nothing else is due');
      await app.close();
    }));

  test('GET /v1/gov/proposals filters by status before paging: no empty page with a next, nothing skipped', () =>
    withLedger({ orgs: 3, genesis: { quorum: 2 } }, async (l) => {
      const ids: string[] = [];
      for (let i = 0; i < 9; i++) ids.push(await propose(l, 0, setParam(`p${i}`, i)));
      for (const i of [1, 2, 5, 8]) await approve(l, 1, ids[i]!);
      const byId = [...ids].sort();
      const executed = byId.filter((id) => proposal(l, id).status === 'executed');
      const open = byId.filter((id) => proposal(l, id).status === 'open');
      assert.equal(executed.length, 4);
      const app = await buildApp(l.node);
      try {
        for (const [status, want] of [
          ['executed', executed],
          ['open', open],
          ['failed', []],
        ] as const) {
          for (const limit of [1, 2, 3, 4, 5]) {
            const seen: string[] = [];
            let after: string | null = null;
            for (let page = 0; page < 20; page++) {
              const url: string = `/v1/gov/proposals?status=${status}&limit=${limit}${after === null ? '' : `&after=${after}`}`;
              const res = await app.inject({ url });
              assert.equal(res.statusCode, 200, res.body);
              const body = res.json<{
                proposals: { id: string; status: string }[];
                next: string | null;
              }>();
              assert.ok(body.proposals.every((p) => p.status === status));
              if (body.next !== null)
                assert.equal(
                  body.proposals.length,
                  limit,
                  `a page with a next is full (status ${status}, limit ${limit})`,
                );
              seen.push(...body.proposals.map((p) => p.id));
              after = body.next;
              if (after === null) break;
            }
            assert.deepEqual(seen, want, `status ${status}, limit ${limit}`);
          }
        }
      } finally {
        await app.close();
      }
    }));

  test('a shorter proposalTtlMs set by governance applies to later proposals', () =>
    withLedger(
      { orgs: 3, genesis: { quorum: 2, params: { proposalTtlMs: 60_000 } } },
      async (l) => {
        l.clock.advance(1000);
        const id = await propose(l, 0, setParam('a', 1));
        assert.equal(proposal(l, id).expires - proposal(l, id).created, 60_000);
        l.clock.advance(60_001);
        assertRejected(
          await l.submit(2, 'gov.approve', { proposal: id }),
          'ERR_GOV_PROPOSAL_CLOSED',
        );
      },
    ));
});

describe('add-org', () => {
  test('the new org can then propose, approve and cosign checkpoints', () =>
    withLedger({ orgs: 3, genesis: { quorum: 2 } }, async (l) => {
      const org4 = makeOrg('org4', 'Fourth Org');
      const p = await pass(l, { type: 'add-org', org: orgEntry(org4) }, [0, 1]);
      assert.equal(p.status, 'executed');
      assert.deepEqual(orgIds(l.node.chain.state), ['org1', 'org2', 'org3', 'org4']);
      // Stored with the height it joined at: it may sign checkpoints from there on.
      assert.deepEqual(getOrg(l.node.chain.state, 'org4'), {
        ...orgEntry(org4),
        sinceHeight: l.node.chain.head.height,
      });

      // It approves (its vote counts toward the quorum) and proposes.
      const id = await propose(l, 2, setParam('x', 7));
      await approve(l, org4, id);
      assert.equal(proposal(l, id).status, 'executed');
      assert.deepEqual(proposal(l, id).approvals, ['org3', 'org4']);
      const own = await propose(l, org4, setParam('y', 8));
      assert.equal(proposal(l, own).proposer, 'org4');

      // It cosigns the head checkpoint; a client trusting it accepts the checkpoint on its signature.
      const { chain } = l.node;
      const cp = chain.signedCheckpoint().checkpoint;
      const signed = chain.cosign(
        cp.height,
        signCheckpoint(cp, 'org4', org4.multikey, org4.keyPair),
      );
      assert.deepEqual(
        signed.signatures.map((s) => s.org),
        ['org1', 'org4'],
      );
      const trust = { chainId: cp.chainId, orgs: { org4: [org4.multikey] } };
      assert.deepEqual(verifySignedCheckpoint(signed, trust, 1), cp);
      await verifyWholeChain(l);
    }));

  test('a node run by the new org signs the checkpoints of the blocks after it joined', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'realdid-gov-'));
    const orgs = makeOrgs(2);
    const org3 = makeOrg('org3');
    const path = join(dir, 'ledger.sqlite');
    try {
      await withLedger({ orgs, genesis: { quorum: 1 }, path }, async (l) => {
        await pass(l, { type: 'add-org', org: orgEntry(org3) }, [0]);
      });
      // Reopen the same store with org3's key as the node signer.
      await withLedger(
        { orgs, genesis: { quorum: 1 }, path, signer: org3.nodeSigner },
        async (l) => {
          l.clock.advance(1000);
          const r = await l.submitOk(org3, 'gov.propose', { change: setParam('x', 3) as never });
          assert.equal(proposal(l, r.id).status, 'executed');
          assert.deepEqual(
            l.node.chain.store.signatures(r.height).map((s) => s.org),
            ['org3'],
          );
          await verifyWholeChain(l);
        },
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  // BUG (src/ledger/chain.ts Chain.cosign): cosignatures are checked against the *current* members,
  // while verifyChain checks them against the members as of the signed block. A new org's
  // cosignature on a block from before it joined is accepted, and `realdid verify` then fails.
  test('a new org cannot cosign a checkpoint of a block from before it joined (verify must keep passing)', () =>
    withLedger({ orgs: 3, genesis: { quorum: 2 } }, async (l) => {
      const org4 = makeOrg('org4');
      await pass(l, { type: 'add-org', org: orgEntry(org4) }, [0, 1]);
      const { chain } = l.node;
      const old = chain.signedCheckpoint(0).checkpoint;
      assert.throws(
        () => chain.cosign(0, signCheckpoint(old, 'org4', org4.multikey, org4.keyPair)),
        (err: unknown) => isAppError(err, 'ERR_LEDGER_BAD_CHECKPOINT'),
      );
      await verifyWholeChain(l);
    }));

  test('an existing id, a key of another org, or a key that is no Ed25519 Multikey fails the proposal', () =>
    withLedger({ orgs: 3, genesis: { quorum: 2 } }, async (l) => {
      const before = [...l.node.chain.store.stateByPrefix('gov/org', 100)];
      const fresh = makeOrg('org9');
      // 'z6Mk' + 44 base58 characters matches the Multikey pattern but decodes to no 0xed01 key.
      const notAKey = `z6Mk${'z'.repeat(44)}`;
      for (const org of [
        { ...orgEntry(fresh), id: 'org2' },
        { ...orgEntry(fresh), keys: [l.orgs[2]!.multikey] },
        { ...orgEntry(fresh), keys: [notAKey] },
        // A good key before a taken one: nothing of the org may be written (no orphan key index).
        { ...orgEntry(fresh), keys: [fresh.multikey, l.orgs[2]!.multikey] },
        { ...orgEntry(fresh), keys: [fresh.multikey, notAKey] },
      ]) {
        const p = await pass(l, { type: 'add-org', org }, [0, 1]);
        assert.equal(p.status, 'failed', JSON.stringify(org));
        assert.equal(p.failure?.code, 'ERR_GOV_INVALID_CHANGE');
        assertRejected(
          await l.submit(2, 'gov.approve', { proposal: p.id }),
          'ERR_GOV_PROPOSAL_CLOSED',
          409,
        );
      }
      assert.deepEqual(l.node.chain.store.stateByPrefix('gov/org', 100), before);
      assert.equal(l.node.chain.state.get(`gov/key/${fresh.multikey}`), undefined);
      assertRejected(
        await l.submit(fresh, 'gov.propose', { change: setParam('x', 1) as never }),
        'ERR_GOV_NOT_MEMBER',
      );
      // The chain is still healthy: later blocks commit and the whole chain verifies.
      await pass(l, setParam('x', 1), [0, 1]);
      await verifyWholeChain(l);
    }));
});

describe('remove-org', () => {
  test("the removed org's approvals stop counting, and it can no longer approve or cosign", () =>
    withLedger({ orgs: 4, genesis: { quorum: 3 } }, async (l) => {
      const [, , , org4] = l.orgs;
      const pending = await propose(l, org4!, setParam('x', 1));
      await approve(l, 0, pending);
      assert.deepEqual(proposal(l, pending).approvals, ['org4', 'org1']);
      assert.equal(proposal(l, pending).status, 'open');

      const removal = await pass(l, { type: 'remove-org', org: 'org4' }, [0, 1, 2]);
      assert.equal(removal.status, 'executed');
      assert.deepEqual(orgIds(l.node.chain.state), ['org1', 'org2', 'org3']);
      assert.equal(getOrg(l.node.chain.state, 'org4'), undefined);
      assert.equal(l.node.chain.state.get(`gov/key/${org4!.multikey}`), undefined);

      // org1 + org4 + org2 would be 3, but org4 no longer counts.
      await approve(l, 1, pending);
      assert.equal(proposal(l, pending).status, 'open');
      assert.equal(getParam(l.node.chain.state, 'x'), undefined);
      await approve(l, 2, pending);
      assert.equal(proposal(l, pending).status, 'executed');
      assert.equal(getParam(l.node.chain.state, 'x'), 1);

      const other = await propose(l, 0, setParam('y', 2));
      const before = snapshotLedger(l.node);
      assertRejected(
        await l.submit(org4!, 'gov.approve', { proposal: other }),
        'ERR_GOV_NOT_MEMBER',
        403,
      );
      assert.deepEqual(snapshotLedger(l.node), before);
      const { chain } = l.node;
      const cp = chain.signedCheckpoint().checkpoint;
      assert.throws(
        () => chain.cosign(cp.height, signCheckpoint(cp, 'org4', org4!.multikey, org4!.keyPair)),
        (err: unknown) => isAppError(err, 'ERR_LEDGER_BAD_CHECKPOINT'),
      );
      await verifyWholeChain(l);
    }));

  test('a solo node refuses to remove its own organization (ERR_LEDGER_NOT_SIGNER): verify keeps passing and /health stays ok', () =>
    withLedger({ orgs: 3, genesis: { quorum: 2 } }, async (l) => {
      // The node signs as org1. Removing org1 would leave every later block unsigned.
      const removal = await propose(l, 1, { type: 'remove-org', org: 'org1' });
      const before = snapshotLedger(l.node);
      const out = await l.submit(2, 'gov.approve', { proposal: removal });
      assertRejected(out, 'ERR_LEDGER_NOT_SIGNER', 409);
      assert.deepEqual(snapshotLedger(l.node), before, 'the refused approval changed nothing');
      assert.equal(proposal(l, removal).status, 'open');
      assert.deepEqual(orgIds(l.node.chain.state), ['org1', 'org2', 'org3']);
      // The chain keeps working and stays verifiable; removing another org is fine.
      const other = await pass(l, { type: 'remove-org', org: 'org3' }, [0, 1]);
      assert.equal(other.status, 'executed');
      await l.submitOk(0, 'gov.propose', { change: setParam('after', 1) as never });
      const app = await buildApp(l.node);
      try {
        const health = await app.inject({ url: '/health' });
        assert.equal(health.statusCode, 200);
        assert.equal(health.json().status, 'ok');
      } finally {
        await app.close();
      }
      await verifyWholeChain(l);
    }));

  test('a node run as another member can remove the old node org; every block stays signed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'realdid-gov-'));
    const path = join(dir, 'ledger.sqlite');
    try {
      const orgs = makeOrgs(3);
      const first = openTestLedger({ orgs, genesis: { quorum: 2 }, path });
      const removal = await propose(first, 1, { type: 'remove-org', org: 'org1' });
      await first.close();
      // The operator moves the node to org2's key, then the removal passes.
      const second = openTestLedger({
        orgs,
        genesis: { quorum: 2 },
        path,
        nodeOrg: 1,
        clock: first.clock,
      });
      try {
        await approve(second, 2, removal);
        assert.equal(proposal(second, removal).status, 'executed');
        await second.submitOk(1, 'gov.propose', { change: setParam('z', 1) as never });
        await verifyWholeChain(second);
      } finally {
        await second.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a node whose key is no member key refuses to open (ERR_LEDGER_NOT_SIGNER), on a new or an existing ledger', async () => {
    const orgs = makeOrgs(3);
    const stranger = makeOrg('org9');
    assert.throws(
      () =>
        openTestLedger({
          orgs,
          genesis: { quorum: 2 },
          signer: { ...stranger.nodeSigner, org: 'org1' },
        }),
      (e: unknown) => isAppError(e, 'ERR_LEDGER_NOT_SIGNER'),
    );
    const dir = mkdtempSync(join(tmpdir(), 'realdid-gov-'));
    const path = join(dir, 'ledger.sqlite');
    try {
      const good = openTestLedger({ orgs, genesis: { quorum: 2 }, path });
      await good.submitOk(0, 'gov.propose', { change: setParam('a', 1) as never });
      await good.close();
      assert.throws(
        () =>
          openTestLedger({
            orgs,
            genesis: { quorum: 2 },
            path,
            signer: { ...stranger.nodeSigner, org: 'org1' },
          }),
        (e: unknown) => isAppError(e, 'ERR_LEDGER_NOT_SIGNER'),
        'the same check on an existing ledger',
      );
      const again = openTestLedger({ orgs, genesis: { quorum: 2 }, path });
      assert.equal(again.node.chain.head.height, 1, 'the refused open changed nothing');
      await again.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a block the node could not sign is never written: the node stops sealing and /health answers 503', () =>
    withLedger({ orgs: 3, genesis: { quorum: 2 } }, async (l) => {
      // The backstop under the solo guard: a block whose state drops the node's org.
      const { chain } = l.node;
      const height = chain.head.height;
      const state = new StateOverlay(chain.state);
      state.delete('gov/org/org1');
      assert.throws(
        () => chain.commit({ time: chain.head.header.time + 1, txs: [], state }),
        (e: unknown) => isAppError(e, 'ERR_LEDGER_NOT_SIGNER'),
      );
      assert.equal(chain.head.height, height, 'no unsigned block was written');
      assertRejected(
        await l.submit(0, 'gov.propose', { change: setParam('q', 1) as never }),
        'ERR_LEDGER_NOT_SIGNER',
      );
      const app = await buildApp(l.node);
      try {
        const health = await app.inject({ url: '/health' });
        assert.equal(health.statusCode, 503);
        assert.equal(health.json().status, 'failed');
        assert.match(health.json().warnings[0], /ERR_LEDGER_NOT_SIGNER/);
      } finally {
        await app.close();
      }
      await verifyWholeChain(l);
    }));

  test("removing below the quorum, or an unknown org, ends the proposal 'failed' with ERR_GOV_INVALID_CHANGE", () =>
    withLedger({ orgs: 3, genesis: { quorum: 3 } }, async (l) => {
      const before = snapshotLedger(l.node).state.filter(
        ([k]) => !k.startsWith('gov/proposal/') && !k.startsWith('core/nonce/'),
      );
      for (const org of ['org3', 'nobody']) {
        const p = await pass(l, { type: 'remove-org', org }, [0, 1, 2]);
        assert.equal(p.status, 'failed');
        assert.equal(p.failure?.code, 'ERR_GOV_INVALID_CHANGE');
        assert.equal(p.executedAt, l.node.chain.head.header.time);
      }
      const after = snapshotLedger(l.node).state.filter(
        ([k]) => !k.startsWith('gov/proposal/') && !k.startsWith('core/nonce/'),
      );
      assert.deepEqual(after, before);
      assert.deepEqual(orgIds(l.node.chain.state), ['org1', 'org2', 'org3']);
    }));
});

describe('set-quorum', () => {
  test('a new quorum applies to later votes; one above the org count fails', () =>
    withLedger({ orgs: 3, genesis: { quorum: 2 } }, async (l) => {
      assert.equal((await pass(l, { type: 'set-quorum', quorum: 3 }, [0, 1])).status, 'executed');
      assert.equal(getQuorum(l.node.chain.state), 3);

      const id = await propose(l, 0, setParam('x', 1));
      await approve(l, 1, id);
      assert.equal(proposal(l, id).status, 'open', 'two approvals no longer suffice');
      await approve(l, 2, id);
      assert.equal(proposal(l, id).status, 'executed');

      const tooHigh = await pass(l, { type: 'set-quorum', quorum: 4 }, [0, 1, 2]);
      assert.equal(tooHigh.status, 'failed');
      assert.equal(tooHigh.failure?.code, 'ERR_GOV_INVALID_CHANGE');
      assert.equal(getQuorum(l.node.chain.state), 3);

      assert.equal(
        (await pass(l, { type: 'set-quorum', quorum: 1 }, [0, 1, 2])).status,
        'executed',
      );
      const solo = await propose(l, 2, setParam('z', true));
      assert.equal(
        proposal(l, solo).status,
        'executed',
        'with quorum 1 the propose alone executes',
      );
      assert.equal(getParam(l.node.chain.state, 'z'), true);
    }));
});

describe('accredit and revoke', () => {
  test('a role is granted with its scope, checked with getRole/hasRole, then revoked', () =>
    withLedger({ orgs: 3, genesis: { quorum: 2 } }, async (l) => {
      const issuer = makeOrg('tax-office').did;
      const grant = {
        role: 'credit-issuer',
        subject: issuer,
        name: 'Tax Office',
        scope: { categories: ['tax-arrears', 'court-judgment'] },
      };
      const p = await pass(l, { type: 'accredit', grant }, [0, 1]);
      assert.equal(p.status, 'executed');
      const s = l.node.chain.state;
      assert.deepEqual(getRole(s, 'credit-issuer', issuer), {
        ...grant,
        since: l.node.chain.head.header.time,
        grantedBy: p.id,
      });
      assert.equal(hasRole(s, 'credit-issuer', issuer), true);
      assert.equal(hasRole(s, 'credit-issuer', issuer, 'categories', 'tax-arrears'), true);
      assert.equal(hasRole(s, 'credit-issuer', issuer, 'categories', 'bank-default'), false);
      assert.equal(hasRole(s, 'credit-issuer', issuer, 'purposes', 'tax-arrears'), false);
      assert.equal(hasRole(s, 'credit-issuer', issuer, 'categories'), false);
      assert.equal(hasRole(s, 'querier', issuer), false);
      assert.equal(getRole(s, 'querier', issuer), undefined);

      const r = await pass(
        l,
        { type: 'revoke', role: 'credit-issuer', subject: issuer, reason: 'mandate ended' },
        [1, 2],
      );
      assert.equal(r.status, 'executed');
      assert.equal(getRole(l.node.chain.state, 'credit-issuer', issuer), undefined);
      assert.equal(
        hasRole(l.node.chain.state, 'credit-issuer', issuer, 'categories', 'tax-arrears'),
        false,
      );

      const again = await pass(
        l,
        { type: 'revoke', role: 'credit-issuer', subject: issuer, reason: 'twice' },
        [0, 2],
      );
      assert.equal(again.status, 'failed');
      assert.equal(again.failure?.code, 'ERR_GOV_INVALID_CHANGE');
    }));

  test('the accreditation history answers "was it accredited for this, at that time?"', () =>
    withLedger({ orgs: 1, genesis: { quorum: 1 } }, async (l) => {
      const ia = makeOrg('ia').did;
      const grant = (vct: string[]) => ({
        type: 'accredit' as const,
        grant: { role: 'identity-authority' as const, subject: ia, name: 'IA', scope: { vct } },
      });
      l.clock.advance(1000);
      const t1 = (await pass(l, grant(['urn:realdid:vct:real-name:1']), [0])).executedAt!;
      l.clock.advance(1000);
      const t2 = (await pass(l, grant(['urn:x:other']), [0])).executedAt!;
      l.clock.advance(1000);
      const revoke = {
        type: 'revoke' as const,
        role: 'identity-authority' as const,
        subject: ia,
        reason: 'end',
      };
      const t3 = (await pass(l, revoke, [0])).executedAt!;
      const s = l.node.chain.state;
      assert.deepEqual(
        roleHistory(s, 'identity-authority', ia).map((p) => [p.from, p.until, p.scope.vct]),
        [
          [t1, t2, ['urn:realdid:vct:real-name:1']],
          [t2, t3, ['urn:x:other']],
        ],
      );
      const at = (t: number, vct: string) =>
        accreditedAt(s, 'identity-authority', ia, t, 'vct', vct);
      assert.equal(at(t1 - 1, 'urn:realdid:vct:real-name:1'), false, 'not before the grant');
      assert.equal(at(t1, 'urn:realdid:vct:real-name:1'), true);
      assert.equal(at(t2, 'urn:realdid:vct:real-name:1'), false, 'the new scope replaced it');
      assert.equal(at(t2, 'urn:x:other'), true);
      assert.equal(at(t3, 'urn:x:other'), false, 'not after the revocation');
      assert.equal(accreditedAt(s, 'identity-authority', ia, t2), true, 'any scope');
      assert.equal(accreditedAt(s, 'querier', ia, t2), false);
    }));

  test('genesis roles are granted by "genesis" at the genesis time', () => {
    const subject = makeOrg('ia').did;
    const roles = [{ role: 'identity-authority', subject, name: 'IA', scope: {} }];
    return withLedger({ orgs: 2, genesis: { quorum: 1, roles } }, async (l) => {
      assert.deepEqual(getRole(l.node.chain.state, 'identity-authority', subject), {
        ...roles[0],
        since: T0,
        grantedBy: 'genesis',
      });
      assert.equal(hasRole(l.node.chain.state, 'identity-authority', subject), true);
    });
  });
});

describe('set-param', () => {
  test('proposalTtlMs is capped at ten years (its deadline must stay a valid time); proposals keep working', () =>
    withLedger({ orgs: 3, genesis: { quorum: 2 } }, async (l) => {
      const p = await pass(l, setParam('proposalTtlMs', Number.MAX_SAFE_INTEGER), [0, 1]);
      assert.equal(p.status, 'failed');
      assert.equal(p.failure?.code, 'ERR_GOV_INVALID_CHANGE');
      const ok = await pass(l, setParam('proposalTtlMs', 10 * 366 * DAY), [0, 1]);
      assert.equal(ok.status, 'executed');
      const later = await propose(l, 0, setParam('after', 1));
      assert.equal(proposal(l, later).expires - proposal(l, later).created, 10 * 366 * DAY);
      assert.throws(
        () => openTestLedger({ genesis: { params: { proposalTtlMs: Number.MAX_SAFE_INTEGER } } }),
        (e: unknown) => isAppError(e, 'ERR_LEDGER_BAD_GENESIS'),
      );
    }));

  test('sets new and default parameters; a wrong type or a negative number fails the proposal', () =>
    withLedger({ orgs: 3, genesis: { quorum: 2 } }, async (l) => {
      assert.equal((await pass(l, setParam('disputeDays', 20), [0, 1])).status, 'executed');
      assert.equal(getParam(l.node.chain.state, 'disputeDays'), 20);
      assert.equal((await pass(l, setParam('proposalTtlMs', DAY), [0, 1])).status, 'executed');
      assert.equal(getParam(l.node.chain.state, 'proposalTtlMs'), DAY);
      assert.equal((await pass(l, setParam('disputeDays', 25), [1, 2])).status, 'executed');
      assert.equal(getParam(l.node.chain.state, 'disputeDays'), 25);

      for (const change of [
        setParam('proposalTtlMs', 'a week'),
        setParam('negative', -1),
        setParam('fraction', 1.5),
      ]) {
        const p = await pass(l, change, [0, 1]);
        assert.equal(p.status, 'failed', JSON.stringify(change));
        assert.equal(p.failure?.code, 'ERR_GOV_INVALID_CHANGE');
      }
      assert.equal(getParam(l.node.chain.state, 'proposalTtlMs'), DAY);
      assert.equal(getParam(l.node.chain.state, 'negative'), undefined);
      await verifyWholeChain(l);
    }));
});

describe('genesis validation', () => {
  const orgs = makeOrgs(3);
  const good = makeGenesis(orgs, { quorum: 2 });
  const gov = (over: Record<string, unknown>) => ({
    ...good,
    modules: { gov: { ...(good.modules.gov as object), ...over } },
  });
  const cases: [string, unknown][] = [
    [
      'duplicate org ids',
      gov({ orgs: [orgEntry(orgs[0]!), { ...orgEntry(orgs[1]!), id: 'org1' }] }),
    ],
    ['quorum above the org count', gov({ quorum: 4 })],
    ['quorum 0', gov({ quorum: 0 })],
    ['no orgs', gov({ orgs: [] })],
    ['a malformed multikey', gov({ orgs: [{ ...orgEntry(orgs[0]!), keys: ['z6Mkabc'] }] })],
    [
      'a multikey that is not an Ed25519 key',
      gov({ orgs: [{ ...orgEntry(orgs[0]!), keys: [`z6Mk${'z'.repeat(44)}`] }], quorum: 1 }),
    ],
    [
      'one key in two orgs',
      gov({
        orgs: [orgEntry(orgs[0]!), { ...orgEntry(orgs[1]!), keys: [orgs[0]!.multikey] }],
        quorum: 1,
      }),
    ],
    ['an unknown gov field', gov({ extra: true })],
    ['a default parameter of the wrong type', gov({ params: { proposalTtlMs: 'long' } })],
    ['a section of no registered module', { ...good, modules: { ...good.modules, nope: {} } }],
    ['no gov section', { ...good, modules: {} }],
    ['a bad chain id', { ...good, chainId: 'Not A Chain' }],
    ['an extra top-level field', { ...good, extra: 1 }],
  ];
  for (const [name, genesis] of cases) {
    test(`${name} → ERR_LEDGER_BAD_GENESIS`, () => {
      for (const signer of [undefined, orgs[0]!.nodeSigner]) {
        assert.throws(
          () =>
            openLedgerNode({
              path: ':memory:',
              genesis: genesis as never,
              signatureThreads: 0,
              ...(signer === undefined ? {} : { signer }),
            }),
          (err: unknown) => isAppError(err, 'ERR_LEDGER_BAD_GENESIS'),
          `${name} (${signer === undefined ? 'no' : 'with a'} node signer)`,
        );
      }
    });
  }

  test('the good genesis opens, with every org, key and the quorum in state', async () => {
    const node = openLedgerNode({
      path: ':memory:',
      genesis: good,
      signer: orgs[0]!.nodeSigner,
      signatureThreads: 0,
    });
    try {
      assert.deepEqual(orgIds(node.chain.state), ['org1', 'org2', 'org3']);
      assert.equal(getQuorum(node.chain.state), 2);
      for (const o of orgs)
        assert.equal(node.chain.state.get(`gov/key/${o.multikey}`), JSON.stringify(o.id));
      const scp = node.chain.signedCheckpoint(0);
      assert.equal(verifySignedCheckpoint(scp, trustFromGenesis(good as never), 1).height, 0);
    } finally {
      await node.close();
    }
  });
});
