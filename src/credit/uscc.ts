/**
 * The Unified Social Credit Code of GB 32100-2015 (法人和其他组织统一社会信用代码编码规则): the
 * 18-character identifier of every legal person and other organization in the PRC, printed on
 * its business licence. Characters come from a 31-character set (digits and the capital letters
 * without I, O, S, V and Z):
 *
 * | position | part                                                      |
 * | -------- | --------------------------------------------------------- |
 * | 1        | registration authority code (登记管理部门代码)              |
 * | 2        | organization type code (机构类别代码)                      |
 * | 3-8      | administrative division of the registering authority (GB/T 2260, 6 digits) |
 * | 9-17     | organization code (主体标识码, a GB 11714 code: 8 characters and its check character) |
 * | 18       | check character (GB/T 17710, modulo 31)                    |
 */
import { AppError } from '../errors.ts';

/** The GB 32100-2015 character set in value order: character i has the value i (0..30). */
export const USCC_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';

/**
 * A JSON Schema `pattern` for a Unified Social Credit Code: 18 characters of
 * {@link USCC_ALPHABET}. It checks the character set only; {@link parseUscc} checks the rest.
 */
export const USCC_PATTERN = '^[0-9A-HJ-NP-RTUW-Y]{18}$';

/** A validated Unified Social Credit Code split into its GB 32100-2015 parts. */
export interface Uscc {
  /** The 18 characters. */
  readonly code: string;
  /** Position 1: the registration authority code (e.g. `9` market regulation, `5` civil affairs). */
  readonly registrationAuthority: string;
  /** Position 2: the organization type code within that authority (e.g. `1` enterprise). */
  readonly organizationType: string;
  /** Positions 3-8: the GB/T 2260 division code of the registering authority. */
  readonly divisionCode: string;
  /** Positions 9-17: the GB 11714 organization code, its check character last. */
  readonly organizationCode: string;
  /** Position 18: the check character. */
  readonly checkCharacter: string;
}

/** W(i) = 3^(i-1) mod 31 for positions i = 1..17: 1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, … */
const WEIGHTS: readonly number[] = Array.from({ length: 17 }, (_, i) => {
  let w = 1;
  for (let k = 0; k < i; k++) w = (w * 3) % 31;
  return w;
});
/** GB 11714 code characters in value order (digits 0-9, then A = 10 … Z = 35). */
const ORG_ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';
/** GB 11714 weights of the 8 body characters of an organization code. */
const ORG_WEIGHTS: readonly number[] = [3, 7, 9, 10, 5, 8, 4, 2];
const FIRST17_RE = /^[0-9A-HJ-NP-RTUW-Y]{17}$/;
const ORG_BODY_RE = /^[0-9A-Z]{8}$/;

/**
 * The GB 32100-2015 check character (position 18) of the first 17 characters: with c(i) the
 * value of character i in {@link USCC_ALPHABET} and W(i) = 3^(i-1) mod 31, the check value is
 * C18 = 31 − (Σ c(i)·W(i) mod 31), where 31 is written `0`. Equivalently, the 18 values satisfy
 * Σ c(i)·W(i) + C18 ≡ 0 (mod 31). Since every W(i) is invertible mod 31, changing any one of
 * the 17 characters always changes the check character.
 *
 * @param first17 the first 17 characters, all in {@link USCC_ALPHABET}
 * @returns one character of {@link USCC_ALPHABET}
 * @throws TypeError when `first17` is not 17 characters of the alphabet (a programming error:
 *   untrusted input goes through {@link parseUscc})
 * @example
 * usccCheckCharacter('91350100M000100Y4'); // '3' (the worked example of GB 32100-2015)
 */
export function usccCheckCharacter(first17: string): string {
  if (typeof first17 !== 'string' || !FIRST17_RE.test(first17)) {
    throw new TypeError('"first17" expected 17 characters of the GB 32100-2015 alphabet');
  }
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += USCC_ALPHABET.indexOf(first17.charAt(i)) * (WEIGHTS[i] ?? 0);
  return USCC_ALPHABET.charAt((31 - (sum % 31)) % 31);
}

