/**
 * Ed25519 key blinding with a secret factor, as Tor v3 onion services blind their identity keys
 * (rend-spec-v3 Appendix A.2), except that the factor `h` is a keyed secret instead of a public
 * hash of the time period: whoever does not know `h` cannot link the blinded key `h·A` to `A`.
 *
 * The holder of the seed behind `A` signs for `h·A` with the secret scalar `a' = h·a mod ℓ`; the
 * result is an ordinary RFC 8032 §5.1.6 signature, so {@link ed25519Verify} (node:crypto) checks
 * it like any other. node:crypto stays the implementation of normal Ed25519 signing and
 * verification and of SHA-512 and HMAC; `@noble/curves` is used only for the point and scalar
 * arithmetic node:crypto does not offer (decoding a point, `h·A`, `r·B`). Secret scalars go
 * through noble's constant-time `multiply` (never `multiplyUnsafe`); the scalar arithmetic mod ℓ
 * uses bigints, which are not constant time (as in noble itself).
 */
import { createHmac, hash } from 'node:crypto';
import { ed25519 } from '@noble/curves/ed25519.js';
import { assertBytes, concatBytes, utf8 } from './bytes.ts';
import { ED25519_PUBLIC_KEY_LENGTH, ED25519_SEED_LENGTH, type Ed25519KeyPair } from './ed25519.ts';

/** Domain-separation label of the blinded signing prefix (the RFC 8032 nonce key). */
export const BLIND_PREFIX_LABEL = 'realdid/blind-prefix/v1';

const Point = ed25519.Point;
/** ℓ, the order of the prime subgroup (RFC 8032 §5.1). */
const L = Point.Fn.ORDER;

/** SHA-512 (FIPS 180-4) of the concatenation of `parts`, as a fresh Uint8Array. */
const sha512 = (...parts: Uint8Array[]): Uint8Array =>
  new Uint8Array(hash('sha512', parts.length === 1 ? parts[0]! : concatBytes(...parts), 'buffer'));

/** The little-endian unsigned integer of `bytes` (RFC 8032 §5.1.2). */
function fromLittleEndian(bytes: Uint8Array): bigint {
  const hex = Buffer.from(bytes).reverse().toString('hex');
  return hex === '' ? 0n : BigInt(`0x${hex}`);
}

/** `n` (0 ≤ n < 2^256) as 32 little-endian bytes. */
function toLittleEndian32(n: bigint): Uint8Array {
  return new Uint8Array(Buffer.from(n.toString(16).padStart(64, '0'), 'hex').reverse());
}

const mod = (n: bigint): bigint => ((n % L) + L) % L;

/** s·B for any scalar 0 ≤ s < ℓ (noble refuses 0; 0·B is the identity). */
const multiplyBase = (s: bigint) => (s === 0n ? Point.ZERO : Point.BASE.multiply(s));

function assertScalar(h: unknown): asserts h is bigint {
  if (typeof h !== 'bigint') throw new TypeError(`"h" expected bigint, got ${typeof h}`);
  if (h < 1n || h >= L) throw new RangeError('"h" expected a scalar in 1..ℓ-1');
}

/**
 * The blinding factor for `label` and `nonce` under `key`: HMAC-SHA-512(key, utf8(label) ‖ nonce)
 * read as a little-endian 512-bit integer, reduced mod ℓ (the reduction's bias is below 2^-259).
 * The one value in ℓ that would be 0 (no blinding factor: 0·A is the identity) is replaced by 1,
 * so the result is always in 1..ℓ-1; that case has probability ≈ 2^-252 and never happens.
 *
 * @param key - the secret blinding key (e.g. a credit subject key K)
 * @param label - a domain-separation label, e.g. `'realdid/credit/blind/v1|'`
 * @param nonce - the per-use nonce
 * @throws TypeError when `key` or `nonce` is not a Uint8Array or `label` is not a string
 * @example blindingScalar(K, 'realdid/credit/blind/v1|', nonce) // 1n ≤ h < ℓ
 */
export function blindingScalar(key: Uint8Array, label: string, nonce: Uint8Array): bigint {
  assertBytes(key, undefined, 'key');
  assertBytes(nonce, undefined, 'nonce');
  if (typeof label !== 'string')
    throw new TypeError(`"label" expected string, got ${typeof label}`);
  const mac = createHmac('sha512', key).update(utf8(label)).update(nonce).digest();
  const h = fromLittleEndian(mac) % L;
  return h === 0n ? 1n : h;
}

