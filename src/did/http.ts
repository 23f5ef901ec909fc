import { AppError, isAppError } from '../errors.ts';
import type { StateReader } from '../ledger/index.ts';
import {
  dereferenceDocument,
  dereferenceOf,
  namesResource,
  type DereferenceTarget,
} from './dereference.ts';
import { documentMetadataJson, renderDocumentJson, type DidDocument } from './document.ts';
import { resolveDidKey, resolveRdid, type RdidResolution } from './resolve.ts';
import {
  errorMetadataJson,
  MEDIA,
  problemOf,
  resultJson,
  successMetadataJson,
  type ResultForm,
} from './results.ts';
import { DID_KEYS } from './state.ts';
import { parseRdid, RDID_METHOD } from './syntax.ts';

/** What the client asked for, from its Accept header. */
export type Representation =
  'resolution' | 'resolution-ld' | 'dereferencing' | 'did+json' | 'did+ld+json' | 'uri-list';

/**
 * The representations offered for a DID, a DID URL naming a verification method or service (a
 * fragment, a path) and a DID URL naming a service endpoint (`service`); the first answers no
 * Accept, `*\/*` and `application/*`.
 */
export const OFFERS = {
  did: ['resolution', 'resolution-ld', 'dereferencing', 'did+ld+json', 'did+json'],
  resource: ['dereferencing', 'did+ld+json', 'did+json'],
  service: ['dereferencing', 'did+ld+json', 'did+json', 'uri-list'],
} as const satisfies Record<string, readonly Representation[]>;

/** Is this representation a full resolution result (which carries the ledger proof)? */
export function isResolutionResult(r: Representation): boolean {
  return r === 'resolution' || r === 'resolution-ld';
}

const CONTENT_TYPES: Readonly<Record<Representation, string>> = {
  resolution: MEDIA.resolution,
  'resolution-ld': MEDIA.resolutionLd,
  dereferencing: MEDIA.dereferencing,
  'did+json': MEDIA.didJson,
  'did+ld+json': MEDIA.didLdJson,
  'uri-list': MEDIA.uriList,
};

/** The representation a media range names (`any` for a wildcard). */
function representationOf(
  type: string,
  profile: string | undefined,
): Representation | 'any' | undefined {
  switch (type) {
    case '*/*':
    case 'application/*':
      return 'any';
    case MEDIA.resolution:
      return 'resolution';
    case 'application/ld+json':
      return profile?.includes('did-resolution') === true ? 'resolution-ld' : undefined;
    case MEDIA.dereferencing:
      return 'dereferencing';
    case MEDIA.didLdJson:
      return 'did+ld+json';
    case MEDIA.didJson:
    case 'application/json':
      return 'did+json';
    case MEDIA.uriList:
      return 'uri-list';
    default:
      return undefined;
  }
}

/**
 * Picks the representation for an Accept header among `offers` (highest q first, q=0
 * excluded): for a DID the resolution result by default, or a bare document for
 * `application/did+json` / `application/did+ld+json` (and `application/json`).
 * @returns undefined when nothing acceptable is offered (406)
 */
export function negotiate(
  accept: string | undefined,
  offers: readonly Representation[] = OFFERS.did,
): Representation | undefined {
  if (accept === undefined || accept.trim() === '') return offers[0];
  const ranges = accept
    .split(',')
    .map((r) => {
      const [type = '', ...params] = r.split(';').map((s) => s.trim().toLowerCase());
      const q = params.find((p) => p.startsWith('q='));
      const profile = params.find((p) => p.startsWith('profile='));
      return { type, q: q === undefined ? 1 : Number(q.slice(2)), profile };
    })
    .filter((r) => r.q > 0)
    .sort((a, b) => b.q - a.q);
  for (const r of ranges) {
    const representation = representationOf(r.type, r.profile);
    if (representation === 'any') return offers[0];
    if (representation !== undefined && offers.includes(representation)) return representation;
  }
  return undefined;
}

/**
 * Writes the ledger proof of state keys and the values the resolver read (`null`: absent) as
 * one JSON object, the item of `proof` in the result metadata. Supplied by the node, which holds
 * the proofs.
 */
