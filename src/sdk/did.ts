import { canonicalize, fromHex } from '../crypto/index.ts';
import {
  checkVersionSelection,
  DID_ERROR_BASE,
  DID_KEYS,
  dereferenceDocument,
  dereferenceOf,
  ERROR_TYPE_OF_CODE,
  MEDIA,
  parseRdid,
  renderDocument,
  renderResolution,
  resolveDidKey,
  resolveOptionsOf,
  type Dereferenced,
  type DereferencingResult,
  type DidDocument,
  type DidRecord,
  type ResolutionResult,
  type ResolveOptions,
  type ResultMetadata,
} from '../did/index.ts';
import { AppError, isAppError } from '../errors.ts';
import {
  checkStateProof,
  type Checkpoint,
  type SignedCheckpoint,
  type StateProof,
} from '../ledger/index.ts';

/** A DID resolution a light client has verified. */
export interface VerifiedResolution {
  readonly didDocument: DidDocument;
  readonly didDocumentMetadata: Record<string, unknown>;
  /** The checkpoint the ledger proofs were checked against (undefined for did:key). */
  readonly checkpoint: Checkpoint | undefined;
}

/** A DID URL dereferencing a light client has verified. */
export interface VerifiedDereference {
  /**
   * What the DID URL names, in the JSON-LD representation: the DID document (for `service`, with
   * only the selected service), or the verification method or service of a fragment.
   */
  readonly content: Dereferenced['content'];
  /** The DID document metadata of the document the content comes from. */
  readonly contentMetadata: Record<string, unknown>;
  /** For `service`: the selected service endpoint URL, `relativeRef` and the fragment applied. */
  readonly serviceEndpoint?: string;
  /** The checkpoint the ledger proofs were checked against (undefined for did:key). */
  readonly checkpoint: Checkpoint | undefined;
}

const NOT_FOUND = `${DID_ERROR_BASE}NOT_FOUND`;

function badProof(message: string, cause?: unknown): never {
  throw new AppError('ERR_DID_BAD_PROOF', message, cause === undefined ? {} : { cause });
}

/** `GET /1.0/identifiers/{did-url}` with the options as the query. */
export function identifierPath(didUrl: string, options: ResolveOptions): string {
  const query = new URLSearchParams(
    Object.entries(options).filter((e): e is [string, string] => e[1] !== undefined),
  ).toString();
  return `/1.0/identifiers/${encodeURIComponent(didUrl)}${query === '' ? '' : `?${query}`}`;
}

/**
 * The ledger proof a resolver attached to a did:rdid result: the one item of the metadata's
 * `proof` set.
 * @throws ERR_DID_BAD_PROOF when there is none, or it is malformed
 */
export function proofOf(metadata: ResultMetadata | undefined): {
  checkpoint: SignedCheckpoint;
  stateProofs: StateProof[];
} {
  const proofs = metadata?.proof;
  const proof = (Array.isArray(proofs) && proofs.length === 1 ? proofs[0] : undefined) as
    { checkpoint?: SignedCheckpoint; stateProofs?: StateProof[] } | undefined;
  if (
    proof?.checkpoint === undefined ||
    !Array.isArray(proof.stateProofs) ||
    proof.stateProofs.length === 0 ||
    proof.stateProofs.length > 2
  ) {
    badProof('the result carries no ledger proof');
  }
  return { checkpoint: proof.checkpoint, stateProofs: proof.stateProofs };
}

/** Did the resolver answer something its proof should back (a success, or NOT_FOUND with a proof)? */
export function isProvenAnswer(status: number, metadata: ResultMetadata | undefined): boolean {
  return (
    status === 200 ||
    status === 410 ||
    (status === 404 && metadata?.error?.type === NOT_FOUND && metadata.proof !== undefined)
  );
}

/**
 * The records the state proofs of an answer establish for `did` (the one resolved and its
 * successor, if any), checked against a checkpoint the caller verified: each proof verifies, the
 * records are the DID's under the right keys, and they are the version the options select.
 * @throws ERR_DID_BAD_PROOF; ERR_DID_NOT_FOUND when the answer claims (`claimsAbsence`) and proves the DID's absence
 */
