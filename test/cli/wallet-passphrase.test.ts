/**
 * A person's wallet is never encrypted under the public demo passphrase by accident: `wallet
 * init` and `wallet restore` refuse it (from $REALDID_PASSPHRASE or a file) unless
 * --insecure-demo-passphrase says so, and then warn loudly. The README's "Using it" flow does not
 * lead there, and says where the wallet file lives.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { newMnemonic } from '../../src/did/index.ts';
import { DEMO_PASSPHRASE } from '../../src/node/index.ts';
import { ROOT, runRealdid, type Run } from '../helpers/cli.ts';

const root = mkdtempSync(join(tmpdir(), 'realdid-wallet-pass-'));
after(() => rmSync(root, { recursive: true, force: true }));

let n = 0;
/** A fresh REALDID_HOME for each run, and nothing else from the caller's REALDID_*. */
function env(extra: Record<string, string>): { env: NodeJS.ProcessEnv; home: string } {
  const home = join(root, `home${n++}`);
  const base = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith('REALDID_')),
  );
  return { env: { ...base, REALDID_HOME: home, ...extra }, home };
}

function lastJson(r: Run): { code: string; message: string } {
  return JSON.parse(r.stderr.trim().split('\n').at(-1) ?? '') as { code: string; message: string };
}

describe('the demo passphrase and personal wallets', () => {
  test('wallet init under REALDID_PASSPHRASE=realdid-demo → exit 2 ERR_CLI_INSECURE_PASSPHRASE, no wallet written', async () => {
    const { env: e, home } = env({ REALDID_PASSPHRASE: DEMO_PASSPHRASE });
    const r = await runRealdid(['wallet', 'init', '--json'], { env: e });
    assert.equal(r.code, 2, r.stderr);
    const err = lastJson(r);
    assert.equal(err.code, 'ERR_CLI_INSECURE_PASSPHRASE');
    assert.match(err.message, /--insecure-demo-passphrase/);
    assert.equal(r.stdout, '');
    assert.equal(existsSync(join(home, 'wallet.json')), false);
  });

  test('the same passphrase from --passphrase-file, and wallet restore → refused too', async () => {
    const file = join(root, 'demo-pass.txt');
    writeFileSync(file, `${DEMO_PASSPHRASE}\n`);
    const { env: e1, home: h1 } = env({});
    const init = await runRealdid(['wallet', 'init', '--passphrase-file', file, '--json'], {
      env: e1,
    });
    assert.equal(init.code, 2);
    assert.equal(lastJson(init).code, 'ERR_CLI_INSECURE_PASSPHRASE');
    assert.equal(existsSync(join(h1, 'wallet.json')), false);
    const { env: e2, home: h2 } = env({ REALDID_PASSPHRASE: DEMO_PASSPHRASE });
    const restore = await runRealdid(
      ['wallet', 'restore', '--mnemonic', newMnemonic(12), '--offline', '--json'],
      { env: e2 },
    );
    assert.equal(restore.code, 2);
    assert.equal(lastJson(restore).code, 'ERR_CLI_INSECURE_PASSPHRASE');
    assert.equal(existsSync(join(h2, 'wallet.json')), false);
  });

  test('--insecure-demo-passphrase creates it, with a loud warning on stderr', async () => {
    const { env: e, home } = env({ REALDID_PASSPHRASE: DEMO_PASSPHRASE });
    const r = await runRealdid(['wallet', 'init', '--insecure-demo-passphrase', '--json'], {
      env: e,
    });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /WARNING: .*public demo passphrase/);
    const out = JSON.parse(r.stdout) as { wallet: string };
    assert.equal(out.wallet, join(home, 'wallet.json'));
    assert.equal(statSync(out.wallet).mode & 0o777, 0o600);
  });

  test('a passphrase of your own: the wallet goes to $REALDID_HOME/wallet.json and the output says so', async () => {
    const { env: e, home } = env({ REALDID_PASSPHRASE: 'my own long passphrase' });
    const r = await runRealdid(['wallet', 'init'], { env: e });
    assert.equal(r.code, 0, r.stderr);
    assert.ok(r.stdout.includes(`created wallet ${join(home, 'wallet.json')}`), r.stdout);
    assert.doesNotMatch(r.stderr, /WARNING/);
  });
});

describe('README "Using it"', () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(
    readme.indexOf('## Using it'),
    readme.indexOf('\n## ', readme.indexOf('## Using it') + 1),
  );
  const block = /```sh\n([\s\S]*?)```/.exec(section)?.[1] ?? '';

  test('followed in order, no wallet is created while REALDID_PASSPHRASE is the demo passphrase', () => {
    assert.ok(block.includes('wallet init'), 'the flow creates a wallet');
    let passphrase: string | undefined;
    for (const line of block.split('\n').map((l) => l.replace(/\s+#.*$/, '').trim())) {
      for (const cmd of line.split(/\s*(?:&&|;)\s*/)) {
        const set = /^export REALDID_PASSPHRASE=(\S+)$/.exec(cmd);
        if (set) passphrase = set[1]!.replace(/^['"]|['"]$/g, '');
        if (/^unset REALDID_PASSPHRASE$/.test(cmd)) passphrase = undefined;
        if (/\bwallet (init|restore)\b/.test(cmd)) {
          const own = /^REALDID_PASSPHRASE=/.test(cmd) || /--passphrase-file/.test(cmd);
          assert.ok(
            own || passphrase !== DEMO_PASSPHRASE,
            `"${cmd}" runs with REALDID_PASSPHRASE=${DEMO_PASSPHRASE}`,
          );
          assert.doesNotMatch(cmd, /--insecure-demo-passphrase/);
        }
      }
    }
  });

  test('it says where the wallet file lives', () => {
    assert.ok(section.includes('~/.realdid/wallet.json'), 'names ~/.realdid/wallet.json');
    assert.ok(
      section.includes('REALDID_WALLET') && section.includes('REALDID_HOME'),
      'names the variables that move it',
    );
  });
});
