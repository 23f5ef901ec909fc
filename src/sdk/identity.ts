/**
 * The identity API of the SDK: the front office of an identity authority (enroll, re-bind,
 * revoke, look up; requests signed by an operator key of the authority's DID), a wallet's request
 * for a credential copy (signed by its master DID), and a verifier of real-name credential
 * presentations that trusts only what it can check: the issuer's key and accreditation come from
 * proven ledger state, the status from the issuer's signed status list.
 */
import {
  decodeMultikey,
  encodeMultikey,
  toBase64url,
  type Ed25519KeyPair,
} from '../crypto/index.ts';
import {
  REAL_NAME_VCT,
  StatusListCache,
  verifierOfJwk,
  verifySdJwtVcPresentation,
  jwkOfEd25519,
  type IssuerResolver,
  type JwsVerifier,
  type NonceStore,
  type VerifiedPresentation,
} from '../credentials/index.ts';
import {
  controlProofBytes,
  newRequestNonce,
  parseDidUrl,
  proveControl,
  signRequest,
  type ControlProof,
} from '../did/index.ts';
import { AppError, isAppError } from '../errors.ts';
import { accreditedAt, type RolePeriod } from '../governance/index.ts';
import type { JsonValue } from '../crypto/index.ts';
import type { RealdidClient } from './client.ts';
import { TtlCache } from './ttl-cache.ts';

/** A key that signs requests: its DID URL and key pair. */
export interface RequestKey {
  readonly kid: string;
  readonly keyPair: Ed25519KeyPair;
}

/** A person's details as the front office takes them. */
export interface PersonDetails {
  readonly familyName: string;
  readonly givenName: string;
  readonly idNumber: string;
  readonly birthdate: string;
  readonly nationality: string;
  readonly region?: string;
}

/** A binding as the authority's API shows it (no personal data). */
export interface BindingInfo {
  readonly did: string;
  readonly status: 'active' | 'rebound' | 'revoked';
  readonly authority: string;
  readonly since: number;
  readonly enrolled?: number;
  readonly rebinds?: number;
  readonly reason?: string;
  readonly copies: { readonly issued: number; readonly unexpired: number };
  readonly record: 'held' | 'erased' | 'none';
}

/** A credential copy as the authority issues it. */
export interface CopyInfo {
  readonly credential: string;
  readonly iat: number;
  readonly exp: number;
  readonly status: { readonly idx: number; readonly uri: string };
}

/** What `GET /v1/identity/authority` says about the authority a node serves. */
export interface AuthorityInfo {
  readonly did: string;
  readonly name: string;
  readonly issuerKey: string;
  readonly vct: string;
  readonly problem: string | null;
}

/** The identity authority's API, as the front office and wallets call it. */
export class IdentityApi {
  readonly #client: RealdidClient;
  constructor(client: RealdidClient) {
    this.#client = client;
  }

  /**
   * Which authority the node serves.
   * @throws ERR_IDENTITY_NOT_AUTHORITY_NODE when the node serves none (it has no such route)
   */
  async authority(): Promise<AuthorityInfo> {
    try {
      return await this.#client.request<AuthorityInfo>('GET', '/v1/identity/authority');
    } catch (err) {
      if (!isAppError(err, 'ERR_API_NOT_FOUND')) throw err;
      throw new AppError(
        'ERR_IDENTITY_NOT_AUTHORITY_NODE',
        `${this.#client.url} serves no identity authority (its node was not initialized with --authority)`,
        { cause: err },
      );
    }
  }

