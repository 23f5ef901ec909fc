import { fromBase58btc } from '../crypto/index.ts';
import { AppError } from '../errors.ts';

/** Method name of this ledger's DIDs. */
export const RDID_METHOD = 'rdid';

const B58 = '[1-9A-HJ-NP-Za-km-z]';
/**
 * `did:rdid:<id>`: id is base58btc of a 32-byte SHA-256. That is 43 or 44 characters, or fewer
 * (down to 32) when the hash starts with zero bytes, each of which base58btc writes as one "1".
 */
export const RDID_RE = new RegExp(`^did:rdid:(${B58}{32,44})$`);
const IDCHAR = '(?:[A-Za-z0-9._-]|%[0-9A-Fa-f]{2})';
/**
 * Generic DID syntax (DID Core §3.1): `method-specific-id = *( *idchar ":" ) 1*idchar`, so the
 * last segment is never empty; method names are lower-case alphanumeric.
 */
const DID_RE = new RegExp(`^did:([a-z0-9]+):((?:${IDCHAR}*:)*${IDCHAR}+)$`);
/** RFC 3986 fragment: pchar / "/" / "?", where pchar includes percent-encoded octets. */
const FRAGMENT_RE = /^(?:[A-Za-z0-9._~!$&'()*+,;=:@/?-]|%[0-9A-Fa-f]{2})*$/;
/** RFC 3986 path-abempty: `*( "/" *pchar )`. */
const PATH_RE = /^(?:\/(?:[A-Za-z0-9._~!$&'()*+,;=:@-]|%[0-9A-Fa-f]{2})*)+$/;

/** A parsed DID URL (DID Core §3.2): the DID plus optional path, query parameters and fragment. */
export interface DidUrl {
  readonly did: string;
  readonly method: string;
  readonly id: string;
  /** The path (`/…`), if any. */
  readonly path: string | undefined;
  readonly params: Readonly<Record<string, string>>;
  readonly fragment: string | undefined;
}

function invalid(message: string): never {
  throw new AppError('ERR_DID_INVALID', message);
}

/**
 * Parses a DID or DID URL with the generic syntax (any method).
 * @throws ERR_DID_INVALID
 */
export function parseDidUrl(input: string): DidUrl {
  if (typeof input !== 'string' || input.length > 2048)
    invalid('a DID URL must be a string of at most 2048 characters');
  const hash = input.indexOf('#');
  const fragment = hash === -1 ? undefined : input.slice(hash + 1);
  const beforeFragment = hash === -1 ? input : input.slice(0, hash);
  const q = beforeFragment.indexOf('?');
  const beforeQuery = q === -1 ? beforeFragment : beforeFragment.slice(0, q);
  const slash = beforeQuery.indexOf('/');
  const did = slash === -1 ? beforeQuery : beforeQuery.slice(0, slash);
  const path = slash === -1 ? undefined : beforeQuery.slice(slash);
  const m = DID_RE.exec(did);
  if (m === null || m[2] === '') invalid(`not a DID: ${JSON.stringify(input.slice(0, 100))}`);
  if (path !== undefined && !PATH_RE.test(path)) invalid('DID URL path has invalid characters');
  if (fragment !== undefined && !FRAGMENT_RE.test(fragment))
    invalid('DID URL fragment has invalid characters');
  const params: Record<string, string> = {};
  if (q !== -1) {
    for (const [k, v] of new URLSearchParams(beforeFragment.slice(q + 1))) {
      if (Object.hasOwn(params, k)) invalid(`DID URL parameter "${k}" given twice`);
      params[k] = v;
    }
  }
  return { did, method: m[1]!, id: m[2]!, path, params, fragment };
}

/**
 * Checks a `did:rdid` DID (no path, query or fragment) and returns its method-specific id.
 * @throws ERR_DID_INVALID
 */
export function parseRdid(did: string): string {
  const m = typeof did === 'string' ? RDID_RE.exec(did) : null;
  if (m === null) invalid(`not a did:rdid DID: ${JSON.stringify(String(did).slice(0, 100))}`);
  let bytes: Uint8Array;
  try {
    bytes = fromBase58btc(m[1]!);
  } catch (err) {
    throw new AppError('ERR_DID_INVALID', 'did:rdid id is not base58btc', { cause: err });
  }
  if (bytes.length !== 32) invalid(`did:rdid id must encode 32 bytes, got ${bytes.length}`);
  return m[1]!;
}

/** Is `did` a syntactically valid did:rdid? */
export function isRdid(did: string): boolean {
  try {
    parseRdid(did);
    return true;
  } catch {
    return false; // a yes/no question
  }
}
