/**
 * Record bodies, kept encrypted off the ledger at the node the issuer sends them to (its vault
 * `bodies`): the ledger holds the commitment, hex SHA-256 of the body's JCS (RFC 8785). Each
 * record has its own data key (DEK, AES-256-GCM); when the record expires on the ledger, the key
 * and every sealed body of the record are shredded (crypto-shredding: erasure at expiry), so the
 * body is gone even where a stale copy of a sealed row survives.
 *
 * Vault rows: `dek/<record>` (32 bytes), `body/<record>/<commitment>` (nonce ‖ ciphertext ‖ tag),
 * `versions/<record>` (the commitments stored, JSON), so that shredding finds every body row.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { Type, type Static } from '@sinclair/typebox';
import { canonicalBytes, fromBase64url, sha256, toHex } from '../crypto/index.ts';
import { AppError } from '../errors.ts';
import {
  decodeTx,
  type ChainView,
  type ModuleHost,
  type ReadModel,
  type SecretStore,
  type Tx,
} from '../ledger/index.ts';
import { KeyedLock } from './_guards.ts';
import { readJsonRow, writeJsonRow } from './_vault.ts';
import type { CreditRecord } from './schema.ts';
import { CREDIT_KEYS, getRecord } from './state.ts';

/** Largest JCS of a record body, in bytes. */
export const MAX_BODY_BYTES = 8 * 1024;
/** Fewest random bytes in a body's salt (so that its commitment hides it). */
export const MIN_SALT_BYTES = 16;

/** A record body: a salt and the issuer's details (what the record says, off the ledger). */
export const RecordBody = Type.Object(
  {
    salt: Type.String({
      pattern: '^[A-Za-z0-9_-]{22,172}$',
      description: 'at least 16 random bytes, base64url',
    }),
    details: Type.Record(
      Type.String({ pattern: '^[A-Za-z][A-Za-z0-9_.-]{0,63}$' }),
      Type.Union([Type.String({ maxLength: 4096 }), Type.Number(), Type.Boolean()]),
      { maxProperties: 32, additionalProperties: false },
    ),
  },
  { additionalProperties: false, description: 'a record body (at most 8 KiB as JCS)' },
);
export type RecordBody = Static<typeof RecordBody>;

/** The commitment to a body: lower-case hex SHA-256 of its JCS. */
export function bodyCommitment(body: RecordBody): string {
  return toHex(sha256(canonicalBytes(body)));
}

/** What storing a body answers: the transaction committed with it. */
export interface StoredBody {
  readonly id: string;
  readonly height: number;
  /** The record the body belongs to (the transaction's id for an issue). */
  readonly record: string;
}

/** A decrypted body, with the record version whose commitment it matches. */
export interface ReadBody {
  readonly record: string;
  readonly version: number;
  readonly body: RecordBody;
  /** The statements of the record's disputes sent to this node, oldest first. */
  readonly statements: readonly StoredStatement[];
}

const ROWS = {
  dek: (record: string) => `dek/${record}`,
  body: (record: string, commitment: string) => `body/${record}/${commitment}`,
  versions: (record: string) => `versions/${record}`,
  /** A dispute statement (sealed under the record's DEK, so it is shredded with the body). */
  statement: (record: string, digest: string) => `statement/${record}/${digest}`,
  statements: (record: string) => `statements/${record}`,
} as const;

/** At most this many characters in a dispute statement. */
export const MAX_STATEMENT_LENGTH = 500;

/** A dispute statement as the issuer reads it. */
export interface StoredStatement {
  /** SHA-256 (hex) of its UTF-8 bytes: what the dispute on the ledger names. */
  readonly digest: string;
  readonly text: string;
}

const aad = (record: string, commitment: string): Buffer =>
  Buffer.from(`realdid/credit/body/v1|${record}|${commitment}`, 'utf8');

const HEX64 = /^[0-9a-f]{64}$/;
const schemaError = (message: string): AppError => new AppError('ERR_LEDGER_SCHEMA', message);

/**
 * The record a `credit.issue` or `credit.amend` is about, and the commitment it puts on the ledger.
 * @throws ERR_LEDGER_SCHEMA when the kind is another or the commitment is missing
 */
