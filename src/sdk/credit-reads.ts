/**
 * What anyone reads of the credit registry: records and query events with their state proofs,
 * the adopted scoring model (proven), and the module's public queries (categories, lists, an
 * organization's public record, the person-event feed).
 */
import { AppError } from '../errors.ts';
import { GOV_KEYS } from '../governance/index.ts';
import type { RealdidClient } from './client.ts';
import type {
  AdoptedModel,
  CreditCategory,
  CreditFeedEvent,
  CreditListEntry,
  CreditListRule,
  CreditQueryEvent,
  CreditRecordView,
} from './credit-types.ts';
import type { Proven } from './lawful.ts';

/** The credit module's state keys (the SDK does not import credit/). */
const recordKey = (id: string): string => `credit/record/${id}`;
const queryKey = (id: string): string => `credit/query/${id}`;
const HEX32 = /^[0-9a-f]{64}$/;
const MODEL_TOPIC = 'credit/model';

/** A query's input without its unset fields. */
function defined(o: object): Record<string, string | number> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}

/** @throws `code` for an id that is not 64 hex digits (it cannot exist) */
export function requireId(
  id: string,
  code: 'ERR_CREDIT_RECORD_NOT_FOUND' | 'ERR_CREDIT_QUERY_NOT_FOUND',
): void {
  if (!HEX32.test(id)) throw new AppError(code, `${JSON.stringify(id)} is not a 64-hex id`);
}

/** The credit registry's reads through one client (see {@link CreditClient} for the writes). */
export class CreditReads {
  readonly client: RealdidClient;

  constructor(client: RealdidClient) {
    this.client = client;
  }

  /**
   * A record with its state proof.
   * @throws ERR_CREDIT_RECORD_NOT_FOUND (proven absent), ERR_LEDGER_BAD_PROOF, the checkpoint codes
   */
  async record(id: string): Promise<Proven<CreditRecordView>> {
    requireId(id, 'ERR_CREDIT_RECORD_NOT_FOUND');
    const { value, ...evidence } = await this.client.state<CreditRecordView>(recordKey(id));
    if (value === null) throw new AppError('ERR_CREDIT_RECORD_NOT_FOUND', `no credit record ${id}`);
    if (value.id !== id)
      throw new AppError('ERR_LEDGER_BAD_PROOF', `the proven record of ${id} names ${value.id}`);
    return { value, key: recordKey(id), evidence };
  }

  /**
   * A query event with its state proof.
   * @throws ERR_CREDIT_QUERY_NOT_FOUND (proven absent), ERR_LEDGER_BAD_PROOF, the checkpoint codes
   */
  async queryEvent(id: string): Promise<Proven<CreditQueryEvent>> {
    requireId(id, 'ERR_CREDIT_QUERY_NOT_FOUND');
    const { value, ...evidence } = await this.client.state<CreditQueryEvent>(queryKey(id));
    if (value === null) throw new AppError('ERR_CREDIT_QUERY_NOT_FOUND', `no credit query ${id}`);
    if (value.id !== id)
      throw new AppError('ERR_LEDGER_BAD_PROOF', `the proven query of ${id} names ${value.id}`);
    return { value, key: queryKey(id), evidence };
  }

  /**
   * The scoring model governance adopted (document `credit/model`), with its state proof; null
   * (proven) when none was adopted.
   * @throws ERR_LEDGER_BAD_PROOF, the checkpoint codes
   */
  async model(): Promise<Proven<AdoptedModel | null>> {
    const key = GOV_KEYS.document(MODEL_TOPIC);
    const { value, ...evidence } = await this.client.state<AdoptedModel>(key);
    if (value !== null && value.topic !== MODEL_TOPIC)
      throw new AppError('ERR_LEDGER_BAD_PROOF', `the proven document of ${key} is ${value.topic}`);
    return { value, key, evidence };
  }

  /** The record categories governance adopted, with the document version. */
  categories(): Promise<{ version: number; categories: CreditCategory[] }> {
    return this.client.query('credit', 'categories');
  }

  /** An organization's public credit record: public records in force and the lists it is on. */
  publicRecord(
    uscc: string,
  ): Promise<{ uscc: string; records: CreditRecordView[]; lists: CreditListEntry[] }> {
    return this.client.query('credit', 'public', { uscc });
  }

  /** The lists governance defined. */
  lists(): Promise<{ lists: CreditListRule[] }> {
    return this.client.query('credit', 'lists');
  }

  /** One page of the organizations on a list. */
  list(
    id: string,
    o: { readonly limit?: number; readonly after?: string } = {},
  ): Promise<{ list: CreditListRule; entries: CreditListEntry[]; next: string | null }> {
    return this.client.query('credit', 'list', { id, ...defined(o) });
  }

  /**
   * One page of the person-event feed after `after` (a seq; -1 or none: from the start). Not
   * proven: a wallet proves the events it recognizes (see `CreditWallet.watch`).
   */
  events(
    o: { readonly after?: number; readonly limit?: number } = {},
  ): Promise<{ events: CreditFeedEvent[]; next: number | null }> {
    return this.client.query('credit', 'events', defined(o));
  }
}
