/**
 * The one error registry of realdid: every error code, its HTTP status and a one-line meaning.
 *
 * Codes are stable: clients match on `code`, never on `message`. `docs/errors.md` lists every
 * code in this table and `test/errors.test.ts` keeps the two in sync (as fastify does for its
 * error registry). Layers throw {@link AppError} (or a layer subclass) with one of these codes.
 */
export const ERROR_REGISTRY = {
  // crypto/
  ERR_CRYPTO_BAD_KEY: [400, 'A key has the wrong length or encoding.'],
  ERR_CRYPTO_BAD_ENCODING: [400, 'A multibase, base58btc, base64url or hex string does not decode.'],
  ERR_CRYPTO_BAD_MULTIKEY: [400, 'A Multikey value is not an Ed25519 public key (prefix 0xed01, 32 bytes).'],
  ERR_CRYPTO_NOT_CANONICAL: [400, 'A value cannot be canonicalized with RFC 8785 JCS (non-finite number, undefined, lone surrogate…).'],
  ERR_CRYPTO_WRONG_PASSPHRASE: [401, 'The passphrase does not decrypt the keystore.'],
  ERR_CRYPTO_BAD_KEYSTORE: [400, 'A keystore file is malformed or uses unsupported parameters.'],
  // ledger/
  ERR_LEDGER_MALFORMED_TX: [400, 'A transaction is not a well-formed signed envelope {kind, body, signer, nonce, created, sig}.'],
  ERR_LEDGER_TX_TOO_LARGE: [413, 'A transaction is larger than the ledger size limit.'],
  ERR_LEDGER_UNKNOWN_KIND: [400, 'No registered module handles the transaction kind.'],
  ERR_LEDGER_SCHEMA: [400, "A transaction body does not match its kind's JSON Schema."],
  ERR_LEDGER_BAD_SIGNER: [400, 'The signer is not a DID URL of a key that a registered key resolver can resolve.'],
  ERR_LEDGER_BAD_SIGNATURE: [401, 'The Ed25519 signature does not verify for the signer key.'],
  ERR_LEDGER_REPLAY: [409, "The nonce is not greater than the signer's last committed nonce (a replay)."],
  ERR_LEDGER_DUPLICATE_TX: [409, 'A transaction with the same id is already committed or pending.'],
  ERR_LEDGER_UNAUTHORIZED: [403, 'The signer is not authorized for this transaction kind.'],
  ERR_LEDGER_TX_TIME: [400, "The transaction's created time is too far from the block time."],
  ERR_LEDGER_NOT_FOUND: [404, 'No such transaction, block, checkpoint or state key.'],
  ERR_LEDGER_RANGE: [400, 'A height, tree size or index is out of range.'],
  ERR_LEDGER_BAD_PROOF: [422, 'A Merkle inclusion, consistency or state proof does not verify.'],
  ERR_LEDGER_ROOT_MISMATCH: [422, 'A recomputed Merkle or state root differs from the one in the header.'],
  ERR_LEDGER_CHAIN_BROKEN: [422, "A block's prevHash, height or time does not follow its parent."],
  ERR_LEDGER_BAD_CHECKPOINT: [422, 'A checkpoint or block header signature is missing, unknown or invalid.'],
  ERR_LEDGER_INCONSISTENT: [422, 'A new checkpoint is not consistent with the last one seen (a fork or a rewrite).'],
  ERR_LEDGER_BAD_GENESIS: [400, 'The genesis document is invalid.'],
  ERR_LEDGER_STORE: [500, 'The ledger store is corrupt or was written by an incompatible version.'],
  ERR_LEDGER_OVERLOADED: [503, 'The node is at its pending-transaction limit; retry later.'],
  ERR_LEDGER_STOPPED: [503, 'The node is shutting down and accepts no transactions.'],
  // governance/
  ERR_GOV_NOT_MEMBER: [403, 'The signer is not a key of a consortium organization.'],
  ERR_GOV_PROPOSAL_NOT_FOUND: [404, 'No such governance proposal.'],
  ERR_GOV_ALREADY_APPROVED: [409, 'This organization has already approved the proposal.'],
  ERR_GOV_PROPOSAL_CLOSED: [409, 'The proposal was already executed or has expired.'],
  ERR_GOV_INVALID_CHANGE: [422, 'The proposed change cannot apply to the current state (unknown org, quorum too high…).'],
  // did/
  ERR_DID_INVALID: [400, 'A DID or DID URL does not match the method syntax.'],
  ERR_DID_NOT_FOUND: [404, 'The DID is not registered on this ledger.'],
  ERR_DID_DEACTIVATED: [410, 'The DID was deactivated.'],
  ERR_DID_METHOD_NOT_SUPPORTED: [501, 'The DID method is not supported by this resolver.'],
  ERR_DID_REPRESENTATION_NOT_SUPPORTED: [406, 'The requested DID document representation is not supported.'],
  ERR_DID_ALREADY_EXISTS: [409, 'A DID with this identifier already exists.'],
  ERR_DID_BAD_DOCUMENT: [422, 'A DID document or update patch breaks the method rules.'],
  ERR_DID_BAD_RECOVERY: [403, 'The recovery key or its commitment does not match.'],
  ERR_DID_VERSION_NOT_FOUND: [404, 'No version of the DID matches the versionId or versionTime.'],
  ERR_DID_BAD_PROOF: [422, "A resolution result's state proof does not verify against a signed checkpoint."],
  // wallet
  ERR_WALLET_EXISTS: [409, 'A wallet already exists at this path.'],
  ERR_WALLET_NOT_FOUND: [404, 'No wallet at this path; run `realdid wallet init` or `restore`.'],
  ERR_WALLET_BAD_MNEMONIC: [400, 'The BIP-39 mnemonic is invalid (word list or checksum).'],
  ERR_WALLET_BAD_ORIGIN: [400, 'A site origin is not a valid https (or localhost http) origin.'],
  // node/ (HTTP API)
  ERR_API_MALFORMED_JSON: [400, 'The request body is not valid JSON.'],
  ERR_API_SCHEMA: [400, "The request does not match the route's JSON Schema."],
  ERR_API_BODY_TOO_LARGE: [413, 'The request body exceeds the route limit.'],
  ERR_API_UNSUPPORTED_MEDIA_TYPE: [415, 'The request Content-Type is not supported.'],
  ERR_API_NOT_FOUND: [404, 'No such route.'],
  ERR_API_INTERNAL: [500, 'An unexpected server error; the ledger is unchanged.'],
  // sdk/
  ERR_SDK_HTTP: [502, 'The node could not be reached or answered with an unexpected status.'],
  ERR_SDK_BAD_RESPONSE: [502, "The node's answer does not match the API schema."],
  // cli/
  ERR_CLI_USAGE: [400, 'A command-line argument is missing or invalid.'],
  ERR_CLI_DATA_DIR: [400, 'The data folder is missing, not initialized, or already initialized.'],
} as const satisfies Record<string, readonly [number, string]>;

