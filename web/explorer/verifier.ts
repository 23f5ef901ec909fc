/**
 * What one page verified, in this browser, with the SDK's own pure verifiers: the trust anchor
 * (the genesis this node serves, hashed here), each signed checkpoint once (every signature on
 * its own, against the anchor's keys; then consistency with the checkpoint this browser verified
 * last), and every state or inclusion proof against its checkpoint. The page renders
 * {@link Verifier.checks} with `verdict()`; nothing is shown as verified that was not checked.
 */
import {
  hashGenesis,
  trustFromGenesis,
  verifyCheckpointConsistency,
  verifySignedCheckpoint,
  verifyStateAnswer,
  verifyTxInclusion,
  type TrustAnchor,
} from '../../src/sdk/index.ts';
import { api } from '../shared/api.ts';
import { check, type Check } from '../shared/checks.ts';
import { abbreviate, fail, sameJson } from './format.ts';
import { remembered, remember } from './memory.ts';
import { t } from './words.ts';

export type SignedCheckpoint = Parameters<typeof verifySignedCheckpoint>[0];
export type Checkpoint = ReturnType<typeof verifySignedCheckpoint>;
export type Signature = SignedCheckpoint['signatures'][number];
export type Tx = ReturnType<typeof verifyTxInclusion>;

/** The genesis document as `GET /v1/genesis` serves it. */
export interface Genesis {
  readonly chainId: string;
  readonly time: number;
  readonly modules: Record<string, unknown>;
}

/** The trust anchor: the genesis this node serves, its hash computed here, its organizations' keys. */
export interface Anchor {
  readonly genesis: Genesis;
  /** SHA-256 of the genesis document's canonical JSON, computed in this browser. */
  readonly hash: string;
  /** The hash the node announces. */
  readonly announced: string;
  readonly trust: TrustAnchor;
}

/** What the node listed for a state key: the value itself, or a test of the proven value. */
export type Listed<T> = T | ((proven: T | null) => boolean);

/** A state value with what its proof established. */
export interface Proven<T> {
  /** The proven value when the proof verified, else the node's (unverified) answer. */
  readonly value: T | null;
  readonly ok: boolean;
  readonly checkpoint: Checkpoint;
}

interface StateAnswer {
  readonly value: unknown;
  readonly proof: Parameters<typeof verifyStateAnswer>[1]['proof'];
  readonly checkpoint: SignedCheckpoint;
}

/** A checkpoint as this page verified it. */
interface Accepted {
  readonly checkpoint: Checkpoint;
  /** Organizations whose signature verified. */
  readonly signers: readonly string[];
}

/** One page's verifications, in the order they were done. */
export class Verifier {
  readonly checks: Check[] = [];
  /** What the page should say that is not a check (e.g. "first checkpoint this browser saw"). */
  readonly notes: string[] = [];
  #anchor: Promise<Anchor> | undefined;
  readonly #checkpoints = new Map<string, Promise<Accepted>>();

  /** The trust anchor, loaded and checked once per page. @throws ApiError, ERR_SDK_BAD_RESPONSE */
  anchor(): Promise<Anchor> {
    this.#anchor ??= this.#loadAnchor();
    return this.#anchor;
  }