function provenRecords(
  did: string,
  options: ResolveOptions,
  stateProofs: readonly StateProof[],
  checkpoint: Checkpoint,
  claimsAbsence: boolean,
): { record: DidRecord; next: DidRecord | undefined } {
  const id = parseRdid(did);
  const root = fromHex(checkpoint.stateRoot);
  for (const p of stateProofs) {
    try {
      checkStateProof(p, root);
    } catch (err) {
      badProof(
        `state proof of ${JSON.stringify(p.key)} does not verify: ${(err as Error).message}`,
        err,
      );
    }
  }
  const [first, second] = stateProofs as [StateProof, StateProof | undefined];
  const currentKey = DID_KEYS.current(id);
  // A proven absence of the DID answers every request, whatever version or time it asked for.
  if (claimsAbsence) {
    if (first.key !== currentKey || first.value !== null || second !== undefined)
      badProof('NOT_FOUND is not backed by a proof of absence');
    throw new AppError(
      'ERR_DID_NOT_FOUND',
      `${did} is proven absent at checkpoint ${checkpoint.height}`,
    );
  }
  if (first.value === null) badProof(`the proof shows ${first.key} absent`);
  const record = JSON.parse(first.value) as DidRecord;
  const next = second?.value == null ? undefined : (JSON.parse(second.value) as DidRecord);
  if (second !== undefined && next === undefined)
    badProof('the next-version proof shows no record');
  if (record.did !== did) badProof(`the proven record is for ${record.did}`);
  if (
    next === undefined
      ? first.key !== currentKey
      : first.key !== DID_KEYS.version(id, record.version)
  )
    badProof(`record proven under the wrong key ${first.key}`);
  if (
    second !== undefined &&
    second.key !== currentKey &&
    second.key !== DID_KEYS.version(id, record.version + 1)
  )
    badProof(`next record proven under the wrong key ${second.key}`);
  checkVersionSelection(record, next, options);
  return { record, next };
}

/** Is the content rendered with `@context`? From the metadata's contentType. @throws ERR_DID_BAD_PROOF */
function isLd(contentType: string | undefined): boolean {
  if (contentType === undefined || contentType === MEDIA.didLdJson) return true;
  if (contentType === MEDIA.didJson) return false;
  return badProof(`unknown contentType ${JSON.stringify(contentType)}`);
}

/**
 * Checks a did:rdid resolution result against a checkpoint the caller already verified: each
 * state proof verifies against its state root, the proven records are the ones the request
 * selects (by version or time), and the returned document and metadata are exactly what those
 * records render to. A NOT_FOUND result must carry a proof of absence.
 * @throws ERR_DID_BAD_PROOF for any mismatch; ERR_DID_NOT_FOUND for a proven absence
 */
export function verifyRdidResolution(
  didUrl: string,
  options: ResolveOptions,
  result: ResolutionResult,
  checkpoint: Checkpoint,
): VerifiedResolution {
  const { did, options: opts } = resolveOptionsOf(didUrl, options);
  const metadata = result.didResolutionMetadata;
  const { stateProofs } = proofOf(metadata);
  const { record, next } = provenRecords(
    did,
    opts,
    stateProofs,
    checkpoint,
    metadata.error?.type === NOT_FOUND,
  );
  if (metadata.error !== undefined)
    badProof(`an error result (${String(metadata.error.type)}) for a proven record`);
  const expected = renderResolution({ record, next }, isLd(metadata.contentType));
  if (canonicalize(expected.didDocument) !== canonicalize(result.didDocument))
    badProof('the returned DID document differs from the proven record');
  if (canonicalize(expected.didDocumentMetadata) !== canonicalize(result.didDocumentMetadata))
    badProof('the returned document metadata differs from the proven record');
  return { ...expected, checkpoint };
}

/**
 * Checks a did:rdid DID URL dereferencing result against a checkpoint the caller already
 * verified, as {@link verifyRdidResolution} does, and then that the content is exactly what the
 * DID URL names in the proven document (DID Resolution §5.4). A NOT_FOUND result must prove the
 * DID's absence, or prove the document that lacks the fragment or service.
 * @throws ERR_DID_BAD_PROOF for any mismatch; ERR_DID_NOT_FOUND or ERR_DID_RESOURCE_NOT_FOUND, proven
 */
