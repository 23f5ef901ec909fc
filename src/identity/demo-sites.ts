/**
 * The demo consortium's relying party: `node init --demo` registers "realdid demo site"
 * (examples/demo-site/) in genesis, with its keys in the data folder, so `npm run demo-site` has a
 * registered DID to sign its login requests with. The terms follow the case: a plain
 * login shows only `age_over_18`; a creator with more than 500,000 followers must show their real
 * name under the `creator-real-name` disclosure policy.
 */
import { Type, type Static } from '@sinclair/typebox';
import { SiteOrigin, type RoleGrantInput, type SiteTerms } from '../governance/index.ts';
import type { ModuleInitContext } from '../ledger/index.ts';
import { demoActor, type GenesisDocument } from './demo-actors.ts';

/** Key file (in the data folder's `keys/`) of the demo site's signing key. */
export const DEMO_SITE_KEY_FILE = 'demo-site';
/** The fragment of the demo site's one key (authentication, assertion, capability invocation). */
export const DEMO_SITE_KEY_ID = 'site';
/** The demo site's registered name. */
export const DEMO_SITE_NAME = 'realdid demo site';
/** Where `npm run demo-site` listens by default; the first origin is the primary one. */
export const DEMO_SITE_ORIGINS = ['http://127.0.0.1:4000', 'http://localhost:4000'] as const;
/** The followers above which a creator must show their real name (the policy's condition). */
export const CREATOR_FOLLOWER_THRESHOLD = 500_000;

/** The demo site's purposes and disclosure policy, on `origins`. */
export function demoSiteTerms(origins: readonly string[] = DEMO_SITE_ORIGINS): SiteTerms {
  return {
    origins: [...origins],
    purposes: [
      {
        id: 'login',
        description: 'Log in to the demo site; it learns only that you are over 18.',
        claims: ['age_over_18'],
      },
      {
        id: 'creator',
        description:
          'Publish as a creator; above 500,000 followers the site must show your real name.',
        claims: ['age_over_18'],
        policies: ['creator-real-name'],
      },
    ],
    policies: [
      {
        id: 'creator-real-name',
        description:
          'Creators with more than 500,000 followers show their real name on their public profile.',
        legalBasis:
          "The 2025 rule that accounts with more than 500,000 followers display their real name on their profile page (the platforms' real-name display duty for self-media accounts).",
        claims: ['family_name', 'given_name'],
        condition: `followers > ${CREATOR_FOLLOWER_THRESHOLD}`,
      },
    ],
  };
}

/** What the identity module's `node init` request may say about the demo site. */
export const DemoSiteRequest = Type.Object(
  {
    /** Origins to register instead of {@link DEMO_SITE_ORIGINS} (e.g. a test's free port). */
    origins: Type.Optional(
      Type.Array(SiteOrigin, { minItems: 1, maxItems: 16, uniqueItems: true }),
    ),
  },
  { additionalProperties: false },
);
export type DemoSiteRequest = Static<typeof DemoSiteRequest>;

/**
 * Creates the demo site's keys in the data folder (`keys/demo-site.json` for signing and
 * `keys/demo-site-recovery.json`, under the node's passphrase) and returns what genesis needs:
 * its DID document (for `did.documents`) and its `relying-party` accreditation with
 * {@link demoSiteTerms} (for `gov.roles`).
 * @example
 * const { document, grant } = demoSiteInit(ctx, {});
 */
export function demoSiteInit(
  ctx: Pick<ModuleInitContext, 'keyFile'>,
  request: DemoSiteRequest,
): { did: string; document: GenesisDocument; grant: RoleGrantInput } {
  const document = demoActor(ctx, DEMO_SITE_KEY_FILE, DEMO_SITE_KEY_ID);
  const grant: RoleGrantInput = {
    role: 'relying-party',
    subject: document.did,
    name: DEMO_SITE_NAME,
    scope: {},
    site: demoSiteTerms(request.origins),
  };
  return { did: document.did, document, grant };
}
