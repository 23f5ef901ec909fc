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
  ERR_IDENTITY_SITE_NOT_REGISTERED: {
    status: 403,
    meaning:
      'The site (the `client_id` DID) is not registered as a relying party, or its registration was revoked.',
  },
  ERR_IDENTITY_PURPOSE_NOT_REGISTERED: {
    status: 403,
    meaning: 'The login request names a purpose the site did not register.',
  },
  ERR_IDENTITY_CLAIM_NOT_REGISTERED: {
    status: 403,
    meaning:
      'A requested claim is not among those the site registered for the purpose (or for the disclosure policy invoked).',
  },
  ERR_IDENTITY_POLICY_NOT_REGISTERED: {
    status: 403,
    meaning:
      "The disclosure policy invoked is not in the site's registration, or not allowed for the purpose.",
  },
  ERR_IDENTITY_ORIGIN_NOT_REGISTERED: {
    status: 403,
    meaning:
      "The request's `response_uri` or `request_uri` is not on one of the site's registered origins.",
  },
  ERR_IDENTITY_LOGIN_MALFORMED: {
    status: 400,
    meaning:
      'The authorization request, request object or response is not OpenID4VP 1.0 as realdid profiles it (a field is missing, of the wrong type, or not allowed).',
  },
  ERR_IDENTITY_LOGIN_BAD_SIGNATURE: {
    status: 401,
    meaning:
      'The request object is not signed by an authentication key of the DID its `client_id` names.',
  },
  ERR_IDENTITY_LOGIN_UNKNOWN: {
    status: 404,
    meaning:
      'No login request with this id or `state` is pending at the site: unknown, expired or already finished.',
  },
  ERR_IDENTITY_LOGIN_STATE_MISMATCH: {
    status: 400,
    meaning: "The response's `state` is not the one of the request it was posted for.",
  },
  ERR_IDENTITY_LOGIN_ANSWERED: {
    status: 409,
    meaning: 'This login request was already answered; a request takes one response.',
  },
  ERR_IDENTITY_LOGIN_BAD_RESPONSE_CODE: {
    status: 400,
    meaning: 'The `response_code` is unknown, expired or already used.',
  },
  ERR_IDENTITY_DCQL_UNSUPPORTED: {
    status: 400,
    meaning:
      "The DCQL query asks for something realdid's profile does not support (another format or type, nested paths, claim sets, several credentials).",
  },
  ERR_IDENTITY_DCQL_UNSATISFIED: {
    status: 400,
    meaning:
      'The presentation does not satisfy the DCQL query: a requested claim is missing, a claim that was not asked for is disclosed, or the credential query id, format or type differ.',
  },
  ERR_IDENTITY_CONSENT_DECLINED: {
    status: 403,
    meaning: 'The person declined the request in the wallet.',
  },
  ERR_IDENTITY_BAD_RECEIPT: {
    status: 400,
    meaning:
      'The consent receipt is missing, not signed by the presenting pairwise key, or names another policy, site, claims or presentation.',
  },
  ERR_IDENTITY_DISCLOSURE_RECORDED: {
    status: 409,
    meaning: "This consent receipt's hash is already recorded on the ledger.",
  },
  ERR_IDENTITY_NOT_LAWFUL_REQUESTER: {
    status: 403,
    meaning:
      'The signer is not accredited as a `lawful-requester` (for this legal basis), or the requester of the request being approved, recorded or released no longer is.',
  },
  ERR_IDENTITY_NOT_CUSTODIAN: {
    status: 403,
    meaning: 'The signer is not accredited as a `lawful-custodian`.',
  },
  ERR_IDENTITY_LAWFUL_UNKNOWN: {
    status: 404,
    meaning: 'No lawful de-anonymization request with this id.',
  },
  ERR_IDENTITY_LAWFUL_CLOSED: {
    status: 409,
    meaning: 'The lawful request is no longer open: refused, expired or already released.',
  },
  ERR_IDENTITY_LAWFUL_ALREADY_DECIDED: {
    status: 409,
    meaning: 'This custodian has already approved or refused the request.',
  },
  ERR_IDENTITY_LAWFUL_NOT_APPROVED: {
    status: 403,
    meaning:
      'The request does not have the number of custodian approvals that governance sets: the authority releases nothing.',
  },
  ERR_IDENTITY_LAWFUL_SUBJECT_MISMATCH: {
    status: 422,
    meaning:
      "The pairwise DID given to the authority does not match the request's subject commitment (its nonce and pseudonym).",
  },
  ERR_IDENTITY_LAWFUL_BAD_TARGET: {
    status: 422,
    meaning:
      'The lawful request names an authority that is not an accredited identity authority, or a site that never was a registered relying party.',
  },
  ERR_IDENTITY_LAWFUL_BAD_NOTICE_DELAY: {
    status: 422,
    meaning: "The request asks to delay the person's notice longer than governance allows.",
  },
});
