/**
 * Person handles of the credit registry, and the consent tokens signed with them (PLAN-credit.md,
 * "Person handles"). A person is never named on the ledger: each record, query or consent carries
 * a fresh handle `{nonce, tag, key, locator}` that only the person (who knows the credit pseudonym
 * P) can recognize, only the holder of the seed behind A can sign for, and only the credit
 * authority can resolve to the person (by opening the locator). Two handles of one person share
 * no value.
 *
 * - K = HKDF-SHA-256(P, salt empty, info {@link CREDIT_SUBJECT_KEY_INFO}, 32): the subject key.
 * - tag = hex(HMAC-SHA-256(K, utf8({@link CREDIT_TAG_LABEL}) ‖ nonce)[0..16]): a fast wallet scan.
 * - h = {@link blindingScalar}(K, {@link CREDIT_BLIND_LABEL}, nonce); key = did:key of h·A.
 * - locator = compact JWE (ECDH-ES X25519 + A256GCM) of JCS `{"k": key, "n": nonce, "p": pseudonymId}` to
 *   the authority's locator key.
 *
 * The nonce enters the MACs as its 16 raw bytes, after the label.
 */
import { randomBytes } from 'node:crypto';
import { Type } from '@sinclair/typebox';
import {
  blindedSigner,
  blindingScalar,
  blindPublicKey,
  canonicalBytes,
  concatBytes,
  decryptCompactJwe,
  ed25519Verify,
  encodeMultikey,
  encryptCompactJwe,
  equalSecret,
  fromBase64url,
  fromHex,
  fromUtf8,
  hkdfSha256,
  hmacSha256,
  sha256,
  toBase64url,
  toHex,
  utf8,
  type Ed25519KeyPair,
  type X25519KeyPair,
  type X25519PublicJwk,
} from '../crypto/index.ts';
import { AppError } from '../errors.ts';
import { didKeyOf, publicKeyOfDidKey } from '../ledger/index.ts';

/** HKDF info of the subject key K. */
export const CREDIT_SUBJECT_KEY_INFO = 'realdid/credit/subject/v1';
/** HMAC label of a handle's tag (followed by the nonce bytes). */
export const CREDIT_TAG_LABEL = 'realdid/credit/tag/v1|';
/** HMAC-SHA-512 label of a handle's blinding factor (followed by the nonce bytes). */
export const CREDIT_BLIND_LABEL = 'realdid/credit/blind/v1|';
/** Prefix of the bytes a consent token's signature covers (followed by the JCS of the token). */
export const CREDIT_CONSENT_LABEL = 'realdid/credit/consent/v1|';
/** Byte length of a handle's nonce (22 base64url characters). */
export const CREDIT_NONCE_LENGTH = 16;
/** Byte length of a handle's tag (32 hex characters). */
export const CREDIT_TAG_LENGTH = 16;
/** Upper bound of a locator's length in characters (one is about 310). */
export const CREDIT_LOCATOR_MAX_LENGTH = 600;

const PSEUDONYM_LENGTH = 32;
// 16 bytes: 21 characters and a last one carrying 2 bits (its 4 low bits zero): canonical only.
const NONCE_PATTERN = '^[A-Za-z0-9_-]{21}[AQgw]$';
const TAG_PATTERN = '^[0-9a-f]{32}$';
const KEY_PATTERN = '^did:key:z6Mk[1-9A-HJ-NP-Za-km-z]{44}$';
// Protected header (a JSON object), empty encrypted key (ECDH-ES), 12-byte IV, the ciphertext of
// the 164-byte JCS plaintext {k, n, p}, 16-byte tag.
const LOCATOR_PATTERN =
  '^eyJ[A-Za-z0-9_-]{1,400}\\.\\.[A-Za-z0-9_-]{16}\\.[A-Za-z0-9_-]{219}\\.[A-Za-z0-9_-]{22}$';
