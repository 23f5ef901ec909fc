/**
 * GB 11643-1999 identity numbers: the committed vectors (and that the generator still writes
 * them), the ISO 7064 MOD 11-2 check against the standard's published weights, and properties.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import {
  ID_VECTORS_PATH,
  idNumberVectors,
  type IdVectorFile,
} from '../../scripts/gen-id-vectors.ts';
import { isAppError } from '../../src/errors.ts';
import { checkDigitOf, parseCalendarDate, parseResidentId } from '../../src/identity/id-number.ts';
import { PROVINCES } from '../../src/identity/regions.ts';

const TODAY = '2024-06-15';
const committedText = readFileSync(ID_VECTORS_PATH, 'utf8');
const committed = JSON.parse(committedText) as IdVectorFile;

/** GB 11643-1999's weights W(i) = 2^(i-1) mod 11, positions numbered from the right (i = 18..2). */
const PUBLISHED_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK_CHARS = [...'0123456789X'];

const withCode =
  (code: string) =>
  (err: unknown): boolean =>
    isAppError(err, code as `ERR_${string}`);

describe('id-number vectors', () => {
  test('the generator still writes exactly the committed file', () => {
    assert.equal(committedText, `${JSON.stringify(idNumberVectors(), null, 2)}\n`);
  });

  test('the cases the brief names are all there, and names are unique', () => {
    const names = new Set(committed.cases.map((c) => c.desc));
    assert.equal(names.size, committed.cases.length);
    for (const name of [
      'valid-gb11643-example',
      'valid-lowercase-x',
      'impossible-date-0230',
      'impossible-date-1301',
      'non-leap-0229',
      'leap-0229-valid',
      'future-birthdate',
      'before-1900',
      'mismatched-birthdate',
      'malformed-given-birthdate',
      'bad-province-00',
      'bare-province-code',
      'fifteen-digits',
      'fullwidth-digits',
      'x-in-middle',
      'whitespace-trimmed',
    ]) {
      assert.ok(names.has(name), name);
    }
    const wrong = committed.cases.filter((c) => c.desc.startsWith('wrong-check-digit-'));
    assert.equal(wrong.length, 30);
  });

  for (const c of committed.cases) {
    test(c.desc, () => {
      const { idNumber, ...o } = c.input;
      if (c.want !== undefined) {
        assert.deepEqual({ ...parseResidentId(idNumber, o) }, c.want);
      } else {
        assert.ok(c.wantErr !== undefined, 'a case has want or wantErr');
        assert.throws(() => parseResidentId(idNumber, o), withCode(c.wantErr));
      }
    });
  }
});

describe('checkDigitOf', () => {
  test('GB 11643-1999 Appendix A example', () => {
    assert.equal(checkDigitOf('11010519491231002'), 'X');
    const id = parseResidentId('11010519491231002X', { today: TODAY });
    assert.deepEqual(
      { ...id },
      {
        normalized: '11010519491231002X',
        divisionCode: '110105',
        province: 'CN-BJ',
        birthdate: '1949-12-31',
      },
    );
    assert.ok(Object.isFrozen(id));
  });

  test('agrees with the published weights: Σ a(i)·W(i) + check ≡ 1 (mod 11)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 17, maxLength: 17 }),
        (a) => {
          const check = CHECK_CHARS.indexOf(checkDigitOf(a.join('')));
          const sum = a.reduce((s, d, i) => s + d * (PUBLISHED_WEIGHTS[i] ?? NaN), 0);
          assert.equal((sum + check) % 11, 1);
        },
      ),
    );
  });

  test('refuses anything but 17 ASCII digits with a TypeError', () => {
    for (const bad of [
      '',
      '1101051949123100',
      '110105194912310021',
      '1101051949123100X',
      '１'.repeat(17),
    ]) {
      assert.throws(() => checkDigitOf(bad), TypeError, JSON.stringify(bad));
    }
  });
});

