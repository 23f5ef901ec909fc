/** governance/: consortium organizations, M-of-N proposals, accreditation of roles, parameters. */
export { applyChange, governanceModule, orgSignerUrl, signingOrg } from './module.ts';
export {
  ChangeSchema,
  ClaimName,
  DisclosurePolicy,
  DocumentTopic,
  GovGenesis,
  OrgSchema,
  ROLES,
  SiteOrigin,
  SitePurpose,
  SiteTerms,
  TermId,
} from './schema.ts';
export type {
  AdoptedDocument,
  Change,
  Member,
  Org,
  Proposal,
  Role,
  RoleGrant,
  RoleGrantInput,
  RolePeriod,
} from './schema.ts';
export {
  accreditedAt,
  DEFAULT_PARAMS,
  getDocument,
  getDocumentVersion,
  getOrg,
  getParam,
  getProposal,
  getQuorum,
  getRole,
  hasRole,
  KEYS as GOV_KEYS,
  orgIds,
  orgOfKey,
  roleHistory,
} from './state.ts';
export { GOV_ERRORS } from './errors.ts';
