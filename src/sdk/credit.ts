/**
 * The credit registry through the SDK (PLAN-credit.md): issuers write records (a transaction and,
 * for issue and amend, the record body the node keeps encrypted), amend, withdraw, restore and
 * answer disputes; queriers query (a ledger event) and read reports; subjects dispute; anyone
 * reads the public record of an organization. Transactions are signed here with `signTx`;
 * off-ledger calls are DID-signed requests (did's `signRequest`). Records and query events read
 * one by one come with their state proofs, checked against a checkpoint the client accepts.
 */
import type { ConsentToken, CreditHandle } from '../credentials/index.ts';
import type { Ed25519KeyPair, JsonValue } from '../crypto/index.ts';
import { signRequest } from '../did/index.ts';
import { AppError, isAppError } from '../errors.ts';
import { signTx, type SignedTxJson } from '../ledger/index.ts';
import type { RealdidClient, Receipt } from './client.ts';
import { bodyCommitment, CREDIT_AUDIENCE, proveBodyRead } from './credit-bodies.ts';
import { CreditReads, requireId } from './credit-reads.ts';
import type {
  AmendChanges,
  CreditAuthorityInfo,
  CreditQueryEvent,
  CreditReport,
  CreditSubject,
  IssueInput,
  ReadBody,
  RecordBody,
  StoredRecord,
} from './credit-types.ts';
import { consentKeyPop } from './credit-keys.ts';
import type { RequestKey } from './identity.ts';
import type { Proven } from './lawful.ts';
import { statementDigest } from './credit-bodies.ts';

export {
  BODY_READ_LABEL,
  bodyCommitment,
  bodyReadBytes,
  CREDIT_AUDIENCE,
  newBodySalt,
  proveBodyRead,
  recordBody,
  statementDigest,
} from './credit-bodies.ts';
export type { BodyReadProof } from './credit-bodies.ts';

/** A signer of transactions: a DID URL (`kid`) and its key pair (a did:rdid or a did:key). */
export type TxSigner = RequestKey;

/** The credit registry's API: transactions, signed requests and (from {@link CreditReads}) reads. */
export class CreditClient extends CreditReads {
  #authority: Promise<CreditAuthorityInfo> | undefined;

  constructor(client: RealdidClient) {
    super(client);
  }

  /**
   * The credit authority the node serves (its DID is the audience of handle, credential and
   * my-report requests; its locator key seals handles). Fetched once.
   * @throws ERR_CREDIT_NOT_AUTHORITY_NODE when the node serves none (an older node without the
   *   route answers ERR_API_NOT_FOUND, mapped to the same code)
   */
  authority(): Promise<CreditAuthorityInfo> {
    this.#authority ??= this.client
      .request<CreditAuthorityInfo>('GET', '/v1/credit/authority')
      .catch((err: unknown) => {
        this.#authority = undefined;
        if (!isAppError(err, 'ERR_API_NOT_FOUND')) throw err;
        throw new AppError(
          'ERR_CREDIT_NOT_AUTHORITY_NODE',
          `${this.client.url} serves no credit authority (its node serves no identity authority)`,
          { cause: err },
        );
      });
    return this.#authority;
  }

  /** Signs a transaction with the signer's next nonce and the current time. */
  async signTx(signer: TxSigner, kind: string, body: SignedTxJson['body']): Promise<SignedTxJson> {
    const did = signer.kid.slice(0, signer.kid.indexOf('#'));
    const nonce = await this.client.nextNonce(did);
    return signTx({ kind, body, signer: signer.kid, nonce, created: Date.now() }, signer.keyPair);
  }

