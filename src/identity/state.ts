/**
 * Ledger state of the identity module (namespace `idn`). Nothing here is personal data: a binding
 * is keyed by the uniqueness tag (an HMAC under the authority's secret of the normalized ID
 * number), names the master DID it is bound to, and says whether it is active; status lists are
 * bits in fixed-size chunks.
 */
import { readJson, type StateReader } from '../ledger/index.ts';

/** The did:rdid pattern of master and authority DIDs in schemas. */
export const RDID_PATTERN = '^did:rdid:[1-9A-HJ-NP-Za-km-z]{32,44}$';

/** State keys of the identity module. */
export const IDN_KEYS = {
  /** Bindings are per authority: another authority can neither see nor take over this one's tags. */
  binding: (authority: string, tag: string) => `idn/binding/${authority}/${tag}`,
  master: (did: string) => `idn/master/${did}`,
  list: (id: string) => `idn/list/${id}`,
  listPrefix: 'idn/list/',
  chunk: (id: string, chunk: number) => `idn/status/${id}/${String(chunk).padStart(6, '0')}`,
  chunkPrefix: (id: string) => `idn/status/${id}/`,
  /** A disclosure event by the SHA-256 (hex) of its consent receipt (see disclosures.ts). */
  disclosure: (receipt: string) => `idn/disclosure/${receipt}`,
  /** How often `site` invoked `policy`. */
  disclosureCount: (site: string, policy: string) => `idn/disclosure-count/${site}/${policy}`,
  disclosureCountPrefix: 'idn/disclosure-count/',
} as const;

/**
 * Why a binding was revoked, as the front office records it. Kept in the authority's vault, never on
 * the ledger: "fraud" or "deceased" next to a person's pseudonymous tag is nobody else's business.
 */
export const REVOKE_REASONS = [
  'holder-request',
  'deceased',
  'fraud',
  'document-invalid',
  'erased',
] as const;
export type RevokeReason = (typeof REVOKE_REASONS)[number];

/** One real person's real-name binding at one authority. */
export interface Binding {
  /** The identity authority's DID. */
  readonly authority: string;
  /** The master DID it is bound to now. */
  readonly did: string;
  readonly status: 'active' | 'revoked';
  /** Block time of the enrollment, and of the last change. */
  readonly enrolled: number;
  readonly updated: number;
  /** How many times the person was re-bound to a new master DID. */
  readonly rebinds: number;
}

/** What the ledger knows of a master DID: which binding it holds or held. */
export interface MasterRecord {
  readonly tag: string;
  readonly authority: string;
  /** `rebound`: the person moved to another master DID; this one obtains nothing any more. */
  readonly status: 'active' | 'rebound' | 'revoked';
  readonly since: number;
  readonly until?: number;
}

/** A status list as registered by its issuer (its bits are the chunks under `idn/status/<id>/`). */
export interface StatusListRecord {
  readonly id: string;
  readonly issuer: string;
  readonly size: number;
  readonly bits: 1;
  readonly created: number;
}

/** The binding of `tag` at `authority`, if any. */
export function getBinding(
  state: StateReader,
  authority: string,
  tag: string,
): Binding | undefined {
  return readJson<Binding>(state, IDN_KEYS.binding(authority, tag));
}

/** What the ledger knows of a master DID's binding, if it ever held one. */
export function getMaster(state: StateReader, did: string): MasterRecord | undefined {
  return readJson<MasterRecord>(state, IDN_KEYS.master(did));
}

/** A registered status list, if any. */
export function getStatusList(state: StateReader, id: string): StatusListRecord | undefined {
  return readJson<StatusListRecord>(state, IDN_KEYS.list(id));
}
