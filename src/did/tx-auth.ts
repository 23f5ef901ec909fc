/**
 * Who may sign a domain module's transactions as an organization (identity authorities, credit
 * issuers, sites, courts): a did:rdid signs ledger
 * transactions only with a `capabilityInvocation` key of its current document; its
 * `authentication`-only keys (a front office's, a site's login key) sign requests, not transactions.
 */
import { isInvocationKey } from './state.ts';
import { AppError } from '../errors.ts';
import type { StateReader, TxContext } from '../ledger/index.ts';

/**
 * Checks that the transaction is signed with a `capabilityInvocation` key of the signer's
 * current did:rdid document.
 * @throws ERR_LEDGER_UNAUTHORIZED
 */
export function requireInvocationKey(state: StateReader, ctx: TxContext): void {
  const fragment = ctx.keyId.slice(ctx.keyId.indexOf('#') + 1);
  if (!ctx.signer.startsWith('did:rdid:') || !isInvocationKey(state, ctx.signer, fragment))
    throw new AppError(
      'ERR_LEDGER_UNAUTHORIZED',
      `${ctx.keyId} is not a capabilityInvocation key of ${ctx.signer}`,
    );
}
