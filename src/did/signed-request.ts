/**
 * DID-authenticated requests: an off-ledger API call signed with a DID's authentication key, as
 * a transaction is, but never put on the ledger. The signed bytes are the JCS canonical JSON of
 * the request with a domain tag, the action and the audience (the service it is meant for), so a
 * signature made for one service or one action is useless for another; `created` bounds how long
 * it is valid, and the service remembers `nonce`s within that window to refuse replays.
 */
import { randomBytes } from 'node:crypto';
import {
  canonicalBytes,
  ed25519Verify,
  fromBase64url,
  toBase64url,
  type Ed25519KeyPair,
  type JsonValue,
} from '../crypto/index.ts';
import { AppError } from '../errors.ts';
import type { StateReader } from '../ledger/index.ts';
import { resolveRdidKey } from './state.ts';
import { parseDidUrl } from './syntax.ts';

/** Domain separation tag of signed requests (never a valid transaction). */
export const REQUEST_DOMAIN = 'realdid/request/v1';
/** How far `created` may be from the verifier's clock (either way). */
export const REQUEST_WINDOW_MS = 5 * 60 * 1000;

/** What is signed. */
export interface RequestPayload<B = JsonValue> {
  /** What the request asks for, e.g. `identity.enroll`. */
  readonly action: string;
  /** Who it is for: the DID of the service (an identity authority). */
  readonly audience: string;
  readonly body: B;
  /** Milliseconds since the epoch, by the signer's clock. */
  readonly created: number;
  /** 16 random bytes, base64url. */
  readonly nonce: string;
}

/** A request with its signer (a did:rdid DID URL of an authentication key) and signature. */
export interface SignedRequest<B = JsonValue> {
  readonly request: RequestPayload<B>;
  readonly signer: string;
  /** base64url Ed25519 signature over {@link requestSigningBytes}. */
  readonly signature: string;
}

/** A fresh request nonce: 16 random bytes, base64url. */
export function newRequestNonce(): string {
  return toBase64url(randomBytes(16));
}

/** The bytes a request signature covers. */
export function requestSigningBytes(request: RequestPayload<unknown>, signer: string): Uint8Array {
  return canonicalBytes({ domain: REQUEST_DOMAIN, ...request, signer });
}

/**
 * Signs a request.
 * @example signRequest('identity.enroll', iaDid, body, { kid: `${opDid}#op`, keyPair })
 */
export function signRequest<B extends JsonValue>(
  action: string,
  audience: string,
  body: B,
  signer: { readonly kid: string; readonly keyPair: Ed25519KeyPair },
  o: { readonly now?: number; readonly nonce?: string } = {},
): SignedRequest<B> {
  const request: RequestPayload<B> = {
    action,
    audience,
    body,
    created: o.now ?? Date.now(),
    nonce: o.nonce ?? newRequestNonce(),
  };
  const signature = toBase64url(signer.keyPair.sign(requestSigningBytes(request, signer.kid)));
  return { request, signer: signer.kid, signature };
}

/** Who signed a verified request. */
export interface RequestSigner {
  readonly did: string;
  readonly kid: string;
}

/**
 * Checks a signed request against committed state: the action and audience are the expected
 * ones, `created` is within the window of `now`, and the signature verifies with the signer's
 * current authentication key (so a rotated-out or deactivated key fails). Replays inside the
 * window are the service's to refuse, by remembering `request.nonce`.
 * @throws ERR_DID_AUTH_FAILED, ERR_DID_AUTH_EXPIRED
 */
