/**
 * Private integer helpers for tree positions. Tree sizes and indices are JS numbers up to
 * 2^53 - 1, so 32-bit operators (`>>`, `&`, `Math.clz32`) cannot be used on them directly:
 * these helpers split a value into two 32-bit halves.
 */

const TWO_32 = 2 ** 32;

/** Throws TypeError unless `value` is an integer number, RangeError when it is negative. */
export function assertNonNegativeInteger(value: unknown, name: string): asserts value is number {
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    const got = typeof value === 'number' ? String(value) : typeof value;
    throw new TypeError(`"${name}" expected a non-negative integer, got ${got}`);
  }
  if (value < 0) throw new RangeError(`"${name}" expected a non-negative integer, got ${value}`);
}

/** Number of bits needed to write `n` (0 for 0). */
export function bitLength(n: number): number {
  const hi = Math.floor(n / TWO_32);
  return hi > 0 ? 64 - Math.clz32(hi) : 32 - Math.clz32(n >>> 0);
}

/** Number of set bits in `n`. */
export function popCount(n: number): number {
  return popCount32(n >>> 0) + popCount32(Math.floor(n / TWO_32));
}

function popCount32(x: number): number {
  let v = x - ((x >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24) & 0xff;
}

/** Number of trailing zero bits of `n > 0`. */
export function trailingZeros(n: number): number {
  const lo = n >>> 0;
  if (lo !== 0) return 31 - Math.clz32(lo & -lo);
  return 32 + trailingZeros(Math.floor(n / TWO_32));
}

/** Bitwise XOR of two non-negative integers below 2^53. */
export function xor(a: number, b: number): number {
  const hi = (Math.floor(a / TWO_32) ^ Math.floor(b / TWO_32)) >>> 0;
  return hi * TWO_32 + ((a ^ b) >>> 0);
}

/** `n >> bits` for a non-negative integer below 2^53. */
export function shiftRight(n: number, bits: number): number {
  return Math.floor(n / 2 ** bits);
}

/** The exponent `e` of the largest power of two `2^e < n`, for `n >= 2` (RFC 6962 §2.1 split). */
export function splitExponent(n: number): number {
  return bitLength(n - 1) - 1;
}
