/**
 * The credit subject authority: on the node of an identity authority, the part of the credit
 * registry that knows who is behind person handles. From a person's uniqueness tag (which only
 * the identity authority computes, from the ID number) and its own secret it derives the person's
 * credit pseudonym P and record key A0 (PLAN-credit.md, "Person handles"); it mints record handles
 * for accredited issuers, gives the person's wallet its credit credential (P, the record seed, the
 * locator key), indexes every person event by opening the handles' locators, and serves the
 * person's own report. It never learns a name or number: the identity authority's directory
 * (`host.peer('idn').realNames`) turns an ID number into a tag, and checks signed requests.
 *
 * Vault `authority`: `secret` (32 random bytes), `locator` (the X25519 private key),
 * `person/<pseudonymId>` ({@link PersonRow}), `cursor` (the last indexed event).
 */
import {
  mintHandle,
  openLocator,
  pseudonymIdOf,
  recognizeHandle,
  subjectKeyOf,
  type CreditHandle,
  type JwsSigner,
} from '../credentials/index.ts';
import {
  decodeMultikey,
  ed25519FromSeed,
  ed25519Verify,
  fromBase64url,
  hmacSha256,
  toBase64url,
  utf8,
  x25519FromPrivate,
  type X25519KeyPair,
  type X25519PublicJwk,
} from '../crypto/index.ts';
import { controlProofBytes, type RequestSigner, type SignedRequest } from '../did/index.ts';
import { AppError, isAppError } from '../errors.ts';
import { hasRole } from '../governance/index.ts';
import type { ModuleHost, SecretStore } from '../ledger/index.ts';
import { AUTHORITY_ROWS, SubjectIndexer, type PersonRow } from './_indexer.ts';
import { readJsonRow, secretRow, writeJsonRow } from './_vault.ts';
import { buildReport, type CreditReport } from './report.ts';

export type { PersonRow } from './_indexer.ts';

/** HMAC label of a person's credit pseudonym P (followed by the uniqueness tag). */
export const PSEUDONYM_LABEL = 'realdid/credit/pseudonym/v1|';
/** HMAC label of a person's record-key seed (followed by the uniqueness tag). */
export const RECORD_KEY_LABEL = 'realdid/credit/record-key/v1|';
/** Purpose of the consent key's proof of possession (did's `controlProofBytes`). */
export const CONSENT_KEY_PURPOSE = 'credit-consent-key';
/** `typ` of the credit credential (a compact JWS). */
export const CREDIT_CREDENTIAL_TYP = 'realdid-credit+jwt';

/**
 * What the credit module uses of an identity authority on its node: a structural copy of the
 * members of identity's `RealNameDirectory` (credit may not import identity; the two are siblings).
 */
export interface RealNames {
  readonly authority: string;
  readonly signer: JwsSigner;
  /** @throws the identity module's ID-number codes for a malformed number */
  activeTagOfIdNumber(idNumber: string): string | undefined;
  activeTagOfMaster(did: string): string | undefined;
  authenticateHolder(envelope: SignedRequest<unknown>, action: string): RequestSigner;
  authenticateAny(envelope: SignedRequest<unknown>, action: string): RequestSigner;
}

const FUNCTIONS = [
  'activeTagOfIdNumber',
  'activeTagOfMaster',
  'authenticateHolder',
  'authenticateAny',
] as const;

/**
 * The identity authority's directory among a peer's services, if it offers one.
 * @throws TypeError when `realNames` is there but lacks a member credit uses (a version mismatch)
 */
export function realNamesOf(services: object | undefined): RealNames | undefined {
  const r = (services as { realNames?: unknown } | undefined)?.realNames;
  if (r === undefined) return undefined;
  const o = r as Partial<Record<string, unknown>> & { signer?: Partial<JwsSigner> };
  const missing = [
    ...(typeof o.authority === 'string' ? [] : ['authority']),
    ...(typeof o.signer?.sign === 'function' && typeof o.signer.kid === 'string' ? [] : ['signer']),
    ...FUNCTIONS.filter((f) => typeof o[f] !== 'function'),
  ];
  if (missing.length > 0)
    throw new TypeError(`host.peer('idn').realNames lacks ${missing.join(', ')}`);
  return r as RealNames;
}

/** What the wallet receives: a compact JWS whose payload is {@link CreditCredentialClaims}. */
export interface CreditCredentialClaims {
  readonly iss: string;
  /** `did:key:` of the consent key. */
  readonly sub: string;
  /** P, base64url. */
  readonly pseudonym: string;
  /** The record key's seed, base64url (the wallet signs disputes and body reads with it). */
  readonly recordSeed: string;
  readonly locatorKey: X25519PublicJwk;
  readonly iat: number;
}

