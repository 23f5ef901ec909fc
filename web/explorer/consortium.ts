/**
 * The consortium as governance state holds it, every value proven (`gov/orgs`, `gov/quorum`,
 * `gov/org/<id>`), and a block's finality counted here from those members (the SDK's
 * `countFinality`): only signatures that verify count; the node's own status is ignored.
 */
import {
  consortiumMembersFrom,
  countFinality,
  type ConsortiumMembers,
  type FinalityAnswer,
  type VerifiedFinality,
} from '../../src/sdk/index.ts';
import { check } from '../shared/checks.ts';
import { fail } from './format.ts';
import { sameCheckpoint, type Checkpoint, type Verifier } from './verifier.ts';
import { t } from './words.ts';

/** The member organizations and quorum, read with state proofs (the SDK's consortiumMembersFrom). */
export function provenMembers(v: Verifier): Promise<ConsortiumMembers> {
  return consortiumMembersFrom((key) => v.state(key, whatOf(key)));
}

/** How a check of a membership key is named. */
function whatOf(key: string): string {
  if (key === 'gov/orgs') return t('what.orgs');
  if (key === 'gov/quorum') return t('what.quorum');
  return t('what.org', { id: key.slice('gov/org/'.length) });
}

/**
 * Counts the finality of block `height` from `answer` (the node's list of signatures over its
 * checkpoint) against the proven members, and records it as a check: pending is a verified
 * answer too; a listed signature that does not verify fails the check (it is not counted), and
 * so does an answer about another checkpoint than `verified`, the one the page verified for
 * that block (signatures over another block would count for nothing here).
 */
export async function checkFinality(
  v: Verifier,
  answer: FinalityAnswer,
  members: ConsortiumMembers,
  height: number,
  verified: Checkpoint,
): Promise<VerifiedFinality | undefined> {
  const { trust } = await v.anchor();
  let counted: VerifiedFinality | undefined;
  let error: unknown;
  try {
    counted = countFinality(answer, members, trust.chainId, height);
  } catch (err) {
    error = err;
  }
  if (counted !== undefined && !sameCheckpoint(counted.checkpoint, verified)) {
    error = Object.assign(
      new Error(
        t('fail.finalityCheckpoint', {
          height,
          hash: counted.checkpoint.blockHash,
          verified: verified.blockHash,
        }),
      ),
      { code: 'ERR_SDK_BAD_RESPONSE' },
    );
    counted = undefined; // its signatures are over another checkpoint: nothing to show
  }
  const label =
    counted === undefined
      ? t('check.finality.bad', { height })
      : t('check.finality', {
          height,
          n: counted.signers.length,
          quorum: counted.quorum,
          signers: counted.signers.join(', ') || '—',
          status: t(`status.${counted.status}`),
        });
  v.checks.push(
    await check(label, () => {
      if (counted === undefined) throw error;
      if (counted.rejected.length > 0)
        fail(
          'ERR_LEDGER_BAD_CHECKPOINT',
          t('fail.rejected', { orgs: counted.rejected.map((s) => s.org).join(', ') }),
        );
    }),
  );
  return counted;
}
