/**
 * What one page verified, in this browser, with the SDK's own pure verifiers: the trust anchor
 * (the genesis this node serves, hashed here), each signed checkpoint (every signature on its
 * own, against the anchor's keys; then, one at a time as the SDK client's `acceptCheckpoint`
 * does, no rollback of an answer from the head, no second block at a height, and consistency
 * with the newest checkpoint verified on this page or remembered by this browser), and every
 * state or inclusion proof against its checkpoint. A row counts as proven only when its proof
 * and its checkpoint both verified. The page renders {@link Verifier.checks} with `verdict()`;
 * nothing is shown as verified that was not checked.
 */
import {
  CHECKPOINT_FIELDS,
  hashGenesis,
  sameCheckpoint,
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
import { currentLang } from '../shared/i18n.ts';
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
  /** The proof verified against its checkpoint, and the checkpoint itself was accepted. */
  readonly ok: boolean;
  readonly checkpoint: Checkpoint;
}

interface StateAnswer {
  readonly value: unknown;
  readonly proof: Parameters<typeof verifyStateAnswer>[1]['proof'];
  readonly checkpoint: SignedCheckpoint;
}

/** A checkpoint as this page verified it. */
export interface Accepted {
  readonly checkpoint: Checkpoint;
  /** Organizations whose signature verified. */
  readonly signers: readonly string[];
  /**
   * Everything about it verified: at least one trusted signature, consistency with every
   * checkpoint this page (and this browser, before) verified, no other block at its height, and
   * for an answer from the head, no rollback. What it proves counts only when this is true.
   */
  readonly ok: boolean;
}

/**
 * Where an answer's checkpoint belongs. `head`: an answer about the chain as it is now, whose
 * checkpoint must not be below `floor`, the highest checkpoint verified when its request was sent
 * ({@link Verifier.head}); `past`: a past checkpoint asked for on purpose (`/v1/checkpoints/<h>`),
 * which must be a prefix of the newest one verified.
 */
export type When = { readonly floor: Checkpoint | undefined } | 'past';

/** A head checkpoint older than this is shown with its time (information, not a failure). */
export const OLD_CHECKPOINT_MS = 10 * 60_000;

export { sameCheckpoint };

const keyOf = (cp: Checkpoint): string => JSON.stringify(CHECKPOINT_FIELDS.map((f) => cp[f]));

