import { canonicalize, decodeMultikey, fromHex, sha256, toHex } from '../crypto/index.ts';
import { AppError, isAppError } from '../errors.ts';
import {
  checkConsistency,
  checkInclusion,
  checkStateProof,
  decodeTx,
  hashLeaf,
  verifyCheckpointSignature,
  type Checkpoint,
  type SignedCheckpoint,
  type StateProof,
  type Tx,
} from '../ledger/index.ts';

/** The fields a checkpoint signs (its identity: two checkpoints with these equal sign the same block). */
export const CHECKPOINT_FIELDS = [
  'chainId',
  'height',
  'blockHash',
  'logSize',
  'logRoot',
  'stateRoot',
  'time',
] as const;

/** Do `a` and `b` sign the same block (every signed field equal)? */
export function sameCheckpoint(a: Checkpoint, b: Checkpoint): boolean {
  return CHECKPOINT_FIELDS.every((f) => a[f] === b[f]);
}

/** Organization keys a client trusts to sign checkpoints: org id → Multikeys. */
export interface TrustAnchor {
  readonly chainId: string;
  readonly orgs: Readonly<Record<string, readonly string[]>>;
}

/** Extracts the trust anchor from a genesis document (its `gov` section). */
export function trustFromGenesis(genesis: {
  chainId: string;
  modules: Record<string, unknown>;
}): TrustAnchor {
  const gov = genesis.modules.gov as { orgs?: { id: string; keys: string[] }[] } | undefined;
  if (!Array.isArray(gov?.orgs))
    throw new AppError('ERR_SDK_BAD_RESPONSE', 'genesis has no gov.orgs to trust');
  return {
    chainId: genesis.chainId,
    orgs: Object.fromEntries(gov.orgs.map((o) => [o.id, o.keys])),
  };
}

/**
 * Checks that a checkpoint belongs to the trusted chain and carries at least `minSignatures`
 * valid signatures of distinct trusted organizations. Signatures of unknown orgs are ignored.
 * @throws ERR_LEDGER_BAD_CHECKPOINT
 */
export function verifySignedCheckpoint(
  scp: SignedCheckpoint,
  trust: TrustAnchor,
  minSignatures = 1,
): Checkpoint {
  const cp = scp.checkpoint;
  if (cp.chainId !== trust.chainId)
    throw new AppError(
      'ERR_LEDGER_BAD_CHECKPOINT',
      `checkpoint is for chain "${cp.chainId}", expected "${trust.chainId}"`,
    );
  const good = new Set<string>();
  for (const s of scp.signatures) {
    const keys = trust.orgs[s.org] ?? [];
    if (!keys.includes(s.key)) continue;
    if (verifyCheckpointSignature(cp, s, decodeMultikey(s.key))) good.add(s.org);
  }
  if (good.size < minSignatures) {
    throw new AppError(
      'ERR_LEDGER_BAD_CHECKPOINT',
      `checkpoint ${cp.height} has ${good.size} valid trusted signature(s), ${minSignatures} required`,
    );
  }
  return cp;
}

/**
 * Checks that `next` extends `last` (an RFC 6962 consistency proof from last.logSize to
 * next.logSize); a fork or a rewritten history fails.
 * @throws ERR_LEDGER_INCONSISTENT
 */
export function verifyCheckpointConsistency(
  last: Checkpoint,
  next: Checkpoint,
  proof: readonly string[],
): void {
  try {
    if (next.height < last.height)
      throw new AppError(
        'ERR_LEDGER_BAD_PROOF',
        `checkpoint height went back from ${last.height} to ${next.height}`,
      );
    if (next.height === last.height && next.blockHash !== last.blockHash)
      throw new AppError('ERR_LEDGER_BAD_PROOF', `two different blocks at height ${next.height}`);
    checkConsistency(
      last.logSize,
      next.logSize,
      proof.map(fromHex),
      fromHex(last.logRoot),
      fromHex(next.logRoot),
    );
  } catch (err) {
    if (!isAppError(err)) throw err;
    throw new AppError(
      'ERR_LEDGER_INCONSISTENT',
      `checkpoint ${next.height} is not consistent with checkpoint ${last.height}: ${err.message}`,
      { cause: err },
    );
  }
}

/**
 * Checks a transaction answer: the id is the hash of the canonical bytes, and the RFC 6962
 * inclusion proof leads from its leaf to the checkpoint's log root.
 * @throws ERR_LEDGER_BAD_PROOF
 */
export function verifyTxInclusion(
  answer: {
    id: string;
    tx: unknown;
    logIndex: number;
    inclusion: { leafIndex: number; logSize: number; hashes: readonly string[] };
  },
  checkpoint: Checkpoint,
): Tx {
  const tx = decodeTx(answer.tx);
  if (tx.id !== answer.id)
    throw new AppError('ERR_LEDGER_BAD_PROOF', `transaction hashes to ${tx.id}, not ${answer.id}`);
  const { leafIndex, logSize, hashes } = answer.inclusion;
  if (leafIndex !== answer.logIndex || logSize !== checkpoint.logSize) {
    throw new AppError(
      'ERR_LEDGER_BAD_PROOF',
      `inclusion proof is for index ${leafIndex} in size ${logSize}, expected ${answer.logIndex} in ${checkpoint.logSize}`,
    );
  }
  checkInclusion(
    leafIndex,
    logSize,
    hashLeaf(tx.bytes),
    hashes.map(fromHex),
    fromHex(checkpoint.logRoot),
  );
  return tx;
}

/**
 * Checks a state answer: the sparse-Merkle proof is for `key`, verifies against the
 * checkpoint's state root, and the returned value is the proven one.
 * @throws ERR_LEDGER_BAD_PROOF
 */
export function verifyStateAnswer(
  key: string,
  answer: { value: unknown; proof: StateProof },
  checkpoint: Checkpoint,
): unknown {
  const { proof } = answer;
  if (proof.key !== key)
    throw new AppError(
      'ERR_LEDGER_BAD_PROOF',
      `proof is for key ${JSON.stringify(proof.key)}, asked ${JSON.stringify(key)}`,
    );
  checkStateProof(proof, fromHex(checkpoint.stateRoot));
  const proven = proof.value === null ? null : (JSON.parse(proof.value) as unknown);
  if (canonicalize(proven) !== canonicalize(answer.value ?? null)) {
    throw new AppError('ERR_LEDGER_BAD_PROOF', 'the returned value is not the proven value');
  }
  return proven;
}

/** Hex SHA-256 of a genesis document's canonical JSON (as the node computes it). */
export function hashGenesis(genesis: unknown): string {
  return toHex(sha256(new TextEncoder().encode(canonicalize(genesis))));
}
