/**
 * Crypto-shredding of a person's record at the identity authority (`revoke` with `erase: true`):
 * the vault then answers nothing for the person; the sealed rows of their data key and record are
 * gone from every byte of the vault files (database, WAL, shared memory); and the record, sealed
 * under the destroyed data key, decrypts under no 32-byte window of any file left in the data
 * folder. Other people's records are untouched, and the person may enroll again with a fresh
 * record under a fresh key.
 */
import assert from 'node:assert/strict';
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { isAppError } from '../../src/errors.ts';
import { FileVault } from '../../src/node/index.ts';
import { sqliteFiles } from '../helpers/pii-scan.ts';
import {
  enroll,
  newWallet,
  openAuthorityNode,
  PASSPHRASE,
  PEOPLE,
  type IaNode,
  type TestWallet,
  initAuthorityDir,
} from './_helpers.ts';

/** The associated data a person's record is sealed with (src/identity/records.ts). */
const aadOf = (tag: string): Buffer => Buffer.from(`realdid/person/v1|${tag}`, 'utf8');

/** Opens a person's sealed record (nonce ‖ ciphertext ‖ tag) with `key`; undefined if it fails. */
function openRecord(sealed: Buffer, key: Buffer, tag: string): Buffer | undefined {
  const d = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, 12));
  d.setAAD(aadOf(tag));
  d.setAuthTag(sealed.subarray(sealed.length - 16));
  const body = d.update(sealed.subarray(12, sealed.length - 16));
  try {
    return Buffer.concat([body, d.final()]);
  } catch (err) {
    if (err instanceof Error && /authenticate/.test(err.message)) return undefined;
    throw err;
  }
}

/**
 * The offset of the first 32-byte window of `bytes` under which the sealed record decrypts, or -1.
 * Every window is tried. A full AES-GCM open costs ~15 µs (mostly the thrown error), so each
 * window first decrypts only the first block (AES-256-ECB of the counter block nonce ‖ 2, as GCM
 * counts for a 96-bit nonce) and only windows that turn it into JSON (`{`, 1 in 256) get the full
 * authenticated open: a key under which the record opens with a valid tag but is not the JSON it
 * was would be a GCM forgery. All-zero windows (free pages) are tried once.
 */
function windowKeyOpening(bytes: Buffer, sealed: Buffer, tag: string): number {
  const counter = Buffer.concat([sealed.subarray(0, 12), Buffer.from([0, 0, 0, 2])]);
  const first = sealed[12]! ^ 0x7b; // keystream byte that turns the ciphertext into '{'
  let zeros = 0;
  for (let i = 0; i < Math.min(32, bytes.length); i++) if (bytes[i] === 0) zeros++;
  let zeroTried = false;
  for (let i = 0; i + 32 <= bytes.length; i++) {
    if (i > 0) zeros += (bytes[i + 31] === 0 ? 1 : 0) - (bytes[i - 1] === 0 ? 1 : 0);
    if (zeros === 32) {
      if (zeroTried) continue;
      zeroTried = true;
    }
    const key = bytes.subarray(i, i + 32);
    const e = createCipheriv('aes-256-ecb', key, null).setAutoPadding(false);
    if (e.update(counter)[0] !== first) continue;
    if (openRecord(sealed, key, tag) !== undefined) return i;
  }
  return -1;
}

/** Every file under a folder, with its bytes. */
function filesUnder(folder: string): { name: string; bytes: Buffer }[] {
  return readdirSync(folder, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => ({
      name: join(e.parentPath, e.name).slice(folder.length + 1),
      bytes: readFileSync(join(e.parentPath, e.name)),
    }));
}

/** The vault's kv table, read raw: hex row id → sealed value. */
function kvRows(vaultPath: string): Map<string, Buffer> {
  const db = new Database(vaultPath, { readonly: true, fileMustExist: true });
  try {
    const rows = db.prepare<[], { id: Buffer; sealed: Buffer }>('SELECT id, sealed FROM kv').all();
    return new Map(rows.map((r) => [r.id.toString('hex'), r.sealed]));
  } finally {
    db.close();
  }
}

/** The raw bytes of the vault's database, WAL and shared-memory files. */
function vaultFiles(vaultPath: string): { name: string; bytes: Buffer }[] {
  return sqliteFiles(vaultPath).map((p) => ({ name: p, bytes: readFileSync(p) }));
}

/** Reads rows of the authority's vault with a FileVault of our own (closed before returning). */
function readVault<T>(vaultPath: string, fn: (v: FileVault) => T): T {
  const v = new FileVault(vaultPath, PASSPHRASE);
  try {
    return fn(v);
  } finally {
    v.close();
  }
}

