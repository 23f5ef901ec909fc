import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { deflateRawSync, deflateSync } from 'node:zlib';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { StatusList as SdJwtStatusList } from '@sd-jwt/jwt-status-list';
import { fromHex, toBase64url, toHex } from '../../src/crypto/index.ts';
import {
  allocateStatusIndex,
  assembleStatusList,
  chunkOfIndex,
  getInChunk,
  setInChunk,
  STATUS_CHUNK_BYTES,
  STATUS_INVALID,
  STATUS_SUSPENDED,
  STATUS_VALID,
  StatusList,
  type StatusBits,
} from '../../src/credentials/status-list.ts';

interface Vector {
  desc: string;
  bits: StatusBits;
  size: number;
  byteArrayHex?: string;
  statuses: Record<string, number>;
  lst: string;
}

const { vectors } = JSON.parse(
  readFileSync(new URL('../vectors/token-status-list/vectors.json', import.meta.url), 'utf8'),
) as { vectors: Vector[] };

const BITS: StatusBits[] = [1, 2, 4, 8];
const LARGE = 1 << 20;
const arbBits = fc.constantFrom<StatusBits>(...BITS);

const hasCode = (code: string) => (err: unknown) => (err as { code?: string }).code === code;

describe('draft-ietf-oauth-status-list vectors', () => {
  test('the file holds the two examples and the 1, 2, 4, 8-bit 2^20 lists', () => {
    assert.equal(vectors.length, 6);
    assert.deepEqual(
      vectors.filter((v) => v.size === LARGE).map((v) => v.bits),
      BITS,
    );
  });

  for (const v of vectors) {
    test(v.desc, () => {
      const list = StatusList.decode({ bits: v.bits, lst: v.lst });
      assert.equal(list.bits, v.bits);
      assert.equal(list.size, v.size);
      if (v.byteArrayHex !== undefined) assert.equal(toHex(list.bytes), v.byteArrayHex);
      let nonZero = 0;
      for (let i = 0; i < list.size; i++) {
        const want = v.statuses[String(i)] ?? 0;
        const got = list.get(i);
        if (got !== want) assert.equal(got, want, `index ${i}`);
        if (got !== 0) nonZero++;
      }
      assert.equal(nonZero, Object.values(v.statuses).filter((s) => s !== 0).length);
      // zlib output is not unique: compare what our encoding decodes to, not the lst strings.
      assert.deepEqual(StatusList.decode(list.encode()).bytes, list.bytes);
    });
  }

  test('the examples built with set() have the draft byte arrays', () => {
    for (const v of vectors.filter((x) => x.byteArrayHex !== undefined)) {
      const list = StatusList.empty(v.size, v.bits);
      for (const [i, s] of Object.entries(v.statuses)) list.set(Number(i), s);
      assert.equal(toHex(list.bytes), v.byteArrayHex);
      assert.deepEqual(list.bytes, fromHex(v.byteArrayHex!));
    }
  });
});

