/**
 * Writes test/vectors/id-number/vectors.json: GB 11643-1999 identity numbers for
 * src/identity/id-number.ts, the standard's published example plus synthetic numbers (made-up
 * division codes, dates and sequence codes with their MOD 11-2 check character; no real
 * person's number), and negative cases named by the mutation that breaks them.
 *
 * Expectations come from how each case is built, never from running the parser. Deterministic:
 * no clock, no randomness. test/identity/id-number.test.ts fails if the committed file differs.
 * Usage: npm run gen:id-vectors
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
// src/identity/index.ts does not exist yet: switch these two imports to it once it does.
import { checkDigitOf, PROVINCES } from '../src/identity/index.ts';

/** What the parser must return for a valid number. */
export interface IdWant {
  normalized: string;
  divisionCode: string;
  province: string;
  birthdate: string;
}

/** One case: an input and either what it parses to or the code it fails with. */
export interface IdCase {
  desc: string;
  input: { idNumber: string; birthdate?: string; today: string };
  want?: IdWant;
  wantErr?: string;
}

/** The whole file. */
export interface IdVectorFile {
  desc: string;
  cases: IdCase[];
}

/** The `today` of every case unless it says otherwise. */
const TODAY = '2024-06-15';
/** GB 11643-1999 Appendix A: a woman born 1949-12-31 in Chaoyang District, Beijing. */
const EXAMPLE = '11010519491231002X';
const CHECK_CHARS = '0123456789X';

/** A full number from its parts, with the right check character. */
function numberOf(division: string, date: string, seq: string): string {
  const body = `${division}${date}${seq}`;
  return body + checkDigitOf(body);
}

/** The 18-character number with the wrong check character `c` (c ≠ the right one). */
function withCheck(valid: string, c: string): string {
  return valid.slice(0, 17) + c;
}

function dashed(yyyymmdd: string): string {
  return `${yyyymmdd.slice(0, 4)}-${yyyymmdd.slice(4, 6)}-${yyyymmdd.slice(6, 8)}`;
}

function wantOf(valid: string): IdWant {
  const normalized = valid.trim().toUpperCase();
  const province = PROVINCES.get(normalized.slice(0, 2));
  if (province === undefined) throw new Error(`no province for ${normalized}`);
  return {
    normalized,
    divisionCode: normalized.slice(0, 6),
    province: province.iso,
    birthdate: dashed(normalized.slice(6, 14)),
  };
}

function ok(
  desc: string,
  idNumber: string,
  extra: { birthdate?: string; today?: string } = {},
): IdCase {
  const input = { idNumber, ...extra, today: extra.today ?? TODAY };
  return { desc, input, want: wantOf(idNumber) };
}

function bad(
  desc: string,
  idNumber: string,
  wantErr: string,
  extra: { birthdate?: string; today?: string } = {},
): IdCase {
  return { desc, input: { idNumber, ...extra, today: extra.today ?? TODAY }, wantErr };
}

/** Synthetic valid numbers: one per province-level division, dates and sequences varied. */
function perProvince(): IdCase[] {
  return [...PROVINCES].map(([prefix, { iso }], i) => {
    const division = `${prefix}${String((i % 9) + 1).padStart(2, '0')}${String((i * 7) % 100).padStart(2, '0')}`;
    const date = `${1930 + i * 2}${String((i % 12) + 1).padStart(2, '0')}${String((i % 28) + 1).padStart(2, '0')}`;
    const seq = String((i * 37 + 11) % 1000).padStart(3, '0');
    return ok(`valid-province-${iso}`, numberOf(division, date, seq));
  });
}

/** For each check value 0..10, the first synthetic number (sequence 000, 001, …) having it. */
function everyCheckChar(): IdCase[] {
  const found = new Map<string, string>();
  for (let seq = 0; found.size < 11; seq++) {
    const n = numberOf('440305', '19880808', String(seq).padStart(3, '0'));
    const c = n.charAt(17);
    if (!found.has(c)) found.set(c, n);
  }
  return [...CHECK_CHARS].map((c) => ok(`valid-check-char-${c}`, found.get(c) ?? ''));
}

