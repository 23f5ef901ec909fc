/**
 * The identity authority's side of a lawful de-anonymization: once the custodians have approved
 * a request on the ledger, its requester (and nobody else) sends the pairwise DID the request
 * committed to, with a fresh encryption key; the authority finds the person it issued a copy for
 * that key to, encrypts who they are to the requester (a compact JWE, ECDH-ES + A256GCM) and
 * records the outcome on the ledger (the JWE's hash, no personal data) before it answers. The
 * identity never reaches the ledger or the logs.
 */
import { encryptCompactJwe, sha256, toHex, utf8, type X25519PublicJwk } from '../crypto/index.ts';
import { verifySignedRequest, type SignedRequest } from '../did/index.ts';
import { AppError, isAppError } from '../errors.ts';
import type { ChainView, ModuleLog, SecretStore, StateReader } from '../ledger/index.ts';
import { checkAdded, KeyedLock, OneTimeValues } from './guards.ts';
import { requireRequesterAccredited } from './lawful.ts';
import { getLawfulRequest, lawfulSubjectOf, type LawfulRequest } from './lawful-state.ts';
import { loadPerson, tagOfHolder, type PersonRecord } from './records.ts';

/** The action a release request is signed for. */
export const LAWFUL_RELEASE_ACTION = 'identity.lawful-release';
/** Request nonces are remembered twice as long as a request is valid (5 minutes either way). */
const NONCE_TTL_MS = 2 * 5 * 60 * 1000;
const MAX_NONCES = 10_000;
const MAX_NONCES_PER_REQUESTER = 64;

/** What a requester sends (inside a DID-signed envelope). */
export interface LawfulReleaseBody {
  /** The request id. */
  readonly request: string;
  /** The pseudonym the request committed to. */
  readonly pairwiseDid: string;
  /** A public X25519 key the answer is encrypted to (made for this release). */
  readonly encryptionKey: X25519PublicJwk;
}

/** What the requester gets back. */
export interface LawfulReleaseAnswer {
  readonly result: 'released' | 'not-found';
  /** The identity (or, for `not-found`, only the result), encrypted to `encryptionKey`. */
  readonly jwe: string;
  /** The `idn.lawful-outcome` transaction, committed. */
  readonly outcomeTx: { readonly id: string; readonly height: number };
}

/** What a release needs of the authority. */
export interface LawfulReleaseDeps {
  readonly did: string;
  readonly chain: ChainView;
  readonly pendingState: () => StateReader;
  readonly vault: SecretStore;
  /** Signs with the issuer key, submits and waits for the commit. */
  submit(kind: string, body: object): Promise<{ id: string; height: number }>;
  readonly log: ModuleLog;
}

/** Releases of one authority: one at a time per request, each request released once. */
export class LawfulReleases {
  readonly #deps: LawfulReleaseDeps;
  readonly #nonces = new OneTimeValues(MAX_NONCES, MAX_NONCES_PER_REQUESTER);
  readonly #lock = new KeyedLock();

  constructor(deps: LawfulReleaseDeps) {
    this.#deps = deps;
  }

  /**
   * Releases the identity behind an approved request's pseudonym.
   * @throws ERR_DID_AUTH_FAILED, ERR_DID_AUTH_EXPIRED, ERR_DID_AUTH_REPLAYED,
   *   ERR_IDENTITY_LAWFUL_UNKNOWN (no such request to this authority),
   *   ERR_IDENTITY_NOT_LAWFUL_REQUESTER (not signed by its requester, or the requester's
   *   accreditation was revoked since),
   *   ERR_IDENTITY_LAWFUL_NOT_APPROVED, ERR_IDENTITY_LAWFUL_CLOSED,
   *   ERR_IDENTITY_LAWFUL_SUBJECT_MISMATCH, ERR_CRYPTO_BAD_KEY (the encryption key)
   */
  async release(envelope: SignedRequest<LawfulReleaseBody>): Promise<LawfulReleaseAnswer> {
    const { did, chain } = this.#deps;
    const now = Date.now();
    const signer = verifySignedRequest(envelope, {
      state: chain.state,
      action: LAWFUL_RELEASE_ACTION,
      audience: did,
      now,
    });
    const body = envelope.request.body;
    const first = this.#request(chain.state, body.request);
    if (signer.did !== first.requester)
      throw new AppError(
        'ERR_IDENTITY_NOT_LAWFUL_REQUESTER',
        `${signer.did} did not file request ${first.id}`,
      );
    checkAdded(
      this.#nonces.add(envelope.request.nonce, signer.did, now + NONCE_TTL_MS, now),
      'request',
    );
    return this.#lock.run(first.id, async () => {
      const r = this.#request(this.#deps.pendingState(), body.request);
      if (r.status === 'open')
        throw new AppError(
          'ERR_IDENTITY_LAWFUL_NOT_APPROVED',
          `request ${r.id} has ${r.approvals.length} custodian approvals, not the number governance sets`,
        );
      if (r.status !== 'approved')
        throw new AppError('ERR_IDENTITY_LAWFUL_CLOSED', `request ${r.id} is ${r.status}`);
      requireRequesterAccredited(this.#deps.pendingState(), r);
      if (lawfulSubjectOf(r.nonce, body.pairwiseDid) !== r.subject)
        throw new AppError(
          'ERR_IDENTITY_LAWFUL_SUBJECT_MISMATCH',
          `this pairwise DID is not the one request ${r.id} committed to`,
        );
      const person = this.#personOf(body.pairwiseDid);
      const payload =
        person === undefined
          ? { result: 'not-found', requestId: r.id }
          : {
              result: 'released',
              requestId: r.id,
              familyName: person.familyName,
              givenName: person.givenName,
              idNumber: person.idNumber,
              birthdate: person.birthdate,
              nationality: person.nationality,
              region: person.region,
              masterDid: person.did,
            };
      const result = person === undefined ? 'not-found' : 'released';
      const jwe = encryptCompactJwe(utf8(JSON.stringify(payload)), body.encryptionKey);
      const tx = await this.#deps.submit('idn.lawful-outcome', {
        request: r.id,
        result,
        releaseHash: toHex(sha256(utf8(jwe))),
      });
      this.#deps.log.info('lawful request answered', { request: r.id, result });
      return { result, jwe, outcomeTx: { id: tx.id, height: tx.height } };
    });
  }

  /** A request made to this authority. */
  #request(state: StateReader, id: string): LawfulRequest {
    const r = getLawfulRequest(state, id);
    if (r === undefined || r.authority !== this.#deps.did)
      throw new AppError(
        'ERR_IDENTITY_LAWFUL_UNKNOWN',
        `no lawful request ${id} to this authority`,
      );
    return r;
  }

  /** The person this authority issued a copy for the holder key to, if their record is held. */
  #personOf(pairwiseDid: string): PersonRecord | undefined {
    const tag = tagOfHolder(this.#deps.vault, pairwiseDid);
    if (tag === undefined) return undefined;
    try {
      return loadPerson(this.#deps.vault, tag);
    } catch (err) {
      if (!isAppError(err, 'ERR_IDENTITY_ERASED')) throw err;
      return undefined;
    }
  }
}