export function commitmentOfTx(tx: Tx): { record: string; commitment: string } {
  const body = tx.payload.body as { commitment?: unknown; record?: unknown; changes?: unknown };
  let record: unknown = tx.id;
  let commitment: unknown = body.commitment;
  if (tx.payload.kind === 'credit.amend') {
    record = body.record;
    commitment = (body.changes as { commitment?: unknown } | null | undefined)?.commitment;
  } else if (tx.payload.kind !== 'credit.issue')
    throw schemaError(`a body goes with credit.issue or credit.amend, not ${tx.payload.kind}`);
  if (typeof record !== 'string' || !HEX64.test(record))
    throw schemaError('"body.record" must be a record id');
  if (typeof commitment !== 'string' || !HEX64.test(commitment))
    throw schemaError(
      tx.payload.kind === 'credit.amend'
        ? 'an amendment sent with a body must carry "changes.commitment"'
        : '"body.commitment" must be hex SHA-256',
    );
  return { record, commitment };
}

/**
 * Checks a body against a commitment: salt of at least 16 bytes, at most 8 KiB, and
 * `commitment` = {@link bodyCommitment}.
 * @throws ERR_LEDGER_SCHEMA, ERR_CREDIT_BODY_MISMATCH
 */
export function checkBody(body: RecordBody, commitment: string): Uint8Array {
  if (fromBase64url(body.salt).length < MIN_SALT_BYTES)
    throw schemaError(`"salt" must hold at least ${MIN_SALT_BYTES} bytes`);
  const bytes = canonicalBytes(body);
  if (bytes.length > MAX_BODY_BYTES)
    throw schemaError(`the body is ${bytes.length} bytes as JCS, limit ${MAX_BODY_BYTES}`);
  if (toHex(sha256(bytes)) !== commitment)
    throw new AppError(
      'ERR_CREDIT_BODY_MISMATCH',
      `the body's SHA-256 is not the commitment ${commitment} the transaction carries`,
    );
  return bytes;
}

function seal(dek: Uint8Array, record: string, commitment: string, plain: Uint8Array): Buffer {
  const nonce = randomBytes(12);
  const c = createCipheriv('aes-256-gcm', dek, nonce);
  c.setAAD(aad(record, commitment));
  const body = Buffer.concat([c.update(plain), c.final()]);
  return Buffer.concat([nonce, body, c.getAuthTag()]);
}

function open(dek: Uint8Array, record: string, commitment: string, sealed: Uint8Array): Buffer {
  const d = createDecipheriv('aes-256-gcm', dek, sealed.subarray(0, 12));
  d.setAAD(aad(record, commitment));
  d.setAuthTag(sealed.subarray(sealed.length - 16));
  return Buffer.concat([d.update(sealed.subarray(12, sealed.length - 16)), d.final()]);
}

/** The rows of one record before a store, to put back if its transaction is refused. */
type Snapshot = Map<string, Uint8Array | undefined>;

/** A node's record bodies: store with the transaction, read, shred at expiry. */
export class BodyStore {
  readonly #vault: SecretStore;
  readonly #chain: ChainView;
  readonly #submit: ModuleHost['submit'];
  readonly #stored: (labels?: Record<string, string>) => void;
  readonly #shredded: (labels?: Record<string, string>) => void;
  readonly #records = new KeyedLock();

