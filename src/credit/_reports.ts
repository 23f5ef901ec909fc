/**
 * Reports for queriers: an allowed query on the ledger gives its querier one report, built from
 * ledger state at the head. A report about an organization comes from its record index (any node
 * serves it); one about a person needs the credit authority, which alone can tell whose records
 * the query's handle names. A report is served once per query (row `served/<query>` of the vault
 * `reports`); the query itself is the trace the subject sees.
 */
import { AppError } from '../errors.ts';
import type { ModuleHost, SecretStore } from '../ledger/index.ts';
import type { SignedRequest } from '../did/index.ts';
import type { CreditRequests } from './requests.ts';
import type { CreditAuthority } from './authority.ts';
import { buildReport, type CreditReport } from './report.ts';
import type { QueryEvent } from './schema.ts';
import { CREDIT_KEYS, getQuery } from './state.ts';

const servedRow = (query: string): string => `served/${query}`;

/** Every record id an organization has (its record index), in key order. */
function orgRecordIds(host: ModuleHost, uscc: string): string[] {
  const prefix = CREDIT_KEYS.orgRecordPrefix(uscc);
  const ids: string[] = [];
  let after: string | undefined;
  for (;;) {
    const rows = host.chain.list(prefix, 500, after);
    for (const r of rows) ids.push(r.key.slice(prefix.length));
    if (rows.length < 500) return ids;
    after = rows[rows.length - 1]!.key;
  }
}

/** Serves queriers' reports, each allowed query once. */
export class CreditReports {
  readonly #host: ModuleHost;
  readonly #vault: SecretStore;
  readonly #requests: CreditRequests;
  readonly #authority: CreditAuthority | undefined;
  readonly #count: (labels?: Record<string, string>) => void;

  constructor(o: {
    host: ModuleHost;
    vault: SecretStore;
    requests: CreditRequests;
    authority: CreditAuthority | undefined;
    count: (labels?: Record<string, string>) => void;
  }) {
    this.#host = o.host;
    this.#vault = o.vault;
    this.#requests = o.requests;
    this.#authority = o.authority;
    this.#count = o.count;
  }

  /** @throws ERR_CREDIT_REPORT_SERVED */
  #checkUnserved(q: QueryEvent): void {
    if (this.#vault.has(servedRow(q.id)))
      throw new AppError('ERR_CREDIT_REPORT_SERVED', `the report of query ${q.id} was served`);
  }

  /**
   * The report an allowed query gives its querier, once.
   * @throws the request codes (ERR_DID_AUTH_*, ERR_CREDIT_RATE_LIMITED), ERR_CREDIT_QUERY_NOT_FOUND,
   *   ERR_CREDIT_QUERY_DENIED, ERR_CREDIT_REPORT_SERVED, ERR_CREDIT_NOT_AUTHORITY_NODE,
   *   ERR_CREDIT_UNKNOWN_SUBJECT
   */
  async report(envelope: SignedRequest<{ query: string }>): Promise<CreditReport> {
    const signer = this.#requests.authenticate(envelope, 'credit.report');
    const id = envelope.request.body.query;
    const q = getQuery(this.#host.chain.state, id);
    if (q === undefined) throw new AppError('ERR_CREDIT_QUERY_NOT_FOUND', `no credit query ${id}`);
    if (q.querier !== signer.did)
      throw new AppError('ERR_CREDIT_QUERY_DENIED', `query ${id} was made by another querier`);
    if (q.outcome !== 'allowed')
      throw new AppError('ERR_CREDIT_QUERY_DENIED', `query ${id} was denied (${q.reason})`, {
        details: { reason: q.reason },
      });
    this.#checkUnserved(q);
    const ids = await this.#recordsOf(q);
    const chain = this.#host.chain;
    const report = buildReport(
      chain.state,
      { height: chain.head.height, time: chain.head.header.time },
      'querier',
      ids,
    );
    // Checked again and marked in one synchronous step, once the report is built (a report that
    // fails to build is not used up): two requests for one query cannot both get a report.
    this.#checkUnserved(q);
    this.#vault.set(servedRow(q.id), Buffer.from(String(Date.now())));
    this.#count({ audience: 'querier' });
    this.#host.log.info('credit report served', { query: q.id, querier: q.querier });
    return report;
  }

  /**
   * The person's own report (through the credit authority of this node).
   * @throws ERR_CREDIT_NOT_AUTHORITY_NODE, and what {@link CreditAuthority.myReport} throws
   */
  async myReport(
    envelope: SignedRequest<unknown>,
  ): Promise<CreditReport & { disputes: readonly string[] }> {
    const report = await this.#requireAuthority().myReport(envelope);
    this.#count({ audience: 'subject' });
    return report;
  }

  /** @throws ERR_CREDIT_NOT_AUTHORITY_NODE */
  #requireAuthority(): CreditAuthority {
    if (this.#authority === undefined)
      throw new AppError(
        'ERR_CREDIT_NOT_AUTHORITY_NODE',
        "a person's report is served by the node of the credit authority that knows them",
      );
    return this.#authority;
  }

  /** The ids of the records about the query's subject. */
  async #recordsOf(q: QueryEvent): Promise<readonly string[]> {
    if (q.subject.type === 'org') return orgRecordIds(this.#host, q.subject.uscc);
    const authority = this.#requireAuthority();
    await authority.index.indexed();
    return authority.subjectOf(q.subject.handle).records;
  }
}
