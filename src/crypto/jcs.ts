import { AppError } from '../errors.ts';
import { utf8 } from './bytes.ts';

/** A JSON value as RFC 8785 sees it. */
export type JsonValue =
  null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

const LONE_SURROGATE = /\p{Surrogate}/u;

function fail(path: string, what: string): never {
  throw new AppError('ERR_CRYPTO_NOT_CANONICAL', `${path || '(root)'}: ${what}`);
}

function serializeString(text: string, path: string): string {
  // I-JSON (RFC 7493 §2.1) forbids lone surrogates; well-formed strings never match.
  if (LONE_SURROGATE.test(text)) fail(path, 'string holds a lone UTF-16 surrogate');
  return JSON.stringify(text);
}

function serialize(value: unknown, path: string, depth: number): string {
  if (depth > 200) fail(path, 'nesting deeper than 200');
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
        return `[${value.map((v, i) => serialize(v, `${path}[${i}]`, depth + 1)).join(',')}]`;
      }
      const proto: unknown = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) fail(path, 'only plain objects are JSON');
      // Keys sorted by UTF-16 code units (RFC 8785 §3.2.3): the default Array.prototype.sort order.
      const keys = Object.keys(value).sort();
      const parts: string[] = [];
      for (const key of keys) {
        const v = (value as Record<string, unknown>)[key];
        if (v === undefined) fail(`${path}.${key}`, 'undefined is not JSON');
        parts.push(`${serializeString(key, path)}:${serialize(v, `${path}.${key}`, depth + 1)}`);
      }
      return `{${parts.join(',')}}`;
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
  return serialize(value, '', 0);
}

/** UTF-8 bytes of {@link canonicalize}. */
export function canonicalBytes(value: unknown): Uint8Array {
  return utf8(canonicalize(value));
}
