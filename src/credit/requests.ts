/**
 * The signed requests every credit node checks itself (body reads, reports): DID-signed envelopes
 * for the audience {@link CREDIT_AUDIENCE} (did/signed-request.ts), and a person's proof that
 * they hold a record's handle key. Each nonce is taken once while the request is valid.
 */
import { ed25519Verify, fromBase64url, utf8 } from '../crypto/index.ts';
import {
  REQUEST_WINDOW_MS,
  verifySignedRequest,
  type RequestSigner,
  type SignedRequest,
} from '../did/index.ts';
import { AppError } from '../errors.ts';
import { publicKeyOfDidKey, type StateReader } from '../ledger/index.ts';
import { checkAdded, OneTimeValues } from './_guards.ts';

/** The audience of the requests any credit node serves (not one authority's). */
export const CREDIT_AUDIENCE = 'realdid:credit';
/** Prefix of the bytes a person signs to read a record's body with its handle key. */
export const BODY_READ_LABEL = 'realdid/credit/body-read/v1|';

/** Nonces are remembered twice as long as a request is valid (5 minutes either way). */
const NONCE_TTL_MS = 2 * REQUEST_WINDOW_MS;
const MAX_OUTSTANDING = 100_000;
const MAX_PER_SIGNER = 1024;

/** A person's proof of holding a record's handle key. */
export interface PersonProof {
  /** ms since the epoch, within 5 minutes of the node's clock. */
  readonly created: number;
  /** 16 random bytes, base64url. */
  readonly nonce: string;
  /** base64url Ed25519 signature by the handle key over {@link bodyReadBytes}. */
  readonly signature: string;
}

/** The bytes of a body-read proof: utf8(`realdid/credit/body-read/v1|<record>|<created>|<nonce>`). */
export function bodyReadBytes(record: string, created: number, nonce: string): Uint8Array {
  return utf8(`${BODY_READ_LABEL}${record}|${created}|${nonce}`);
}

/** Checks DID-signed credit requests and handle-key proofs, each nonce once. */
export class CreditRequests {
  readonly #state: () => StateReader;
  readonly #now: () => number;
  readonly #nonces = new OneTimeValues(MAX_OUTSTANDING, MAX_PER_SIGNER);

  constructor(state: () => StateReader, now: () => number = Date.now) {
    this.#state = state;
    this.#now = now;
  }

  /**
   * Checks a request signed for {@link CREDIT_AUDIENCE} and `action` by a current authentication
   * key of a did:rdid, within the time window, never seen before.
   * @throws ERR_DID_AUTH_FAILED, ERR_DID_AUTH_EXPIRED, ERR_DID_AUTH_REPLAYED, ERR_CREDIT_RATE_LIMITED
   */
  authenticate(envelope: SignedRequest<unknown>, action: string): RequestSigner {
    const now = this.#now();
    const signer = verifySignedRequest(envelope, {
      state: this.#state(),
      action,
      audience: CREDIT_AUDIENCE,
      now,
    });
    checkAdded(
      this.#nonces.add(envelope.request.nonce, signer.did, now + NONCE_TTL_MS, now),
      'request',
    );
    return signer;
  }

  /**
   * Checks a person's proof for `record` against its handle key (a did:key).
   * @throws ERR_DID_AUTH_EXPIRED, ERR_CREDIT_NOT_SUBJECT, ERR_DID_AUTH_REPLAYED, ERR_CREDIT_RATE_LIMITED
   */
  checkPersonProof(record: string, handleKey: string, proof: PersonProof): void {
    const now = this.#now();
    if (Math.abs(now - proof.created) > REQUEST_WINDOW_MS)
      throw new AppError(
        'ERR_DID_AUTH_EXPIRED',
        `the proof was created at ${proof.created}, more than ${REQUEST_WINDOW_MS} ms from now (${now})`,
      );
    const bytes = bodyReadBytes(record, proof.created, proof.nonce);
    if (!ed25519Verify(fromBase64url(proof.signature), bytes, publicKeyOfDidKey(handleKey)))
      throw new AppError(
        'ERR_CREDIT_NOT_SUBJECT',
        `the proof does not verify with the handle key of record ${record}`,
      );
    checkAdded(this.#nonces.add(proof.nonce, handleKey, now + NONCE_TTL_MS, now), 'proof');
  }
}