/** Every wrong value of the check character of `valid` (10 cases). */
function wrongChecks(name: string, valid: string): IdCase[] {
  return [...CHECK_CHARS]
    .filter((c) => c !== valid.charAt(17))
    .map((c) =>
      bad(`wrong-check-digit-${c}-of-${name}`, withCheck(valid, c), 'ERR_IDENTITY_BAD_CHECK_DIGIT'),
    );
}

const INVALID = 'ERR_IDENTITY_INVALID_ID_NUMBER';
const CHECK = 'ERR_IDENTITY_BAD_CHECK_DIGIT';
const REGION = 'ERR_IDENTITY_BAD_REGION_CODE';
const DATE = 'ERR_IDENTITY_BAD_BIRTHDATE';
const MISMATCH = 'ERR_IDENTITY_BIRTHDATE_MISMATCH';

function formatCases(): IdCase[] {
  const fullwidth = [...EXAMPLE].map((ch) => String.fromCharCode(ch.charCodeAt(0) + 0xfee0));
  const devanagari = [...EXAMPLE.slice(0, 17)].map((d) => String.fromCodePoint(0x966 + Number(d)));
  return [
    bad('empty', '', INVALID),
    bad('whitespace-only', '   ', INVALID),
    bad('fifteen-digits', '110105491231002', INVALID),
    bad('seventeen-digits', EXAMPLE.slice(0, 17), INVALID),
    bad('nineteen-characters', `${EXAMPLE}0`, INVALID),
    bad('fullwidth-digits', fullwidth.join(''), INVALID),
    bad('devanagari-digits', `${devanagari.join('')}X`, INVALID),
    bad('x-in-middle', `${EXAMPLE.slice(0, 9)}X${EXAMPLE.slice(10)}`, INVALID),
    bad('letter-check-char-Y', withCheck(EXAMPLE, 'Y'), INVALID),
    bad('inner-space', `${EXAMPLE.slice(0, 6)} ${EXAMPLE.slice(6)}`, INVALID),
    bad(
      'hyphenated',
      `${EXAMPLE.slice(0, 6)}-${EXAMPLE.slice(6, 14)}-${EXAMPLE.slice(14)}`,
      INVALID,
    ),
    bad('signed', `+${EXAMPLE.slice(1)}`, INVALID),
  ];
}

function regionCases(): IdCase[] {
  return [
    bad('bad-province-00', numberOf('001234', '19800101', '123'), REGION),
    bad('unknown-province-99', numberOf('991234', '19800101', '123'), REGION),
    bad('unknown-province-83', numberOf('830101', '19800101', '123'), REGION),
    bad('bare-province-code', numberOf('110000', '19800101', '123'), REGION),
    bad('bare-province-code-hong-kong-810000', numberOf('810000', '19800101', '123'), REGION),
    ok('valid-prefecture-level-code-xx0100', numberOf('320100', '19800101', '123')),
    ok('valid-county-code-xx0001', numberOf('320001', '19800101', '123')),
    ok('valid-county-code-xx9999', numberOf('329999', '19800101', '123')),
  ];
}

function dateCases(): IdCase[] {
  const dated = (date: string, seq = '456') => numberOf('510104', date, seq);
  return [
    bad('impossible-date-0230', dated('20000230'), DATE),
    bad('impossible-date-1301', dated('19991301'), DATE),
    bad('impossible-date-0001', dated('19990001'), DATE),
    bad('impossible-date-0100', dated('19990100'), DATE),
    bad('impossible-date-0431', dated('19990431'), DATE),
    bad('impossible-date-1232', dated('19991232'), DATE),
    bad('non-leap-0229', dated('19990229'), DATE),
    bad('century-non-leap-19000229', dated('19000229'), DATE),
    ok('leap-0229-valid', dated('20000229')),
    ok('leap-0229-valid-1996', dated('19960229')),
    ok('valid-born-1900-01-01', dated('19000101')),
    bad('before-1900', dated('18991231'), DATE),
    ok('valid-born-today', dated('20240615')),
    bad('future-birthdate', dated('20240616'), DATE),
    bad('future-birthdate-next-century', dated('21000101'), DATE),
    ok('valid-today-moved', dated('20240616'), { today: '2024-06-16' }),
  ];
}