/** One page's verifications, in the order they were done. */
export class Verifier {
  readonly checks: Check[] = [];
  /** What the page should say that is not a check (e.g. "first checkpoint this browser saw"). */
  readonly notes: string[] = [];
  #anchor: Promise<Anchor> | undefined;
  /** Signature checks, once per signed checkpoint (by its JSON). */
  readonly #signed = new Map<string, Promise<Accepted>>();
  /** Checkpoints are placed among the verified ones one at a time, in the order they come. */
  #queue: Promise<unknown> = Promise.resolve();
  /** The checkpoint this browser remembered when the page began (null: none), read once. */
  #base: Checkpoint | null | undefined;
  /** The highest checkpoint verified: the remembered one, then any higher one verified here. */
  #last: Checkpoint | undefined;
  /** The verified checkpoint of each height seen (another one at a height is an equivocation). */
  readonly #atHeight = new Map<number, Checkpoint>();
  /** Whether each checkpoint placed agreed with the verified ones (by its signed fields). */
  readonly #placed = new Map<string, boolean>();
  readonly #rollbacks = new Set<string>();
  #newestHead: Checkpoint | undefined;
  #oldNote: string | undefined;

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
   * Where an answer from the head must be: call it before sending the request, and pass what it
   * answers to {@link accepted} with the answer's checkpoint (answers to concurrent requests come
   * back in any order; none may go below what was verified before it was asked for).
   */
  head(): When {
    return { floor: this.#last };
  }

  /**
   * Verifies a signed checkpoint: each signature on its own against the anchor (once per page),
   * at least one trusted signature; then, one checkpoint at a time, that a head answer's is not
   * below its floor (`ERR_SDK_ROLLBACK`), that no other checkpoint verified on this page or
   * remembered has its height (an equivocation), and that it extends, or is a prefix of, the
   * newest one verified (RFC 6962 consistency proof); a newer one is remembered. Answers the
   * checkpoint whether or not it verified: `ok` and the checks say which.
   */
  async accepted(scp: SignedCheckpoint, when: When): Promise<Accepted> {
    const key = JSON.stringify(scp);
    let signed = this.#signed.get(key);
    if (signed === undefined) {
      signed = this.#verifySignatures(scp);
      this.#signed.set(key, signed);
    }
    const s = await signed;
    if (!s.ok) return s;
    const ok = await this.#serial(() => this.#place(s.checkpoint, when));
    return { ...s, ok };
  }

  #serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(fn);
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #verifySignatures(scp: SignedCheckpoint): Promise<Accepted> {
    const { trust } = await this.anchor();
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
    return { checkpoint: cp, signers, ok: signed.ok };
  }

  /** Places a checkpoint whose signatures verified among the verified ones (see {@link accepted}). */
  async #place(cp: Checkpoint, when: When): Promise<boolean> {
    const { hash: chain } = await this.anchor();
    if (this.#base === undefined) {
      this.#base = remembered(chain) ?? null;
      if (this.#base !== null) {
        this.#last = this.#base;
        this.#atHeight.set(this.#base.height, this.#base);
      }
    }
    const floor = when === 'past' ? undefined : (when.floor ?? this.#base ?? undefined);
    if (floor !== undefined && cp.height < floor.height) {
      await this.#rollback(cp, floor);
      return false;
    }
    const key = keyOf(cp);
    let ok = this.#placed.get(key);
    if (ok === undefined) {
      ok = await this.#consistency(cp, chain);
      this.#placed.set(key, ok);
    }
    if (ok && when !== 'past') this.#freshness(cp);
    return ok;
  }

  /** A head answer below what was verified before it was asked for: a failed check. */
  async #rollback(cp: Checkpoint, floor: Checkpoint): Promise<void> {
    const key = keyOf(cp);
    if (this.#rollbacks.has(key)) return;
    this.#rollbacks.add(key);
    this.checks.push(
      await check(t('check.notBelow', { height: cp.height, floor: floor.height }), () =>
        fail(
          'ERR_SDK_ROLLBACK',
          t('fail.rollback', { height: cp.height, floor: floor.height, hash: floor.blockHash }),
        ),
      ),
    );
  }

  /**
   * Consistency with the newest checkpoint verified (remembered, or verified on this page), and
   * no second block at a verified height; remembers a newer one that extends it.
   */
  async #consistency(cp: Checkpoint, chain: string): Promise<boolean> {
    const last = this.#last;
    if (last === undefined) {
      this.#last = cp;
      this.#atHeight.set(cp.height, cp);
      remember(chain, cp);
      this.notes.push(t('note.firstCheckpoint', { height: cp.height }));
      return true;
    }
    const at = this.#atHeight.get(cp.height);
    if (at !== undefined) {
      // The same one again can only be the remembered one (checkpoints placed on this page are
      // looked up by their fields first); another one at a verified height is an equivocation.
      const c = await check(
        t(sameCheckpoint(at, cp) ? 'check.same' : 'check.oneBlock', { height: cp.height }),
        () => {
          if (!sameCheckpoint(at, cp))
            fail(
              'ERR_LEDGER_INCONSISTENT',
              t('fail.equivocation', { height: cp.height, a: at.blockHash, b: cp.blockHash }),
            );
        },
      );
      this.checks.push(c);
      return c.ok;
    }
    const newer = cp.height > last.height;
    const [older, newest] = newer ? [last, cp] : [cp, last];
    const label = t(newer ? 'check.extends' : 'check.prefix', {
      height: cp.height,
      size: cp.logSize,
      lastHeight: last.height,
      lastSize: last.logSize,
    });
    const c = await check(label, async () => {
      if (newest.logSize < older.logSize)
        fail('ERR_LEDGER_INCONSISTENT', t('fail.logShrinks', sizes(older, newest)));
      const proof =
        older.logSize === newest.logSize
          ? []
          : (
              await api<{ hashes: string[] }>(
                `/v1/proofs/consistency?size1=${older.logSize}&size2=${newest.logSize}`,
              )
            ).hashes;
      verifyCheckpointConsistency(older, newest, proof);
    });
    this.checks.push(c);
    if (!c.ok) return false;
    this.#atHeight.set(cp.height, cp);
    if (newer) {
      this.#last = cp;
      remember(chain, cp);
    }
    return true;
  }

  /** Notes the time of the newest head checkpoint when it is old (a solo node may just be idle). */
  #freshness(cp: Checkpoint): void {
    if (this.#newestHead !== undefined && cp.height <= this.#newestHead.height) return;
    this.#newestHead = cp;
    if (this.#oldNote !== undefined) this.notes.splice(this.notes.indexOf(this.#oldNote), 1);
    this.#oldNote = undefined;
    const age = Date.now() - cp.time;
    if (age <= OLD_CHECKPOINT_MS) return;
    const lang = currentLang();
    this.#oldNote = t('note.oldCheckpoint', {
      height: cp.height,
      time: new Date(cp.time).toLocaleString(lang === 'zh' ? 'zh-CN' : 'en-GB', {
        dateStyle: 'medium',
        timeStyle: 'medium',
      }),
      minutes: Math.floor(age / 60_000),
    });
    this.notes.push(this.#oldNote);
  }

  /**
   * A state key's value, its sparse-Merkle proof verified against its checkpoint (an answer from
   * the head). With `listed` (what another, unproven answer of the node said the value is), the
   * check also fails when the proven value differs from it. `ok` only when the checkpoint
   * verified too.
   */
  async state<T>(key: string, what: string, listed?: Listed<T>): Promise<Proven<T>> {
    const when = this.head();
    const a = await api<StateAnswer>(`/v1/state?key=${encodeURIComponent(key)}`);
    const accepted = await this.accepted(a.checkpoint, when);
    const { checkpoint: cp, signers } = accepted;
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
    return {
      value: (c.ok ? proven : a.value) as T | null,
      ok: c.ok && accepted.ok,
      checkpoint: cp,
    };
  }

  /**
   * A committed transaction, its inclusion proof verified against its checkpoint (an answer from
   * the head); with `within`, its log index must be inside that block's range, and an answer that
   * it was recorded invalid is a failed check. Without `within`, an invalid answer adds no check
   * (it comes without a proof) but a note that it is the node's word.
   * @throws ApiError (404 ERR_LEDGER_NOT_FOUND for an id never ordered)
   */
  async tx(id: string, within?: BlockRange): Promise<TxAnswer> {
    const when = this.head();
    const a = await api<RawTxAnswer>(`/v1/txs/${encodeURIComponent(id)}`);
    if (a.status === 'invalid') {
      if (within === undefined) this.notes.push(t('note.invalidTx', { height: a.height }));
      else
        this.checks.push(
          await check(
            t('check.inclusion.invalid', { id: abbreviate(id, 6), block: within.height }),
            () => fail('ERR_LEDGER_BAD_PROOF', t('fail.listedInvalid', { height: a.height })),
          ),
        );
      return a;
    }
    const accepted = await this.accepted(a.checkpoint, when);
    const { checkpoint: cp, signers } = accepted;
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
    return { ...a, status: 'committed', ok: c.ok && accepted.ok, decoded: tx, proven: cp };
  }
}

const sizes = (older: Checkpoint, newer: Checkpoint): Record<string, number> => ({
  height: newer.height,
  size: newer.logSize,
  lastHeight: older.height,
  lastSize: older.logSize,
});

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
      /** The inclusion proof verified (inside the block asked for) and its checkpoint was accepted. */
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
