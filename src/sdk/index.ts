/** sdk/: a typed HTTP client of a realdid node that verifies every proof it is given. */
export { RealdidClient } from './client.ts';
export type { BatchOutcome, ClientOptions, Freshness, ModuleList, Receipt } from './client.ts';
export {
  CHECKPOINT_FIELDS,
  hashGenesis,
  sameCheckpoint,
  trustFromGenesis,
  verifyCheckpointConsistency,
  verifySignedCheckpoint,
  verifyStateAnswer,
  verifyTxInclusion,
} from './verify.ts';
export type { TrustAnchor } from './verify.ts';
/** A block header and its hash (the hash a checkpoint signs), for clients that check headers. */
export { hashHeader, type BlockHeader } from '../ledger/index.ts';
export {
  consortiumMembersFrom,
  countFinality,
  finalityOf,
  readConsortiumMembers,
  waitForFinality,
} from './finality.ts';
export type {
  ConsortiumMembers,
  FinalityAnswer,
  VerifiedFinality,
  WaitForFinalityOptions,
} from './finality.ts';
export {
  dereferenceDidKeyLocally,
  proofOf,
  resolveDidKeyLocally,
  verifyRdidDereference,
  verifyRdidResolution,
} from './did.ts';
export type { VerifiedDereference, VerifiedResolution } from './did.ts';
export {
  CheckpointConflictError,
  GenesisMismatchError,
  SDK_ERRORS,
  StaleCheckpointError,
} from './errors.ts';
export type { StaleReason } from './errors.ts';
export {
  credentialVerifier,
  IdentityApi,
  LedgerIssuerResolver,
  proveMasterDid,
} from './identity.ts';
export type {
  AuthorityInfo,
  BindingInfo,
  CopyInfo,
  CredentialVerifier,
  PersonDetails,
  RequestKey,
} from './identity.ts';
export {
  consentReceiptHash,
  disclosure,
  disclosureCounts,
  recordDisclosure,
  SiteRegistry,
  verifiedSite,
  verifiedSiteOfOrigin,
} from './sites.ts';
export type {
  DisclosureCount,
  SiteRegistration,
  SiteSigner,
  StateEvidence,
  VerifiedDisclosure,
} from './sites.ts';
export { LoginVerifier } from './login-verifier.ts';
export type {
  LoginSession,
  LoginStart,
  LoginStatus,
  LoginVerifierOptions,
} from './login-verifier.ts';
export {
  decideLawful,
  lawfulCaseRef,
  lawfulNotices,
  lawfulRequest,
  lawfulRequests,
  lawfulSubject,
  noticesFor,
  requestLawful,
} from './lawful.ts';
export { releaseLawful } from './lawful-release.ts';
export type {
  LawfulDecisionRecord,
  LawfulNoticeRecord,
  LawfulRequestInput,
  LawfulRequestRecord,
  NoticeMatch,
  Proven,
} from './lawful.ts';
export type { LawfulRelease, ReleasedIdentity } from './lawful-release.ts';
export { answerLogin, declineLogin, openLogin } from './wallet-login.ts';
export type { Holder, LoginAnswer, LoginPrompt } from './wallet-login.ts';
export {
  BODY_READ_LABEL,
  bodyCommitment,
  bodyReadBytes,
  CREDIT_AUDIENCE,
  CreditClient,
  newBodySalt,
  proveBodyRead,
  recordBody,
  statementDigest,
} from './credit.ts';
export type { BodyReadProof, TxSigner } from './credit.ts';
export {
  CONSENT_KEY_PURPOSE,
  consentKeyPop,
  CREDIT_CONSENT_KEY_INFO,
  creditConsentKey,
} from './credit-keys.ts';
export type { CreditConsentKey } from './credit-keys.ts';
export {
  CREDIT_CREDENTIAL_TYP,
  CreditWallet,
  decodeCreditCredential,
  txEvidence,
  verifyCreditCredential,
} from './credit-wallet.ts';
export type {
  CreditCredentialClaims,
  StateEvidenceOf,
  TxEvidence,
  WatchedEvent,
  WatchResult,
} from './credit-wallet.ts';
export type {
  AdoptedModel,
  AmendChanges,
  ConsentToken,
  CreditHandle,
  CreditAuthorityInfo,
  CreditCategory,
  CreditDispute,
  CreditFeedEvent,
  CreditListEntry,
  CreditListRule,
  CreditQueryEvent,
  CreditRecordView,
  CreditReport,
  CreditScore,
  CreditScoreFactor,
  CreditScoringModel,
  CreditSubject,
  IssueInput,
  OrgSubject,
  PersonSubject,
  ReadBody,
  RecordBody,
  StoredRecord,
} from './credit-types.ts';
