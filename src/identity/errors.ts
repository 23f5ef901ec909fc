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
});
