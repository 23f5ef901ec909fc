/**
 * Fixtures for the lawful de-anonymization tests: the bodies that take part (a court, a
 * prosecutor, custodians, a second authority, a site), each a did:rdid whose one key is in every
 * relationship (so it signs transactions and DID-signed requests), their accreditations for a
 * genesis `gov.roles`, and their DID documents for a genesis `did.documents` (or as `did.create`
 * transactions).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sha256, toBase64url, toHex, utf8, type JsonValue } from '../../src/crypto/index.ts';
import { REAL_NAME_VCT } from '../../src/credentials/index.ts';
import { authFragment, deriveMasterKey, planCreate } from '../../src/did/index.ts';
import type { RequestKey } from '../../src/sdk/index.ts';

/** A body with a did:rdid: its DID, its key (as a request key) and its `did.create`. */
export interface Actor extends RequestKey {
  readonly label: string;
  readonly did: string;
  readonly create: ReturnType<typeof planCreate>;
}

/** A deterministic actor from a label. */
export function actor(label: string): Actor {
  const seed = sha256(utf8(`realdid lawful test ${label}`));
  const create = planCreate(seed);
  return {
    label,
    did: create.did,
    kid: `${create.did}#${authFragment(0)}`,
    keyPair: deriveMasterKey(seed, 'auth', 0).keyPair,
    create,
  };
}

/** The cast: `court` may cite only `prc-cpl-150`; `c3` is a custodian and a requester. */
export const CAST = {
  court: actor('court'),
  prosecutor: actor('prosecutor'),
  c1: actor('custodian 1'),
  c2: actor('custodian 2'),
  c3: actor('custodian 3'),
  ia2: actor('second authority'),
  site: actor('site'),
  nobody: actor('nobody'),
} as const;

export const SITE_ORIGIN = 'https://shop.lawful.test';
/** A basis the court is accredited for. */
export const BASIS = 'prc-cpl-150 Criminal Procedure Law of the PRC, Article 150';

/** The accreditations of the cast, for genesis `gov.roles` (`ia` is the authority under test). */
export function lawfulRoles(ia?: string): JsonValue[] {
  const grant = (role: string, a: Actor, scope: Record<string, string[]> = {}) => ({
    role,
    subject: a.did,
    name: `Test ${a.label}`,
    scope,
  });
  return [
    ...(ia === undefined
      ? []
      : [{ role: 'identity-authority', subject: ia, name: 'IA', scope: { vct: [REAL_NAME_VCT] } }]),
    grant('identity-authority', CAST.ia2, { vct: [REAL_NAME_VCT] }),
    grant('lawful-requester', CAST.court, { bases: ['prc-cpl-150'] }),
    grant('lawful-requester', CAST.prosecutor),
    grant('lawful-requester', CAST.c3),
    grant('lawful-custodian', CAST.c1),
    grant('lawful-custodian', CAST.c2),
    grant('lawful-custodian', CAST.c3),
    {
      ...grant('relying-party', CAST.site),
      site: {
        origins: [SITE_ORIGIN],
        purposes: [{ id: 'login', description: 'Log in', claims: ['age_over_18'] }],
      },
    },
  ];
}

/** The cast's DID documents, as genesis `did.documents` entries. */
export function lawfulDocuments(): JsonValue[] {
  return Object.values(CAST).map((a) => a.create.body as unknown as JsonValue);
}

/** Adds the cast (documents and roles) to the genesis of a data folder not yet opened. */
export function addCastToDataDir(dir: string, extraGov: Record<string, JsonValue> = {}): void {
  const path = join(dir, 'genesis.json');
  const g = JSON.parse(readFileSync(path, 'utf8')) as {
    modules: { did?: { documents?: JsonValue[] }; gov: { roles?: JsonValue[] } & object };
  };
  g.modules.did = {
    ...g.modules.did,
    documents: [...(g.modules.did?.documents ?? []), ...lawfulDocuments()],
  };
  g.modules.gov.roles = [...(g.modules.gov.roles ?? []), ...lawfulRoles()];
  Object.assign(g.modules.gov, extraGov);
  writeFileSync(path, JSON.stringify(g, null, 2));
}

/** The subject commitment (as the module computes it). */
export function subjectOf(nonce: string, pairwiseDid: string): string {
  return toHex(sha256(utf8(`realdid/lawful-subject/v1\n${nonce}\n${pairwiseDid}`)));
}

/** A request body for `authority` about `pairwiseDid` at the cast's site. */
export function requestBody(
  authority: string,
  pairwiseDid: string,
  o: { nonce?: string; noticeDelayMs?: number; basis?: string; site?: string } = {},
): { [k: string]: JsonValue } {
  const nonce =
    o.nonce ?? toBase64url(sha256(utf8(`nonce ${pairwiseDid} ${Math.random()}`)).subarray(0, 16));
  return {
    authority,
    site: o.site ?? CAST.site.did,
    subject: subjectOf(nonce, pairwiseDid),
    nonce,
    basis: o.basis ?? BASIS,
    caseRef: toHex(sha256(utf8('case 2026-xyz-001'))),
    noticeDelayMs: o.noticeDelayMs ?? 0,
  };
}
