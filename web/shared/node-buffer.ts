/**
 * What `node:buffer` (or `buffer`) is in the pages' bundle, for the project's own files: the
 * `buffer` package's `Buffer` as `buffer-global.ts` patches it (base64url), and the constants
 * Node has and the package lacks. Some modules read `constants.MAX_LENGTH` at load time (e.g.
 * the Merkle log's largest level), which would throw on the package's `undefined`.
 */
import { kMaxLength as packageMaxLength } from 'buffer';
import { Buffer } from './buffer-global.ts';

/** The largest byte array the package allocates (2^31 − 1, as on 64-bit Node before v22). */
export const kMaxLength: number = packageMaxLength;

/** The longest string a JavaScript engine makes (V8: 2^29 − 24 characters). */
export const kStringMaxLength = 2 ** 29 - 24;

/** As Node's `buffer.constants`. */
export const constants = Object.freeze({
  MAX_LENGTH: kMaxLength,
  MAX_STRING_LENGTH: kStringMaxLength,
});

export { Buffer };
export default { Buffer, constants, kMaxLength, kStringMaxLength };