const SIG_PATTERN = '^[A-Za-z0-9_-]{85}[AQgw]$';
const PSEUDONYM_ID_PATTERN = '^[0-9a-f]{64}$';
const QUERIER_PATTERN = '^did:[a-z0-9]+:[A-Za-z0-9._:%-]{1,200}$';
const PURPOSE_PATTERN = '^[a-z0-9][a-z0-9._:/-]{0,127}$';
/** The latest instant a JavaScript Date can hold (ECMA-262 §21.4.1.22), in ms. */
const MAX_TIME_MS = 8.64e15;

const NONCE_RE = new RegExp(NONCE_PATTERN);
const TAG_RE = new RegExp(TAG_PATTERN);
const KEY_RE = new RegExp(KEY_PATTERN);
const LOCATOR_RE = new RegExp(LOCATOR_PATTERN);
const SIG_RE = new RegExp(SIG_PATTERN);
const PSEUDONYM_ID_RE = new RegExp(PSEUDONYM_ID_PATTERN);
const QUERIER_RE = new RegExp(QUERIER_PATTERN);
const PURPOSE_RE = new RegExp(PURPOSE_PATTERN);

/** A one-use person handle: the only way a person appears on the ledger. */
export interface CreditHandle {
  /** 16 random bytes, base64url (22 characters). */
  readonly nonce: string;
  /** Hex of the first 16 bytes of HMAC-SHA-256(K, tag label ‖ nonce). */
  readonly tag: string;
  /** `did:key` of the blinded key h·A. */
  readonly key: string;
  /** Compact JWE of `{"k": key, "n": nonce, "p": pseudonymId}` to the authority's locator key. */
  readonly locator: string;
}

/** What a wallet keeps to recognize its handles: the credit pseudonym P. */
export interface CreditSubjectSecret {
  readonly pseudonym: Uint8Array;
}

/** A person's consent to one query by one querier for one purpose, signed with a fresh handle. */
export interface ConsentToken {
  readonly v: 1;
  /** DID of the querier allowed to query. */
  readonly querier: string;
  /** The purpose the querier registered (a scope value of its `querier` role). */
  readonly purpose: string;
  /** End of validity, ms since the epoch. */
  readonly expires: number;
  /** A handle minted for the person's consent key. */
  readonly handle: CreditHandle;
  /** base64url Ed25519 signature over {@link consentBytes} by the handle's key. */
  readonly sig: string;
}

/** The plaintext of a locator. */
export interface CreditLocator {
  /** The handle's key (did:key of the blinded key): a locator copied into a handle with another key is refused. */
  readonly k: string;
  /** pseudonymId: hex SHA-256 of P. */
  readonly p: string;
  /** The handle's nonce. */
  readonly n: string;
}

/** JSON Schema of a {@link CreditHandle} (for request bodies and tx payloads). */
export const CreditHandleSchema = Type.Object(
  {
    nonce: Type.String({ pattern: NONCE_PATTERN, description: '16 random bytes, base64url' }),
    tag: Type.String({ pattern: TAG_PATTERN, description: '16-byte tag, lower-case hex' }),
    key: Type.String({ pattern: KEY_PATTERN, description: 'did:key of the blinded key' }),
    locator: Type.String({
      pattern: LOCATOR_PATTERN,
      maxLength: CREDIT_LOCATOR_MAX_LENGTH,
      description: 'compact JWE (ECDH-ES X25519, A256GCM) to the credit authority',
    }),
  },
  { additionalProperties: false, description: 'a one-use person handle' },
);

/** JSON Schema of a {@link ConsentToken}. */
export const ConsentTokenSchema = Type.Object(
  {
    v: Type.Literal(1),
    querier: Type.String({ pattern: QUERIER_PATTERN, maxLength: 220 }),
    purpose: Type.String({ pattern: PURPOSE_PATTERN }),
    expires: Type.Integer({ minimum: 0, maximum: MAX_TIME_MS, description: 'ms since the epoch' }),
    handle: CreditHandleSchema,
    sig: Type.String({ pattern: SIG_PATTERN, description: 'Ed25519 signature, base64url' }),
  },
  { additionalProperties: false, description: "a person's signed consent to one query" },
);

