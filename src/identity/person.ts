/**
 * The enrollment record of a person, validated and normalized once at the identity authority's
 * boundary: names, the GB 11643-1999 identity number with its birth date, nationality
 * (ISO 3166-1 alpha-2) and province-level region (ISO 3166-2:CN).
 */
import { AppError } from '../errors.ts';
import { formatOfIdNumber, parseCalendarDate, parseResidentId } from './id-number.ts';
import { COUNTRIES, PROVINCES } from './regions.ts';

/** The enrollment fields as received (untrusted). */
export interface PersonInput {
  familyName: string;
  givenName: string;
  idNumber: string;
  /** `'YYYY-MM-DD'`; must agree with the birth date in `idNumber`. */
  birthdate: string;
  /** ISO 3166-1 alpha-2, any case. */
  nationality: string;
  /** ISO 3166-2:CN (`'CN-GD'`), or a GB/T 2260 prefix (`'44'`) or province code (`'440000'`). */
  region?: string;
}

/** A validated, normalized enrollment record. */
export interface Person {
  /** NFC, trimmed. */
  readonly familyName: string;
  /** NFC, trimmed. */
  readonly givenName: string;
  /** The normalized 18-character identity number. */
  readonly idNumber: string;
  /** `'YYYY-MM-DD'`. */
  readonly birthdate: string;
  /** ISO 3166-1 alpha-2, upper case. */
  readonly nationality: string;
  /** ISO 3166-2:CN province-level code, e.g. `'CN-GD'`. */
  readonly region: string;
}

/** Longest name accepted, in Unicode code points (after NFC and trimming). */
export const MAX_NAME_CODE_POINTS = 64;

/**
 * Characters a name may not hold: controls (Cc), format characters (Cf: zero-width and bidi
 * controls, BOM), lone surrogates (Cs) and the line/paragraph separators (Zl, Zp). The middle
 * dot U+00B7 (Po) of transliterated minority names such as 买买提·艾力 stays allowed.
 */
const FORBIDDEN_IN_NAME = /[\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}]/u;

/** The ISO 3166-2:CN codes of {@link PROVINCES}. */
const PROVINCE_ISO: ReadonlySet<string> = new Set([...PROVINCES.values()].map((p) => p.iso));

function checkName(field: 'familyName' | 'givenName', value: unknown): string {
  if (typeof value !== 'string') {
    throw new AppError('ERR_IDENTITY_BAD_NAME', `"${field}" expected a string`);
  }
  const name = value.normalize('NFC').trim();
  if (FORBIDDEN_IN_NAME.test(name)) {
    throw new AppError(
      'ERR_IDENTITY_BAD_NAME',
      `"${field}" holds a control, format or line-separator character`,
    );
  }
  const length = [...name].length;
  if (length < 1 || length > MAX_NAME_CODE_POINTS) {
    throw new AppError(
      'ERR_IDENTITY_BAD_NAME',
      `"${field}" expected 1 to ${MAX_NAME_CODE_POINTS} characters, got ${length}`,
    );
  }
  return name;
}

function checkNationality(value: unknown): string {
  const code = typeof value === 'string' && /^[A-Za-z]{2}$/.test(value) ? value.toUpperCase() : '';
  if (!COUNTRIES.has(code)) {
    throw new AppError(
      'ERR_IDENTITY_BAD_NATIONALITY',
      '"nationality" expected an ISO 3166-1 alpha-2 country code',
    );
  }
  return code;
}

/**
 * The ISO 3166-2:CN code of a region given as `'CN-XX'` (any case), a two-digit GB/T 2260
 * prefix (`'44'`) or a six-digit province code (`'440000'`); undefined when it is none of them.
 */
function provinceOfRegion(value: string): string | undefined {
  const text = value.trim().toUpperCase();
  if (PROVINCE_ISO.has(text)) return text;
  if (/^[0-9]{2}$/.test(text)) return PROVINCES.get(text)?.iso;
  if (/^[0-9]{2}0000$/.test(text)) return PROVINCES.get(text.slice(0, 2))?.iso;
  return undefined;
}

function checkRegion(value: unknown, fallback: string): string {
  if (value === undefined) return fallback;
  const iso = typeof value === 'string' ? provinceOfRegion(value) : undefined;
  if (iso === undefined) {
    throw new AppError(
      'ERR_IDENTITY_BAD_REGION',
      '"region" expected a province-level ISO 3166-2:CN code or GB/T 2260 province code',
    );
  }
  return iso;
}

