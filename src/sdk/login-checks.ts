/**
 * Checks of realdid's OpenID4VP login that both sides make: a request against the site's
 * registered terms (purpose, disclosure policy, claims), and the shape of a `direct_post`
 * response (`vp_token` as DCQL answers it, OpenID4VP 1.0 §8.1; the consent receipt).
 */
import { AppError } from '../errors.ts';
import type { DisclosurePolicy, SitePurpose, SiteTerms } from '../governance/index.ts';

/** The form field that carries the consent receipt of an invoked disclosure policy. */
export const RECEIPT_FIELD = 'realdid_consent_receipt';

/**
 * The purpose and policy a request names, checked against the site's terms: the purpose is
 * registered, the policy (if any) is registered and allowed for the purpose, and every claim is
 * among the purpose's claims or the policy's.
 * @throws ERR_IDENTITY_PURPOSE_NOT_REGISTERED, ERR_IDENTITY_POLICY_NOT_REGISTERED,
 *   ERR_IDENTITY_CLAIM_NOT_REGISTERED
 */
export function checkTerms(
  site: SiteTerms,
  purposeId: string,
  policyId: string | undefined,
  claims: readonly string[],
): { purpose: SitePurpose; policy: DisclosurePolicy | undefined } {
  const purpose = site.purposes.find((p) => p.id === purposeId);
  if (purpose === undefined)
    throw new AppError('ERR_IDENTITY_PURPOSE_NOT_REGISTERED', `no registered purpose ${purposeId}`);
  let policy: DisclosurePolicy | undefined;
  if (policyId !== undefined) {
    policy = site.policies?.find((p) => p.id === policyId);
    if (policy === undefined || !(purpose.policies ?? []).includes(policyId))
      throw new AppError(
        'ERR_IDENTITY_POLICY_NOT_REGISTERED',
        `policy ${policyId} is not registered for purpose ${purposeId}`,
      );
  }
  const allowed = new Set([...purpose.claims, ...(policy?.claims ?? [])]);
  for (const c of claims)
    if (!allowed.has(c))
      throw new AppError(
        'ERR_IDENTITY_CLAIM_NOT_REGISTERED',
        `claim ${c} is not registered for purpose ${purposeId}${policyId === undefined ? '' : ` or policy ${policyId}`}`,
      );
  return { purpose, policy };
}

function malformed(message: string, cause?: unknown): never {
  throw new AppError('ERR_IDENTITY_LOGIN_MALFORMED', message, cause === undefined ? {} : { cause });
}

/**
 * The fields of a response form: `vp_token` (a string), and the consent receipt, which only a
 * request under a policy may carry (its absence is the receipt check's to report).
 * @throws ERR_IDENTITY_LOGIN_MALFORMED
 */
export function responseForm(
  form: Readonly<Record<string, string | undefined>>,
  policy: boolean,
): { vpToken: string; receipt: string | undefined } {
  const vpToken = form.vp_token;
  if (typeof vpToken !== 'string' || vpToken === '') malformed('the response has no "vp_token"');
  const receipt = form[RECEIPT_FIELD];
  if (!policy && receipt !== undefined)
    malformed(`"${RECEIPT_FIELD}" answers no disclosure policy of this request`);
  return { vpToken, receipt };
}

/**
 * Parses a `vp_token`: a JSON object with one Credential Query id mapped to one presentation.
 * @throws ERR_IDENTITY_LOGIN_MALFORMED
 */
export function parseVpToken(vpToken: string): { credentialId: string; presentation: string } {
  let value: unknown;
  try {
    value = JSON.parse(vpToken);
  } catch (err) {
    malformed('"vp_token" is not JSON', err);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    malformed('"vp_token" must be a JSON object');
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length !== 1) malformed(`"vp_token" must answer one query, got ${entries.length}`);
  const [credentialId, list] = entries[0]!;
  if (!Array.isArray(list) || list.length !== 1 || typeof list[0] !== 'string')
    malformed(`"vp_token".${credentialId} must be an array of one presentation`);
  return { credentialId, presentation: list[0] };
}
