import { AppError, isAppError, type ErrorCode } from '../errors.ts';
import type { StateReader } from '../ledger/index.ts';
import { documentMetadataJson, renderDocumentJson } from './document.ts';
import { resolveDidKey, resolveOptionsOf, resolveRdid, type RdidResolution, type ResolveOptions } from './resolve.ts';
import { DID_KEYS } from './state.ts';
import { parseRdid, RDID_METHOD } from './syntax.ts';

/** Media types of DID resolution (DID Core §6, DID Resolution §7). */
export const MEDIA = {
  resolution: 'application/did-resolution',
  resolutionLd: 'application/ld+json;profile="https://w3id.org/did-resolution"',
  didJson: 'application/did+json',
  didLdJson: 'application/did+ld+json',
} as const;

export const RESOLUTION_CONTEXT = 'https://w3id.org/did-resolution/v1';

/** What the client asked for, from its Accept header. */
export type Representation = 'resolution' | 'resolution-ld' | 'did+json' | 'did+ld+json';

/** Is this representation a full resolution result (which carries the ledger proof)? */
export function isResolutionResult(r: Representation): boolean {
  return r === 'resolution' || r === 'resolution-ld';
}

const CONTENT_TYPES: Readonly<Record<Representation, string>> = {
  resolution: MEDIA.resolution,
  'resolution-ld': MEDIA.resolutionLd,
  'did+json': MEDIA.didJson,
  'did+ld+json': MEDIA.didLdJson,
};

/**
 * Picks the representation for an Accept header: the full resolution result by default, a bare
 * document for `application/did+json` / `application/did+ld+json` (and `application/json`).
 * @returns undefined when nothing acceptable is offered (406)
 */
export function negotiate(accept: string | undefined): Representation | undefined {
  if (accept === undefined || accept.trim() === '') return 'resolution';
  const ranges = accept.split(',').map((r) => {
    const [type = '', ...params] = r.split(';').map((s) => s.trim().toLowerCase());
    const q = params.find((p) => p.startsWith('q='));
    const profile = params.find((p) => p.startsWith('profile='));
    return { type, q: q === undefined ? 1 : Number(q.slice(2)), profile };
  }).filter((r) => r.q > 0).sort((a, b) => b.q - a.q);
  for (const r of ranges) {
    if (r.type === MEDIA.resolution || r.type === '*/*' || r.type === 'application/*') return 'resolution';
    if (r.type === 'application/ld+json' && r.profile?.includes('did-resolution')) return 'resolution-ld';
    if (r.type === MEDIA.didLdJson) return 'did+ld+json';
    if (r.type === MEDIA.didJson || r.type === 'application/json') return 'did+json';
  }
  return undefined;
}

/** DID Resolution error keywords and their HTTP statuses, by realdid error code. */
const RESOLUTION_ERRORS: Partial<Record<ErrorCode, { keyword: string; type: string; status: number }>> = {
  ERR_DID_INVALID: { keyword: 'invalidDid', type: 'INVALID_DID', status: 400 },
  ERR_DID_NOT_FOUND: { keyword: 'notFound', type: 'NOT_FOUND', status: 404 },
  ERR_DID_VERSION_NOT_FOUND: { keyword: 'notFound', type: 'NOT_FOUND', status: 404 },
  ERR_DID_REPRESENTATION_NOT_SUPPORTED: { keyword: 'representationNotSupported', type: 'REPRESENTATION_NOT_SUPPORTED', status: 406 },
  ERR_DID_METHOD_NOT_SUPPORTED: { keyword: 'methodNotSupported', type: 'METHOD_NOT_SUPPORTED', status: 501 },
};

/** A DID resolution result (DID Resolution §4) plus realdid's ledger proof in the metadata. */
export interface ResolutionResult {
  '@context': string;
  didDocument: Record<string, unknown> | null;
  didResolutionMetadata: Record<string, unknown>;
  didDocumentMetadata: Record<string, unknown>;
}

/**
 * Writes the ledger proof of state keys and the values the resolver read (`null`: absent) as
 * JSON text, for `didResolutionMetadata.proof`. Supplied by the node, which holds the proofs.
 */
export type ProofWriter = (keys: readonly string[], values: readonly (string | null)[]) => string;

/** An HTTP answer of the resolver: status, content type and body. */
export interface ResolverAnswer {
  readonly status: number;
  readonly contentType: string;
  /** What was answered (errors are always full resolution results). */
  readonly representation: Representation;
  /** The response body, JSON text. */
  readonly body: string;
}

