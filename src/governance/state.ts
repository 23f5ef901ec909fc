import { readJson, type StateReader } from '../ledger/index.ts';
import type { AdoptedDocument, Member, Proposal, Role, RoleGrant, RolePeriod } from './schema.ts';

/** State keys of the governance module (namespace `gov`). */
export const KEYS = {
  orgs: 'gov/orgs',
  quorum: 'gov/quorum',
  org: (id: string) => `gov/org/${id}`,
  memberKey: (multikey: string) => `gov/key/${multikey}`,
  role: (role: Role, subject: string) => `gov/role/${role}/${subject}`,
  roleHistory: (role: Role, subject: string) => `gov/role-history/${role}/${subject}`,
  param: (name: string) => `gov/param/${name}`,
  proposal: (id: string) => `gov/proposal/${id}`,
  /** A relying party's registered origin → its DID (one site per origin). */
  siteOrigin: (origin: string) => `gov/site-origin/${origin}`,
  sitePrimary: (did: string) => `gov/site-primary/${did}`,
  /** The current version of an adopted module document, and every version by number. */
  document: (topic: string) => `gov/doc/${topic}`,
  documentVersion: (topic: string, version: number) =>
    `gov/doc-history/${topic}/${String(version).padStart(6, '0')}`,
} as const;

/** Default parameters; governance may change them with `set-param`. */
export const DEFAULT_PARAMS: Readonly<Record<string, number | string | boolean>> = {
  /** How long a proposal stays open for approvals: 7 days of block time. */
  proposalTtlMs: 7 * 24 * 60 * 60 * 1000,
  /** Custodian approvals a lawful de-anonymization request needs (M of the custodians). */
  lawfulApprovals: 2,
  /** Custodian refusals that close a lawful request as refused. */
  lawfulRefusals: 2,
  /** How long a lawful request stays open for approvals and release: 30 days of block time. */
  lawfulRequestTtlMs: 30 * 24 * 60 * 60 * 1000,
  /** The longest a lawful request may delay the person's notice: 90 days (0: notice at once). */
  lawfulNoticeMaxDelayMs: 90 * 24 * 60 * 60 * 1000,
  /** How long a credit issuer has to answer a dispute before the record is suppressed: 20 days. */
  creditDisputeDeadlineMs: 20 * 24 * 60 * 60 * 1000,
};

/** Ids of the current member organizations, sorted. */
export function orgIds(state: StateReader): string[] {
  return readJson<string[]>(state, KEYS.orgs) ?? [];
}

export function getOrg(state: StateReader, id: string): Member | undefined {
  return readJson<Member>(state, KEYS.org(id));
}

/** The member organization owning an Ed25519 Multikey, if any. */
export function orgOfKey(state: StateReader, multikey: string): string | undefined {
  return readJson<string>(state, KEYS.memberKey(multikey));
}

export function getQuorum(state: StateReader): number {
  return readJson<number>(state, KEYS.quorum) ?? 1;
}

/** A governance parameter (or its default). */
export function getParam<T extends number | string | boolean>(
  state: StateReader,
  name: string,
  fallback?: T,
): T | undefined {
  return (
    readJson<T>(state, KEYS.param(name)) ?? (DEFAULT_PARAMS[name] as T | undefined) ?? fallback
  );
}

/** The accreditation of `subject` for `role`, if it holds one. */
export function getRole(state: StateReader, role: Role, subject: string): RoleGrant | undefined {
  return readJson<RoleGrant>(state, KEYS.role(role, subject));
}

/**
 * Does `subject` hold `role`, with `value` inside `scope[dimension]` when a scope check is
 * asked (e.g. `hasRole(s, 'credit-issuer', did, 'categories', 'tax-arrears')`)?
 */
export function hasRole(
  state: StateReader,
  role: Role,
  subject: string,
  dimension?: string,
  value?: string,
): boolean {
  const grant = getRole(state, role, subject);
  if (grant === undefined) return false;
  if (dimension === undefined) return true;
  return grant.scope[dimension]?.includes(value ?? '') ?? false;
}

export function getProposal(state: StateReader, id: string): Proposal | undefined {
  return readJson<Proposal>(state, KEYS.proposal(id));
}

/** Every accreditation period of `subject` for `role`, oldest first (the last may be open). */
export function roleHistory(state: StateReader, role: Role, subject: string): RolePeriod[] {
  return readJson<RolePeriod[]>(state, KEYS.roleHistory(role, subject)) ?? [];
}

/**
 * Was `subject` accredited for `role` at `time` (ms of block time), with `value` inside
 * `scope[dimension]` when asked? Periods are half-open: `[from, until)`. This is how a verifier
 * checks that a credential's issuer was accredited for its type when it issued it.
 */
export function accreditedAt(
  state: StateReader,
  role: Role,
  subject: string,
  time: number,
  dimension?: string,
  value?: string,
): boolean {
  return roleHistory(state, role, subject).some(
    (p) =>
      p.from <= time &&
      (p.until === undefined || time < p.until) &&
      (dimension === undefined || (p.scope[dimension]?.includes(value ?? '') ?? false)),
  );
}

/** The current version of the module document adopted for `topic` (e.g. `credit/categories`), if any. */
export function getDocument<T>(state: StateReader, topic: string): AdoptedDocument<T> | undefined {
  return readJson<AdoptedDocument<T>>(state, KEYS.document(topic));
}

/** A given version of an adopted document, if it exists. */
export function getDocumentVersion<T>(
  state: StateReader,
  topic: string,
  version: number,
): AdoptedDocument<T> | undefined {
  return readJson<AdoptedDocument<T>>(state, KEYS.documentVersion(topic, version));
}
