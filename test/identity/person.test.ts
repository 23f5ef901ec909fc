/**
 * The enrollment record: names, nationality, region, the identity number's normalized form and
 * ageOn. The identity number's own checks are covered by id-number.test.ts.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isAppError } from '../../src/errors.ts';
import {
  ageOn,
  checkPerson,
  MAX_NAME_CODE_POINTS,
  normalizedIdNumber,
  type PersonInput,
} from '../../src/identity/person.ts';
import { COUNTRIES, PROVINCES } from '../../src/identity/regions.ts';

const today = '2024-06-15';
/** GB 11643-1999 Appendix A: born 1949-12-31, Chaoyang District, Beijing. */
const base: PersonInput = {
  familyName: '张',
  givenName: '三',
  idNumber: '11010519491231002X',
  birthdate: '1949-12-31',
  nationality: 'CN',
};
const code = (c: string) => (err: unknown) => isAppError(err, c as `ERR_${string}`);
const check = (over: Partial<Record<keyof PersonInput, unknown>>) =>
  checkPerson({ ...base, ...over } as PersonInput, { today });

describe('checkPerson', () => {
  test('a good record, normalized and frozen', () => {
    const p = checkPerson({ ...base, idNumber: ' 11010519491231002x ' }, { today });
    assert.deepEqual(
      { ...p },
      {
        familyName: '张',
        givenName: '三',
        idNumber: '11010519491231002X',
        birthdate: '1949-12-31',
        nationality: 'CN',
        region: 'CN-BJ',
      },
    );
    assert.ok(Object.isFrozen(p));
  });

  test('identity number errors pass through with their codes', () => {
    assert.throws(
      () => check({ idNumber: '110105491231002' }),
      code('ERR_IDENTITY_INVALID_ID_NUMBER'),
    );
    assert.throws(
      () => check({ idNumber: '110105194912310021' }),
      code('ERR_IDENTITY_BAD_CHECK_DIGIT'),
    );
    assert.throws(
      () => check({ birthdate: '1949-12-30' }),
      code('ERR_IDENTITY_BIRTHDATE_MISMATCH'),
    );
    assert.throws(() => check({ birthdate: '31/12/1949' }), code('ERR_IDENTITY_BAD_BIRTHDATE'));
  });

  test('a non-object input is a TypeError', () => {
    assert.throws(() => checkPerson(null as unknown as PersonInput, { today }), TypeError);
  });
});

describe('names', () => {
  test('NFC-normalized and trimmed', () => {
    // "José" with a combining acute accent (U+0301) becomes the precomposed é (U+00E9).
    const p = check({ familyName: '  Jose\u0301 ', givenName: '\tMaría\u3000' });
    assert.equal(p.familyName, 'Jos\u00e9');
    assert.equal(p.givenName, 'María');
    // Hangul jamo compose to one syllable under NFC.
    assert.equal(check({ givenName: '\u1100\u1161' }).givenName, '\uac00');
  });

  test('CJK, including supplementary-plane characters, and the middle dot are fine', () => {
    assert.equal(check({ familyName: '欧阳', givenName: '娜娜' }).familyName, '欧阳');
    assert.equal(check({ givenName: '𠮷' }).givenName, '𠮷');
    assert.equal(check({ familyName: '阿沛', givenName: '阿旺·晋美' }).givenName, '阿旺·晋美');
    assert.equal(check({ givenName: '买买提·艾力' }).givenName, '买买提·艾力');
  });

  test('empty or blank names are refused', () => {
    for (const bad of ['', '   ', '\u3000', '\n']) {
      assert.throws(
        () => check({ givenName: bad }),
        code('ERR_IDENTITY_BAD_NAME'),
        JSON.stringify(bad),
      );
    }
  });

  test('control, format, surrogate and line-separator characters are refused', () => {
    for (const bad of [
      '张\n三',
      '张\u0000',
      '张\u007f三',
      'a\u200bb',
      'a\u200db',
      '\u202eabc',
      'a\ufeffb',
      'a\u2028b',
      'a\ud800b',
    ]) {
      assert.throws(
        () => check({ familyName: bad }),
        code('ERR_IDENTITY_BAD_NAME'),
        JSON.stringify(bad),
      );
    }
  });

  test('at most 64 code points (counted after NFC, not in UTF-16 units)', () => {
    const max = '𠮷'.repeat(MAX_NAME_CODE_POINTS); // 128 UTF-16 units, 64 code points
    assert.equal(check({ givenName: max }).givenName, max);
    assert.throws(() => check({ givenName: `${max}a` }), code('ERR_IDENTITY_BAD_NAME'));
    assert.throws(() => check({ givenName: 'a'.repeat(65) }), code('ERR_IDENTITY_BAD_NAME'));
    // 64 letters each with a combining accent compose to 64 code points under NFC.
    assert.equal(check({ givenName: 'e\u0301'.repeat(64) }).givenName, '\u00e9'.repeat(64));
  });

  test('a non-string name is refused', () => {
    assert.throws(() => check({ familyName: 42 }), code('ERR_IDENTITY_BAD_NAME'));
    assert.throws(() => check({ givenName: undefined }), code('ERR_IDENTITY_BAD_NAME'));
  });
});