  async #loadAnchor(): Promise<Anchor> {
    const g = await api<{ hash: string; genesis: Genesis }>('/v1/genesis');
    const hash = hashGenesis(g.genesis);
    const trust = trustFromGenesis(g.genesis);
    this.checks.push(
      await check(
        t('check.anchor', { hash: abbreviate(hash), orgs: Object.keys(trust.orgs).join(', ') }),
        () => {
          if (hash !== g.hash)
            fail('ERR_SDK_BAD_RESPONSE', `genesis hashes to ${hash}, the node announces ${g.hash}`);
        },
      ),
    );
    return { genesis: g.genesis, hash, announced: g.hash, trust };
  }

  /**
   * Verifies a signed checkpoint once per page: each signature against the anchor, at least one
   * trusted signature, and consistency with the checkpoint this browser verified before.
   * Answers the checkpoint whether or not it verified (the checks say which).
   */
  async checkpoint(scp: SignedCheckpoint): Promise<Checkpoint> {
    return (await this.accepted(scp)).checkpoint;
  }

  /** {@link checkpoint} with the organizations whose signature verified. */
  accepted(scp: SignedCheckpoint): Promise<Accepted> {
    const key = JSON.stringify(scp);
    let done = this.#checkpoints.get(key);
    if (done === undefined) {
      done = this.#accept(scp);
      this.#checkpoints.set(key, done);
    }
    return done;
  }

  async #accept(scp: SignedCheckpoint): Promise<Accepted> {
    const { trust, hash } = await this.anchor();
    const cp = scp.checkpoint;
    const signers: string[] = [];
    for (const s of scp.signatures) {
      const c = await check(
        t('check.signature', { org: s.org, key: abbreviate(s.key, 6), height: cp.height }),
        () => verifyOneSignature(scp, s, trust),
      );
      if (c.ok) signers.push(s.org);
      this.checks.push(c);
    }
    const signed = await check(
      t('check.checkpoint', {
        height: cp.height,
        signers: signers.join(', ') || '—',
        n: signers.length,
      }),
      () => verifySignedCheckpoint(scp, trust, 1),
    );
    this.checks.push(signed);
    if (signed.ok) await this.#consistency(cp, hash);
    return { checkpoint: cp, signers };
  }

  /** Consistency with the remembered checkpoint; remembers a newer one that extends it. */
  async #consistency(cp: Checkpoint, chain: string): Promise<void> {
    const last = remembered(chain);
    if (last === undefined) {
      remember(chain, cp);
      this.notes.push(t('note.firstCheckpoint', { height: cp.height }));
      return;
    }
    if (sameJson(last, cp)) {
      this.checks.push(await check(t('check.same', { height: cp.height }), () => undefined));
      return;
    }
    const [older, newer] = cp.height < last.height ? [cp, last] : [last, cp];
    const label = t(cp.height < last.height ? 'check.prefix' : 'check.extends', {
      height: cp.height,
      size: cp.logSize,
      lastHeight: last.height,
      lastSize: last.logSize,
    });
    const c = await check(label, async () => {
      const proof =
        older.logSize === newer.logSize
          ? []
          : (
              await api<{ hashes: string[] }>(
                `/v1/proofs/consistency?size1=${older.logSize}&size2=${newer.logSize}`,
              )
            ).hashes;
      verifyCheckpointConsistency(older, newer, proof);
    });
    this.checks.push(c);
    if (c.ok && newer === cp) remember(chain, cp);
  }

  /**
   * A state key's value, its sparse-Merkle proof verified against its (verified) checkpoint.
   * With `listed` (what another, unproven answer of the node said the value is), the check also
   * fails when the proven value differs from it.
   */
  async state<T>(key: string, what: string, listed?: Listed<T>): Promise<Proven<T>> {
    const a = await api<StateAnswer>(`/v1/state?key=${encodeURIComponent(key)}`);
    const { checkpoint: cp, signers } = await this.accepted(a.checkpoint);
    let proven: unknown = null;
    const c = await check(
      t('check.state', {
        what,
        key,
        root: abbreviate(cp.stateRoot),
        height: cp.height,
        signers: signers.join(', ') || '—',
      }),
      () => {
        proven = verifyStateAnswer(key, a, cp);
        const agrees =
          listed === undefined ||
          (typeof listed === 'function'
            ? (listed as (p: T | null) => boolean)(proven as T | null)
            : sameJson(listed, proven));
        if (!agrees) fail('ERR_LEDGER_BAD_PROOF', t('fail.listedDiffers', { key }));
      },
    );
    this.checks.push(c);
    return { value: (c.ok ? proven : a.value) as T | null, ok: c.ok, checkpoint: cp };
  }

  /**
   * A committed transaction, its inclusion proof verified against its (verified) checkpoint.
   * @throws ApiError (404 ERR_LEDGER_NOT_FOUND for an id never ordered)
   */
  async tx(id: string, within?: BlockRange): Promise<TxAnswer> {
    const a = await api<RawTxAnswer>(`/v1/txs/${encodeURIComponent(id)}`);
    if (a.status === 'invalid') return a;
    const { checkpoint: cp, signers } = await this.accepted(a.checkpoint);
    let tx: Tx | undefined;
    const c = await check(
      t(within === undefined ? 'check.inclusion' : 'check.inclusion.block', {
        id: abbreviate(id, 6),
        block: within?.height ?? 0,
        index: a.logIndex,
        size: a.inclusion.logSize,
        root: abbreviate(cp.logRoot),
        height: cp.height,
        signers: signers.join(', ') || '—',
      }),
      () => {
        tx = verifyTxInclusion(a, cp);
        if (tx.id !== id) fail('ERR_LEDGER_BAD_PROOF', `asked for ${id}, got ${tx.id}`);
        if (within !== undefined) inRange(a.logIndex, within);
      },
    );
    this.checks.push(c);
    return { ...a, status: 'committed', ok: c.ok, decoded: tx, proven: cp };
  }
}

