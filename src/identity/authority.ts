/**
 * An identity authority at work, on its own node: the front office's enrollments, re-bindings,
 * revocations and look-ups (each request signed by a key of the authority's DID), the wallets'
 * requests for credential copies (signed by the person's master DID), and the signed status list
 * tokens. Personal data goes only into the vault; the ledger gets tags, DIDs and status bits.
 * This is the node-side part of the module: it uses the wall clock and randomness, which `apply`
 * never does.
 */
import { randomBytes, randomInt } from 'node:crypto';
import {
  ed25519FromSeed,
  encodeMultikey,
  equalSecret,
  fromHex,
  hmacSha256,
  sha256,
  toBase64url,
  toHex,
  utf8,
  type Ed25519KeyPair,
} from '../crypto/index.ts';
import {
  allocateStatusIndex,
  assembleStatusList,
  issueSdJwtVc,
  jwkOfEd25519,
  REAL_NAME_VCT,
  signerOfKeyPair,
  signStatusListToken,
  type JwsSigner,
} from '../credentials/index.ts';
import {
  controlProofBytes,
  verifyControlProof,
  verifySignedRequest,
  type ControlProof,
  type RequestSigner,
  type SignedRequest,
} from '../did/index.ts';
import { AppError, isAppError } from '../errors.ts';
import { getRole, roleHistory } from '../governance/index.ts';
import { lastNonce, signTx, type ModuleHost, type SecretStore } from '../ledger/index.ts';
import { fromBase64url, decodeMultikey, ed25519Verify } from '../crypto/index.ts';
import { ageOn, checkPerson, normalizedIdNumber, type PersonInput } from './person.ts';
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
  type ListsRecord,
  type PersonRecord,
} from './records.ts';
import { getBinding, getMaster, getStatusList, IDN_KEYS, type RevokeReason } from './state.ts';

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
}

/** Minutes a credential's `iat` is set back at random (so it tells nothing precise). */
const IAT_JITTER_MINUTES = 24 * 60;
const CHALLENGE_TTL_MS = 10 * 60 * 1000;
const MAX_OUTSTANDING = 100_000;
/** The authority's day: China Standard Time (UTC+8), for ages and the birth-date check. */
const DAY_OFFSET_MS = 8 * 60 * 60 * 1000;

export const dayOf = (ms: number): string =>
  new Date(ms + DAY_OFFSET_MS).toISOString().slice(0, 10);

/** What the API returns about a binding: never personal data. */
export interface BindingView {
  readonly did: string;
  readonly status: 'active' | 'rebound' | 'revoked';
  readonly authority: string;
  readonly since: number;
  readonly enrolled?: number;
  readonly rebinds?: number;
  readonly reason?: string;
  readonly copies: { readonly issued: number; readonly unexpired: number };
  readonly record: 'held' | 'erased' | 'none';
}

/** An issued copy, as the wallet receives it. */
export interface IssuedCopy {
  readonly credential: string;
  readonly iat: number;
  readonly exp: number;
  readonly status: { readonly idx: number; readonly uri: string };
}

