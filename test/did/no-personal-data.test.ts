/**
 * Principle 1 (DESIGN.md): no personal data on the ledger, ever. A person's identity data lives
 * only in this test (standing in for the identity authority's off-ledger vault); the person
 * runs a whole DID life cycle (create, update with a service, rotate, recover, deactivate) on a
 * ledger stored on disk. Then every byte of the SQLite file — every state value and every stored
 * transaction — is scanned for those values in several encodings, and every string in the DID
 * state and transactions must be one of the shapes a DID method needs: DIDs and DID URLs,
 * Multikeys, hex hashes, fragment ids, relationship names, service types and https endpoints,
 * numeric times.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { sha256, toBase64url, toHex, utf8 } from '../../src/crypto/index.ts';
import {
  planCreate,
  planDeactivate,
  planRecover,
  planRotate,
  planUpdate,
  RELATIONSHIPS,
} from '../../src/did/index.ts';
import { decodeTx } from '../../src/ledger/index.ts';
import { T0 } from '../helpers/ledger.ts';
import { openDidLedger, testSeed } from './_helpers.ts';

/** The person, as the identity authority's vault would hold them. Never given to the ledger flow. */
const PERSON = {
  name: '张伟',
  latinName: 'Zhang Wei',
  idNumber: '11010519491231002X',
  birthdate: '1949-12-31',
  phone: '+8613800138000',
  email: 'zhang.wei@example.cn',
  address: '北京市朝阳区建国路88号',
} as const;

/** Each personal value in the encodings a careless implementation could store it in. */
function needles(): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  for (const [field, value] of Object.entries(PERSON)) {
    const forms: [string, string][] = [
      ['utf8', value],
      ['lower', value.toLowerCase()],
      ['upper', value.toUpperCase()],
      ['hex', toHex(utf8(value))],
      ['base64url', toBase64url(utf8(value))],
      ['sha256', toHex(sha256(utf8(value)))],
    ];
    for (const [form, text] of forms) out.set(`${field}/${form}`, Buffer.from(text, 'utf8'));
    out.set(`${field}/utf16le`, Buffer.from(value, 'utf16le'));
  }
  out.set('idNumber/digits', Buffer.from(PERSON.idNumber.slice(0, 17)));
  out.set('birthdate/compact', Buffer.from(PERSON.birthdate.replaceAll('-', '')));
  return out;
}

/** Every cell of every table of an SQLite file, as bytes (text as UTF-8). */
function cellsOf(path: string): { table: string; bytes: Buffer }[] {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    const out: { table: string; bytes: Buffer }[] = [];
    const tables = db
      .prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table'")
      .all();
    for (const { name } of tables) {
      for (const row of db.prepare(`SELECT * FROM "${name}"`).raw().iterate() as Iterable<
        unknown[]
      >) {
        for (const cell of row) {
          if (cell === null) continue;
          out.push({
            table: name,
            bytes: Buffer.isBuffer(cell) ? cell : Buffer.from(String(cell), 'utf8'),
          });
        }
      }
    }
    return out;
  } finally {
    db.close();
  }
}

/** Names of the needles found in the cells and raw files of the folder `dir`. */
function leaks(dir: string, dbFile: string): string[] {
  const found = new Set<string>();
  const haystacks = [
    ...cellsOf(join(dir, dbFile)).map((c) => ({ where: `table ${c.table}`, bytes: c.bytes })),
    ...readdirSync(dir).map((f) => ({ where: `file ${f}`, bytes: readFileSync(join(dir, f)) })),
  ];
  for (const [name, needle] of needles()) {
    for (const h of haystacks) if (h.bytes.includes(needle)) found.add(`${name} in ${h.where}`);
  }
  return [...found];
}

const B58 = '[1-9A-HJ-NP-Za-km-z]';
const SHAPES = {
  did: new RegExp(`^did:(?:rdid:${B58}{32,44}|key:z6Mk${B58}{44})$`),
  didUrl: new RegExp(
    `^did:(?:rdid:${B58}{32,44}#[A-Za-z0-9_-]{1,32}|key:(z6Mk${B58}{44})#z6Mk${B58}{44})$`,
  ),
  multikey: new RegExp(`^z6Mk${B58}{44}$`),
  hash: /^[0-9a-f]{64}$/,
  fragment: /^[A-Za-z0-9_-]{1,32}$/,
  relationship: new RegExp(`^(?:${RELATIONSHIPS.join('|')})$`),
  serviceType: /^[A-Za-z][A-Za-z0-9]{0,63}$/,
  httpsEndpoint: /^https:\/\/[^\s]+$/,
  isoTime: /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/,
  patchOp: /^(?:add-key|remove-key|add-service|remove-service)$/,
} as const;