describe('StatusList', () => {
  test('status type values (draft §7.1)', () => {
    assert.deepEqual([STATUS_VALID, STATUS_INVALID, STATUS_SUSPENDED], [0, 1, 2]);
  });

  test('property: set/get round trip for every bits value', () => {
    const arb = arbBits.chain((bits) =>
      fc
        .integer({ min: 1, max: 5000 })
        .chain((size) =>
          fc.tuple(
            fc.constant(bits),
            fc.constant(size),
            fc.array(fc.tuple(fc.nat(size - 1), fc.nat((1 << bits) - 1)), { maxLength: 200 }),
          ),
        ),
    );
    fc.assert(
      fc.property(arb, ([bits, size, ops]) => {
        const list = StatusList.empty(size, bits);
        const model = new Map<number, number>();
        for (const [i, v] of ops) {
          list.set(i, v);
          model.set(i, v);
        }
        for (let i = 0; i < size; i++) assert.equal(list.get(i), model.get(i) ?? 0);
      }),
    );
  });

  test('property: encode → decode is the identity on the bytes', () => {
    fc.assert(
      fc.property(arbBits, fc.uint8Array({ maxLength: 4096 }), (bits, bytes) => {
        const list = StatusList.fromBytes(bytes, bits);
        const back = StatusList.decode(list.encode());
        assert.equal(back.bits, bits);
        assert.equal(back.size, list.size);
        assert.deepEqual(back.bytes, list.bytes);
      }),
    );
  });

  test('property: an index outside [0, size) is ERR_VC_STATUS_INDEX', () => {
    const arbIdx = (size: number) =>
      fc.oneof(
        fc.integer({ max: -1 }),
        fc.integer({ min: size }),
        fc.double({ noInteger: true }),
        fc.constantFrom(Number.NaN, Infinity, -Infinity),
      );
    const arb = fc
      .tuple(arbBits, fc.integer({ min: 0, max: 3000 }))
      .chain(([bits, size]) => fc.tuple(fc.constant(bits), fc.constant(size), arbIdx(size)));
    fc.assert(
      fc.property(arb, ([bits, size, idx]) => {
        const list = StatusList.empty(size, bits);
        assert.throws(() => list.get(idx), hasCode('ERR_VC_STATUS_INDEX'));
        assert.throws(() => list.set(idx, 0), hasCode('ERR_VC_STATUS_INDEX'));
      }),
    );
    assert.throws(() => StatusList.empty(12, 2).get('1' as never), hasCode('ERR_VC_STATUS_INDEX'));
  });

  test('property: a value ≥ 2^bits (or negative, or fractional) is a RangeError', () => {
    const arb = arbBits.chain((bits) =>
      fc.tuple(
        fc.constant(bits),
        fc.oneof(
          fc.integer({ min: 1 << bits }),
          fc.integer({ max: -1 }),
          fc.double({ noInteger: true }),
        ),
      ),
    );
    fc.assert(
      fc.property(arb, ([bits, value]) => {
        assert.throws(() => StatusList.empty(64, bits).set(3, value), RangeError);
      }),
    );
  });

  test('a 2^20-entry list encodes and decodes (1 and 8 bits)', () => {
    for (const bits of [1, 8] as const) {
      const list = StatusList.empty(LARGE, bits);
      for (const i of [0, 1, 4097, 999_999, LARGE - 1]) list.set(i, 1);
      const back = StatusList.decode(list.encode());
      assert.equal(back.size, LARGE);
      assert.deepEqual(back.bytes, list.bytes);
      assert.equal(back.get(999_999), 1);
      assert.equal(back.get(999_998), 0);
    }
  });

  test('decode rejects bad bits, base64url, ZLIB data and zip bombs with ERR_VC_STATUS_BAD_TOKEN', () => {
    const good = StatusList.empty(16, 1).encode().lst;
    const bad = [
      { bits: 3, lst: good },
      { bits: '1', lst: good },
      { bits: 1, lst: 42 },
      { bits: 1, lst: 'not base64url!' },
      { bits: 1, lst: '' },
      { bits: 1, lst: toBase64url(deflateRawSync(new Uint8Array(2))) }, // no RFC 1950 header
      { bits: 1, lst: good.slice(0, -3) }, // truncated
      { bits: 1, lst: toBase64url(Buffer.concat([deflateSync(new Uint8Array(2)), Buffer.of(0)])) },
      { bits: 1, lst: toBase64url(deflateSync(new Uint8Array(16 * 1024 * 1024 + 1))) },
      null,
    ];
    for (const json of bad) {
      assert.throws(
        () => StatusList.decode(json as never),
        hasCode('ERR_VC_STATUS_BAD_TOKEN'),
        JSON.stringify(json)?.slice(0, 60),
      );
    }
    const vector = vectors.find((v) => v.size === LARGE && v.bits === 8)!;
    assert.throws(
      () => StatusList.decode(vector, { maxBytes: LARGE - 1 }),
      (err: any) =>
        err.code === 'ERR_VC_STATUS_BAD_TOKEN' && /inflates to more than/.test(err.message),
    );
    assert.equal(StatusList.decode(vector, { maxBytes: LARGE }).size, LARGE);
  });

  test('fromBytes copies its input; empty and fromBytes reject a bad bits', () => {
    const bytes = Uint8Array.of(0);
    StatusList.fromBytes(bytes, 1).set(0, 1);
    assert.equal(bytes[0], 0);
    assert.throws(() => StatusList.empty(8, 3 as StatusBits), RangeError);
    assert.throws(() => StatusList.fromBytes(bytes, 16 as StatusBits), RangeError);
    assert.throws(() => StatusList.empty(-1, 1), RangeError);
  });
});

