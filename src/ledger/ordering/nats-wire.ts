import { brotliCompressSync, brotliDecompressSync, constants as zlib } from 'node:zlib';
import { canonicalize, sha256, toHex, utf8 } from '../../crypto/index.ts';
import { AppError, isAppError } from '../../errors.ts';
import type { Checkpoint, CheckpointSignature } from '../block.ts';
import { decodeParsedTx, type Tx } from '../tx.ts';

/** Version of the batch and signature messages. */
export const WIRE_VERSION = 1;

/** Stream and subject names of one chain's consortium. */
export interface StreamNames {
  readonly batches: string;
  readonly batchSubject: string;
  readonly signatures: string;
  /** Subject prefix of checkpoint signatures; the organization id follows. */
  readonly sigSubjectPrefix: string;
}

/** Names for chain `chainId` (characters NATS does not allow in names become `_`). */
export function streamNames(chainId: string): StreamNames {
  const c = chainId.replace(/[^A-Za-z0-9_-]/g, '_');
  return {
    batches: `RDID_${c}`,
    batchSubject: `realdid.${c}.batch`,
    signatures: `RDID_${c}_SIG`,
    sigSubjectPrefix: `realdid.${c}.sig.`,
  };
}

/** A batch message of canonical transaction bytes: `{"txs":[…],"v":1}`. */
export function encodeBatch(txs: readonly Uint8Array[]): Uint8Array {
  let size = 16;
  for (const t of txs) size += t.length + 1;
  const out = Buffer.allocUnsafe(size);
  let o = out.write('{"txs":[', 0, 'latin1');
  txs.forEach((t, i) => {
    if (i > 0) out[o++] = 0x2c; // ','
    out.set(t, o);
    o += t.length;
  });
  o += out.write('],"v":1}', o, 'latin1');
  return out.subarray(0, o);
}

/**
 * A compressed batch message: a zero byte (no JSON text starts with one), format 1 (Brotli), the
 * length of the JSON batch it decompresses to (u32, little-endian), then the Brotli stream.
 */
const COMPRESSED = 0x00;
const FORMAT_BROTLI = 0x01;
const COMPRESSED_HEADER_BYTES = 6;

/** Largest uncompressed batch: an orderer's `maxBatchBytes` may not exceed it. */
export const MAX_BATCH_BYTES = 1024 * 1024;

/**
 * Largest length a compressed batch may declare: a constant, so every node decides the same
 * about the same message (a larger one is one malformed entry).
 */
export const MAX_DECOMPRESSED_BATCH_BYTES = 4 * MAX_BATCH_BYTES;

/** Batches smaller than this are published as they are (compressing them saves next to nothing). */
const COMPRESS_FROM_BYTES = 1024;

/**
 * The compressed form of a batch message (Brotli at quality 1: about 1.8 µs per transaction on
 * the development machine; a batch of `bench.put` shrinks 3.3-fold), or `batch` itself when it is
 * small. NATS stores, replicates and delivers every byte several times over, so fewer bytes cost
 * the servers and every node less than the compression costs the publisher.
 */
export function compressBatch(batch: Uint8Array): Uint8Array {
  // A batch longer than readers decompress stays as it is (no orderer builds one: MAX_BATCH_BYTES).
  if (batch.length < COMPRESS_FROM_BYTES || batch.length > MAX_DECOMPRESSED_BATCH_BYTES)
    return batch;
  const z = brotliCompressSync(batch, {
    params: {
      [zlib.BROTLI_PARAM_QUALITY]: 1,
      [zlib.BROTLI_PARAM_MODE]: zlib.BROTLI_MODE_TEXT,
      [zlib.BROTLI_PARAM_SIZE_HINT]: batch.length,
    },
  });
  const out = Buffer.allocUnsafe(COMPRESSED_HEADER_BYTES + z.length);
  out[0] = COMPRESSED;
  out[1] = FORMAT_BROTLI;
  out.writeUInt32LE(batch.length, 2);
  out.set(z, COMPRESSED_HEADER_BYTES);
  return out;
}

/** The JSON text of a compressed batch message, or why it has none. */
function decompressBatch(bytes: Buffer): Buffer | string {
  if (bytes.length < COMPRESSED_HEADER_BYTES)
    return `compressed batch message is shorter than its ${COMPRESSED_HEADER_BYTES}-byte header`;
  if (bytes[1] !== FORMAT_BROTLI)
    return `batch message has an unknown compressed format ${bytes[1]}`;
  const length = bytes.readUInt32LE(2);
  if (length > MAX_DECOMPRESSED_BATCH_BYTES)
    return `compressed batch message declares ${length} bytes, limit ${MAX_DECOMPRESSED_BATCH_BYTES}`;
  let text: Buffer;
  try {
    text = brotliDecompressSync(bytes.subarray(COMPRESSED_HEADER_BYTES), {
      chunkSize: Math.max(length, 64),
      maxOutputLength: Math.max(length, 1),
    });
  } catch (err) {
    return `compressed batch message does not decompress to its declared ${length} bytes: ${(err as Error).message}`;
  }
  return text.length === length
    ? text
    : `compressed batch message decompresses to ${text.length} bytes, not its declared ${length}`;
}

