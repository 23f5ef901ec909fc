import { AppError } from '../errors.ts';

const HEX_RE = /^(?:[0-9a-f]{2})*$/;
const B64URL_RE = /^[A-Za-z0-9_-]*$/;

/** Asserts that `value` is a Uint8Array (of `length` bytes when given). @throws TypeError */
export function assertBytes(
  value: unknown,
  length?: number,
  name = 'value',
): asserts value is Uint8Array {
  if (!(value instanceof Uint8Array))
    throw new TypeError(`"${name}" expected Uint8Array, got ${typeof value}`);
  if (length !== undefined && value.length !== length) {
    throw new TypeError(`"${name}" expected ${length} bytes, got ${value.length}`);
  }
}

/** Lower-case hex of `bytes`. */
export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

/** Decodes lower-case hex. @throws ERR_CRYPTO_BAD_ENCODING */
export function fromHex(hex: string): Uint8Array {
  if (typeof hex !== 'string' || !HEX_RE.test(hex)) {
    throw new AppError(
      'ERR_CRYPTO_BAD_ENCODING',
      `expected lower-case hex of even length, got ${JSON.stringify(String(hex).slice(0, 40))}`,
    );
  }
  return new Uint8Array(Buffer.from(hex, 'hex'));
}

/** Unpadded base64url (RFC 4648 §5) of `bytes`. */
export function toBase64url(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64url');
}

/** Decodes unpadded base64url, rejecting any non-canonical input. @throws ERR_CRYPTO_BAD_ENCODING */
export function fromBase64url(text: string): Uint8Array {
  if (typeof text !== 'string' || !B64URL_RE.test(text) || text.length % 4 === 1) {
    throw new AppError(
      'ERR_CRYPTO_BAD_ENCODING',
      `expected unpadded base64url, got ${JSON.stringify(String(text).slice(0, 40))}`,
    );
  }
  const out = Buffer.from(text, 'base64url');
  if (out.toString('base64url') !== text) {
    throw new AppError('ERR_CRYPTO_BAD_ENCODING', 'base64url has non-zero padding bits');
  }
  return new Uint8Array(out);
}

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

/** UTF-8 bytes of a string. */
export function utf8(text: string): Uint8Array {
  return encoder.encode(text);
}

/** Decodes UTF-8, rejecting invalid sequences. @throws ERR_CRYPTO_BAD_ENCODING */
export function fromUtf8(bytes: Uint8Array): string {
  try {
    return decoder.decode(bytes);
  } catch (err) {
    throw new AppError('ERR_CRYPTO_BAD_ENCODING', 'bytes are not valid UTF-8', { cause: err });
  }
}

/** Concatenates byte arrays. */
export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  return new Uint8Array(Buffer.concat(parts));
}

/** Constant-length equality of two byte arrays (not constant-time; use for public data). */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.compare(a, b) === 0;
}

const LONE_SURROGATE = /\p{Surrogate}/u;
const NATIVE_WELL_FORMED =
  typeof (String.prototype as { isWellFormed?: unknown }).isWellFormed === 'function';

/**
 * Is `text` well-formed UTF-16 (no lone surrogate, so it has a UTF-8 form)? The native
 * `String.prototype.isWellFormed` (ES2024) where there is one, else a regular expression.
 */
export const isWellFormedText: (text: string) => boolean = NATIVE_WELL_FORMED
  ? (text) => (text as unknown as { isWellFormed(): boolean }).isWellFormed()
  : (text) => !LONE_SURROGATE.test(text);