describe('chunked storage', () => {
  test('chunkOfIndex: chunk, byte and bit of an index', () => {
    assert.deepEqual(chunkOfIndex(0, 1), { chunk: 0, byteOffset: 0, bitOffset: 0 });
    assert.deepEqual(chunkOfIndex(8191, 1), { chunk: 0, byteOffset: 1023, bitOffset: 7 });
    assert.deepEqual(chunkOfIndex(8192, 1), { chunk: 1, byteOffset: 0, bitOffset: 0 });
    assert.deepEqual(chunkOfIndex(4099, 2), { chunk: 1, byteOffset: 0, bitOffset: 6 });
    assert.deepEqual(chunkOfIndex(2049, 4), { chunk: 1, byteOffset: 0, bitOffset: 4 });
    assert.deepEqual(chunkOfIndex(3000, 8), { chunk: 2, byteOffset: 952, bitOffset: 0 });
    assert.throws(() => chunkOfIndex(-1, 1), hasCode('ERR_VC_STATUS_INDEX'));
    assert.throws(() => chunkOfIndex(1.5, 1), hasCode('ERR_VC_STATUS_INDEX'));
  });

  test('property: setInChunk/getInChunk + assembleStatusList agree with a whole list', () => {
    const arb = arbBits.chain((bits) =>
      fc
        .integer({ min: 1, max: 40_000 })
        .chain((size) =>
          fc.tuple(
            fc.constant(bits),
            fc.constant(size),
            fc.array(fc.tuple(fc.nat(size - 1), fc.nat((1 << bits) - 1)), { maxLength: 100 }),
          ),
        ),
    );
    fc.assert(
      fc.property(arb, ([bits, size, ops]) => {
        const whole = StatusList.empty(size, bits);
        const chunks = new Map<number, Uint8Array>();
        for (const [i, v] of ops) {
          const { chunk } = chunkOfIndex(i, bits);
          const before = chunks.get(chunk);
          const after = setInChunk(before, i, bits, v);
          if (before !== undefined) assert.notEqual(after, before); // a new chunk, not in place
          assert.equal(after.length, STATUS_CHUNK_BYTES);
          chunks.set(chunk, after);
          whole.set(i, v);
          assert.equal(getInChunk(after, i, bits), v);
        }
        const assembled = assembleStatusList(size, bits, chunks);
        assert.equal(assembled.size, size);
        assert.deepEqual(assembled.bytes, whole.bytes);
        for (const [i] of ops)
          assert.equal(getInChunk(chunks.get(chunkOfIndex(i, bits).chunk), i, bits), whole.get(i));
      }),
    );
  });

  test('absent chunks read as zero; bad chunks and values are RangeErrors', () => {
    assert.equal(getInChunk(undefined, 12345, 2), 0);
    assert.deepEqual(assembleStatusList(LARGE, 1, new Map()).bytes, new Uint8Array(LARGE / 8));
    assert.throws(() => setInChunk(new Uint8Array(10), 0, 1, 1), RangeError);
    assert.throws(() => setInChunk(undefined, 0, 2, 4), RangeError);
    assert.throws(
      () => assembleStatusList(100, 1, new Map([[1, new Uint8Array(1024)]])),
      RangeError,
    );
  });
});

