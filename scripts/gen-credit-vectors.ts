/**
 * Writes test/vectors/credit/uscc.json: GB 32100-2015 Unified Social Credit Codes for
 * src/credit/uscc.ts. Valid cases are published codes (each names its `source`) plus a few
 * synthetic ones (marked so); negative cases are named after the mutation that breaks them.
 *
 * This file computes both check characters with its own code (it imports nothing from src/), so
 * the expectations come from how each case is built, never from running the parser.
 * Deterministic: no clock, no randomness. test/credit/uscc.test.ts fails if the committed file
 * differs from what this writes.
 * Usage: node --import tsx scripts/gen-credit-vectors.ts
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** What a valid code parses to. */
export interface UsccWant {
  code: string;
  registrationAuthority: string;
  organizationType: string;
  divisionCode: string;
  organizationCode: string;
  checkCharacter: string;
}

/** One case: a code and either its parts or the error it fails with (and a part of the message). */
export interface UsccCase {
  desc: string;
  source?: string;
  input: string;
  want?: UsccWant;
  wantErr?: string;
  wantMessage?: string;
}

/** The whole file. */
export interface UsccVectorFile {
  desc: string;
  cases: UsccCase[];
}

const ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
/** GB 32100-2015 Table 2, the weights of positions 1..17 as printed in the standard. */
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
const ORG_ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2];
const ERR = 'ERR_CREDIT_INVALID_USCC';

const GB_EXAMPLE = '91350100M000100Y43';
const SRC_GB =
  'GB 32100-2015 worked example (the standard shows 91350100M000100Y4Z failing: the check character is 3); reproduced at https://renrendoc.com/p-47802332.html and https://www.yc00.com/web/1713075042a2177900.html';
const SRC_STDNUM =
  'python-stdnum tests/test_cn_uscc.doctest ("found online and should all be valid"), https://github.com/arthurdejong/python-stdnum';
const HUAWEI = '914403001922038216';

/** Σ value·weight of `s` over `weights`, values from `alphabet` (-1 for a foreign character). */
function weighted(s: string, alphabet: string, weights: number[]): number {
  return weights.reduce((sum, w, i) => sum + alphabet.indexOf(s.charAt(i)) * w, 0);
}

/** The GB 32100 check character of 17 characters. */
function check18(first17: string): string {
  const r = weighted(first17, ALPHABET, WEIGHTS) % 31;
  return ALPHABET.charAt(r === 0 ? 0 : 31 - r);
}

/** The GB 11714 check character of 8 body characters. */
function check17(body8: string): string {
  const c = 11 - (weighted(body8, ORG_ALPHABET, ORG_WEIGHTS) % 11);
  return c === 11 ? '0' : c === 10 ? 'X' : String(c);
}

/** A full code from positions 1-16, both check characters computed. */
function complete(first16: string): string {
  const first17 = first16 + check17(first16.slice(8, 16));
  return first17 + check18(first17);
}

/** The first problem with `s`, in the parser's documented order, as [message part] or undefined. */
function problem(s: string): string | undefined {
  if (s.length !== 18) return `expected 18 characters, got ${s.length}`;
  for (let i = 0; i < 18; i++) {
    const c = s.charAt(i);
    if (!ALPHABET.includes(c)) return `character ${i + 1} (${JSON.stringify(c)}) is not in`;
    if (i >= 2 && i < 8 && !/[0-9]/.test(c)) return `character ${i + 1} (${JSON.stringify(c)})`;
  }
  const org = check17(s.slice(8, 16));
  if (s.charAt(16) !== org) return `check character (17) expected ${org}, got ${s.charAt(16)}`;
  const c18 = check18(s.slice(0, 17));
  if (s.charAt(17) !== c18) return `check character (18) expected ${c18}, got ${s.charAt(17)}`;
  return undefined;
}

function ok(desc: string, code: string, source: string): UsccCase {
  if (problem(code) !== undefined) throw new Error(`${desc}: ${code} is not valid`);
  const want: UsccWant = {
    code,
    registrationAuthority: code.charAt(0),
    organizationType: code.charAt(1),
    divisionCode: code.slice(2, 8),
    organizationCode: code.slice(8, 17),
    checkCharacter: code.charAt(17),
  };
  return { desc, source, input: code, want };
}

function bad(desc: string, input: string, source?: string): UsccCase {
  const wantMessage = problem(input);
  if (wantMessage === undefined) throw new Error(`${desc}: ${input} is valid`);
  return { desc, ...(source === undefined ? {} : { source }), input, wantErr: ERR, wantMessage };
}

/** `s` with the character at 1-based `pos` replaced by `c`. */
function put(s: string, pos: number, c: string): string {
  return s.slice(0, pos - 1) + c + s.slice(pos);
}

/** `s` with the characters at 1-based `pos` and `pos + 1` swapped. */
function swap(s: string, pos: number): string {
  return s.slice(0, pos - 1) + s.charAt(pos) + s.charAt(pos - 1) + s.slice(pos + 1);
}