  #submit(signer: TxSigner, kind: string, body: object): Promise<Receipt> {
    return this.client.signAndSubmit(
      signer.keyPair,
      signer.kid,
      kind,
      body as SignedTxJson['body'],
    );
  }

  /** Posts a transaction with the body it commits to (`POST /v1/credit/records`). */
  async #withBody(tx: SignedTxJson, body: RecordBody): Promise<StoredRecord> {
    return this.client.request<StoredRecord>('POST', '/v1/credit/records', { tx, body });
  }

  /**
   * Issues a record (`credit.issue`): the commitment is the body's ({@link bodyCommitment}); the
   * node stores the body encrypted and submits the transaction. The record id is the tx id.
   * @throws ERR_CREDIT_ISSUER_NOT_ACCREDITED, ERR_CREDIT_UNKNOWN_CATEGORY, ERR_CREDIT_SEVERITY,
   *   ERR_CREDIT_BAD_DATES, ERR_CREDIT_HANDLE_USED, ERR_CREDIT_BAD_HANDLE,
   *   ERR_CREDIT_BODY_MISMATCH, ERR_LEDGER_SCHEMA
   */
  async issue(signer: TxSigner, input: IssueInput, body: RecordBody): Promise<StoredRecord> {
    const tx = await this.signTx(signer, 'credit.issue', {
      ...(input as unknown as Record<string, JsonValue>),
      commitment: bodyCommitment(body),
    });
    return this.#withBody(tx, body);
  }

  /**
   * Amends a record (`credit.amend`); with a new body, its commitment goes in the changes and the
   * node stores the body.
   * @throws ERR_CREDIT_RECORD_NOT_FOUND, ERR_CREDIT_NOT_ISSUER, ERR_CREDIT_RECORD_CLOSED, the issue codes
   */
  async amend(
    signer: TxSigner,
    record: string,
    changes: AmendChanges,
    note: string,
    body?: RecordBody,
  ): Promise<StoredRecord | (Receipt & { record: string })> {
    const all = body === undefined ? changes : { ...changes, commitment: bodyCommitment(body) };
    const txBody = { record, changes: all, note } as unknown as SignedTxJson['body'];
    if (body === undefined)
      return { ...(await this.#submit(signer, 'credit.amend', txBody)), record };
    return this.#withBody(await this.signTx(signer, 'credit.amend', txBody), body);
  }

  /** Withdraws a record (`credit.withdraw`). @throws ERR_CREDIT_NOT_ISSUER, ERR_CREDIT_RECORD_CLOSED */
  withdraw(signer: TxSigner, record: string, reason: string): Promise<Receipt> {
    return this.#submit(signer, 'credit.withdraw', { record, reason });
  }

  /**
   * Restores credit (`credit.restore`): the subject fulfilled what the record was about.
   * @throws ERR_CREDIT_NOT_ISSUER, ERR_CREDIT_RECORD_CLOSED, ERR_CREDIT_BAD_DATES
   */
  restore(
    signer: TxSigner,
    input: { record: string; fulfilled: string; evidence: string; note: string },
  ): Promise<Receipt> {
    return this.#submit(signer, 'credit.restore', input);
  }

  /**
   * The issuer's answer to an open dispute (`credit.respond`), before its deadline.
   * @throws ERR_CREDIT_NO_DISPUTE, ERR_CREDIT_DEADLINE_PASSED, ERR_CREDIT_NOT_ISSUER
   */
  respond(
    signer: TxSigner,
    input: {
      record: string;
      decision: 'uphold' | 'amend' | 'withdraw';
      note: string;
      changes?: AmendChanges;
    },
  ): Promise<Receipt> {
    return this.#submit(signer, 'credit.respond', input);
  }

  /**
   * Disputes a record: the statement (≤ 500 characters) goes to the node holding the record's
   * body (the issuer's), which keeps it encrypted with the body; the `credit.dispute` names its
   * digest ({@link statementDigest}). A person signs with the record's handle key (see
   * `CreditWallet.recordSigner`), an organization with the DID bound to its code.
   * @throws ERR_CREDIT_NOT_SUBJECT, ERR_CREDIT_DISPUTE_OPEN, ERR_CREDIT_RECORD_CLOSED,
   *   ERR_CREDIT_BODY_UNKNOWN (not the issuer's node)
   */
  async dispute(signer: TxSigner, record: string, statement: string): Promise<StoredRecord> {
    if (statement.length === 0 || statement.length > 500)
      throw new TypeError(`"statement" expected 1..500 characters, got ${statement.length}`);
    const tx = await this.signTx(signer, 'credit.dispute', {
      record,
      statement: statementDigest(statement),
    });
    return this.client.request<StoredRecord>('POST', '/v1/credit/disputes', { tx, statement });
  }

  /** Binds an organization's code to the DID that speaks for it (`credit.bind-org`, an identity authority). */
  bindOrg(signer: TxSigner, uscc: string, did: string): Promise<Receipt> {
    return this.#submit(signer, 'credit.bind-org', { uscc, did });
  }

  /**
   * Queries a subject (`credit.query`, a registered querier): a person only with their consent
   * token (whose handle is the subject), an organization by its code. Every query is logged,
   * allowed or denied; the answer is the proven event.
   * @throws ERR_CREDIT_QUERIER_NOT_REGISTERED, ERR_CREDIT_INVALID_USCC, ERR_LEDGER_SCHEMA
   */
  async query(
    signer: TxSigner,
    subject: CreditSubject,
    purpose: string,
    consent?: ConsentToken,
  ): Promise<Receipt & { event: Proven<CreditQueryEvent> }> {
    const receipt = await this.#submit(signer, 'credit.query', {
      subject,
      purpose,
      ...(consent === undefined ? {} : { consent }),
    });
    return { ...receipt, event: await this.queryEvent(receipt.id) };
  }

  /** A query with the person's consent: the subject is the token's handle. */
  queryWithConsent(
    signer: TxSigner,
    consent: ConsentToken,
  ): Promise<Receipt & { event: Proven<CreditQueryEvent> }> {
    return this.query(signer, { type: 'person', handle: consent.handle }, consent.purpose, consent);
  }

  async #signed<T>(
    path: string,
    action: string,
    audience: string,
    body: JsonValue,
    key: RequestKey,
    nonce?: string,
  ): Promise<T> {
    const envelope = signRequest(action, audience, body, key, nonce === undefined ? {} : { nonce });
    return this.client.request<T>('POST', path, envelope);
  }

  /**
   * A fresh record handle of the person with this ID number, from the credit authority (for an
   * accredited credit issuer or a registered querier, signing with an authentication key).
   * @throws ERR_CREDIT_NOT_ENROLLED, ERR_CREDIT_ISSUER_NOT_ACCREDITED, ERR_DID_AUTH_*,
   *   the ID-number codes (ERR_IDENTITY_*), ERR_CREDIT_NOT_AUTHORITY_NODE
   */
  async handle(key: RequestKey, idNumber: string): Promise<CreditHandle> {
    const { did } = await this.authority();
    const out = await this.#signed<{ handle: CreditHandle }>(
      '/v1/credit/handles',
      'credit.handle',
      did,
      { idNumber },
      key,
    );
    return out.handle;
  }

  /**
   * Obtains the person's credit credential (a compact JWS, see `CreditWallet`), signed by their
   * master DID; registers the wallet's consent key with its proof of possession over the nonce.
   * @throws ERR_CREDIT_NOT_ENROLLED, ERR_IDENTITY_NOT_ENROLLED, ERR_DID_AUTH_*
   */
  async credential(master: RequestKey, consentKey: Ed25519KeyPair): Promise<string> {
    const { did } = await this.authority();
    const { nonce, body } = consentKeyPop(did, consentKey);
    const out = await this.#signed<{ credential: string }>(
      '/v1/credit/credential',
      'credit.credential',
      did,
      body,
      master,
      nonce,
    );
    return out.credential;
  }

  /**
   * The report an allowed query entitles its querier to, served once (person reports by the
   * authority's node).
   * @throws ERR_CREDIT_QUERY_DENIED, ERR_CREDIT_REPORT_SERVED, ERR_CREDIT_QUERY_NOT_FOUND, ERR_DID_AUTH_*
   */
  report(key: RequestKey, query: string): Promise<CreditReport> {
    return this.#signed('/v1/credit/reports', 'credit.report', CREDIT_AUDIENCE, { query }, key);
  }

  /**
   * The person's own report (every unexpired record, every query, the disputes), signed by their
   * master DID.
   * @throws ERR_CREDIT_NOT_ENROLLED, ERR_IDENTITY_NOT_ENROLLED, ERR_DID_AUTH_*
   */
  async myReport(master: RequestKey): Promise<CreditReport & { disputes: readonly string[] }> {
    const { did } = await this.authority();
    return this.#signed('/v1/credit/my-report', 'credit.my-report', did, {}, master);
  }

  /**
   * A record's body from the node holding it: for the issuer or an organization's bound DID (a
   * signed request), or for the person (a proof by the record's handle key, see {@link proveBodyRead}).
   * @throws ERR_CREDIT_BODY_GONE, ERR_CREDIT_BODY_UNKNOWN, ERR_CREDIT_NOT_SUBJECT, ERR_DID_AUTH_*
   */
  body(
    record: string,
    reader: { readonly request: RequestKey } | { readonly handleKey: Pick<Ed25519KeyPair, 'sign'> },
  ): Promise<ReadBody> {
    requireId(record, 'ERR_CREDIT_RECORD_NOT_FOUND');
    const path = `/v1/credit/records/${record}/body`;
    if ('request' in reader)
      return this.#signed(path, 'credit.body', CREDIT_AUDIENCE, { record }, reader.request);
    return this.client.request('POST', path, proveBodyRead(record, reader.handleKey));
  }
}