/** A bounded set of single-use values with expiry (challenges, request nonces). */
class OneTimeSet {
  readonly #entries = new Map<string, number>();
  /** Adds `value`: `seen` if it is there already, `full` if the set holds too many live values. */
  add(value: string, expires: number, now: number): 'added' | 'seen' | 'full' {
    this.#prune(now);
    if (this.#entries.has(value)) return 'seen';
    if (this.#entries.size >= MAX_OUTSTANDING) return 'full';
    this.#entries.set(value, expires);
    return 'added';
  }
  take(value: string, now: number): boolean {
    const expires = this.#entries.get(value);
    this.#entries.delete(value);
    return expires !== undefined && expires >= now;
  }
  #prune(now: number): void {
    if (this.#entries.size < MAX_OUTSTANDING / 2) return;
    for (const [v, e] of this.#entries) if (e < now) this.#entries.delete(v);
  }
}

export class Authority {
  readonly did: string;
  readonly kid: string;
  readonly name: string;
  readonly #host: ModuleHost;
  readonly #vault: SecretStore;
  readonly #issuer: Ed25519KeyPair;
  readonly #signer: JwsSigner;
  readonly #tagSecret: Uint8Array;
  readonly #options: Required<AuthorityOptions>;
  readonly #challenges = new OneTimeSet();
  readonly #seen = new OneTimeSet();
  readonly #tokens = new Map<string, { height: number; iat: number; jwt: string }>();
  #nonce = 0;
  #newList: Promise<ListsRecord> | undefined;

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
    this.#options = {
      publicUrl: options.publicUrl,
      copyLifetimeSec: options.copyLifetimeSec ?? 7 * 24 * 3600,
      listSize: options.listSize ?? 2 ** 20,
      statusTokenTtlSec: options.statusTokenTtlSec ?? 300,
    };
  }

  /** The issuer key as a Multikey (what the DID document must list). */
  get issuerMultikey(): string {
    return encodeMultikey(this.#issuer.publicKey);
  }

  /** Why the authority cannot work yet, if it cannot (DID missing, not accredited). */
  problem(): string | undefined {
    const state = this.#host.chain.state;
    if (getRole(state, 'identity-authority', this.did) === undefined)
      return `${this.did} is not accredited as identity-authority`;
    const host = new URL(this.#options.publicUrl()).hostname;
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
   * time window, never seen before; for the front office, signed by this authority's own DID.
   * @throws ERR_DID_AUTH_FAILED, ERR_DID_AUTH_EXPIRED, ERR_DID_AUTH_REPLAYED, ERR_IDENTITY_NOT_OPERATOR
   */
  authenticate(envelope: SignedRequest<unknown>, action: string, operator: boolean): RequestSigner {
    const now = Date.now();
    const signer = verifySignedRequest(envelope, {
      state: this.#host.chain.state,
      action,
      audience: this.did,
      now,
    });
    if (operator && signer.did !== this.did)
      throw new AppError(
        'ERR_IDENTITY_NOT_OPERATOR',
        `${signer.kid} is not a key of the identity authority ${this.did}`,
      );
    // A holder must be enrolled here before its request takes room among the remembered nonces.
    if (!operator) this.#activeMaster(signer.did);
    const added = this.#seen.add(envelope.request.nonce, now + 2 * 5 * 60 * 1000, now);
    if (added === 'seen')
      throw new AppError('ERR_DID_AUTH_REPLAYED', 'this request (its nonce) was already received');
    if (added === 'full')
      throw new AppError(
        'ERR_IDENTITY_AUTHORITY_UNAVAILABLE',
        'too many requests in flight; retry later',
      );
    return signer;
  }

  /** The master record of an active binding of this authority. @throws ERR_IDENTITY_NOT_ENROLLED, ERR_IDENTITY_BINDING_ENDED */
  #activeMaster(did: string) {
    const m = getMaster(this.#host.chain.state, did);
    if (m === undefined || m.authority !== this.did)
      throw new AppError('ERR_IDENTITY_NOT_ENROLLED', `${did} holds no binding of this authority`);
    if (m.status !== 'active')
      throw new AppError(
        'ERR_IDENTITY_BINDING_ENDED',
        `${did} was ${m.status}: it obtains nothing`,
      );
    return m;
  }

  /** A fresh single-use challenge for a person to sign with their master DID. */
  challenge(): { challenge: string; expires: number } {
    const now = Date.now();
    const challenge = toBase64url(randomBytes(32));
    if (this.#challenges.add(challenge, now + CHALLENGE_TTL_MS, now) !== 'added')
      throw new AppError('ERR_IDENTITY_AUTHORITY_UNAVAILABLE', 'too many outstanding challenges');
    return { challenge, expires: now + CHALLENGE_TTL_MS };
  }

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
   * Enrolls a person: checks the details, the proof of control of the master DID, and that the
   * person has no active binding; seals the record in the vault; writes the tag and DID.
   * @throws the person-check codes, ERR_IDENTITY_BAD_CHALLENGE, ERR_IDENTITY_BAD_PROOF,
   *   ERR_IDENTITY_ALREADY_ENROLLED, ERR_IDENTITY_DID_IN_USE, ERR_IDENTITY_UNKNOWN_DID
   */
  async enroll(input: {
    person: PersonInput;
    did: string;
    proof: ControlProof;
  }): Promise<BindingView> {
    const now = Date.now();
    const person = checkPerson(input.person, { today: dayOf(now) });
    const tag = this.tagOf(person.idNumber);
    if (getBinding(this.#host.pendingState, tag)?.status === 'active')
      throw new AppError(
        'ERR_IDENTITY_ALREADY_ENROLLED',
        'this person already has an active real-name binding',
      );
    this.#checkControl(input.proof, input.did);
    const previous = this.#vault.get(VAULT_ROWS.person(tag));
    const previousDek = this.#vault.get(VAULT_ROWS.dek(tag));
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
    this.#vault.delete(VAULT_ROWS.copies(tag));
    this.#host.log.info('person enrolled', { did: input.did });
    return this.show(input.did);
  }

  /** The active binding and vault record of the person these details name. */
  #recheck(input: PersonInput): { tag: string; record: PersonRecord } {
    const person = checkPerson(input, { today: dayOf(Date.now()) });
    const tag = this.tagOf(person.idNumber);
    const binding = getBinding(this.#host.pendingState, tag);
    if (binding?.status !== 'active' || binding.authority !== this.did)
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
    return { tag, record };
  }

  /** Status flips for every unexpired copy of a binding, grouped by list. */
  #flipsFor(tag: string): { list: string; idx: number[] }[] {
    const nowSec = Math.floor(Date.now() / 1000);
    const byList = new Map<string, number[]>();
    for (const c of copiesOf(this.#vault, tag)) {
      if (c.exp <= nowSec - 60) continue;
      byList.set(c.list, [...(byList.get(c.list) ?? []), c.idx]);
    }
    return [...byList].map(([list, idx]) => ({ list, idx }));
  }

  /**
   * Re-binds a re-checked person to a new master DID (lost or stolen wallet); every unexpired
   * copy of the old binding is revoked in the same transaction.
   * @throws ERR_IDENTITY_NOT_ENROLLED, ERR_IDENTITY_PERSON_MISMATCH, ERR_IDENTITY_ERASED, the proof codes
   */
  async rebind(input: {
    person: PersonInput;
    did: string;
    proof: ControlProof;
  }): Promise<BindingView> {
    const { tag, record } = this.#recheck(input.person);
    this.#checkControl(input.proof, input.did);
    await this.#submit('idn.rebind', { tag, did: input.did, revoke: this.#flipsFor(tag) });
    const now = Date.now();
    this.#vault.transaction(() => {
      storePerson(this.#vault, { ...record, did: input.did, checkedAt: now });
      this.#vault.delete(VAULT_ROWS.copies(tag));
    });
    this.#host.log.info('person re-bound', { from: record.did, to: input.did });
    return this.show(input.did);
  }

  /** The tag of the binding `did` holds now (`active`), or held until it was revoked (`revoked`). */
  #tagOfMaster(did: string, allowed: readonly string[]): string {
    const m = getMaster(this.#host.pendingState, did);
    if (m === undefined || m.authority !== this.did || !allowed.includes(m.status))
      throw new AppError('ERR_IDENTITY_NOT_ENROLLED', `${did} holds no binding of this authority`);
    return m.tag;
  }

  /**
   * Revokes the binding a master DID holds (and all its unexpired copies); with `erase`, also
   * crypto-shreds the person's record. A binding revoked earlier can still be erased (nothing more
   * goes to the ledger then); a DID the person was re-bound away from revokes nothing.
   * @throws ERR_IDENTITY_NOT_ENROLLED
   */
  async revoke(input: {
    did: string;
    reason: RevokeReason;
    erase?: boolean;
  }): Promise<BindingView> {
    const erase = input.erase === true;
    const tag = this.#tagOfMaster(input.did, erase ? ['active', 'revoked'] : ['active']);
    const binding = getBinding(this.#host.pendingState, tag);
    // The person may have enrolled again since this DID's binding was revoked: that is not its to end.
    if (binding?.did !== input.did)
      throw new AppError('ERR_IDENTITY_NOT_ENROLLED', `${input.did} no longer holds this binding`);
    if (binding.status === 'active') {
      const reason = erase ? 'erased' : input.reason;
      await this.#submit('idn.revoke', {
        tag,
        did: input.did,
        reason,
        revoke: this.#flipsFor(tag),
      });
    }
    if (erase) erasePerson(this.#vault, tag);
    this.#host.log.info('binding revoked', { did: input.did, erased: erase });
    return this.show(input.did);
  }

  /** What the ledger and the vault say about a master DID's binding (no personal data). */
  show(did: string): BindingView {
    const state = this.#host.chain.state;
    const m = getMaster(state, did);
    if (m === undefined || m.authority !== this.did)
      throw new AppError('ERR_IDENTITY_NOT_ENROLLED', `${did} holds no binding of this authority`);
    const current = getBinding(state, m.tag);
    // a retired DID shows its own record only, not the binding the person holds now
    const b = current?.did === did ? current : undefined;
    const nowSec = Math.floor(Date.now() / 1000);
    const copies = m.status === 'active' ? copiesOf(this.#vault, m.tag) : [];
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
      ...(b?.reason === undefined ? {} : { reason: b.reason }),
      copies: { issued: copies.length, unexpired: copies.filter((c) => c.exp > nowSec).length },
      record,
    };
  }

  /**
   * Issues a credential copy for one holder key (a pairwise key of the person's wallet): the
   * request is signed by the master DID and proves possession of the holder key. The authority
   * learns the holder key, never the site it is for.
   * @throws ERR_IDENTITY_NOT_ENROLLED, ERR_IDENTITY_BINDING_ENDED, ERR_IDENTITY_ERASED, ERR_IDENTITY_BAD_PROOF
   */
  async issueCopy(
    signer: RequestSigner,
    body: { holder: string; pop: string },
    requestNonce: string,
  ): Promise<IssuedCopy> {
    const m = this.#activeMaster(signer.did);
    const record = loadPerson(this.#vault, m.tag);
    if (record === undefined)
      throw new AppError('ERR_IDENTITY_ERASED', "this person's record is gone");
    checkHolderPop(body, this.did, requestNonce);
    const now = Date.now();
    const nowSec = Math.floor(now / 1000);
    const list = await this.#currentList();
    // Everything about the copy is decided and recorded in one vault transaction, with no await in
    // between, before it is signed: concurrent requests of one person cannot lose each other's
    // records (a revocation flips every recorded copy), and an index is never handed out twice. A
    // copy recorded but not issued (signing failed) only costs an unused index.
    const { idx, iat, exp } = this.#vault.transaction(() => {
      const copies = copiesOf(this.#vault, m.tag).filter((c) => c.exp > nowSec - 30 * 24 * 3600);
      const iat = this.#coarseIat(nowSec, new Set(copies.map((c) => c.iat)));
      const exp = iat + this.#options.copyLifetimeSec;
      const idx = this.#allocate(list);
      writeJsonRow(this.#vault, VAULT_ROWS.copies(m.tag), [
        ...copies,
        { list: list.current, idx, iat, exp },
      ]);
      return { idx, iat, exp };
    });
    const uri = this.statusUri(list.current);
    const today = dayOf(now);
    const age = ageOn(record.birthdate, today);
    const credential = await issueSdJwtVc({
      issuer: { did: this.did, signer: this.#signer },
      vct: REAL_NAME_VCT,
      iat,
      exp,
      visible: { real_name_verified: true },
      disclosable: {
        family_name: record.familyName,
        given_name: record.givenName,
        birthdate: record.birthdate,
        nationality: record.nationality,
        region: record.region,
        age_over_14: age >= 14,
        age_over_16: age >= 16,
        age_over_18: age >= 18,
        age_over_60: age >= 60,
      },
      holder: jwkOfEd25519(decodeMultikey(body.holder)),
      status: { idx, uri },
    });
    return { credential, iat, exp, status: { idx, uri } };
  }

  /**
   * A coarse, unrevealing `iat`: the current minute set back by a random number of minutes (up to
   * a day), never before the authority's accreditation, and different from the person's other
   * copies (an authority accredited minutes ago falls back to whole seconds).
   */
  #coarseIat(nowSec: number, used: ReadonlySet<number>): number {
    const minute = nowSec - (nowSec % 60);
    const from =
      roleHistory(this.#host.chain.state, 'identity-authority', this.did).at(-1)?.from ?? 0;
    const earliest = Math.ceil(from / 60_000) * 60; // the first whole minute of the accreditation
    const span = Math.max(1, Math.min(IAT_JITTER_MINUTES, (minute - earliest) / 60 + 1));
    for (let i = 0; i < 64; i++) {
      const iat = minute - 60 * randomInt(0, span);
      if (!used.has(iat)) return iat;
    }
    // Only just accredited (every minute since is used): fall back to a free second.
    for (let iat = nowSec; iat >= Math.ceil(from / 1000); iat--) if (!used.has(iat)) return iat;
    return nowSec;
  }

  /** The status list URI of a list (where this node serves its token). */
  statusUri(list: string): string {
    return `${this.#options.publicUrl().replace(/\/+$/, '')}/v1/identity/status-lists/${list}`;
  }

  /** The list copies go into now, starting a new one when it is half full. */
  async #currentList(): Promise<ListsRecord> {
    const lists = readJsonRow<ListsRecord>(this.#vault, VAULT_ROWS.lists);
    if (lists !== undefined && lists.used < lists.size / 2) return lists;
    return this.#startList(lists);
  }

  /** A random free index of `list`, marked taken (call inside a vault transaction). */
  #allocate(list: ListsRecord): number {
    const idx = allocateStatusIndex(list.size, (i) =>
      this.#vault.has(VAULT_ROWS.taken(list.current, i)),
    );
    this.#vault.set(VAULT_ROWS.taken(list.current, idx), new Uint8Array([1]));
    const now = readJsonRow<ListsRecord>(this.#vault, VAULT_ROWS.lists) ?? list;
    writeJsonRow(this.#vault, VAULT_ROWS.lists, { ...now, used: now.used + 1 });
    return idx;
  }

  #startList(previous: ListsRecord | undefined): Promise<ListsRecord> {
    this.#newList ??= (async () => {
      const seq = (previous?.seq ?? 0) + 1;
      const id = `${toHex(sha256(utf8(this.did))).slice(0, 12)}-${seq}`;
      if (getStatusList(this.#host.chain.state, id) === undefined)
        await this.#submit('idn.list', { id, size: this.#options.listSize, bits: 1 });
      const record: ListsRecord = { current: id, size: this.#options.listSize, used: 0, seq };
      writeJsonRow(this.#vault, VAULT_ROWS.lists, record);
      return record;
    })().finally(() => {
      this.#newList = undefined;
    });
    return this.#newList;
  }

  /**
   * The signed Status List Token of one of this authority's lists, from committed state; re-signed
   * when the ledger moved on or the token is older than a tenth of its lifetime.
   * @throws ERR_IDENTITY_LIST_UNKNOWN
   */
  statusToken(id: string): string {
    const chain = this.#host.chain;
    const list = getStatusList(chain.state, id);
    if (list === undefined || list.issuer !== this.did)
      throw new AppError('ERR_IDENTITY_LIST_UNKNOWN', `this authority has no status list "${id}"`);
    const nowSec = Math.floor(Date.now() / 1000);
    const ttl = this.#options.statusTokenTtlSec;
    const cached = this.#tokens.get(id);
    if (
      cached !== undefined &&
      cached.height === chain.head.height &&
      nowSec - cached.iat < ttl / 10
    )
      return cached.jwt;
    const chunks = new Map<number, Uint8Array>();
    const prefix = IDN_KEYS.chunkPrefix(id);
    for (const row of chain.list(prefix, 1 << 20))
      chunks.set(
        Number(row.key.slice(prefix.length)),
        fromBase64url(JSON.parse(row.value) as string),
      );
    const encoded = assembleStatusList(list.size, list.bits, chunks).encode();
    const jwt = signStatusListToken(
      {
        sub: this.statusUri(id),
        iat: nowSec,
        exp: nowSec + ttl,
        ttl: Math.min(60, ttl),
        iss: this.did,
        status_list: encoded,
      },
      this.#signer,
    );
    this.#tokens.set(id, { height: chain.head.height, iat: nowSec, jwt });
    return jwt;
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
