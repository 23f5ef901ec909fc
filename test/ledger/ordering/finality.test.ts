/**
 * The consortium's finality tracker on signatures for heights a node has not reached: a current
 * member's waits; so does, within a bound, a valid one by an organization that is no member yet
 * (governance may add it in a block this node has not applied); anything else is a bad-signature
 * alarm at once. Once the node reaches the height, waiting signatures are decided against the
 * state of then: the newcomer's counts if governance added its key.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { signCheckpoint, type Checkpoint } from '../../../src/ledger/index.ts';
import {
  FinalityTracker,
  MAX_WAITING_NEWCOMERS,
  type SignatureVerdict,
} from '../../../src/ledger/ordering/_finality.ts';
import { makeOrg, openTestLedger, orgEntry, type TestOrg } from '../../helpers/ledger.ts';

/** `org`'s signature message over `cp`, claiming organization `as`. */
const message = (cp: Checkpoint, org: TestOrg, as = org.id) => ({
  checkpoint: cp,
  signature: signCheckpoint(cp, as, org.multikey, org.keyPair),
});

const kindOf = (v: SignatureVerdict): string =>
  v.kind === 'alarm' ? `alarm ${v.alarm.kind}` : v.kind;

test('a future signature of an organization governance has not added yet waits, and counts once its add-org block is applied', async () => {
  const l = openTestLedger({ orgs: 3, genesis: { quorum: 2 } });
  try {
    const { chain } = l.node;
    const tracker = new FinalityTracker(chain);
    const org4 = makeOrg('org4');
    const head = chain.head.height;
    // org4's signature of block head+3, which (as it turns out) is the block after its add-org.
    // Its checkpoint is not known yet, so sign it once the block exists, then hand it in as if
    // it had arrived early: the tracker sees it before this node applied the blocks below.
    const proposal = await l.submitOk(0, 'gov.propose', {
      change: { type: 'add-org', org: orgEntry(org4) },
    });
    assert.equal(proposal.height, head + 1);
    const added = await l.submitOk(1, 'gov.approve', { proposal: proposal.id });
    assert.equal(added.height, head + 2);
    const after = await l.submitOk(0, 'gov.propose', {
      change: { type: 'set-param', name: 'x', value: 1 },
    });
    const cp = chain.signedCheckpoint(after.height).checkpoint;
    // A tracker over a chain whose head is still below: the same blocks on a second ledger.
    const behind = openTestLedger({ orgs: l.orgs, genesis: { quorum: 2 } });
    try {
      const early = new FinalityTracker(behind.node.chain);
      assert.equal(behind.node.chain.head.height, head);
      assert.equal(kindOf(early.classify(1, message(cp, org4))), 'future');
      // Not a newcomer's: claiming a member's id, or a key the signature does not verify under.
      assert.equal(
        kindOf(early.classify(2, message(cp, org4, 'org2'))),
        'alarm bad-signature',
        "a stranger's key under a member's name",
      );
      const forged = message(cp, org4);
      const bad = {
        ...forged,
        signature: { ...forged.signature, sig: message(cp, makeOrg('org4')).signature.sig },
      };
      assert.equal(
        kindOf(early.classify(3, bad)),
        'alarm bad-signature',
        'a signature its key does not verify',
      );
      const notAKey = { ...forged, signature: { ...forged.signature, key: 'z6MkNotAKey' } };
      assert.equal(kindOf(early.classify(4, notAKey)), 'alarm bad-signature', 'not a Multikey');
      // The waiting one is decided against membership when its height comes: at the tracker of a
      // chain that has applied the add-org, it agrees with that chain's own block.
      const waiting = early.takeWaiting(cp.height);
      assert.deepEqual(
        waiting.map((w) => w.seq),
        [1],
      );
      tracker.committed(cp, chain.signedCheckpoint(after.height).signatures);
      const verdict = tracker.classify(1, waiting[0]!.message);
      assert.equal(verdict.kind, 'agree');
    } finally {
      await behind.close();
    }
  } finally {
    await l.close();
  }
});

test(`at most ${MAX_WAITING_NEWCOMERS} newcomers' signatures wait; taking a height frees its places`, async () => {
  const l = openTestLedger({ orgs: 3, genesis: { quorum: 2 } });
  try {
    const { chain } = l.node;
    const tracker = new FinalityTracker(chain);
    const base = chain.signedCheckpoint().checkpoint;
    const stranger = makeOrg('org9');
    const at = (height: number) => message({ ...base, height }, stranger);
    const first = chain.head.height + 1;
    for (let i = 0; i < MAX_WAITING_NEWCOMERS; i++)
      assert.equal(kindOf(tracker.classify(i, at(first + i))), 'future');
    const full = tracker.classify(MAX_WAITING_NEWCOMERS, at(first + MAX_WAITING_NEWCOMERS));
    assert.equal(kindOf(full), 'alarm bad-signature');
    assert.match(full.kind === 'alarm' ? full.alarm.message : '', /such signatures wait already/);
    // A current member's signature still waits: the bound is for newcomers only.
    assert.equal(
      kindOf(tracker.classify(-1, message({ ...base, height: first }, l.orgs[1]!))),
      'future',
    );
    assert.equal(tracker.takeWaiting(first).length, 2);
    assert.equal(
      kindOf(tracker.classify(MAX_WAITING_NEWCOMERS, at(first + MAX_WAITING_NEWCOMERS))),
      'future',
    );
  } finally {
    await l.close();
  }
});