function tagOf(ia: IaNode, did: string): string {
  return (JSON.parse(ia.node.chain.state.get(`idn/master/${did}`)!) as { tag: string }).tag;
}

async function refused(p: Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(p, (err: unknown) => isAppError(err) && err.code === code);
}

let dir: string;
let vaultPath: string;
let ia: IaNode;
let erased: TestWallet;
let kept: TestWallet;
let tag: string;
/** Taken before the erasure. */
let kvBefore: Map<string, Buffer>;
let filesBefore: { name: string; bytes: Buffer }[];
let sealedRecord: Buffer;
let dek: Buffer;
let recordJson: { familyName: string; did: string; enrolledAt: number };
/** Sealed values of the kv rows that disappeared with the erasure. */
let removed: Buffer[];

before(async () => {
  dir = initAuthorityDir('realdid-ia-shred-');
  vaultPath = join(dir, 'modules', 'idn', 'authority.vault');
  ia = await openAuthorityNode({ dir });
  erased = await newWallet(ia.client, 'shred-erased');
  kept = await newWallet(ia.client, 'shred-kept');
  await enroll(ia, PEOPLE[0]!, erased);
  await enroll(ia, PEOPLE[1]!, kept);
  for (const origin of ['https://a.example', 'https://b.example'])
    await ia.client.identity.requestCopy(
      ia.authority,
      erased.master,
      erased.pairwise(origin).keyPair,
    );
  await ia.client.identity.requestCopy(
    ia.authority,
    kept.master,
    kept.pairwise('https://a.example').keyPair,
  );
  tag = tagOf(ia, erased.did);
  // SQLite's WAL lets a second connection read while the node has the vault open; ours is closed
  // before the erasure, so that the node's checkpoint is not held back by it.
  ({ sealedRecord, dek } = readVault(vaultPath, (v) => ({
    sealedRecord: Buffer.from(v.get(`person/${tag}`)!),
    dek: Buffer.from(v.get(`dek/${tag}`)!),
  })));
  recordJson = JSON.parse(openRecord(sealedRecord, dek, tag)!.toString('utf8')) as never;
  kvBefore = kvRows(vaultPath);
  filesBefore = vaultFiles(vaultPath);
  const b = await ia.client.identity.revoke(ia.operator, ia.authority, {
    did: erased.did,
    reason: 'holder-request',
    erase: true,
  });
  assert.equal(b.record, 'none');
  const kvAfter = kvRows(vaultPath);
  removed = [...kvBefore].filter(([id]) => !kvAfter.has(id)).map(([, sealed]) => sealed);
});

let closed = false;
async function closeNode(): Promise<void> {
  if (closed || ia === undefined) return;
  closed = true;
  await ia.close();
}

