import { canonicalize, fromHex } from '../crypto/index.ts';
import {
  checkVersionSelection,
  DID_KEYS,
  MEDIA,
  parseRdid,
  renderResolution,
  resolveDidKey,
  resolveOptionsOf,
  type DidDocument,
  type DidRecord,
  type ResolutionResult,
  type ResolveOptions,
} from '../did/index.ts';
import { AppError } from '../errors.ts';
import { checkStateProof, type Checkpoint, type SignedCheckpoint, type StateProof } from '../ledger/index.ts';

/** A DID resolution a light client has verified. */
export interface VerifiedResolution {
  readonly didDocument: DidDocument;
  readonly didDocumentMetadata: Record<string, unknown>;
  /** The checkpoint the ledger proofs were checked against (undefined for did:key). */
  readonly checkpoint: Checkpoint | undefined;
}

function badProof(message: string, cause?: unknown): never {
  throw new AppError('ERR_DID_BAD_PROOF', message, cause === undefined ? {} : { cause });
}

/** The ledger proof a resolver attached to a did:rdid result. */
export function proofOf(result: ResolutionResult): { checkpoint: SignedCheckpoint; stateProofs: StateProof[] } {
  const proof = result.didResolutionMetadata?.proof as { checkpoint?: SignedCheckpoint; stateProofs?: StateProof[] } | undefined;
  if (proof?.checkpoint === undefined || !Array.isArray(proof.stateProofs) || proof.stateProofs.length === 0 || proof.stateProofs.length > 2) {
    badProof('the resolution result carries no ledger proof');
  }
  return { checkpoint: proof.checkpoint, stateProofs: proof.stateProofs };
}

/**
 * Checks a did:rdid resolution result against a checkpoint the caller already verified: each
 * state proof verifies against its state root, the proven records are the ones the request
 * selects (by version or time), and the returned document and metadata are exactly what those
 * records render to. A notFound result must carry a proof of absence.
 * @throws ERR_DID_BAD_PROOF for any mismatch; ERR_DID_NOT_FOUND for a proven absence
 */
export function verifyRdidResolution(didUrl: string, options: ResolveOptions, result: ResolutionResult, checkpoint: Checkpoint): VerifiedResolution {
  const { did, options: opts } = resolveOptionsOf(didUrl, options);
  const id = parseRdid(did);
  const { stateProofs } = proofOf(result);
  const root = fromHex(checkpoint.stateRoot);
  for (const p of stateProofs) {
    try {
      checkStateProof(p, root);
    } catch (err) {
      badProof(`state proof of ${JSON.stringify(p.key)} does not verify: ${(err as Error).message}`, err);
    }
  }
  const [first, second] = stateProofs as [StateProof, StateProof | undefined];
  // A proven absence of the DID answers every request, whatever version or time it asked for.
  if (result.didResolutionMetadata.error === 'notFound') {
    if (first.key !== DID_KEYS.current(id) || first.value !== null || second !== undefined) badProof('notFound is not backed by a proof of absence');
    throw new AppError('ERR_DID_NOT_FOUND', `${did} is proven absent at checkpoint ${checkpoint.height}`);
  }
  if (first.value === null) badProof(`the proof shows ${first.key} absent`);
  const record = JSON.parse(first.value) as DidRecord;
  const next = second?.value == null ? undefined : (JSON.parse(second.value) as DidRecord);
  if (second !== undefined && next === undefined) badProof('the next-version proof shows no record');
  const currentKey = DID_KEYS.current(id);
  if (record.did !== did) badProof(`the proven record is for ${record.did}`);
  if (next === undefined ? first.key !== currentKey : first.key !== DID_KEYS.version(id, record.version)) badProof(`record proven under the wrong key ${first.key}`);
  if (second !== undefined && second.key !== currentKey && second.key !== DID_KEYS.version(id, record.version + 1)) badProof(`next record proven under the wrong key ${second.key}`);
  checkVersionSelection(record, next, opts);
  const ld = (result.didResolutionMetadata.contentType ?? MEDIA.didLdJson) === MEDIA.didLdJson;
  const expected = renderResolution({ record, next }, ld);
  if (canonicalize(expected.didDocument) !== canonicalize(result.didDocument)) badProof('the returned DID document differs from the proven record');
  if (canonicalize(expected.didDocumentMetadata) !== canonicalize(result.didDocumentMetadata)) badProof('the returned document metadata differs from the proven record');
  return { ...expected, checkpoint };
}

/** did:key needs no ledger: the document is computed locally. */
export function resolveDidKeyLocally(did: string): VerifiedResolution {
  return { didDocument: resolveDidKey(did, true), didDocumentMetadata: {}, checkpoint: undefined };
}

/** Maps a failed resolution result to its realdid error. */
export function resolutionError(status: number, result: ResolutionResult | undefined): AppError {
  const details = result?.didResolutionMetadata?.problemDetails as { code?: string; detail?: string } | undefined;
  const message = details?.detail ?? `resolver answered ${status}`;
  const code = details?.code;
  if (code !== undefined && (code === 'ERR_DID_INVALID' || code === 'ERR_DID_NOT_FOUND' || code === 'ERR_DID_VERSION_NOT_FOUND' || code === 'ERR_DID_METHOD_NOT_SUPPORTED' || code === 'ERR_DID_REPRESENTATION_NOT_SUPPORTED')) {
    return new AppError(code, message);
  }
  return new AppError('ERR_SDK_HTTP', message);
}
