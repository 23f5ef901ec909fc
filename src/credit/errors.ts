import { defineErrors } from '../errors.ts';

/**
 * Error codes of the credit module: subjects, categories, records, disputes, queries, scores. The
 * `ERR_CREDIT_CONSENT_*` codes are also the reasons a denied query records on the ledger.
 */
export const CREDIT_ERRORS = defineErrors({
  ERR_CREDIT_INVALID_USCC: {
    status: 422,
    meaning:
      'The Unified Social Credit Code is not 18 characters of the GB 32100-2015 alphabet, or its check character is wrong.',
  },
  ERR_CREDIT_UNKNOWN_CATEGORY: {
    status: 422,
    meaning: 'The record category is not on the list governance adopted.',
  },
  ERR_CREDIT_FORBIDDEN_CATEGORY: {
    status: 422,
    meaning:
      'A category would hold biometric, location, social-relation or surveillance data, which the registry never stores.',
  },
  ERR_CREDIT_BAD_CATEGORIES: {
    status: 422,
    meaning:
      'The category list is malformed (duplicate id, a public category for people, a bad retention).',
  },
  ERR_CREDIT_ISSUER_NOT_ACCREDITED: {
    status: 403,
    meaning:
      'The signer is not an accredited credit issuer for this category (or not allowed by the category), or its accreditation was revoked.',
  },
  ERR_CREDIT_QUERIER_NOT_REGISTERED: {
    status: 403,
    meaning: 'The signer is not a querier registered for this purpose.',
  },
  ERR_CREDIT_RECORD_NOT_FOUND: { status: 404, meaning: 'No credit record has this id.' },
  ERR_CREDIT_RECORD_CLOSED: {
    status: 409,
    meaning: 'The record was withdrawn, restored or has expired: it can no longer change.',
  },
  ERR_CREDIT_NOT_ISSUER: {
    status: 403,
    meaning: 'Only the issuer of a record may amend, withdraw, restore or answer a dispute of it.',
  },
  ERR_CREDIT_HANDLE_USED: {
    status: 409,
    meaning: 'A person handle (blinded subject key) is used for one event only.',
  },
  ERR_CREDIT_BAD_HANDLE: {
    status: 422,
    meaning: 'The person handle is malformed (nonce, tag, key or locator).',
  },
  ERR_CREDIT_BAD_SUBJECT: {
    status: 422,
    meaning: 'The category does not take this kind of subject (organization or person).',
  },
  ERR_CREDIT_BAD_DATES: {
    status: 422,
    meaning:
      'A date is not a real YYYY-MM-DD date, or occurred > effective, or the expiry is not after the effective date or beyond the retention.',
  },
  ERR_CREDIT_SEVERITY: {
    status: 422,
    meaning: "The severity is outside the category's scale.",
  },
  ERR_CREDIT_NOT_SUBJECT: {
    status: 403,
    meaning:
      "The signer is not the record's subject (a person's handle key, an organization's bound DID).",
  },
  ERR_CREDIT_DISPUTE_OPEN: {
    status: 409,
    meaning: 'The record already has an open dispute.',
  },
  ERR_CREDIT_ALREADY_DISPUTED: {
    status: 409,
    meaning:
      'This version of the record was already disputed and answered: one dispute per version.',
  },
  ERR_CREDIT_NO_DISPUTE: {
    status: 409,
    meaning: 'The record has no open dispute to answer.',
  },
  ERR_CREDIT_DEADLINE_PASSED: {
    status: 409,
    meaning:
      'The dispute deadline has passed: the record is suppressed and the answer comes too late.',
  },
  ERR_CREDIT_BAD_MODEL: {
    status: 422,
    meaning:
      'The scoring model is malformed (bands not descending, multipliers missing, unknown category).',
  },
  ERR_CREDIT_BAD_LIST: {
    status: 422,
    meaning: 'A list rule is malformed or names a category that is not public.',
  },
  ERR_CREDIT_NO_MODEL: {
    status: 409,
    meaning: 'Governance has adopted no scoring model yet.',
  },
  ERR_CREDIT_ORG_BOUND: {
    status: 409,
    meaning: 'This organization code is already bound to another DID.',
  },
  ERR_CREDIT_BODY_MISMATCH: {
    status: 422,
    meaning: "The record body does not match the record's commitment.",
  },
  ERR_CREDIT_BODY_GONE: {
    status: 410,
    meaning: "The record expired: its body's key was destroyed, the body is unreadable.",
  },
  ERR_CREDIT_BODY_UNKNOWN: {
    status: 404,
    meaning: 'This node holds no body for the record (it is kept at the issuer’s node).',
  },
  ERR_CREDIT_NOT_AUTHORITY_NODE: {
    status: 409,
    meaning:
      'This node runs no credit subject authority (person handles, credentials and reports are served by the identity authority’s node).',
  },
  ERR_CREDIT_NOT_ENROLLED: {
    status: 404,
    meaning: 'The authority has no active real-name binding for this person.',
  },
  ERR_CREDIT_NO_CREDENTIAL: {
    status: 409,
    meaning: 'The person has not obtained a credit credential yet (no consent key registered).',
  },
  ERR_CREDIT_QUERY_DENIED: {
    status: 403,
    meaning:
      'The query on the ledger was denied (see its reason) or was made by another querier: no report is given.',
  },
  ERR_CREDIT_QUERY_NOT_FOUND: { status: 404, meaning: 'No credit query has this id.' },
  ERR_CREDIT_REPORT_SERVED: {
    status: 409,
    meaning: 'A consented query gives one report; this one was already served.',
  },
  ERR_CREDIT_UNKNOWN_SUBJECT: {
    status: 404,
    meaning: 'The authority does not recognize the person behind this handle.',
  },
  ERR_CREDIT_RATE_LIMITED: {
    status: 429,
    meaning:
      'Too many signed credit requests (body reads, reports) from this signer, or in all, in the last minutes.',
  },
  ERR_CREDIT_CONSENT_MISSING: {
    status: 403,
    meaning: 'A query about a person carried no consent token (the query is logged as denied).',
  },
  ERR_CREDIT_CONSENT_EXPIRED: {
    status: 403,
    meaning: 'The consent token expired before the query’s block (logged as denied).',
  },
  ERR_CREDIT_CONSENT_REUSED: {
    status: 403,
    meaning: 'The consent token was already used by an earlier query (logged as denied).',
  },
  ERR_CREDIT_CONSENT_WRONG_QUERIER: {
    status: 403,
    meaning: 'The consent token names another querier (logged as denied).',
  },
  ERR_CREDIT_CONSENT_WRONG_PURPOSE: {
    status: 403,
    meaning: 'The consent token names another purpose (logged as denied).',
  },
  ERR_CREDIT_CONSENT_BAD_SIGNATURE: {
    status: 403,
    meaning: 'The consent token’s signature does not verify for its handle key (logged as denied).',
  },
  ERR_CREDIT_CONSENT_WRONG_SUBJECT: {
    status: 403,
    meaning: 'The consent token is for another subject than the query names (logged as denied).',
  },
});
