/**
 * Injected by the bundler into the pages' script: the shared code uses Node's `Buffer` for hex,
 * base64url and UTF-8; in the browser it is the `buffer` package's.
 */
export { Buffer } from 'buffer';
