/**
 * End to end: `realdid wallet …` and `realdid did …` as child processes against a demo node
 * started with `realdid node start --port 0` in a temporary folder. Secrets never reach the
 * wallet file; DID operations go through the node and are checked with proof-verifying resolves.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { toBase64url, toHex } from '../../src/crypto/index.ts';
import {
  deriveMasterKey,
  derivePairwise,
  DID_KEYS,
  mnemonicEntropy,
  parseRdid,
  planCreate,
  planUpdate,
  seedOfMnemonic,
  type DidRecord,
} from '../../src/did/index.ts';
import { isAppError } from '../../src/errors.ts';
import { signTx } from '../../src/ledger/index.ts';
import { RealdidClient } from '../../src/sdk/index.ts';
import { runRealdid, startNodeProcess } from '../helpers/cli.ts';

const NODE_PASSPHRASE = 'realdid-demo';
const WALLET_PASSPHRASE = 'correct horse battery staple';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** A temporary folder holding `files` (changesets `gitdir` style). */
function tempDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'realdid-wallet-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

/** The realdid folder of every run (trust file): never the real ~/.realdid. */
const HOME = mkdtempSync(join(tmpdir(), 'realdid-wallet-home-'));
after(() => rmSync(HOME, { recursive: true, force: true }));

/** Environment without the caller's REALDID_* settings, plus REALDID_HOME and `extra`. */
function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith('REALDID_')),
  );
  return { ...env, REALDID_HOME: HOME, ...extra };
}

/** Runs the CLI in `cwd`; a run killed by a signal (30 s timeout) gets code -1. */
async function runCli(cwd: string, args: string[], env: Record<string, string>): Promise<Run> {
  const r = await runRealdid(args, { cwd, env: cleanEnv(env), timeoutMs: 30_000 });
  return { ...r, code: r.code ?? -1 };
}

/** The `{code, message}` a failed `--json` run printed on stderr. */
function errorOf(r: Run): { code: string; message: string } {
  assert.notEqual(r.code, 0, `expected a failure, got stdout ${r.stdout}`);
  return JSON.parse(r.stderr.trim().split('\n').at(-1)!) as { code: string; message: string };
}

