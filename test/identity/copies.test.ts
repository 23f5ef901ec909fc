/** The coarse `iat` of a credential copy: whole minutes, set back at most a day, never before the accreditation. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { coarseIat } from '../../src/identity/copies.ts';

test('iat is never before the accreditation, never after now, never one already used', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1_700_000_000, max: 1_900_000_000 }),
      fc.integer({ min: 0, max: 3 * 24 * 3600 * 1000 }),
      fc.array(fc.integer({ min: 0, max: 200 }), { maxLength: 20 }),
      (nowSec, sinceMs, usedOffsets) => {
        const from = nowSec * 1000 - sinceMs; // accredited `sinceMs` before now (possibly this very minute)
        const used = new Set(usedOffsets.map((o) => nowSec - o));
        const iat = coarseIat(nowSec, from, used);
        assert.ok(iat <= nowSec, 'not in the future');
        assert.ok(
          iat * 1000 >= from || iat === nowSec,
          `iat ${iat} before the accreditation ${from}`,
        );
        assert.ok(iat >= nowSec - 24 * 3600 - 60, 'set back at most a day');
        const earliest = Math.ceil(from / 1000);
        const usedInRange = [...used].filter((u) => u >= earliest && u <= nowSec).length;
        if (nowSec - earliest + 1 > usedInRange) assert.ok(!used.has(iat), `iat ${iat} was used`);
      },
    ),
    { numRuns: 2000 },
  );
});

test('a long-accredited authority gets whole minutes', () => {
  const nowSec = 1_800_000_123;
  for (let i = 0; i < 200; i++) {
    const iat = coarseIat(nowSec, 0, new Set());
    assert.equal(iat % 60, 0);
  }
});

test('accredited within the current minute: a second since then', () => {
  const nowSec = 1_800_000_050; // 50 s into a minute
  const from = (nowSec - 20) * 1000 + 500; // 19.5 s ago
  for (let i = 0; i < 50; i++) {
    const iat = coarseIat(nowSec, from, new Set());
    assert.ok(iat * 1000 >= from && iat <= nowSec, String(iat));
  }
});
