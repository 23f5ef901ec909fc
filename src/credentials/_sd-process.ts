/**
 * Private: base64url and JSON decoding (no regexes: characters outside the alphabet show in the
 * decoded length), and the disclosure processing of RFC 9901 §7.1 steps 3-5 over a parsed
 * payload. Hashes each disclosure once, walks the payload once (recursing into disclosed values),
 * substitutes `_sd` digests and `{"...": digest}` array elements. A disclosure is decoded only when
 * a digest points to it, so a tampered or foreign one is unknown whatever its bytes; a referenced
 * one that does not decode is malformed (at once); duplicates are reported last, after unknowns.
 */
import { hash } from 'node:crypto';
import type { JsonValue } from '../crypto/index.ts';
import { AppError, type ErrorCode } from '../errors.ts';

/** A parsed JSON object (what a JWS header, payload or disclosure object holds). */
export type JsonObject = Record<string, unknown>;

/** Is `value` a JSON object (not null, not an array)? */
export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Decodes one base64url segment. Characters outside the alphabet change the decoded length, which
 * is checked; signed segments need no more (their signature covers the characters), signatures
 * are also re-encoded and compared (see {@link decodeSignature}).
 */
export function decodeSegment(
  segment: string,
  what: string,
  code: ErrorCode = 'ERR_VC_MALFORMED',
): Buffer {
  const n = segment.length;
  const bytes = Buffer.from(segment, 'base64url');
  if (n % 4 === 1 || bytes.length !== (n * 3) >> 2)
    throw new AppError(code, `${what} is not base64url (${n} characters)`);
  return bytes;
}

/** Decodes a base64url signature, rejecting any non-canonical spelling of the same bytes. */
export function decodeSignature(segment: string, what: string): Buffer {
  const bytes = decodeSegment(segment, what);
  if (bytes.toString('base64url') !== segment)
    throw new AppError('ERR_VC_MALFORMED', `${what} is not canonical base64url`);
  return bytes;
}

/** Parses JSON, converting a syntax error to `code`. */
export function parseJson(
  text: string,
  what: string,
  code: ErrorCode = 'ERR_VC_MALFORMED',
): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new AppError(code, `${what} is not JSON: ${(err as Error).message}`, { cause: err });
  }
}

/** One decoded disclosure (RFC 9901 §4.2). */
export interface Disclosure {
  /** base64url SHA-256 of `encoded`, the value an `_sd` array or `{"...": …}` carries. */
  readonly digest: string;
  readonly salt: string;
  /** The claim name; undefined for an array element (§4.2.2). */
  readonly name: string | undefined;
  readonly value: JsonValue;
  /** The disclosure as presented (base64url). */
  readonly encoded: string;
}

/** What processing gives: the payload with disclosures substituted, and where each one went. */
export interface ProcessedDisclosures {
  readonly payload: JsonObject;
  /** The disclosures in the order presented. */
  readonly disclosures: readonly Disclosure[];
  /** Per disclosure: its name, or for an array element the nearest claim name holding it. */
  readonly claims: readonly string[];
  /** Per disclosure: the index of the disclosure whose value held its digest, or -1. */
  readonly parents: readonly number[];
}

/** Limits and names for {@link processDisclosures}. */
export interface ProcessOptions {
  /** Top-level names a disclosure must not carry (besides `_sd` and `...`, refused anywhere). */
  readonly reserved?: ReadonlySet<string>;
  /** Top-level claims to walk but leave out of the processed payload. */
  readonly omit?: ReadonlySet<string>;
}

const MAX_DEPTH = 100;
const NONE: ReadonlySet<string> = new Set();

const malformed = (what: string): AppError => new AppError('ERR_VC_DISCLOSURE_MALFORMED', what);

/**
 * Decodes one disclosure: base64url of a JSON array `[salt, name, value]` or `[salt, value]`.
 * @throws ERR_VC_DISCLOSURE_MALFORMED
 */