function json<T = Record<string, unknown>>(r: Run): T {
  assert.equal(r.code, 0, `exit ${r.code}: ${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}

type Resolved = {
  didDocument: {
    verificationMethod: { id: string; publicKeyMultibase: string }[];
    service?: { id: string }[];
  };
  didDocumentMetadata: Record<string, unknown>;
  verified: unknown;
};

test('realdid wallet and did commands against a running node', async (t) => {
  const dir = tempDir({});
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const init = await runCli(dir, ['node', 'init', '--data', 'data', '--demo'], {
    REALDID_PASSPHRASE: NODE_PASSPHRASE,
  });
  assert.equal(init.code, 0, init.stderr);
  const { child, url } = await startNodeProcess('data', {
    cwd: dir,
    env: cleanEnv({ REALDID_PASSPHRASE: NODE_PASSPHRASE }),
    timeoutMs: 30_000,
  });
  t.after(async () => {
    if (child.exitCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    process.kill(child.pid!, 'SIGTERM');
    await exited;
  });

  const walletFile = join(dir, 'wallet.json');
  const env = {
    REALDID_URL: url,
    REALDID_WALLET: walletFile,
    REALDID_PASSPHRASE: WALLET_PASSPHRASE,
  };
  const cli = (...args: string[]): Promise<Run> => runCli(dir, args, env);
  const client = new RealdidClient({ url });
  let mnemonic = '';
  let seed: Uint8Array = new Uint8Array();
  let did = '';
  let pairwise: string[] = [];

  await t.test(
    'wallet init prints the mnemonic once; the file holds it only encrypted',
    async () => {
      const r = await cli('wallet', 'init', '--words', '24');
      assert.equal(r.code, 0, r.stderr);
      const m = /^ {2}((?:[a-z]+ ){23}[a-z]+)$/m.exec(r.stdout);
      assert.ok(m, r.stdout);
      mnemonic = m[1]!;
      assert.equal(r.stdout.split(mnemonic).length - 1, 1, 'the mnemonic is printed exactly once');
      assert.match(r.stdout, /WRITE THESE 24 WORDS DOWN/);
      seed = seedOfMnemonic(mnemonic);

      assert.equal(statSync(walletFile).mode & 0o777, 0o600);
      const text = readFileSync(walletFile, 'utf8');
      const entropy = mnemonicEntropy(mnemonic);
      for (const secret of [
        mnemonic,
        mnemonic.split(' ').slice(0, 2).join(' '),
        toHex(entropy),
        toBase64url(entropy),
        Buffer.from(entropy).toString('base64'),
        toHex(seed),
        toBase64url(seed),
      ]) {
        assert.ok(
          !text.includes(secret),
          `the wallet file contains ${secret.slice(0, 12)}… in clear`,
        );
      }
      const file = JSON.parse(text) as Record<string, unknown>;
      assert.deepEqual(Object.keys(file).sort(), [
        'authIndex',
        'keystore',
        'recoveryIndex',
        'version',
      ]);
      assert.equal((file.keystore as { label: string }).label, 'realdid-wallet');

      const again = await cli('wallet', 'init', '--json');
      assert.equal(errorOf(again).code, 'ERR_WALLET_EXISTS');
      assert.equal(readFileSync(walletFile, 'utf8'), text, 'the existing wallet is untouched');
    },
  );

  await t.test('wallet show and pairwise', async () => {
    const origins = ['https://Shop.Example:443', 'http://localhost:3000'];
    const [show, p1, p2, bad] = await Promise.all([
      cli('wallet', 'show', '--json'),
      ...origins.map((o) => cli('wallet', 'pairwise', o, '--json')),
      cli('wallet', 'pairwise', 'http://example.com', '--json'),
    ]);
    const s = json(show);
    assert.equal(s.did, null);
    assert.equal(s.authIndex, 0);
    assert.equal(s.recoveryIndex, 0);
    assert.equal(s.authKey, deriveMasterKey(seed, 'auth', 0).multikey);
    assert.equal(s.plannedDid, planCreate(seed, 0, 0).did);
    assert.ok(!show.stdout.includes(mnemonic.split(' ').slice(0, 2).join(' ')));
    pairwise = [p1, p2!].map((r) => json<{ did: string }>(r).did);
    assert.notEqual(pairwise[0], pairwise[1]);
    assert.deepEqual(
      pairwise,
      origins.map((o) => derivePairwise(seed, o).did),
    );
    assert.equal(json<{ origin: string }>(p1).origin, 'https://shop.example');
    assert.equal(errorOf(bad!).code, 'ERR_WALLET_BAD_ORIGIN');
  });

  await t.test('did create, then did resolve verifies the proofs', async () => {
    const c = json<{ did: string; version: number }>(await cli('did', 'create', '--json'));
    did = c.did;
    assert.equal(did, planCreate(seed, 0, 0).did);
    assert.equal((JSON.parse(readFileSync(walletFile, 'utf8')) as { did: string }).did, did);
    const r = json<Resolved>(await cli('did', 'resolve', did, '--json'));
    assert.equal(r.didDocumentMetadata.versionId, '1');
    assert.equal(r.didDocumentMetadata.deactivated, false);
    assert.ok((r.verified as { checkpoint: { height: number } }).checkpoint.height >= 1);
    assert.deepEqual(
      r.didDocument.verificationMethod.map((vm) => [vm.id, vm.publicKeyMultibase]),
      [[`${did}#key-0`, deriveMasterKey(seed, 'auth', 0).multikey]],
    );
  });

  await t.test('did update --add-service, did rotate; the old key can no longer sign', async () => {
    const u = json<{ version: number }>(
      await cli(
        'did',
        'update',
        '--add-service',
        'id=web,type=LinkedDomains,endpoint=https://example.com/me',
        '--json',
      ),
    );
    assert.equal(u.version, 2);
    const rot = json<{ version: number; authIndex: number }>(await cli('did', 'rotate', '--json'));
    assert.deepEqual([rot.version, rot.authIndex], [3, 1]);
    assert.equal(
      (JSON.parse(readFileSync(walletFile, 'utf8')) as { authIndex: number }).authIndex,
      1,
    );
    const r = json<Resolved>(await cli('did', 'resolve', did, '--json'));
    assert.equal(r.didDocumentMetadata.versionId, '3');
    assert.deepEqual(
      r.didDocument.verificationMethod.map((vm) => [vm.id, vm.publicKeyMultibase]),
      [[`${did}#key-1`, deriveMasterKey(seed, 'auth', 1).multikey]],
    );
    assert.deepEqual(
      r.didDocument.service?.map((s) => s.id),
      [`${did}#web`],
    );

    // An update signed with the rotated-out key 0: the ledger resolves no key for `#key-0` any more.
    const record = (await client.state<DidRecord>(DID_KEYS.current(parseRdid(did)))).value!;
    const plan = planUpdate(seed, record, 0, [{ op: 'remove-service', id: 'web' }]);
    const tx = signTx(
      {
        kind: plan.kind,
        body: plan.body,
        signer: plan.signer,
        nonce: await client.nextNonce(did),
        created: Date.now(),
      },
      plan.keyPair,
    );
    await assert.rejects(client.submit(tx), (err: unknown) =>
      isAppError(err, 'ERR_LEDGER_BAD_SIGNER'),
    );
  });

  await t.test('did recover, then did resolve --version-id 1', async () => {
    const rec = json<{ version: number; authIndex: number; recoveryIndex: number }>(
      await cli('did', 'recover', '--json'),
    );
    assert.deepEqual([rec.version, rec.authIndex, rec.recoveryIndex], [4, 2, 1]);
    const now = await client.resolveDid(did);
    assert.equal(now.didDocumentMetadata.versionId, '4');
    assert.deepEqual(
      now.didDocument.verificationMethod.map((vm) => vm.publicKeyMultibase),
      [deriveMasterKey(seed, 'auth', 2).multikey],
    );
    assert.equal(now.didDocument.service, undefined, 'recovery replaces the whole document');

    const v1 = json<Resolved>(await cli('did', 'resolve', did, '--version-id', '1', '--json'));
    assert.equal(v1.didDocumentMetadata.versionId, '1');
    assert.equal(v1.didDocumentMetadata.nextVersionId, '2');
    assert.deepEqual(
      v1.didDocument.verificationMethod.map((vm) => vm.id),
      [`${did}#key-0`],
    );
  });

  await t.test(
    'did deactivate needs --yes; afterwards the DID resolves as deactivated and cannot change',
    async () => {
      assert.equal(errorOf(await cli('did', 'deactivate', '--json')).code, 'ERR_CLI_USAGE');
      const d = json<{ version: number; deactivated: boolean }>(
        await cli('did', 'deactivate', '--yes', '--json'),
      );
      assert.deepEqual([d.version, d.deactivated], [5, true]);
      const [resolved, update] = await Promise.all([
        cli('did', 'resolve', did, '--json'),
        cli('did', 'update', '--remove-service', 'web', '--json'),
      ]);
      assert.equal(json<Resolved>(resolved).didDocumentMetadata.deactivated, true);
      // The CLI reads the proven record first and refuses: ERR_DID_DEACTIVATED (nothing is submitted).
      assert.equal(errorOf(update).code, 'ERR_DID_DEACTIVATED');
      // Submitted anyway with the last valid key, the ledger answers ERR_LEDGER_BAD_SIGNER: its key
      // resolver gives no key for a deactivated DID, and the signer key is resolved before the
      // module's apply (which is where ERR_DID_DEACTIVATED would come from).
      const record = (await client.state<DidRecord>(DID_KEYS.current(parseRdid(did)))).value!;
      const plan = planUpdate(seed, record, 2, [{ op: 'remove-service', id: 'web' }]);
      const tx = signTx(
        {
          kind: plan.kind,
          body: plan.body,
          signer: plan.signer,
          nonce: await client.nextNonce(did),
          created: Date.now(),
        },
        plan.keyPair,
      );
      await assert.rejects(client.submit(tx), (err: unknown) =>
        isAppError(err, 'ERR_LEDGER_BAD_SIGNER'),
      );
    },
  );

  await t.test(
    'wallet restore finds the DID and its current indexes; it derives the same keys',
    async () => {
      const restoreDir = tempDir({ 'phrase.txt': `  ${mnemonic.toUpperCase()}\n` });
      t.after(() => rmSync(restoreDir, { recursive: true, force: true }));
      const second = join(restoreDir, 'wallet2.json');
      const env2 = { ...env, REALDID_WALLET: second, REALDID_PASSPHRASE: 'another passphrase' };
      const badWords = mnemonic.split(' ').reverse().join(' ');
      const before = readFileSync(walletFile, 'utf8');
      const [restored, bad, sync] = await Promise.all([
        runCli(restoreDir, ['wallet', 'restore', '--mnemonic-file', 'phrase.txt', '--json'], env2),
        runCli(
          restoreDir,
          [
            'wallet',
            'restore',
            '--wallet',
            'other.json',
            '--mnemonic',
            `${badWords.split(' ').slice(1).join(' ')} zzzz`,
            '--json',
          ],
          env2,
        ),
        cli('wallet', 'sync', '--json'),
      ]);
      // The first wallet kept its indexes through every operation: a sync with the ledger changes nothing.
      assert.deepEqual(json(sync), {
        wallet: walletFile,
        did,
        authIndex: 2,
        recoveryIndex: 1,
        found: true,
      });
      assert.equal(readFileSync(walletFile, 'utf8'), before);
      assert.equal(statSync(walletFile).mode & 0o777, 0o600);
      const r = json<{ did: string; authIndex: number; recoveryIndex: number }>(restored);
      assert.deepEqual([r.did, r.authIndex, r.recoveryIndex], [did, 2, 1]);
      assert.equal(errorOf(bad).code, 'ERR_WALLET_BAD_MNEMONIC');
      const p = json<{ did: string }>(
        await runCli(restoreDir, ['wallet', 'pairwise', 'https://shop.example', '--json'], env2),
      );
      assert.equal(p.did, pairwise[0]);
      const text = readFileSync(second, 'utf8');
      for (const secret of [
        mnemonic,
        toHex(mnemonicEntropy(mnemonic)),
        toBase64url(mnemonicEntropy(mnemonic)),
      ])
        assert.ok(!text.includes(secret));
    },
  );

  await t.test('a wrong passphrase exits 5 with ERR_CRYPTO_WRONG_PASSPHRASE', async () => {
    const r = await runCli(dir, ['wallet', 'show', '--json'], {
      ...env,
      REALDID_PASSPHRASE: 'not the passphrase',
    });
    assert.equal(r.code, 5);
    const e = errorOf(r);
    assert.equal(e.code, 'ERR_CRYPTO_WRONG_PASSPHRASE');
    assert.match(e.message, /wrong passphrase for the wallet .*wallet\.json/);
    assert.equal(r.stdout, '');
  });
});
