import { decodeMultikey } from '../crypto/index.ts';
import { AppError } from '../errors.ts';

const DID_KEY_RE = /^did:key:(z6Mk[1-9A-HJ-NP-Za-km-z]{44})$/;

/**
 * Public key of a `did:key` (Ed25519 only), or of a did:key DID URL whose fragment is the same
 * multibase value (did:key v0.7 §3.1.2).
 * @throws ERR_DID_INVALID if the string is not an Ed25519 did:key
 */
export function publicKeyOfDidKey(didOrUrl: string): Uint8Array {
  const known = decoded.get(didOrUrl);
  if (known !== undefined) return known.slice();
  const key = decode(didOrUrl);
  if (decoded.size >= DECODED_LIMIT) decoded.delete(decoded.keys().next().value!);
  decoded.set(didOrUrl, key);
  return key.slice();
}

/** Recently decoded did:keys (signers sign many transactions; a base58 decode costs a few µs). */
const decoded = new Map<string, Uint8Array>();
const DECODED_LIMIT = 10_000;

function decode(didOrUrl: string): Uint8Array {
  const hash = didOrUrl.indexOf('#');
  const did = hash === -1 ? didOrUrl : didOrUrl.slice(0, hash);
  const m = DID_KEY_RE.exec(did);
  if (m === null)
    throw new AppError(
      'ERR_DID_INVALID',
      `not an Ed25519 did:key: ${JSON.stringify(didOrUrl.slice(0, 80))}`,
    );
  if (hash !== -1 && didOrUrl.slice(hash + 1) !== m[1]) {
    throw new AppError('ERR_DID_INVALID', 'a did:key URL fragment must repeat the multibase key');
  }
  try {
    return decodeMultikey(m[1]!);
  } catch (err) {
    throw new AppError('ERR_DID_INVALID', 'did:key value is not an Ed25519 Multikey', {
      cause: err,
    });
  }
}

/** `did:key` of an Ed25519 Multikey. */
export function didKeyOf(multikey: string): string {
  return `did:key:${multikey}`;
}

/** The did:key DID URL (with its key fragment) a did:key signer uses. */
export function didKeyUrlOf(multikey: string): string {
  return `did:key:${multikey}#${multikey}`;
}
