import {
  canonicalBytes,
  ed25519Verify,
  fromBase64url,
  sha256,
  toBase64url,
  toHex,
  utf8,
  type Ed25519KeyPair,
} from '../crypto/index.ts';

/** A block header (DESIGN.md "Blocks and proofs"); hashes are lower-case hex, time in ms. */
export interface BlockHeader {
  readonly height: number;
  /** Hash of the parent header; for height 0, the genesis document hash. */
  readonly prevHash: string;
  /** RFC 6962 root over this block's transactions (same leaves as the global log). */
  readonly txRoot: string;
  /** Sparse-Merkle root of the whole state after this block. */
  readonly stateRoot: string;
  /** Size and RFC 6962 root of the global transaction log after this block. */
  readonly logSize: number;
  readonly logRoot: string;
  /** Block time, ms since the epoch; strictly increasing. */
  readonly time: number;
  /**
   * Only in blocks that record invalid transactions (consortium ordering): the SHA-256 of the
   * canonical JSON list of `[position, code, sha256(bytes)]` of each, in order (see
   * {@link invalidRootOf}). Absent otherwise, so solo headers are unchanged.
   */
  readonly invalidRoot?: string;
}

/** SHA-256 of the header's canonical JSON. */
export function hashHeader(header: BlockHeader): string {
  const { height, prevHash, txRoot, stateRoot, logSize, logRoot, time, invalidRoot } = header;
  const fields = { height, prevHash, txRoot, stateRoot, logSize, logRoot, time };
  return toHex(
    sha256(canonicalBytes(invalidRoot === undefined ? fields : { ...fields, invalidRoot })),
  );
}

/**
 * The header commitment to a block's invalid transactions: their positions, codes and bytes (not
 * their messages, which are for people). Undefined for none.
 */
export function invalidRootOf(
  invalid: readonly {
    readonly position: number;
    readonly code: string;
    readonly bytes: Uint8Array;
  }[],
): string | undefined {
  if (invalid.length === 0) return undefined;
  return toHex(
    sha256(canonicalBytes(invalid.map((t) => [t.position, t.code, toHex(sha256(t.bytes))]))),
  );
}

/**
 * What consortium organizations sign about a block: enough for a light client to check
 * inclusion (logRoot), consistency (logSize) and state proofs (stateRoot) without the header.
 */
export interface Checkpoint {
  readonly chainId: string;
  readonly height: number;
  readonly blockHash: string;
  readonly logSize: number;
  readonly logRoot: string;
  readonly stateRoot: string;
  readonly time: number;
}

/** One organization's signature over a checkpoint. */
export interface CheckpointSignature {
  readonly org: string;
  /** Multikey of the signing key. */
  readonly key: string;
  /** base64url Ed25519 signature over {@link checkpointSigningBytes}. */
  readonly sig: string;
}

export interface SignedCheckpoint {
  readonly checkpoint: Checkpoint;
  readonly signatures: readonly CheckpointSignature[];
}

/** Domain-separation tag of checkpoint signatures, so they can never be confused with txs. */
export const CHECKPOINT_TAG = 'realdid/checkpoint/v1\n';

/** Checkpoint of a header on chain `chainId`. */
export function checkpointOf(
  chainId: string,
  header: BlockHeader,
  blockHash = hashHeader(header),
): Checkpoint {
  const { height, logSize, logRoot, stateRoot, time } = header;
  return { chainId, height, blockHash, logSize, logRoot, stateRoot, time };
}

/** The exact bytes signed for a checkpoint: the tag followed by its RFC 8785 JSON. */
export function checkpointSigningBytes(cp: Checkpoint): Uint8Array {
  const { chainId, height, blockHash, logSize, logRoot, stateRoot, time } = cp;
  const body = canonicalBytes({ chainId, height, blockHash, logSize, logRoot, stateRoot, time });
  const tag = utf8(CHECKPOINT_TAG);
  const out = new Uint8Array(tag.length + body.length);
  out.set(tag);
  out.set(body, tag.length);
  return out;
}

/** Signs a checkpoint as organization `org`. */
export function signCheckpoint(
  cp: Checkpoint,
  org: string,
  multikey: string,
  keyPair: Ed25519KeyPair,
): CheckpointSignature {
  return { org, key: multikey, sig: toBase64url(keyPair.sign(checkpointSigningBytes(cp))) };
}

/** Does `s` verify over `cp` with `publicKey`? Never throws. */
export function verifyCheckpointSignature(
  cp: Checkpoint,
  s: CheckpointSignature,
  publicKey: Uint8Array,
): boolean {
  let sig: Uint8Array;
  try {
    sig = fromBase64url(s.sig);
  } catch {
    return false; // a malformed signature is a "no"
  }
  return ed25519Verify(sig, checkpointSigningBytes(cp), publicKey);
}
