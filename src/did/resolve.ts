import { AppError } from '../errors.ts';
import { publicKeyOfDidKey, type StateReader } from '../ledger/index.ts';
import { encodeMultikey } from '../crypto/index.ts';
import {
  documentMetadata,
  renderDocument,
  DID_CONTEXT,
  type DidDocument,
  type DidRecord,
} from './document.ts';
import { DID_KEYS } from './state.ts';
import { parseDidUrl, parseRdid, RDID_METHOD } from './syntax.ts';

/** What to resolve: a version number or a point in time (ms), or the current version. */
export interface ResolveOptions {
  readonly versionId?: string;
  readonly versionTime?: string;
}

/** A did:rdid resolution from ledger state, with the state keys that prove it. */
export interface RdidResolution {
  readonly record: DidRecord;
  /** The record of the version after the resolved one (for historical resolutions). */
  readonly next: DidRecord | undefined;
  /** State keys whose proofs establish the result (the record, and the next one if any). */
  readonly stateKeys: readonly string[];
  /** The committed values of `stateKeys` as read (canonical JSON), for the proofs. */
  readonly stateValues: readonly string[];
}

const VERSION_RE = /^[1-9][0-9]{0,14}$/;
const TIME_RE = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(\.\d{1,3})?Z$/;

/** Parses a DID Resolution `versionTime` (XML Schema dateTime, UTC). @throws ERR_DID_INVALID_OPTIONS */
export function parseVersionTime(text: string): number {
  const m = typeof text === 'string' ? TIME_RE.exec(text) : null;
  const ms = m === null ? NaN : Date.parse(text);
  // Date.parse rolls impossible dates over (2026-02-30 becomes 2026-03-02): require the same fields back.
  if (m === null || !Number.isFinite(ms) || new Date(ms).toISOString().slice(0, 19) !== m[1]) {
    throw new AppError(
      'ERR_DID_INVALID_OPTIONS',
      `versionTime must be an ISO 8601 UTC time like 2026-01-01T00:00:00Z, got ${JSON.stringify(String(text).slice(0, 40))}`,
    );
  }
  return ms;
}

/**
 * A block time as DID document metadata publishes it: whole seconds (DID Core §7.1.3). versionTime
 * is compared with published times, so resolving at a version's `updated` gives that version.
 */
function published(ms: number): number {
  return Math.floor(ms / 1000) * 1000;
}

/** The version number asked for, checked. @throws ERR_DID_INVALID_OPTIONS */
function parseVersionId(text: string): number {
  if (!VERSION_RE.test(text))
    throw new AppError(
      'ERR_DID_INVALID_OPTIONS',
      `versionId must be a positive integer, got ${JSON.stringify(text)}`,
    );
  return Number(text);
}

/** The resolution options this resolver knows (DID Resolution §4.1); others are FEATURE_NOT_SUPPORTED. */
export const RESOLUTION_OPTIONS = ['versionId', 'versionTime'] as const;

/**
 * Checks resolution options: only {@link RESOLUTION_OPTIONS}, and not both at once.
 * @throws ERR_DID_FEATURE_NOT_SUPPORTED for another option, ERR_DID_INVALID_OPTIONS for both
 */
export function checkResolveOptions(
  options: Readonly<Record<string, string | undefined>>,
): ResolveOptions {
  const unknown = Object.keys(options).filter(
    (k) => !(RESOLUTION_OPTIONS as readonly string[]).includes(k),
  );
  if (unknown.length > 0)
    throw new AppError(
      'ERR_DID_FEATURE_NOT_SUPPORTED',
      `unsupported DID resolution option(s): ${unknown.join(', ')}; this resolver knows ${RESOLUTION_OPTIONS.join(' and ')}`,
    );
  if (options.versionId !== undefined && options.versionTime !== undefined)
    throw new AppError('ERR_DID_INVALID_OPTIONS', 'give versionId or versionTime, not both');
  return options;
}

/**
 * Resolution options from a DID's query (DID parameters) and explicit options (explicit wins).
 * A DID URL with a fragment, a path or a dereferencing parameter is not a DID to resolve (it is
 * dereferenced: `dereferenceOf`).
 * @throws ERR_DID_INVALID, ERR_DID_FEATURE_NOT_SUPPORTED, ERR_DID_INVALID_OPTIONS
 */
export function resolveOptionsOf(
  didUrl: string,
  options: ResolveOptions = {},
): { did: string; method: string; options: ResolveOptions } {
  const url = parseDidUrl(didUrl);
  if (url.fragment !== undefined || url.path !== undefined)
    throw new AppError(
      'ERR_DID_INVALID',
      'a DID URL with a path or fragment is dereferenced, not resolved',
    );
  return {
    did: url.did,
    method: url.method,
    options: checkResolveOptions({ ...url.params, ...options }),
  };
}

/**
 * Resolves a did:rdid against ledger state: the current record, a given `versionId`, or the
 * version in force at `versionTime`. A deactivated DID resolves (its record says so).
 * @throws ERR_DID_INVALID, ERR_DID_INVALID_OPTIONS, ERR_DID_NOT_FOUND, ERR_DID_VERSION_NOT_FOUND
 */