function assertPseudonym(pseudonym: unknown): asserts pseudonym is Uint8Array {
  if (!(pseudonym instanceof Uint8Array) || pseudonym.length !== PSEUDONYM_LENGTH)
    throw new TypeError(`"pseudonym" expected ${PSEUDONYM_LENGTH} bytes`);
}

/** The nonce bytes of a well-formed nonce string, else undefined. */
function nonceBytesOf(nonce: unknown): Uint8Array | undefined {
  return typeof nonce === 'string' && NONCE_RE.test(nonce) ? fromBase64url(nonce) : undefined;
}

function requireNonce(nonce: unknown): Uint8Array {
  const bytes = nonceBytesOf(nonce);
  if (bytes === undefined)
    throw new RangeError(`"nonce" expected ${CREDIT_NONCE_LENGTH} bytes as canonical base64url`);
  return bytes;
}

const tagOf = (K: Uint8Array, nonce: Uint8Array): Uint8Array =>
  hmacSha256(K, concatBytes(utf8(CREDIT_TAG_LABEL), nonce)).subarray(0, CREDIT_TAG_LENGTH);

const blindedKeyOf = (K: Uint8Array, publicKey: Uint8Array, nonce: Uint8Array): string =>
  didKeyOf(encodeMultikey(blindPublicKey(publicKey, blindingScalar(K, CREDIT_BLIND_LABEL, nonce))));

/**
 * The subject key K = HKDF-SHA-256(P, empty salt, {@link CREDIT_SUBJECT_KEY_INFO}, 32 bytes).
 * @throws TypeError when `pseudonym` is not 32 bytes
 */
export function subjectKeyOf(pseudonym: Uint8Array): Uint8Array {
  assertPseudonym(pseudonym);
  return hkdfSha256(pseudonym, new Uint8Array(0), utf8(CREDIT_SUBJECT_KEY_INFO), 32);
}

/**
 * The pseudonymId the authority indexes a person by: lower-case hex SHA-256 of P.
 * @throws TypeError when `pseudonym` is not 32 bytes
 */
export function pseudonymIdOf(pseudonym: Uint8Array): string {
  assertPseudonym(pseudonym);
  return toHex(sha256(pseudonym));
}

/**
 * Mints a fresh handle of the person with pseudonym P for the public key A (the record key A0
 * for records, the wallet's consent key for consents).
 *
 * @param args.nonce - 16 bytes; a fresh random nonce when omitted (give one only in tests)
 * @throws TypeError when `pseudonym` is not 32 bytes or `nonce` not 16 bytes
 * @throws RangeError when `publicKey` is not a valid Ed25519 public key (see {@link blindPublicKey})
 * @throws ERR_CRYPTO_BAD_KEY when `locatorKey` is not an X25519 public JWK
 * @example const handle = mintHandle({ pseudonym: P, publicKey: A0, locatorKey: authority.publicJwk });
 */
export function mintHandle(args: {
  pseudonym: Uint8Array;
  publicKey: Uint8Array;
  locatorKey: X25519PublicJwk;
  nonce?: Uint8Array;
}): CreditHandle {
  const { pseudonym, publicKey, locatorKey } = args;
  const nonce = args.nonce ?? new Uint8Array(randomBytes(CREDIT_NONCE_LENGTH));
  if (!(nonce instanceof Uint8Array) || nonce.length !== CREDIT_NONCE_LENGTH)
    throw new TypeError(`"nonce" expected ${CREDIT_NONCE_LENGTH} bytes`);
  const K = subjectKeyOf(pseudonym);
  const n = toBase64url(nonce);
  const key = blindedKeyOf(K, publicKey, nonce);
  const plaintext: CreditLocator = { k: key, p: pseudonymIdOf(pseudonym), n };
  const locator = encryptCompactJwe(canonicalBytes(plaintext), locatorKey);
  return { nonce: n, tag: toHex(tagOf(K, nonce)), key, locator };
}

/**
 * Is this handle one of the person with subject key K? Checks the tag only (one HMAC, compared in
 * constant time): the wallet's fast scan. Use {@link checkHandle} to check the key as well.
 * @returns false for a malformed nonce or tag
 * @throws TypeError when `K` is not a Uint8Array
 */
