import { Type, type Static } from '@sinclair/typebox';

/** The accredited roles a proposal can grant (DESIGN.md "Actors"). */
export const ROLES = [
  'identity-authority',
  'credit-issuer',
  'querier',
  'relying-party',
  /** May ask an identity authority to resolve a site's pseudonym to a person (e.g. a court). */
  'lawful-requester',
  /** Approves or refuses lawful de-anonymization requests (M of N, `lawfulApprovals`). */
  'lawful-custodian',
] as const;
export type Role = (typeof ROLES)[number];

export const OrgId = Type.String({
  pattern: '^[a-z0-9][a-z0-9-]{0,31}$',
  description: 'organization id',
});
export const Multikey = Type.String({
  pattern: '^z6Mk[1-9A-HJ-NP-Za-km-z]{44}$',
  description: 'Ed25519 Multikey',
});
export const Did = Type.String({
  pattern: '^did:[a-z0-9]+:[A-Za-z0-9._:%-]{1,200}$',
  maxLength: 220,
  description: 'a DID',
});
const ScopeValue = Type.Array(Type.String({ pattern: '^[a-z0-9][a-z0-9._:/-]{0,127}$' }), {
  maxItems: 64,
  uniqueItems: true,
});

/** What a role may do: e.g. `{categories: [...]}` for credit issuers, `{purposes: [...]}` for queriers. */
export const Scope = Type.Record(Type.String({ pattern: '^[a-z][a-zA-Z0-9]{0,31}$' }), ScopeValue, {
  description:
    'per-role limits, e.g. {"categories": ["tax-arrears"]}, {"purposes": ["credit-application"]} or {"vct": ["urn:realdid:vct:real-name:1"]}',
});

export const OrgSchema = Type.Object(
  {
    id: OrgId,
    name: Type.String({ minLength: 1, maxLength: 200 }),
    keys: Type.Array(Multikey, { minItems: 1, maxItems: 8, uniqueItems: true }),
  },
  { additionalProperties: false },
);
export type Org = Static<typeof OrgSchema>;

/** An organization as stored: its keys may sign checkpoints from height `sinceHeight` on. */
export type Member = Org & { readonly sinceHeight: number };

export const ParamName = Type.String({ pattern: '^[a-z][a-zA-Z0-9]{0,63}$' });
/** A document topic: `<module namespace>/<name>`, e.g. `credit/categories`. */
export const DocumentTopic = Type.String({
  pattern: '^[a-z][a-z0-9-]{0,31}/[a-z][a-z0-9-]{0,63}$',
  description: 'module namespace / document name, e.g. credit/categories',
});
const ParamValue = Type.Union([Type.Number(), Type.String({ maxLength: 1000 }), Type.Boolean()]);

/** A claim name of a credential a site may ask for (a top-level claim of the real-name credential). */
export const ClaimName = Type.String({ pattern: '^[a-z][a-z0-9_]{0,63}$' });
/** The id of a site's purpose or disclosure policy. */
export const TermId = Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,63}$' });
/** A web origin: scheme, host and optional port, lower case, nothing else. */
/** (No `xn--` labels: how a URL parser checks punycode depends on its version, and every node must agree.) */
export const SiteOrigin = Type.String({
  pattern: '^https?://(?![a-z0-9.-]*xn--)[a-z0-9.-]+(:[0-9]{1,5})?$',
  maxLength: 200,
});

/**
 * A disclosure policy a site may invoke: a legal duty to show some claims when a condition holds
 * (e.g. creators with more than 500,000 followers must show their real name).
 */
export const DisclosurePolicy = Type.Object(
  {
    id: TermId,
    description: Type.String({ minLength: 1, maxLength: 500 }),
    legalBasis: Type.String({ minLength: 1, maxLength: 500 }),
    claims: Type.Array(ClaimName, { minItems: 1, maxItems: 16, uniqueItems: true }),
    /** When the site may invoke it, in words the person reads (e.g. "followers > 500000"). */
    condition: Type.String({ minLength: 1, maxLength: 300 }),
  },
  { additionalProperties: false },
);
export type DisclosurePolicy = Static<typeof DisclosurePolicy>;

/** A purpose a site registered: the claims it may ask for and the policies it may invoke for it. */
export const SitePurpose = Type.Object(
  {
    id: TermId,
    description: Type.String({ minLength: 1, maxLength: 500 }),
    claims: Type.Array(ClaimName, { maxItems: 16, uniqueItems: true }),
    policies: Type.Optional(Type.Array(TermId, { maxItems: 8, uniqueItems: true })),
  },
  { additionalProperties: false },
);
export type SitePurpose = Static<typeof SitePurpose>;

