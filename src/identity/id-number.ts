/**
 * The 18-character citizen identity number of GB 11643-1999 (公民身份号码), as printed on the
 * PRC resident identity card: a 6-digit address code (a GB/T 2260 administrative division), an
 * 8-digit birth date (YYYYMMDD, GB/T 7408), a 3-digit sequence code and an ISO 7064:1983
 * MOD 11-2 check character (`0`-`9` or `X` for ten).
 */
import { AppError } from '../errors.ts';
import { PROVINCES } from './regions.ts';

/** A validated resident identity number and what it says. */
export interface ResidentId {
  /** The 18 characters: surrounding whitespace trimmed, a final `x` upper-cased to `X`. */
  readonly normalized: string;
  /** The first 6 digits: the GB/T 2260 administrative division of the registered residence. */
  readonly divisionCode: string;
  /** The ISO 3166-2:CN code of the province-level division, e.g. `'CN-BJ'`. */
  readonly province: string;
  /** The birth date in digits 7-14, as `'YYYY-MM-DD'`. */
  readonly birthdate: string;
}

/** A calendar date split into its fields (month 1-12, day 1-31). */
export interface CalendarDate {
  readonly year: number;
  readonly month: number;
  readonly day: number;
}

/** Earliest birth date accepted (GB 11643-1999 numbers were issued to people alive in 1999). */
export const EARLIEST_BIRTHDATE = '1900-01-01';

/** The ISO 7064 MOD 11-2 weights of positions 1..17: 2^(17-i) mod 11 for 0-based i. */
const WEIGHTS: readonly number[] = Array.from({ length: 17 }, (_, i) => 2 ** (17 - i) % 11);
/** The check character for each checksum value 0..10 ('X' stands for ten). */
const CHECK_CHARS = '0123456789X';
const FIRST17_RE = /^[0-9]{17}$/;
const FORMAT_RE = /^[0-9]{17}[0-9Xx]$/;
const ISO_DATE_RE = /^([0-9]{4})-([0-9]{2})-([0-9]{2})$/;

/**
 * The ISO 7064:1983 MOD 11-2 check character of the 17-digit body of a GB 11643-1999 number:
 * with weights W(i) = 2^(17-i) mod 11 (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2),
 * the check value c satisfies (Σ a(i)·W(i) + c) ≡ 1 (mod 11), i.e. c = (12 − Σ mod 11) mod 11,
 * written `X` when it is 10.
 *
 * @param first17 the first 17 characters, ASCII digits only
 * @returns `'0'`-`'9'` or `'X'`
 * @throws TypeError when `first17` is not exactly 17 ASCII digits (a programming error: callers
 *   validate untrusted input with {@link parseResidentId})
 * @example
 * checkDigitOf('11010519491231002'); // 'X' (GB 11643-1999 Appendix A)
 */
export function checkDigitOf(first17: string): string {
  if (typeof first17 !== 'string' || !FIRST17_RE.test(first17)) {
    throw new TypeError('"first17" expected 17 ASCII digits');
  }
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += (first17.charCodeAt(i) - 48) * (WEIGHTS[i] ?? 0);
  return CHECK_CHARS.charAt((12 - (sum % 11)) % 11);
}

/** Days in `month` (1-12) of `year` in the proleptic Gregorian calendar. */
function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** The date of year/month/day digits if it is a real Gregorian date, else undefined. */
function realDate(y: string, m: string, d: string): CalendarDate | undefined {
  const year = Number(y);
  const month = Number(m);
  const day = Number(d);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  return { year, month, day };
}

/**
 * Reads a strict `'YYYY-MM-DD'` date (ASCII digits, real in the Gregorian calendar: leap years,
 * month 01-12, a day that exists in that month).
 *
 * @param value the text to read
 * @returns its fields, or `undefined` when it is not such a date
 * @example
 * parseCalendarDate('2000-02-29'); // { year: 2000, month: 2, day: 29 }
 * parseCalendarDate('1900-02-29'); // undefined
 */
export function parseCalendarDate(value: string): CalendarDate | undefined {
  const m = typeof value === 'string' ? ISO_DATE_RE.exec(value) : null;
  if (m === null) return undefined;
  return realDate(m[1] ?? '', m[2] ?? '', m[3] ?? '');
}

/** Reads `o.today`, a caller-supplied clock value. */
function todayOf(today: string): string {
  if (parseCalendarDate(today) === undefined) {
    throw new RangeError(`"today" expected a YYYY-MM-DD date, got ${JSON.stringify(today)}`);
  }
  return today;
}

/**
 * The normalized form of an identity number after the format check only: surrounding
 * whitespace trimmed, 17 ASCII digits then a digit or `X` (a final `x` is upper-cased).
 * Old 15-digit numbers (GB 11643-1989), other lengths and non-ASCII digits are refused.
 *
 * @throws AppError ERR_IDENTITY_INVALID_ID_NUMBER
 */
