import { creditModule } from '../credit/index.ts';
import { didModule } from '../did/index.ts';
import { governanceModule } from '../governance/index.ts';
import { identityModule } from '../identity/index.ts';
import type { LedgerModule } from '../ledger/index.ts';

/** The modules every realdid node runs, in registration order: one line per domain. */
export function defaultModules(): LedgerModule[] {
  return [governanceModule, didModule, identityModule, creditModule];
}
