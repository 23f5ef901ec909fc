/**
 * Pure verifier of state proofs (see the specification in `./index.ts`). No I/O, no clock.
 *
 * `checkStateProof` throws `ERR_LEDGER_BAD_PROOF` with the reason in `details.reason`;
 * `verifyStateProof` answers yes/no and never throws.
 */
import { equalBytes, fromHex, isWellFormedText, toHex } from '../../crypto/index.ts';
import { AppError } from '../../errors.ts';
import {
  SMT_EMPTY_HASH,
  SMT_HASH_SIZE,
  SMT_MAX_DEPTH,
  smtBit,
  smtHashLeaf,
  smtHashNode,
  smtKeyHash,
  smtValueHash,
} from './hash.ts';

/**
 * A proof that `key` has `value` (inclusion) or has no value (absence, `value: null`) in the
 * state whose root is known. All hashes are 64 lower-case hex characters.
 */
export interface StateProof {
  /** The state key, e.g. `'gov/org/org1'`. */
  key: string;
  /** The key's value (canonical JSON text), or `null` to prove that the key is absent. */
  value: string | null;
  /**
   * Sibling hashes along the key's path, from the root downward (`siblings[i]` is the sibling
   * at depth `i + 1`); an empty sibling is 64 zeros. Its length is the depth where the path ends.
   */
  siblings: string[];
  /** Absence only: the other key's leaf where the path ends (omitted when it ends empty). */
  leaf?: { keyHash: string; valueHash: string };
}

/** Why a state proof was rejected (`details.reason` of the `ERR_LEDGER_BAD_PROOF` error). */
export type StateProofFailure =
  | 'malformed'
  | 'too-deep'
  | 'non-canonical'
  | 'leaf-is-key'
  | 'leaf-prefix-mismatch'
  | 'root-mismatch';

const HASH_HEX_RE = /^[0-9a-f]{64}$/;
const PROOF_FIELDS = new Set(['key', 'value', 'siblings', 'leaf']);
const LEAF_FIELDS = new Set(['keyHash', 'valueHash']);

