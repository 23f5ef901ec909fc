/**
 * The person's side of the credit registry, in the wallet (PLAN-credit.md, "Person handles"):
 * the credit credential the authority issued (the credit pseudonym P, the record key's seed, the
 * authority's locator key) and the wallet's consent key give everything a person needs: recognize
 * their handles in the public event feed, sign disputes and body reads with a record's handle key,
 * and sign consents with a fresh handle of their consent key. Nothing of the person is sent when
 * the wallet scans the feed; every event it keeps comes with the inclusion proof of its
 * transaction and the state proof of its record or query, both checked against signed checkpoints.
 */
import {
  checkHandle,
  handleKeyPair,
  mintHandle,
  pseudonymIdOf,
  recognizeHandle,
  signConsent,
  subjectKeyOf,
  type ConsentToken,
  type CreditHandle,
} from '../credentials/index.ts';
import {
  ed25519FromSeed,
  encodeMultikey,
  fromBase64url,
  type Ed25519KeyPair,
} from '../crypto/index.ts';
import { AppError, isAppError } from '../errors.ts';
import { didKeyOf } from '../ledger/index.ts';
import type { RealdidClient } from './client.ts';
import { CreditClient, proveBodyRead, type BodyReadProof, type TxSigner } from './credit.ts';
import {
  decodeCreditCredential,
  verifyCreditCredential,
  type CreditCredentialClaims,
} from './credit-credential.ts';
import { txEvidence, type StateEvidenceOf, type TxEvidence } from './credit-evidence.ts';
import { creditConsentKey, type CreditConsentKey } from './credit-keys.ts';
import type { CreditFeedEvent, CreditQueryEvent, CreditRecordView } from './credit-types.ts';

export {
  CREDIT_CREDENTIAL_TYP,
  decodeCreditCredential,
  verifyCreditCredential,
} from './credit-credential.ts';
export type { CreditCredentialClaims } from './credit-credential.ts';
export { txEvidence } from './credit-evidence.ts';
export type { StateEvidenceOf, TxEvidence } from './credit-evidence.ts';

/** One of the person's events, proven. */
export interface WatchedEvent {
  readonly event: CreditFeedEvent;
  /** The handle the event names (the record's, or the query's subject). */
  readonly handle: CreditHandle;
  /**
   * Which of the person's keys the handle blinds: the record key (records, disputes, and queries
   * by a handle an issuer or querier obtained by ID number, without consent), the consent key (a
   * query with the person's consent), or null: the tag is the person's but the key is neither
   * (not minted by the authority nor by the wallet).
   */
  readonly handleKey: 'record' | 'consent' | null;
  /** The record (record and dispute events) or query event, as proven now. */
  readonly state: StateEvidenceOf<CreditRecordView> | StateEvidenceOf<CreditQueryEvent>;
  readonly tx: TxEvidence;
}

/** What a scan of the feed found. */
export interface WatchResult {
  readonly events: readonly WatchedEvent[];
  /** The last seq scanned: pass it as the next scan's cursor. */
  readonly cursor: number;
  /** How many feed events were read. */
  readonly scanned: number;
}

const KINDS: Readonly<Record<CreditFeedEvent['kind'], string>> = {
  record: 'credit.issue',
  dispute: 'credit.dispute',
  query: 'credit.query',
};

/** The feed page size of a scan. */
const PAGE = 1000;

/** A person's credit wallet: the verified credential and the wallet's consent key. */
export class CreditWallet {
  readonly credential: string;
  readonly claims: CreditCredentialClaims;
  /** The credit authority's DID. */
  readonly authority: string;
  /** The subject key K. */
  readonly subjectKey: Uint8Array;
  /** hex SHA-256 of P: how the authority indexes the person. */
  readonly pseudonymId: string;
  readonly consentKey: CreditConsentKey;
  readonly #pseudonym: Uint8Array;
  readonly #recordSeed: Uint8Array;
  readonly #recordKey: Ed25519KeyPair;

