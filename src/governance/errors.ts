import { defineErrors } from '../errors.ts';

/** Error codes of the governance module, with their HTTP statuses. */
export const GOV_ERRORS = defineErrors({
  ERR_GOV_NOT_MEMBER: {
    status: 403,
    meaning: 'The signer is not a key of a consortium organization.',
  },
  ERR_GOV_PROPOSAL_NOT_FOUND: { status: 404, meaning: 'No such governance proposal.' },
  ERR_GOV_ALREADY_APPROVED: {
    status: 409,
    meaning: 'This organization has already approved the proposal.',
  },
  ERR_GOV_PROPOSAL_CLOSED: {
    status: 409,
    meaning: 'The proposal was already executed or has expired.',
  },
  ERR_GOV_INVALID_CHANGE: {
    status: 422,
    meaning:
      'The proposed change cannot apply to the current state (unknown org, quorum too high…).',
  },
});
