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
 * The entries of a batch message. A message that is not a batch at all (not JSON, wrong
 * version, no `txs` array) is one invalid entry holding the whole message.
 */
export function decodeBatch(bytes: Uint8Array): BatchEntry[] {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString());
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