/** Which shapes a string may take, by the name of the property holding it. */
const FIELD_SHAPES: Record<string, (keyof typeof SHAPES)[]> = {
  did: ['did'],
  txId: ['hash'],
  recoveryCommitment: ['hash'],
  recoveryKey: ['multikey'],
  publicKeyMultibase: ['multikey'],
  id: ['fragment'],
  type: ['serviceType'],
  serviceEndpoint: ['httpsEndpoint'],
  relationships: ['relationship'],
  op: ['patchOp'],
  ...Object.fromEntries(RELATIONSHIPS.map((r) => [r, ['fragment']])),
};
const NUMBER_FIELDS = new Set(['version', 'created', 'updated']);
const BOOLEAN_FIELDS = new Set(['deactivated']);
const OBJECT_FIELDS = new Set([
  'document',
  'verificationMethod',
  'service',
  'patches',
  'key',
  'body',
]);

/**
 * Walks a JSON value from the DID namespace and reports every string, number, boolean or
 * property that is not one of the allowed shapes for its position.
 */
function shapeProblems(value: unknown, field = '', path = '$'): string[] {
  if (Array.isArray(value))
    return value.flatMap((v, i) => shapeProblems(v, field, `${path}[${i}]`));
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).flatMap(([k, v]) => {
      const known =
        k in FIELD_SHAPES || NUMBER_FIELDS.has(k) || BOOLEAN_FIELDS.has(k) || OBJECT_FIELDS.has(k);
      return known ? shapeProblems(v, k, `${path}.${k}`) : [`${path}.${k}: unknown property`];
    });
  }
  if (typeof value === 'string') {
    if (field === 'recoveryCommitment' && value === '') return []; // erased at deactivation
    const ok = (FIELD_SHAPES[field] ?? []).some((s) => SHAPES[s].test(value));
    return ok
      ? []
      : [
          `${path}: ${JSON.stringify(value)} is not a ${(FIELD_SHAPES[field] ?? ['(nothing)']).join('/')}`,
        ];
  }
  if (typeof value === 'number') {
    const ok =
      NUMBER_FIELDS.has(field) &&
      Number.isSafeInteger(value) &&
      (field === 'version' ? value >= 1 : value >= T0 && value < T0 + 86_400_000);
    return ok ? [] : [`${path}: number ${value} in ${field}`];
  }
  if (typeof value === 'boolean')
    return BOOLEAN_FIELDS.has(field) ? [] : [`${path}: boolean in ${field}`];
  return [`${path}: ${String(value)}`];
}

/** Every string in a JSON value (values and property names). */
function stringsOf(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(stringsOf);
  if (value !== null && typeof value === 'object')
    return Object.entries(value).flatMap(([k, v]) => [k, ...stringsOf(v)]);
  return [];
}

const ANY_SHAPE = (s: string): boolean => Object.values(SHAPES).some((re) => re.test(s));
const SERVICE = { id: 'wallet', type: 'LinkedDomains', serviceEndpoint: 'https://wallet.example/' };

let dir: string;
let did: string;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'realdid-pii-'));
  const l = openDidLedger({ path: join(dir, 'ledger.sqlite') });
  try {
    const seed = testSeed('no personal data');
    const c = planCreate(seed);
    did = c.did;
    const step = async (p: Parameters<typeof l.commit>[0]): Promise<void> => {
      l.ledger.clock.advance(60_000);
      await l.commit(p);
    };
    await step(c);
    await step(planUpdate(seed, l.record(did), 0, [{ op: 'add-service', service: SERVICE }]));
    await step(planRotate(seed, l.record(did), 0, 1));
    await step(planRecover(seed, l.record(did), 0, 2));
    await step(planDeactivate(seed, l.record(did), 1)); // the recovery key committed by the recovery
    assert.equal(l.record(did).deactivated, true);
  } finally {
    await l.close();
  }
});

