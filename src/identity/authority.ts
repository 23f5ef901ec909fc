/**
 * An identity authority at work, on its own node: the front office's enrollments, re-bindings,
 * revocations and look-ups (each request signed by a key of the authority's DID), the wallets'
 * requests for credential copies (signed by the person's master DID). Personal data goes only into
 * the vault; the ledger gets tags, DIDs and status bits. The operations of one person run one at a
 * time (a lock per uniqueness tag). This is the node-side part of the module: it uses the wall
 * clock and randomness, which `apply` never does.
 */
import {
  decodeMultikey,
  ed25519FromSeed,
  ed25519Verify,
  equalSecret,
  fromBase64url,
  fromHex,
  hmacSha256,
  toBase64url,
  toHex,
  utf8,
  type Ed25519KeyPair,
} from '../crypto/index.ts';
import { randomBytes } from 'node:crypto';
import { signerOfKeyPair, type JwsSigner } from '../credentials/index.ts';
import {
  controlProofBytes,
  verifyControlProof,
  verifySignedRequest,
  type ControlProof,
  type RequestSigner,
  type SignedRequest,
} from '../did/index.ts';
import { AppError, isAppError } from '../errors.ts';
import { getRole } from '../governance/index.ts';
import { lastNonce, signTx, type ModuleHost, type SecretStore } from '../ledger/index.ts';
import { MAX_UNEXPIRED_COPIES, planCopy, signCopy, type IssuedCopy } from './copies.ts';
import { checkAdded, KeyedLock, OneTimeValues } from './guards.ts';
import { LawfulReleases } from './lawful-release.ts';
import { checkPerson, normalizedIdNumber, type Person, type PersonInput } from './person.ts';
import {
  copiesOf,
  erasePerson,
  loadPerson,
  readJsonRow,
  secretRow,
  storePerson,
  VAULT_ROWS,
  writeJsonRow,
  type AuthorityConfig,
  type PersonRecord,
} from './records.ts';
import { getBinding, getMaster, type MasterRecord, type RevokeReason } from './state.ts';
import { StatusLists } from './status-lists.ts';

export type { IssuedCopy } from './copies.ts';

/** How an authority node runs (its `modules.idn` options). */
export interface AuthorityOptions {
  /** Base URL the status list URIs in credentials point to (this node's public address), read at each use. */
  readonly publicUrl: () => string;
  /** Lifetime of a credential copy; short, so that copies are refreshed (default 7 days). */
  readonly copyLifetimeSec?: number;
  /** Entries per status list (default 2^20); a new list starts when one is half full. */
  readonly listSize?: number;
  /** How long a status list token is valid (default 300 s); verifiers cache it up to its `ttl`. */
  readonly statusTokenTtlSec?: number;
  /** Unexpired copies one binding may hold (default {@link MAX_UNEXPIRED_COPIES}). */
  readonly maxCopies?: number;
}

const CHALLENGE_TTL_MS = 10 * 60 * 1000;
/** Request nonces are remembered twice as long as a request is valid (5 minutes either way). */
const NONCE_TTL_MS = 2 * 5 * 60 * 1000;
/** Outstanding single-use values: in all, and per signer (a person asks for a few copies at a time). */
const MAX_OUTSTANDING = 100_000;
const MAX_PER_HOLDER = 64;
/** The authority's day: China Standard Time (UTC+8), for ages and the birth-date check. */
const DAY_OFFSET_MS = 8 * 60 * 60 * 1000;

/** The authority's calendar day (`YYYY-MM-DD`, China Standard Time) at `ms`. */
export const dayOf = (ms: number): string =>
  new Date(ms + DAY_OFFSET_MS).toISOString().slice(0, 10);

/**
 * An identity authority's services for other modules on its node (`ModuleRuntime.services.realNames`).
 * Nothing personal crosses: an ID number goes in, a keyed tag comes out.
 */
