import { defineErrors } from '../errors.ts';

/** Error codes of the ledger core (their HTTP statuses are mapped in node/). */
export const LEDGER_ERRORS = defineErrors({
  ERR_LEDGER_MALFORMED_TX: {
    meaning:
      'A transaction is not a well-formed signed envelope {kind, body, signer, nonce, created, sig}.',
  },
  ERR_LEDGER_TX_TOO_LARGE: { meaning: 'A transaction is larger than the ledger size limit.' },
  ERR_LEDGER_UNKNOWN_KIND: { meaning: 'No registered module handles the transaction kind.' },
  ERR_LEDGER_UNKNOWN_DOCUMENT: {
    meaning: 'No registered module declares a governance document for this topic.',
  },
  ERR_LEDGER_BAD_DOCUMENT: {
    meaning: "A governance document does not match its module's JSON Schema.",
  },
  ERR_LEDGER_SCHEMA: { meaning: "A transaction body does not match its kind's JSON Schema." },
  ERR_LEDGER_BAD_SIGNER: {
    meaning: 'The signer is not a DID URL of a key that a registered key resolver can resolve.',
  },
  ERR_LEDGER_BAD_SIGNATURE: {
    meaning: 'The Ed25519 signature does not verify for the signer key.',
  },
  ERR_LEDGER_REPLAY: {
    meaning: "The nonce is not greater than the signer's last committed nonce (a replay).",
  },
  ERR_LEDGER_DUPLICATE_TX: {
    meaning: 'A transaction with the same id is already committed or pending.',
  },
  ERR_LEDGER_UNAUTHORIZED: { meaning: 'The signer is not authorized for this transaction kind.' },
  ERR_LEDGER_TX_TIME: { meaning: "The transaction's created time is too far from the block time." },
  ERR_LEDGER_NOT_FOUND: { meaning: 'No such transaction, block, checkpoint or state key.' },
  ERR_LEDGER_RANGE: { meaning: 'A height, tree size or index is out of range.' },
  ERR_LEDGER_BAD_PROOF: {
    meaning: 'A Merkle inclusion, consistency or state proof does not verify.',
  },
  ERR_LEDGER_ROOT_MISMATCH: {
    meaning: 'A recomputed Merkle or state root differs from the one in the header.',
  },
  ERR_LEDGER_CHAIN_BROKEN: {
    meaning: "A block's prevHash, height or time does not follow its parent.",
  },
  ERR_LEDGER_BAD_CHECKPOINT: {
    meaning: 'A checkpoint or block header signature is missing, unknown or invalid.',
  },
  ERR_LEDGER_INCONSISTENT: {
    meaning: 'A new checkpoint is not consistent with the last one seen (a fork or a rewrite).',
  },
  ERR_LEDGER_BAD_GENESIS: { meaning: 'The genesis document is invalid.' },
  ERR_LEDGER_STORE: {
    meaning: 'The ledger store is corrupt or was written by an incompatible version.',
  },
  ERR_LEDGER_OVERLOADED: { meaning: 'The node is at its pending-transaction limit; retry later.' },
  ERR_LEDGER_MODULE_FAILED: {
    meaning:
      "A module's code failed on the transaction (a bug in the module); the transaction was rejected and changed nothing.",
  },
  ERR_LEDGER_NOT_SIGNER: {
    meaning:
      "The transaction would leave this node's organization unable to sign blocks (e.g. it removes that organization); in solo mode it is refused.",
  },
  ERR_LEDGER_STOPPED: { meaning: 'The node is shutting down and accepts no transactions.' },
  ERR_LEDGER_UNAVAILABLE: {
    meaning:
      'The ordering service (NATS JetStream) did not accept the transaction within the bounded wait; it may still be ordered.',
  },
  ERR_LEDGER_DIVERGED: {
    meaning:
      "This node's block differs from the one a quorum of organizations signed; the node stopped applying blocks.",
  },
});