export function decodeDisclosure(
  encoded: string,
  digest = hash('sha256', encoded, 'base64url'),
): Disclosure {
  const what = `disclosure ${encoded.length > 24 ? `${encoded.slice(0, 24)}…` : encoded}`;
  const text = decodeSegment(encoded, what, 'ERR_VC_DISCLOSURE_MALFORMED').toString('utf8');
  const arr = parseJson(text, what, 'ERR_VC_DISCLOSURE_MALFORMED');
  if (!Array.isArray(arr) || (arr.length !== 2 && arr.length !== 3))
    throw malformed(`${what} is not a JSON array of 2 or 3 elements`);
  const [salt, nameOrValue, value] = arr as [unknown, unknown, unknown];
  if (typeof salt !== 'string') throw malformed(`${what}: the salt is not a string`);
  if (arr.length === 3 && typeof nameOrValue !== 'string')
    throw malformed(`${what}: the claim name is not a string`);
  return arr.length === 3
    ? { digest, salt, name: nameOrValue as string, value: value as JsonValue, encoded }
    : { digest, salt, name: undefined, value: nameOrValue as JsonValue, encoded };
}

/** Sets `key` as an own property, `__proto__` included (plain assignment would set the prototype). */
function put(out: JsonObject, key: string, value: unknown): void {
  if (key === '__proto__')
    Object.defineProperty(out, key, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  else out[key] = value;
}

class Walk {
  readonly encoded: readonly string[];
  /** Decoded on first use: a disclosure no digest points to is never decoded. */
  readonly list: Disclosure[];
  readonly byDigest = new Map<string, number>();
  readonly seen = new Set<string>();
  readonly claims: string[];
  readonly parents: number[];
  readonly reserved: ReadonlySet<string> | undefined;
  current = -1;
  duplicate: AppError | undefined;

  constructor(encoded: readonly string[], reserved: ReadonlySet<string> | undefined) {
    const n = encoded.length;
    this.encoded = encoded;
    this.reserved = reserved;
    this.list = new Array<Disclosure>(n);
    this.claims = new Array<string>(n).fill('');
    this.parents = new Array<number>(n).fill(-2);
    for (let i = 0; i < n; i++) {
      const digest = hash('sha256', encoded[i]!, 'base64url');
      const first = this.byDigest.get(digest);
      if (first === undefined) this.byDigest.set(digest, i);
      else {
        this.duplicate ??= new AppError(
          'ERR_VC_DISCLOSURE_DUPLICATE',
          `disclosure #${i} repeats disclosure #${first} (digest ${digest})`,
        );
        this.parents[i] = -1; // reported as a repeat, not also as unknown
      }
    }
  }

  /** The index of the disclosure for `digest`, decoded and marked used; -1 if none. */
  take(digest: unknown, claim: string): number {
    if (typeof digest !== 'string')
      throw new AppError('ERR_VC_MALFORMED', `a digest is not a string: ${typeof digest}`);
    if (this.seen.has(digest)) {
      this.duplicate ??= new AppError(
        'ERR_VC_DISCLOSURE_DUPLICATE',
        `digest ${digest} appears more than once in the payload`,
      );
      return -1;
    }
    this.seen.add(digest);
    const i = this.byDigest.get(digest);
    if (i === undefined) return -1;
    this.list[i] = decodeDisclosure(this.encoded[i]!, digest);
    this.parents[i] = this.current;
    this.claims[i] = claim;
    return i;
  }

  value(v: unknown, depth: number, claim: string): unknown {
    if (typeof v !== 'object' || v === null) return v;
    if (depth > MAX_DEPTH)
      throw new AppError('ERR_VC_MALFORMED', `the payload nests deeper than ${MAX_DEPTH}`);
    return Array.isArray(v) ? this.array(v, depth, claim) : this.object(v as JsonObject, depth);
  }

  /** Expands disclosure `i` (its value may hold digests of its own). */
  expand(i: number, depth: number, claim: string): unknown {
    const outer = this.current;
    this.current = i;
    const v = this.value(this.list[i]!.value, depth, claim);
    this.current = outer;
    return v;
  }

  object(obj: JsonObject, depth: number, omit?: ReadonlySet<string>): JsonObject {
    const out: JsonObject = {};
    for (const key of Object.keys(obj)) {
      if (key === '_sd' || (omit !== undefined && key === '_sd_alg')) continue;
      const v = this.value(obj[key], depth + 1, key);
      if (omit === undefined || !omit.has(key)) put(out, key, v);
    }
    const sd = obj._sd;
    if (sd === undefined) return out;
    if (!Array.isArray(sd)) throw new AppError('ERR_VC_MALFORMED', '"_sd" is not an array');
    for (const digest of sd) {
      const i = this.take(digest, '');
      if (i < 0) continue;
      const name = this.list[i]!.name;
      if (name === undefined) throw malformed(`disclosure #${i} has no claim name but is in _sd`);
      this.claims[i] = name;
      if (this.clashes(out, obj, name, omit !== undefined)) continue;
      const v = this.expand(i, depth + 1, name);
      if (omit === undefined || !omit.has(name)) put(out, name, v);
    }
    return out;
  }

  clashes(out: JsonObject, obj: JsonObject, name: string, top: boolean): boolean {
    const reserved = name === '_sd' || name === '...' || (top && this.reserved?.has(name) === true);
    if (!reserved && !Object.hasOwn(out, name) && !Object.hasOwn(obj, name)) return false;
    this.duplicate ??= new AppError(
      'ERR_VC_DISCLOSURE_DUPLICATE',
      `disclosed claim ${JSON.stringify(name)} is ${reserved ? 'a reserved name' : 'already present'}`,
    );
    return true;
  }

  array(arr: unknown[], depth: number, claim: string): unknown[] {
    const out: unknown[] = [];
    for (const el of arr) {
      if (!isObject(el) || !Object.hasOwn(el, '...') || Object.keys(el).length !== 1) {
        out.push(this.value(el, depth + 1, claim));
        continue;
      }
      const i = this.take(el['...'], claim);
      if (i < 0) continue; // a decoy or an element not disclosed: dropped (§7.1 step 3c)
      if (this.list[i]!.name !== undefined)
        throw malformed(`disclosure #${i} has a claim name but is an array element`);
      out.push(this.expand(i, depth + 1, claim));
    }
    return out;
  }
}

/**
 * Processes the disclosures of an SD-JWT against its (signature-checked) payload: RFC 9901 §7.1
 * steps 3-5. `_sd_alg` is removed at the top level; digests not disclosed (decoys) vanish.
 * @throws ERR_VC_DISCLOSURE_MALFORMED, ERR_VC_DISCLOSURE_UNKNOWN (a disclosure whose digest is
 *   nowhere in the payload), ERR_VC_DISCLOSURE_DUPLICATE (a digest twice, a disclosure twice, a
 *   disclosed name already present or reserved), ERR_VC_MALFORMED (`_sd` or a digest of the
 *   wrong type)
 */
export function processDisclosures(
  payload: JsonObject,
  encoded: readonly string[],
  options: ProcessOptions = {},
): ProcessedDisclosures {
  const walk = new Walk(encoded, options.reserved);
  const out = walk.object(payload, 0, options.omit ?? NONE);
  for (let i = 0; i < encoded.length; i++) {
    if (walk.parents[i] === -2)
      throw new AppError(
        'ERR_VC_DISCLOSURE_UNKNOWN',
        `disclosure #${i} (${encoded[i]!.slice(0, 24)}…) matches no digest of this SD-JWT`,
      );
  }
  if (walk.duplicate !== undefined) throw walk.duplicate;
  return { payload: out, disclosures: walk.list, claims: walk.claims, parents: walk.parents };
}