export type ProofWriter = (keys: readonly string[], values: readonly (string | null)[]) => string;

/** An HTTP answer of the resolver: status, content type and body (and `Location` for a 303). */
export interface ResolverAnswer {
  readonly status: number;
  /** The Content-Type, exactly (no parameter added); undefined when the body is empty. */
  readonly contentType: string | undefined;
  /** What was answered (errors are always full results). */
  readonly representation: Representation;
  /** The response body, JSON text ('' for a 303 or a gone service endpoint). */
  readonly body: string;
  /** The `Location` of a 303 (a service endpoint URL). */
  readonly location?: string;
}

/**
 * The form of error results for a request: dereferencing for a DID URL that names a resource,
 * or when the client asks for it; else (also when the input does not parse) resolution.
 */
function errorFormOf(
  accept: string | undefined,
  target: DereferenceTarget | undefined,
): ResultForm {
  if (target !== undefined && namesResource(target)) return 'dereferencing';
  return negotiate(accept, ['resolution', 'dereferencing']) === 'dereferencing'
    ? 'dereferencing'
    : 'resolution';
}

function errorAnswer(
  err: AppError | undefined,
  form: ResultForm,
  proofJson?: string,
): ResolverAnswer {
  const { problem, status } = problemOf(err);
  const body = resultJson(form, 'null', errorMetadataJson(problem, proofJson), '{}');
  const representation = form === 'resolution' ? 'resolution' : 'dereferencing';
  return { status, contentType: CONTENT_TYPES[representation], representation, body };
}

/** A resolved document: its record (did:rdid) or did:key document, metadata and proof. */
interface Resolved {
  readonly documentJson: (ld: boolean) => string;
  readonly metadataJson: string;
  readonly deactivated: boolean;
  /** The ledger proof of the records read, written on demand (bare answers carry none). */
  readonly proofJson: () => string | undefined;
}

/**
 * Resolves the DID of `t` for dereferencing.
 * @throws the resolution errors; ERR_DID_NOT_FOUND carries `proofJson`, the proof of absence
 */
function resolveTarget(
  state: StateReader,
  t: DereferenceTarget,
  writeProof: ProofWriter | undefined,
): Resolved {
  if (t.method === 'key') {
    if (t.options.versionId !== undefined || t.options.versionTime !== undefined)
      throw new AppError('ERR_DID_FEATURE_NOT_SUPPORTED', 'did:key has no versions');
    return {
      documentJson: (ld) => JSON.stringify(resolveDidKey(t.did, ld)),
      metadataJson: '{}',
      deactivated: false,
      proofJson: () => undefined,
    };
  }
  if (t.method !== RDID_METHOD)
    throw new AppError(
      'ERR_DID_METHOD_NOT_SUPPORTED',
      `did:${t.method} is not supported; this resolver knows did:rdid and did:key`,
    );
  let r: RdidResolution;
  try {
    r = resolveRdid(state, t.did, t.options);
  } catch (err) {
    // A proof of absence backs a notFound answer.
    if (isAppError(err, 'ERR_DID_NOT_FOUND'))
      throw new ProvenError(err, writeProof?.([DID_KEYS.current(parseRdid(t.did))], [null]));
    throw err;
  }
  return {
    documentJson: (ld) => renderDocumentJson(r.record, ld),
    metadataJson: documentMetadataJson(r.record, r.next),
    deactivated: r.record.deactivated,
    proofJson: () => writeProof?.(r.stateKeys, r.stateValues),
  };
}

/** A failure whose answer carries a ledger proof (of the DID's absence, or of the records without the resource). */
class ProvenError extends Error {
  readonly error: AppError;
  readonly proofJson: string | undefined;
  constructor(error: AppError, proofJson: string | undefined) {
    super(error.message, { cause: error });
    this.error = error;
    this.proofJson = proofJson;
  }
}

