/**
 * The DCQL part of realdid's OpenID4VP 1.0 profile (OpenID4VP 1.0 §6): one Credential Query for
 * the real-name SD-JWT VC (`format: dc+sd-jwt`, `meta.vct_values`), claims named by one-segment
 * paths, nothing else (no `credential_sets`, `claim_sets`, `values`, `trusted_authorities`,
 * `multiple`, or a request without holder binding). The `dcql` package checks the structure; the
 * profile and the satisfaction of a query by a presentation are checked here (§8.6 "VP Token
 * Validation": the library does not check that a response satisfies the query).
 */
import { DcqlQuery } from 'dcql';
import { AppError } from '../errors.ts';
import { isObject } from './_sd-process.ts';
import { RESERVED, SD_JWT_VC_TYP } from './_vc-verify.ts';
import { REAL_NAME_VCT } from './sd-jwt-vc.ts';

/** The Credential Format Identifier of SD-JWT VC (OpenID4VP 1.0 Appendix B, SD-JWT VC). */
export const DCQL_FORMAT = SD_JWT_VC_TYP;
/** The default Credential Query id of the real-name credential. */
export const REAL_NAME_QUERY_ID = 'real_name';

/** A claim name the profile lets a site ask for (a top-level claim of the credential). */
const CLAIM_RE = /^[a-z][a-z0-9_]{0,63}$/;
/** A Credential Query id (§6.1: alphanumeric, `_`, `-`). */
const QUERY_ID_RE = /^[A-Za-z0-9_-]{1,64}$/;

/** One Claims Query of the profile: a one-segment path (§6.3). */
export type DcqlClaim = { readonly path: readonly [string] };
/** A DCQL query of the profile, as a site sends it. */
export type RealNameDcql = {
  readonly credentials: readonly [
    {
      readonly id: string;
      readonly format: typeof DCQL_FORMAT;
      readonly meta: { readonly vct_values: readonly string[] };
      readonly claims?: readonly DcqlClaim[];
    },
  ];
};

/** What a profile query asks for: the Credential Query id, the credential type, the claims. */
export interface ProfileQuery {
  readonly credentialId: string;
  readonly vct: string;
  readonly claims: readonly string[];
}

function unsupported(message: string, cause?: unknown): never {
  throw new AppError(
    'ERR_IDENTITY_DCQL_UNSUPPORTED',
    message,
    cause === undefined ? {} : { cause },
  );
}

/**
 * The DCQL query asking for the real-name credential with `claims` (none: only what is always
 * visible).
 * @throws RangeError for a claim name outside the profile or given twice, or a bad id
 * @example realNameQuery(['age_over_18']) // {credentials:[{id:'real_name', format:'dc+sd-jwt', …}]}
 */
export function realNameQuery(
  claims: readonly string[],
  id: string = REAL_NAME_QUERY_ID,
): RealNameDcql {
  if (!QUERY_ID_RE.test(id)) throw new RangeError(`"id" is not a DCQL query id: ${id}`);
  for (const c of claims)
    if (!CLAIM_RE.test(c) || RESERVED.has(c)) throw new RangeError(`"claims": bad claim ${c}`);
  if (new Set(claims).size !== claims.length) throw new RangeError('"claims" has duplicates');
  const query = { id, format: DCQL_FORMAT, meta: { vct_values: [REAL_NAME_VCT] } } as const;
  return {
    credentials: [
      claims.length === 0
        ? query
        : { ...query, claims: claims.map((c): DcqlClaim => ({ path: [c] })) },
    ],
  };
}

/** The claim names of a Credential Query's `claims`. @throws ERR_IDENTITY_DCQL_UNSUPPORTED */
function claimNames(claims: unknown): string[] {
  if (claims === undefined) return [];
  if (!Array.isArray(claims) || claims.length === 0)
    unsupported('"claims" must be a non-empty array');
  const names: string[] = [];
  for (const c of claims as unknown[]) {
    if (!isObject(c)) unsupported('a claims query must be an object');
    if (c.values !== undefined) unsupported('claim value matching ("values") is not supported');
    const path = c.path;
    if (!Array.isArray(path) || path.length !== 1 || typeof path[0] !== 'string')
      unsupported(`claim path ${JSON.stringify(path)} is not one claim name`);
    const name = path[0];
    if (!CLAIM_RE.test(name) || RESERVED.has(name))
      unsupported(`claim ${JSON.stringify(name)} cannot be asked for`);
    if (names.includes(name)) unsupported(`claim ${name} is asked for twice`);
    names.push(name);
  }
  return names;
}

