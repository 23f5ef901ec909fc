import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { utf8, type JsonValue } from '../../../src/crypto/index.ts';
import { decodeTx } from '../../../src/ledger/index.ts';
import { decodeBatch, encodeBatch } from '../../../src/ledger/ordering/nats-wire.ts';
import { decodeParsedTx } from '../../../src/ledger/tx.ts';
import { makeOrg, signAs } from '../../helpers/ledger.ts';

const org = makeOrg('org1');

/** JSON bodies with keys and strings of any Unicode, numbers that JSON keeps exactly. */
const body = fc.dictionary(
  fc.string({ unit: 'grapheme', maxLength: 12 }),
  fc.oneof(
    fc.string({ unit: 'grapheme', maxLength: 40 }),
    fc.integer(),
    fc.boolean(),
    fc.constant(null),
    fc.array(fc.string({ maxLength: 5 }), { maxLength: 3 }),
  ),
  { maxKeys: 6 },
) as fc.Arbitrary<{ [key: string]: JsonValue }>;

test('property: a batch decodes to exactly the transactions it was encoded from (what a node reuses for its own batches)', () => {
  fc.assert(
    fc.property(fc.array(body, { minLength: 1, maxLength: 8 }), (bodies) => {
      const txs = bodies.map((b, i) =>
        decodeTx(signAs(org, 'test.put', b, i + 1, 1_700_000_000_000)),
      );
      const entries = decodeBatch(encodeBatch(txs.map((t) => t.bytes)));
      assert.deepEqual(
        entries.map((e) => e.tx),
        txs,
      );
    }),
    { numRuns: 300 },
  );
});

test('decodeParsedTx takes the handed-over value as the payload; decodeTx copies the caller’s object', () => {
  const json = signAs(org, 'test.put', { a: { b: 1 } }, 1, 1_700_000_000_000);
  const handed = JSON.parse(JSON.stringify(json)) as typeof json;
  assert.equal(decodeParsedTx(handed).payload.body, handed.body);
  const copied = decodeTx(json);
  assert.notEqual(copied.payload.body, json.body);
  assert.deepEqual(copied.payload.body, json.body);
  assert.deepEqual(decodeParsedTx(handed), copied);
});

test('decodeParsedTx refuses what decodeTx refuses, with the same code', () => {
  const good = signAs(org, 'test.put', { k: 'v' }, 1, 1_700_000_000_000);
  const bad: unknown[] = [
    null,
    [],
    { ...good, extra: 1 },
    { ...good, nonce: 0 },
    { ...good, sig: 'x' },
    { ...good, kind: 'NoDot' },
    { ...good, body: { n: Number.NaN } },
  ];
  for (const value of bad) {
    assert.throws(() => decodeTx(value), { code: 'ERR_LEDGER_MALFORMED_TX' });
    assert.throws(() => decodeParsedTx(value), { code: 'ERR_LEDGER_MALFORMED_TX' });
  }
});

test('a batch entry that is not a transaction is an invalid entry holding its JSON; the others decode', () => {
  const tx = decodeTx(signAs(org, 'test.put', { k: 'v' }, 1, 1_700_000_000_000));
  const entries = decodeBatch(encodeBatch([tx.bytes, utf8('{"no":"tx"}'), tx.bytes]));
  assert.equal(entries.length, 3);
  assert.deepEqual(entries[0]!.tx, tx);
  assert.equal(entries[1]!.error?.code, 'ERR_LEDGER_MALFORMED_TX');
  assert.deepEqual(entries[1]!.raw, utf8('{"no":"tx"}'));
  assert.deepEqual(entries[2]!.tx, tx);
  const notJson = decodeBatch(utf8('{"txs":[nope'));
  assert.equal(notJson.length, 1);
  assert.equal(notJson[0]!.error?.code, 'ERR_LEDGER_MALFORMED_TX');
});
