/**
 * Principle 1 (DESIGN.md) for the identity authority: after every kind of identity transaction
 * (enrollments of all test people, failed enrollments, a re-binding, revocations with and without
 * erasure, a re-enrollment, a status flip, new status lists) and several credential copies per
 * person, every byte of the ledger (its SQLite file with WAL and shared memory, read raw, and every
 * cell of every table, decoded) is scanned for the names, ID numbers and birth dates used, in
 * UTF-8, UTF-16 LE/BE, hex and base64/base64url at every alignment (test/helpers/pii-scan.ts).
 * The same scan runs over the authority's vault files (sealed, so no plaintext), the credentials'
 * salts, disclosures, digests and signatures are looked for on the ledger, and the node's module
 * log and a pino request log of the HTTP API are scanned too. Each scan has a positive control: a
 * value planted where a careless implementation would put it is found.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { Writable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { ed25519FromSeed, fromBase64url } from '../../src/crypto/index.ts';
import { isAppError } from '../../src/errors.ts';
import { decodeTx } from '../../src/ledger/index.ts';
import { buildApp, FileVault } from '../../src/node/index.ts';
import { proveMasterDid, RealdidClient, type PersonDetails } from '../../src/sdk/index.ts';
import {
  cellHaystacks,
  encodingsOf,
  fileHaystacks,
  findNeedles,
  lineHaystacks,
  MIN_NEEDLE_BYTES,
  needlesOf,
  occursIn,
  personNeedles,
  personValues,
  sqliteFiles,
  sqliteHaystacks,
  type Haystack,
  type Needle,
} from '../helpers/pii-scan.ts';
import {
  enroll,
  IA_URL,
  injectFetch,
  newWallet,
  openAuthorityNode,
  PASSPHRASE,
  PEOPLE,
  type IaNode,
  type TestWallet,
  initAuthorityDir,
} from './_helpers.ts';

const ORIGINS = ['https://shop.example', 'https://bank.example', 'https://news.example'];
const IDN_KINDS = ['idn.enroll', 'idn.rebind', 'idn.revoke', 'idn.status', 'idn.list'];

/** The issuer-signed JWT's payload of an SD-JWT, decoded. */
function payloadOf(credential: string): unknown {
  const payload = credential.split('~')[0]!.split('.')[1]!;
  return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
}

/** What an SD-JWT copy holds that must stay between the authority, the wallet and one site. */
function credentialNeedles(credentials: readonly string[]): Needle[] {
  const out: Needle[] = [];
  credentials.forEach((cred, c) => {
    const [jwt, ...disclosures] = cred.split('~').filter((s) => s !== '');
    const [, payload, signature] = jwt!.split('.');
    const claims = payloadOf(cred) as { _sd?: string[]; cnf?: { jwk?: { x?: string } } };
    out.push({ label: `copy${c}/payload`, bytes: Buffer.from(payload!) });
    out.push({ label: `copy${c}/signature`, bytes: Buffer.from(signature!) });
    out.push({ label: `copy${c}/signature-raw`, bytes: Buffer.from(fromBase64url(signature!)) });
    for (const d of claims._sd ?? []) out.push({ label: `copy${c}/_sd`, bytes: Buffer.from(d) });
    const x = claims.cnf?.jwk?.x;
    if (x !== undefined) out.push(...encodingsOf(`copy${c}/cnf.x`, x));
    disclosures.forEach((d, i) => {
      out.push({ label: `copy${c}/disclosure${i}`, bytes: Buffer.from(d) });
      const [salt] = JSON.parse(Buffer.from(d, 'base64url').toString('utf8')) as [string];
      out.push(...encodingsOf(`copy${c}/salt${i}`, salt));
      out.push({ label: `copy${c}/salt${i}/raw`, bytes: Buffer.from(salt, 'base64url') });
    });
  });
  return out;
}

let dir: string;
let ledgerPath: string;
let vaultPath: string;
let ia: IaNode;
const credentials: string[] = [];
const wallets: TestWallet[] = [];
const requestLog: string[] = [];
/** Raw files and cells read while the node was still running (with its WALs in use). */
let ledgerWhileOpen: Haystack[];
let vaultWhileOpen: Haystack[];
let moduleLog: string[];

