import { decodeMultikey } from '../crypto/index.ts';
import { AppError, isAppError } from '../errors.ts';
import {
  verifyCheckpointSignature,
  type Checkpoint,
  type CheckpointSignature,
} from '../ledger/index.ts';
import type { RealdidClient } from './client.ts';

/** What `GET /v1/blocks/{height}/finality` answers (the node's own view, not trusted as such). */
export interface FinalityAnswer {
  readonly height: number;
  readonly status: 'pending' | 'final';
  readonly quorum: number;
  readonly checkpoint: Checkpoint;
  readonly signatures: readonly CheckpointSignature[];
}

/**
 * The consortium's members as governance state holds them, proven against a verified checkpoint:
 * each organization's keys and the height from which they may sign, and the quorum.
 */
export interface ConsortiumMembers {
  readonly quorum: number;
  readonly orgs: Readonly<
    Record<string, { readonly keys: readonly string[]; readonly sinceHeight: number }>
  >;
  /** The checkpoint the membership was proven against. */
  readonly checkpoint: Checkpoint;
}

/** A block's finality as the client counted it: only signatures that verify count. */
export interface VerifiedFinality {
  readonly height: number;
  /** `final` once at least `quorum` distinct member organizations validly signed the checkpoint. */
  readonly status: 'pending' | 'final';
  readonly quorum: number;
  readonly checkpoint: Checkpoint;
  /** The organizations whose signature verified, sorted. */
  readonly signers: readonly string[];
  /** The signatures that verified, one per organization. */
  readonly signatures: readonly CheckpointSignature[];
  /** Signatures the node listed that did not verify (forged, unknown key, not a member yet): not counted. */
  readonly rejected: readonly CheckpointSignature[];
}

/** How long {@link waitForFinality} waits, and how often it asks. */
export interface WaitForFinalityOptions {
  /** Give up with ERR_SDK_TIMEOUT after this long (default 30 000 ms). */
  readonly timeoutMs?: number;
  /** Ask the node again after this long (default 250 ms). */
  readonly pollMs?: number;
}

/**
 * Reads the consortium's members from governance state (`gov/orgs`, `gov/org/<id>`,
 * `gov/quorum`), each value verified by its state proof against a verified checkpoint.
 * @throws the codes of {@link RealdidClient.state}
 */
export function readConsortiumMembers(client: RealdidClient): Promise<ConsortiumMembers> {
  return consortiumMembersFrom((key) => client.state(key));
}

/**
 * {@link readConsortiumMembers} over any reader of proven state values (the explorer's, which
 * records each check it makes).
 */
export async function consortiumMembersFrom(
  read: (key: string) => Promise<{ value: unknown; checkpoint: Checkpoint }>,
): Promise<ConsortiumMembers> {
  const [ids, quorum] = await Promise.all([read('gov/orgs'), read('gov/quorum')]);
  const orgs = await Promise.all(
    ((ids.value as string[] | null | undefined) ?? []).map(async (id) => {
      const org = (await read(`gov/org/${id}`)).value as
        { keys?: string[]; sinceHeight?: number } | null | undefined;
      return [id, { keys: org?.keys ?? [], sinceHeight: org?.sinceHeight ?? 0 }] as const;
    }),
  );
  return {
    quorum: (quorum.value as number | null | undefined) ?? 1,
    orgs: Object.fromEntries(orgs),
    checkpoint: quorum.checkpoint,
  };
}

/**
 * Counts a finality answer for block `height`: each signature must be by a member organization,
 * with one of its keys, allowed to sign at that height, and verify over the checkpoint (Ed25519);
 * distinct organizations are counted against the quorum. The node's own `status` is ignored.
 * @throws ERR_SDK_BAD_RESPONSE when the answer is for another height or chain
 */
export function countFinality(
  answer: FinalityAnswer,
  members: ConsortiumMembers,
  chainId: string,
  height: number,
): VerifiedFinality {
  const cp = answer.checkpoint;
  if (answer.height !== height || cp.height !== height)
    throw new AppError(
      'ERR_SDK_BAD_RESPONSE',
      `asked for the finality of block ${height}, got block ${cp.height}`,
    );
  if (cp.chainId !== chainId)
    throw new AppError(
      'ERR_SDK_BAD_RESPONSE',
      `finality answer is for chain "${cp.chainId}", expected "${chainId}"`,
    );
  const good = new Map<string, CheckpointSignature>();
  const rejected: CheckpointSignature[] = [];
  for (const s of answer.signatures) {
    if (good.has(s.org)) continue;
    if (isValidMemberSignature(cp, s, members)) good.set(s.org, s);
    else rejected.push(s);
  }
  const signers = [...good.keys()].sort();
  return {
    height,
    status: signers.length >= members.quorum ? 'final' : 'pending',
    quorum: members.quorum,
    checkpoint: cp,
    signers,
    signatures: signers.map((org) => good.get(org)!),
    rejected,
  };
}

