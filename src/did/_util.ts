/** ISO 8601 UTC time without milliseconds, as DID Core metadata uses (XML Schema dateTime). */
export function toIsoTime(ms: number): string {
  // toISOString always ends in ".sssZ".
  return `${new Date(ms).toISOString().slice(0, -5)}Z`;
}

/**
 * `JSON.stringify` of a string, with a fast path for the common case of nothing to escape (no
 * quote, backslash, control character or surrogate): the resolver quotes a dozen strings per
 * answer.
 */
export function jsonString(s: string): string {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c === 0x22 || c === 0x5c || (c >= 0xd800 && c <= 0xdfff))
      return JSON.stringify(s);
  }
  return `"${s}"`;
}
