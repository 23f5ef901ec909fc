import { decodeMultikey } from '../../crypto/index.ts';
import { verifyCheckpointSignature, type Checkpoint, type CheckpointSignature } from '../block.ts';
import { isMemberSignature, type Chain } from '../chain.ts';
import { sameCheckpoint, type SignatureMessage } from './nats-wire.ts';

/** Something a consortium node must tell its operator about (logged and counted as a metric). */
export interface ConsortiumAlarm {
  /**
   * `bad-signature`: a signature message that is not a member's valid signature (forged, wrong
   * key, malformed) — dropped. `divergent`: a member validly signed a different block at a height
   * than this node computed. `equivocation`: a member validly signed two different blocks at one
   * height. `halted`: a quorum signed a block other than this node's; the node stopped applying.
   */
  readonly kind: 'bad-signature' | 'divergent' | 'equivocation' | 'halted';
  readonly org: string;
  readonly height: number;
  readonly message: string;
}

/** A signature message for a height this node has not reached. */
interface Waiting {
  readonly seq: number;
  readonly message: SignatureMessage;
  /** By an organization that was no member at this node's head when it arrived. */
  readonly newcomer: boolean;
}

/** What the tracker decided about one signature message. */
export type SignatureVerdict =
  | { readonly kind: 'agree'; readonly height: number; readonly final: boolean }
  | { readonly kind: 'future' }
  /** Too far ahead of this node to keep in memory: hand it in again once the node caught up. */
  | { readonly kind: 'later' }
  | { readonly kind: 'ignored' }
  | { readonly kind: 'alarm'; readonly alarm: ConsortiumAlarm; readonly halt: boolean };

/** Heights beyond the head whose signatures wait in memory (later ones are handed in again). */
export const MAX_FUTURE_HEIGHTS = 10_000;
/**
 * Signatures of future heights by organizations that are no members at this node's head (one
 * governance may have added in a block this node has not applied yet) that wait, at most.
 */
export const MAX_WAITING_NEWCOMERS = 4096;
/** Heights kept in the agreement and conflict maps below the head. */
const KEEP_BELOW_HEAD = 10_000;

/**
 * Classifies checkpoint signatures published by the consortium's nodes against this node's own
 * blocks: a member's valid signature over the same checkpoint counts towards finality; one over a
 * different checkpoint is a divergence (or an equivocation, if the member also signed ours), and
 * once a quorum of organizations signed the same other checkpoint, this node is the one that
 * diverged and must stop. Signatures for heights this node has not reached wait until it does.
 */
export class FinalityTracker {
  readonly #chain: Chain;
  /** Orgs whose signature over our checkpoint is known, per height not yet pruned. */
  readonly #agree = new Map<number, Set<string>>();
  /** Per height: block hash → orgs that signed that other checkpoint. */
  readonly #conflicts = new Map<number, Map<string, Set<string>>>();
  readonly #future = new Map<number, Waiting[]>();
  /** How many of the waiting signatures are by organizations no member at the head. */
  #newcomers = 0;
  /** Checkpoints of recent own blocks (every signature of the others is compared with one). */
  readonly #own = new Map<number, Checkpoint>();
  /** This node's own signatures of recent blocks (their echo from the stream needs no check). */
  readonly #ownSigs = new Map<number, readonly CheckpointSignature[]>();
  readonly #reported = new Set<number>();

  constructor(chain: Chain) {
    this.#chain = chain;
  }

  /** Records this node's own checkpoint of a block just committed, with its own signatures. */
  committed(cp: Checkpoint, own: readonly CheckpointSignature[]): void {
    this.#own.set(cp.height, cp);
    this.#ownSigs.set(cp.height, own);
    const agree = this.#orgs(cp.height);
    for (const s of own) agree.add(s.org);
    this.#own.delete(cp.height - KEEP_BELOW_HEAD);
    this.#ownSigs.delete(cp.height - KEEP_BELOW_HEAD);
    this.#agree.delete(cp.height - KEEP_BELOW_HEAD);
    this.#conflicts.delete(cp.height - KEEP_BELOW_HEAD);
    this.#reported.delete(cp.height - KEEP_BELOW_HEAD);
  }

  /** Signature messages that waited for `height`, removed from the waiting list. */
  takeWaiting(height: number): { seq: number; message: SignatureMessage }[] {
    const list = this.#future.get(height) ?? [];
    this.#future.delete(height);
    for (const w of list) if (w.newcomer) this.#newcomers--;
    return list;
  }

