import { defineErrors } from '../errors.ts';

/** Error codes of the did module and wallet key derivation, with their HTTP statuses. */
export const DID_ERRORS = defineErrors({
  ERR_DID_INVALID: { status: 400, meaning: 'A DID or DID URL does not match the method syntax.' },
  ERR_DID_NOT_FOUND: { status: 404, meaning: 'The DID is not registered on this ledger.' },
  ERR_DID_DEACTIVATED: { status: 410, meaning: 'The DID was deactivated.' },
  ERR_DID_METHOD_NOT_SUPPORTED: {
    status: 501,
    meaning: 'The DID method is not supported by this resolver.',
  },
  ERR_DID_REPRESENTATION_NOT_SUPPORTED: {
    status: 406,
    meaning: 'The requested DID document representation is not supported.',
  },
  ERR_DID_ALREADY_EXISTS: { status: 409, meaning: 'A DID with this identifier already exists.' },
  ERR_DID_BAD_DOCUMENT: {
    status: 422,
    meaning: 'A DID document or update patch breaks the method rules.',
  },
  ERR_DID_BAD_RECOVERY: {
    status: 403,
    meaning: 'The recovery key or its commitment does not match.',
  },
  ERR_DID_VERSION_NOT_FOUND: {
    status: 404,
    meaning: 'No version of the DID matches the versionId or versionTime.',
  },
  ERR_DID_BAD_PROOF: {
    status: 422,
    meaning: "A resolution result's state proof does not verify against a signed checkpoint.",
  },
  ERR_DID_INVALID_URL: {
    status: 400,
    meaning:
      'A DID URL to dereference does not match the DID URL syntax, or relativeRef is not a relative reference for a service.',
  },
  ERR_DID_INVALID_OPTIONS: {
    status: 400,
    meaning: 'A DID resolution option is malformed (versionId, versionTime) or options conflict.',
  },
  ERR_DID_FEATURE_NOT_SUPPORTED: {
    status: 501,
    meaning: 'The resolver does not support a requested resolution option or DID parameter.',
  },
  ERR_DID_RESOURCE_NOT_FOUND: {
    status: 404,
    meaning: 'The DID document has no verification method or service that the DID URL names.',
  },
  ERR_WALLET_EXISTS: { status: 409, meaning: 'A wallet already exists at this path.' },
  ERR_WALLET_NOT_FOUND: {
    status: 404,
    meaning: 'No wallet at this path; run `realdid wallet init` or `restore`.',
  },
  ERR_WALLET_BAD_MNEMONIC: {
    status: 400,
    meaning: 'The BIP-39 mnemonic is invalid (word list or checksum).',
  },
  ERR_WALLET_CORRUPT: {
    status: 422,
    meaning:
      "A wallet's credential store cannot be decrypted with its key (another wallet's, or damaged).",
  },
  ERR_WALLET_NO_DID: {
    status: 409,
    meaning:
      'The wallet has no master DID yet (run `realdid wallet init` against a node, or `wallet sync`).',
  },
  ERR_WALLET_BAD_ORIGIN: {
    status: 400,
    meaning: 'A site origin is not a valid https (or localhost http) origin.',
  },
  ERR_DID_AUTH_FAILED: {
    status: 401,
    meaning:
      'A DID-signed request does not verify: wrong action or audience, unknown or rotated-out key, or bad signature.',
  },
  ERR_DID_AUTH_EXPIRED: {
    status: 401,
    meaning: 'A DID-signed request was created too long ago or too far in the future.',
  },
  ERR_DID_AUTH_REPLAYED: {
    status: 401,
    meaning: 'A DID-signed request was already received (its nonce was seen).',
  },
});