/**
 * The blinded public key h·A (32 bytes, RFC 8032 §5.1.2 encoding).
 *
 * @param publicKey - A, a 32-byte Ed25519 public key
 * @param h - the blinding factor, 1 ≤ h < ℓ (see {@link blindingScalar})
 * @throws TypeError when `publicKey` is not a Uint8Array or `h` not a bigint
 * @throws RangeError when `publicKey` is not 32 bytes, not the canonical encoding of a curve
 *   point, is of small order, or has a small-order component (not in the prime-order subgroup:
 *   no key made from a seed is, and h·A would then differ from what {@link blindedSigner} signs
 *   for); or when `h` is outside 1..ℓ-1
 * @example blindPublicKey(keyPair.publicKey, h) // equals blindedSigner(seed, h).publicKey
 */
export function blindPublicKey(publicKey: Uint8Array, h: bigint): Uint8Array {
  assertBytes(publicKey, undefined, 'publicKey');
  if (publicKey.length !== ED25519_PUBLIC_KEY_LENGTH)
    throw new RangeError(
      `"publicKey" expected ${ED25519_PUBLIC_KEY_LENGTH} bytes, got ${publicKey.length}`,
    );
  assertScalar(h);
  return checkedPoint(publicKey).multiply(h).toBytes();
}

/** Keys whose point was checked, with wNAF tables attached (a person's key is blinded again and again). */
const POINTS = new Map<string, InstanceType<typeof Point>>();
/** At most this many points are kept (a few hundred KiB of tables each); the oldest goes first. */
const MAX_POINTS = 64;

/** The point of a public key, checked (valid, not small order, torsion-free) and precomputed once. */
function checkedPoint(publicKey: Uint8Array): InstanceType<typeof Point> {
  const id = Buffer.from(publicKey).toString('hex');
  const cached = POINTS.get(id);
  if (cached !== undefined) return cached;
  let point;
  try {
    point = Point.fromBytes(publicKey);
  } catch (err) {
    throw new RangeError('"publicKey" is not the encoding of an Ed25519 point', { cause: err });
  }
  if (point.isSmallOrder()) throw new RangeError('"publicKey" is a point of small order');
  if (!point.isTorsionFree())
    throw new RangeError('"publicKey" is not in the prime-order subgroup');
  point.precompute(6, false);
  if (POINTS.size >= MAX_POINTS) POINTS.delete(POINTS.keys().next().value!);
  POINTS.set(id, point);
  return point;
}

/**
 * A signer for the blinded key h·A of the key pair made from `seed` (A = the RFC 8032 public key
 * of `seed`). With the expanded key SHA-512(seed) = a_bytes ‖ prefix (§5.1.5):
 * a = clamp(a_bytes), a' = h·a mod ℓ, prefix' = SHA-512(utf8(BLIND_PREFIX_LABEL) ‖ prefix ‖
 * LE32(h))[0..32]; for a message M: r = SHA-512(prefix' ‖ M) mod ℓ, R = r·B,
 * k = SHA-512(R ‖ A' ‖ M) mod ℓ, S = r + k·a' mod ℓ; the signature is R ‖ S (64 bytes).
 * Signing is deterministic, like RFC 8032.
 *
 * @param seed - the 32-byte Ed25519 seed (private key) of A
 * @param h - the blinding factor, 1 ≤ h < ℓ
 * @returns the blinded public key A' = h·A and its `sign`
 * @throws TypeError when `seed` is not a Uint8Array or `h` not a bigint
 * @throws RangeError when `seed` is not 32 bytes or `h` is outside 1..ℓ-1
 * @example
 * const signer = blindedSigner(seed, h);
 * ed25519Verify(signer.sign(m), m, blindPublicKey(publicKeyOfSeed, h)); // true
 */
export function blindedSigner(seed: Uint8Array, h: bigint): Ed25519KeyPair {
  assertBytes(seed, undefined, 'seed');
  if (seed.length !== ED25519_SEED_LENGTH)
    throw new RangeError(`"seed" expected ${ED25519_SEED_LENGTH} bytes, got ${seed.length}`);
  assertScalar(h);
  const expanded = sha512(seed);
  const head = expanded.slice(0, 32);
  head[0]! &= 248; // RFC 8032 §5.1.5 step 2: clamp
  head[31]! &= 127;
  head[31]! |= 64;
  const scalar = mod(h * fromLittleEndian(head));
  const prefix = sha512(utf8(BLIND_PREFIX_LABEL), expanded.subarray(32), toLittleEndian32(h)).slice(
    0,
    32,
  );
  expanded.fill(0);
  head.fill(0);
  const publicKey = multiplyBase(scalar).toBytes();
  return {
    publicKey,
    sign(message: Uint8Array): Uint8Array {
      assertBytes(message, undefined, 'message');
      const r = mod(fromLittleEndian(sha512(prefix, message)));
      const R = multiplyBase(r).toBytes();
      const k = mod(fromLittleEndian(sha512(R, publicKey, message)));
      return concatBytes(R, toLittleEndian32(mod(r + k * scalar)));
    },
  };
}
