/** identity/: real-name enrollment at accredited identity authorities, bindings, credential copies. */
export { Authority, dayOf } from './authority.ts';
export type {
  AuthorityOptions,
  BindingRequest,
  BindingView,
  IssuedCopy,
  RealNameDirectory,
} from './authority.ts';
export { IDENTITY_ERRORS } from './errors.ts';
export { checkDigitOf, parseResidentId } from './id-number.ts';
export type { ResidentId } from './id-number.ts';
export {
  EnrollBody,
  identityModule,
  ListBody,
  MAX_FLIPS_PER_TX,
  RebindBody,
  RevokeBody,
  StatusBody,
} from './module.ts';
export { IdentityNodeOptions, identityNode } from './node.ts';
export { ageOn, checkPerson, normalizedIdNumber } from './person.ts';
export type { Person, PersonInput } from './person.ts';
export { COUNTRIES, PROVINCES } from './regions.ts';
export { getBinding, getMaster, getStatusList, IDN_KEYS, REVOKE_REASONS } from './state.ts';
export type { Binding, MasterRecord, RevokeReason, StatusListRecord } from './state.ts';
export {
  DEMO_ACTOR_KEY_ID,
  DEMO_COURT_KEY_FILE,
  DEMO_CUSTODIAN_KEY_FILES,
  DEMO_SHOP_KEY_FILE,
  DEMO_SHOP_NAME,
  DEMO_SHOP_ORIGINS,
  demoActor,
  demoActorsInit,
  demoShopTerms,
} from './demo-actors.ts';
export type { GenesisDocument } from './demo-actors.ts';
export {
  CREATOR_FOLLOWER_THRESHOLD,
  DEMO_SITE_KEY_FILE,
  DEMO_SITE_KEY_ID,
  DEMO_SITE_NAME,
  DEMO_SITE_ORIGINS,
  demoSiteInit,
  DemoSiteRequest,
  demoSiteTerms,
} from './demo-sites.ts';
export { DisclosureBody, getDisclosure } from './disclosures.ts';
export type { DisclosureRecord } from './disclosures.ts';
export {
  LawfulDecisionBody,
  LawfulOutcomeBody,
  LawfulRequestBody,
  LAWFUL_KINDS,
  lawfulDeadline,
} from './lawful.ts';
export {
  getLawfulNotice,
  getLawfulRequest,
  LAWFUL_KEYS,
  LAWFUL_STATUSES,
  lawfulSubjectOf,
} from './lawful-state.ts';
export type {
  LawfulDecision,
  LawfulNotice,
  LawfulOutcome,
  LawfulRequest,
  LawfulStatus,
} from './lawful-state.ts';
