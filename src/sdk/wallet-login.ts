/**
 * The wallet's side of realdid's OpenID4VP 1.0 login (docs/login.md): open a link (fetch and
 * verify the site's signed request object, check the site's registration through proven ledger
 * state), show the person what the site asks, then answer with the copy bound to the site's
 * pairwise key, disclosing only the requested claims, and a consent receipt when the site invokes
 * a disclosure policy.
 */
import {
  type DecodedSdJwtVc,
  didKeyOfJwk,
  didOfClientId,
  jwkOfEd25519,
  parseRequestLink,
  presentationHash,
  presentSdJwtVc,
  REQUEST_OBJECT_MEDIA_TYPE,
  signConsentReceipt,
  signerOfKeyPair,
  verifierOfJwk,
  verifyRequestObject,
  webOriginOf,
  type JwsVerifier,
  type RequestObjectClaims,
} from '../credentials/index.ts';
import { decodeMultikey, type Ed25519KeyPair } from '../crypto/index.ts';
import { parseDidUrl } from '../did/index.ts';
import { AppError, isAppError } from '../errors.ts';
import type { DisclosurePolicy, SitePurpose } from '../governance/index.ts';
import type { RealdidClient } from './client.ts';
import { checkTerms, RECEIPT_FIELD } from './login-checks.ts';
import { consentReceiptHash, verifiedSite } from './sites.ts';

/** A verified login request, as the wallet shows it before asking consent. */
export interface LoginPrompt {
  readonly link: string;
  readonly clientId: string;
  /** The site as governance registered it (proven state). */
  readonly site: {
    readonly did: string;
    readonly name: string;
    readonly origins: readonly string[];
    /** The origin the person's pairwise key for this site is derived from. */
    readonly primaryOrigin: string;
  };
  readonly purpose: SitePurpose;
  readonly policy?: DisclosurePolicy;
  /** The claims the site asks to see. */
  readonly claims: readonly string[];
  /** The DCQL Credential Query id to answer under. */
  readonly credentialId: string;
  /** The verified request object's claims (nonce, state, response_uri, …). */
  readonly request: RequestObjectClaims;
  readonly responseUri: string;
  /** When the request expires, ms since the epoch. */
  readonly expires: number;
}

/** The person's key and copy for this site. */
export interface Holder {
  /** The SD-JWT VC copy bound to the site's pairwise key. */
  readonly credential: string;
  /** The pairwise key (`derivePairwise(seed, prompt.site.primaryOrigin)`). */
  readonly keyPair: Ed25519KeyPair;
  /** Its did:key. */
  readonly did: string;
}

/** What the wallet sent, and what the site answered. */
export interface LoginAnswer {
  readonly vpToken: string;
  readonly presentationHash: string;
  readonly receipt?: string;
  /** Hex SHA-256 of the receipt: what the ledger records. */
  readonly receiptHash?: string;
  /** Where the site asks the browser to go next (same-device), if on a registered origin. */
  readonly redirectUri?: string;
  readonly disclosed: string[];
}

/** Resolves a request object's `kid` through the ledger: an authentication key of its DID. */
function kidVerifier(client: RealdidClient): (kid: string) => Promise<JwsVerifier> {
  return async (kid) => {
    const { did, fragment } = parseDidUrl(kid);
    let doc;
    try {
      doc = (await client.resolveDid(did)).didDocument;
    } catch (err) {
      if (!isAppError(err, 'ERR_DID_NOT_FOUND') && !isAppError(err, 'ERR_DID_DEACTIVATED'))
        throw err;
      throw new AppError('ERR_IDENTITY_LOGIN_BAD_SIGNATURE', `${did}: ${err.message}`, {
        cause: err,
      });
    }
    const refers = (r: unknown): boolean => r === kid || r === `#${fragment}`;
    const vm = doc.verificationMethod?.find((m) => refers(m.id));
    if (vm?.publicKeyMultibase === undefined || !(doc.authentication ?? []).some(refers))
      throw new AppError('ERR_IDENTITY_LOGIN_BAD_SIGNATURE', `${kid} is not an authentication key`);
    return verifierOfJwk(jwkOfEd25519(decodeMultikey(vm.publicKeyMultibase)));
  };
}

function requireOrigin(origins: readonly string[], url: unknown, what: string): void {
  const origin = webOriginOf(url, what);
  if (!origins.includes(origin))
    throw new AppError(
      'ERR_IDENTITY_ORIGIN_NOT_REGISTERED',
      `${what} is on ${origin}, not a registered origin of the site`,
    );
}

/**
 * Opens a login link and checks everything before the person is asked: the link
 * (ERR_IDENTITY_LOGIN_MALFORMED); the site registered, as proven governance state
 * (ERR_IDENTITY_SITE_NOT_REGISTERED); the request_uri on a registered origin
 * (ERR_IDENTITY_ORIGIN_NOT_REGISTERED), fetched with `client.fetchText` (ERR_SDK_HTTP); the request
 * object signed by an authentication key of the client_id's DID, resolved with proofs
 * (ERR_IDENTITY_LOGIN_BAD_SIGNATURE), inside the profile (ERR_IDENTITY_LOGIN_MALFORMED,
 * ERR_IDENTITY_DCQL_UNSUPPORTED) and not expired; the response_uri on a registered origin; the
 * purpose registered, the policy allowed for it, every claim among the purpose's or the policy's
 * (ERR_IDENTITY_PURPOSE_, _POLICY_, _CLAIM_NOT_REGISTERED).
 * @param o.now now in ms (default Date.now())
 */