/** What a relying party registers with governance (required for, and only for, `relying-party`). */
export const SiteTerms = Type.Object(
  {
    /** The first origin is the site's primary one: wallets derive its pairwise key from it. */
    origins: Type.Array(SiteOrigin, { minItems: 1, maxItems: 16, uniqueItems: true }),
    purposes: Type.Array(SitePurpose, { minItems: 1, maxItems: 32 }),
    policies: Type.Optional(Type.Array(DisclosurePolicy, { maxItems: 16 })),
  },
  { additionalProperties: false },
);
export type SiteTerms = Static<typeof SiteTerms>;

export const RoleGrantInput = Type.Object(
  {
    role: Type.Union(ROLES.map((r) => Type.Literal(r))),
    subject: Did,
    name: Type.String({ minLength: 1, maxLength: 200 }),
    scope: Scope,
    site: Type.Optional(SiteTerms),
  },
  { additionalProperties: false },
);
export type RoleGrantInput = Static<typeof RoleGrantInput>;

/** A governance change, discriminated by `type`. */
export const ChangeSchema = Type.Union([
  Type.Object({ type: Type.Literal('add-org'), org: OrgSchema }, { additionalProperties: false }),
  Type.Object({ type: Type.Literal('remove-org'), org: OrgId }, { additionalProperties: false }),
  Type.Object(
    { type: Type.Literal('set-quorum'), quorum: Type.Integer({ minimum: 1, maximum: 64 }) },
    { additionalProperties: false },
  ),
  Type.Object(
    { type: Type.Literal('accredit'), grant: RoleGrantInput },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      type: Type.Literal('revoke'),
      role: Type.Union(ROLES.map((r) => Type.Literal(r))),
      subject: Did,
      reason: Type.String({ minLength: 1, maxLength: 500 }),
    },
    { additionalProperties: false },
  ),
  Type.Object(
    { type: Type.Literal('set-param'), name: ParamName, value: ParamValue },
    { additionalProperties: false },
  ),
  Type.Object(
    { type: Type.Literal('adopt'), topic: DocumentTopic, document: Type.Unknown() },
    { additionalProperties: false },
  ),
]);
export type Change = Static<typeof ChangeSchema>;

export const ProposeBody = Type.Object(
  { change: ChangeSchema, note: Type.Optional(Type.String({ maxLength: 1000 })) },
  { additionalProperties: false },
);
export type ProposeBody = Static<typeof ProposeBody>;

export const ApproveBody = Type.Object(
  {
    proposal: Type.String({
      pattern: '^[0-9a-f]{64}$',
      description: 'proposal id (the propose tx id)',
    }),
  },
  { additionalProperties: false },
);
export type ApproveBody = Static<typeof ApproveBody>;

export const GovGenesis = Type.Object(
  {
    orgs: Type.Array(OrgSchema, { minItems: 1, maxItems: 64 }),
    quorum: Type.Integer({ minimum: 1, maximum: 64 }),
    roles: Type.Optional(Type.Array(RoleGrantInput, { maxItems: 1000 })),
    params: Type.Optional(Type.Record(ParamName, ParamValue)),
    /** The first version of module documents (e.g. `credit/categories`), checked like an `adopt`. */
    documents: Type.Optional(
      Type.Array(
        Type.Object(
          { topic: DocumentTopic, document: Type.Unknown() },
          { additionalProperties: false },
        ),
        { maxItems: 64 },
      ),
    ),
  },
  { additionalProperties: false },
);
export type GovGenesis = Static<typeof GovGenesis>;

/** An accreditation as stored. */
export interface RoleGrant extends RoleGrantInput {
  readonly since: number;
  /** The proposal that granted it, or "genesis". */
  readonly grantedBy: string;
}

/** One period during which a subject held a role, with the scope it had (`until` absent: still held). */
export interface RolePeriod {
  readonly from: number;
  readonly until?: number;
  readonly scope: RoleGrantInput['scope'];
  readonly grantedBy: string;
}

/** An adopted module document as stored at `gov/doc/<topic>` (and each version in its history). */
export interface AdoptedDocument<T = unknown> {
  readonly topic: string;
  /** 1 for the first version, then one more at each adoption. */
  readonly version: number;
  readonly document: T;
  /** Block time of the adoption, and the proposal (or "genesis") that adopted it. */
  readonly adopted: number;
  readonly proposal: string;
}

/** A proposal as stored. */
export interface Proposal {
  readonly id: string;
  readonly change: Change;
  readonly note?: string;
  readonly proposer: string;
  readonly approvals: string[];
  readonly created: number;
  readonly expires: number;
  /** `expired`: still open when its deadline passed (set at the first block after `expires`). */
  status: 'open' | 'executed' | 'failed' | 'expired';
  executedAt?: number;
  expiredAt?: number;
  /** Why a proposal that reached quorum could not apply (a stable error code). */
  failure?: { code: string; message: string };
}
