import {
  canonicalBytes,
  canonicalize,
  fromBase64url,
  sha256,
  toBase64url,
  toHex,
  type Ed25519KeyPair,
  type JsonValue,
} from '../crypto/index.ts';
import { AppError } from '../errors.ts';

/** Largest canonical size of one signed transaction, in bytes. */
export const MAX_TX_BYTES = 64 * 1024;

/** What a signer signs: the RFC 8785 canonical JSON of these five fields. */
export interface TxPayload {
  /** Registered transaction kind, `<namespace>.<verb>` (e.g. `gov.propose`). */
  readonly kind: string;
  /** Kind-specific body, validated by the kind's JSON Schema. */
  readonly body: { readonly [key: string]: JsonValue };
  /** DID URL of the signing key (e.g. `did:key:z6Mk…#z6Mk…`). */
  readonly signer: string;
  /** Per-signer replay counter: must exceed the signer's last committed nonce. */
  readonly nonce: number;
  /** Client time of signing, milliseconds since the Unix epoch. */
  readonly created: number;
}

/** The wire form of a transaction: the payload plus its base64url Ed25519 signature. */
export interface SignedTxJson extends TxPayload {
  readonly sig: string;
}

/** A decoded, canonical transaction. `bytes` are exactly what the ledger stores and hashes. */
export interface Tx {
  /** Hex SHA-256 of `bytes`. */
  readonly id: string;
  readonly payload: TxPayload;
  readonly sig: Uint8Array;
  /** Canonical JSON of the signed transaction (payload fields + `sig`). */
  readonly bytes: Uint8Array;
  /** The DID part of `payload.signer` (before `#`). */
  readonly signerDid: string;
}

const KIND_RE = /^[a-z][a-z0-9-]{0,31}\.[a-z][a-z0-9-]{0,47}$/;
const DID_URL_RE = /^did:[a-z0-9]+:[A-Za-z0-9._:%-]+#[A-Za-z0-9._~!$&'()*+,;=:@%-]+$/;
const TX_FIELDS = ['body', 'created', 'kind', 'nonce', 'sig', 'signer'];
const TX_FIELD_SET = new Set(TX_FIELDS);

function malformed(message: string): never {
  throw new AppError('ERR_LEDGER_MALFORMED_TX', message);
}

/** The bytes a signer signs for `payload` (RFC 8785 JCS). */
export function signingBytes(payload: TxPayload): Uint8Array {
  const { kind, body, signer, nonce, created } = payload;
  return canonicalBytes({ kind, body, signer, nonce, created });
}

/** Signs `payload` with `keyPair`. The caller makes sure `payload.signer` names that key. */
export function signTx(payload: TxPayload, keyPair: Ed25519KeyPair): SignedTxJson {
  return { ...payload, sig: toBase64url(keyPair.sign(signingBytes(payload))) };
}

function checkEnvelope(value: unknown): asserts value is SignedTxJson {
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    malformed('transaction must be a JSON object');
  // Own keys are distinct: six of them, each one of the six fields, are exactly those fields.
  const fields = Object.keys(value);
  if (fields.length !== TX_FIELDS.length || !fields.every((f) => TX_FIELD_SET.has(f))) {
    malformed(
      `transaction fields must be exactly ${TX_FIELDS.join(', ')}; got ${fields.sort().join(', ')}`,
    );
  }
  const t = value as Record<string, unknown>;
  if (typeof t.kind !== 'string' || !KIND_RE.test(t.kind))
    malformed(`"kind" must match ${KIND_RE}, got ${JSON.stringify(t.kind)}`);
  if (t.body === null || typeof t.body !== 'object' || Array.isArray(t.body))
    malformed('"body" must be a JSON object');
  if (typeof t.signer !== 'string' || t.signer.length > 512 || !DID_URL_RE.test(t.signer)) {
    malformed(
      `"signer" must be a DID URL with a fragment, got ${typeof t.signer === 'string' ? JSON.stringify(t.signer.slice(0, 80)) : typeof t.signer}`,
    );
  }
  if (!Number.isSafeInteger(t.nonce) || (t.nonce as number) < 1)
    malformed(`"nonce" must be a positive safe integer, got ${JSON.stringify(t.nonce)}`);
  if (!Number.isSafeInteger(t.created) || (t.created as number) < 0)
    malformed(`"created" must be milliseconds since the epoch, got ${JSON.stringify(t.created)}`);
  if (typeof t.sig !== 'string' || t.sig.length !== 86)
    malformed('"sig" must be a base64url Ed25519 signature (86 characters)');
}