describe('parseResidentId arguments', () => {
  test('a malformed `today` is a RangeError (the caller passes its clock)', () => {
    for (const today of ['', '2024-6-15', '2024-02-30', '20240615']) {
      assert.throws(() => parseResidentId('11010519491231002X', { today }), RangeError);
    }
  });

  test('a non-string number is ERR_IDENTITY_INVALID_ID_NUMBER', () => {
    for (const bad of [undefined, null, 11010519491231, ['11010519491231002X']]) {
      assert.throws(
        () => parseResidentId(bad as unknown as string, { today: TODAY }),
        withCode('ERR_IDENTITY_INVALID_ID_NUMBER'),
      );
    }
  });

  test('messages never echo the number or the dates', () => {
    const id = '110105194912310021';
    for (const [input, birthdate] of [
      [id, undefined],
      ['11010519491231002X', '1949-12-30'],
    ] as const) {
      try {
        parseResidentId(input, { today: TODAY, ...(birthdate ? { birthdate } : {}) });
        assert.fail('expected a throw');
      } catch (err) {
        assert.ok(isAppError(err));
        assert.ok(!err.message.includes('1949') && !err.message.includes('110105'), err.message);
      }
    }
  });
});

describe('parseCalendarDate', () => {
  test('real dates only', () => {
    assert.deepEqual(parseCalendarDate('2000-02-29'), { year: 2000, month: 2, day: 29 });
    assert.deepEqual(parseCalendarDate('2024-12-31'), { year: 2024, month: 12, day: 31 });
    for (const bad of ['1900-02-29', '2023-02-29', '2024-04-31', '2024-00-10', '2024-13-01']) {
      assert.equal(parseCalendarDate(bad), undefined, bad);
    }
    for (const bad of ['2024-1-01', '2024-01-01T00:00', ' 2024-01-01', '２０２４-01-01']) {
      assert.equal(parseCalendarDate(bad), undefined, bad);
    }
  });
});

/** A valid synthetic number: known province, non-bare division, real date ≤ TODAY, any sequence. */
const validNumber = fc
  .record({
    prefix: fc.constantFrom(...PROVINCES.keys()),
    rest: fc.integer({ min: 1, max: 9999 }),
    // Days since 1900-01-01 up to TODAY (2024-06-15 is day 45456).
    day: fc.integer({ min: 0, max: 45456 }),
    seq: fc.integer({ min: 0, max: 999 }),
  })
  .map(({ prefix, rest, day, seq }) => {
    const date = new Date(Date.UTC(1900, 0, 1 + day)).toISOString().slice(0, 10);
    const body = `${prefix}${String(rest).padStart(4, '0')}${date.replaceAll('-', '')}${String(seq).padStart(3, '0')}`;
    return { body, date, number: body + checkDigitOf(body) };
  });

describe('properties', () => {
  test('the day range of the generator ends on TODAY', () => {
    assert.equal(new Date(Date.UTC(1900, 0, 1 + 45456)).toISOString().slice(0, 10), TODAY);
  });

  test('body + checkDigitOf(body) validates; every other check character fails', () => {
    fc.assert(
      fc.property(validNumber, ({ body, date, number }) => {
        const id = parseResidentId(number, { today: TODAY, birthdate: date });
        assert.equal(id.normalized, number);
        assert.equal(id.divisionCode, body.slice(0, 6));
        assert.equal(id.province, PROVINCES.get(body.slice(0, 2))?.iso);
        assert.equal(id.birthdate, date);
        for (const c of CHECK_CHARS.filter((c) => c !== number.charAt(17))) {
          assert.throws(
            () => parseResidentId(body + c, { today: TODAY }),
            withCode('ERR_IDENTITY_BAD_CHECK_DIGIT'),
          );
        }
      }),
    );
  });

  test('any single-digit change in the first 17 fails (MOD 11-2 catches every one)', () => {
    fc.assert(
      fc.property(
        validNumber,
        fc.integer({ min: 0, max: 16 }),
        fc.integer({ min: 1, max: 9 }),
        ({ number }, pos, delta) => {
          const digit = (Number(number.charAt(pos)) + delta) % 10;
          const changed = `${number.slice(0, pos)}${digit}${number.slice(pos + 1)}`;
          assert.throws(
            () => parseResidentId(changed, { today: TODAY }),
            withCode('ERR_IDENTITY_BAD_CHECK_DIGIT'),
          );
        },
      ),
    );
  });

  test('swapping two different adjacent digits of the first 17 fails (MOD 11-2 catches it)', () => {
    fc.assert(
      fc.property(validNumber, fc.integer({ min: 0, max: 15 }), ({ number }, pos) => {
        const [a, b] = [number.charAt(pos), number.charAt(pos + 1)];
        fc.pre(a !== b);
        const swapped = `${number.slice(0, pos)}${b}${a}${number.slice(pos + 2)}`;
        assert.throws(
          () => parseResidentId(swapped, { today: TODAY }),
          withCode('ERR_IDENTITY_BAD_CHECK_DIGIT'),
        );
      }),
    );
  });
});