/**
 * The GB 11714 check character of an organization code's 8-character body (positions 9-16 of
 * a Unified Social Credit Code): with values 0-9 for digits and A = 10 … Z = 35 (all 26
 * letters, GB 11714's own table) and weights 3, 7, 9, 10, 5, 8, 4, 2, the check value is
 * C9 = 11 − (Σ value·weight mod 11), written `X` for 10 and `0` for 11.
 *
 * @param body8 the 8 body characters, ASCII digits or capital letters
 * @returns `'0'`-`'9'` or `'X'`
 * @throws TypeError when `body8` is not 8 ASCII digits or capital letters
 * @example
 * organizationCodeCheckCharacter('M000100Y'); // '4'
 */
export function organizationCodeCheckCharacter(body8: string): string {
  if (typeof body8 !== 'string' || !ORG_BODY_RE.test(body8)) {
    throw new TypeError('"body8" expected 8 ASCII digits or capital letters');
  }
  let sum = 0;
  for (let i = 0; i < 8; i++) sum += ORG_ALPHABET.indexOf(body8.charAt(i)) * (ORG_WEIGHTS[i] ?? 0);
  const c = 11 - (sum % 11);
  return c === 10 ? 'X' : String(c % 11);
}

/**
 * Validates a Unified Social Credit Code and splits it into its parts. The input is taken as it
 * is: no trimming, no upper-casing, no separators. Organization codes are public, so messages
 * quote the offending character.
 *
 * Checks, in this order (the first failure is thrown, all as `ERR_CREDIT_INVALID_USCC`):
 * 1. a string of exactly 18 characters;
 * 2. every character is in {@link USCC_ALPHABET} (the first offending position is named);
 * 3. positions 3-8 (the administrative division code) are ASCII digits;
 * 4. position 17 is the GB 11714 check character of positions 9-16
 *    ({@link organizationCodeCheckCharacter});
 * 5. position 18 is the GB 32100 check character of positions 1-17 ({@link usccCheckCharacter}).
 *
 * Positions 1 and 2 are not checked against a list of authority and type codes (the list has
 * grown since 2015), nor positions 3-8 against GB/T 2260.
 *
 * @param input the code
 * @returns the code and its parts, frozen
 * @throws AppError ERR_CREDIT_INVALID_USCC naming what is wrong
 * @example
 * parseUscc('91350100M000100Y43').organizationCode; // 'M000100Y4'
 */
export function parseUscc(input: string): Uscc {
  const problem = problemOf(input);
  if (problem !== undefined) throw new AppError('ERR_CREDIT_INVALID_USCC', `"uscc" ${problem}`);
  return Object.freeze({
    code: input,
    registrationAuthority: input.charAt(0),
    organizationType: input.charAt(1),
    divisionCode: input.slice(2, 8),
    organizationCode: input.slice(8, 17),
    checkCharacter: input.charAt(17),
  });
}

/** What is wrong with `input` as a code (the checks of {@link parseUscc}, in order), if anything. */
function problemOf(input: unknown): string | undefined {
  if (typeof input !== 'string') return `expected a string, got ${typeof input}`;
  if (input.length !== 18) return `expected 18 characters, got ${input.length}`;
  for (let i = 0; i < 18; i++) {
    const c = input.charAt(i);
    if (!USCC_ALPHABET.includes(c)) {
      return `character ${i + 1} (${JSON.stringify(c)}) is not in the GB 32100-2015 alphabet`;
    }
    if (i >= 2 && i < 8 && !(c >= '0' && c <= '9')) {
      return `character ${i + 1} (${JSON.stringify(c)}) must be a digit of the division code`;
    }
  }
  const org = organizationCodeCheckCharacter(input.slice(8, 16));
  if (input.charAt(16) !== org) {
    return `organization code check character (17) expected ${org}, got ${input.charAt(16)}`;
  }
  const check = usccCheckCharacter(input.slice(0, 17));
  if (input.charAt(17) !== check) {
    return `check character (18) expected ${check}, got ${input.charAt(17)}`;
  }
  return undefined;
}

/**
 * Is `s` a valid Unified Social Credit Code ({@link parseUscc} would accept it)?
 *
 * @example
 * isUscc('91350100M000100Y43'); // true
 * isUscc('91350100M000100Y4Z'); // false
 */
export function isUscc(s: unknown): s is string {
  return problemOf(s) === undefined;
}
