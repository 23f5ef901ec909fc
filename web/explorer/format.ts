/** Small helpers of the explorer's pages: abbreviations, JSON equality, typed failures, links. */
import { hashGenesis } from '../../src/sdk/index.ts';
import { h, textOf } from '../shared/dom.ts';

export { abbreviate } from '../shared/dom.ts';

/**
 * SHA-256 (hex) of a value's canonical JSON (RFC 8785): the SDK's `hashGenesis`, which is how
 * the ledger hashes genesis documents and block headers alike.
 */
export function hashCanonical(value: unknown): string {
  return hashGenesis(value ?? null);
}

/** Do `a` and `b` have the same canonical JSON? */
export function sameJson(a: unknown, b: unknown): boolean {
  return hashCanonical(a) === hashCanonical(b);
}

/** A value of an untyped answer as text (strings, numbers, booleans), else empty. */
export const text = (value: unknown): string => textOf(value);

/** Throws an error with a realdid code, as the SDK's verifiers do (for `check()` to show). */
export function fail(code: string, message: string): never {
  throw Object.assign(new Error(message), { code });
}

/** Pretty JSON in a `<pre>` (text, never markup). */
export function jsonBlock(value: unknown, label: string): HTMLElement {
  return h(
    'pre',
    { class: 'json', tabindex: 0, 'aria-label': label },
    JSON.stringify(value, null, 2),
  );
}

/** A hash-route link: `#/block/3`, `#/tx/<id>`, `#/did/<did>`. */
export function link(route: string, text: string | Node, title?: string): HTMLAnchorElement {
  return h('a', { href: `#/${route}`, title }, text);
}

/** Route of a DID page (the DID URL-encoded, so `#` or `?` in it stay part of it). */
export const didRoute = (did: string): string => `did/${encodeURIComponent(did)}`;
