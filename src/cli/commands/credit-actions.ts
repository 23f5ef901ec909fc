/**
 * The person's credit actions, given an unlocked wallet and a client of the node: what the
 * `realdid credit credential|watch|consent|dispute|report` commands do and what the wallet
 * server's credit routes (src/cli/wallet-server/credit-routes.ts) do, written once. The commands
 * add the option parsing, the progress bar and the words; the routes add the JSON Schemas.
 */
import { AppError, type ErrorCode } from '../../errors.ts';
import {
  CreditClient,
  creditConsentKey,
  CreditWallet,
  statementDigest,
  type ConsentToken,
  type CreditDispute,
  type CreditHandle,
  type CreditReport,
  type RealdidClient,
  type WatchResult,
} from '../../sdk/index.ts';
import type { UnlockedWallet } from '../wallet-file.ts';
import {
  creditStorePath,
  keepLook,
  readCreditStore,
  updateCreditStore,
  type CreditStore,
} from './credit-store.ts';
import { masterKey } from './wallet-credentials.ts';

/** The longest dispute statement (characters, as the node counts them). */
export const MAX_STATEMENT_LENGTH = 500;

/** The wallet's credit side: the unlocked wallet, a client, its store and credit wallet. */
export interface OpenedCredit {
  readonly w: UnlockedWallet;
  readonly client: RealdidClient;
  readonly credit: CreditClient;
  readonly store: CreditStore;
  readonly wallet: CreditWallet;
}

/**
 * Opens the wallet's stored credit credential (verified through the ledger).
 * @throws ERR_CREDIT_NO_CREDENTIAL when the wallet has none yet, the codes of CreditWallet.open
 */
export async function openCreditOf(
  w: UnlockedWallet,
  client: RealdidClient,
): Promise<OpenedCredit> {
  const store = readCreditStore(w.path, w.seed);
  if (store.credential === undefined)
    throw new AppError(
      'ERR_CREDIT_NO_CREDENTIAL',
      `${w.path} holds no credit credential yet: run \`realdid credit credential\` first`,
    );
  const wallet = await CreditWallet.open(client, store.credential, w.seed);
  return { w, client, credit: new CreditClient(client), store, wallet };
}

/** A look through the feed, and the store after it was kept. */
export type Look = WatchResult & { readonly store: CreditStore };

/**
 * Scans the feed after the store's cursor (nothing about the person is sent), proves each event
 * of the person's, and keeps the new ones with their proofs in the store.
 * @throws ERR_LEDGER_BAD_PROOF, the checkpoint codes, ERR_WALLET_CORRUPT
 */
export async function lookFeed(
  c: OpenedCredit,
  onProgress?: (done: number, total: number) => void,
): Promise<Look> {
  const result = await c.wallet.watch(
    c.client,
    c.store.cursor,
    onProgress === undefined ? {} : { onProgress },
  );
  return { ...result, store: keepLook(c.w.path, c.w.seed, result) };
}

/**
 * The handle of one of the person's records, from the store, else after `lookAgain`.
 * @throws ERR_CREDIT_NOT_SUBJECT when the record is not among the person's events
 */
export async function findRecordHandle(
  c: OpenedCredit,
  record: string,
  lookAgain: () => Promise<Look>,
): Promise<CreditHandle> {
  const find = (s: CreditStore) =>
    s.events.find((e) => e.event.kind === 'record' && e.event.ref === record)?.handle;
  const handle = find(c.store) ?? find((await lookAgain()).store);
  if (handle === undefined)
    throw new AppError(
      'ERR_CREDIT_NOT_SUBJECT',
      `record ${record} is not one of yours (not among your events in the credit feed)`,
    );
  return handle;
}

/** A credit credential obtained and kept. */
export interface ObtainedCredential {
  readonly authority: string;
  /** The wallet's consent key, registered with the authority (`did:key:…`). */
  readonly consentKey: string;
  /** Wall-clock ms. */
  readonly obtained: number;
  /** The sealed store it is kept in. */
  readonly store: string;
}

