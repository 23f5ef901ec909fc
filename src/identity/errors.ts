import { defineErrors } from '../errors.ts';

/** Error codes of the identity module: enrollment, bindings, credential copies, the authority's API. */
export const IDENTITY_ERRORS = defineErrors({
  ERR_IDENTITY_INVALID_ID_NUMBER: {
    status: 422,
    meaning: 'The resident ID number is not 17 digits followed by a digit or X.',
  },
  ERR_IDENTITY_BAD_CHECK_DIGIT: {
    status: 422,
    meaning: 'The resident ID number fails its GB 11643-1999 check digit (ISO 7064 MOD 11-2).',
  },
  ERR_IDENTITY_BAD_REGION_CODE: {
    status: 422,
    meaning:
      'The administrative division code in the ID number is not a well-formed GB/T 2260 code.',
  },
  ERR_IDENTITY_BAD_BIRTHDATE: {
    status: 422,
    meaning:
      'The birth date (given, or in the ID number) is not a real date, is in the future, or is implausibly old.',
  },
  ERR_IDENTITY_BIRTHDATE_MISMATCH: {
    status: 422,
    meaning: 'The birth date given does not agree with the one in the ID number.',
  },
  ERR_IDENTITY_BAD_NAME: {
    status: 422,
    meaning: 'A name is empty, too long, or holds control characters.',
  },
  ERR_IDENTITY_BAD_NATIONALITY: {
    status: 422,
    meaning: 'The nationality is not an ISO 3166-1 alpha-2 country code.',
  },
  ERR_IDENTITY_BAD_REGION: {
    status: 422,
    meaning: 'The region is not a province-level division (ISO 3166-2:CN code).',
  },
  ERR_IDENTITY_ALREADY_ENROLLED: {
    status: 409,
    meaning: 'This person already has an active real-name binding (one person, one binding).',
  },
  ERR_IDENTITY_NOT_ENROLLED: {
    status: 404,
    meaning:
      'There is no active real-name binding for this person or master DID at this authority.',
  },
  ERR_IDENTITY_DID_IN_USE: {
    status: 409,
    meaning:
      'The master DID holds, or held, a real-name binding; a binding needs a DID never bound before.',
  },
  ERR_IDENTITY_UNKNOWN_DID: {
    status: 422,
    meaning: 'The master DID is not an active did:rdid on this ledger.',
  },
  ERR_IDENTITY_BINDING_ENDED: {
    status: 403,
    meaning: 'The master DID was re-bound or revoked: it can obtain nothing any more.',
  },
  ERR_IDENTITY_PERSON_MISMATCH: {
    status: 403,
    meaning: "The person's details given for a re-check do not match the authority's record.",
  },
  ERR_IDENTITY_ERASED: {
    status: 410,
    meaning:
      "The person's record is not in the authority's vault: erased (crypto-shredded), or lost.",
  },
  ERR_IDENTITY_BAD_CHALLENGE: {
    status: 401,
    meaning: 'The enrollment challenge is unknown, expired or already used.',
  },
  ERR_IDENTITY_BAD_PROOF: {
    status: 401,
    meaning: 'The proof of control of the master DID (or of the holder key) does not verify.',
  },
  ERR_IDENTITY_NOT_OPERATOR: {
    status: 403,
    meaning: "The request is not signed by a key of this identity authority's DID.",
  },
  ERR_IDENTITY_LIST_EXISTS: { status: 409, meaning: 'A status list with this id already exists.' },
  ERR_IDENTITY_LIST_UNKNOWN: {
    status: 404,
    meaning: 'The status list does not exist or belongs to another issuer.',
  },
  ERR_IDENTITY_BAD_STATUS_INDEX: {
    status: 422,
    meaning: "A status index is outside its list, or a list's size does not fill whole chunks.",
  },
  ERR_IDENTITY_NOT_AUTHORITY_NODE: {
    status: 404,
    meaning:
      'This node does not serve an identity authority (no authority vault or DID configured).',
  },
  ERR_IDENTITY_AUTHORITY_UNAVAILABLE: {
    status: 503,
    meaning:
      "The authority cannot serve now: too many requests in flight, or its DID's transaction was not committed.",
  },
  ERR_IDENTITY_COPY_LIMIT: {
    status: 429,
    meaning:
      'The binding holds as many unexpired credential copies as it may; no more until some expire.',
  },
  ERR_IDENTITY_RATE_LIMITED: {
    status: 429,
    meaning: 'This master DID sent too many requests in the last minutes.',
  },
});