const jsonSegment = (v: unknown): string =>
  Buffer.from(JSON.stringify(v), 'utf8').toString('base64url');

/** Who a person is to the authority: their P, its id, and their row. */
interface PersonRef {
  readonly pseudonym: Uint8Array;
  readonly id: string;
  readonly row: PersonRow | undefined;
}

/** The credit subject authority of this node's identity authority. */
export class CreditAuthority {
  /** The authority's DID (the identity authority's): the audience of its requests. */
  readonly did: string;
  readonly locatorKey: X25519PublicJwk;
  readonly index: SubjectIndexer;
  readonly #host: ModuleHost;
  readonly #names: RealNames;
  readonly #vault: SecretStore;
  readonly #secret: Uint8Array;
  readonly #locator: X25519KeyPair;

  constructor(host: ModuleHost, names: RealNames, vault: SecretStore) {
    this.did = names.authority;
    this.#host = host;
    this.#names = names;
    this.#vault = vault;
    this.#secret = secretRow(vault, AUTHORITY_ROWS.secret);
    this.#locator = x25519FromPrivate(secretRow(vault, AUTHORITY_ROWS.locator));
    this.locatorKey = this.#locator.publicJwk;
    this.index = new SubjectIndexer({
      chain: host.chain,
      vault,
      locator: this.#locator,
      pseudonymOf: (tag) => this.#pseudonymOf(tag),
      log: host.log,
    });
  }

  #pseudonymOf(tag: string): Uint8Array {
    return hmacSha256(this.#secret, utf8(PSEUDONYM_LABEL + tag));
  }

  #recordSeedOf(tag: string): Uint8Array {
    return hmacSha256(this.#secret, utf8(RECORD_KEY_LABEL + tag));
  }

