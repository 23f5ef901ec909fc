/** credentials/: SD-JWT VC issuance, presentation and verification, key binding, status lists. */
export { CREDENTIALS_ERRORS } from './errors.ts';
export {
  ed25519OfJwk,
  jwkOfEd25519,
  signerOfKeyPair,
  verifierOfJwk,
  VERIFY_ALGS,
} from './jws-keys.ts';
export type { JwsSigner, JwsVerifier, PublicJwk, VerifyAlg } from './jws-keys.ts';
// sd-jwt (sd-jwt.ts, sd-jwt-vc.ts)
export {
  checkJwsAlg,
  checkSdAlg,
  decodeDisclosure,
  KB_JWT_TYP,
  parseSdJwt,
  presentSdJwt,
  processDisclosures,
  SD_ALG,
  verifyJws,
  verifyKeyBinding,
  verifySdJwt,
} from './sd-jwt.ts';
export type {
  Disclosure,
  JsonObject,
  KeyBindingClaims,
  KeyBindingExpect,
  KeyBindingInput,
  ParsedJws,
  ParsedSdJwt,
  ProcessedDisclosures,
  ProcessOptions,
  VerifiedSdJwt,
  VerifySdJwtOptions,
} from './sd-jwt.ts';
export {
  decodeSdJwtVc,
  issueSdJwtVc,
  presentSdJwtVc,
  REAL_NAME_VCT,
  SD_JWT_VC_TYP,
  verifySdJwtVcPresentation,
} from './sd-jwt-vc.ts';
export type {
  DecodedDisclosure,
  DecodedSdJwtVc,
  IssueInput,
  IssuerResolver,
  NonceStore,
  PresentInput,
  StatusChecker,
  StatusRef,
  VerifiedPresentation,
  VerifyOptions,
} from './sd-jwt-vc.ts';
// OpenID4VP 1.0 login profile (openid4vp.ts, openid4vp-dcql.ts, openid4vp-receipt.ts)
export {
  checkRequestClaims,
  CLIENT_ID_PREFIX,
  clientIdOf,
  didOfClientId,
  formatRequestLink,
  LINK_SCHEME,
  parseRequestLink,
  REQUEST_OBJECT_MEDIA_TYPE,
  REQUEST_OBJECT_TYP,
  REQUEST_SKEW_SEC,
  SELF_ISSUED_AUD,
  signRequestObject,
  verifyRequestObject,
  VP_FORMATS_SUPPORTED,
  webOriginOf,
} from './openid4vp.ts';
export type {
  RequestLink,
  RequestObjectClaims,
  VerifiedRequest,
  VerifyRequestOptions,
} from './openid4vp.ts';
export {
  checkDcqlQuery,
  checkSatisfied,
  DCQL_FORMAT,
  REAL_NAME_QUERY_ID,
  realNameQuery,
} from './openid4vp-dcql.ts';
export type { DcqlClaim, PresentedClaims, ProfileQuery, RealNameDcql } from './openid4vp-dcql.ts';
export {
  CONSENT_RECEIPT_TYP,
  didKeyOfJwk,
  presentationHash,
  signConsentReceipt,
  verifyConsentReceipt,
} from './openid4vp-receipt.ts';
export type {
  ConsentReceiptClaims,
  ConsentReceiptInput,
  ReceiptExpect,
} from './openid4vp-receipt.ts';
// status lists (status-list.ts)
export {
  allocateStatusIndex,
  assembleStatusList,
  chunkOfIndex,
  getInChunk,
  isStatusBits,
  setInChunk,
  STATUS_CHUNK_BYTES,
  STATUS_INVALID,
  STATUS_LIST_MAX_BYTES,
  STATUS_SUSPENDED,
  STATUS_VALID,
  StatusList,
} from './status-list.ts';
export type { StatusBits } from './status-list.ts';
export {
  peekStatusListToken,
  signStatusListToken,
  STATUS_LIST_TYP,
  STATUS_TOKEN_IAT_LEEWAY_SEC,
  verifyStatusListToken,
} from './status-token.ts';
export type { StatusListTokenClaims, VerifiedStatusListToken } from './status-token.ts';
export { STATUS_CACHE_MAX_AGE_SEC, StatusListCache } from './status-cache.ts';
export type { StatusCacheOptions } from './status-cache.ts';
// credit person handles and consent tokens (credit-handle.ts)
export {
  checkHandle,
  consentBytes,
  consentHash,
  ConsentTokenSchema,
  CREDIT_BLIND_LABEL,
  CREDIT_CONSENT_LABEL,
  CREDIT_LOCATOR_MAX_LENGTH,
  CREDIT_NONCE_LENGTH,
  CREDIT_SUBJECT_KEY_INFO,
  CREDIT_TAG_LABEL,
  CREDIT_TAG_LENGTH,
  CreditHandleSchema,
  handleKeyPair,
  mintHandle,
  openLocator,
  pseudonymIdOf,
  recognizeHandle,
  signConsent,
  subjectKeyOf,
  verifyConsentSignature,
} from './credit-handle.ts';
export type {
  ConsentToken,
  CreditHandle,
  CreditLocator,
  CreditSubjectSecret,
} from './credit-handle.ts';
