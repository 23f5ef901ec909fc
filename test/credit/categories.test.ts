/**
 * Category validation vectors (test/vectors/credit/categories.json): allowed categories are adopted
 * through governance; forbidden kinds of data and malformed ids are refused with their code and
 * leave the adopted document as it was.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import type { JsonValue } from '../../src/crypto/index.ts';
import { getDocument } from '../../src/governance/index.ts';
import { CREDIT_CAST as C, withCredit } from './_harness.ts';

interface Case {
  readonly desc: string;
  readonly id: string;
  readonly name: string;
  readonly wantErr?: string;
}
const VECTORS = JSON.parse(
  readFileSync(new URL('../vectors/credit/categories.json', import.meta.url), 'utf8'),
) as { valid: Case[]; invalid: Case[] };

const category = (c: Case): JsonValue => ({
  id: c.id,
  name: c.name,
  description: 'A test category.',
  polarity: 'negative',
  severities: 3,
  retentionDays: 1826,
  public: false,
  subjects: ['person'],
  issuers: [C.bank.did],
});

describe('category vectors', () => {
  test('there are valid and invalid vectors', () => {
    assert.ok(VECTORS.valid.length >= 5 && VECTORS.invalid.length >= 10);
  });

  test('each case is adopted, or refused with its code and nothing adopted', () =>
    withCredit(async (h) => {
      const topic = 'credit/categories';
      for (const c of [...VECTORS.valid, ...VECTORS.invalid]) {
        const before = getDocument<{ categories: JsonValue[] }>(h.node.chain.state, topic)!;
        const out = await h.govern({
          type: 'adopt',
          topic,
          document: { categories: [...before.document.categories, category(c)] },
        });
        const after = getDocument(h.node.chain.state, topic)!;
        if (c.wantErr === undefined) {
          assert.ok(out.ok, `${c.desc}: ${out.ok ? '' : out.error.code}`);
          assert.equal(after.version, before.version + 1, c.desc);
        } else {
          assert.equal(out.ok ? 'adopted' : out.error.code, c.wantErr, c.desc);
          assert.equal(after.version, before.version, `${c.desc}: nothing adopted`);
        }
      }
    }));
});