async function copies(w: TestWallet, client = ia.client): Promise<void> {
  for (const origin of ORIGINS) {
    const c = await client.identity.requestCopy(ia.authority, w.master, w.pairwise(origin).keyPair);
    credentials.push(c.credential);
  }
}

async function refused(p: Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(p, (err: unknown) => isAppError(err) && err.code === code);
}

/** The issuer key of the authority (from its vault): to sign an `idn.status` tx by hand. */
function issuerKey(): ReturnType<typeof ed25519FromSeed> {
  const v = new FileVault(vaultPath, PASSPHRASE);
  try {
    return ed25519FromSeed(v.get('authority/issuer-seed')!);
  } finally {
    v.close();
  }
}

/** A second HTTP app over the same node, with a pino logger (trace level) into memory. */
async function loggedFlows(): Promise<void> {
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      requestLog.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  const app = await buildApp(ia.node, { logger: { level: 'trace', stream } });
  try {
    const client = new RealdidClient({ url: IA_URL, fetch: injectFetch(app) });
    const person = PEOPLE[2]!; // erased before: enrolls afresh
    const w = await newWallet(client, 'pii-logged');
    const bad: PersonDetails = { ...person, birthdate: '1958-11-12' };
    const { challenge } = await client.identity.challenge(ia.operator, ia.authority);
    await refused(
      client.identity.enroll(ia.operator, ia.authority, {
        person: bad,
        did: w.did,
        proof: proveMasterDid(ia.authority, challenge, w.master),
      }),
      'ERR_IDENTITY_BIRTHDATE_MISMATCH',
    );
    const c2 = await client.identity.challenge(ia.operator, ia.authority);
    await client.identity.enroll(ia.operator, ia.authority, {
      person,
      did: w.did,
      proof: proveMasterDid(ia.authority, c2.challenge, w.master),
    });
    await copies(w, client);
    await client.identity.show(ia.operator, ia.authority, w.did);
    const uri = (
      await client.identity.requestCopy(
        ia.authority,
        w.master,
        w.pairwise('https://status.example').keyPair,
      )
    ).status.uri;
    await client.fetchText(uri, 'application/statuslist+jwt');
    wallets.push(w);
  } finally {
    await app.close();
  }
}

before(async () => {
  dir = initAuthorityDir('realdid-ia-pii-');
  ledgerPath = join(dir, 'ledger.sqlite');
  vaultPath = join(dir, 'modules', 'idn', 'authority.vault');
  ia = await openAuthorityNode({ dir });
  for (const [i, person] of PEOPLE.entries()) {
    const w = await newWallet(ia.client, `pii-${i}`);
    await enroll(ia, person, w);
    await copies(w);
    wallets.push(w);
  }
  // refused enrollments: already enrolled; a wrong check digit
  const spare = await newWallet(ia.client, 'pii-spare');
  await refused(enroll(ia, PEOPLE[3]!, spare), 'ERR_IDENTITY_ALREADY_ENROLLED');
  const p0 = PEOPLE[0]!;
  const wrong = p0.idNumber.slice(0, 17) + (p0.idNumber.at(-1) === '1' ? '2' : '1');
  await refused(enroll(ia, { ...p0, idNumber: wrong }, spare), 'ERR_IDENTITY_BAD_CHECK_DIGIT');
  // a re-binding (after a mismatched re-check) of person 0 to a new wallet
  const moved = await newWallet(ia.client, 'pii-0-new');
  const { challenge } = await ia.client.identity.challenge(ia.operator, ia.authority);
  const proof = proveMasterDid(ia.authority, challenge, moved.master);
  await refused(
    ia.client.identity.rebind(ia.operator, ia.authority, {
      person: { ...p0, givenName: 'Otherqzx' },
      did: moved.did,
      proof,
    }),
    'ERR_IDENTITY_PERSON_MISMATCH',
  );
  const c2 = await ia.client.identity.challenge(ia.operator, ia.authority);
  await ia.client.identity.rebind(ia.operator, ia.authority, {
    person: p0,
    did: moved.did,
    proof: proveMasterDid(ia.authority, c2.challenge, moved.master),
  });
  await copies(moved);
  wallets.push(moved);
  // revocations: person 1 at their request (then enrolled again), person 2 with erasure
  await ia.client.identity.revoke(ia.operator, ia.authority, {
    did: wallets[1]!.did,
    reason: 'holder-request',
  });
  const again = await newWallet(ia.client, 'pii-1-again');
  await enroll(ia, PEOPLE[1]!, again);
  await copies(again);
  wallets.push(again);
  await ia.client.identity.revoke(ia.operator, ia.authority, {
    did: wallets[2]!.did,
    reason: 'holder-request',
    erase: true,
  });
  // an `idn.status` flip (the authority's API never sends one alone): one copy of person 3
  const last = await ia.client.identity.requestCopy(
    ia.authority,
    wallets[3]!.master,
    wallets[3]!.pairwise('https://flip.example').keyPair,
  );
  credentials.push(last.credential);
  await ia.client.signAndSubmit(issuerKey(), `${ia.authority}#issuer`, 'idn.status', {
    revoke: [{ list: last.status.uri.split('/').at(-1)!, idx: [last.status.idx] }],
  });
  await loggedFlows();
  moduleLog = [...ia.logs];
  ledgerWhileOpen = sqliteHaystacks(ledgerPath);
  vaultWhileOpen = sqliteHaystacks(vaultPath);
  await ia.close();
});