  /** The person with this tag; with `create`, their row is made if missing. */
  #subject(tag: string, create: boolean): PersonRef {
    const pseudonym = this.#pseudonymOf(tag);
    const id = pseudonymIdOf(pseudonym);
    let row = readJsonRow<PersonRow>(this.#vault, AUTHORITY_ROWS.person(id));
    if (row === undefined && create) {
      row = { tag, records: [], queries: [], disputes: [] };
      writeJsonRow(this.#vault, AUTHORITY_ROWS.person(id), row);
    }
    return { pseudonym, id, row };
  }

  /**
   * A fresh record handle for the person with this ID number, for an accredited credit issuer
   * (or querier) whose request the identity authority checked.
   * @throws the request codes (ERR_DID_AUTH_*, ERR_IDENTITY_RATE_LIMITED), the ID-number codes,
   *   ERR_CREDIT_ISSUER_NOT_ACCREDITED, ERR_CREDIT_NOT_ENROLLED
   */
  handle(envelope: SignedRequest<{ idNumber: string }>): { handle: CreditHandle } {
    const signer = this.#names.authenticateAny(envelope, 'credit.handle');
    const state = this.#host.chain.state;
    if (!hasRole(state, 'credit-issuer', signer.did) && !hasRole(state, 'querier', signer.did))
      throw new AppError(
        'ERR_CREDIT_ISSUER_NOT_ACCREDITED',
        `${signer.did} is neither an accredited credit issuer nor a registered querier`,
      );
    const tag = this.#names.activeTagOfIdNumber(envelope.request.body.idNumber);
    if (tag === undefined)
      throw new AppError(
        'ERR_CREDIT_NOT_ENROLLED',
        'this authority has no active real-name binding for this ID number',
      );
    const { pseudonym } = this.#subject(tag, true);
    const handle = mintHandle({
      pseudonym,
      publicKey: ed25519FromSeed(this.#recordSeedOf(tag)).publicKey,
      locatorKey: this.locatorKey,
    });
    this.#host.log.info('credit handle minted', { for: signer.did });
    return { handle };
  }

  /**
   * The person's credit credential, for the wallet of the master DID that signed the request;
   * registers the wallet's consent key after checking its proof of possession.
   * @throws the request codes (ERR_DID_AUTH_*, ERR_IDENTITY_NOT_ENROLLED, …), ERR_DID_AUTH_FAILED
   *   for a bad proof, ERR_CREDIT_NOT_ENROLLED
   */
  credential(envelope: SignedRequest<{ consentKey: string; pop: string }>): {
    credential: string;
  } {
    const signer = this.#names.authenticateHolder(envelope, 'credit.credential');
    const { consentKey, pop } = envelope.request.body;
    checkConsentKeyPop(consentKey, pop, this.did, envelope.request.nonce);
    const tag = this.#activeTag(signer.did);
    const { pseudonym, id, row } = this.#subject(tag, true);
    writeJsonRow(this.#vault, AUTHORITY_ROWS.person(id), { ...row!, consentKey });
    const claims: CreditCredentialClaims = {
      iss: this.did,
      sub: `did:key:${consentKey}`,
      pseudonym: toBase64url(pseudonym),
      recordSeed: toBase64url(this.#recordSeedOf(tag)),
      locatorKey: this.locatorKey,
      iat: Math.floor(Date.now() / 1000),
    };
    const signerKey = this.#names.signer;
    const header = { alg: signerKey.alg, typ: CREDIT_CREDENTIAL_TYP, kid: signerKey.kid };
    const input = `${jsonSegment(header)}.${jsonSegment(claims)}`;
    const sig = toBase64url(signerKey.sign(Buffer.from(input, 'latin1')));
    this.#host.log.info('credit credential issued', { did: signer.did });
    return { credential: `${input}.${sig}` };
  }

  /** @throws ERR_CREDIT_NOT_ENROLLED */
  #activeTag(did: string): string {
    const tag = this.#names.activeTagOfMaster(did);
    if (tag === undefined)
      throw new AppError('ERR_CREDIT_NOT_ENROLLED', `${did} holds no active binding here`);
    return tag;
  }

  /**
   * The row of the person a handle names, if it was minted for a person of this authority (its
   * locator opens to their pseudonym and its tag is theirs); call after `index.indexed()`.
   * @throws ERR_CREDIT_UNKNOWN_SUBJECT
   */
  subjectOf(handle: CreditHandle): PersonRow {
    let p: string | undefined;
    try {
      const loc = openLocator(handle.locator, this.#locator);
      if (loc.n === handle.nonce && loc.k === handle.key) p = loc.p;
    } catch (err) {
      if (!isAppError(err, 'ERR_VC_BAD_LOCATOR')) throw err;
    }
    const row =
      p === undefined ? undefined : readJsonRow<PersonRow>(this.#vault, AUTHORITY_ROWS.person(p));
    if (row === undefined || !recognizeHandle(subjectKeyOf(this.#pseudonymOf(row.tag)), handle))
      throw new AppError(
        'ERR_CREDIT_UNKNOWN_SUBJECT',
        'this authority does not recognize the person behind the handle',
      );
    return row;
  }

  /**
   * The person's own report: every unexpired record about them (suppressed and withdrawn ones
   * too), every query about them, allowed or denied, the score, and the records they disputed.
   * @throws the request codes, ERR_CREDIT_NOT_ENROLLED
   */
  async myReport(
    envelope: SignedRequest<unknown>,
  ): Promise<CreditReport & { disputes: readonly string[] }> {
    const signer = this.#names.authenticateHolder(envelope, 'credit.my-report');
    const tag = this.#activeTag(signer.did);
    await this.index.indexed();
    const { row } = this.#subject(tag, false);
    const chain = this.#host.chain;
    const report = buildReport(
      chain.state,
      { height: chain.head.height, time: chain.head.header.time },
      'subject',
      row?.records ?? [],
      row?.queries ?? [],
    );
    return { ...report, disputes: [...new Set(row?.disputes ?? [])] };
  }

  close(): Promise<void> {
    return this.index.close();
  }
}

/**
 * The consent key's proof of possession: its signature over did's control-proof bytes for purpose
 * {@link CONSENT_KEY_PURPOSE}, this authority, the request nonce and the key itself.
 * @throws ERR_DID_AUTH_FAILED
 */
function checkConsentKeyPop(
  consentKey: string,
  pop: string,
  audience: string,
  nonce: string,
): void {
  const bytes = controlProofBytes({
    purpose: CONSENT_KEY_PURPOSE,
    audience,
    challenge: nonce,
    subject: consentKey,
  });
  let ok: boolean;
  try {
    ok = ed25519Verify(fromBase64url(pop), bytes, decodeMultikey(consentKey));
  } catch (err) {
    throw new AppError(
      'ERR_DID_AUTH_FAILED',
      `bad consent key or proof: ${(err as Error).message}`,
      {
        cause: err,
      },
    );
  }
  if (!ok)
    throw new AppError(
      'ERR_DID_AUTH_FAILED',
      "the consent key's proof of possession does not verify",
    );
}
