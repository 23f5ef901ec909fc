/** governance/: consortium organizations, M-of-N proposals, accreditation of roles, parameters. */
export { applyChange, governanceModule, orgSignerUrl, signingOrg } from './module.ts';
export { ChangeSchema, GovGenesis, OrgSchema, ROLES } from './schema.ts';
export type { Change, Member, Org, Proposal, Role, RoleGrant, RoleGrantInput } from './schema.ts';
export {
  DEFAULT_PARAMS,
  getOrg,
  getParam,
  getProposal,
  getQuorum,
  getRole,
  hasRole,
  KEYS as GOV_KEYS,
  orgIds,
  orgOfKey,
} from './state.ts';
export { GOV_ERRORS } from './errors.ts';
