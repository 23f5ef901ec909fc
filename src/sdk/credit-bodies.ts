/**
 * Record bodies, dispute statements and body-read proofs of the credit registry, as the node
 * checks them (PLAN-credit.md, "Node part"): a body is committed to by the hex SHA-256 of its JCS
 * (RFC 8785), a statement by the SHA-256 of its text, and a person proves they hold a record's
 * handle key by signing `realdid/credit/body-read/v1|<record>|<created>|<nonce>`.
 */
import { randomBytes } from 'node:crypto';
import {
  canonicalBytes,
  sha256,
  toBase64url,
  toHex,
  utf8,
  type Ed25519KeyPair,
} from '../crypto/index.ts';
import type { RecordBody } from './credit-types.ts';

/** The audience of the requests every credit node checks itself (body reads, reports). */
export const CREDIT_AUDIENCE = 'realdid:credit';
/** Prefix of the bytes a person signs to read a record's body with its handle key. */
export const BODY_READ_LABEL = 'realdid/credit/body-read/v1|';

/** A random record body salt: 16 bytes, base64url. */
export function newBodySalt(): string {
  return toBase64url(randomBytes(16));
}

/**
 * A record body with a fresh salt: what an issuer keeps off the ledger.
 * @example const body = recordBody({ amount: 12000, notice: 'TN-2025-118' });
 */
export function recordBody(details: RecordBody['details'], salt = newBodySalt()): RecordBody {
  return { salt, details };
}

/** The commitment a record carries: lower-case hex SHA-256 of the body's JCS (RFC 8785). */
export function bodyCommitment(body: RecordBody): string {
  return toHex(sha256(canonicalBytes(body)));
}

/** The digest a dispute puts on the ledger: hex SHA-256 of the statement's UTF-8 bytes. */
export function statementDigest(statement: string): string {
  return toHex(sha256(utf8(statement)));
}

/** The bytes a body-read proof signs: utf8(`realdid/credit/body-read/v1|<record>|<created>|<nonce>`). */
export function bodyReadBytes(record: string, created: number, nonce: string): Uint8Array {
  return utf8(`${BODY_READ_LABEL}${record}|${created}|${nonce}`);
}

/** A person's proof that they hold a record's handle key (to read its body). */
export interface BodyReadProof {
  readonly created: number;
  readonly nonce: string;
  readonly signature: string;
}

/** Signs a body-read proof with a record's handle key pair. */
export function proveBodyRead(
  record: string,
  handleKey: Pick<Ed25519KeyPair, 'sign'>,
  now = Date.now(),
): BodyReadProof {
  const nonce = toBase64url(randomBytes(16));
  const signature = toBase64url(handleKey.sign(bodyReadBytes(record, now, nonce)));
  return { created: now, nonce, signature };
}