describe('allocateStatusIndex', () => {
  test('property: never returns a taken index; a full list is ERR_VC_STATUS_INDEX', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 300 }), fc.double({ min: 0, max: 1 }), (size, p) => {
        const taken = new Set<number>();
        for (let i = 0; i < size; i++) if (i / size < p) taken.add(i);
        if (taken.size === size) {
          assert.throws(
            () => allocateStatusIndex(size, (i) => taken.has(i)),
            hasCode('ERR_VC_STATUS_INDEX'),
          );
        } else {
          assert.equal(taken.has(allocateStatusIndex(size, (i) => taken.has(i))), false);
        }
      }),
    );
  });

  test('fills a list to the last free index, then reports it full', () => {
    const taken = new Set<number>();
    for (let k = 0; k < 500; k++) taken.add(allocateStatusIndex(500, (i) => taken.has(i)));
    assert.equal(taken.size, 500);
    assert.throws(() => allocateStatusIndex(500, (i) => taken.has(i)), /list full/);
  });

  test('consecutive allocations in a 2^20 list are not sequential', () => {
    const taken = new Set<number>();
    let adjacent = 0;
    let prev = -10;
    for (let k = 0; k < 200; k++) {
      const idx = allocateStatusIndex(LARGE, (i) => taken.has(i));
      if (Math.abs(idx - prev) === 1) adjacent++;
      taken.add(idx);
      prev = idx;
    }
    assert.ok(adjacent <= 1, `${adjacent} adjacent pairs`); // expected ≈ 200 * 2 / 2^20
  });

  test('uses the injected randomness and a bounded scan when random draws keep hitting', () => {
    assert.equal(
      allocateStatusIndex(
        10,
        () => false,
        () => 7,
      ),
      7,
    );
    let probes = 0;
    const isTaken = (i: number) => (probes++, i !== 3);
    assert.equal(
      allocateStatusIndex(1000, isTaken, () => 0),
      3,
    );
    assert.ok(probes <= 64 + 4);
    assert.throws(
      () =>
        allocateStatusIndex(
          10,
          () => false,
          () => 10,
        ),
      RangeError,
    );
    assert.throws(() => allocateStatusIndex(0, () => false), RangeError);
  });
});

describe('@sd-jwt/jwt-status-list 0.19.0 interop', () => {
  test('property: it decodes our lst and we decode its lst', () => {
    const arb = arbBits.chain((bits) =>
      fc.tuple(
        fc.constant(bits),
        fc.array(fc.nat((1 << bits) - 1), { minLength: 8, maxLength: 2000 }),
      ),
    );
    fc.assert(
      fc.property(arb, ([bits, values]) => {
        const n = values.length - (values.length % (8 / bits)); // whole bytes: both sizes agree
        const ours = StatusList.empty(n, bits);
        for (let i = 0; i < n; i++) ours.set(i, values[i]!);
        const theirs = SdJwtStatusList.decompressStatusList(ours.encode().lst, bits);
        assert.deepEqual(theirs.statusList, values.slice(0, n));
        const back = StatusList.decode({
          bits,
          lst: new SdJwtStatusList(values.slice(0, n), bits).compressStatusList(),
        });
        assert.deepEqual(back.bytes, ours.bytes);
      }),
      { numRuns: 50 },
    );
  });

  test('it reads the 2^20 1-bit vector re-encoded by us', () => {
    const v = vectors.find((x) => x.size === LARGE && x.bits === 1)!;
    const theirs = SdJwtStatusList.decompressStatusList(StatusList.decode(v).encode().lst, 1);
    for (const [i, s] of Object.entries(v.statuses)) assert.equal(theirs.getStatus(Number(i)), s);
    assert.equal(theirs.statusList.filter((s) => s !== 0).length, Object.keys(v.statuses).length);
  });
});
