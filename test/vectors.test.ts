import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { generatedVectors } from '../scripts/gen-vectors/all.ts';

test('committed generated vectors equal what scripts/gen-vectors.ts writes (run npm run gen:vectors)', () => {
  const all = generatedVectors();
  assert.ok(all.length > 300);
  for (const { file, vector } of all) {
    const committed = readFileSync(new URL(`./vectors/${file}`, import.meta.url), 'utf8');
    assert.equal(committed, `${JSON.stringify(vector, null, 2)}\n`, file);
  }
});