export interface RealNameDirectory {
  /** The authority's DID. */
  readonly authority: string;
  /** Signs with the authority's issuer key (`kid` = its DID URL). */
  readonly signer: JwsSigner;
  /**
   * The uniqueness tag of the person with this ID number, if they hold an active binding here.
   * @throws the ID-number codes (ERR_IDENTITY_INVALID_ID_NUMBER, ERR_IDENTITY_BAD_CHECK_DIGIT, …)
   */
  activeTagOfIdNumber(idNumber: string): string | undefined;
  /** The tag of the active binding a master DID holds here, if it holds one. */
  activeTagOfMaster(did: string): string | undefined;
  /** Checks a request signed by a person's master DID with an active binding here (see `authenticate`). */
  authenticateHolder(envelope: SignedRequest<unknown>, action: string): RequestSigner;
  /** Checks a request signed by any DID (see `authenticateAny`). */
  authenticateAny(envelope: SignedRequest<unknown>, action: string): RequestSigner;
}

/** An enrollment or re-binding: the person's details, the master DID and its proof of control. */
export interface BindingRequest {
  readonly person: PersonInput;
  readonly did: string;
  readonly proof: ControlProof;
}

/** What the API returns about a binding: never personal data. */
export interface BindingView {
  readonly did: string;
  readonly status: 'active' | 'rebound' | 'revoked';
  readonly authority: string;
  readonly since: number;
  readonly enrolled?: number;
  readonly rebinds?: number;
  /** Why it was revoked (from the vault; the ledger does not say). */
  readonly reason?: string;
  readonly copies: { readonly issued: number; readonly unexpired: number };
  readonly record: 'held' | 'erased' | 'none';
}

/** An identity authority served by this node: its keys, vault, lists and API operations. */
export class Authority {
  readonly did: string;
  readonly kid: string;
  readonly name: string;
  readonly lists: StatusLists;
  /** Lawful de-anonymization: the releases of approved requests. */
  readonly lawful: LawfulReleases;
  readonly #host: ModuleHost;
  readonly #vault: SecretStore;
  readonly #issuer: Ed25519KeyPair;
  readonly #signer: JwsSigner;
  readonly #tagSecret: Uint8Array;
  readonly #publicUrl: () => string;
  readonly #copyLifetimeSec: number;
  readonly #maxCopies: number;
  readonly #challenges = new OneTimeValues(MAX_OUTSTANDING);
  readonly #operatorNonces = new OneTimeValues(MAX_OUTSTANDING);
  readonly #holderNonces = new OneTimeValues(MAX_OUTSTANDING, MAX_PER_HOLDER);
  readonly #people = new KeyedLock();
  #nonce = 0;

  /** @throws ERR_IDENTITY_NOT_AUTHORITY_NODE when the vault holds no authority */
  constructor(host: ModuleHost, vault: SecretStore, options: AuthorityOptions) {
    const config = readJsonRow<AuthorityConfig>(vault, VAULT_ROWS.config);
    const seed = vault.get(VAULT_ROWS.issuerSeed);
    if (config === undefined || seed === undefined)
      throw new AppError(
        'ERR_IDENTITY_NOT_AUTHORITY_NODE',
        'the authority vault holds no authority (run `realdid node init --authority`)',
      );
    this.did = config.did;
    this.kid = `${config.did}#${config.issuerKey}`;
    this.name = config.name;
    this.#host = host;
    this.#vault = vault;
    this.#issuer = ed25519FromSeed(seed);
    this.#signer = signerOfKeyPair(this.#issuer, this.kid);
    this.#tagSecret = secretRow(vault, VAULT_ROWS.tagSecret);
    this.#publicUrl = options.publicUrl;
    this.#copyLifetimeSec = options.copyLifetimeSec ?? 7 * 24 * 3600;
    this.#maxCopies = options.maxCopies ?? MAX_UNEXPIRED_COPIES;
    this.lists = new StatusLists(host.chain, vault, {
      did: this.did,
      signer: this.#signer,
      publicUrl: options.publicUrl,
      listSize: options.listSize ?? 2 ** 20,
      tokenTtlSec: options.statusTokenTtlSec ?? 300,
      submit: (kind, body) => this.#submit(kind, body),
    });
    this.lawful = new LawfulReleases({
      did: this.did,
      chain: host.chain,
      pendingState: () => host.pendingState,
      vault,
      submit: (kind, body) => this.#submit(kind, body),
      log: host.log,
    });
  }

