/**
 * Lawful de-anonymization through the SDK: a requester files a request (the pairwise DID stays
 * with it, the ledger gets a commitment), custodians decide, the requester obtains the identity
 * from the authority (encrypted to a key made for that one release), and a wallet finds the
 * notices about its person. Every record read comes with its state proof, checked against a
 * checkpoint the client accepts.
 */
import { sha256, toBase64url, toHex, utf8 } from '../crypto/index.ts';
import { randomBytes } from 'node:crypto';
import { AppError } from '../errors.ts';
import type { RealdidClient, Receipt } from './client.ts';
import type { RequestKey } from './identity.ts';
import type { StateEvidence } from './sites.ts';

/** The identity module's state keys (the SDK does not import identity/). */
const requestKey = (id: string): string => `idn/lawful/${id}`;
const noticeKey = (id: string): string => `idn/lawful-notice/${id}`;
const HEX32 = /^[0-9a-f]{64}$/;

/** A query's input without its unset fields. */
function defined(o: object): Record<string, string | number> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}

/** A lawful request as the ledger holds it. */
export interface LawfulRequestRecord {
  readonly id: string;
  readonly requester: string;
  readonly authority: string;
  readonly site: string;
  readonly subject: string;
  readonly nonce: string;
  readonly basis: string;
  readonly caseRef: string;
  readonly noticeDelayMs: number;
  readonly created: number;
  readonly expires: number;
  readonly noticeAt: number;
  readonly status: 'open' | 'approved' | 'refused' | 'expired' | 'released' | 'not-found';
  readonly approvals: readonly LawfulDecisionRecord[];
  readonly refusals: readonly LawfulDecisionRecord[];
  readonly approvedAt?: number;
  readonly closedAt?: number;
  readonly outcome?: {
    readonly result: 'released' | 'not-found';
    readonly releaseHash: string;
    readonly time: number;
  };
  readonly noticed?: number;
}

/** One custodian's decision. */
export interface LawfulDecisionRecord {
  readonly custodian: string;
  readonly time: number;
  readonly reason?: string;
}

/** A person's notice of a lawful request, as the ledger holds it. */
export interface LawfulNoticeRecord {
  readonly request: string;
  readonly subject: string;
  readonly nonce: string;
  readonly site: string;
  readonly authority: string;
  readonly time: number;
  readonly height: number;
}

/** A record with the state proof that the ledger holds it. */
export interface Proven<T> {
  readonly value: T;
  readonly key: string;
  readonly evidence: StateEvidence;
}

/**
 * The commitment a request holds instead of the pairwise DID: hex SHA-256 of
 * `realdid/lawful-subject/v1\n<nonce>\n<pairwise DID>`.
 */
export function lawfulSubject(nonce: string, pairwiseDid: string): string {
  return toHex(sha256(utf8(`realdid/lawful-subject/v1\n${nonce}\n${pairwiseDid}`)));
}

/**
 * The `caseRef` a request holds: hex SHA-256 of `realdid/lawful-case/v1\n<salt>\n<case reference>`.
 * Case references are short and guessable (court case numbers are public); the random salt, kept
 * by the requester, stops anyone from checking a guessed case number against the ledger, while the
 * requester can still show which case a request was for.
 */
export function lawfulCaseRef(salt: string, caseRef: string): string {
  return toHex(sha256(utf8(`realdid/lawful-case/v1\n${salt}\n${caseRef}`)));
}

/** What a requester files (the pairwise DID and the case reference stay off the ledger). */
export interface LawfulRequestInput {
  readonly authority: string;
  readonly site: string;
  readonly pairwiseDid: string;
  /** The legal basis cited: public text, no personal data. */
  readonly basis: string;
  /** The case reference; only its salted SHA-256 ({@link lawfulCaseRef}) goes to the ledger. */
  readonly caseRef: string;
  /** Delay of the person's notice (default 0: at once). */
  readonly noticeDelayMs?: number;
}

/**
 * Files a lawful request (`idn.lawful-request`), signed with a `capabilityInvocation` key of the
 * requester's DID. Keep the returned nonce with the pairwise DID: the release needs both; keep
 * `caseSalt` with the case reference: with it, {@link lawfulCaseRef} shows the case.
 * @throws ERR_IDENTITY_NOT_LAWFUL_REQUESTER, ERR_IDENTITY_LAWFUL_BAD_TARGET,
 *   ERR_IDENTITY_LAWFUL_BAD_NOTICE_DELAY, ERR_LEDGER_UNAUTHORIZED, ERR_LEDGER_SCHEMA
 */
export async function requestLawful(
  client: RealdidClient,
  signer: RequestKey,
  input: LawfulRequestInput,
): Promise<Receipt & { nonce: string; subject: string; caseRef: string; caseSalt: string }> {
  const nonce = toBase64url(randomBytes(16));
  const subject = lawfulSubject(nonce, input.pairwiseDid);
  const caseSalt = toBase64url(randomBytes(16));
  const caseRef = lawfulCaseRef(caseSalt, input.caseRef);
  const receipt = await client.signAndSubmit(signer.keyPair, signer.kid, 'idn.lawful-request', {
    authority: input.authority,
    site: input.site,
    subject,
    nonce,
    basis: input.basis,
    caseRef,
    noticeDelayMs: input.noticeDelayMs ?? 0,
  });
  return { ...receipt, nonce, subject, caseRef, caseSalt };
}

