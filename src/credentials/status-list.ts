/**
 * The Token Status List of draft-ietf-oauth-status-list ("Status List"): a byte array of
 * `bits`-bit statuses, ZLIB-compressed (RFC 1950) and base64url-encoded in `lst`. Index `i` lives
 * in byte `floor(i * bits / 8)` at bit offset `(i * bits) mod 8`, counted from the least
 * significant bit. Also the chunked form a ledger stores (flipping one status rewrites one chunk)
 * and random index allocation (the draft's privacy considerations: sequential indices leak
 * issuance order). No I/O.
 */
import { randomInt as cryptoRandomInt } from 'node:crypto';
import { deflateSync, inflateSync } from 'node:zlib';
import { fromBase64url, toBase64url } from '../crypto/index.ts';
import { AppError } from '../errors.ts';

/** Bits per status the draft allows (1, 2, 4 or 8). */
export type StatusBits = 1 | 2 | 4 | 8;

/** Status type values (draft "Status Types Values"). */
export const STATUS_VALID = 0;
export const STATUS_INVALID = 1;
export const STATUS_SUSPENDED = 2;

/** Default cap on the inflated size of a decoded list (zip-bomb guard): 16 MiB. */
export const STATUS_LIST_MAX_BYTES = 16 * 1024 * 1024;

/** Is `value` one of the allowed bit sizes 1, 2, 4, 8? */
export function isStatusBits(value: unknown): value is StatusBits {
  return value === 1 || value === 2 || value === 4 || value === 8;
}

function assertBits(bits: unknown): asserts bits is StatusBits {
  if (!isStatusBits(bits))
    throw new RangeError(`"bits" expected 1, 2, 4 or 8, got ${String(bits)}`);
}

function assertValue(value: unknown, bits: StatusBits): asserts value is number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value >= 1 << bits) {
    throw new RangeError(
      `"value" expected an integer in [0, ${(1 << bits) - 1}], got ${String(value)}`,
    );
  }
}

function assertIndex(idx: unknown, size: number): asserts idx is number {
  if (typeof idx !== 'number' || !Number.isInteger(idx) || idx < 0 || idx >= size) {
    throw new AppError(
      'ERR_VC_STATUS_INDEX',
      `status index ${String(idx)} is outside the list [0, ${size})`,
      { details: { idx, size } },
    );
  }
}

/** Reads the `bits`-bit status at `idx` of a packed byte array (LSB first). */
function readAt(bytes: Uint8Array, byteIdx: number, shift: number, bits: StatusBits): number {
  return ((bytes[byteIdx] ?? 0) >> shift) & ((1 << bits) - 1);
}

function writeAt(bytes: Uint8Array, byteIdx: number, shift: number, bits: StatusBits, v: number) {
  const mask = ((1 << bits) - 1) << shift;
  bytes[byteIdx] = ((bytes[byteIdx] ?? 0) & ~mask) | (v << shift);
}

/** Builds a list over `bytes` without copying (module-private; `size` ≤ the slots of the bytes). */
let wrapList: (bytes: Uint8Array, bits: StatusBits, size: number) => StatusList;

/**
 * A status list: `size` statuses of `bits` bits each, packed into `bytes`, least significant bit
 * first.
 *
 * @example
 * const list = StatusList.empty(1 << 20, 1);
 * list.set(42, STATUS_INVALID);
 * const json = list.encode(); // { bits: 1, lst: 'eNrt…' }
 * StatusList.decode(json).get(42); // 1
 */
export class StatusList {
  readonly bits: StatusBits;
  readonly size: number;
  readonly bytes: Uint8Array;

  private constructor(bytes: Uint8Array, bits: StatusBits, size: number) {
    this.bytes = bytes;
    this.bits = bits;
    this.size = size;
  }

  /**
   * An all-VALID list of `size` entries.
   * @throws RangeError for a bad `bits` or a `size` that is not a non-negative safe integer
   */
  static empty(size: number, bits: StatusBits): StatusList {
    assertBits(bits);
    if (!Number.isSafeInteger(size) || size < 0)
      throw new RangeError(`"size" expected a non-negative integer, got ${size}`);
    return new StatusList(new Uint8Array(Math.ceil((size * bits) / 8)), bits, size);
  }

  /**
   * A list over a copy of `bytes`; its size is every slot of the bytes (`bytes.length * 8 / bits`).
   * @throws RangeError for a bad `bits`
   */
  static fromBytes(bytes: Uint8Array, bits: StatusBits): StatusList {
    assertBits(bits);
    if (!(bytes instanceof Uint8Array)) throw new TypeError('"bytes" expected Uint8Array');
    return new StatusList(new Uint8Array(bytes), bits, (bytes.length * 8) / bits);
  }

  static {
    wrapList = (bytes, bits, size) => new StatusList(bytes, bits, size);
  }