function isValidMemberSignature(
  cp: Checkpoint,
  s: CheckpointSignature,
  members: ConsortiumMembers,
): boolean {
  const org = Object.hasOwn(members.orgs, s.org) ? members.orgs[s.org] : undefined;
  if (org === undefined || org.sinceHeight > cp.height || !org.keys.includes(s.key)) return false;
  let publicKey: Uint8Array;
  try {
    publicKey = decodeMultikey(s.key);
  } catch (err) {
    if (isAppError(err)) return false; // a key governance holds is well formed; a node's is not trusted
    throw err;
  }
  return verifyCheckpointSignature(cp, s, publicKey);
}

/**
 * The finality of block `height`, counted by the client against governance state.
 * @throws ERR_LEDGER_NOT_FOUND (no such block yet), ERR_SDK_BAD_RESPONSE, and the codes of
 *   {@link RealdidClient.state}
 */
export async function finalityOf(
  client: RealdidClient,
  height: number,
  members?: ConsortiumMembers,
): Promise<VerifiedFinality> {
  assertHeight(height);
  const [answer, m, trust] = await Promise.all([
    client.request<FinalityAnswer>('GET', `/v1/blocks/${height}/finality`),
    members ?? readConsortiumMembers(client),
    client.trust(),
  ]);
  return countFinality(answer, m, trust.chainId, height);
}

/**
 * Waits until block `height` is final (see {@link finalityOf}), asking every `pollMs`; a block
 * the node has not committed yet counts as not final.
 * @throws ERR_SDK_TIMEOUT after `timeoutMs`, with the organizations counted so far in `details`;
 *   the codes of {@link finalityOf} other than ERR_LEDGER_NOT_FOUND
 * @example
 * const receipt = await client.submit(tx);
 * const { signers } = await client.waitForFinality(receipt.height, { timeoutMs: 10_000 });
 */
export async function waitForFinality(
  client: RealdidClient,
  height: number,
  options: WaitForFinalityOptions = {},
): Promise<VerifiedFinality> {
  assertHeight(height);
  const timeoutMs = options.timeoutMs ?? 30_000;
  const pollMs = options.pollMs ?? 250;
  if (!(Number.isFinite(timeoutMs) && timeoutMs >= 0))
    throw new RangeError(`"timeoutMs" must be a non-negative number, got ${timeoutMs}`);
  if (!(Number.isFinite(pollMs) && pollMs > 0))
    throw new RangeError(`"pollMs" must be a positive number, got ${pollMs}`);
  const deadline = Date.now() + timeoutMs;
  const members = await readConsortiumMembers(client);
  let last: VerifiedFinality | undefined;
  for (;;) {
    try {
      last = await finalityOf(client, height, members);
      if (last.status === 'final') return last;
    } catch (err) {
      if (!isAppError(err, 'ERR_LEDGER_NOT_FOUND')) throw err;
    }
    const left = deadline - Date.now();
    if (left <= 0) throw timeout(height, timeoutMs, last, members.quorum);
    await new Promise((resolve) => setTimeout(resolve, Math.min(pollMs, left)));
  }
}

function timeout(
  height: number,
  timeoutMs: number,
  last: VerifiedFinality | undefined,
  quorum: number,
): AppError {
  const signers = last?.signers ?? [];
  const seen =
    last === undefined
      ? 'the node has no such block yet'
      : `${signers.length} of ${quorum} organizations signed (${signers.join(', ') || 'none'})`;
  return new AppError(
    'ERR_SDK_TIMEOUT',
    `block ${height} was not final after ${timeoutMs} ms: ${seen}`,
    { details: { height, timeoutMs, quorum, signers: [...signers] } },
  );
}

function assertHeight(height: number): void {
  if (!Number.isSafeInteger(height) || height < 0)
    throw new RangeError(`"height" must be a non-negative integer, got ${height}`);
}