after(async () => {
  await closeNode();
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

describe('crypto-shredding of a person', () => {
  test('self-test: the saved record opens with its data key, and the window search finds a planted key', () => {
    assert.equal(recordJson.familyName, PEOPLE[0]!.familyName);
    assert.equal(recordJson.did, erased.did);
    assert.equal(openRecord(sealedRecord, randomBytes(32), tag), undefined);
    const hay = Buffer.concat([Buffer.alloc(5000), randomBytes(20011), dek, randomBytes(999)]);
    assert.equal(windowKeyOpening(hay, sealedRecord, tag), 25011);
    assert.equal(windowKeyOpening(Buffer.concat([dek, Buffer.alloc(4)]), sealedRecord, tag), 0);
    // the sealed rows were in the vault files before the erasure
    const all = filesBefore.map((f) => f.bytes);
    for (const sealed of kvBefore.values())
      assert.ok(
        all.some((b) => b.includes(sealed)),
        'every sealed row is in the files before',
      );
  });

  test('the vault answers nothing for the person; the ledger says revoked, reason erased', async () => {
    const b = await ia.client.identity.show(ia.operator, ia.authority, erased.did);
    assert.equal(b.status, 'revoked');
    assert.equal(b.reason, 'erased');
    assert.equal(b.record, 'none');
    readVault(vaultPath, (v) => {
      for (const row of [`person/${tag}`, `dek/${tag}`, `copies/${tag}`])
        assert.equal(v.get(row), undefined, row);
    });
    await refused(
      ia.client.identity.requestCopy(
        ia.authority,
        erased.master,
        erased.pairwise('https://c.example').keyPair,
      ),
      'ERR_IDENTITY_BINDING_ENDED',
    );
  });

  test("the person's data-key, record, copies and holder-key rows are gone from every byte of the vault files", () => {
    // exactly six rows: the data key (12-byte nonce ‖ 32 bytes ‖ 16-byte tag), the record
    // (sealed twice: 28 bytes more than the inner sealed record), the list of copies, and the
    // holder keys a lawful release resolves: their list and one row per key (two copies)
    assert.equal(removed.length, 6, `${removed.length} rows removed`);
    const lengths = removed.map((r) => r.length);
    assert.ok(lengths.includes(12 + 32 + 16), `a data-key row among ${lengths.join(', ')}`);
    assert.ok(lengths.includes(sealedRecord.length + 28), `the record row among ${lengths}`);
    const files = vaultFiles(vaultPath);
    assert.ok(files.length >= 1);
    for (const f of files) {
      removed.forEach((sealed, i) =>
        assert.ok(!f.bytes.includes(sealed), `removed row ${i} still in ${f.name}`),
      );
      assert.ok(!f.bytes.includes(sealedRecord), `the inner sealed record in ${f.name}`);
      assert.ok(!f.bytes.includes(dek), `the data key in clear in ${f.name}`);
    }
  });

  test('no 32-byte window of any file in the data folder opens the saved record', () => {
    const files = filesUnder(dir);
    assert.ok(files.some((f) => f.name.endsWith('authority.vault')));
    assert.ok(files.some((f) => f.name === 'ledger.sqlite'));
    const total = files.reduce((n, f) => n + f.bytes.length, 0);
    assert.ok(total < 32 * 1024 * 1024, `${total} bytes to try`);
    for (const f of files) {
      assert.ok(!f.bytes.includes(dek), `the data key in ${f.name}`);
      assert.equal(windowKeyOpening(f.bytes, sealedRecord, tag), -1, f.name);
    }
  });
});

describe('erasure of one person leaves the others alone', () => {
  test('another person keeps their record and still obtains copies', async () => {
    const b = await ia.client.identity.show(ia.operator, ia.authority, kept.did);
    assert.equal(b.status, 'active');
    assert.equal(b.record, 'held');
    const c = await ia.client.identity.requestCopy(
      ia.authority,
      kept.master,
      kept.pairwise('https://b.example').keyPair,
    );
    const claims = c.credential
      .split('~')
      .slice(1, -1)
      .map((d) => JSON.parse(Buffer.from(d, 'base64url').toString('utf8')) as unknown[]);
    assert.ok(claims.some((d) => d[1] === 'family_name' && d[2] === PEOPLE[1]!.familyName));
  });

  test('the erased person enrolls again: a fresh record under a fresh key', async () => {
    const fresh = await newWallet(ia.client, 'shred-fresh');
    const b = await enroll(ia, PEOPLE[0]!, fresh);
    assert.equal(b.status, 'active');
    assert.equal(b.record, 'held');
    assert.equal(tagOf(ia, fresh.did), tag, 'the same person, the same uniqueness tag');
    const now = readVault(vaultPath, (v) => ({
      sealed: Buffer.from(v.get(`person/${tag}`)!),
      dek: Buffer.from(v.get(`dek/${tag}`)!),
    }));
    assert.ok(!now.dek.equals(dek), 'a new data key');
    assert.equal(openRecord(now.sealed, dek, tag), undefined, 'the old key opens nothing');
    const record = JSON.parse(openRecord(now.sealed, now.dek, tag)!.toString('utf8')) as {
      did: string;
      enrolledAt: number;
    };
    assert.equal(record.did, fresh.did);
    assert.ok(record.enrolledAt > recordJson.enrolledAt);
    assert.equal(b.copies.issued, 0, 'no copies carried over');
    const c = await ia.client.identity.requestCopy(
      ia.authority,
      fresh.master,
      fresh.pairwise('https://a.example').keyPair,
    );
    assert.ok(c.credential.length > 100);
    // the old master DID stays ended
    const old = await ia.client.identity.show(ia.operator, ia.authority, erased.did);
    assert.equal(old.status, 'revoked');
  });
});

describe('after the node closed', () => {
  test('no removed row and no window opening the record in any file (WAL checkpointed away)', async () => {
    await closeNode();
    for (const f of filesUnder(dir)) {
      removed.forEach((sealed, i) =>
        assert.ok(!f.bytes.includes(sealed), `removed row ${i} in ${f.name}`),
      );
      assert.ok(!f.bytes.includes(dek), `the data key in ${f.name}`);
      assert.equal(windowKeyOpening(f.bytes, sealedRecord, tag), -1, f.name);
    }
  });
});