/** Every stable error code (`ERR_<AREA>_<REASON>`). */
export type ErrorCode = keyof typeof ERROR_REGISTRY;

/** HTTP status for an error code. */
export function httpStatusOf(code: ErrorCode): number {
  return ERROR_REGISTRY[code][0];
}

/** Is `value` one of the registered error codes? */
export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(ERROR_REGISTRY, value);
}

/**
 * Base class of every domain error in realdid: a stable `code`, an HTTP `status` derived from
 * the registry, an optional machine-readable `details` object and the original `cause`.
 *
 * @example
 * throw new AppError('ERR_LEDGER_REPLAY', 'nonce 3 is not greater than last nonce 7', { details: { last: 7 } });
 */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly details: Record<string, unknown> | undefined;

  constructor(
    code: ErrorCode,
    message: string,
    options: { cause?: unknown; details?: Record<string, unknown> } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.status = httpStatusOf(code);
    this.details = options.details;
  }

  /** The JSON body the API and `--json` CLI output use for this error. */
  toJSON(): { code: ErrorCode; message: string; details?: Record<string, unknown> } {
    return this.details === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, details: this.details };
  }
}

/** Is `err` an {@link AppError} with the given code (or any code when omitted)? */
export function isAppError(err: unknown, code?: ErrorCode): err is AppError {
  return err instanceof AppError && (code === undefined || err.code === code);
}
