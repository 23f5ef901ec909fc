/**
 * What an identity authority keeps in its vault (`<data>/modules/idn/authority.vault`), and how:
 * its secrets, and per person a record sealed under that person's own data key (DEK). The vault
 * already seals every value under the node's vault key; the DEK adds a layer so that shredding
 * one 32-byte key erases one person (crypto-shredding) from the live vault, whatever stale copies
 * of the sealed record remain in its pages. A backup of the vault file holds keys and records
 * alike: backups must expire on their own schedule (docs/operations.md). Row names hold the
 * uniqueness tag, never personal data (and the vault hashes row names anyway).
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { utf8, type JsonValue } from '../crypto/index.ts';
import { AppError } from '../errors.ts';
import type { SecretStore } from '../ledger/index.ts';
import type { Person } from './person.ts';

/** The authority's public configuration, kept with its secrets. */
export interface AuthorityConfig {
  readonly did: string;
  /** Fragment of the issuer key (signs credentials, status list tokens and ledger transactions). */
  readonly issuerKey: string;
  readonly name: string;
}

/** A person's record: what the authority checked, and the master DID it bound. */
export interface PersonRecord extends Person {
  readonly tag: string;
  readonly did: string;
  /** Wall-clock milliseconds of the enrollment and of the last re-check. */
  readonly enrolledAt: number;
  readonly checkedAt: number;
}

/** One credential copy the authority issued (no claim values: those are in the person's record). */
export interface CopyRecord {
  readonly list: string;
  readonly idx: number;
  /** Seconds since the epoch, as in the credential. */
  readonly iat: number;
  readonly exp: number;
  /** The holder key it is bound to, as a did:key (a pairwise DID of the person's wallet). */
  readonly holder?: string;
}

/** The authority's status list state: the list it issues into now and how full it is. */
export interface ListsRecord {
  readonly current: string;
  readonly size: number;
  readonly used: number;
  readonly seq: number;
}

/** Row names of the authority's vault (the vault stores them as keyed hashes). */
export const VAULT_ROWS = {
  config: 'authority/config',
  issuerSeed: 'authority/issuer-seed',
  recoverySeed: 'authority/recovery-seed',
  tagSecret: 'authority/tag-secret',
  lists: 'authority/lists',
  person: (tag: string) => `person/${tag}`,
  dek: (tag: string) => `dek/${tag}`,
  copies: (tag: string) => `copies/${tag}`,
  /** Why and when the front office revoked the binding (off the ledger). */
  revocation: (tag: string) => `revocation/${tag}`,
  taken: (list: string, idx: number) => `taken/${list}/${idx}`,
  /**
   * The person (tag) a holder key (a pairwise did:key) was issued a copy to: what a lawful release
   * resolves. Kept across re-bindings (an account at a site outlives a lost wallet), erased with
   * the person; `holders/<tag>` lists them so that erasure finds them all.
   */
  holder: (did: string) => `holder/${did}`,
  holders: (tag: string) => `holders/${tag}`,
} as const;

const json = (v: unknown): Uint8Array => utf8(JSON.stringify(v));
const parse = <T>(bytes: Uint8Array | undefined): T | undefined =>
  bytes === undefined ? undefined : (JSON.parse(Buffer.from(bytes).toString('utf8')) as T);

/** A JSON row of the vault, or undefined. */
export function readJsonRow<T>(vault: SecretStore, row: string): T | undefined {
  return parse<T>(vault.get(row));
}

/** Writes a JSON row of the vault. */
export function writeJsonRow(vault: SecretStore, row: string, value: JsonValue | object): void {
  vault.set(row, json(value));
}

/** A 32-byte secret row, created at random if absent. */
export function secretRow(vault: SecretStore, row: string): Uint8Array {
  const existing = vault.get(row);
  if (existing !== undefined) return existing;
  const secret = new Uint8Array(randomBytes(32));
  vault.set(row, secret);
  return secret;
}

const aad = (tag: string): Buffer => Buffer.from(`realdid/person/v1|${tag}`, 'utf8');

/** Seals a person's record under a fresh data key; stores both (in one vault transaction). */
export function storePerson(vault: SecretStore, record: PersonRecord): void {
  const dek = randomBytes(32);
  const nonce = randomBytes(12);
  const c = createCipheriv('aes-256-gcm', dek, nonce);
  c.setAAD(aad(record.tag));
  const body = Buffer.concat([c.update(json(record)), c.final()]);
  vault.transaction(() => {
    vault.set(VAULT_ROWS.dek(record.tag), dek);
    vault.set(VAULT_ROWS.person(record.tag), Buffer.concat([nonce, body, c.getAuthTag()]));
  });
  dek.fill(0);
}

/**
 * A person's record, or undefined if there is none.
 * @throws ERR_IDENTITY_ERASED when the sealed record is there but its data key was destroyed
 */
export function loadPerson(vault: SecretStore, tag: string): PersonRecord | undefined {
  const sealed = vault.get(VAULT_ROWS.person(tag));
  const dek = vault.get(VAULT_ROWS.dek(tag));
  if (sealed === undefined && dek === undefined) return undefined;
  if (sealed === undefined || dek === undefined)
    throw new AppError('ERR_IDENTITY_ERASED', "this person's record was erased");
  const d = createDecipheriv('aes-256-gcm', dek, sealed.subarray(0, 12));
  d.setAAD(aad(tag));
  d.setAuthTag(sealed.subarray(sealed.length - 16));
  const plain = Buffer.concat([d.update(sealed.subarray(12, sealed.length - 16)), d.final()]);
  return JSON.parse(plain.toString('utf8')) as PersonRecord;
}

/** Erases a person: shreds the data key, the sealed record, the list of copies and the holder keys. */
export function erasePerson(vault: SecretStore, tag: string): void {
  const holders = readJsonRow<string[]>(vault, VAULT_ROWS.holders(tag)) ?? [];
  vault.shred([
    VAULT_ROWS.dek(tag),
    VAULT_ROWS.person(tag),
    VAULT_ROWS.copies(tag),
    VAULT_ROWS.holders(tag),
    ...holders.map((h) => VAULT_ROWS.holder(h)),
  ]);
}

/** Notes that `tag` was issued a copy bound to the holder key `did` (inside the copy's vault transaction). */
export function recordHolder(vault: SecretStore, tag: string, did: string): void {
  if (readJsonRow<string>(vault, VAULT_ROWS.holder(did)) === tag) return;
  writeJsonRow(vault, VAULT_ROWS.holder(did), tag);
  const holders = readJsonRow<string[]>(vault, VAULT_ROWS.holders(tag)) ?? [];
  if (!holders.includes(did)) writeJsonRow(vault, VAULT_ROWS.holders(tag), [...holders, did]);
}

/** The tag of the person a holder key was issued a copy to, if any. */
export function tagOfHolder(vault: SecretStore, did: string): string | undefined {
  return readJsonRow<string>(vault, VAULT_ROWS.holder(did));
}

/** The copies recorded for a person (tag), oldest first. */
export function copiesOf(vault: SecretStore, tag: string): CopyRecord[] {
  return readJsonRow<CopyRecord[]>(vault, VAULT_ROWS.copies(tag)) ?? [];
}