/**
 * Validates and normalizes an enrollment record. Error messages name the field and the check,
 * never the value received (personal data).
 *
 * Checks, in this order (the first failure is thrown):
 * - `familyName`, then `givenName`: Unicode NFC, trimmed, 1 to 64 code points, and no control
 *   (Cc), format (Cf), surrogate (Cs) or line/paragraph separator (Zl, Zp) character; CJK and
 *   the middle dot U+00B7 are fine → `ERR_IDENTITY_BAD_NAME`;
 * - `idNumber` and `birthdate`: as {@link parseResidentId} (`ERR_IDENTITY_INVALID_ID_NUMBER`,
 *   `ERR_IDENTITY_BAD_CHECK_DIGIT`, `ERR_IDENTITY_BAD_REGION_CODE`, `ERR_IDENTITY_BAD_BIRTHDATE`,
 *   `ERR_IDENTITY_BIRTHDATE_MISMATCH`);
 * - `nationality`: one of the 249 ISO 3166-1 alpha-2 codes, any case (alpha-3 such as `'CHN'`
 *   is refused) → `ERR_IDENTITY_BAD_NATIONALITY`;
 * - `region`, when given: a province-level division as `'CN-GD'` (ISO 3166-2:CN, any case),
 *   `'44'` (GB/T 2260 prefix) or `'440000'` (GB/T 2260 province code) → `ERR_IDENTITY_BAD_REGION`.
 *   When absent it is the province of the identity number's address code. It need not be that
 *   province: people live away from their registered residence.
 *
 * @param input the fields as received
 * @param o.today the current date, `'YYYY-MM-DD'` (the caller's clock)
 * @throws AppError with the codes above
 * @throws TypeError when `input` is not an object; RangeError when `o.today` is not a date
 * @example
 * checkPerson(
 *   { familyName: '张', givenName: '三', idNumber: '11010519491231002X', birthdate: '1949-12-31', nationality: 'cn' },
 *   { today: '2024-01-01' },
 * ); // { …, nationality: 'CN', region: 'CN-BJ' }
 */
export function checkPerson(input: PersonInput, o: { today: string }): Person {
  if (typeof input !== 'object' || input === null) {
    throw new TypeError('"input" expected an object');
  }
  const familyName = checkName('familyName', input.familyName);
  const givenName = checkName('givenName', input.givenName);
  const id = parseResidentId(input.idNumber, { birthdate: input.birthdate, today: o.today });
  const nationality = checkNationality(input.nationality);
  const region = checkRegion(input.region, id.province);
  return Object.freeze({
    familyName,
    givenName,
    idNumber: id.normalized,
    birthdate: id.birthdate,
    nationality,
    region,
  });
}

/**
 * What the uniqueness tag is computed over: the normalized 18 characters of an identity number
 * (surrounding whitespace trimmed, a final `x` upper-cased). Only the format is checked, so that
 * the same number always gives the same tag; run {@link parseResidentId} or
 * {@link checkPerson} for the full validation.
 *
 * @param idNumber the number as entered
 * @throws AppError ERR_IDENTITY_INVALID_ID_NUMBER (as the format check of {@link parseResidentId})
 * @example
 * normalizedIdNumber(' 11010519491231002x '); // '11010519491231002X'
 */
export function normalizedIdNumber(idNumber: string): string {
  return formatOfIdNumber(idNumber);
}

/**
 * Full years of age on `day` of a person born on `birthdate`. A birthday counts from its own
 * date, so someone born on 29 February turns a year older on 1 March in non-leap years.
 *
 * @param birthdate `'YYYY-MM-DD'`
 * @param day `'YYYY-MM-DD'`, the day of the question
 * @throws AppError ERR_IDENTITY_BAD_BIRTHDATE when `birthdate` is not a real date or is after `day`
 * @throws RangeError when `day` is not a `YYYY-MM-DD` date
 * @example
 * ageOn('2000-02-29', '2018-02-28'); // 17
 * ageOn('2000-02-29', '2018-03-01'); // 18
 */
export function ageOn(birthdate: string, day: string): number {
  const on = parseCalendarDate(day);
  if (on === undefined) {
    throw new RangeError(`"day" expected a YYYY-MM-DD date, got ${JSON.stringify(day)}`);
  }
  const born = parseCalendarDate(birthdate);
  if (born === undefined || birthdate > day) {
    throw new AppError(
      'ERR_IDENTITY_BAD_BIRTHDATE',
      '"birthdate" expected a real YYYY-MM-DD date not after "day"',
    );
  }
  const hadBirthday = on.month > born.month || (on.month === born.month && on.day >= born.day);
  return on.year - born.year - (hadBirthday ? 0 : 1);
}