  /** Is block `height` signed by a quorum (as far as this tracker knows)? */
  isFinal(height: number): boolean {
    return (this.#agree.get(height)?.size ?? 0) >= this.#quorum();
  }

  /** True once per height: the first time it is asked after the block became final. */
  becameFinal(height: number): boolean {
    if (this.#old(height) || this.#reported.has(height) || !this.isFinal(height)) return false;
    this.#reported.add(height);
    return true;
  }

  /**
   * Decides about one signature message. An `agree` verdict means the caller should store the
   * signature (it is a member's valid signature over this node's checkpoint).
   */
  classify(seq: number, m: SignatureMessage): SignatureVerdict {
    const { checkpoint: cp, signature: s } = m;
    const chain = this.#chain;
    const head = chain.head.height;
    if (cp.chainId !== chain.chainId) return this.#bad(s.org, cp.height, 'another chain');
    if (cp.height > head) {
      if (cp.height > head + MAX_FUTURE_HEIGHTS) return { kind: 'later' };
      // A current member's valid signature over its checkpoint waits. So does, up to a bound, one
      // by an organization that is none yet (governance may add it in a block this node has not
      // applied): valid under the key it names, decided against membership once the height is here.
      const newcomer = !isMemberSignature(chain.registry, chain.state, cp, s);
      if (newcomer) {
        const why = this.#newcomerRefusal(cp, s);
        if (why !== undefined) return this.#bad(s.org, cp.height, why);
      }
      const list = this.#future.get(cp.height) ?? [];
      if (list.some((x) => x.message.signature.org === s.org)) {
        // A second, different checkpoint of the same org at one height: keep it for the conflict check.
        if (list.some((x) => sameCheckpoint(x.message.checkpoint, cp))) return { kind: 'ignored' };
      }
      list.push({ seq, message: m, newcomer });
      if (newcomer) this.#newcomers++;
      this.#future.set(cp.height, list);
      return { kind: 'future' };
    }
    const ours = this.#ownCheckpoint(cp.height);
    // This node's own signature coming back: the very bytes it made, as a member, over its block.
    const mine = this.#ownSigs.get(cp.height);
    if (
      mine?.some((o) => o.org === s.org && o.key === s.key && o.sig === s.sig) === true &&
      sameCheckpoint(ours, cp)
    )
      return { kind: 'ignored' };
    if (!isMemberSignature(chain.registry, chain.state, cp, s))
      return this.#bad(s.org, cp.height, 'not a valid signature of a consortium member');
    const agree = this.#orgs(cp.height);
    if (sameCheckpoint(ours, cp)) {
      if (agree.has(s.org)) return { kind: 'ignored' }; // a re-delivery, or our own
      if (this.#signedOther(cp.height, s.org)) {
        // It signed another block at this height before: an equivocator does not count.
        return {
          kind: 'alarm',
          alarm: {
            kind: 'equivocation',
            org: s.org,
            height: cp.height,
            message: `organization "${s.org}" signed two different blocks at height ${cp.height}`,
          },
          halt: false,
        };
      }
      agree.add(s.org);
      return { kind: 'agree', height: cp.height, final: this.becameFinal(cp.height) };
    }
    return this.#conflict(cp, s, agree);
  }

  #conflict(cp: Checkpoint, s: CheckpointSignature, agree: Set<string>): SignatureVerdict {
    const byHash = this.#conflicts.get(cp.height) ?? new Map<string, Set<string>>();
    this.#conflicts.set(cp.height, byHash);
    const orgs = byHash.get(cp.blockHash) ?? new Set<string>();
    byHash.set(cp.blockHash, orgs);
    orgs.add(s.org);
    if (orgs.size >= this.#quorum()) {
      const alarm: ConsortiumAlarm = {
        kind: 'halted',
        org: s.org,
        height: cp.height,
        message: `organizations ${[...orgs].sort().join(', ')} (a quorum) signed block ${cp.height} ${cp.blockHash}; this node computed ${this.#ownCheckpoint(cp.height).blockHash}: it stops applying`,
      };
      return { kind: 'alarm', alarm, halt: true };
    }
    const equivocation = agree.has(s.org);
    const alarm: ConsortiumAlarm = {
      kind: equivocation ? 'equivocation' : 'divergent',
      org: s.org,
      height: cp.height,
      message: equivocation
        ? `organization "${s.org}" signed two different blocks at height ${cp.height}`
        : `organization "${s.org}" signed block ${cp.height} ${cp.blockHash}, which differs from this node's ${this.#ownCheckpoint(cp.height).blockHash}`,
    };
    return { kind: 'alarm', alarm, halt: false };
  }

  /**
   * Why a future signature by an organization that is no member at the head may not wait: a
   * member's key named for another organization, a signature its key does not verify, or too
   * many such waiting. Undefined: it may.
   */
  #newcomerRefusal(cp: Checkpoint, s: CheckpointSignature): string | undefined {
    const signers = this.#chain.registry.signers(this.#chain.state);
    if (signers.some((m) => m.id === s.org || m.multikey === s.key))
      return 'not a valid signature of a consortium member';
    let publicKey: Uint8Array;
    try {
      publicKey = decodeMultikey(s.key);
    } catch {
      return 'its key is not an Ed25519 Multikey';
    }
    if (!verifyCheckpointSignature(cp, s, publicKey))
      return 'not a valid signature under the key it names';
    if (this.#newcomers >= MAX_WAITING_NEWCOMERS)
      return `by an organization that is no member at this node's height ${this.#chain.head.height}, and ${MAX_WAITING_NEWCOMERS} such signatures wait already`;
    return undefined;
  }

  /** Below the window tracked in memory (a late signature for it is just stored). */
  #old(height: number): boolean {
    return height <= this.#chain.head.height - KEEP_BELOW_HEAD;
  }

  #signedOther(height: number, org: string): boolean {
    for (const orgs of this.#conflicts.get(height)?.values() ?? []) if (orgs.has(org)) return true;
    return false;
  }

  #bad(org: string, height: number, why: string): SignatureVerdict {
    const alarm: ConsortiumAlarm = {
      kind: 'bad-signature',
      org,
      height,
      message: `dropped a checkpoint signature claiming to be from "${org}" at height ${height}: ${why}`,
    };
    return { kind: 'alarm', alarm, halt: false };
  }

  #orgs(height: number): Set<string> {
    let set = this.#agree.get(height);
    if (set === undefined) {
      // Heights older than the tracked window start from what the store holds.
      set = new Set(this.#chain.store.signatures(height).map((x) => x.org));
      if (!this.#old(height)) this.#agree.set(height, set);
    }
    return set;
  }

  #ownCheckpoint(height: number): Checkpoint {
    return this.#own.get(height) ?? this.#chain.signedCheckpoint(height).checkpoint;
  }

  #quorum(): number {
    return this.#chain.registry.consortium?.quorum(this.#chain.state) ?? 1;
  }
}
