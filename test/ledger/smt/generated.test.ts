import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fromHex } from '../../../src/crypto/index.ts';
import { isAppError } from '../../../src/errors.ts';
import { checkStateProof, verifyStateProof } from '../../../src/ledger/smt/index.ts';
import { generateSmtVectors } from '../../../scripts/gen-vectors/smt.ts';
import type { SmtVector as Vector } from '../../../scripts/gen-vectors/smt.ts';

/** Vectors whose name says why they fail: the `details.reason` they must fail with. */
const REASONS: Record<string, string> = {
  'leaf-is-key': 'leaf-is-key',
  'leaf-prefix-mismatch': 'leaf-prefix-mismatch',
  'non-canonical-empty-last-sibling': 'non-canonical',
  'too-deep': 'too-deep',
  'malformed-uppercase-hex': 'malformed',
  'malformed-unknown-field': 'malformed',
  'malformed-leaf-in-inclusion': 'malformed',
  'wrong-root': 'root-mismatch',
  'wrong-value': 'root-mismatch',
};

const vectors = generateSmtVectors();
const names = vectors.map(({ file }) => /^ledger-smt\/(.+)\.json$/.exec(file)?.[1]);

describe('generated state-proof vectors (ledger-smt/)', () => {
  it('names are unique files under ledger-smt/ and cover the required cases', () => {
    assert.ok(names.every((n) => n !== undefined && !n.includes('/')));
    assert.equal(new Set(names).size, names.length);
    const required = [
      'happy-absence-empty',
      'happy-absence-other-leaf',
      'wrong-value',
      'value-to-null',
      'truncated-siblings',
      'trailing-sibling',
      'wrong-root',
    ];
    for (const name of required) assert.ok(names.includes(name), name);
    assert.equal(names.filter((n) => n?.startsWith('happy-inclusion-')).length, 6);
    assert.ok(names.some((n) => /^modified-sibling\[\d+\]-bit-@\d+$/.test(n ?? '')));
  });

  it('the fixed state has the root computed independently (Python hashlib)', () => {
    const roots = new Set(
      vectors
        .filter(({ file }) => file.includes('/happy-'))
        .map(({ vector }) => (vector as Vector).root),
    );
    assert.deepEqual(
      [...roots],
      ['edbcc6b66d9cfa76e851991dab63f99e44755b069cc0ed9a641dd8c2537fbdf5'],
    );
  });

  it('is deterministic', () => {
    assert.deepEqual(generateSmtVectors(), vectors);
  });

  for (const [i, { file, vector }] of vectors.entries()) {
    const v = vector as Vector;
    it(`${names[i]}: ${v.desc}`, () => {
      // Round-trip through JSON, as a runner reading the files would.
      const proof: unknown = JSON.parse(JSON.stringify(v.proof));
      const root = fromHex(v.root);
      if (!v.wantErr) {
        checkStateProof(proof, root);
        assert.equal(verifyStateProof(proof, root), true, file);
      } else {
        const reason = REASONS[names[i] ?? ''];
        assert.throws(
          () => checkStateProof(proof, root),
          (err) =>
            isAppError(err, 'ERR_LEDGER_BAD_PROOF') &&
            (reason === undefined || err.details?.reason === reason),
        );
        assert.equal(verifyStateProof(proof, root), false, file);
      }
    });
  }
});