  #signed<T>(
    path: string,
    action: string,
    authority: string,
    body: JsonValue,
    key: RequestKey,
    nonce?: string,
  ): Promise<T> {
    const envelope = signRequest(
      action,
      authority,
      body,
      key,
      nonce === undefined ? {} : { nonce },
    );
    return this.#client.request('POST', path, envelope);
  }

  /** A fresh challenge for the person to sign (see {@link proveMasterDid}). */
  challenge(
    operator: RequestKey,
    authority: string,
  ): Promise<{ challenge: string; expires: number }> {
    return this.#signed('/v1/identity/challenges', 'identity.challenge', authority, {}, operator);
  }

  /**
   * Enrolls a person (front office).
   * @throws the ERR_IDENTITY_* codes of the checks, ERR_DID_AUTH_*
   */
  enroll(
    operator: RequestKey,
    authority: string,
    input: { readonly person: PersonDetails; readonly did: string; readonly proof: ControlProof },
  ): Promise<BindingInfo> {
    return this.#signed(
      '/v1/identity/enrollments',
      'identity.enroll',
      authority,
      input as never,
      operator,
    );
  }

  /** Re-binds a re-checked person to a new master DID; the old DID's copies are revoked. */
  rebind(
    operator: RequestKey,
    authority: string,
    input: { readonly person: PersonDetails; readonly did: string; readonly proof: ControlProof },
  ): Promise<BindingInfo> {
    return this.#signed(
      '/v1/identity/rebindings',
      'identity.rebind',
      authority,
      input as never,
      operator,
    );
  }

  /** Revokes the binding a master DID holds (and, with `erase`, shreds the person's record). */
  revoke(
    operator: RequestKey,
    authority: string,
    input: { readonly did: string; readonly reason: string; readonly erase?: boolean },
  ): Promise<BindingInfo> {
    return this.#signed('/v1/identity/revocations', 'identity.revoke', authority, input, operator);
  }

  /** A binding's status and copy counts. */
  show(operator: RequestKey, authority: string, did: string): Promise<BindingInfo> {
    return this.#signed('/v1/identity/lookups', 'identity.show', authority, { did }, operator);
  }

  /**
   * Obtains a credential copy bound to `holder` (a pairwise key): signed by the master DID's key,
   * with the holder key's proof of possession over the request nonce.
   * @throws ERR_IDENTITY_NOT_ENROLLED, ERR_IDENTITY_BINDING_ENDED, ERR_IDENTITY_ERASED, ERR_DID_AUTH_*
   */
  requestCopy(authority: string, master: RequestKey, holder: Ed25519KeyPair): Promise<CopyInfo> {
    const nonce = newRequestNonce();
    const holderKey = encodeMultikey(holder.publicKey);
    const pop = toBase64url(
      holder.sign(
        controlProofBytes({
          purpose: 'holder-key',
          audience: authority,
          challenge: nonce,
          subject: holderKey,
        }),
      ),
    );
    return this.#signed(
      '/v1/identity/copies',
      'identity.copy',
      authority,
      { holder: holderKey, pop },
      master,
      nonce,
    );
  }
}

/** The person's proof of control of their master DID over the front office's challenge. */
export function proveMasterDid(
  authority: string,
  challenge: string,
  master: RequestKey,
): ControlProof {
  return proveControl('enroll', authority, challenge, master);
}

/** The role an issuer of `vct` must hold, and the scope dimension that names the types. */
const ISSUER_ROLE = 'identity-authority';
const SCOPE = 'vct';

interface IssuerEntry {
  readonly verifier: JwsVerifier;
  readonly periods: RolePeriod[];
}

/**
 * Resolves credential issuers through the ledger like a light client: the key is an
 * `assertionMethod` of the issuer's did:rdid (proven resolution), and the issuer's accreditation
 * periods for the credential type come from proven governance state. Answers are cached for
 * `cacheSec` (default 60 s), so a verifier checks thousands of presentations a second.
 */
export class LedgerIssuerResolver implements IssuerResolver {
  readonly #client: RealdidClient;
  readonly #cache: TtlCache<IssuerEntry>;