/** The answer for a resolved DID or DID URL in the negotiated representation. */
function answerOf(
  t: DereferenceTarget,
  representation: Representation,
  d: Resolved,
): ResolverAnswer {
  const status = d.deactivated ? 410 : 200;
  const contentType = CONTENT_TYPES[representation];
  if (isResolutionResult(representation)) {
    const body = resultJson(
      'resolution',
      d.documentJson(true),
      successMetadataJson(MEDIA.didLdJson, d.proofJson()),
      d.metadataJson,
    );
    return { status, contentType, representation, body };
  }
  const ld = representation !== 'did+json';
  let contentJson: string;
  let endpoint: string | undefined;
  if (namesResource(t)) {
    let found;
    try {
      found = dereferenceDocument(JSON.parse(d.documentJson(ld)) as DidDocument, t, ld);
    } catch (err) {
      // The proof of the records shows the resource is not there.
      if (isAppError(err, 'ERR_DID_RESOURCE_NOT_FOUND')) throw new ProvenError(err, d.proofJson());
      throw err;
    }
    contentJson = JSON.stringify(found.content);
    endpoint = found.serviceEndpoint;
  } else {
    contentJson = d.documentJson(ld);
  }
  if (representation === 'uri-list') {
    // DID Resolution §12.1: 303 to the service endpoint, with an empty body; a deactivated DID's services are gone.
    return d.deactivated || endpoint === undefined
      ? { status: 410, contentType: undefined, representation, body: '' }
      : { status: 303, contentType: undefined, representation, body: '', location: endpoint };
  }
  if (representation !== 'dereferencing')
    return { status, contentType, representation, body: contentJson };
  return {
    status,
    contentType,
    representation,
    body: resultJson(
      'dereferencing',
      contentJson,
      successMetadataJson(MEDIA.didLdJson, d.proofJson()),
      d.metadataJson,
    ),
  };
}

/**
 * Resolves a DID or dereferences a DID URL for the HTTP(S) binding of DID Resolution §12.1
 * (`GET /1.0/identifiers/{did-url}`, the Universal Resolver driver API). A DID answers 200 (410
 * for the final version of a deactivated DID) with a resolution result, a bare document or a
 * dereferencing result; a DID URL with a fragment names a verification method or service, one
 * with `service` (and `relativeRef`) a service endpoint (303 to it for `text/uri-list`).
 * Failures are results whose metadata `error` is an RFC 9457 problem details object (400
 * INVALID_DID, INVALID_DID_URL, INVALID_OPTIONS; 404 NOT_FOUND; 406 REPRESENTATION_NOT_SUPPORTED;
 * 500 INTERNAL_ERROR; 501 METHOD_NOT_SUPPORTED, FEATURE_NOT_SUPPORTED). Pure over ledger state;
 * `writeProof`, when given, adds the ledger proof to did:rdid results (and to NOT_FOUND: a proof
 * of the DID's absence, or of the records that lack the resource).
 * @param onInternalError - when given, an unexpected (non-AppError) failure is handed to it and
 *   answered INTERNAL_ERROR; else it is thrown
 */
export function resolveForHttp(
  state: StateReader,
  didUrl: string,
  accept: string | undefined,
  query: Readonly<Record<string, string>> = {},
  writeProof?: ProofWriter,
  onInternalError?: (err: unknown) => void,
): ResolverAnswer {
  let t: DereferenceTarget | undefined;
  try {
    t = dereferenceOf(didUrl, query);
    const offers =
      t.service !== undefined ? OFFERS.service : namesResource(t) ? OFFERS.resource : OFFERS.did;
    const representation = negotiate(accept, offers);
    if (representation === undefined) {
      throw new AppError(
        'ERR_DID_REPRESENTATION_NOT_SUPPORTED',
        `cannot answer Accept: ${accept}; offer ${offers.map((r) => CONTENT_TYPES[r]).join(', ')}`,
      );
    }
    return answerOf(t, representation, resolveTarget(state, t, writeProof));
  } catch (err) {
    if (err instanceof ProvenError)
      return errorAnswer(err.error, errorFormOf(accept, t), err.proofJson);
    if (isAppError(err)) return errorAnswer(err, errorFormOf(accept, t));
    if (onInternalError === undefined) throw err;
    onInternalError(err);
    return errorAnswer(undefined, errorFormOf(accept, t));
  }
}