/**
 * Obtains the credit credential from the authority (signed by the master DID, registering the
 * wallet's consent key) and keeps it sealed next to the wallet; another authority starts the
 * store over.
 * @throws ERR_WALLET_NO_DID, ERR_CREDIT_NOT_ENROLLED, ERR_IDENTITY_NOT_ENROLLED, ERR_DID_AUTH_*
 */
export async function obtainCredential(
  w: UnlockedWallet,
  client: RealdidClient,
): Promise<ObtainedCredential> {
  const consent = creditConsentKey(w.seed);
  const jws = await new CreditClient(client).credential(masterKey(w), consent.keyPair);
  const wallet = await CreditWallet.open(client, jws, w.seed);
  const obtained = Date.now();
  updateCreditStore(w.path, w.seed, (s) =>
    s.authority === wallet.authority
      ? { ...s, credential: jws, obtained }
      : {
          cursor: -1,
          events: [],
          statements: [],
          credential: jws,
          authority: wallet.authority,
          obtained,
        },
  );
  return {
    authority: wallet.authority,
    consentKey: `did:key:${consent.multikey}`,
    obtained,
    store: creditStorePath(w.path),
  };
}

/**
 * A consent for one query by `querier` for `purpose`, valid `expiresInMs` from now.
 * @throws ERR_CLI_USAGE for a malformed querier, purpose or expiry
 */
export function giveConsent(
  c: OpenedCredit,
  o: { readonly querier: string; readonly purpose: string; readonly expiresInMs: number },
): ConsentToken {
  try {
    return c.wallet.makeConsent(o);
  } catch (err) {
    if (err instanceof TypeError) throw new AppError('ERR_CLI_USAGE', err.message, { cause: err });
    throw err;
  }
}

/**
 * A dispute statement, trimmed: 1..{@link MAX_STATEMENT_LENGTH} characters (UTF-16 code units,
 * as the node counts them).
 * @param name how the message names it (`--statement`, `body/statement`)
 * @throws `code` (ERR_CLI_USAGE by default) otherwise
 */
export function disputeStatement(
  text: string,
  name = '--statement',
  code: ErrorCode = 'ERR_CLI_USAGE',
): string {
  const statement = text.trim();
  if (statement === '' || statement.length > MAX_STATEMENT_LENGTH)
    throw new AppError(
      code,
      `${name} must be 1..${MAX_STATEMENT_LENGTH} characters, got ${statement.length}`,
    );
  return statement;
}

/** A dispute filed: its transaction, the statement's digest and the dispute with its deadline. */
export interface FiledDispute {
  readonly id: string;
  readonly height: number;
  readonly record: string;
  readonly digest: string;
  readonly dispute: CreditDispute | undefined;
}

/**
 * Disputes one of the person's records, signed with its handle key: the statement goes to the
 * issuer's node, the ledger gets its SHA-256, the wallet keeps the text.
 * @throws ERR_CREDIT_NOT_SUBJECT, ERR_CREDIT_DISPUTE_OPEN, ERR_CREDIT_ALREADY_DISPUTED,
 *   ERR_CREDIT_RECORD_CLOSED, ERR_CREDIT_BODY_UNKNOWN
 */
export async function fileDispute(
  c: OpenedCredit,
  record: string,
  statement: string,
  handle: CreditHandle,
): Promise<FiledDispute> {
  const digest = statementDigest(statement);
  const receipt = await c.credit.dispute(c.wallet.recordSigner(handle), record, statement);
  updateCreditStore(c.w.path, c.w.seed, (s) => ({
    ...s,
    statements: [...s.statements, { record, statement, digest, tx: receipt.id, time: Date.now() }],
  }));
  const { value } = await c.credit.record(record);
  return { ...receipt, record, digest, dispute: value.dispute };
}

/**
 * The person's own report (every unexpired record, every query, the disputes), signed by the
 * wallet's master DID.
 * @throws ERR_WALLET_NO_DID, ERR_CREDIT_NOT_ENROLLED, ERR_IDENTITY_NOT_ENROLLED, ERR_DID_AUTH_*
 */
export function ownReportOf(
  w: UnlockedWallet,
  client: RealdidClient,
): Promise<CreditReport & { disputes: readonly string[] }> {
  return new CreditClient(client).myReport(masterKey(w));
}
