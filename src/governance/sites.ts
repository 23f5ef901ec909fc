/**
 * Relying-party registrations: the rules a `relying-party` accreditation's site terms obey, and
 * the origin index (`gov/site-origin/<origin>` → DID) that keeps each origin to one site.
 *
 * Wallets derive a person's pairwise key for a site from its primary origin (the first), so two
 * rules protect the accounts people have there: an origin belongs for good to the first site that
 * registered it (revoking or re-registering a site does not free it: another DID on that origin
 * would get the same pairwise DIDs, and could link them to what the old site knew), and a site
 * re-registered keeps its primary origin (`gov/site-primary/<did>`; another one would change every
 * account id at the site).
 */
import { AppError } from '../errors.ts';
import { readJson, type ModuleState, type StateReader } from '../ledger/index.ts';
import type { RoleGrantInput, SiteTerms } from './schema.ts';
import { KEYS } from './state.ts';

/** The role whose grants carry site terms. */
export const SITE_ROLE = 'relying-party';

function invalid(message: string): never {
  throw new AppError('ERR_GOV_INVALID_CHANGE', message);
}

/** The first id that occurs twice, if any. */
function duplicate(ids: readonly string[]): string | undefined {
  const seen = new Set<string>();
  for (const id of ids) {
    if (seen.has(id)) return id;
    seen.add(id);
  }
  return undefined;
}

/** The DID holding `origin` as a registered site origin, if any. */
export function siteOfOrigin(state: StateReader, origin: string): string | undefined {
  return readJson<string>(state, KEYS.siteOrigin(origin));
}

/** An origin must be written as the URL standard serializes it (no default port, no dot at the end). */
function checkOrigin(origin: string): void {
  let serialized: string;
  try {
    serialized = new URL(origin).origin;
  } catch (err) {
    throw new AppError('ERR_GOV_INVALID_CHANGE', `site origin ${origin} is not a URL origin`, {
      cause: err,
    });
  }
  if (serialized !== origin || origin.endsWith('.'))
    invalid(`site origin ${origin} must be written as ${serialized.replace(/\.$/, '')}`);
  const { protocol, hostname } = new URL(origin);
  if (protocol === 'http:' && hostname !== 'localhost' && hostname !== '127.0.0.1')
    invalid(
      `site origin ${origin}: plain http only on localhost or 127.0.0.1 (wallets refuse it elsewhere)`,
    );
}

/** Ids unique, every policy a purpose names registered, origins well formed. */
function checkTerms(site: SiteTerms): void {
  for (const o of site.origins) checkOrigin(o);
  const purpose = duplicate(site.purposes.map((p) => p.id));
  if (purpose !== undefined) invalid(`purpose id "${purpose}" is used twice`);
  const policies = (site.policies ?? []).map((p) => p.id);
  const policy = duplicate(policies);
  if (policy !== undefined) invalid(`policy id "${policy}" is used twice`);
  for (const p of site.purposes)
    for (const id of p.policies ?? [])
      if (!policies.includes(id))
        invalid(`purpose "${p.id}" names policy "${id}", which the site does not register`);
}

/**
 * Checks the site terms of a grant, reading state only: `site` present exactly for
 * `relying-party`, whose subject is a did:rdid; unique purpose and policy ids; purposes name
 * registered policies; no origin held by another relying party.
 * @throws ERR_GOV_INVALID_CHANGE
 */
export function checkSiteGrant(state: StateReader, grant: RoleGrantInput): void {
  if (grant.role !== SITE_ROLE) {
    if (grant.site !== undefined) invalid(`only a ${SITE_ROLE} registers site terms`);
    return;
  }
  if (grant.site === undefined) invalid(`a ${SITE_ROLE} needs site terms ("site")`);
  if (!grant.subject.startsWith('did:rdid:'))
    invalid(`a ${SITE_ROLE} must be a did:rdid, got ${grant.subject}`);
  checkTerms(grant.site);
  for (const o of grant.site.origins) {
    const holder = siteOfOrigin(state, o);
    if (holder !== undefined && holder !== grant.subject)
      invalid(`origin ${o} is registered to another site, ${holder} (origins are never reused)`);
  }
  const primary = readJson<string>(state, KEYS.sitePrimary(grant.subject));
  if (primary !== undefined && grant.site.origins[0] !== primary)
    invalid(
      `${grant.subject}'s primary origin is ${primary}: it must stay first (people's account ids there derive from it)`,
    );
}

/**
 * Indexes the origins of a checked grant (an origin, once indexed, stays with its site) and its
 * primary origin. Call after {@link checkSiteGrant}.
 */
export function putSiteOrigins(state: ModuleState, grant: RoleGrantInput): void {
  if (grant.role !== SITE_ROLE || grant.site === undefined) return;
  for (const o of grant.site.origins) state.write(KEYS.siteOrigin(o), grant.subject);
  state.write(KEYS.sitePrimary(grant.subject), grant.site.origins[0]!);
}
