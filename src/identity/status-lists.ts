/**
 * An identity authority's status lists: which list new copies go into (a new one, with a random
 * id, when the current one is half full, so random indices stay cheap to find), random index
 * allocation (never sequential, never twice), and the signed Status List Token each list's URI
 * serves (draft-ietf-oauth-status-list), built from the committed chunks.
 */
import { randomBytes } from 'node:crypto';
import {
  allocateStatusIndex,
  assembleStatusList,
  signStatusListToken,
  type JwsSigner,
  type StatusBits,
} from '../credentials/index.ts';
import { fromBase64url, toHex } from '../crypto/index.ts';
import { AppError } from '../errors.ts';
import type { ChainView, SecretStore } from '../ledger/index.ts';
import { readJsonRow, VAULT_ROWS, writeJsonRow, type ListsRecord } from './records.ts';
import { getStatusList, IDN_KEYS } from './state.ts';

/** zlib level of the list in a token: level 9 costs ten times more for a few percent less. */
const DEFLATE_LEVEL = 6;

/** A signed token of one list: the height and bits it was built from, its encoded list. */
interface CachedToken {
  readonly height: number;
  readonly fingerprint: string;
  readonly statusList: { bits: StatusBits; lst: string };
  readonly iat: number;
  readonly jwt: string;
}

export interface StatusListsOptions {
  readonly did: string;
  readonly signer: JwsSigner;
  readonly publicUrl: () => string;
  readonly listSize: number;
  readonly tokenTtlSec: number;
  /** Submits an `idn.*` transaction as the authority and waits for its commit. */
  readonly submit: (kind: string, body: object) => Promise<unknown>;
}

export class StatusLists {
  readonly #chain: ChainView;
  readonly #vault: SecretStore;
  readonly #o: StatusListsOptions;
  readonly #tokens = new Map<string, CachedToken>();
  #starting: Promise<ListsRecord> | undefined;

  constructor(chain: ChainView, vault: SecretStore, options: StatusListsOptions) {
    this.#chain = chain;
    this.#vault = vault;
    this.#o = options;
  }

  /** The status list URI of a list (where this node serves its token). */
  uri(list: string): string {
    return `${this.#o.publicUrl().replace(/\/+$/, '')}/v1/identity/status-lists/${list}`;
  }

  /** The list copies go into now, starting a new one (registered on the ledger) when it is half full. */
  async current(): Promise<ListsRecord> {
    const lists = readJsonRow<ListsRecord>(this.#vault, VAULT_ROWS.lists);
    if (lists !== undefined && lists.used < lists.size / 2) return lists;
    this.#starting ??= this.#start(lists).finally(() => {
      this.#starting = undefined;
    });
    return this.#starting;
  }

  async #start(previous: ListsRecord | undefined): Promise<ListsRecord> {
    const seq = (previous?.seq ?? 0) + 1;
    // A random id: another authority cannot register it first and leave this one unable to flip it.
    const id = `${toHex(randomBytes(8))}-${seq}`;
    await this.#o.submit('idn.list', { id, size: this.#o.listSize, bits: 1 });
    if (getStatusList(this.#chain.state, id)?.issuer !== this.#o.did)
      throw new AppError(
        'ERR_IDENTITY_AUTHORITY_UNAVAILABLE',
        `status list ${id} is not this authority's`,
      );
    const record: ListsRecord = { current: id, size: this.#o.listSize, used: 0, seq };
    writeJsonRow(this.#vault, VAULT_ROWS.lists, record);
    return record;
  }

  /** A random free index of `list`, marked taken and counted (call inside a vault transaction). */
  allocate(list: ListsRecord): number {
    const idx = allocateStatusIndex(list.size, (i) =>
      this.#vault.has(VAULT_ROWS.taken(list.current, i)),
    );
    this.#vault.set(VAULT_ROWS.taken(list.current, idx), new Uint8Array([1]));
    const now = readJsonRow<ListsRecord>(this.#vault, VAULT_ROWS.lists);
    if (now?.current === list.current)
      writeJsonRow(this.#vault, VAULT_ROWS.lists, { ...now, used: now.used + 1 });
    return idx;
  }

  /**
   * The signed Status List Token of one of this authority's lists, from committed state: signed
   * again only when the list's bits changed or the token is older than a tenth of its lifetime;
   * the chunks are not even read while no block was committed, and not re-encoded while the
   * list's bits stay the same.
   * @throws ERR_IDENTITY_LIST_UNKNOWN
   */
  token(id: string): string {
    const list = getStatusList(this.#chain.state, id);
    if (list === undefined || list.issuer !== this.#o.did)
      throw new AppError('ERR_IDENTITY_LIST_UNKNOWN', `this authority has no status list "${id}"`);
    const nowSec = Math.floor(Date.now() / 1000);
    const ttl = this.#o.tokenTtlSec;
    const height = this.#chain.head.height;
    const cached = this.#tokens.get(id);
    const fresh = cached !== undefined && nowSec - cached.iat < ttl / 10;
    if (fresh && cached.height === height) return cached.jwt; // nothing committed since
    const prefix = IDN_KEYS.chunkPrefix(id);
    const rows = this.#chain.list(prefix, 1 << 20);
    const fingerprint = rows.map((r) => `${r.key}=${r.value}`).join('\n');
    if (cached?.fingerprint === fingerprint) {
      // the list's bits did not change: keep its encoding, and the token while it is fresh
      if (fresh) return this.#remember(id, { ...cached, height }).jwt;
      return this.#sign(id, height, fingerprint, cached.statusList, nowSec);
    }
    const chunks = new Map<number, Uint8Array>();
    for (const row of rows)
      chunks.set(
        Number(row.key.slice(prefix.length)),
        fromBase64url(JSON.parse(row.value) as string),
      );
    const statusList = assembleStatusList(list.size, list.bits, chunks).encode({
      level: DEFLATE_LEVEL,
    });
    return this.#sign(id, height, fingerprint, statusList, nowSec);
  }

  #sign(
    id: string,
    height: number,
    fingerprint: string,
    statusList: CachedToken['statusList'],
    nowSec: number,
  ): string {
    const ttl = this.#o.tokenTtlSec;
    const claims = {
      sub: this.uri(id),
      iat: nowSec,
      exp: nowSec + ttl,
      ttl: Math.min(60, ttl),
      iss: this.#o.did,
      status_list: statusList,
    };
    const jwt = signStatusListToken(claims, this.#o.signer);
    return this.#remember(id, { height, fingerprint, statusList, iat: nowSec, jwt }).jwt;
  }

  #remember(id: string, token: CachedToken): CachedToken {
    this.#tokens.set(id, token);
    return token;
  }
}
