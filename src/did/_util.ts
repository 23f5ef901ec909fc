/** ISO 8601 UTC time without milliseconds, as DID Core metadata uses (XML Schema dateTime). */
export function toIsoTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