  constructor(
    client: RealdidClient,
    o: { readonly cacheSec?: number; readonly maxEntries?: number } = {},
  ) {
    this.#client = client;
    this.#cache = new TtlCache({
      ttlMs: (o.cacheSec ?? 60) * 1000,
      ...(o.maxEntries === undefined ? {} : { maxEntries: o.maxEntries }),
    });
  }

  resolveIssuer(
    iss: string,
    kid: string | undefined,
    vct: string,
    iat: number,
  ): JwsVerifier | Promise<JwsVerifier> {
    const key = `${iss} ${kid ?? ''}`;
    const ready = this.#cache.peek(key);
    if (ready !== undefined) return judge(ready, iss, vct, iat);
    return this.#entry(iss, kid, key).then((e) => judge(e, iss, vct, iat));
  }

  /** The issuer's key for `kid` (no accreditation check; for status list tokens). */
  async verifierFor(iss: string, kid: string | undefined): Promise<JwsVerifier> {
    const key = `${iss} ${kid ?? ''}`;
    return (this.#cache.peek(key) ?? (await this.#entry(iss, kid, key))).verifier;
  }

  /** One lookup per key at a time, however many presentations wait for it. */
  #entry(iss: string, kid: string | undefined, key: string): Promise<IssuerEntry> {
    return this.#cache.get(key, () => this.#fetch(iss, kid));
  }

  async #fetch(iss: string, kid: string | undefined): Promise<IssuerEntry> {
    if (kid === undefined || !kid.startsWith(`${iss}#`))
      throw new AppError(
        'ERR_VC_ISSUER_UNKNOWN',
        `the credential's kid ${JSON.stringify(kid)} is not a key of ${iss}`,
      );
    let doc;
    try {
      doc = (await this.#client.resolveDid(iss)).didDocument;
    } catch (err) {
      if (
        isAppError(err) &&
        [
          'ERR_DID_NOT_FOUND',
          'ERR_DID_DEACTIVATED',
          'ERR_DID_INVALID',
          'ERR_DID_METHOD_NOT_SUPPORTED',
        ].includes(err.code)
      )
        throw new AppError('ERR_VC_ISSUER_UNKNOWN', `issuer ${iss}: ${err.message}`, {
          cause: err,
        });
      throw err;
    }
    const fragment = parseDidUrl(kid).fragment;
    const refers = (r: unknown): boolean => r === kid || r === `#${fragment}`;
    const vm = doc.verificationMethod?.find((m) => refers(m.id));
    if (
      vm === undefined ||
      !(doc.assertionMethod ?? []).some(refers) ||
      vm.publicKeyMultibase === undefined
    )
      throw new AppError('ERR_VC_ISSUER_UNKNOWN', `${kid} is not an assertion key of ${iss}`);
    const verifier = verifierOfJwk(jwkOfEd25519(decodeMultikey(vm.publicKeyMultibase)));
    const history = await this.#client.state<RolePeriod[]>(
      `gov/role-history/${ISSUER_ROLE}/${iss}`,
    );
    return { verifier, periods: history.value ?? [] };
  }
}

/** Was the issuer accredited for `vct` at `iat`, and is it still? */
function judge(e: IssuerEntry, iss: string, vct: string, iat: number): JwsVerifier {
  const reader = {
    get: (k: string) =>
      k === `gov/role-history/${ISSUER_ROLE}/${iss}` ? JSON.stringify(e.periods) : undefined,
  };
  if (!accreditedAt(reader, ISSUER_ROLE, iss, iat * 1000, SCOPE, vct))
    throw new AppError(
      'ERR_VC_ISSUER_NOT_ACCREDITED',
      `${iss} was not accredited for ${vct} at ${iat}`,
    );
  const last = e.periods.at(-1);
  if (last === undefined || last.until !== undefined || !(last.scope[SCOPE] ?? []).includes(vct))
    throw new AppError('ERR_VC_ISSUER_DEACCREDITED', `${iss} is no longer accredited for ${vct}`);
  return e.verifier;
}

/** A verifier of real-name credential presentations for a site (see {@link credentialVerifier}). */
export interface CredentialVerifier {
  verify(
    presentation: string,
    expect: {
      readonly nonce: string;
      readonly aud: string;
      readonly now?: number;
      readonly vct?: readonly string[];
    },
  ): Promise<VerifiedPresentation>;
  readonly issuers: LedgerIssuerResolver;
  readonly status: StatusListCache;
}

/**
 * A verifier for sites: issuer key and accreditation from proven ledger state, status from the
 * issuer's signed status list (cached, at most `statusMaxAgeSec` old, default 300 s), key binding
 * against the site's nonce and audience, nonces single-use if a `nonces` store is given.
 */
export function credentialVerifier(
  client: RealdidClient,
  o: {
    readonly statusMaxAgeSec?: number;
    readonly nonces?: NonceStore;
    readonly issuerCacheSec?: number;
  } = {},
): CredentialVerifier {
  const issuers = new LedgerIssuerResolver(
    client,
    o.issuerCacheSec === undefined ? {} : { cacheSec: o.issuerCacheSec },
  );
  const status = new StatusListCache({
    fetch: (uri) => client.fetchText(uri, 'application/statuslist+jwt'),
    verifierFor: (iss, kid) => issuers.verifierFor(iss, kid),
    ...(o.statusMaxAgeSec === undefined ? {} : { maxAgeSec: o.statusMaxAgeSec }),
  });
  return {
    issuers,
    status,
    verify: (presentation, expect) =>
      verifySdJwtVcPresentation(presentation, {
        issuers,
        status,
        nonce: expect.nonce,
        aud: expect.aud,
        now: expect.now ?? Math.floor(Date.now() / 1000),
        vct: expect.vct ?? [REAL_NAME_VCT],
        ...(o.nonces === undefined ? {} : { nonces: o.nonces }),
      }),
  };
}