export function verifySignedRequest(
  envelope: SignedRequest<unknown>,
  o: {
    readonly state: StateReader;
    readonly action: string;
    readonly audience: string;
    readonly now: number;
    readonly windowMs?: number;
  },
): RequestSigner {
  const { request, signer } = envelope;
  if (request.action !== o.action)
    fail(`the request was signed for ${JSON.stringify(request.action)}, not ${o.action}`);
  if (request.audience !== o.audience)
    fail(`the request was signed for ${request.audience}, not ${o.audience}`);
  const window = o.windowMs ?? REQUEST_WINDOW_MS;
  if (!Number.isFinite(request.created) || Math.abs(o.now - request.created) > window)
    throw new AppError(
      'ERR_DID_AUTH_EXPIRED',
      `the request was created at ${request.created}, more than ${window} ms from now (${o.now})`,
    );
  checkSignedBy(
    o.state,
    signer,
    requestSigningBytes(request, signer),
    envelope.signature,
    'request',
  );
  return { did: parseDidUrl(signer).did, kid: signer };
}

function fail(message: string): never {
  throw new AppError('ERR_DID_AUTH_FAILED', message);
}

/**
 * Checks that `signature` (base64url) over `bytes` verifies with `signer`, a current
 * authentication key of an active did:rdid in `state`. @throws ERR_DID_AUTH_FAILED
 */
function checkSignedBy(
  state: StateReader,
  signer: string,
  bytes: Uint8Array,
  signature: string,
  what: string,
): void {
  const key = resolveRdidKey(state, signer);
  if (key === undefined)
    fail(`${signer} is not a current authentication key of an active did:rdid`);
  let sig: Uint8Array;
  try {
    sig = fromBase64url(signature);
  } catch (err) {
    fail(`the ${what}'s signature is not base64url: ${(err as Error).message}`);
  }
  if (!ed25519Verify(sig, bytes, key))
    fail(`the ${what}'s signature does not verify with ${signer}`);
}

/** Domain separation tag of proofs of control (a signature over a fresh challenge). */
export const PROOF_DOMAIN = 'realdid/proof-of-control/v1';

/** What a proof of control states: that the holder of a key (of `subject`) answers `challenge` for `audience`. */
export interface ControlStatement {
  /** What the proof is for, e.g. `enroll` (control of a master DID) or `holder-key`. */
  readonly purpose: string;
  readonly audience: string;
  readonly challenge: string;
  /** The DID or Multikey whose control is proven. */
  readonly subject: string;
}

/** The bytes a proof of control signs (JCS canonical JSON with a domain tag). */
export function controlProofBytes(s: ControlStatement): Uint8Array {
  return canonicalBytes({ domain: PROOF_DOMAIN, ...s });
}

/** A proof of control of a DID: the signer key's DID URL and the base64url signature. */
export interface ControlProof {
  readonly challenge: string;
  readonly signer: string;
  readonly signature: string;
}

/** Proves control of `did` (through its key `kid`) for `audience`'s `challenge`. */
export function proveControl(
  purpose: string,
  audience: string,
  challenge: string,
  signer: { readonly kid: string; readonly keyPair: Ed25519KeyPair },
): ControlProof {
  const subject = parseDidUrl(signer.kid).did;
  const sig = signer.keyPair.sign(controlProofBytes({ purpose, audience, challenge, subject }));
  return { challenge, signer: signer.kid, signature: toBase64url(sig) };
}

/**
 * Checks a proof that `did` is controlled by the prover: the signer is a current authentication
 * key of `did` in `state`, and the signature covers this purpose, audience and challenge.
 * @throws ERR_DID_AUTH_FAILED
 */
export function verifyControlProof(
  proof: ControlProof,
  o: {
    readonly state: StateReader;
    readonly purpose: string;
    readonly audience: string;
    readonly did: string;
  },
): void {
  let signerDid: string;
  try {
    signerDid = parseDidUrl(proof.signer).did;
  } catch (err) {
    fail(`the proof's signer is not a DID URL: ${(err as Error).message}`);
  }
  if (signerDid !== o.did) fail(`the proof is signed by ${signerDid}, not by ${o.did}`);
  const bytes = controlProofBytes({
    purpose: o.purpose,
    audience: o.audience,
    challenge: proof.challenge,
    subject: o.did,
  });
  checkSignedBy(o.state, proof.signer, bytes, proof.signature, 'proof of control');
}