export function recognizeHandle(K: Uint8Array, h: Pick<CreditHandle, 'nonce' | 'tag'>): boolean {
  if (!(K instanceof Uint8Array)) throw new TypeError('"K" expected Uint8Array');
  const nonce = nonceBytesOf(h.nonce);
  if (nonce === undefined || typeof h.tag !== 'string' || !TAG_RE.test(h.tag)) return false;
  return equalSecret(tagOf(K, nonce), fromHex(h.tag));
}

/**
 * Was this handle minted for pseudonym P and public key A? Checks the tag and that `key` is the
 * did:key of h·A. The locator is not checked (only the authority can open it).
 * @returns false for a malformed or foreign handle
 * @throws TypeError when `pseudonym` is not 32 bytes
 * @throws RangeError when `publicKey` is not a valid Ed25519 public key
 */
export function checkHandle(
  pseudonym: Uint8Array,
  publicKey: Uint8Array,
  h: CreditHandle,
): boolean {
  const K = subjectKeyOf(pseudonym);
  if (!recognizeHandle(K, h)) return false;
  return typeof h.key === 'string' && h.key === blindedKeyOf(K, publicKey, fromBase64url(h.nonce));
}

/**
 * The key pair of a handle: signs for `handle.key` with the seed of A (RFC 8032 signatures that
 * {@link ed25519Verify} checks with the handle's key).
 * @param seed - the 32-byte seed of A (the record key A0 or the consent key)
 * @throws TypeError when `pseudonym` or `seed` is not 32 bytes
 * @throws RangeError when the handle's nonce is malformed
 */
export function handleKeyPair(
  pseudonym: Uint8Array,
  seed: Uint8Array,
  h: Pick<CreditHandle, 'nonce'>,
): Ed25519KeyPair {
  const K = subjectKeyOf(pseudonym);
  return blindedSigner(seed, blindingScalar(K, CREDIT_BLIND_LABEL, requireNonce(h.nonce)));
}

function badLocator(why: string, cause?: unknown): never {
  throw new AppError('ERR_VC_BAD_LOCATOR', `"locator" ${why}`, { cause });
}

/**
 * Opens a handle's locator with the authority's locator key pair. The result is only a claim of
 * whoever minted the handle: the caller compares `n` with the handle's nonce and then checks the
 * handle with the person's P and public key ({@link checkHandle}) before trusting it.
 * @throws ERR_VC_BAD_LOCATOR when the locator is not a compact JWE to this key, or its plaintext
 *   is not the JCS of `{"k": key, "n": nonce, "p": pseudonymId}`
 */
export function openLocator(locator: string, authority: X25519KeyPair): CreditLocator {
  if (
    typeof locator !== 'string' ||
    locator.length > CREDIT_LOCATOR_MAX_LENGTH ||
    !LOCATOR_RE.test(locator)
  )
    badLocator('is not a compact ECDH-ES JWE of at most 600 characters');
  let plaintext: Uint8Array | undefined;
  try {
    plaintext = decryptCompactJwe(locator, authority);
  } catch (err) {
    if (err instanceof AppError && err.code === 'ERR_CRYPTO_BAD_ENCODING')
      badLocator(`is malformed: ${err.message}`, err);
    throw err;
  }
  if (plaintext === undefined) badLocator('does not decrypt with this locator key');
  let value: unknown;
  try {
    value = JSON.parse(fromUtf8(plaintext));
  } catch (err) {
    badLocator('plaintext is not JSON', err);
  }
  const { k, p, n } = (value ?? {}) as Partial<CreditLocator>;
  if (
    typeof k !== 'string' ||
    !KEY_RE.test(k) ||
    typeof p !== 'string' ||
    !PSEUDONYM_ID_RE.test(p) ||
    typeof n !== 'string' ||
    !NONCE_RE.test(n) ||
    !equalSecret(canonicalBytes({ k, n, p }), plaintext)
  )
    badLocator('plaintext is not the JCS of {"k": key, "n": nonce, "p": pseudonymId}');
  return { k, p, n };
}

