/**
 * GB 32100-2015 Unified Social Credit Codes: the committed vectors (and that the generator still
 * writes them), both check characters against the standard's published weights, and properties:
 * every well-built code parses, every single-character substitution and every adjacent
 * transposition is refused.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import {
  USCC_VECTORS_PATH,
  usccVectors,
  type UsccVectorFile,
} from '../../scripts/gen-credit-vectors.ts';
import {
  isUscc,
  organizationCodeCheckCharacter,
  parseUscc,
  USCC_ALPHABET,
  USCC_PATTERN,
  usccCheckCharacter,
} from '../../src/credit/uscc.ts';
import { isAppError } from '../../src/errors.ts';

const committedText = readFileSync(USCC_VECTORS_PATH, 'utf8');
const committed = JSON.parse(committedText) as UsccVectorFile;

/** GB 32100-2015 Table 2: the weights of positions 1..17. */
const PUBLISHED_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
const ALPHABET = [...'0123456789ABCDEFGHJKLMNPQRTUWXY'];
const GB_EXAMPLE = '91350100M000100Y43';

const invalidUscc = (err: unknown): boolean => isAppError(err, 'ERR_CREDIT_INVALID_USCC');

describe('uscc vectors', () => {
  test('the generator still writes exactly the committed file', () => {
    assert.equal(committedText, `${JSON.stringify(usccVectors(), null, 2)}\n`);
  });

  test('the named mutations are there, names are unique, valid cases cite a source', () => {
    const names = new Set(committed.cases.map((c) => c.desc));
    assert.equal(names.size, committed.cases.length);
    for (const name of [
      'valid-gb32100-example',
      'wrong-length-17',
      'wrong-length-19',
      'lower-case',
      'letter-I',
      'letter-O',
      'letter-S',
      'letter-V',
      'letter-Z',
      'check-char-off-by-one-up',
      'swapped-adjacent-1-2',
      'organization-check-wrong-only',
    ]) {
      assert.ok(names.has(name), name);
    }
    assert.equal(
      committed.cases.filter((c) => c.desc.startsWith('wrong-check-character-')).length,
      30,
    );
    for (const c of committed.cases.filter((c) => c.want !== undefined)) {
      assert.ok((c.source ?? '').length > 0, c.desc);
    }
  });

  for (const c of committed.cases) {
    test(c.desc, () => {
      if (c.want !== undefined) {
        const got = parseUscc(c.input);
        assert.deepEqual({ ...got }, c.want);
        assert.ok(Object.isFrozen(got));
        assert.equal(isUscc(c.input), true);
        assert.match(c.input, new RegExp(USCC_PATTERN));
      } else {
        assert.throws(
          () => parseUscc(c.input),
          (err: unknown) =>
            invalidUscc(err) &&
            err instanceof Error &&
            err.message.startsWith('"uscc" ') &&
            err.message.includes(c.wantMessage ?? ''),
        );
        assert.equal(isUscc(c.input), false);
      }
    });
  }
});

describe('usccCheckCharacter', () => {
  test('the GB 32100-2015 worked example: 91350100M000100Y4 → 3 (Σ = 1640, 1640 mod 31 = 28)', () => {
    assert.equal(usccCheckCharacter(GB_EXAMPLE.slice(0, 17)), '3');
    const sum = [...GB_EXAMPLE.slice(0, 17)].reduce(
      (s, c, i) => s + ALPHABET.indexOf(c) * (PUBLISHED_WEIGHTS[i] ?? NaN),
      0,
    );
    assert.equal(sum, 1640);
  });

  test('weights are 3^(i-1) mod 31 and agree with the published table', () => {
    let w = 1;
    for (const published of PUBLISHED_WEIGHTS) {
      assert.equal(w, published);
      w = (w * 3) % 31;
    }
  });

  test('Σ c(i)·W(i) + C18 ≡ 0 (mod 31) for any 17 characters', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...ALPHABET), { minLength: 17, maxLength: 17 }), (a) => {
        const check = ALPHABET.indexOf(usccCheckCharacter(a.join('')));
        const sum = a.reduce(
          (s, c, i) => s + ALPHABET.indexOf(c) * (PUBLISHED_WEIGHTS[i] ?? NaN),
          0,
        );
        assert.equal((sum + check) % 31, 0);
      }),
    );
  });

  test('refuses anything but 17 alphabet characters with a TypeError', () => {
    for (const bad of [
      '',
      GB_EXAMPLE,
      GB_EXAMPLE.slice(0, 16),
      '91350100I000100Y4',
      'a'.repeat(17),
    ]) {
      assert.throws(() => usccCheckCharacter(bad), TypeError, JSON.stringify(bad));
    }
  });
});