  /** Why the authority cannot work as it should, if it cannot (not accredited, a bad public URL). */
  problem(): string | undefined {
    if (getRole(this.#host.chain.state, 'identity-authority', this.did) === undefined)
      return `${this.did} is not accredited as identity-authority`;
    const host = new URL(this.#publicUrl()).hostname;
    if (host === '0.0.0.0' || host === '[::]')
      return `status list URIs would name ${host}: set publicUrl in node.json to the address sites reach`;
    return undefined;
  }

  /**
   * The uniqueness tag of a person: HMAC-SHA-256 under the authority's secret of the normalized ID
   * number, hex. The same person always gets the same tag here; without the secret, the tag says
   * nothing about the number.
   */
  tagOf(idNumber: string): string {
    const message = utf8(`realdid/uniqueness/v1|${normalizedIdNumber(idNumber)}`);
    return toHex(hmacSha256(this.#tagSecret, message));
  }

  /**
   * Checks a signed request for `action`: signature by a current authentication key, within the
   * time window, never seen before. Front-office requests must be signed by this authority's DID;
   * a holder must hold an active binding here before its request is remembered, and has a quota.
   * @throws ERR_DID_AUTH_FAILED, ERR_DID_AUTH_EXPIRED, ERR_DID_AUTH_REPLAYED,
   *   ERR_IDENTITY_NOT_OPERATOR, ERR_IDENTITY_NOT_ENROLLED, ERR_IDENTITY_BINDING_ENDED,
   *   ERR_IDENTITY_RATE_LIMITED, ERR_IDENTITY_AUTHORITY_UNAVAILABLE
   */
  authenticate(envelope: SignedRequest<unknown>, action: string, operator: boolean): RequestSigner {
    const now = Date.now();
    const state = this.#host.chain.state;
    const signer = verifySignedRequest(envelope, { state, action, audience: this.did, now });
    if (operator && signer.did !== this.did)
      throw new AppError(
        'ERR_IDENTITY_NOT_OPERATOR',
        `${signer.kid} is not a key of the identity authority ${this.did}`,
      );
    if (!operator) this.#activeMaster(signer.did, state);
    const nonces = operator ? this.#operatorNonces : this.#holderNonces;
    checkAdded(nonces.add(envelope.request.nonce, signer.did, now + NONCE_TTL_MS, now), 'request');
    return signer;
  }

  /** The master record of an active binding of this authority, in `state`. */
  #activeMaster(did: string, state = this.#host.pendingState): MasterRecord {
    const m = getMaster(state, did);
    if (m === undefined || m.authority !== this.did)
      throw new AppError('ERR_IDENTITY_NOT_ENROLLED', `${did} holds no binding of this authority`);
    if (m.status !== 'active')
      throw new AppError(
        'ERR_IDENTITY_BINDING_ENDED',
        `${did} was ${m.status}: it obtains nothing`,
      );
    return m;
  }

  /**
   * Checks a signed request from any DID (a credit issuer or querier asking the authority's node):
   * signature by a current authentication key, within the time window, never seen before.
   * @throws ERR_DID_AUTH_FAILED, ERR_DID_AUTH_EXPIRED, ERR_DID_AUTH_REPLAYED, ERR_IDENTITY_RATE_LIMITED
   */
  authenticateAny(envelope: SignedRequest<unknown>, action: string): RequestSigner {
    const now = Date.now();
    const state = this.#host.chain.state;
    const signer = verifySignedRequest(envelope, { state, action, audience: this.did, now });
    checkAdded(
      this.#holderNonces.add(envelope.request.nonce, signer.did, now + NONCE_TTL_MS, now),
      'request',
    );
    return signer;
  }

  /**
   * What other modules' node parts use of this authority (the credit module derives each
   * person's credit pseudonym from the uniqueness tag): see {@link RealNameDirectory}.
   */
  directory(): RealNameDirectory {
    return {
      authority: this.did,
      signer: this.#signer,
      activeTagOfIdNumber: (idNumber) => {
        const tag = this.tagOf(idNumber);
        return getBinding(this.#host.pendingState, this.did, tag)?.status === 'active'
          ? tag
          : undefined;
      },
      activeTagOfMaster: (did) => {
        const m = getMaster(this.#host.pendingState, did);
        return m?.authority === this.did && m.status === 'active' ? m.tag : undefined;
      },
      authenticateHolder: (envelope, action) => this.authenticate(envelope, action, false),
      authenticateAny: (envelope, action) => this.authenticateAny(envelope, action),
    };
  }

  /** A fresh single-use challenge for a person to sign with their master DID. */
  challenge(): { challenge: string; expires: number } {
    const now = Date.now();
    const challenge = toBase64url(randomBytes(32));
    checkAdded(this.#challenges.add(challenge, '', now + CHALLENGE_TTL_MS, now), 'challenge');
    return { challenge, expires: now + CHALLENGE_TTL_MS };
  }

  /** The checked person and their tag; the challenge used up and the proof of control checked. */
  #checkRequest(input: BindingRequest): { person: Person; tag: string } {
    const person = checkPerson(input.person, { today: dayOf(Date.now()) });
    const tag = this.tagOf(person.idNumber);
    this.#checkControl(input.proof, input.did);
    return { person, tag };
  }

  /** Uses up the challenge and checks the person's proof of control of `did`. */
  #checkControl(proof: ControlProof, did: string): void {
    if (!this.#challenges.take(proof.challenge, Date.now()))
      throw new AppError('ERR_IDENTITY_BAD_CHALLENGE', 'the challenge is unknown, expired or used');
    try {
      verifyControlProof(proof, {
        state: this.#host.chain.state,
        purpose: 'enroll',
        audience: this.did,
        did,
      });
    } catch (err) {
      throw new AppError('ERR_IDENTITY_BAD_PROOF', (err as Error).message, { cause: err });
    }
  }

  /**
   * Enrolls a person: checks the details, then the proof of control of the master DID (so nobody
   * learns whether a person is enrolled without a person's answer to a challenge), then that the
   * person has no active binding; seals the record in the vault; writes the tag and DID.
   * @throws the person-check codes, ERR_IDENTITY_BAD_CHALLENGE, ERR_IDENTITY_BAD_PROOF,
   *   ERR_IDENTITY_ALREADY_ENROLLED, ERR_IDENTITY_DID_IN_USE, ERR_IDENTITY_UNKNOWN_DID
   */
  async enroll(input: BindingRequest): Promise<BindingView> {
    const { person, tag } = this.#checkRequest(input);
    await this.#people.run(tag, async () => {
      if (getBinding(this.#host.pendingState, this.did, tag)?.status === 'active') {
        this.#host.log.info('enrollment refused: already enrolled', { did: input.did });
        throw new AppError(
          'ERR_IDENTITY_ALREADY_ENROLLED',
          'this person already has an active real-name binding',
        );
      }
      const previous = this.#vault.get(VAULT_ROWS.person(tag));
      const previousDek = this.#vault.get(VAULT_ROWS.dek(tag));
      const now = Date.now();
      storePerson(this.#vault, { ...person, tag, did: input.did, enrolledAt: now, checkedAt: now });
      try {
        await this.#submit('idn.enroll', { tag, did: input.did });
      } catch (err) {
        this.#vault.transaction(() => {
          restore(this.#vault, VAULT_ROWS.person(tag), previous);
          restore(this.#vault, VAULT_ROWS.dek(tag), previousDek);
        });
        throw err;
      }
      this.#vault.transaction(() => {
        this.#vault.delete(VAULT_ROWS.copies(tag));
        this.#vault.delete(VAULT_ROWS.revocation(tag));
      });
    });
    this.#host.log.info('person enrolled', { did: input.did });
    return this.show(input.did);
  }

  /** The vault record of the person these details name, if they match it and hold an active binding. */
  #recheck(tag: string, person: Person): PersonRecord {
    const binding = getBinding(this.#host.pendingState, this.did, tag);
    if (binding?.status !== 'active')
      throw new AppError('ERR_IDENTITY_NOT_ENROLLED', 'this person has no active binding here');
    const record = loadPerson(this.#vault, tag);
    if (record === undefined)
      throw new AppError('ERR_IDENTITY_ERASED', "this person's record is gone");
    const same =
      equalSecret(fromHex(record.tag), fromHex(tag)) &&
      record.familyName === person.familyName &&
      record.givenName === person.givenName &&
      record.birthdate === person.birthdate;
    if (!same)
      throw new AppError(
        'ERR_IDENTITY_PERSON_MISMATCH',
        "the details do not match the authority's record",
      );
    return record;
  }

  /** Status flips for every unexpired copy of a binding, grouped by list. */
  #flipsFor(tag: string): { list: string; idx: number[] }[] {
    const nowSec = Math.floor(Date.now() / 1000);
    const byList = new Map<string, number[]>();
    for (const c of copiesOf(this.#vault, tag)) {
      if (c.exp <= nowSec - 60) continue;
      const idx = byList.get(c.list);
      if (idx === undefined) byList.set(c.list, [c.idx]);
      else idx.push(c.idx);
    }
    return [...byList].map(([list, idx]) => ({ list, idx }));
  }

  /**
   * Re-binds a re-checked person to a new master DID (lost or stolen wallet); every unexpired
   * copy of the old binding is revoked in the same transaction.
   * @throws the proof codes, ERR_IDENTITY_NOT_ENROLLED, ERR_IDENTITY_PERSON_MISMATCH, ERR_IDENTITY_ERASED
   */
  async rebind(input: BindingRequest): Promise<BindingView> {
    const { person, tag } = this.#checkRequest(input);
    const from = await this.#people.run(tag, async () => {
      const record = this.#recheck(tag, person);
      await this.#submit('idn.rebind', { tag, did: input.did, revoke: this.#flipsFor(tag) });
      this.#vault.transaction(() => {
        storePerson(this.#vault, { ...record, did: input.did, checkedAt: Date.now() });
        this.#vault.delete(VAULT_ROWS.copies(tag));
      });
      return record.did;
    });
    this.#host.log.info('person re-bound', { from, to: input.did });
    return this.show(input.did);
  }

  /** The tag of the binding `did` holds (`active`) or held until it was revoked (`revoked`). */
  #tagOfMaster(did: string, allowed: readonly string[]): string {
    const m = getMaster(this.#host.pendingState, did);
    if (m === undefined || m.authority !== this.did || !allowed.includes(m.status))
      throw new AppError('ERR_IDENTITY_NOT_ENROLLED', `${did} holds no binding of this authority`);
    return m.tag;
  }

  /**
   * Revokes the binding a master DID holds (and all its unexpired copies); with `erase`, also
   * crypto-shreds the person's record. A binding revoked earlier can still be erased (nothing more
   * goes to the ledger then); a DID the person was re-bound away from, or that no longer holds
   * the person's binding, revokes nothing.
   * @throws ERR_IDENTITY_NOT_ENROLLED
   */
  async revoke(input: {
    did: string;
    reason: RevokeReason;
    erase?: boolean;
  }): Promise<BindingView> {
    const erase = input.erase === true;
    const tag = this.#tagOfMaster(input.did, erase ? ['active', 'revoked'] : ['active']);
    await this.#people.run(tag, async () => {
      const binding = getBinding(this.#host.pendingState, this.did, tag);
      if (binding?.did !== input.did)
        throw new AppError(
          'ERR_IDENTITY_NOT_ENROLLED',
          `${input.did} no longer holds this binding`,
        );
      if (binding.status === 'active') {
        await this.#submit('idn.revoke', { tag, did: input.did, revoke: this.#flipsFor(tag) });
        writeJsonRow(this.#vault, VAULT_ROWS.revocation(tag), {
          reason: erase ? 'erased' : input.reason,
          at: Date.now(),
        });
      }
      if (erase) erasePerson(this.#vault, tag);
    });
    this.#host.log.info('binding revoked', { did: input.did, erased: erase });
    return this.show(input.did);
  }

  /** What the ledger and the vault say about a master DID's binding (no personal data). */
  show(did: string): BindingView {
    const state = this.#host.chain.state;
    const m = getMaster(state, did);
    if (m === undefined || m.authority !== this.did)
      throw new AppError('ERR_IDENTITY_NOT_ENROLLED', `${did} holds no binding of this authority`);
    const current = getBinding(state, this.did, m.tag);
    // a retired DID shows its own record only, not the binding the person holds now
    const b = current?.did === did ? current : undefined;
    const nowSec = Math.floor(Date.now() / 1000);
    const copies = m.status === 'active' ? copiesOf(this.#vault, m.tag) : [];
    const reason =
      b === undefined
        ? undefined
        : readJsonRow<{ reason: string }>(this.#vault, VAULT_ROWS.revocation(m.tag))?.reason;
    let record: BindingView['record'] = b === undefined ? 'none' : 'held';
    if (b !== undefined)
      try {
        if (loadPerson(this.#vault, m.tag) === undefined) record = 'none';
      } catch (err) {
        if (!isAppError(err, 'ERR_IDENTITY_ERASED')) throw err;
        record = 'erased';
      }
    return {
      did,
      status: m.status,
      authority: m.authority,
      since: m.since,
      ...(b === undefined ? {} : { enrolled: b.enrolled, rebinds: b.rebinds }),
      ...(b?.status === 'revoked' && reason !== undefined ? { reason } : {}),
      copies: { issued: copies.length, unexpired: copies.filter((c) => c.exp > nowSec).length },
      record,
    };
  }

  /**
   * Issues a credential copy for one holder key (a pairwise key of the person's wallet): the
   * request is signed by the master DID and proves possession of the holder key. The authority
   * learns the holder key, never the site it is for.
   * @throws ERR_IDENTITY_NOT_ENROLLED, ERR_IDENTITY_BINDING_ENDED, ERR_IDENTITY_ERASED,
   *   ERR_IDENTITY_BAD_PROOF, ERR_IDENTITY_COPY_LIMIT
   */
  async issueCopy(
    signer: RequestSigner,
    body: { holder: string; pop: string },
    requestNonce: string,
  ): Promise<IssuedCopy> {
    checkHolderPop(body, this.did, requestNonce);
    const { tag } = this.#activeMaster(signer.did);
    // Recorded under the person's lock: a re-binding or revocation in flight finishes first, and
    // then this DID obtains nothing; one that starts later flips this copy too.
    const planned = await this.#people.run(tag, async () => {
      const m = this.#activeMaster(signer.did);
      const record = loadPerson(this.#vault, m.tag);
      if (record === undefined)
        throw new AppError('ERR_IDENTITY_ERASED', "this person's record is gone");
      const list = await this.lists.current();
      return planCopy(this.#vault, this.lists, {
        tag,
        holder: `did:key:${body.holder}`,
        record,
        list,
        authority: this.did,
        lifetimeSec: this.#copyLifetimeSec,
        maxCopies: this.#maxCopies,
        chain: this.#host.chain,
      });
    });
    return signCopy(planned, {
      did: this.did,
      signer: this.#signer,
      holder: decodeMultikey(body.holder),
      uri: this.lists.uri(planned.list),
      today: dayOf(Date.now()),
    });
  }

  async #submit(kind: string, body: object): Promise<{ id: string; height: number }> {
    this.#nonce = Math.max(this.#nonce, lastNonce(this.#host.pendingState, this.did)) + 1;
    const tx = signTx(
      { kind, body: body as never, signer: this.kid, nonce: this.#nonce, created: Date.now() },
      this.#issuer,
    );
    const [out] = await this.#host.submit([tx]);
    if (out === undefined || !out.ok)
      throw out?.error ?? new AppError('ERR_IDENTITY_AUTHORITY_UNAVAILABLE', 'no outcome');
    return out;
  }
}

function restore(vault: SecretStore, row: string, value: Uint8Array | undefined): void {
  if (value === undefined) vault.delete(row);
  else vault.set(row, value);
}

/** The holder key's proof of possession: a signature over the request's nonce for this authority. */
function checkHolderPop(
  body: { holder: string; pop: string },
  authority: string,
  nonce: string,
): void {
  let ok = false;
  try {
    const bytes = controlProofBytes({
      purpose: 'holder-key',
      audience: authority,
      challenge: nonce,
      subject: body.holder,
    });
    ok = ed25519Verify(fromBase64url(body.pop), bytes, decodeMultikey(body.holder));
  } catch (err) {
    throw new AppError(
      'ERR_IDENTITY_BAD_PROOF',
      `bad holder key or proof: ${(err as Error).message}`,
      { cause: err },
    );
  }
  if (!ok)
    throw new AppError(
      'ERR_IDENTITY_BAD_PROOF',
      'the holder key proof of possession does not verify',
    );
}