/**
 * Queries already checked, by identity: only deeply frozen ones (a site signs the same frozen
 * query for every login of a purpose), so what was checked cannot have changed since. Saves the
 * `dcql` package's validation on each request object a site signs.
 */
const FROZEN_CHECKED = new WeakMap<object, ProfileQuery>();

function deepFrozen(v: unknown): boolean {
  if (v === null || typeof v !== 'object') return true;
  return Object.isFrozen(v) && Object.values(v).every(deepFrozen);
}

/**
 * Checks that a DCQL query is valid (the `dcql` package) and inside the profile, and says what it
 * asks for. Unknown properties are ignored (§6).
 * @throws ERR_IDENTITY_DCQL_UNSUPPORTED
 */
export function checkDcqlQuery(q: unknown): ProfileQuery {
  const known = isObject(q) ? FROZEN_CHECKED.get(q) : undefined;
  if (known !== undefined) return known;
  const checked = checkDcqlQueryOnce(q);
  if (!deepFrozen(q)) return checked;
  const frozen = Object.freeze({ ...checked, claims: Object.freeze([...checked.claims]) });
  FROZEN_CHECKED.set(q as object, frozen);
  return frozen;
}

function checkDcqlQueryOnce(q: unknown): ProfileQuery {
  if (!isObject(q)) unsupported('"dcql_query" must be a JSON object');
  try {
    DcqlQuery.validate(DcqlQuery.parse(q as DcqlQuery.Input));
  } catch (err) {
    unsupported(`"dcql_query" is not a valid DCQL query: ${(err as Error).message}`, err);
  }
  if (q.credential_sets !== undefined) unsupported('"credential_sets" is not supported');
  const list = q.credentials as unknown[];
  if (list.length !== 1) unsupported(`one Credential Query expected, got ${list.length}`);
  const c = list[0] as Record<string, unknown>;
  const id = c.id as string;
  if (!QUERY_ID_RE.test(id)) unsupported(`Credential Query id ${JSON.stringify(id)} is too long`);
  if (c.format !== DCQL_FORMAT) unsupported(`format ${JSON.stringify(c.format)} is not dc+sd-jwt`);
  if (c.multiple !== undefined && c.multiple !== false) unsupported('"multiple" is not supported');
  if (c.require_cryptographic_holder_binding === false)
    unsupported('a presentation without holder binding is not supported');
  if (c.trusted_authorities !== undefined) unsupported('"trusted_authorities" is not supported');
  if (c.claim_sets !== undefined) unsupported('"claim_sets" is not supported');
  const vcts = isObject(c.meta) ? c.meta.vct_values : undefined;
  if (!Array.isArray(vcts) || !vcts.includes(REAL_NAME_VCT))
    unsupported(`"meta.vct_values" must name ${REAL_NAME_VCT}`);
  return { credentialId: id, vct: REAL_NAME_VCT, claims: claimNames(c.claims) };
}

/** What a verified presentation showed: its type, disclosed claims, always-visible claims. */
export interface PresentedClaims {
  readonly vct: string;
  readonly disclosed: readonly string[];
  /** Claims always visible in the credential (a query may name them; they are never disclosed). */
  readonly visible?: readonly string[];
}

function unsatisfied(message: string): never {
  throw new AppError('ERR_IDENTITY_DCQL_UNSATISFIED', message);
}

/**
 * Checks that a presentation satisfies a profile query exactly (§6.4.1, §8.6): answered under the
 * query's id, of its type, every requested claim disclosed (or always visible), and no claim
 * disclosed that was not requested.
 * @throws ERR_IDENTITY_DCQL_UNSATISFIED
 */
export function checkSatisfied(
  query: ProfileQuery,
  credentialId: string,
  presented: PresentedClaims,
): void {
  if (credentialId !== query.credentialId)
    unsatisfied(`the answer is for ${JSON.stringify(credentialId)}, not ${query.credentialId}`);
  if (presented.vct !== query.vct) unsatisfied(`vct ${presented.vct} is not ${query.vct}`);
  const shown = new Set([...presented.disclosed, ...(presented.visible ?? [])]);
  for (const c of query.claims) if (!shown.has(c)) unsatisfied(`requested claim ${c} is missing`);
  for (const d of presented.disclosed)
    if (!query.claims.includes(d)) unsatisfied(`claim ${d} was disclosed but not requested`);
}