export function formatOfIdNumber(input: string): string {
  if (typeof input !== 'string') {
    throw new AppError('ERR_IDENTITY_INVALID_ID_NUMBER', '"idNumber" expected a string');
  }
  const trimmed = input.trim();
  if (!FORMAT_RE.test(trimmed)) {
    throw new AppError(
      'ERR_IDENTITY_INVALID_ID_NUMBER',
      `"idNumber" expected 17 ASCII digits then a digit or X, got ${trimmed.length} characters`,
    );
  }
  return trimmed.toUpperCase();
}

/**
 * Is `code` a well-formed GB/T 2260 division code for a place of registered residence?
 *
 * Rule (GB 11643-1999 §4.2 makes the address code the GB/T 2260 code of the county-level
 * division, 县/市/旗/区, of permanent residence): 6 ASCII digits whose first two are a known
 * province-level prefix ({@link PROVINCES}); digits 3-4 (prefecture) and 5-6 (county) may each
 * be any of 00-99, since GB/T 2260 codes have been added and retired over the years and
 * numbers keep the code current when they were issued; but the bare province code `xx0000`
 * names no county or city and is refused. (A consequence: the `810000`/`820000`/`830000`
 * address codes of the residence permits for Hong Kong, Macao and Taiwan residents are not
 * accepted here: those are not resident identity card numbers.)
 */
function isDivisionCode(code: string): boolean {
  return /^[0-9]{6}$/.test(code) && PROVINCES.has(code.slice(0, 2)) && !code.endsWith('0000');
}

/**
 * Validates a GB 11643-1999 citizen identity number and reads what it encodes. Error messages
 * name the failed check but never echo the number or the dates (personal data).
 *
 * Checks, in this order (the first failure is thrown):
 * 1. format: after trimming surrounding whitespace, 17 ASCII digits and a digit or `X`/`x`
 *    (15-digit GB 11643-1989 numbers, other lengths, full-width or other non-ASCII digits are
 *    refused) → `ERR_IDENTITY_INVALID_ID_NUMBER`;
 * 2. the ISO 7064 MOD 11-2 check character ({@link checkDigitOf}) → `ERR_IDENTITY_BAD_CHECK_DIGIT`;
 * 3. the address code is a well-formed GB/T 2260 division code: a known province prefix and
 *    not the bare province `xx0000` → `ERR_IDENTITY_BAD_REGION_CODE`;
 * 4. the birth date (digits 7-14) is a real date, not after `o.today` and not before
 *    1900-01-01 → `ERR_IDENTITY_BAD_BIRTHDATE`;
 * 5. `o.birthdate`, when given, is a `YYYY-MM-DD` date (else `ERR_IDENTITY_BAD_BIRTHDATE`) equal
 *    to the one in the number → `ERR_IDENTITY_BIRTHDATE_MISMATCH`.
 *
 * @param input the number as entered
 * @param o.birthdate the birth date the person declared, `'YYYY-MM-DD'`, to cross-check
 * @param o.today the current date, `'YYYY-MM-DD'` (the caller's clock)
 * @throws AppError with the codes above
 * @throws RangeError when `o.today` is not a `YYYY-MM-DD` date
 * @example
 * parseResidentId('11010519491231002x', { today: '2024-01-01' });
 * // { normalized: '11010519491231002X', divisionCode: '110105', province: 'CN-BJ', birthdate: '1949-12-31' }
 */
export function parseResidentId(
  input: string,
  o: { birthdate?: string; today: string },
): ResidentId {
  const today = todayOf(o.today);
  const normalized = formatOfIdNumber(input);
  const want = checkDigitOf(normalized.slice(0, 17));
  if (normalized.charAt(17) !== want) {
    throw new AppError(
      'ERR_IDENTITY_BAD_CHECK_DIGIT',
      '"idNumber" check character does not match the MOD 11-2 check of the first 17 digits',
    );
  }
  const divisionCode = normalized.slice(0, 6);
  const province = PROVINCES.get(divisionCode.slice(0, 2));
  if (province === undefined || !isDivisionCode(divisionCode)) {
    throw new AppError(
      'ERR_IDENTITY_BAD_REGION_CODE',
      '"idNumber" address code is not a county-level GB/T 2260 division code',
    );
  }
  const digits = normalized.slice(6, 14);
  const date = realDate(digits.slice(0, 4), digits.slice(4, 6), digits.slice(6, 8));
  const birthdate = `${digits.slice(0, 4)}-${digits.slice(4, 6)}-${digits.slice(6, 8)}`;
  if (date === undefined || birthdate > today || birthdate < EARLIEST_BIRTHDATE) {
    throw new AppError(
      'ERR_IDENTITY_BAD_BIRTHDATE',
      `"idNumber" birth date is not a real date between ${EARLIEST_BIRTHDATE} and ${today}`,
    );
  }
  if (o.birthdate !== undefined) {
    if (parseCalendarDate(o.birthdate) === undefined) {
      throw new AppError(
        'ERR_IDENTITY_BAD_BIRTHDATE',
        '"birthdate" expected a real YYYY-MM-DD date',
      );
    }
    if (o.birthdate !== birthdate) {
      throw new AppError(
        'ERR_IDENTITY_BIRTHDATE_MISMATCH',
        '"birthdate" differs from the birth date in "idNumber"',
      );
    }
  }
  return Object.freeze({ normalized, divisionCode, province: province.iso, birthdate });
}
