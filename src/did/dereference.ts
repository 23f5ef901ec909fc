/**
 * DID URL dereferencing (W3C DID Resolution §5.4) over a resolved DID document: what a DID URL
 * names beyond its DID (a fragment, the `service` and `relativeRef` DID parameters, a path) and
 * the resource it names. Pure: the resolver (`resolveForHttp`) and the SDK light client, which
 * recomputes the resource from proven ledger records, run the same code.
 */
import { AppError, isAppError } from '../errors.ts';
import { DID_CONTEXT, type DidDocument } from './document.ts';
import { checkResolveOptions, RESOLUTION_OPTIONS, type ResolveOptions } from './resolve.ts';
import { parseDidUrl } from './syntax.ts';

/** DID parameters that select a service endpoint (DID Resolution §3). */
export const DEREFERENCE_PARAMETERS = ['service', 'relativeRef'] as const;

/** A DID URL taken apart for dereferencing. */
export interface DereferenceTarget {
  readonly did: string;
  readonly method: string;
  /** The resolution options (DID parameters and explicit options) that pick the document version. */
  readonly options: ResolveOptions;
  readonly path: string | undefined;
  readonly fragment: string | undefined;
  /** The `service` DID parameter: a service id, as a fragment (`files`), `#files` or absolute. */
  readonly service: string | undefined;
  /** The `relativeRef` DID parameter: a relative reference resolved against the service endpoint. */
  readonly relativeRef: string | undefined;
}

/** A URI with a scheme, or a network-path reference: not a relative reference for `relativeRef`. */
const NOT_RELATIVE_RE = /^(?:[A-Za-z][A-Za-z0-9+.-]*:|\/\/)/;

/**
 * Takes a DID URL apart: its DID, the version options and what it names in the document. DID
 * parameters and explicit `options` (the HTTP query) are merged, the explicit ones winning.
 * @throws ERR_DID_INVALID (a malformed DID), ERR_DID_INVALID_URL (a malformed DID URL, or
 *   `relativeRef` without `service` or not relative), ERR_DID_FEATURE_NOT_SUPPORTED (another
 *   parameter or option), ERR_DID_INVALID_OPTIONS (both versionId and versionTime)
 */
