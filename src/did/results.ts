/**
 * What the DID resolver answers: the registered media types, the DID resolution result and the
 * DID URL dereferencing result (W3C DID Resolution §9, §10) as JSON text, and the RFC 9457
 * problem details of a failure (§11). Shared by the resolver (`resolveForHttp`), its read model
 * (`DidViewCache`, which must write the same bytes) and the SDK light client.
 */
import type { AppError } from '../errors.ts';

/**
 * Media types, exactly as registered: none of them has a `charset` parameter (DID Core §6,
 * DID Resolution §9, §10), and the answers carry none.
 */
export const MEDIA = {
  resolution: 'application/did-resolution',
  resolutionLd: 'application/ld+json;profile="https://w3id.org/did-resolution"',
  dereferencing: 'application/did-url-dereferencing',
  didJson: 'application/did+json',
  didLdJson: 'application/did+ld+json',
  uriList: 'text/uri-list',
} as const;

export const RESOLUTION_CONTEXT = 'https://w3id.org/did-resolution/v1';

/** The prefix of every registered DID Resolution error type (DID Resolution §11). */
export const DID_ERROR_BASE = 'https://www.w3.org/ns/did#';

/** The error types of DID Resolution §11 this resolver raises, with their titles and HTTP statuses (§12.1). */
export const DID_ERROR_TYPES = {
  INVALID_DID: { title: 'Invalid DID', status: 400 },
  INVALID_DID_URL: { title: 'Invalid DID URL', status: 400 },
  INVALID_OPTIONS: { title: 'Invalid options', status: 400 },
  NOT_FOUND: { title: 'Not found', status: 404 },
  REPRESENTATION_NOT_SUPPORTED: { title: 'Representation not supported', status: 406 },
  METHOD_NOT_SUPPORTED: { title: 'DID method not supported', status: 501 },
  FEATURE_NOT_SUPPORTED: { title: 'Feature not supported', status: 501 },
  INTERNAL_ERROR: { title: 'Internal error', status: 500 },
} as const;
export type DidErrorType = keyof typeof DID_ERROR_TYPES;

/** realdid error codes and the DID Resolution error type each is reported as; anything else is INTERNAL_ERROR. */
export const ERROR_TYPE_OF_CODE: Readonly<Record<string, DidErrorType>> = {
  ERR_DID_INVALID: 'INVALID_DID',
  ERR_DID_INVALID_URL: 'INVALID_DID_URL',
  ERR_DID_INVALID_OPTIONS: 'INVALID_OPTIONS',
  ERR_DID_NOT_FOUND: 'NOT_FOUND',
  ERR_DID_VERSION_NOT_FOUND: 'NOT_FOUND',
  ERR_DID_RESOURCE_NOT_FOUND: 'NOT_FOUND',
  ERR_DID_REPRESENTATION_NOT_SUPPORTED: 'REPRESENTATION_NOT_SUPPORTED',
  ERR_DID_METHOD_NOT_SUPPORTED: 'METHOD_NOT_SUPPORTED',
  ERR_DID_FEATURE_NOT_SUPPORTED: 'FEATURE_NOT_SUPPORTED',
};

/**
 * `didResolutionMetadata.error` / `dereferencingMetadata.error`: an RFC 9457 problem details
 * object. `code`, an extension member (RFC 9457 §3.2), is the realdid error code.
 */
export interface ProblemDetails {
  readonly type: string;
  readonly title: string;
  readonly detail: string;
  readonly code?: string;
}

/** The metadata of a result: `contentType` and `proof` on success, `error` (and maybe `proof`) on failure. */
export interface ResultMetadata {
  readonly contentType?: string;
  readonly error?: ProblemDetails;
  /** A set of proofs (DID Resolution §4.2); did:rdid puts one ledger proof in it. */
  readonly proof?: readonly unknown[];
  readonly [property: string]: unknown;
}

/** A DID resolution result (DID Resolution §9), as served with `application/did-resolution`. */
export interface ResolutionResult {
  readonly '@context': string;
  readonly didDocument: Record<string, unknown> | null;
  readonly didResolutionMetadata: ResultMetadata;
  readonly didDocumentMetadata: Record<string, unknown>;
}

/** A DID URL dereferencing result (DID Resolution §10), as served with `application/did-url-dereferencing`. */
export interface DereferencingResult {
  readonly content: unknown;
  readonly dereferencingMetadata: ResultMetadata;
  readonly contentMetadata: Record<string, unknown>;
}

/** Which result a JSON answer is. */
export type ResultForm = 'resolution' | 'dereferencing';

/** The fixed text around the three members of each result (the read model writes them too). */
export const RESULT_TEXT: Readonly<
  Record<ResultForm, { readonly head: string; readonly metadata: string; readonly tail: string }>
> = {
  resolution: {
    head: `{"@context":${JSON.stringify(RESOLUTION_CONTEXT)},"didDocument":`,
    metadata: ',"didResolutionMetadata":',
    tail: ',"didDocumentMetadata":',
  },
  dereferencing: {
    head: '{"content":',
    metadata: ',"dereferencingMetadata":',
    tail: ',"contentMetadata":',
  },
};

/** A result as JSON text, from the JSON texts of its content, metadata and content metadata. */
export function resultJson(
  form: ResultForm,
  contentJson: string,
  metadataJson: string,
  contentMetadataJson: string,
): string {
  const t = RESULT_TEXT[form];
  return `${t.head}${contentJson}${t.metadata}${metadataJson}${t.tail}${contentMetadataJson}}`;
}

/** `{"contentType":…,"proof":[…]}` of a success; `proofJson` is one proof's JSON object text. */
export function successMetadataJson(contentType: string, proofJson?: string): string {
  return proofJson === undefined
    ? `{"contentType":"${contentType}"}`
    : `{"contentType":"${contentType}","proof":[${proofJson}]}`;
}

/** The problem details of a failure and its HTTP status; no error (an unexpected failure) is INTERNAL_ERROR. */
export function problemOf(err: AppError | undefined): { problem: ProblemDetails; status: number } {
  const name = (err === undefined ? undefined : ERROR_TYPE_OF_CODE[err.code]) ?? 'INTERNAL_ERROR';
  const { title, status } = DID_ERROR_TYPES[name];
  const detail =
    err?.message ?? 'an unexpected error occurred in the resolver; the node log has its details';
  return {
    problem: {
      type: `${DID_ERROR_BASE}${name}`,
      title,
      detail,
      ...(err === undefined ? {} : { code: err.code }),
    },
    status,
  };
}

/** `{"error":{…},"proof":[…]}` of a failure. */
export function errorMetadataJson(problem: ProblemDetails, proofJson?: string): string {
  const error = `{"error":${JSON.stringify(problem)}`;
  return proofJson === undefined ? `${error}}` : `${error},"proof":[${proofJson}]}`;
}