/** `GET /v1/txs/{id}` of a committed transaction. */
interface CommittedAnswer {
  readonly id: string;
  readonly status?: 'committed';
  readonly tx: Record<string, unknown>;
  readonly height: number;
  readonly logIndex: number;
  readonly inclusion: { leafIndex: number; logSize: number; hashes: string[] };
  readonly checkpoint: SignedCheckpoint;
}

/** `GET /v1/txs/{id}` of a transaction a consortium block recorded as invalid (no proof). */
export interface InvalidAnswer {
  readonly id: string;
  readonly status: 'invalid';
  readonly height: number;
  readonly position: number;
  readonly code: string;
  readonly message: string;
}

type RawTxAnswer = CommittedAnswer | InvalidAnswer;

/** A transaction answer with its verification: `decoded` only when the proof verified. */
export type TxAnswer =
  | InvalidAnswer
  | (CommittedAnswer & {
      readonly status: 'committed';
      readonly ok: boolean;
      readonly decoded: Tx | undefined;
      readonly proven: Checkpoint;
    });

/** The log indices of one block's transactions: `[from, to)` (log sizes of its checkpoint and its parent's). */
export interface BlockRange {
  readonly height: number;
  readonly from: number;
  readonly to: number;
}

/** @throws ERR_LEDGER_BAD_PROOF when `index` is outside the block's range of the log */
function inRange(index: number, r: BlockRange): void {
  if (index < r.from || index >= r.to)
    fail('ERR_LEDGER_BAD_PROOF', t('fail.outOfBlock', { index, ...r }));
}

/**
 * One signature of a checkpoint, on its own: its organization and key are the anchor's, and it
 * verifies over the checkpoint (through the SDK's verifier, given only that signature).
 * @throws ERR_LEDGER_BAD_CHECKPOINT
 */
function verifyOneSignature(scp: SignedCheckpoint, s: Signature, trust: TrustAnchor): void {
  const keys = Object.hasOwn(trust.orgs, s.org) ? trust.orgs[s.org] : undefined;
  if (keys === undefined) fail('ERR_LEDGER_BAD_CHECKPOINT', t('fail.unknownOrg', { org: s.org }));
  if (!keys.includes(s.key))
    fail('ERR_LEDGER_BAD_CHECKPOINT', t('fail.unknownKey', { org: s.org, key: s.key }));
  verifySignedCheckpoint(
    { checkpoint: scp.checkpoint, signatures: [s] },
    { chainId: trust.chainId, orgs: { [s.org]: keys } },
    1,
  );
}
