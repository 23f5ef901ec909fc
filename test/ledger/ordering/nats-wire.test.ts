import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { utf8, type JsonValue } from '../../../src/crypto/index.ts';
import { decodeTx } from '../../../src/ledger/index.ts';
import { brotliCompressSync } from 'node:zlib';
import {
  compressBatch,
  decodeBatch,
  encodeBatch,
  MAX_DECOMPRESSED_BATCH_BYTES,
} from '../../../src/ledger/ordering/nats-wire.ts';
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
      const batch = encodeBatch(txs.map((t) => t.bytes));
      for (const message of [batch, compressBatch(batch)])
        assert.deepEqual(
          decodeBatch(message).map((e) => e.tx),
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

test('compressBatch: a batch of 1 KiB or more is published compressed, smaller ones as they are', () => {
  const txs = Array.from({ length: 20 }, (_, i) =>
    decodeTx(signAs(org, 'test.put', { k: `v${i}` }, i + 1, 1_700_000_000_000)),
  );
  const one = encodeBatch([txs[0]!.bytes]);
  assert.ok(one.length < 1024);
  assert.equal(compressBatch(one), one);
  const batch = encodeBatch(txs.map((t) => t.bytes));
  const z = compressBatch(batch);
  assert.deepEqual([...z.subarray(0, 2)], [0x00, 0x01]);
  assert.equal(Buffer.from(z).readUInt32LE(2), batch.length);
  assert.ok(z.length < batch.length / 2, `${z.length} of ${batch.length} bytes`);
});

test('a compressed batch that is not what it declares is one malformed entry holding the whole message', () => {
  const tx = decodeTx(signAs(org, 'test.put', { k: 'v' }, 1, 1_700_000_000_000));
  const batch = Buffer.from(encodeBatch(Array.from({ length: 8 }, () => tx.bytes)));
  const stream = brotliCompressSync(batch);
  const message = (format: number, length: number, body: Uint8Array): Uint8Array => {
    const head = Buffer.alloc(6);
    head[1] = format;
    head.writeUInt32LE(length, 2);
    return Buffer.concat([head, body]);
  };
  assert.equal(decodeBatch(message(1, batch.length, stream)).length, 8);
  const bad: [string, Uint8Array, RegExp][] = [
    ['unknown format', message(2, batch.length, stream), /unknown compressed format 2/],
    ['no header', Uint8Array.of(0, 1, 0), /shorter than its 6-byte header/],
    ['not Brotli', message(1, batch.length, Buffer.from('not brotli')), /does not decompress/],
    ['declares fewer bytes', message(1, batch.length - 1, stream), /does not decompress/],
    ['declares more bytes', message(1, batch.length + 1, stream), /decompresses to \d+ bytes, not/],
    ['declares more than the limit', message(1, MAX_DECOMPRESSED_BATCH_BYTES + 1, stream), /limit/],
    ['truncated', message(1, batch.length, stream.subarray(0, 20)), /does not decompress/],
  ];
  for (const [what, bytes, reason] of bad) {
    const entries = decodeBatch(bytes);
    assert.equal(entries.length, 1, what);
    assert.equal(entries[0]!.error?.code, 'ERR_LEDGER_MALFORMED_TX', what);
    assert.match(entries[0]!.error.message, reason, what);
    assert.deepEqual(entries[0]!.raw, bytes, what);
  }
  // A zip bomb stops at the declared length: it never allocates what it would expand to.
  const bomb = brotliCompressSync(Buffer.alloc(16 * 1024 * 1024, 0x20));
  assert.match(decodeBatch(message(1, 1024, bomb))[0]!.error!.message, /does not decompress/);
});