const CONTEXT_MEMBER = `"@context":${JSON.stringify(RESOLUTION_CONTEXT)}`;

/** A resolution result as JSON text; `metadata` is the didResolutionMetadata object's text. */
function resultJson(documentJson: string, metadata: string, documentMetadataJson: string): string {
  return `{${CONTEXT_MEMBER},"didDocument":${documentJson},"didResolutionMetadata":${metadata},"didDocumentMetadata":${documentMetadataJson}}`;
}

function errorAnswer(err: AppError, proof?: string): ResolverAnswer {
  const e = RESOLUTION_ERRORS[err.code] ?? { keyword: 'internalError', type: 'INTERNAL_ERROR', status: 500 };
  const metadata = JSON.stringify({
    error: e.keyword,
    problemDetails: { type: `https://www.w3.org/ns/did#${e.type}`, title: e.keyword, detail: err.message, code: err.code },
  });
  const withProof = proof === undefined ? metadata : `${metadata.slice(0, -1)},"proof":${proof}}`;
  return { status: e.status, contentType: MEDIA.resolution, representation: 'resolution', body: resultJson('null', withProof, '{}') };
}

/**
 * Resolves a DID for the Universal Resolver driver API (`GET /1.0/identifiers/{did}`): 200, or
 * 400 invalidDid, 404 notFound, 406 representationNotSupported, 410 deactivated (with the final
 * document and metadata), 501 methodNotSupported. Pure over ledger state; `writeProof`, when
 * given, adds the ledger proof to did:rdid resolution results (and to a notFound answer, a proof
 * of the DID's absence).
 */
export function resolveForHttp(
  state: StateReader,
  didUrl: string,
  accept: string | undefined,
  query: Readonly<Record<string, string>> = {},
  writeProof?: ProofWriter,
): ResolverAnswer {
  const representation = negotiate(accept);
  let did: string;
  let options: ResolveOptions;
  let method: string;
  try {
    const unknown = Object.keys(query).filter((k) => k !== 'versionId' && k !== 'versionTime');
    if (unknown.length > 0) throw new AppError('ERR_DID_INVALID', `unsupported DID resolution option(s): ${unknown.join(', ')}; use versionId or versionTime`);
    ({ did, method, options } = resolveOptionsOf(didUrl, query));
  } catch (err) {
    if (!isAppError(err)) throw err;
    return errorAnswer(err);
  }
  if (representation === undefined) {
    return errorAnswer(new AppError('ERR_DID_REPRESENTATION_NOT_SUPPORTED', `cannot answer Accept: ${accept}; offer ${Object.values(MEDIA).join(', ')}`));
  }
  const ld = representation !== 'did+json';
  const contentType = CONTENT_TYPES[representation];
  const full = isResolutionResult(representation);
  const metadataStart = `{"contentType":"${ld ? MEDIA.didLdJson : MEDIA.didJson}"`;
  try {
    if (method === 'key') {
      if (options.versionId !== undefined || options.versionTime !== undefined) throw new AppError('ERR_DID_INVALID', 'did:key has no versions');
      const documentJson = JSON.stringify(resolveDidKey(did, ld));
      const body = full ? resultJson(documentJson, `${metadataStart}}`, '{}') : documentJson;
      return { status: 200, contentType, representation, body };
    }
    if (method !== RDID_METHOD) throw new AppError('ERR_DID_METHOD_NOT_SUPPORTED', `did:${method} is not supported; this resolver knows did:rdid and did:key`);
    let r: RdidResolution;
    try {
      r = resolveRdid(state, did, options);
    } catch (err) {
      // A proof of absence backs a notFound answer.
      if (isAppError(err, 'ERR_DID_NOT_FOUND')) return errorAnswer(err, writeProof?.([DID_KEYS.current(parseRdid(did))], [null]));
      throw err;
    }
    const status = r.record.deactivated && r.next === undefined ? 410 : 200;
    const documentJson = renderDocumentJson(r.record, ld);
    if (!full) return { status, contentType, representation, body: documentJson };
    const metadata = writeProof === undefined ? `${metadataStart}}` : `${metadataStart},"proof":${writeProof(r.stateKeys, r.stateValues)}}`;
    return { status, contentType, representation, body: resultJson(documentJson, metadata, documentMetadataJson(r.record, r.next)) };
  } catch (err) {
    if (!isAppError(err)) throw err;
    return errorAnswer(err);
  }
}