describe('organizationCodeCheckCharacter', () => {
  test('GB 11714 examples: 59467239 → 9, M000100Y → 4, 71526726 → X, MA62K026 → 0', () => {
    // 59467239-9 is the worked example of the GB 11714 check quoted with 91512081MA62K0260E.
    assert.equal(organizationCodeCheckCharacter('59467239'), '9');
    assert.equal(organizationCodeCheckCharacter('M000100Y'), '4');
    assert.equal(organizationCodeCheckCharacter('71526726'), 'X');
    assert.equal(organizationCodeCheckCharacter('MA62K026'), '0');
  });

  test('refuses anything but 8 ASCII digits or capitals with a TypeError', () => {
    for (const bad of ['', '5946723', '594672399', 'm000100y', '５9467239']) {
      assert.throws(() => organizationCodeCheckCharacter(bad), TypeError, JSON.stringify(bad));
    }
  });
});

/** Positions 1-16 of a well-formed code: alphabet, digits at 3-8. */
const first16 = fc
  .tuple(
    fc.array(fc.constantFrom(...ALPHABET), { minLength: 2, maxLength: 2 }),
    fc.array(fc.constantFrom(...'0123456789'), { minLength: 6, maxLength: 6 }),
    fc.array(fc.constantFrom(...ALPHABET), { minLength: 8, maxLength: 8 }),
  )
  .map(([a, b, c]) => [...a, ...b, ...c].join(''));

/** A valid code built from its first 16 characters. */
function completeCode(s16: string): string {
  const s17 = s16 + organizationCodeCheckCharacter(s16.slice(8));
  return s17 + usccCheckCharacter(s17);
}

describe('parseUscc properties', () => {
  test('any well-formed 16 characters with both computed check characters parse', () => {
    fc.assert(
      fc.property(first16, (s16) => {
        const code = completeCode(s16);
        const got = parseUscc(code);
        assert.equal(got.code, code);
        assert.equal(
          got.registrationAuthority +
            got.organizationType +
            got.divisionCode +
            got.organizationCode +
            got.checkCharacter,
          code,
        );
        assert.ok(isUscc(code));
        assert.match(code, new RegExp(USCC_PATTERN));
      }),
    );
  });

  test('any 17 alphabet characters plus the computed check character parse exactly when position 17 is the GB 11714 check', () => {
    fc.assert(
      fc.property(first16, fc.constantFrom(...ALPHABET), (s16, c17) => {
        const code = s16 + c17 + usccCheckCharacter(s16 + c17);
        assert.equal(isUscc(code), c17 === organizationCodeCheckCharacter(s16.slice(8)));
      }),
    );
  });

  test('changing any single character to another alphabet character is always refused', () => {
    fc.assert(
      fc.property(
        first16,
        fc.integer({ min: 0, max: 17 }),
        fc.integer({ min: 1, max: 30 }),
        (s16, pos, shift) => {
          const code = completeCode(s16);
          const c = ALPHABET[(ALPHABET.indexOf(code.charAt(pos)) + shift) % 31] ?? '';
          const mutated = code.slice(0, pos) + c + code.slice(pos + 1);
          assert.notEqual(mutated, code);
          assert.throws(() => parseUscc(mutated), invalidUscc);
        },
      ),
    );
  });

  test('every single substitution of the worked example, exhaustively', () => {
    for (let pos = 0; pos < 18; pos++) {
      for (const c of ALPHABET) {
        if (c === GB_EXAMPLE.charAt(pos)) continue;
        const mutated = GB_EXAMPLE.slice(0, pos) + c + GB_EXAMPLE.slice(pos + 1);
        assert.equal(isUscc(mutated), false, mutated);
      }
    }
  });

  test('swapping any two different adjacent characters is always refused', () => {
    fc.assert(
      fc.property(first16, fc.integer({ min: 0, max: 16 }), (s16, pos) => {
        const code = completeCode(s16);
        fc.pre(code.charAt(pos) !== code.charAt(pos + 1));
        const swapped =
          code.slice(0, pos) + code.charAt(pos + 1) + code.charAt(pos) + code.slice(pos + 2);
        assert.equal(isUscc(swapped), false, swapped);
      }),
    );
  });

  test('USCC_PATTERN matches exactly 18 characters of the alphabet', () => {
    const re = new RegExp(USCC_PATTERN);
    assert.equal(USCC_ALPHABET, ALPHABET.join(''));
    for (let code = 0x20; code < 0x7f; code++) {
      const c = String.fromCharCode(code);
      assert.equal(re.test(c.repeat(18)), ALPHABET.includes(c), c);
    }
    assert.equal(re.test('0'.repeat(17)), false);
    assert.equal(re.test('0'.repeat(19)), false);
  });

  test('non-strings are refused with ERR_CREDIT_INVALID_USCC, and isUscc answers false', () => {
    for (const bad of [undefined, null, 91350100, [GB_EXAMPLE], { code: GB_EXAMPLE }]) {
      assert.throws(() => parseUscc(bad as unknown as string), invalidUscc);
      assert.equal(isUscc(bad), false);
    }
  });
});