function fail(reason: StateProofFailure, message: string): AppError {
  return new AppError('ERR_LEDGER_BAD_PROOF', `state proof: ${message}`, { details: { reason } });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function unknownField(
  obj: Record<string, unknown>,
  allowed: Set<string>,
  name: string,
): AppError | undefined {
  for (const k of Object.keys(obj)) {
    if (!allowed.has(k))
      return fail('malformed', `"${name}" has unknown field ${JSON.stringify(k)}`);
  }
  return undefined;
}

function badText(value: unknown, name: string): AppError | undefined {
  if (typeof value !== 'string')
    return fail('malformed', `"${name}" expected a string, got ${typeof value}`);
  if (!isWellFormedText(value))
    return fail('malformed', `"${name}" has a lone surrogate (not UTF-8)`);
  return undefined;
}

function parseHash(value: unknown, name: string): Uint8Array | AppError {
  if (typeof value !== 'string' || !HASH_HEX_RE.test(value)) {
    const got = typeof value === 'string' ? JSON.stringify(value.slice(0, 80)) : typeof value;
    return fail('malformed', `"${name}" expected 64 lower-case hex characters, got ${got}`);
  }
  return fromHex(value);
}

/** The leaf where the path ends (inclusion or other-leaf absence), or the empty hash. */
function terminalHash(
  proof: Record<string, unknown>,
  keyHash: Uint8Array,
  depth: number,
): Uint8Array | AppError {
  const { value, leaf } = proof;
  if (value !== null) {
    const bad = badText(value, 'value');
    if (bad !== undefined) return bad;
    if (leaf !== undefined)
      return fail('malformed', '"leaf" is only allowed in a proof of absence');
    return smtHashLeaf(keyHash, smtValueHash(value as string));
  }
  if (leaf === undefined) return SMT_EMPTY_HASH;
  if (!isRecord(leaf)) return fail('malformed', '"leaf" expected an object {keyHash, valueHash}');
  const unknown = unknownField(leaf, LEAF_FIELDS, 'leaf');
  if (unknown !== undefined) return unknown;
  const otherKey = parseHash(leaf.keyHash, 'leaf.keyHash');
  if (otherKey instanceof AppError) return otherKey;
  const otherValue = parseHash(leaf.valueHash, 'leaf.valueHash');
  if (otherValue instanceof AppError) return otherValue;
  if (equalBytes(otherKey, keyHash))
    return fail('leaf-is-key', '"leaf" is the leaf of the key itself');
  for (let i = 0; i < depth; i++) {
    if (smtBit(otherKey, i) !== smtBit(keyHash, i)) {
      return fail(
        'leaf-prefix-mismatch',
        `"leaf.keyHash" differs from the key's path at bit ${i} (depth ${depth})`,
      );
    }
  }
  return smtHashLeaf(otherKey, otherValue);
}

function parseSiblings(siblings: unknown): Uint8Array[] | AppError {
  if (!Array.isArray(siblings))
    return fail('malformed', '"siblings" expected an array of hex hashes');
  if (siblings.length > SMT_MAX_DEPTH) {
    return fail(
      'too-deep',
      `"siblings" has ${siblings.length} hashes, at most ${SMT_MAX_DEPTH} allowed`,
    );
  }
  const out: Uint8Array[] = [];
  for (let i = 0; i < siblings.length; i++) {
    const h = parseHash(siblings[i], `siblings[${i}]`);
    if (h instanceof AppError) return h;
    out.push(h);
  }
  const last = out[out.length - 1];
  if (last !== undefined && equalBytes(last, SMT_EMPTY_HASH)) {
    // The parent of the path's end would hold at most one leaf: it is compacted away.
    return fail(
      'non-canonical',
      `last sibling (siblings[${out.length - 1}]) is empty: the path is not compacted`,
    );
  }
  return out;
}

/** Recomputes the root a proof commits to, or says why the proof is bad. */
function stateProofRoot(proof: unknown): Uint8Array | AppError {
  if (!isRecord(proof))
    return fail('malformed', 'expected an object {key, value, siblings, leaf?}');
  const unknown = unknownField(proof, PROOF_FIELDS, 'proof');
  if (unknown !== undefined) return unknown;
  const badKey = badText(proof.key, 'key');
  if (badKey !== undefined) return badKey;
  if (proof.value === undefined)
    return fail('malformed', '"value" expected a string or null, got undefined');
  const siblings = parseSiblings(proof.siblings);
  if (siblings instanceof AppError) return siblings;
  const keyHash = smtKeyHash(proof.key as string);
  let h = terminalHash(proof, keyHash, siblings.length);
  if (h instanceof AppError) return h;
  for (let i = siblings.length - 1; i >= 0; i--) {
    const sibling = siblings[i] as Uint8Array;
    h = smtBit(keyHash, i) === 0 ? smtHashNode(h, sibling) : smtHashNode(sibling, h);
  }
  return h;
}

function isStateRoot(stateRoot: unknown): stateRoot is Uint8Array {
  return stateRoot instanceof Uint8Array && stateRoot.length === SMT_HASH_SIZE;
}

/**
 * Checks a state proof (of inclusion or of absence) against a trusted state root.
 *
 * @param proof - untrusted proof data, typically parsed JSON
 * @param stateRoot - the 32-byte state root, e.g. from a signed checkpoint
 * @throws ERR_LEDGER_BAD_PROOF when the proof is malformed (`details.reason: 'malformed'`), has
 *   more than 256 siblings (`'too-deep'`), is not compacted (`'non-canonical'`), names the key's
 *   own leaf as absent (`'leaf-is-key'`), names a leaf off the key's path
 *   (`'leaf-prefix-mismatch'`), or does not hash to `stateRoot` (`'root-mismatch'`)
 * @throws TypeError when `stateRoot` is not a 32-byte Uint8Array (programmer misuse)
 * @example checkStateProof(JSON.parse(body), checkpoint.stateRoot)
 */
export function checkStateProof(
  proof: unknown,
  stateRoot: Uint8Array,
): asserts proof is StateProof {
  if (!isStateRoot(stateRoot)) throw new TypeError('"stateRoot" expected a 32-byte Uint8Array');
  const root = stateProofRoot(proof);
  if (root instanceof AppError) throw root;
  if (!equalBytes(root, stateRoot)) {
    throw fail(
      'root-mismatch',
      `root mismatch: proof gives ${toHex(root)}, expected ${toHex(stateRoot)}`,
    );
  }
}

/**
 * Does a state proof verify against `stateRoot`? Same checks as {@link checkStateProof}, as a
 * boolean; never throws (a bad `stateRoot` also gives `false`).
 *
 * @param proof - untrusted proof data, typically parsed JSON
 * @param stateRoot - the 32-byte state root
 */
export function verifyStateProof(proof: unknown, stateRoot: Uint8Array): boolean {
  if (!isStateRoot(stateRoot)) return false;
  const root = stateProofRoot(proof);
  return !(root instanceof AppError) && equalBytes(root, stateRoot);
}
