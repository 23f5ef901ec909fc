/**
 * The wallet's credit consent key: derived from the wallet seed, registered with the credit
 * authority when the wallet obtains its credit credential (with a proof of possession over the
 * request nonce), and blinded into a fresh handle for every consent the person signs.
 */
import {
  ed25519FromSeed,
  encodeMultikey,
  hkdfSha256,
  toBase64url,
  utf8,
  type Ed25519KeyPair,
} from '../crypto/index.ts';
import { controlProofBytes, newRequestNonce } from '../did/index.ts';

/** HKDF-SHA-256 info of the consent key's seed (empty salt, 32 bytes, from the wallet seed). */
export const CREDIT_CONSENT_KEY_INFO = 'realdid/credit/consent-key/v1';
/** Purpose of the consent key's proof of possession (did's `controlProofBytes`). */
export const CONSENT_KEY_PURPOSE = 'credit-consent-key';

/** The wallet's consent key: its seed, key pair and Multikey. */
export interface CreditConsentKey {
  readonly seed: Uint8Array;
  readonly keyPair: Ed25519KeyPair;
  readonly multikey: string;
}

/**
 * The consent key of a wallet seed: ed25519FromSeed(HKDF-SHA-256(seed, empty salt,
 * {@link CREDIT_CONSENT_KEY_INFO}, 32)).
 * @throws TypeError when `seed` is not a Uint8Array
 */
export function creditConsentKey(walletSeed: Uint8Array): CreditConsentKey {
  const seed = hkdfSha256(walletSeed, new Uint8Array(0), utf8(CREDIT_CONSENT_KEY_INFO), 32);
  const keyPair = ed25519FromSeed(seed);
  return { seed, keyPair, multikey: encodeMultikey(keyPair.publicKey) };
}

/**
 * The body of a credential request: the consent key and its proof of possession, a signature
 * over did's control-proof bytes for {@link CONSENT_KEY_PURPOSE}, the authority, the request
 * nonce and the key itself. Send it with that `nonce`.
 */
export function consentKeyPop(
  authority: string,
  consentKey: Ed25519KeyPair,
  nonce: string = newRequestNonce(),
): { nonce: string; body: { consentKey: string; pop: string } } {
  const multikey = encodeMultikey(consentKey.publicKey);
  const pop = toBase64url(
    consentKey.sign(
      controlProofBytes({
        purpose: CONSENT_KEY_PURPOSE,
        audience: authority,
        challenge: nonce,
        subject: multikey,
      }),
    ),
  );
  return { nonce, body: { consentKey: multikey, pop } };
}