/**
 * A custodian's approval or refusal (`idn.lawful-decision`).
 * @throws ERR_IDENTITY_NOT_CUSTODIAN, ERR_IDENTITY_LAWFUL_UNKNOWN, ERR_IDENTITY_LAWFUL_CLOSED,
 *   ERR_IDENTITY_LAWFUL_ALREADY_DECIDED
 */
export function decideLawful(
  client: RealdidClient,
  signer: RequestKey,
  id: string,
  decision: 'approve' | 'refuse',
  reason?: string,
): Promise<Receipt> {
  return client.signAndSubmit(signer.keyPair, signer.kid, 'idn.lawful-decision', {
    request: id,
    decision,
    ...(reason === undefined ? {} : { reason }),
  });
}

/**
 * A lawful request with its state proof.
 * @throws ERR_IDENTITY_LAWFUL_UNKNOWN (proven absent), ERR_LEDGER_BAD_PROOF, the checkpoint codes
 */
export async function lawfulRequest(
  client: RealdidClient,
  id: string,
): Promise<Proven<LawfulRequestRecord>> {
  if (!HEX32.test(id))
    throw new AppError('ERR_IDENTITY_LAWFUL_UNKNOWN', `${id} is not a request id`);
  const { value, ...evidence } = await client.state<LawfulRequestRecord>(requestKey(id));
  if (value === null) throw new AppError('ERR_IDENTITY_LAWFUL_UNKNOWN', `no lawful request ${id}`);
  if (value.id !== id)
    throw new AppError('ERR_LEDGER_BAD_PROOF', `the proven record of ${id} names ${value.id}`);
  return { value, key: requestKey(id), evidence };
}

/** One page of lawful requests as the node lists them (not proven: read one with {@link lawfulRequest}). */
export function lawfulRequests(
  client: RealdidClient,
  o: {
    readonly status?: string;
    readonly requester?: string;
    readonly limit?: number;
    readonly after?: string;
  } = {},
): Promise<{ requests: LawfulRequestRecord[]; next: string | null }> {
  return client.query('idn', 'lawful-requests', defined(o));
}

/**
 * One page of notices written at or after `since` (block time, ms), each verified by its state
 * proof. `next` continues the scan (pass it as `after`).
 * @throws ERR_LEDGER_BAD_PROOF, the checkpoint codes
 */
export async function lawfulNotices(
  client: RealdidClient,
  o: { readonly since?: number; readonly limit?: number; readonly after?: string } = {},
): Promise<{ notices: Proven<LawfulNoticeRecord>[]; next: string | null }> {
  const page = await noticePage(client, o);
  const notices = await Promise.all(page.notices.map((n) => provenNotice(client, n.request)));
  return { notices, next: page.next };
}

function noticePage(
  client: RealdidClient,
  o: { readonly since?: number; readonly limit?: number; readonly after?: string },
): Promise<{ notices: LawfulNoticeRecord[]; next: string | null }> {
  return client.query('idn', 'lawful-notices', defined(o));
}

async function provenNotice(
  client: RealdidClient,
  id: string,
): Promise<Proven<LawfulNoticeRecord>> {
  const { value, ...evidence } = await client.state<LawfulNoticeRecord>(noticeKey(id));
  if (value === null || value.request !== id)
    throw new AppError('ERR_LEDGER_BAD_PROOF', `the node listed a notice of ${id} it cannot prove`);
  return { value, key: noticeKey(id), evidence };
}

/** A notice that concerns one of a wallet's pseudonyms, with its request, both proven. */
export interface NoticeMatch {
  readonly pairwiseDid: string;
  readonly notice: Proven<LawfulNoticeRecord>;
  readonly request: Proven<LawfulRequestRecord>;
}

/**
 * The notices about a wallet's pseudonyms: scans every notice written since `since` (all pages),
 * recomputes each one's subject for every pairwise DID locally (nothing about the wallet is sent),
 * and proves the matches and their requests. A node can hide a notice from this scan only by
 * hiding it from every reader; the notice itself is ledger state no one can remove.
 * @throws ERR_LEDGER_BAD_PROOF, the checkpoint codes
 */
export async function noticesFor(
  client: RealdidClient,
  pairwiseDids: readonly string[],
  o: { readonly since?: number } = {},
): Promise<NoticeMatch[]> {
  const matches: NoticeMatch[] = [];
  let after: string | undefined;
  for (;;) {
    const page = await noticePage(client, {
      limit: 500,
      ...(o.since === undefined ? {} : { since: o.since }),
      ...(after === undefined ? {} : { after }),
    });
    for (const n of page.notices) {
      const pairwiseDid = pairwiseDids.find((p) => lawfulSubject(n.nonce, p) === n.subject);
      if (pairwiseDid === undefined) continue;
      const notice = await provenNotice(client, n.request);
      if (notice.value.subject !== n.subject) continue; // listed one thing, proved another
      matches.push({ pairwiseDid, notice, request: await lawfulRequest(client, n.request) });
    }
    if (page.next === null) return matches;
    after = page.next;
  }
}
