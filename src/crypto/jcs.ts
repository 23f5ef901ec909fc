import { AppError } from '../errors.ts';
import { isWellFormedText, utf8 } from './bytes.ts';

/** A JSON value as RFC 8785 sees it. */
export type JsonValue =
  null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/**
 * The path of the value being serialized: object keys and array indexes from the root. It is
 * turned into text only when a value fails, so a valid value costs no path strings.
 */
type Path = (string | number)[];

function fail(path: Path, what: string): never {
  const at = path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${p}`)).join('');
  throw new AppError('ERR_CRYPTO_NOT_CANONICAL', `${at || '(root)'}: ${what}`);
}

function serializeString(text: string, path: Path): string {
  // I-JSON (RFC 7493 §2.1) forbids lone surrogates; well-formed strings never match.
  if (!isWellFormedText(text)) fail(path, 'string holds a lone UTF-16 surrogate');
  return JSON.stringify(text);
}

function serialize(value: unknown, path: Path): string {
  if (path.length > 200) fail(path, 'nesting deeper than 200');
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      // ECMAScript Number.prototype.toString is exactly RFC 8785 §3.2.2.3; -0 becomes "0".
      if (!Number.isFinite(value)) fail(path, `number ${value} is not finite`);
      return JSON.stringify(value);
    case 'string':
      return serializeString(value, path);
    case 'object': {
      if (Array.isArray(value)) {
        let out = '[';
        for (let i = 0; i < value.length; i++) {
          path.push(i);
          out += (i === 0 ? '' : ',') + serialize(value[i], path);
          path.pop();
        }
        return `${out}]`;
      }
      const proto: unknown = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) fail(path, 'only plain objects are JSON');
      // Keys sorted by UTF-16 code units (RFC 8785 §3.2.3): the default Array.prototype.sort order.
      const keys = Object.keys(value).sort();
      let out = '{';
      for (let i = 0; i < keys.length; i++) {
        const key = keys[i]!;
        const v = (value as Record<string, unknown>)[key];
        path.push(key);
        if (v === undefined) fail(path, 'undefined is not JSON');
        const item = serialize(v, path);
        path.pop();
        out += `${i === 0 ? '' : ','}${serializeString(key, path)}:${item}`;
      }
      return `${out}}`;
    }
    default:
      return fail(path, `${typeof value} is not JSON`);
  }
}

/**
 * RFC 8785 JSON Canonicalization Scheme: the one serialization realdid hashes and signs.
 * @throws ERR_CRYPTO_NOT_CANONICAL for values outside I-JSON (non-finite numbers, undefined,
 *   bigint, lone surrogates, class instances)
 * @example canonicalize({ b: 1, a: [true, null] }) // '{"a":[true,null],"b":1}'
 */
export function canonicalize(value: unknown): string {
  // A value already in canonical order (as parsed from canonical text) is its own JSON.stringify;
  // another plain value is, once copied with sorted keys. What is neither goes to `serialize`,
  // which writes the same text or names what is not I-JSON.
  if (inCanonicalOrder(value, 0)) return JSON.stringify(value);
  const sorted = sortedCopy(value, 0);
  return sorted === NOT_PLAIN ? serialize(value, []) : JSON.stringify(sorted);
}

/**
 * `keys` sorted in place by UTF-16 code units (RFC 8785 §3.2.3, the default `sort` order): by
 * insertion for the few keys objects usually have, which allocates nothing.
 */
function sortKeys(keys: string[]): string[] {
  if (keys.length > 16) return keys.sort();
  for (let i = 1; i < keys.length; i++) {
    const k = keys[i]!;
    let j = i - 1;
    for (; j >= 0 && keys[j]! > k; j--) keys[j + 1] = keys[j]!;
    keys[j + 1] = k;
  }
  return keys;
}

/** An object of `Object.prototype` or of none, with no other tag (a boxed primitive, `Symbol.toStringTag`). */
function isPlainObject(value: object): boolean {
  const proto: unknown = Object.getPrototypeOf(value);
  return (
    (proto === Object.prototype || proto === null) &&
    Object.prototype.toString.call(value) === '[object Object]'
  );
}

/** {@link sortedCopy}'s answer for a value it leaves to `serialize`. */
const NOT_PLAIN = Symbol('not plain JSON');

/**
 * A copy of `value` whose objects list their keys in RFC 8785 order, for `JSON.stringify`; or
 * {@link NOT_PLAIN} for anything {@link inCanonicalOrder} would refuse other than key order, and for
 * an object with a key that starts with a digit (an array-index key is always listed first, so a
 * copy cannot put it in sorted order).
 */
function sortedCopy(value: unknown, depth: number): unknown {
  if (depth > 200) return NOT_PLAIN;
  if (value === null) return null;
  switch (typeof value) {
    case 'boolean':
      return value;
    case 'number':
      return Number.isFinite(value) ? value : NOT_PLAIN;
    case 'string':
      return isWellFormedText(value) ? value : NOT_PLAIN;
    case 'object': {
      if ((value as { toJSON?: unknown }).toJSON !== undefined) return NOT_PLAIN;
      if (Array.isArray(value)) {
        const out: unknown[] = new Array<unknown>(value.length);
        for (let i = 0; i < value.length; i++) {
          const v = sortedCopy(value[i], depth + 1);
          if (v === NOT_PLAIN) return NOT_PLAIN;
          out[i] = v;
        }
        return out;
      }
      if (!isPlainObject(value)) return NOT_PLAIN;
      const keys = sortKeys(Object.keys(value));
      // No prototype: a "__proto__" key is an own property like any other.
      const out = Object.create(null) as Record<string, unknown>;
      for (const key of keys) {
        const c = key.charCodeAt(0);
        if ((c >= 0x30 && c <= 0x39) || !isWellFormedText(key)) return NOT_PLAIN;
        const v = (value as Record<string, unknown>)[key];
        const copy = v === undefined ? NOT_PLAIN : sortedCopy(v, depth + 1);
        if (copy === NOT_PLAIN) return NOT_PLAIN;
        out[key] = copy;
      }
      return out;
    }
    default:
      return NOT_PLAIN;
  }
}

/**
 * Is `value` I-JSON whose every object lists its keys (`Object.keys`, which is also the order
 * `JSON.stringify` writes) in strictly increasing UTF-16 order? Then `JSON.stringify` writes
 * exactly the RFC 8785 form: its string escapes and number forms are the ones §3.2.2 adopts.
 * False for anything else (unsorted keys, a `toJSON`, a boxed primitive, or a value `serialize` must
 * name in an error). Values are plain data: accessors and Proxies are not supported (a getter is
 * read by this check and again by the serializer).
 */
function inCanonicalOrder(value: unknown, depth: number): boolean {
  if (depth > 200) return false;
  if (value === null) return true;
  switch (typeof value) {
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(value);
    case 'string':
      return isWellFormedText(value);
    case 'object': {
      // JSON.stringify would call a toJSON (own or inherited, e.g. a polluted prototype) and
      // unwrap boxed primitives: leave those to `serialize`.
      if ((value as { toJSON?: unknown }).toJSON !== undefined) return false;
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++)
          if (!inCanonicalOrder(value[i], depth + 1)) return false;
        return true;
      }
      if (!isPlainObject(value)) return false;
      const keys = Object.keys(value);
      for (let i = 0; i < keys.length; i++) {
        const key = keys[i]!;
        if ((i > 0 && !(keys[i - 1]! < key)) || !isWellFormedText(key)) return false;
        const v = (value as Record<string, unknown>)[key];
        if (v === undefined || !inCanonicalOrder(v, depth + 1)) return false;
      }
      return true;
    }
    default:
      return false;
  }
}

/** UTF-8 bytes of {@link canonicalize}. */
export function canonicalBytes(value: unknown): Uint8Array {
  return utf8(canonicalize(value));
}