  /**
   * Decodes the JSON `status_list` object `{bits, lst}` (draft "Status List in JSON Format").
   * @param opts.maxBytes cap on the inflated byte array (default {@link STATUS_LIST_MAX_BYTES})
   * @throws ERR_VC_STATUS_BAD_TOKEN for bad `bits`, base64url or ZLIB data, trailing bytes after
   *   the ZLIB stream, or an inflated size over `maxBytes`; RangeError for a bad `maxBytes`
   */
  static decode(json: { bits: number; lst: string }, opts: { maxBytes?: number } = {}): StatusList {
    const maxBytes = opts.maxBytes ?? STATUS_LIST_MAX_BYTES;
    if (!Number.isSafeInteger(maxBytes) || maxBytes <= 0)
      throw new RangeError(`"maxBytes" expected a positive integer, got ${maxBytes}`);
    const obj = json as unknown as Record<string, unknown> | null;
    if (obj === null || typeof obj !== 'object') throw badToken('"status_list" expected an object');
    if (!isStatusBits(obj.bits))
      throw badToken(`"bits" expected 1, 2, 4 or 8, got ${JSON.stringify(obj.bits)}`);
    if (typeof obj.lst !== 'string') throw badToken('"lst" expected a string');
    let compressed: Uint8Array;
    try {
      compressed = fromBase64url(obj.lst);
    } catch (err) {
      throw badToken('"lst" is not unpadded base64url', err);
    }
    const bytes = inflateBounded(compressed, maxBytes);
    return new StatusList(bytes, obj.bits, (bytes.length * 8) / obj.bits);
  }

  /** The status at `idx`. @throws ERR_VC_STATUS_INDEX outside [0, size) */
  get(idx: number): number {
    assertIndex(idx, this.size);
    const bit = idx * this.bits;
    return readAt(this.bytes, Math.floor(bit / 8), bit % 8, this.bits);
  }

  /**
   * Sets the status at `idx` to `value`.
   * @throws ERR_VC_STATUS_INDEX outside [0, size); RangeError for a value outside [0, 2^bits)
   */
  set(idx: number, value: number): void {
    assertIndex(idx, this.size);
    assertValue(value, this.bits);
    const bit = idx * this.bits;
    writeAt(this.bytes, Math.floor(bit / 8), bit % 8, this.bits, value);
  }

  /**
   * The JSON `status_list` object: ZLIB of the bytes, unpadded base64url.
   * @param opts.level DEFLATE level 0–9, default 9 (the draft recommends the highest). Level 9
   *   gets slow on lists with many scattered set bits (a 2^20 1-bit list with 1% revoked: about
   *   50 ms against 4 ms at level 6, for 12% more bytes); a publisher that re-encodes often may
   *   trade size for time.
   * @throws RangeError for a level outside 0–9
   */
  encode(opts: { level?: number } = {}): { bits: StatusBits; lst: string } {
    const level = opts.level ?? 9;
    if (!Number.isInteger(level) || level < 0 || level > 9)
      throw new RangeError(`"level" expected an integer in [0, 9], got ${level}`);
    return { bits: this.bits, lst: toBase64url(deflateSync(this.bytes, { level })) };
  }
}

function badToken(message: string, cause?: unknown): AppError {
  return new AppError('ERR_VC_STATUS_BAD_TOKEN', message, cause === undefined ? {} : { cause });
}

/** Inflates a ZLIB stream of at most `maxBytes` output, rejecting anything after the stream. */
function inflateBounded(compressed: Uint8Array, maxBytes: number): Uint8Array {
  let out: { buffer: Buffer; engine: { bytesWritten: number } };
  try {
    // With `info: true` node:zlib returns the engine too; @types/node types only the buffer.
    out = inflateSync(compressed, { info: true, maxOutputLength: maxBytes }) as unknown as {
      buffer: Buffer;
      engine: { bytesWritten: number };
    };
  } catch (err) {
    // Over maxOutputLength node:zlib throws a RangeError; corrupt data is a plain Error (Z_*).
    if (err instanceof RangeError)
      throw badToken(`"lst" inflates to more than ${maxBytes} bytes`, err);
    throw badToken(`"lst" is not a ZLIB stream: ${(err as Error).message}`, err);
  }
  if (out.engine.bytesWritten !== compressed.length)
    throw badToken(
      `"lst" has ${compressed.length - out.engine.bytesWritten} bytes after the stream`,
    );
  return new Uint8Array(out.buffer.buffer, out.buffer.byteOffset, out.buffer.byteLength);
}

/** Bytes per stored chunk of a list: a status flip rewrites one chunk, never the whole list. */
export const STATUS_CHUNK_BYTES = 1024;

/**
 * Where index `idx` lives in chunked storage: chunk number, byte within the chunk, bit within the
 * byte.
 * @throws ERR_VC_STATUS_INDEX for a negative or non-integer index; RangeError for a bad `bits`
 */