function givenBirthdateCases(): IdCase[] {
  return [
    ok('valid-matching-birthdate', EXAMPLE, { birthdate: '1949-12-31' }),
    bad('mismatched-birthdate', EXAMPLE, MISMATCH, { birthdate: '1949-12-30' }),
    bad('mismatched-birthdate-year', EXAMPLE, MISMATCH, { birthdate: '1950-12-31' }),
    bad('malformed-given-birthdate', EXAMPLE, DATE, { birthdate: '1949/12/31' }),
    bad('malformed-given-birthdate-compact', EXAMPLE, DATE, { birthdate: '19491231' }),
    bad('malformed-given-birthdate-unpadded', EXAMPLE, DATE, { birthdate: '1949-12-3' }),
    bad('malformed-given-birthdate-impossible', EXAMPLE, DATE, { birthdate: '1949-02-30' }),
    bad('malformed-given-birthdate-empty', EXAMPLE, DATE, { birthdate: '' }),
  ];
}

/** Several faults at once: the first check in the documented order decides the code. */
function precedenceCases(): IdCase[] {
  const badRegionAndDate = numberOf('000000', '19991301', '123');
  return [
    bad('order-format-before-check', `${EXAMPLE.slice(0, 9)}X${EXAMPLE.slice(10, 17)}0`, INVALID),
    bad(
      'order-check-before-region',
      withCheck(badRegionAndDate, badRegionAndDate.charAt(17) === '0' ? '1' : '0'),
      CHECK,
    ),
    bad('order-region-before-date', badRegionAndDate, REGION),
    bad('order-id-date-before-given-date', numberOf('510104', '19991301', '123'), DATE, {
      birthdate: '1999-01-01',
    }),
  ];
}

/** Every case, in a fixed order. */
export function idNumberVectors(): IdVectorFile {
  const leap = numberOf('440305', '20000229', '123');
  const sichuan = numberOf('510104', '19751103', '567');
  return {
    desc: 'GB 11643-1999 citizen identity numbers: ISO 7064 MOD 11-2 check character, GB/T 2260 address code, birth date; synthetic except the standard example. Generated by scripts/gen-id-vectors.ts',
    cases: [
      ok('valid-gb11643-example', EXAMPLE),
      ok('valid-lowercase-x', EXAMPLE.toLowerCase()),
      ok('whitespace-trimmed', ` \t${EXAMPLE}\n `),
      ok('whitespace-trimmed-ideographic-space', `\u3000${EXAMPLE}\u3000`),
      ...everyCheckChar(),
      ...perProvince(),
      ...wrongChecks('gb11643-example', EXAMPLE),
      ...wrongChecks('leap-day', leap),
      ...wrongChecks('sichuan', sichuan),
      ...formatCases(),
      ...regionCases(),
      ...dateCases(),
      ...givenBirthdateCases(),
      ...precedenceCases(),
    ],
  };
}

/** Where the file lives. */
export const ID_VECTORS_PATH = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  'test',
  'vectors',
  'id-number',
  'vectors.json',
);

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const vectors = idNumberVectors();
  mkdirSync(dirname(ID_VECTORS_PATH), { recursive: true });
  writeFileSync(ID_VECTORS_PATH, `${JSON.stringify(vectors, null, 2)}\n`);
  process.stdout.write(
    `wrote ${vectors.cases.length} cases to test/vectors/id-number/vectors.json\n`,
  );
}
