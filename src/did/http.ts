import { AppError, isAppError, type ErrorCode } from '../errors.ts';
import type { StateReader } from '../ledger/index.ts';
import { resolveDidKey, renderResolution, resolveOptionsOf, resolveRdid, type ResolveOptions } from './resolve.ts';
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

/** An HTTP answer of the resolver: status, content type and body. */
export interface ResolverAnswer {
  readonly status: number;
  readonly contentType: string;
  /** What was answered (errors are always full resolution results). */
  readonly representation: Representation;
  readonly body: unknown;
  /** State keys to prove (present or absent), for did:rdid answers. */
  readonly stateKeys: readonly string[];
}

function errorAnswer(err: AppError, stateKeys: readonly string[] = []): ResolverAnswer {
  const e = RESOLUTION_ERRORS[err.code] ?? { keyword: 'internalError', type: 'INTERNAL_ERROR', status: 500 };
  const body: ResolutionResult = {
    '@context': RESOLUTION_CONTEXT,
    didDocument: null,
    didResolutionMetadata: {
      error: e.keyword,
      problemDetails: { type: `https://www.w3.org/ns/did#${e.type}`, title: e.keyword, detail: err.message, code: err.code },
    },
    didDocumentMetadata: {},
  };
  return { status: e.status, contentType: MEDIA.resolution, representation: 'resolution', body, stateKeys };
}

/**
 * Resolves a DID for the Universal Resolver driver API (`GET /1.0/identifiers/{did}`): 200, or
 * 400 invalidDid, 404 notFound, 406 representationNotSupported, 410 deactivated (with the final
 * document and metadata), 501 methodNotSupported. Pure over ledger state: the node attaches the
 * proofs of `stateKeys`.
 */
export function resolveForHttp(state: StateReader, didUrl: string, accept: string | undefined, query: Readonly<Record<string, string>> = {}): ResolverAnswer {
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
  const docType = ld ? MEDIA.didLdJson : MEDIA.didJson;
  try {
    if (method === 'key') {
      if (options.versionId !== undefined || options.versionTime !== undefined) throw new AppError('ERR_DID_INVALID', 'did:key has no versions');
      const didDocument = resolveDidKey(did, ld) as unknown as Record<string, unknown>;
      const body = full
        ? { '@context': RESOLUTION_CONTEXT, didDocument, didResolutionMetadata: { contentType: docType }, didDocumentMetadata: {} }
        : didDocument;
      return { status: 200, contentType, representation, body, stateKeys: [] };
    }
    if (method !== RDID_METHOD) throw new AppError('ERR_DID_METHOD_NOT_SUPPORTED', `did:${method} is not supported; this resolver knows did:rdid and did:key`);
    const id = parseRdid(did);
    let r;
    try {
      r = resolveRdid(state, did, options);
    } catch (err) {
      // A proof of absence backs a notFound answer.
      if (isAppError(err, 'ERR_DID_NOT_FOUND')) return errorAnswer(err, [DID_KEYS.current(id)]);
      throw err;
    }
    const { didDocument, didDocumentMetadata } = renderResolution(r, ld);
    const status = r.record.deactivated && r.next === undefined ? 410 : 200;
    const body = full
      ? { '@context': RESOLUTION_CONTEXT, didDocument, didResolutionMetadata: { contentType: docType }, didDocumentMetadata }
      : didDocument;
    return { status, contentType, representation, body, stateKeys: r.stateKeys };
  } catch (err) {
    if (!isAppError(err)) throw err;
    return errorAnswer(err);
  }
}