  constructor(host: ModuleHost, vault: SecretStore) {
    this.#vault = vault;
    this.#chain = host.chain;
    this.#submit = (inputs) => host.submit(inputs);
    this.#stored = host.metrics.counter('bodies_stored_total', 'Record bodies stored.');
    this.#shredded = host.metrics.counter(
      'bodies_shredded_total',
      'Records whose bodies were shredded at expiry.',
    );
  }

  /**
   * Stores a body with the transaction that commits to it, then submits the transaction; if the
   * ledger refuses it, what was stored is undone and the transaction's error thrown.
   * @throws ERR_LEDGER_MALFORMED_TX, ERR_LEDGER_SCHEMA, ERR_CREDIT_BODY_MISMATCH,
   *   ERR_CREDIT_BODY_GONE, and any code the ledger refuses the transaction with
   */
  async store(input: { tx: unknown; body: RecordBody }): Promise<StoredBody> {
    const tx = decodeTx(input.tx);
    const { record, commitment } = commitmentOfTx(tx);
    const plain = checkBody(input.body, commitment);
    return this.#records.run(record, async () => {
      if (getRecord(this.#chain.state, record)?.expired === true)
        throw new AppError('ERR_CREDIT_BODY_GONE', `record ${record} has expired`);
      const before = this.#put(record, commitment, plain);
      let out;
      try {
        [out] = await this.#submit([input.tx]);
      } catch (err) {
        this.#undo(record, before);
        throw err;
      }
      if (out === undefined || !out.ok) {
        this.#undo(record, before);
        throw out?.error ?? new AppError('ERR_LEDGER_STOPPED', 'the transaction had no outcome');
      }
      this.#stored();
      return { id: tx.id, height: out.height, record };
    });
  }

  /**
   * Stores a dispute's statement with the `credit.dispute` that names its digest, then submits
   * the transaction (undone if refused). Statements go to the node that holds the record's body
   * (the issuer's), sealed under the record's key: they are shredded with it at expiry.
   * @throws ERR_LEDGER_MALFORMED_TX, ERR_LEDGER_SCHEMA, ERR_CREDIT_BODY_MISMATCH,
   *   ERR_CREDIT_BODY_GONE, ERR_CREDIT_BODY_UNKNOWN, and any code the ledger refuses it with
   */
  async storeStatement(input: { tx: unknown; statement: string }): Promise<StoredBody> {
    const tx = decodeTx(input.tx);
    const body = tx.payload.body as { record?: unknown; statement?: unknown };
    if (tx.payload.kind !== 'credit.dispute')
      throw schemaError(`a statement goes with credit.dispute, not ${tx.payload.kind}`);
    const { record, statement: digest } = body;
    if (typeof record !== 'string' || !HEX64.test(record) || typeof digest !== 'string')
      throw schemaError('"body.record" must be a record id and "body.statement" a digest');
    const plain = Buffer.from(input.statement, 'utf8');
    if (toHex(sha256(plain)) !== digest)
      throw new AppError(
        'ERR_CREDIT_BODY_MISMATCH',
        "the statement's SHA-256 is not the digest the dispute names",
      );
    return this.#records.run(record, async () => {
      if (getRecord(this.#chain.state, record)?.expired === true)
        throw new AppError('ERR_CREDIT_BODY_GONE', `record ${record} has expired`);
      const v = this.#vault;
      const dek = v.get(ROWS.dek(record));
      if (dek === undefined)
        throw new AppError(
          'ERR_CREDIT_BODY_UNKNOWN',
          `this node holds no body of record ${record}: send the dispute to the issuer's node`,
        );
      const rows = [ROWS.statement(record, digest), ROWS.statements(record)];
      const before: Snapshot = new Map(rows.map((r) => [r, v.get(r)]));
      v.transaction(() => {
        v.set(ROWS.statement(record, digest), seal(dek, record, `statement:${digest}`, plain));
        const list = this.#statementDigests(record);
        if (!list.includes(digest)) writeJsonRow(v, ROWS.statements(record), [...list, digest]);
      });
      dek.fill(0);
      let out;
      try {
        [out] = await this.#submit([input.tx]);
      } catch (err) {
        this.#undo(record, before);
        throw err;
      }
      if (out === undefined || !out.ok) {
        this.#undo(record, before);
        throw out?.error ?? new AppError('ERR_LEDGER_STOPPED', 'the transaction had no outcome');
      }
      return { id: tx.id, height: out.height, record };
    });
  }

  #statementDigests(record: string): string[] {
    return readJsonRow<string[]>(this.#vault, ROWS.statements(record)) ?? [];
  }

  /** The statements held for a record, oldest first. */
  #statements(record: string, dek: Uint8Array): StoredStatement[] {
    return this.#statementDigests(record).flatMap((digest) => {
      const sealed = this.#vault.get(ROWS.statement(record, digest));
      if (sealed === undefined) return [];
      return [{ digest, text: open(dek, record, `statement:${digest}`, sealed).toString('utf8') }];
    });
  }

  /** Seals the body under the record's DEK (made if absent); returns the rows as they were. */
  #put(record: string, commitment: string, plain: Uint8Array): Snapshot {
    const v = this.#vault;
    const rows = [ROWS.dek(record), ROWS.versions(record), ROWS.body(record, commitment)];
    const before: Snapshot = new Map(rows.map((r) => [r, v.get(r)]));
    v.transaction(() => {
      let dek = v.get(ROWS.dek(record));
      if (dek === undefined) {
        dek = new Uint8Array(randomBytes(32));
        v.set(ROWS.dek(record), dek);
      }
      v.set(ROWS.body(record, commitment), seal(dek, record, commitment, plain));
      const versions = this.#versions(record);
      if (!versions.includes(commitment))
        writeJsonRow(v, ROWS.versions(record), [...versions, commitment]);
      dek.fill(0);
    });
    return before;
  }

  /**
   * Puts the rows back as they were: rows that were not there are shredded (the body of a refused
   * record leaves nothing behind); if the record expired meanwhile, all its rows are shredded.
   */
  #undo(record: string, before: Snapshot): void {
    if (getRecord(this.#chain.state, record)?.expired === true) {
      this.#shred(record);
      return;
    }
    const added = [...before].filter(([, value]) => value === undefined).map(([row]) => row);
    this.#vault.transaction(() => {
      for (const [row, value] of before) if (value !== undefined) this.#vault.set(row, value);
    });
    if (added.length > 0) this.#vault.shred(added);
  }

  #versions(record: string): string[] {
    return readJsonRow<string[]>(this.#vault, ROWS.versions(record)) ?? [];
  }

  /**
   * The body of the record's current version (the one its ledger commitment names).
   * @throws ERR_CREDIT_BODY_GONE for an expired record, ERR_CREDIT_BODY_UNKNOWN when not held here
   */
  read(r: CreditRecord): ReadBody {
    if (r.expired)
      throw new AppError('ERR_CREDIT_BODY_GONE', `record ${r.id} expired: its body was destroyed`);
    const dek = this.#vault.get(ROWS.dek(r.id));
    const sealed = this.#vault.get(ROWS.body(r.id, r.commitment));
    if (dek === undefined || sealed === undefined)
      throw new AppError(
        'ERR_CREDIT_BODY_UNKNOWN',
        `this node holds no body for version ${r.version} of record ${r.id}`,
      );
    const plain = open(dek, r.id, r.commitment, sealed);
    const statements = this.#statements(r.id, dek);
    dek.fill(0);
    if (toHex(sha256(plain)) !== r.commitment)
      throw new AppError('ERR_CREDIT_BODY_MISMATCH', `the stored body of ${r.id} does not match`);
    return {
      record: r.id,
      version: r.version,
      body: JSON.parse(plain.toString('utf8')) as RecordBody,
      statements,
    };
  }

  /** Shreds a record's DEK and bodies, if this node holds any. */
  #shred(record: string): void {
    const versions = this.#versions(record);
    const statements = this.#statementDigests(record);
    if (!this.#vault.has(ROWS.dek(record)) && versions.length === 0) return;
    this.#vault.shred([
      ROWS.dek(record),
      ROWS.versions(record),
      ...versions.map((c) => ROWS.body(record, c)),
      ROWS.statements(record),
      ...statements.map((d) => ROWS.statement(record, d)),
    ]);
    this.#shredded();
  }

  /** Shreds the bodies of the records a commit (or a scan) shows expired. */
  #shredExpired(entries: Iterable<readonly [string, string | null]>): void {
    for (const [key, value] of entries) {
      if (value === null || !key.startsWith(CREDIT_KEYS.recordPrefix)) continue;
      if (!value.includes('"expired":true')) continue;
      if ((JSON.parse(value) as CreditRecord).expired)
        this.#shred(key.slice(CREDIT_KEYS.recordPrefix.length));
    }
  }

  /**
   * The read model `bodies`: shreds at each commit the bodies of records it expired; at open, it
   * scans the records once for any that expired while a shred was lost (a crash after a commit).
   */
  readModel(): ReadModel {
    return {
      name: 'bodies',
      onCommit: (changes) => this.#shredExpired(changes),
      fill: async (closed) => {
        let after: string | undefined;
        while (!closed()) {
          const rows = this.#chain.list(CREDIT_KEYS.recordPrefix, 500, after);
          this.#shredExpired(rows.map((r) => [r.key, r.value] as const));
          if (rows.length < 500) return;
          after = rows[rows.length - 1]!.key;
          await new Promise((resolve) => setImmediate(resolve));
        }
      },
      memory: () => ({ bytes: 0, budget: 0 }),
    };
  }
}