function validCases(): UsccCase[] {
  return [
    ok('valid-gb32100-example', GB_EXAMPLE, SRC_GB),
    ok(
      'valid-huawei-technologies',
      HUAWEI,
      'Huawei Technologies Co., Ltd. (华为技术有限公司), infobox of https://zh.wikipedia.org/zh-hk/%E8%8F%AF%E7%88%B2',
    ),
    ok(
      'valid-shenzhen-tencent-computer-systems',
      '91440300708461136T',
      'Shenzhen Tencent Computer Systems Co., Ltd. (深圳市腾讯计算机系统有限公司), https://check-china.com/example_report/en/8',
    ),
    ok(
      'valid-stdnum-doc-example',
      '91110000600037341L',
      'python-stdnum stdnum/cn/uscc.py docstring, https://github.com/arthurdejong/python-stdnum',
    ),
    ok('valid-organization-check-x', '9144030071526726XG', SRC_STDNUM),
    ok('valid-check-value-31-written-0', '911522010783762860', SRC_STDNUM),
    ok('valid-letter-body-not-ma', '91620105L015101280', SRC_STDNUM),
    ok('valid-public-institution-12', '121200004013590816', SRC_STDNUM),
    ok('valid-individual-business-92', '92340603MA2PBMYMX1', SRC_STDNUM),
    ok(
      'valid-worked-example-sichuan',
      '91512081MA62K0260E',
      'worked example of the check computation quoted in https://github.com/02020/vite learn/utils/validateSocialCreditCode.js',
    ),
    ok(
      'valid-synthetic-authority-y',
      complete('Y1110000MA000001'),
      'synthetic: authority Y (other), both check characters computed',
    ),
    ok(
      'valid-synthetic-authority-n',
      complete('N2330100MA000002'),
      'synthetic: authority N (agriculture), both check characters computed',
    ),
  ];
}

function formatCases(): UsccCase[] {
  const e = GB_EXAMPLE;
  return [
    bad('empty', ''),
    bad('wrong-length-17', e.slice(0, 17)),
    bad('wrong-length-19', `${e}0`),
    bad('surrounding-whitespace', ` ${e} `),
    bad('trailing-newline', `${e}\n`),
    bad('lower-case', e.toLowerCase()),
    bad('lower-case-one-letter-m', put(e, 9, 'm')),
    bad('letter-I', put(e, 9, 'I')),
    bad('letter-O', put(e, 10, 'O')),
    bad('letter-S', put(e, 11, 'S')),
    bad('letter-V', put(e, 12, 'V')),
    bad('letter-Z', put(e, 13, 'Z')),
    bad('gb32100-example-check-Z', put(e, 18, 'Z'), SRC_GB),
    bad('hyphen-before-check', `${e.slice(0, 16)}-${e.charAt(16)}`),
    bad('fullwidth-digit', put(e, 1, '\uff19')),
    bad('letter-in-division-code', put(e, 3, 'A')),
    bad('letter-at-division-end', complete(put(e, 8, 'X').slice(0, 16))),
  ];
}

function checkCases(): UsccCase[] {
  const e = GB_EXAMPLE;
  const next = ALPHABET.charAt((ALPHABET.indexOf(e.charAt(17)) + 1) % 31);
  const prev = ALPHABET.charAt((ALPHABET.indexOf(e.charAt(17)) + 30) % 31);
  const orgWrong = put(e, 17, e.charAt(16) === '5' ? '6' : '5');
  return [
    bad('check-char-off-by-one-up', put(e, 18, next)),
    bad('check-char-off-by-one-down', put(e, 18, prev)),
    ...[...ALPHABET]
      .filter((c) => c !== HUAWEI.charAt(17))
      .map((c) => bad(`wrong-check-character-${c}-of-huawei`, put(HUAWEI, 18, c))),
    bad('swapped-adjacent-1-2', swap(e, 1)),
    // M0 → 0M changes the GB 11714 sum by 88 ≡ 0 (mod 11): only position 18 catches it.
    bad('swapped-adjacent-9-10-missed-by-gb11714', swap(e, 9)),
    bad('swapped-adjacent-17-18', swap(e, 17)),
    bad('swapped-adjacent-4-5-of-huawei', swap(HUAWEI, 4)),
    bad('changed-division-digit', put(e, 5, '2')),
    bad('changed-authority', put(e, 1, '5')),
    // Position 18 recomputed over the wrong position 17: only the GB 11714 check fails.
    bad('organization-check-wrong-only', orgWrong.slice(0, 17) + check18(orgWrong)),
    bad('order-organization-check-before-check-18', orgWrong),
    bad(
      'published-example-fails-gb11714',
      '91310101MA1FPX1234',
      'an "Example USCC" printed at https://cnbizinsight.com/decoding-chinese-business-licenses-what-every-foreign-investor-should-check: its check character (18) agrees, its organization-code check character does not',
    ),
  ];
}

/** Every case, in a fixed order. */
export function usccVectors(): UsccVectorFile {
  return {
    desc: 'GB 32100-2015 Unified Social Credit Codes: 31-character alphabet, digits at 3-8, the GB 11714 organization-code check character at 17 and the modulo-31 check character at 18. Published codes (see each case\'s "source") and a few synthetic ones; negative cases named by their mutation. Generated by scripts/gen-credit-vectors.ts',
    cases: [...validCases(), ...formatCases(), ...checkCases()],
  };
}

/** Where the file lives. */
export const USCC_VECTORS_PATH = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  'test',
  'vectors',
  'credit',
  'uscc.json',
);

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const vectors = usccVectors();
  mkdirSync(dirname(USCC_VECTORS_PATH), { recursive: true });
  writeFileSync(USCC_VECTORS_PATH, `${JSON.stringify(vectors, null, 2)}\n`);
  process.stdout.write(`wrote ${vectors.cases.length} cases to test/vectors/credit/uscc.json\n`);
}