/**
 * Decodes and canonicalizes a signed transaction from its JSON value (as parsed from the wire)
 * or from stored canonical bytes.
 * @throws ERR_LEDGER_MALFORMED_TX, ERR_LEDGER_TX_TOO_LARGE
 */
export function decodeTx(input: unknown): Tx {
  return decode(input, false);
}

/**
 * {@link decodeTx} of a JSON value the caller parsed itself and hands over, keeping no reference
 * to it (an entry of a batch message): its fields become the payload as they are, without the
 * fresh parse that protects a caller's object from later changes.
 * @throws ERR_LEDGER_MALFORMED_TX, ERR_LEDGER_TX_TOO_LARGE
 */
export function decodeParsedTx(value: unknown): Tx {
  return decode(value, true);
}

function decode(input: unknown, handedOver: boolean): Tx {
  let value: unknown = input;
  if (input instanceof Uint8Array) {
    if (input.length > MAX_TX_BYTES)
      throw new AppError(
        'ERR_LEDGER_TX_TOO_LARGE',
        `transaction is ${input.length} bytes, limit ${MAX_TX_BYTES}`,
      );
    try {
      value = JSON.parse(
        Buffer.from(input.buffer, input.byteOffset, input.byteLength).toString('utf8'),
      );
    } catch (err) {
      throw new AppError('ERR_LEDGER_MALFORMED_TX', 'stored transaction is not JSON', {
        cause: err,
      });
    }
  }
  checkEnvelope(value);
  let text: string;
  try {
    text = canonicalize(value);
  } catch (err) {
    throw new AppError(
      'ERR_LEDGER_MALFORMED_TX',
      `transaction is not canonicalizable JSON: ${(err as Error).message}`,
      { cause: err },
    );
  }
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length > MAX_TX_BYTES)
    throw new AppError(
      'ERR_LEDGER_TX_TOO_LARGE',
      `transaction is ${bytes.length} bytes, limit ${MAX_TX_BYTES}`,
    );
  if (input instanceof Uint8Array && Buffer.compare(bytes, input) !== 0) {
    throw new AppError('ERR_LEDGER_MALFORMED_TX', 'stored transaction bytes are not canonical');
  }
  let sig: Uint8Array;
  try {
    sig = fromBase64url(value.sig);
  } catch (err) {
    throw new AppError('ERR_LEDGER_MALFORMED_TX', '"sig" is not base64url', { cause: err });
  }
  // The payload is a fresh parse of the canonical text: never shared with the caller's object
  // (which it could change after submitting), and in canonical key order, so that modules writing
  // parts of it to state serialize them on canonicalize's fast path. A value parsed from bytes
  // here or handed over is no caller's object; parsed from canonical text, it is in that order.
  const { kind, body, signer, nonce, created } =
    input instanceof Uint8Array || handedOver ? value : (JSON.parse(text) as SignedTxJson);
  const u8 = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return {
    id: toHex(sha256(u8)),
    payload: { kind, body, signer, nonce, created },
    sig,
    bytes: u8,
    signerDid: signer.slice(0, signer.indexOf('#')),
  };
}

/** The wire JSON of a decoded transaction. */
export function txToJson(tx: Tx): SignedTxJson {
  return { ...tx.payload, sig: toBase64url(tx.sig) };
}

const SIGNER_MARK = Buffer.from(',"signer":"');

/**
 * The signing bytes of a decoded transaction, cut out of its canonical bytes: JCS sorts
 * `sig` between `nonce` and `signer`, so removing `,"sig":"…"` yields exactly the canonical
 * payload without serializing it again. `signer` is the last key and holds no quote, so its
 * last occurrence is the top-level one.
 */
export function signingBytesOf(tx: Tx): Uint8Array {
  const buf = Buffer.from(tx.bytes.buffer, tx.bytes.byteOffset, tx.bytes.byteLength);
  const signerAt = buf.lastIndexOf(SIGNER_MARK);
  const sigAt = signerAt - 8 - 86 - 1; // ,"sig":" + 86 chars + "
  if (signerAt < 0 || sigAt < 0 || buf.toString('latin1', sigAt, sigAt + 8) !== ',"sig":"') {
    return signingBytes(tx.payload); // unreachable for canonical bytes; stay correct anyway
  }
  return new Uint8Array(Buffer.concat([buf.subarray(0, sigAt), buf.subarray(signerAt)]));
}
