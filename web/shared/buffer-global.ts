/**
 * Injected by the bundler into the pages' script: the shared code uses Node's `Buffer` for hex,
 * base64url and UTF-8; in the browser it is the `buffer` package's. That package (v5) predates
 * Node's `'base64url'` encoding (Node 15.7) and throws "Unknown encoding" for it, which made every
 * signature and multibase key unreadable in the browser. Three functions learn it here, over the
 * package's base64 (RFC 4648 §5: `-_`, no padding): `Buffer.from(text, 'base64url')`,
 * `buf.toString('base64url')` and `Buffer.byteLength(text, 'base64url')`. Nothing else does
 * (`write`, `fill`, `indexOf`, `alloc(…, enc)` still throw "Unknown encoding"), so
 * `Buffer.isEncoding('base64url')` stays false, as it must for code that asks before using it.
 * The shared code checks that what it decodes re-encodes to the same text, so this mapping need
 * not reject non-canonical input itself.
 */
import { Buffer } from 'buffer';

const toBase64 = (text: string): string => {
  const b64 = text.replace(/-/g, '+').replace(/_/g, '/');
  return b64 + '='.repeat((4 - (b64.length % 4)) % 4);
};
const toBase64url = (b64: string): string =>
  b64.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');

/** The parts of the package's Buffer patched here, typed as plain functions. */
interface Patchable {
  from: (...args: unknown[]) => Uint8Array;
  byteLength: (...args: unknown[]) => number;
  readonly prototype: { toString: (this: Uint8Array, ...args: unknown[]) => string };
}

const B = Buffer as unknown as Patchable;
const PATCHED = Symbol.for('realdid.buffer.base64url');
if (!(PATCHED in B)) {
  const { from, byteLength } = B; // the package's functions do not use `this`
  const { toString } = B.prototype;
  B.from = (value, encoding, ...rest) =>
    typeof value === 'string' && encoding === 'base64url'
      ? from(toBase64(value), 'base64')
      : from(value, encoding, ...rest);
  B.byteLength = (value, encoding, ...rest) =>
    typeof value === 'string' && encoding === 'base64url'
      ? byteLength(toBase64(value), 'base64')
      : byteLength(value, encoding, ...rest);
  B.prototype.toString = function (this: Uint8Array, encoding, ...range) {
    if (encoding === 'base64url') return toBase64url(toString.call(this, 'base64', ...range));
    return toString.call(this, encoding, ...range);
  };
  Object.defineProperty(B, PATCHED, { value: true });
}

export { Buffer };
