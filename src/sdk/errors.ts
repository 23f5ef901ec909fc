import { AppError, defineErrors } from '../errors.ts';
import type { Checkpoint } from '../ledger/index.ts';

/** Error codes the SDK raises on the client side (never served over HTTP). */
export const SDK_ERRORS = defineErrors({
  ERR_SDK_HTTP: { meaning: 'The node could not be reached or answered with an unexpected status.' },
  ERR_SDK_BAD_RESPONSE: { meaning: "The node's answer does not match the API schema." },
  ERR_SDK_NO_QUERY: {
    meaning: 'The node runs no module query of that namespace and name (see GET /v1/modules).',
  },
  ERR_SDK_QUERY_INPUT: {
    meaning: 'A path parameter of the module query is missing from the input.',
  },
  ERR_SDK_GENESIS_MISMATCH: {
    meaning: 'The node runs another chain than the pinned genesis hash.',
  },
  ERR_SDK_ROLLBACK: {
    meaning:
      'The node answered with a checkpoint below one the client had already verified (a rollback).',
  },
  ERR_SDK_STALE_CHECKPOINT: {
    meaning: "The answer's checkpoint is below the required height or older than the allowed age.",
  },
  ERR_SDK_TIMEOUT: {
    meaning:
      'What the client was waiting for (e.g. a block to become final) did not happen within the given time.',
  },
});

/** Height and block hash of a checkpoint, as errors name it: `height 5 (block 3fa2…)`. */
function describeCheckpoint(cp: Checkpoint): string {
  return `height ${cp.height} (block ${cp.blockHash})`;
}

/**
 * A node whose checkpoint contradicts one the client already verified: a rollback
 * (`ERR_SDK_ROLLBACK`, below it) or a fork (`ERR_LEDGER_INCONSISTENT`, another block at its
 * height, or a history that does not extend it). Both checkpoints are in `details` (evidence to
 * keep) and in the message (height and block hash of each).
 */
export class CheckpointConflictError extends AppError {
  readonly remembered: Checkpoint;
  readonly received: Checkpoint;

  constructor(
    code: 'ERR_SDK_ROLLBACK' | 'ERR_LEDGER_INCONSISTENT',
    url: string,
    remembered: Checkpoint,
    received: Checkpoint,
    why: string,
    cause?: unknown,
  ) {
    const what = code === 'ERR_SDK_ROLLBACK' ? 'rolled back' : 'is on a fork';
    super(
      code,
      `the node at ${url} ${what}: it answered with checkpoint ${describeCheckpoint(received)}, but checkpoint ${describeCheckpoint(remembered)} was verified before; ${why}`,
      {
        details: { url, remembered, received },
        ...(cause === undefined ? {} : { cause }),
      },
    );
    this.remembered = remembered;
    this.received = received;
  }
}

/** Why an answer was too old: below `minHeight`, or a block time more than `maxAgeMs` ago. */
export type StaleReason = 'height' | 'age';

/** An answer whose checkpoint fails the client's freshness requirement (`ERR_SDK_STALE_CHECKPOINT`). */
export class StaleCheckpointError extends AppError {
  readonly reason: StaleReason;
  readonly checkpoint: Checkpoint;

  constructor(
    url: string,
    checkpoint: Checkpoint,
    requirement:
      { reason: 'height'; minHeight: number } | { reason: 'age'; maxAgeMs: number; ageMs: number },
  ) {
    const why =
      requirement.reason === 'height'
        ? `below the required height ${requirement.minHeight}`
        : `${requirement.ageMs} ms old by its block time, more than the allowed ${requirement.maxAgeMs} ms`;
    super(
      'ERR_SDK_STALE_CHECKPOINT',
      `the node at ${url} answered with checkpoint ${describeCheckpoint(checkpoint)}, ${why}`,
      {
        details: {
          url,
          height: checkpoint.height,
          blockHash: checkpoint.blockHash,
          time: checkpoint.time,
          ...requirement,
        },
      },
    );
    this.reason = requirement.reason;
    this.checkpoint = checkpoint;
  }
}

/** A node on another chain than the pinned one (`ERR_SDK_GENESIS_MISMATCH`). */
export class GenesisMismatchError extends AppError {
  constructor(url: string, pinned: string, actual: string) {
    super(
      'ERR_SDK_GENESIS_MISMATCH',
      `the node at ${url} runs the chain of genesis ${actual}, not the pinned genesis ${pinned}`,
      { details: { pinned, actual, url } },
    );
  }
}