/** A deadline tick: an empty batch that asks for a block at the stream's time. */
export function encodeTick(at: number): Uint8Array {
  return utf8(canonicalize({ tick: at, txs: [], v: WIRE_VERSION }));
}

/** The message id a batch is published under: retries of the same bytes are deduplicated. */
export function batchMsgId(bytes: Uint8Array): string {
  return toHex(sha256(bytes));
}

/** One entry of a batch: a decoded transaction, or why it is not one (recorded as invalid). */
export type BatchEntry =
  | { readonly tx: Tx; readonly error?: undefined; readonly raw?: undefined }
  | { readonly tx?: undefined; readonly error: AppError; readonly raw: Uint8Array };

/**
 * The entries of a batch message, compressed ({@link compressBatch}) or not. A message that is
 * not a batch at all (not JSON, wrong version, no `txs` array, a compressed form that does not
 * decompress to exactly the length it declares) is one invalid entry holding the whole message.
 */
export function decodeBatch(bytes: Uint8Array): BatchEntry[] {
  let text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (text[0] === COMPRESSED) {
    const json = decompressBatch(text);
    if (typeof json === 'string') return [malformed(bytes, json)];
    text = json;
  }
  let value: unknown;
  try {
    value = JSON.parse(text.toString());
  } catch (err) {
    return [malformed(bytes, 'batch message is not JSON', err)];
  }
  const v = value as { v?: unknown; txs?: unknown };
  if (value === null || typeof value !== 'object' || v.v !== WIRE_VERSION || !Array.isArray(v.txs))
    return [malformed(bytes, `batch message is not a version ${WIRE_VERSION} batch`)];
  return v.txs.map((entry: unknown): BatchEntry => {
    try {
      return { tx: decodeParsedTx(entry) };
    } catch (err) {
      // Untrusted input: whatever the decoder threw, the entry is malformed (and recorded so).
      const error = isAppError(err)
        ? err
        : new AppError(
            'ERR_LEDGER_MALFORMED_TX',
            `batch entry is not a transaction: ${String(err)}`,
            {
              cause: err,
            },
          );
      return { error, raw: utf8(safeJson(entry)) };
    }
  });
}

function malformed(bytes: Uint8Array, message: string, cause?: unknown): BatchEntry {
  return {
    error: new AppError('ERR_LEDGER_MALFORMED_TX', message, cause === undefined ? {} : { cause }),
    raw: bytes,
  };
}

function safeJson(v: unknown): string {
  try {
    return JSON.stringify(v) ?? 'null';
  } catch {
    return 'null'; // JSON.parse output always stringifies; kept for type safety
  }
}

/** A checkpoint signature as published by an organization's node. */
export interface SignatureMessage {
  readonly checkpoint: Checkpoint;
  readonly signature: CheckpointSignature;
}

export function encodeSignature(m: SignatureMessage): Uint8Array {
  return utf8(canonicalize({ checkpoint: m.checkpoint, signature: m.signature, v: WIRE_VERSION }));
}

const HEX64 = /^[0-9a-f]{64}$/;

/** Parses a signature message; undefined if it is not one (such a message is a bad signature). */
export function decodeSignature(bytes: Uint8Array): SignatureMessage | undefined {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString());
  } catch {
    return undefined; // not JSON: the caller counts it as a bad signature
  }
  const m = value as { checkpoint?: Record<string, unknown>; signature?: Record<string, unknown> };
  const cp = m?.checkpoint;
  const s = m?.signature;
  if (cp === null || typeof cp !== 'object' || s === null || typeof s !== 'object')
    return undefined;
  const ints = ['height', 'logSize', 'time'] as const;
  const hexes = ['blockHash', 'logRoot', 'stateRoot'] as const;
  if (
    typeof cp.chainId !== 'string' ||
    !ints.every((k) => Number.isSafeInteger(cp[k]) && (cp[k] as number) >= 0) ||
    !hexes.every((k) => typeof cp[k] === 'string' && HEX64.test(cp[k])) ||
    typeof s.org !== 'string' ||
    typeof s.key !== 'string' ||
    typeof s.sig !== 'string'
  )
    return undefined;
  const checkpoint: Checkpoint = {
    chainId: cp.chainId,
    height: cp.height as number,
    blockHash: cp.blockHash as string,
    logSize: cp.logSize as number,
    logRoot: cp.logRoot as string,
    stateRoot: cp.stateRoot as string,
    time: cp.time as number,
  };
  return { checkpoint, signature: { org: s.org, key: s.key, sig: s.sig } };
}

/** Do two checkpoints name the same block with the same roots? */
export function sameCheckpoint(a: Checkpoint, b: Checkpoint): boolean {
  return (
    a.chainId === b.chainId &&
    a.height === b.height &&
    a.blockHash === b.blockHash &&
    a.logSize === b.logSize &&
    a.logRoot === b.logRoot &&
    a.stateRoot === b.stateRoot &&
    a.time === b.time
  );
}
