/**
 * The credit module as a ledger module (namespace `credit`): records written by accredited issuers
 * inside their categories, disputes with a deadline, expiry, consented queries, lists of
 * organizations, all driven by block time. Its categories, scoring model and lists are documents
 * governance adopts.
 */
import type { LedgerModule } from '../ledger/index.ts';
import { DISPUTE_KINDS, lapseDispute } from './disputes.ts';
import { CREDIT_DOCUMENTS } from './documents.ts';
import { CREDIT_ERRORS } from './errors.ts';
import { creditNode } from './node.ts';
import { CREDIT_QUERIES } from './queries.ts';
import { QUERY_KINDS } from './query-tx.ts';
import { expireRecord, RECORD_KINDS } from './records.ts';

/** Runs a due deadline: `expire/<record>` or `dispute/<record>`. */
function onDeadline(
  state: Parameters<NonNullable<LedgerModule['onDeadline']>>[0],
  block: { blockTime: number },
  ref: string,
): void {
  const slash = ref.indexOf('/');
  const what = ref.slice(0, slash);
  const id = ref.slice(slash + 1);
  if (what === 'expire') expireRecord(state, id, block.blockTime);
  else if (what === 'dispute') lapseDispute(state, id, block.blockTime);
}

/** The credit module: accountable records, consented queries, disputes, expiry, lists. */
export const creditModule: LedgerModule = {
  name: 'credit',
  namespace: 'credit',
  kinds: [...RECORD_KINDS, ...DISPUTE_KINDS, ...QUERY_KINDS],
  errors: CREDIT_ERRORS,
  documents: CREDIT_DOCUMENTS,
  queries: CREDIT_QUERIES,
  onDeadline: (state, block, ref) => onDeadline(state, block, ref),
  node: creditNode,
};
