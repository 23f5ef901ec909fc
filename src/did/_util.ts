/** ISO 8601 UTC time without milliseconds, as DID Core metadata uses (XML Schema dateTime). */
export function toIsoTime(ms: number): string {
  // toISOString always ends in ".sssZ".
  return `${new Date(ms).toISOString().slice(0, -5)}Z`;
}