after(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('no personal data on the ledger', () => {
  test('no personal value, in any encoding, in any table cell or file byte', () => {
    assert.deepEqual(leaks(dir, 'ledger.sqlite'), []);
  });

  test('positive control: the scan sees the ledger content, and would see a leak', async () => {
    const cells = cellsOf(join(dir, 'ledger.sqlite'));
    const has = (text: string): boolean => cells.some((c) => c.bytes.includes(Buffer.from(text)));
    assert.ok(has(did), 'the DID is stored');
    assert.ok(has(SERVICE.serviceEndpoint), 'the service endpoint is stored');
    assert.ok(
      cells.some((c) => c.table === 'txs'),
      'transactions are scanned',
    );
    // A careless service endpoint carrying an ID number is found by the same scan.
    const leakyDir = mkdtempSync(join(tmpdir(), 'realdid-pii-leak-'));
    try {
      const l = openDidLedger({ path: join(leakyDir, 'ledger.sqlite') });
      const seed = testSeed('leaky');
      const c = planCreate(seed);
      await l.commit(c);
      await l.commit(
        planUpdate(seed, l.record(c.did), 0, [
          {
            op: 'add-service',
            service: { ...SERVICE, serviceEndpoint: `https://example.org/u/${PERSON.idNumber}` },
          },
        ]),
      );
      await l.close();
      const found = leaks(leakyDir, 'ledger.sqlite');
      assert.ok(
        found.some((f) => f.startsWith('idNumber/utf8 in table state')),
        found.join(', '),
      );
      assert.ok(
        found.some((f) => f.startsWith('idNumber/utf8 in table txs')),
        found.join(', '),
      );
    } finally {
      rmSync(leakyDir, { recursive: true, force: true });
    }
  });

  test('every DID state value holds only identifiers, keys, hashes, fragments, relationships, services and times', () => {
    const db = new Database(join(dir, 'ledger.sqlite'), { readonly: true });
    try {
      const rows = db
        .prepare<[], { key: string; value: string }>('SELECT key, value FROM state')
        .all();
      const didRows = rows.filter((r) => r.key.startsWith('did/'));
      assert.equal(didRows.length, 5, 'the current record and four history entries');
      for (const { key, value } of didRows) {
        assert.match(key, new RegExp(`^did/(?:doc/${B58}{32,44}|ver/${B58}{32,44}/[1-9][0-9]*)$`));
        const json = JSON.parse(value) as unknown;
        assert.deepEqual(shapeProblems(json), [], key);
        for (const s of stringsOf(json))
          assert.ok(
            ANY_SHAPE(s) || s === '' || /^[a-zA-Z]+$/.test(s),
            `${key}: ${JSON.stringify(s)}`,
          );
      }
      // Nonces of DID signers: a DID in the key, a number as the value.
      for (const { key, value } of rows.filter(
        (r) => r.key.startsWith('core/nonce/did:rdid:') || r.key.startsWith('core/nonce/did:key:'),
      )) {
        assert.match(key.slice('core/nonce/'.length), SHAPES.did);
        assert.match(value, /^[1-9][0-9]*$/);
      }
    } finally {
      db.close();
    }
  });

  test('every stored transaction is a DID operation holding only those shapes', () => {
    const db = new Database(join(dir, 'ledger.sqlite'), { readonly: true });
    try {
      const txs = db
        .prepare<[], { bytes: Buffer }>('SELECT bytes FROM txs ORDER BY seq')
        .all()
        .map((r) => decodeTx(new Uint8Array(r.bytes)));
      assert.deepEqual(
        txs.map((t) => t.payload.kind),
        ['did.create', 'did.update', 'did.update', 'did.recover', 'did.deactivate'],
      );
      for (const tx of txs) {
        const { kind, body, signer, nonce, created } = tx.payload;
        assert.match(signer, SHAPES.didUrl);
        assert.ok(Number.isSafeInteger(nonce) && nonce >= 1);
        assert.ok(created >= T0 && created < T0 + 86_400_000);
        assert.deepEqual(shapeProblems(body, 'body'), [], kind);
        for (const s of stringsOf(body)) {
          assert.ok(ANY_SHAPE(s), `${kind}: ${JSON.stringify(s)}`);
        }
      }
    } finally {
      db.close();
    }
  });
});