  /**
   * A wallet over a credential already verified (see {@link CreditWallet.open}).
   * @throws ERR_VC_MALFORMED, ERR_CREDIT_NOT_SUBJECT when the credential is for another consent key
   */
  constructor(credential: string, walletSeed: Uint8Array) {
    const { claims } = decodeCreditCredential(credential);
    this.consentKey = creditConsentKey(walletSeed);
    if (claims.sub !== didKeyOf(this.consentKey.multikey))
      throw new AppError(
        'ERR_CREDIT_NOT_SUBJECT',
        `the credit credential is for ${claims.sub}, not this wallet's consent key`,
      );
    this.credential = credential;
    this.claims = claims;
    this.authority = claims.iss;
    this.#pseudonym = fromBase64url(claims.pseudonym);
    this.#recordSeed = fromBase64url(claims.recordSeed);
    this.#recordKey = ed25519FromSeed(this.#recordSeed);
    this.subjectKey = subjectKeyOf(this.#pseudonym);
    this.pseudonymId = pseudonymIdOf(this.#pseudonym);
  }

  /**
   * Verifies the credential through the ledger ({@link verifyCreditCredential}) and opens the wallet.
   * @throws the codes of verifyCreditCredential and of the constructor
   */
  static async open(
    client: RealdidClient,
    credential: string,
    walletSeed: Uint8Array,
  ): Promise<CreditWallet> {
    await verifyCreditCredential(client, credential);
    return new CreditWallet(credential, walletSeed);
  }

  /** The record key A0 (Multikey): record handles blind it. */
  get recordKey(): string {
    return encodeMultikey(this.#recordKey.publicKey);
  }

  /** Is this handle (or feed event) the person's? The tag only: the fast scan. */
  recognize(h: Pick<CreditHandle, 'nonce' | 'tag'>): boolean {
    return recognizeHandle(this.subjectKey, h);
  }

  /** Was this handle minted for the person's record key (true) or consent key? Else undefined. */
  keyOf(h: CreditHandle): 'record' | 'consent' | undefined {
    if (checkHandle(this.#pseudonym, this.#recordKey.publicKey, h)) return 'record';
    if (checkHandle(this.#pseudonym, this.consentKey.keyPair.publicKey, h)) return 'consent';
    return undefined;
  }

  #signerOf(h: CreditHandle, seed: Uint8Array): TxSigner {
    const keyPair = handleKeyPair(this.#pseudonym, seed, h);
    const multikey = encodeMultikey(keyPair.publicKey);
    if (didKeyOf(multikey) !== h.key)
      throw new AppError(
        'ERR_CREDIT_NOT_SUBJECT',
        `the handle's key ${h.key} is not one this wallet derives`,
      );
    return { kid: `${h.key}#${multikey}`, keyPair };
  }

  /**
   * The signer of a record's handle key (disputes, body reads): a did:key only this person derives.
   * @throws ERR_CREDIT_NOT_SUBJECT for a handle minted for another key or person
   */
  recordSigner(handle: CreditHandle): TxSigner {
    return this.#signerOf(handle, this.#recordSeed);
  }

  /** A body-read proof for a record of the person's (see `CreditClient.body`). */
  bodyReadProof(record: string, handle: CreditHandle, now?: number): BodyReadProof {
    return proveBodyRead(record, this.recordSigner(handle).keyPair, now);
  }

  /**
   * Signs a consent for one query by `querier` for `purpose`: a fresh handle of the consent key,
   * sealed to the authority's locator key, signed with its blinded key.
   * @throws TypeError for a malformed querier, purpose or expiry
   */
  makeConsent(o: {
    readonly querier: string;
    readonly purpose: string;
    readonly expiresInMs: number;
    readonly now?: number;
  }): ConsentToken {
    if (!Number.isSafeInteger(o.expiresInMs) || o.expiresInMs <= 0)
      throw new TypeError(`"expiresInMs" expected a positive integer, got ${o.expiresInMs}`);
    const handle = mintHandle({
      pseudonym: this.#pseudonym,
      publicKey: this.consentKey.keyPair.publicKey,
      locatorKey: this.claims.locatorKey,
    });
    return signConsent(
      {
        querier: o.querier,
        purpose: o.purpose,
        expires: (o.now ?? Date.now()) + o.expiresInMs,
        handle,
      },
      this.#signerOf(handle, this.consentKey.seed).keyPair,
    );
  }

  /**
   * The person's events after `cursor` (a feed seq; -1 for all): scans the feed (nothing about the
   * person is sent), and proves each event it recognizes: the inclusion of its transaction, that
   * the transaction is that event, and the current state of its record or query. A node can hide
   * an event from the feed, but not forge one the wallet keeps.
   * @throws ERR_LEDGER_BAD_PROOF when the node lists an event it cannot prove, the checkpoint codes
   */
  async watch(
    client: RealdidClient,
    cursor: number,
    o: { readonly onProgress?: (done: number, total: number) => void } = {},
  ): Promise<WatchResult> {
    const credit = new CreditClient(client);
    const total = (await client.checkpoint()).logSize;
    const events: WatchedEvent[] = [];
    let after = cursor;
    let scanned = 0;
    for (;;) {
      const page = await credit.events({ after, limit: PAGE });
      for (const e of page.events) {
        scanned++;
        after = Math.max(after, e.seq);
        if (this.recognize(e)) events.push(await this.#prove(client, credit, e));
      }
      o.onProgress?.(Math.min(after + 1, total), Math.max(total, after + 1));
      if (page.next === null || page.events.length === 0) break;
      after = page.next;
    }
    return { events, cursor: after, scanned };
  }

  async #prove(
    client: RealdidClient,
    credit: CreditClient,
    e: CreditFeedEvent,
  ): Promise<WatchedEvent> {
    const bad = (why: string): never => {
      throw new AppError(
        'ERR_LEDGER_BAD_PROOF',
        `feed event ${e.seq} (${e.kind} ${e.ref}): ${why}`,
      );
    };
    const tx = await txEvidence(client, e.tx);
    if (tx.kind !== KINDS[e.kind] || tx.logIndex !== e.seq) bad(`its transaction is a ${tx.kind}`);
    const body = tx.tx.body as { record?: unknown; subject?: { handle?: Partial<CreditHandle> } };
    if (e.kind === 'dispute' ? body.record !== e.ref : tx.id !== e.ref)
      bad('its transaction is about something else');
    const proven =
      e.kind === 'query'
        ? await credit.queryEvent(e.ref).catch(notFound(bad))
        : await credit.record(e.ref).catch(notFound(bad));
    const subject = proven.value.subject;
    if (subject.type !== 'person') return bad('its subject is not a person');
    const handle = subject.handle;
    if (handle.nonce !== e.nonce || handle.tag !== e.tag) bad('the proven handle is another');
    if (e.kind !== 'dispute' && body.subject?.handle?.key !== handle.key)
      bad('its transaction names another handle');
    return {
      event: e,
      handle,
      handleKey: this.keyOf(handle) ?? null,
      state: {
        key: proven.key,
        value: proven.value,
        proof: proven.evidence.proof,
        checkpoint: proven.evidence.signed,
      } as WatchedEvent['state'],
      tx,
    };
  }
}

/** A proven absence of what the feed names is a bad proof of the feed, not a missing record. */
function notFound(bad: (why: string) => never) {
  return (err: unknown): never => {
    if (
      isAppError(err, 'ERR_CREDIT_RECORD_NOT_FOUND') ||
      isAppError(err, 'ERR_CREDIT_QUERY_NOT_FOUND')
    )
      bad('its record or query is proven absent');
    throw err;
  };
}