export function resolveRdid(
  state: StateReader,
  did: string,
  options: ResolveOptions = {},
): RdidResolution {
  const id = parseRdid(did);
  // Malformed options are invalidDid whether or not the DID exists.
  const versionId = options.versionId === undefined ? undefined : parseVersionId(options.versionId);
  const versionTime =
    options.versionTime === undefined ? undefined : parseVersionTime(options.versionTime);
  const currentKey = DID_KEYS.current(id);
  const currentText = state.get(currentKey);
  if (currentText === undefined)
    throw new AppError('ERR_DID_NOT_FOUND', `${did} is not registered on this ledger`);
  const current = JSON.parse(currentText) as DidRecord;
  const latest = current.version;
  const keyOf = (v: number): string => (v === latest ? currentKey : DID_KEYS.version(id, v));
  const read = (v: number): { text: string; record: DidRecord } => {
    const text = v === latest ? currentText : state.get(keyOf(v));
    if (text === undefined)
      throw new AppError(
        'ERR_LEDGER_STORE',
        `${did}: the record of version ${v} is missing from state; run \`realdid verify\``,
      );
    return { text, record: v === latest ? current : (JSON.parse(text) as DidRecord) };
  };
  const answer = (v: number): RdidResolution => {
    if (v === latest)
      return {
        record: current,
        next: undefined,
        stateKeys: [currentKey],
        stateValues: [currentText],
      };
    const at = read(v);
    const after = read(v + 1);
    return {
      record: at.record,
      next: after.record,
      stateKeys: [keyOf(v), keyOf(v + 1)],
      stateValues: [at.text, after.text],
    };
  };
  if (versionId !== undefined) {
    if (versionId > latest)
      throw new AppError(
        'ERR_DID_VERSION_NOT_FOUND',
        `${did} has no version ${versionId} (latest ${latest})`,
      );
    return answer(versionId);
  }
  if (versionTime !== undefined) {
    const t = versionTime;
    if (t < published(current.created))
      throw new AppError(
        'ERR_DID_VERSION_NOT_FOUND',
        `${did} did not exist at ${options.versionTime}`,
      );
    // Versions are ordered by time: binary search for the last one published at or before t.
    let lo = 1;
    let hi = latest;
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2);
      if (published(read(mid).record.updated) <= t) lo = mid;
      else hi = mid - 1;
    }
    return answer(lo);
  }
  return answer(latest);
}

/**
 * Checks that a resolution answer is what the proven records imply: the version the caller
 * asked for (by id or time) is `record`, and `next` is its successor. Used by light clients
 * after the records' state proofs verified.
 * @throws ERR_DID_BAD_PROOF
 */
export function checkVersionSelection(
  record: DidRecord,
  next: DidRecord | undefined,
  options: ResolveOptions,
): void {
  const bad = (why: string): never => {
    throw new AppError('ERR_DID_BAD_PROOF', `resolution does not match the proven records: ${why}`);
  };
  if (next !== undefined && (next.version !== record.version + 1 || next.did !== record.did))
    bad('the next record is not the successor');
  if (options.versionId !== undefined && String(record.version) !== options.versionId)
    bad(`asked version ${options.versionId}, got ${record.version}`);
  if (options.versionTime !== undefined) {
    const t = parseVersionTime(options.versionTime);
    if (published(record.updated) > t) bad('the resolved version is newer than versionTime');
    if (next === undefined && options.versionId === undefined) return; // current version: in force since record.updated
    if (next !== undefined && published(next.updated) <= t)
      bad('a newer version was already in force at versionTime');
  }
  if (options.versionId === undefined && options.versionTime === undefined && next !== undefined)
    bad('a current resolution must not have a next version');
}

/** The DID document of an Ed25519 did:key (did:key v0.7 §3.1). @throws ERR_DID_INVALID */
export function resolveDidKey(did: string, ld = false): DidDocument {
  const url = parseDidUrl(did);
  if (
    url.method !== 'key' ||
    url.fragment !== undefined ||
    url.path !== undefined ||
    Object.keys(url.params).length > 0
  )
    throw new AppError('ERR_DID_INVALID', `not a plain did:key: ${did.slice(0, 80)}`);
  const multikey = encodeMultikey(publicKeyOfDidKey(url.did));
  const vmId = `${url.did}#${multikey}`;
  return {
    ...(ld ? { '@context': DID_CONTEXT } : {}),
    id: url.did,
    controller: url.did,
    verificationMethod: [
      { id: vmId, type: 'Multikey', controller: url.did, publicKeyMultibase: multikey },
    ],
    authentication: [vmId],
    assertionMethod: [vmId],
    capabilityInvocation: [vmId],
    capabilityDelegation: [vmId],
  };
}

/** Methods this resolver supports. */
export const SUPPORTED_METHODS = [RDID_METHOD, 'key'] as const;

/** Rendered document and metadata of an rdid resolution (what light clients recompute). */
export function renderResolution(
  r: Pick<RdidResolution, 'record' | 'next'>,
  ld: boolean,
): { didDocument: DidDocument; didDocumentMetadata: Record<string, unknown> } {
  return {
    didDocument: renderDocument(r.record, ld),
    didDocumentMetadata: documentMetadata(r.record, r.next),
  };
}
