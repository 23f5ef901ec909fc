/** credit/: accountable credit records, consented queries, disputes, expiry, lists, explainable scores. */
export { CREDIT_ERRORS } from './errors.ts';
export { creditModule } from './module.ts';
export { addDays, dateMs, dateOf, daysBetween } from './dates.ts';
export { checkCategoryWords, FORBIDDEN_CATEGORY_WORDS } from './documents.ts';
export { consentProblem } from './query-tx.ts';
export { buildReport, scoredRecord, scoreRecords, shownTo } from './report.ts';
export type { CreditReport, ReportAudience } from './report.ts';
export { checkModel, decayPerMillion, scoreOf, ScoringModel } from './score.ts';
export type { Score, ScoredRecord, ScoreFactor, ScoreReason } from './score.ts';
export {
  AmendBody,
  BindOrgBody,
  CategoriesDocument,
  CategorySchema,
  DisputeBody,
  IssueBody,
  ListsDocument,
  ListRuleSchema,
  QueryBody,
  RespondBody,
  RestoreBody,
  Subject,
  WithdrawBody,
} from './schema.ts';
export type {
  Category,
  CreditRecord,
  Dispute,
  ListEntry,
  ListRule,
  OrgBinding,
  PersonEvent,
  PersonSubject,
  OrgSubject,
  QueryEvent,
  RecordEvent,
} from './schema.ts';
export {
  categoriesOf,
  categoryOf,
  CREDIT_KEYS,
  CREDIT_TOPICS,
  disputeDeadlineMs,
  getListEntry,
  getOrgBinding,
  getQuery,
  getRecord,
  inForce,
  isFinal,
  listRulesOf,
  modelOf,
} from './state.ts';
export { publicRecordsOf, QueryEventView, RecordView } from './queries.ts';
export {
  isUscc,
  organizationCodeCheckCharacter,
  parseUscc,
  USCC_PATTERN,
  usccCheckCharacter,
} from './uscc.ts';
export type { Uscc } from './uscc.ts';
export {
  DEMO_LISTS,
  DEMO_MODEL,
  demoCategories,
  demoCreditDocuments,
  NEGATIVE_RETENTION_DAYS,
} from './demo-config.ts';
export type { DemoCreditIssuers } from './demo-config.ts';
export { creditNode, CreditNodeOptions } from './node.ts';
export {
  CONSENT_KEY_PURPOSE,
  CREDIT_CREDENTIAL_TYP,
  PSEUDONYM_LABEL,
  realNamesOf,
  RECORD_KEY_LABEL,
} from './authority.ts';
export type { CreditCredentialClaims, PersonRow, RealNames } from './authority.ts';
export { bodyCommitment, MAX_BODY_BYTES, MIN_SALT_BYTES, RecordBody } from './bodies.ts';
export type { ReadBody, StoredBody } from './bodies.ts';
export { BODY_READ_LABEL, bodyReadBytes, CREDIT_AUDIENCE } from './requests.ts';
export type { PersonProof } from './requests.ts';
export { DEMO_CREDIT_KEY_FILES, DEMO_LENDER_PURPOSES } from './demo-init.ts';