export function chunkOfIndex(
  idx: number,
  bits: StatusBits,
): { chunk: number; byteOffset: number; bitOffset: number } {
  assertBits(bits);
  if (!Number.isSafeInteger(idx) || !Number.isSafeInteger(idx * 8) || idx < 0)
    throw new AppError('ERR_VC_STATUS_INDEX', `status index ${String(idx)} is not a valid index`, {
      details: { idx },
    });
  const bit = idx * bits;
  const byte = Math.floor(bit / 8);
  return {
    chunk: Math.floor(byte / STATUS_CHUNK_BYTES),
    byteOffset: byte % STATUS_CHUNK_BYTES,
    bitOffset: bit % 8,
  };
}

function assertChunk(chunk: Uint8Array | undefined): void {
  if (
    chunk !== undefined &&
    (!(chunk instanceof Uint8Array) || chunk.length !== STATUS_CHUNK_BYTES)
  )
    throw new RangeError(`"chunk" expected ${STATUS_CHUNK_BYTES} bytes`);
}

/**
 * A copy of `chunk` (absent = all zero) with the status of `idx` set to `value`; `idx` must
 * belong to this chunk's range (see {@link chunkOfIndex}), only its offsets are used.
 * @throws ERR_VC_STATUS_INDEX for a bad index; RangeError for a bad bits, chunk or value
 */
export function setInChunk(
  chunk: Uint8Array | undefined,
  idx: number,
  bits: StatusBits,
  value: number,
): Uint8Array {
  const at = chunkOfIndex(idx, bits);
  assertChunk(chunk);
  assertValue(value, bits);
  const out = chunk === undefined ? new Uint8Array(STATUS_CHUNK_BYTES) : new Uint8Array(chunk);
  writeAt(out, at.byteOffset, at.bitOffset, bits, value);
  return out;
}

/**
 * The status of `idx` in `chunk` (absent = all zero).
 * @throws ERR_VC_STATUS_INDEX for a bad index; RangeError for a bad bits or chunk
 */
export function getInChunk(chunk: Uint8Array | undefined, idx: number, bits: StatusBits): number {
  const at = chunkOfIndex(idx, bits);
  assertChunk(chunk);
  return chunk === undefined ? 0 : readAt(chunk, at.byteOffset, at.bitOffset, bits);
}

/**
 * The whole list of `size` entries from its stored chunks (absent chunks are all zero; the last
 * chunk is cut to the list's byte length).
 * @throws RangeError for a bad bits or size, a chunk of the wrong length or beyond the list
 */
export function assembleStatusList(
  size: number,
  bits: StatusBits,
  chunks: ReadonlyMap<number, Uint8Array>,
): StatusList {
  const bytes = StatusList.empty(size, bits).bytes;
  for (const [k, chunk] of chunks) {
    const start = k * STATUS_CHUNK_BYTES;
    if (!Number.isInteger(k) || k < 0 || start >= bytes.length)
      throw new RangeError(`chunk ${k} lies outside a list of ${bytes.length} bytes`);
    assertChunk(chunk);
    bytes.set(chunk.subarray(0, Math.min(STATUS_CHUNK_BYTES, bytes.length - start)), start);
  }
  return wrapList(bytes, bits, size);
}

/** Random draws before {@link allocateStatusIndex} falls back to a scan. */
const ALLOCATE_TRIES = 64;

/**
 * A free index of a list of `size` entries, drawn at random (the draft's privacy considerations
 * advise against sequential indices): up to 64 uniform draws over [0, size), rejecting taken
 * ones, then (for a nearly full list) a scan from a random start, so it always ends within
 * 65 + `size` probes. Indices found by the scan are not uniform over the free ones.
 * @param isTaken whether an index is already allocated
 * @param randomInt uniform integer in [0, max); default node:crypto `randomInt`
 * @throws ERR_VC_STATUS_INDEX ('list full') when no index is free; RangeError for a bad size
 */
export function allocateStatusIndex(
  size: number,
  isTaken: (idx: number) => boolean,
  randomInt: (max: number) => number = cryptoRandomInt,
): number {
  if (!Number.isSafeInteger(size) || size <= 0)
    throw new RangeError(`"size" expected a positive integer, got ${size}`);
  const draw = (): number => {
    const r = randomInt(size);
    if (!Number.isInteger(r) || r < 0 || r >= size)
      throw new RangeError(`randomInt(${size}) returned ${r}`);
    return r;
  };
  for (let i = 0; i < ALLOCATE_TRIES; i++) {
    const idx = draw();
    if (!isTaken(idx)) return idx;
  }
  const start = draw();
  for (let k = 0; k < size; k++) {
    const idx = (start + k) % size;
    if (!isTaken(idx)) return idx;
  }
  throw new AppError('ERR_VC_STATUS_INDEX', `status list full: all ${size} indices are taken`, {
    details: { size },
  });
}