export function verifyRdidDereference(
  didUrl: string,
  options: ResolveOptions,
  result: DereferencingResult,
  checkpoint: Checkpoint,
): VerifiedDereference {
  const target = dereferenceOf(didUrl, options as Record<string, string>);
  const metadata = result.dereferencingMetadata;
  const { stateProofs } = proofOf(metadata);
  const notFound = metadata.error?.type === NOT_FOUND;
  const claimsAbsence = notFound && stateProofs.length === 1 && stateProofs[0]!.value === null;
  const { record, next } = provenRecords(
    target.did,
    target.options,
    stateProofs,
    checkpoint,
    claimsAbsence,
  );
  if (metadata.error !== undefined && !notFound)
    badProof(`an error result (${String(metadata.error.type)}) for a proven record`);
  const ld = isLd(metadata.contentType);
  let expected: Dereferenced;
  try {
    expected = dereferenceDocument(renderDocument(record, ld), target, ld);
  } catch (err) {
    // The proven document lacks the resource: only a NOT_FOUND answer is right.
    if (isAppError(err, 'ERR_DID_RESOURCE_NOT_FOUND') && notFound) throw err;
    if (isAppError(err, 'ERR_DID_RESOURCE_NOT_FOUND'))
      badProof(
        `the answer gives a resource the proven document does not have: ${err.message}`,
        err,
      );
    throw err;
  }
  if (notFound) badProof('NOT_FOUND for a resource the proven document has');
  const contentMetadata = renderResolution({ record, next }, ld).didDocumentMetadata;
  if (canonicalize(expected.content) !== canonicalize(result.content))
    badProof('the returned content differs from what the DID URL names in the proven record');
  if (canonicalize(contentMetadata) !== canonicalize(result.contentMetadata))
    badProof('the returned content metadata differs from the proven record');
  return {
    content: expected.content,
    contentMetadata,
    ...(expected.serviceEndpoint === undefined
      ? {}
      : { serviceEndpoint: expected.serviceEndpoint }),
    checkpoint,
  };
}

/** did:key needs no ledger: the document is computed locally. */
export function resolveDidKeyLocally(did: string): VerifiedResolution {
  return { didDocument: resolveDidKey(did, true), didDocumentMetadata: {}, checkpoint: undefined };
}

/**
 * Dereferences a did:key DID URL locally (its document is computed from the key).
 * @throws ERR_DID_INVALID, ERR_DID_INVALID_URL, ERR_DID_FEATURE_NOT_SUPPORTED (a version),
 *   ERR_DID_RESOURCE_NOT_FOUND
 */
export function dereferenceDidKeyLocally(
  didUrl: string,
  options: ResolveOptions = {},
): VerifiedDereference {
  const target = dereferenceOf(didUrl, options as Record<string, string>);
  if (target.options.versionId !== undefined || target.options.versionTime !== undefined)
    throw new AppError('ERR_DID_FEATURE_NOT_SUPPORTED', 'did:key has no versions');
  const found = dereferenceDocument(resolveDidKey(target.did, true), target, true);
  return {
    content: found.content,
    contentMetadata: {},
    ...(found.serviceEndpoint === undefined ? {} : { serviceEndpoint: found.serviceEndpoint }),
    checkpoint: undefined,
  };
}

/**
 * Maps a failed result (without a proof to check) to its realdid error, by the error's `code`
 * (realdid resolvers send one; anything else is ERR_SDK_HTTP). A claim that the DID or the
 * resource does not exist must be proven: without a proof it is ERR_DID_BAD_PROOF.
 */
export function resolutionError(status: number, metadata: ResultMetadata | undefined): AppError {
  const error = metadata?.error;
  const message = typeof error?.detail === 'string' ? error.detail : `resolver answered ${status}`;
  const code = error?.code;
  if (code === 'ERR_DID_NOT_FOUND' || code === 'ERR_DID_RESOURCE_NOT_FOUND')
    return new AppError(
      'ERR_DID_BAD_PROOF',
      `the resolver claims NOT_FOUND without a proof: ${message}`,
    );
  if (typeof code === 'string' && Object.hasOwn(ERROR_TYPE_OF_CODE, code))
    return new AppError(code as `ERR_${string}`, message);
  return new AppError(
    'ERR_SDK_HTTP',
    typeof error?.type === 'string' ? `${error.type}: ${message}` : message,
  );
}