/** The fields of a consent token the signature covers, rebuilt field by field (no extras). */
function signedPart(t: Omit<ConsentToken, 'sig'>): Omit<ConsentToken, 'sig'> {
  const { nonce, tag, key, locator } = t.handle;
  return {
    v: t.v,
    querier: t.querier,
    purpose: t.purpose,
    expires: t.expires,
    handle: { nonce, tag, key, locator },
  };
}

/**
 * The bytes a consent signature covers: utf8({@link CREDIT_CONSENT_LABEL}) ‖ JCS (RFC 8785) of
 * the token without `sig` (any `sig` or other extra field of `t` is left out).
 * @throws ERR_CRYPTO_NOT_CANONICAL when a field cannot be canonicalized (e.g. a non-finite number)
 */
export function consentBytes(t: Omit<ConsentToken, 'sig'>): Uint8Array {
  return concatBytes(utf8(CREDIT_CONSENT_LABEL), canonicalBytes(signedPart(t)));
}

/**
 * The id of a consent on the ledger: lower-case hex SHA-256 of {@link consentBytes}. It does not
 * depend on `sig`.
 */
export function consentHash(t: Omit<ConsentToken, 'sig'> | ConsentToken): string {
  return toHex(sha256(consentBytes(t)));
}

/**
 * Signs a consent with the key pair of its handle ({@link handleKeyPair} for the consent key).
 * @throws TypeError when a field is malformed (see {@link ConsentTokenSchema})
 * @throws ERR_DID_INVALID when `handle.key` is not an Ed25519 did:key
 * @example signConsent({ querier, purpose: 'credit-application', expires, handle }, handleKeyPair(P, seed, handle))
 */
export function signConsent(
  args: { querier: string; purpose: string; expires: number; handle: CreditHandle },
  signer: { sign(message: Uint8Array): Uint8Array },
): ConsentToken {
  const { querier, purpose, expires, handle } = args;
  if (typeof querier !== 'string' || querier.length > 220 || !QUERIER_RE.test(querier))
    throw new TypeError(`"querier" expected a DID, got ${JSON.stringify(querier)}`);
  if (typeof purpose !== 'string' || !PURPOSE_RE.test(purpose))
    throw new TypeError(`"purpose" expected ${PURPOSE_PATTERN}, got ${JSON.stringify(purpose)}`);
  if (!Number.isInteger(expires) || expires < 0 || expires > MAX_TIME_MS)
    throw new TypeError(`"expires" expected an integer time in ms, got ${expires}`);
  if (
    nonceBytesOf(handle.nonce) === undefined ||
    typeof handle.tag !== 'string' ||
    !TAG_RE.test(handle.tag) ||
    typeof handle.locator !== 'string' ||
    handle.locator.length > CREDIT_LOCATOR_MAX_LENGTH ||
    !LOCATOR_RE.test(handle.locator)
  )
    throw new TypeError('"handle" has a malformed nonce, tag or locator');
  publicKeyOfDidKey(handle.key);
  const unsigned = signedPart({ v: 1, querier, purpose, expires, handle });
  return { ...unsigned, sig: toBase64url(signer.sign(consentBytes(unsigned))) };
}

/**
 * Does the consent's signature verify with its handle's key (the did:key of the blinded consent
 * key)? Says nothing about expiry, querier or purpose, nor whose handle it is.
 * @returns false for a bad signature, a malformed `sig` or a `key` that is not an Ed25519 did:key
 */
export function verifyConsentSignature(t: ConsentToken): boolean {
  if (t.v !== 1 || typeof t.sig !== 'string' || !SIG_RE.test(t.sig)) return false;
  let publicKey: Uint8Array;
  try {
    publicKey = publicKeyOfDidKey(t.handle.key);
  } catch (err) {
    if (err instanceof AppError && err.code === 'ERR_DID_INVALID') return false;
    throw err;
  }
  return ed25519Verify(fromBase64url(t.sig), consentBytes(t), publicKey);
}