after(() => {
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

const NEEDLES = personNeedles(PEOPLE);

/** Every file under a folder. */
function filesUnder(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name));
}

/** A copy of a closed SQLite database (with its WAL, if any) in a new folder. */
function copyDb(path: string): { path: string; done(): void } {
  const to = mkdtempSync(join(tmpdir(), 'realdid-pii-plant-'));
  for (const f of sqliteFiles(path)) copyFileSync(f, join(to, `db${f.slice(path.length)}`));
  return { path: join(to, 'db'), done: () => rmSync(to, { recursive: true, force: true }) };
}

describe('the scanner (self-test)', () => {
  test('finds every value in every encoding planted at any offset among random bytes', () => {
    const skipped: string[] = [];
    for (const [label, value] of personValues(PEOPLE)) {
      const needles = needlesOf(new Map([[label, value]]));
      const u8 = Buffer.from(value, 'utf8');
      const plants: [string, Buffer][] = [
        ['utf8', u8],
        ['utf16le', Buffer.from(value, 'utf16le')],
        ['utf16be', Buffer.from(value, 'utf16le').swap16()],
      ];
      for (let k = 0; k < 6; k++) {
        // a careless store: the value inside a longer byte string, then encoded as a whole
        const inside = Buffer.concat([randomBytes(k), u8, randomBytes(k % 4)]);
        plants.push([`hex+${k}`, Buffer.from(inside.toString('hex'))]);
        plants.push([`HEX+${k}`, Buffer.from(inside.toString('hex').toUpperCase())]);
        plants.push([`base64+${k}`, Buffer.from(inside.toString('base64'))]);
        plants.push([`base64url+${k}`, Buffer.from(inside.toString('base64url'))]);
      }
      for (const [form, bytes] of plants) {
        if (bytes.length < MIN_NEEDLE_BYTES) {
          skipped.push(`${label}/${form}`);
          continue;
        }
        const hay = Buffer.concat([randomBytes(37), Buffer.from(' '), bytes, Buffer.from('"')]);
        const found = findNeedles(needles, [{ where: 'plant', bytes: hay }]);
        assert.ok(found.length > 0, `${label} planted as ${form} is not found`);
      }
    }
    // Only the 4-byte UTF-16 forms of the two-character family names are too short (see
    // MIN_NEEDLE_BYTES); those names are scanned in their other forms and in the full name.
    assert.deepEqual(skipped.sort(), [
      'person0.familyName/utf16be',
      'person0.familyName/utf16le',
      'person2.familyName/utf16be',
      'person2.familyName/utf16le',
    ]);
  });

  test('a short all-digit value is found on its own, not inside a longer number or hash', () => {
    const [n] = encodingsOf('d', '19900307');
    assert.equal(n!.standalone, true);
    assert.ok(occursIn(n!, Buffer.from('{"b":"19900307"}')));
    assert.ok(occursIn(n!, Buffer.from('19900307')));
    assert.ok(!occursIn(n!, Buffer.from('"1719900307123"')));
    assert.ok(!occursIn(n!, Buffer.from('ab19900307cd')));
  });

  test('finds values planted in a copy of this ledger: in a cell, JSON-escaped, in a long cell', () => {
    const copy = copyDb(ledgerPath);
    try {
      const db = new Database(copy.path);
      const p = PEOPLE[0]!;
      const escaped = [...(p.familyName + p.givenName)]
        .map((ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`)
        .join('');
      const leak = Buffer.concat([randomBytes(2), Buffer.from(PEOPLE[3]!.idNumber)]);
      const insert = db.prepare('INSERT INTO state (key, value) VALUES (?, ?)');
      insert.run('idn/leak/escaped', `{"n":"${escaped}"}`);
      insert.run('idn/leak/b64', JSON.stringify({ v: leak.toString('base64url') }));
      // longer than a page: split over overflow pages on disk, whole in the cell
      insert.run('idn/leak/long', 'x'.repeat(4090) + PEOPLE[1]!.givenName + 'y'.repeat(9000));
      db.close();
      const found = findNeedles(NEEDLES, sqliteHaystacks(copy.path));
      // (a base64url window without '-' or '_' is the base64 one, scanned once under that name)
      for (const want of [
        /^person0\.fullName\/utf8 in table state \(JSON\)$/,
        /^person3\.idNumber\/base64(?:url)?@2 in table state$/,
        /^person3\.idNumber\/base64(?:url)?@2 in file db(?:-wal)?$/,
        /^person1\.givenName\/utf8 in table state$/,
      ])
        assert.ok(
          found.some((f) => want.test(f)),
          `${String(want)}; found: ${found.join(', ')}`,
        );
    } finally {
      copy.done();
    }
  });

  test('sees what the ledger holds: every DID, every identity tx kind, every table', () => {
    const cells = cellHaystacks(ledgerPath);
    const has = (text: string): boolean =>
      cells.some((c) => c.bytes.includes(Buffer.from(text, 'utf8')));
    for (const w of wallets) assert.ok(has(w.did), `${w.did} is on the ledger`);
    assert.ok(has(ia.authority));
    const tables = new Set(cells.map((c) => c.where.split(' ')[1]));
    for (const t of ['meta', 'blocks', 'txs', 'state', 'signatures']) assert.ok(tables.has(t), t);
    const db = new Database(ledgerPath, { readonly: true });
    try {
      const kinds = db
        .prepare<[], { bytes: Buffer }>('SELECT bytes FROM txs')
        .all()
        .map((r) => decodeTx(new Uint8Array(r.bytes)).payload.kind);
      for (const k of IDN_KINDS) assert.ok(kinds.includes(k), `a ${k} tx is on the ledger`);
      assert.ok(kinds.filter((k) => k === 'idn.enroll').length >= PEOPLE.length + 2);
    } finally {
      db.close();
    }
  });
});

describe('no personal data on the ledger', () => {
  test('no name, ID number or birth date in any encoding in the ledger files or cells', () => {
    assert.ok(sqliteFiles(ledgerPath).length >= 1);
    assert.deepEqual(findNeedles(NEEDLES, sqliteHaystacks(ledgerPath)), []);
  });

  test('none either in the ledger files and cells read while the node ran (WAL in use)', () => {
    assert.ok(ledgerWhileOpen.some((h) => h.where === 'file ledger.sqlite-wal'));
    assert.deepEqual(findNeedles(NEEDLES, ledgerWhileOpen), []);
  });

  test('no file anywhere in the data folder (config, genesis, keys, vault, ledger) holds any', () => {
    const files = filesUnder(dir);
    for (const f of ['node.json', 'genesis.json', 'ledger.sqlite', 'authority.vault'])
      assert.ok(
        files.some((p) => basename(p) === f),
        `${f} is among ${files.map((p) => basename(p)).join(', ')}`,
      );
    assert.deepEqual(findNeedles(NEEDLES, fileHaystacks(files)), []);
  });
});

describe('the vault holds no plaintext personal data', () => {
  test('the vault file, its WAL and its cells: sealed, no value in any encoding', () => {
    assert.ok(vaultWhileOpen.some((h) => h.where === 'file authority.vault-wal'));
    assert.deepEqual(findNeedles(NEEDLES, vaultWhileOpen), []);
    assert.deepEqual(findNeedles(NEEDLES, sqliteHaystacks(vaultPath)), []);
  });

  test('positive control: the vault holds the records (sealed), and a plaintext row is found', () => {
    const v = new FileVault(vaultPath, PASSPHRASE);
    try {
      assert.ok(v.has('authority/tag-secret'));
    } finally {
      v.close();
    }
    const copy = copyDb(vaultPath);
    try {
      const db = new Database(copy.path);
      const rows = db.prepare<[], { n: number }>('SELECT count(*) AS n FROM kv').get()!.n;
      assert.ok(rows > PEOPLE.length * 2, `${rows} vault rows`);
      db.prepare('INSERT INTO kv (id, sealed) VALUES (?, ?)').run(
        randomBytes(32),
        Buffer.concat([randomBytes(12), Buffer.from(PEOPLE[2]!.givenName, 'utf16le').swap16()]),
      );
      db.close();
      const found = findNeedles(NEEDLES, sqliteHaystacks(copy.path));
      assert.ok(found.includes('person2.givenName/utf16be in table kv'), found.join(', '));
    } finally {
      copy.done();
    }
  });
});

describe('credentials stay off the ledger', () => {
  test('no salt, disclosure, digest, signature, payload or holder key of any copy on the ledger', () => {
    assert.ok(credentials.length >= PEOPLE.length * ORIGINS.length + ORIGINS.length);
    const needles = credentialNeedles(credentials);
    assert.ok(needles.some((n) => n.label.includes('/salt')));
    assert.deepEqual(findNeedles(needles, sqliteHaystacks(ledgerPath)), []);
    assert.deepEqual(findNeedles(needles, ledgerWhileOpen), []);
  });

  test('positive control: a copy planted in a ledger cell is found by every part', () => {
    const copy = copyDb(ledgerPath);
    try {
      const db = new Database(copy.path);
      db.prepare('INSERT INTO state (key, value) VALUES (?, ?)').run(
        'idn/leak/vc',
        JSON.stringify({
          vc: credentials[0],
          claims: payloadOf(credentials[0]!),
          disclosed: credentials[0]!
            .split('~')
            .slice(1, -1)
            .map((d) => JSON.parse(Buffer.from(d, 'base64url').toString('utf8')) as unknown),
        }),
      );
      db.close();
      const found = findNeedles(credentialNeedles([credentials[0]!]), sqliteHaystacks(copy.path));
      for (const part of ['signature', 'payload', '_sd', 'cnf.x', 'disclosure0', 'salt0/utf8'])
        assert.ok(
          found.some((f) => new RegExp(`^copy0/${part}(?:/\\S+)? in table state`).test(f)),
          `${part}: ${found.join(', ')}`,
        );
    } finally {
      copy.done();
    }
  });
});

describe('no personal data in logs', () => {
  test("the node's module log names DIDs, never personal data", () => {
    assert.ok(moduleLog.some((l) => l.includes('person enrolled')));
    assert.ok(moduleLog.some((l) => l.includes(wallets[0]!.did)));
    assert.deepEqual(findNeedles(NEEDLES, lineHaystacks('module log', moduleLog)), []);
  });

  test('the HTTP request log (pino, trace level) of enrollments and copies holds no personal data', () => {
    // fastify logs each request's method and URL; personal data travels only in POST bodies
    assert.ok(requestLog.some((l) => l.includes('/v1/identity/enrollments')));
    assert.ok(requestLog.some((l) => l.includes('/v1/identity/copies')));
    assert.ok(
      requestLog.some((l) => l.includes('"statusCode":422')),
      'the refused enrollment',
    );
    assert.deepEqual(findNeedles(NEEDLES, lineHaystacks('request log', requestLog)), []);
  });

  test('positive control: a log line with a name, escaped or not, is found', () => {
    const p = PEOPLE[2]!;
    const escaped = JSON.stringify({ msg: p.familyName + p.givenName }).replace(
      /[^\x20-\x7e]/g,
      (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`,
    );
    const found = findNeedles(NEEDLES, lineHaystacks('log', [...requestLog, escaped]));
    assert.ok(found.includes('person2.fullName/utf8 in log (JSON)'), found.join(', '));
  });
});