export function dereferenceOf(
  didUrl: string,
  options: Readonly<Record<string, string>> = {},
): DereferenceTarget {
  let url;
  try {
    url = parseDidUrl(didUrl);
  } catch (err) {
    // A string with a path, query or fragment was meant as a DID URL (DID Resolution §5.4.1 step 1).
    if (isAppError(err, 'ERR_DID_INVALID') && typeof didUrl === 'string' && /[/?#]/.test(didUrl)) {
      throw new AppError('ERR_DID_INVALID_URL', err.message, { cause: err });
    }
    throw err;
  }
  const { service, relativeRef, ...rest } = { ...url.params, ...options } as Record<string, string>;
  const unknown = Object.keys(rest).filter(
    (k) => !(RESOLUTION_OPTIONS as readonly string[]).includes(k),
  );
  if (unknown.length > 0) {
    throw new AppError(
      'ERR_DID_FEATURE_NOT_SUPPORTED',
      `unsupported DID parameter(s) or option(s): ${unknown.join(', ')}; this resolver knows ${[...RESOLUTION_OPTIONS, ...DEREFERENCE_PARAMETERS].join(', ')}`,
    );
  }
  if (relativeRef !== undefined && service === undefined)
    throw new AppError('ERR_DID_INVALID_URL', 'relativeRef needs the service DID parameter');
  if (relativeRef !== undefined && NOT_RELATIVE_RE.test(relativeRef))
    throw new AppError(
      'ERR_DID_INVALID_URL',
      `relativeRef must be a relative reference (RFC 3986 §4.2), got ${JSON.stringify(relativeRef.slice(0, 80))}`,
    );
  if (service === '')
    throw new AppError('ERR_DID_INVALID_URL', 'the service DID parameter is empty');
  return {
    did: url.did,
    method: url.method,
    options: checkResolveOptions(rest),
    path: url.path,
    fragment: url.fragment,
    service,
    relativeRef,
  };
}

/** Does the DID URL name more than its DID document (a fragment, a path or a service)? */
export function namesResource(t: DereferenceTarget): boolean {
  return t.fragment !== undefined || t.path !== undefined || t.service !== undefined;
}

/** A verification method or service of a DID document. */
export type DocumentResource =
  NonNullable<DidDocument['service']>[number] | DidDocument['verificationMethod'][number];

/** What a DID URL dereferences to in a resolved document. */
export interface Dereferenced {
  /**
   * The content: the document itself (plain DID), the document with only the selected service
   * (`service`, DID Resolution §5.4.1 step 7), or the verification method or service the
   * fragment names (with the document's `@context` in the JSON-LD representation, §5.5.1).
   */
  readonly content: DidDocument | (DocumentResource & { '@context'?: string[] });
  /** For `service`: the selected service endpoint URL, `relativeRef` and the fragment applied. */
  readonly serviceEndpoint?: string;
}

function notFound(message: string): never {
  throw new AppError('ERR_DID_RESOURCE_NOT_FOUND', message);
}

/**
 * Dereferences a DID URL in its resolved document (`doc`, rendered with `@context` when `ld`).
 * @throws ERR_DID_RESOURCE_NOT_FOUND when the document has no such fragment or service, for a
 *   path (did:rdid and did:key define none), or a fragment for an endpoint that has one
 * @example
 * dereferenceDocument(doc, dereferenceOf(`${did}#key-0`), true).content; // the verification method
 */
export function dereferenceDocument(
  doc: DidDocument,
  t: DereferenceTarget,
  ld: boolean,
): Dereferenced {
  if (t.path !== undefined)
    notFound(`did:${t.method} defines no DID URL paths (${JSON.stringify(t.path.slice(0, 80))})`);
  if (t.service !== undefined) return serviceOf(doc, t);
  if (t.fragment === undefined) return { content: doc };
  const id = `${t.did}#${t.fragment}`;
  const found =
    doc.verificationMethod.find((vm) => vm.id === id) ?? doc.service?.find((s) => s.id === id);
  if (found === undefined)
    notFound(`${t.did} has no verification method or service #${t.fragment}`);
  return { content: ld ? { '@context': DID_CONTEXT, ...found } : found };
}

/** §5.4.1 step 7 and §5.4.2 step 2: select the service, resolve `relativeRef`, append the fragment. */
function serviceOf(doc: DidDocument, t: DereferenceTarget): Dereferenced {
  const wanted = t.service!.startsWith('did:')
    ? t.service!
    : `${t.did}#${t.service!.replace(/^#/, '')}`;
  const selected = doc.service?.find((s) => s.id === wanted);
  if (selected === undefined) notFound(`${t.did} has no service ${JSON.stringify(t.service)}`);
  let endpoint = selected.serviceEndpoint;
  if (t.relativeRef !== undefined) endpoint = resolveReference(t.relativeRef, endpoint);
  if (t.fragment !== undefined) {
    if (endpoint.includes('#'))
      notFound(
        `the endpoint of service ${JSON.stringify(t.service)} has a fragment already; #${t.fragment} cannot be applied`,
      );
    endpoint += `#${t.fragment}`;
  }
  return { content: { ...doc, service: [selected] }, serviceEndpoint: endpoint };
}

/** RFC 3986 §5 reference resolution (WHATWG URL parsing, as fetch does it). */
function resolveReference(relativeRef: string, base: string): string {
  try {
    return new URL(relativeRef, base).href;
  } catch (err) {
    // The WHATWG parser throws a TypeError for a base it cannot parse: no URL to give.
    throw new AppError(
      'ERR_DID_RESOURCE_NOT_FOUND',
      `cannot resolve relativeRef against the endpoint ${JSON.stringify(base.slice(0, 80))}`,
      { cause: err },
    );
  }
}