export async function openLogin(
  client: RealdidClient,
  link: string,
  o: { readonly now?: number } = {},
): Promise<LoginPrompt> {
  const { clientId, requestUri } = parseRequestLink(link);
  const reg = await verifiedSite(client, didOfClientId(clientId));
  requireOrigin(reg.site.origins, requestUri, 'request_uri');
  const jws = await client.fetchText(requestUri, REQUEST_OBJECT_MEDIA_TYPE);
  const now = o.now ?? Date.now();
  const v = await verifyRequestObject(jws.trim(), kidVerifier(client), {
    now: Math.floor(now / 1000),
    clientId,
  });
  const request = v.claims;
  requireOrigin(reg.site.origins, request.response_uri, 'response_uri');
  const { purpose, policy } = checkTerms(
    reg.site,
    request.realdid_purpose,
    request.realdid_policy,
    v.query.claims,
  );
  return {
    link,
    clientId,
    site: {
      did: reg.did,
      name: reg.name,
      origins: reg.site.origins,
      primaryOrigin: reg.site.origins[0]!,
    },
    purpose,
    ...(policy === undefined ? {} : { policy }),
    claims: v.query.claims,
    credentialId: v.query.credentialId,
    request,
    responseUri: request.response_uri,
    expires: request.exp * 1000,
  };
}

/** Which claims to disclose: the requested ones the copy can disclose; visible ones need none. */
function disclosuresFor(prompt: LoginPrompt, copy: DecodedSdJwtVc): string[] {
  const vcts = prompt.request.dcql_query.credentials[0].meta.vct_values;
  if (typeof copy.payload.vct !== 'string' || !vcts.includes(copy.payload.vct))
    throw new AppError(
      'ERR_IDENTITY_DCQL_UNSATISFIED',
      `the copy's type ${String(copy.payload.vct)} is not asked for`,
    );
  const disclosable = new Set(copy.disclosures.filter((d) => !d.element).map((d) => d.name));
  const out: string[] = [];
  for (const c of prompt.claims) {
    if (disclosable.has(c)) out.push(c);
    else if (!(c in copy.claims))
      throw new AppError('ERR_IDENTITY_DCQL_UNSATISFIED', `the credential has no claim ${c}`);
  }
  return out;
}

/**
 * Answers an opened login: presents the copy with only the requested claims and a KB-JWT (nonce of
 * the request, aud = the full client_id), signs a consent receipt when a policy is invoked, and
 * POSTs the form to the response_uri through the client's fetch.
 * @throws RangeError when `holder.did` is not the key's did:key; ERR_VC_BAD_KEY when the copy is
 *   not bound to the key; ERR_IDENTITY_DCQL_UNSATISFIED when the copy lacks a requested claim;
 *   ERR_SDK_HTTP; the site's error code (e.g. ERR_VC_REVOKED, ERR_IDENTITY_LOGIN_UNKNOWN)
 * @param o.now now in ms (default Date.now())
 */
export async function answerLogin(
  client: RealdidClient,
  prompt: LoginPrompt,
  holder: Holder,
  o: { readonly now?: number } = {},
): Promise<LoginAnswer> {
  const signer = signerOfKeyPair(holder.keyPair);
  if (didKeyOfJwk(signer.jwk).did !== holder.did)
    throw new RangeError(`"holder.did" ${holder.did} is not the did:key of the holder key`);
  const iat = Math.floor((o.now ?? Date.now()) / 1000);
  let disclosed: string[] = [];
  const vp = presentSdJwtVc(holder.credential, {
    disclose: (copy) => (disclosed = disclosuresFor(prompt, copy)),
    holder: signer,
    nonce: prompt.request.nonce,
    aud: prompt.clientId,
    iat,
  });
  const vpToken = JSON.stringify({ [prompt.credentialId]: [vp] });
  const hash = presentationHash(vpToken);
  const receipt =
    prompt.policy === undefined
      ? undefined
      : signConsentReceipt({
          holder: signer,
          clientId: prompt.clientId,
          site: prompt.site.did,
          policy: prompt.policy.id,
          claims: prompt.claims,
          iat,
          presentationHash: hash,
        });
  const fields: Record<string, string> = {
    vp_token: vpToken,
    state: prompt.request.state,
    ...(receipt === undefined ? {} : { [RECEIPT_FIELD]: receipt }),
  };
  const answer = await client.postForm(prompt.responseUri, fields);
  return {
    vpToken,
    presentationHash: hash,
    ...(receipt === undefined ? {} : { receipt, receiptHash: consentReceiptHash(receipt) }),
    ...redirectOf(prompt, answer.redirect_uri),
    disclosed,
  };
}

/** The site's redirect, kept only if it is an http(s) URL on one of its registered origins. */
function redirectOf(prompt: LoginPrompt, uri: unknown): { redirectUri?: string } {
  if (typeof uri !== 'string' || !URL.canParse(uri)) return {};
  const url = new URL(uri);
  const web = url.protocol === 'https:' || url.protocol === 'http:';
  return web && prompt.site.origins.includes(url.origin) ? { redirectUri: uri } : {};
}

/**
 * Tells the site the person declined (an Authorization Error Response `access_denied`, OpenID4VP
 * 1.0 §8.5), so its page stops waiting.
 * @throws ERR_SDK_HTTP, the site's error code
 */
export async function declineLogin(client: RealdidClient, prompt: LoginPrompt): Promise<void> {
  await client.postForm(prompt.responseUri, {
    error: 'access_denied',
    error_description: 'the person declined',
    state: prompt.request.state,
  });
}