describe('nationality', () => {
  test('the full ISO 3166-1 alpha-2 list is there', () => {
    assert.equal(COUNTRIES.size, 249);
    for (const c of ['CN', 'HK', 'MO', 'TW', 'US', 'GB', 'SS', 'BQ', 'AQ', 'AX'])
      assert.ok(COUNTRIES.has(c), c);
  });

  test('valid codes, any case, come back upper case', () => {
    assert.equal(check({ nationality: 'CN' }).nationality, 'CN');
    assert.equal(check({ nationality: 'cn' }).nationality, 'CN');
    assert.equal(check({ nationality: 'Fr' }).nationality, 'FR');
  });

  test('unknown, reserved, alpha-3 and malformed codes are refused', () => {
    for (const bad of [
      'XX',
      'ZZ',
      'XK',
      'EU',
      'UK',
      'CHN',
      'C',
      '',
      ' CN',
      'C1',
      '中国',
      'ＣＮ',
      42,
    ]) {
      assert.throws(
        () => check({ nationality: bad }),
        code('ERR_IDENTITY_BAD_NATIONALITY'),
        String(bad),
      );
    }
  });
});

describe('region', () => {
  test('all 34 province-level divisions are in the table', () => {
    assert.equal(PROVINCES.size, 34);
    assert.equal(new Set([...PROVINCES.values()].map((p) => p.iso)).size, 34);
    assert.deepEqual(PROVINCES.get('71'), { iso: 'CN-TW', name: 'Taiwan', nameZh: '台湾省' });
    assert.equal(PROVINCES.get('81')?.iso, 'CN-HK');
    assert.equal(PROVINCES.get('82')?.iso, 'CN-MO');
  });

  test('absent: the province of the identity number', () => {
    assert.equal(check({}).region, 'CN-BJ');
  });

  test('accepted forms: CN-XX (any case), the 2-digit prefix and the 6-digit province code', () => {
    for (const [given, want] of [
      ['CN-GD', 'CN-GD'],
      ['cn-gd', 'CN-GD'],
      ['44', 'CN-GD'],
      ['440000', 'CN-GD'],
      ['CN-HK', 'CN-HK'],
      ['81', 'CN-HK'],
      ['820000', 'CN-MO'],
      ['CN-TW', 'CN-TW'],
    ]) {
      assert.equal(check({ region: given }).region, want, given);
    }
  });

  test('every province is accepted in every form', () => {
    for (const [prefix, { iso }] of PROVINCES) {
      for (const form of [iso, prefix, `${prefix}0000`])
        assert.equal(check({ region: form }).region, iso);
    }
  });

  test('unknown or non-province codes are refused', () => {
    for (const bad of [
      'CN-XX',
      'CN-11',
      'CN-91',
      'BJ',
      'GD',
      '00',
      '99',
      '83',
      '440300',
      '4400',
      'CN',
      '',
      'US-CA',
      44,
    ]) {
      assert.throws(() => check({ region: bad }), code('ERR_IDENTITY_BAD_REGION'), String(bad));
    }
  });
});

describe('normalizedIdNumber', () => {
  test('trims and upper-cases the final x', () => {
    assert.equal(normalizedIdNumber(' 11010519491231002x\n'), '11010519491231002X');
    assert.equal(normalizedIdNumber('11010519491231002X'), '11010519491231002X');
  });

  test('only the format is checked', () => {
    assert.equal(normalizedIdNumber('110105194912310021'), '110105194912310021');
    for (const bad of [
      '110105491231002',
      '１１０１０５１９４９１２３１００２Ｘ',
      '1101051949123100X2',
      '',
    ]) {
      assert.throws(() => normalizedIdNumber(bad), code('ERR_IDENTITY_INVALID_ID_NUMBER'), bad);
    }
  });
});

describe('ageOn', () => {
  test('full years, counting the birthday itself', () => {
    assert.equal(ageOn('1949-12-31', '2024-06-15'), 74);
    assert.equal(ageOn('1949-12-31', '2024-12-30'), 74);
    assert.equal(ageOn('1949-12-31', '2024-12-31'), 75);
    assert.equal(ageOn('2006-06-15', '2024-06-14'), 17);
    assert.equal(ageOn('2006-06-15', '2024-06-15'), 18);
    assert.equal(ageOn('2024-06-15', '2024-06-15'), 0);
  });

  test('born on 29 February: a year older on 1 March in non-leap years, on 29 February in leap years', () => {
    assert.equal(ageOn('2000-02-29', '2001-02-28'), 0);
    assert.equal(ageOn('2000-02-29', '2001-03-01'), 1);
    assert.equal(ageOn('2000-02-29', '2018-02-28'), 17);
    assert.equal(ageOn('2000-02-29', '2018-03-01'), 18);
    assert.equal(ageOn('2000-02-29', '2004-02-28'), 3);
    assert.equal(ageOn('2000-02-29', '2004-02-29'), 4);
  });

  test('a bad or later birth date is ERR_IDENTITY_BAD_BIRTHDATE; a bad day a RangeError', () => {
    for (const bad of ['2001-02-29', '1949-13-01', '19491231', '2024-06-16']) {
      assert.throws(() => ageOn(bad, '2024-06-15'), code('ERR_IDENTITY_BAD_BIRTHDATE'), bad);
    }
    assert.throws(() => ageOn('1949-12-31', '2023-02-29'), RangeError);
  });
});
