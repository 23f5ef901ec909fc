/**
 * `node init` with a module's part (`ModuleNode.initData`): an identity authority's data folder —
 * genesis fragments merged into other modules' sections, the module's node options in node.json,
 * its vault, and a key file for the front office under its own passphrase.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { isAppError } from '../../src/errors.ts';
import { encodeMultikey, generateEd25519 } from '../../src/crypto/index.ts';
import { initDataDir, loadKeyFile, mergeGenesis, type InitOrg } from '../../src/node/index.ts';

test('an authority folder: DID document and accreditation in genesis, options in node.json, operator key under its own passphrase', () => {
  const dir = mkdtempSync(join(tmpdir(), 'realdid-init-'));
  try {
    const { genesis, config } = initDataDir(dir, {
      passphrase: 'node pass',
      orgs: [
        { id: 'org1', name: 'One' },
        { id: 'org2', name: 'Two' },
      ],
      moduleInit: { idn: { authority: { name: 'Test IA' } } },
      keyPassphrases: { 'ia-operator': 'front office pass' },
    });
    const authority = (config.modules!.idn as { authority: string }).authority;
    const sections = genesis.modules as Record<string, Record<string, unknown[]>>;
    assert.deepEqual(
      (sections.did!.documents as { did: string }[]).map((d) => d.did),
      [authority],
    );
    assert.deepEqual(sections.gov!.orgs!.length, 2, 'the consortium section is kept');
    assert.deepEqual(
      (sections.gov!.roles as { role: string; subject: string; name: string }[]).map((r) => [
        r.role,
        r.subject,
        r.name,
      ]),
      [['identity-authority', authority, 'Test IA']],
    );
    const onDisk = JSON.parse(readFileSync(join(dir, 'node.json'), 'utf8')) as typeof config;
    assert.deepEqual(onDisk.modules, { idn: { authority } });
    assert.equal(statSync(join(dir, 'modules', 'idn', 'authority.vault')).mode & 0o777, 0o600);
    const op = join(dir, 'keys', 'ia-operator.json');
    assert.equal(statSync(op).mode & 0o777, 0o600);
    const doc = (
      sections.did!.documents as {
        document: { verificationMethod: { id: string; publicKeyMultibase: string }[] };
      }[]
    )[0]!.document;
    assert.equal(
      loadKeyFile(op, 'front office pass').multikey,
      doc.verificationMethod.find((m) => m.id === 'operator')!.publicKeyMultibase,
    );
    assert.throws(
      () => loadKeyFile(op, 'node pass'),
      (e: unknown) => isAppError(e, 'ERR_CRYPTO_WRONG_PASSPHRASE'),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a request to a module that takes no part in init is a usage error, and writes nothing', () => {
  const dir = mkdtempSync(join(tmpdir(), 'realdid-init-'));
  try {
    assert.throws(
      () => initDataDir(dir, { passphrase: 'p', moduleInit: { gov: {} } }),
      (e: unknown) => isAppError(e, 'ERR_CLI_USAGE'),
    );
    assert.deepEqual(readdirSync(dir), []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('orgs with their own multikeys: named in genesis with no key file; a bad one writes nothing', () => {
  const dir = mkdtempSync(join(tmpdir(), 'realdid-init-'));
  try {
    const own = encodeMultikey(generateEd25519().keyPair.publicKey);
    const bad = (orgs: InitOrg[]): void =>
      assert.throws(
        () => initDataDir(join(dir, 'bad'), { passphrase: 'p', orgs }),
        (e: unknown) => isAppError(e, 'ERR_CLI_USAGE'),
      );
    bad([{ id: 'org1', name: 'One', multikey: own }]); // this node needs its private key
    bad([
      { id: 'org1', name: 'One' },
      { id: 'org2', name: 'Two', multikey: own.slice(0, -1) },
    ]);
    bad([
      { id: 'org1', name: 'One' },
      { id: 'org2', name: 'Two', multikey: own },
      { id: 'org3', name: 'Three', multikey: own },
    ]);
    assert.deepEqual(readdirSync(dir), []);
    const { genesis } = initDataDir(join(dir, 'ok'), {
      passphrase: 'p',
      orgs: [
        { id: 'org1', name: 'One' },
        { id: 'org2', name: 'Two', multikey: own },
      ],
    });
    const orgs = (genesis.modules as { gov: { orgs: { id: string; keys: string[] }[] } }).gov.orgs;
    assert.deepEqual(orgs[1], { id: 'org2', name: 'Two', keys: [own] });
    assert.deepEqual(readdirSync(join(dir, 'ok', 'keys')), ['org1.json']);
    assert.deepEqual(orgs[0]!.keys, [
      loadKeyFile(join(dir, 'ok', 'keys', 'org1.json'), 'p').multikey,
    ]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('mergeGenesis: objects key by key, arrays appended, anything else replaced', () => {
  assert.deepEqual(mergeGenesis({ a: [1], b: { c: 1 } }, { a: [2], b: { d: 2 }, e: 3 }), {
    a: [1, 2],
    b: { c: 1, d: 2 },
    e: 3,
  });
  assert.deepEqual(mergeGenesis(undefined, { x: 1 }), { x: 1 });
  assert.equal(mergeGenesis(1, 2), 2);
});
