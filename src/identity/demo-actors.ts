/**
 * Actors of a demo consortium besides the identity authority and the demo site: a court that may
 * file lawful de-anonymization requests and two custodians who approve or refuse them (the
 * default `lawfulApprovals` is 2, so both must approve), and a second site for the whole story
 * (`realdid demo`). Each is a did:rdid whose one key (fragment `key`, in authentication,
 * assertionMethod and capabilityInvocation) lives in an encrypted key file `keys/<name>.json` of
 * the data folder, with its recovery key in `keys/<name>-recovery.json`.
 */
import { genesisActor, type GenesisDocument } from '../did/index.ts';
import type { RoleGrantInput, SiteTerms } from '../governance/index.ts';
import type { ModuleInitContext } from '../ledger/index.ts';

export { GENESIS_ACTOR_KEY_ID as DEMO_ACTOR_KEY_ID } from '../did/index.ts';
export type { GenesisDocument } from '../did/index.ts';

/** Key file names (in `keys/`) of the demo shop, court and custodians. */
export const DEMO_SHOP_KEY_FILE = 'demo-shop';
export const DEMO_COURT_KEY_FILE = 'demo-court';
export const DEMO_CUSTODIAN_KEY_FILES = ['demo-custodian-1', 'demo-custodian-2'] as const;

/** A demo actor's did:rdid and its key files (see {@link genesisActor}). */
export const demoActor = genesisActor;

/** The demo shop's registered name and origins (the first is its primary origin). */
export const DEMO_SHOP_NAME = 'realdid demo shop';
export const DEMO_SHOP_ORIGINS = ['http://127.0.0.1:4001', 'http://localhost:4001'] as const;

/** The demo shop's terms: a login that shows only being over 18, and a delivery region. */
export function demoShopTerms(origins: readonly string[] = DEMO_SHOP_ORIGINS): SiteTerms {
  return {
    origins: [...origins],
    purposes: [
      {
        id: 'login',
        description: 'Log in to the demo shop; it learns only that you are over 18.',
        claims: ['age_over_18'],
      },
      {
        id: 'delivery',
        description: 'Check that the shop delivers to your province.',
        claims: ['age_over_18', 'region'],
      },
    ],
  };
}

/**
 * The demo shop (a second relying party, so the whole story shows two sites that cannot link a
 * person), the court (lawful-requester) and the custodians (lawful-custodian), for genesis.
 */
export function demoActorsInit(ctx: Pick<ModuleInitContext, 'keyFile'>): {
  documents: GenesisDocument[];
  grants: RoleGrantInput[];
} {
  const shop = demoActor(ctx, DEMO_SHOP_KEY_FILE, 'site');
  const court = demoActor(ctx, DEMO_COURT_KEY_FILE);
  const custodians = DEMO_CUSTODIAN_KEY_FILES.map((f) => demoActor(ctx, f));
  return {
    documents: [shop, court, ...custodians],
    grants: [
      {
        role: 'relying-party',
        subject: shop.did,
        name: DEMO_SHOP_NAME,
        scope: {},
        site: demoShopTerms(),
      },
      {
        role: 'lawful-requester',
        subject: court.did,
        name: 'Demo People’s Court',
        scope: {},
      },
      ...custodians.map((c, i) => ({
        role: 'lawful-custodian' as const,
        subject: c.did,
        name: `Demo custodian ${i + 1}`,
        scope: {},
      })),
    ],
  };
}
