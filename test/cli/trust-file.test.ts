/**
 * The trust file as a unit (in process, temporary folders): created 0600 in a 0700 folder, no
 * temp file left behind, the higher checkpoint kept when two commands write at once, and another
 * block at a remembered height refused.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import {
  forgetNode,
  loadTrustFile,
  pinNode,
  rememberCheckpoint,
  trustFilePath,
} from '../../src/cli/trust-file.ts';
import { isAppError } from '../../src/errors.ts';
import type { Checkpoint } from '../../src/ledger/index.ts';

const root = mkdtempSync(join(tmpdir(), 'realdid-trust-file-'));
after(() => rmSync(root, { recursive: true, force: true }));

const G = 'a1'.repeat(32);
const NODE_URL = 'http://127.0.0.1:8080';
const cp = (height: number, hashDigit: string): Checkpoint => ({
  chainId: 'realdid-demo',
  height,
  blockHash: hashDigit.repeat(64),
  logSize: height,
  logRoot: '0'.repeat(64),
  stateRoot: '1'.repeat(64),
  time: 1_800_000_000_000 + height,
});

test('trustFilePath: --trust-file, else $REALDID_HOME/trust.json', () => {
  const saved = process.env.REALDID_HOME;
  try {
    process.env.REALDID_HOME = join(root, 'h');
    assert.equal(trustFilePath(), join(root, 'h', 'trust.json'));
    assert.equal(trustFilePath('/x/t.json'), '/x/t.json');
  } finally {
    if (saved === undefined) delete process.env.REALDID_HOME;
    else process.env.REALDID_HOME = saved;
  }
});

test('a missing file is empty; the first write creates it 0600 in a 0700 folder, leaving no temp file', () => {
  const dir = join(root, 'new', 'home');
  const path = join(dir, 'trust.json');
  assert.deepEqual(loadTrustFile(path), { version: 1, nodes: {}, chains: {} });
  pinNode(path, NODE_URL, G, 'realdid-demo');
  assert.equal(statSync(path).mode & 0o777, 0o600);
  assert.equal(statSync(dir).mode & 0o777, 0o700);
  assert.deepEqual(readdirSync(dir), ['trust.json']);
  assert.equal(loadTrustFile(path).nodes[NODE_URL]?.genesisHash, G);
});

test('rememberCheckpoint keeps the higher of two; another block at the same height → ERR_LEDGER_INCONSISTENT, file unchanged', () => {
  const path = join(root, 'race.json');
  rememberCheckpoint(path, G, NODE_URL, cp(5, 'b'));
  rememberCheckpoint(path, G, NODE_URL, cp(3, 'c')); // a slower command that saw less
  assert.equal(loadTrustFile(path).chains[G]?.checkpoint.height, 5);
  rememberCheckpoint(path, G, NODE_URL, cp(5, 'b')); // the same again
  assert.throws(
    () => rememberCheckpoint(path, G, 'http://other:8080', cp(5, 'd')),
    (err) => {
      assert.ok(isAppError(err, 'ERR_LEDGER_INCONSISTENT'));
      assert.ok(
        err.message.includes('b'.repeat(64)) && err.message.includes('d'.repeat(64)),
        err.message,
      );
      return true;
    },
  );
  assert.equal(loadTrustFile(path).chains[G]?.checkpoint.blockHash, 'b'.repeat(64));
  rememberCheckpoint(path, G, NODE_URL, cp(6, 'e'));
  assert.equal(loadTrustFile(path).chains[G]?.checkpoint.height, 6);
});

test('forgetNode drops the pin and its chain, keeps the rest; an unknown NODE_URL forgets nothing', () => {
  const path = join(root, 'forget.json');
  const H = 'f2'.repeat(32);
  pinNode(path, NODE_URL, G, 'realdid-demo');
  pinNode(path, 'http://other:8080', H, 'other');
  rememberCheckpoint(path, G, NODE_URL, cp(1, 'b'));
  rememberCheckpoint(path, H, 'http://other:8080', cp(2, 'c'));
  assert.equal(forgetNode(path, 'http://nobody:1'), undefined);
  assert.equal(forgetNode(path, NODE_URL)?.genesisHash, G);
  const t = loadTrustFile(path);
  assert.deepEqual(Object.keys(t.nodes), ['http://other:8080']);
  assert.deepEqual(Object.keys(t.chains), [H]);
});

test('malformed content → ERR_CLI_TRUST_FILE naming the part', async () => {
  const { writeFileSync } = await import('node:fs');
  const path = join(root, 'malformed.json');
  for (const [content, part] of [
    ['[]', /not a realdid trust file/],
    [JSON.stringify({ version: 2, nodes: {}, chains: {} }), /not a realdid trust file/],
    [
      JSON.stringify({
        version: 1,
        nodes: { [NODE_URL]: { genesisHash: 'xyz', chainId: 'c', pinnedAt: 't' } },
        chains: {},
      }),
      /pin of/,
    ],
    [
      JSON.stringify({
        version: 1,
        nodes: {},
        chains: {
          [G]: { chainId: 'c', url: NODE_URL, verifiedAt: 't', checkpoint: { height: -1 } },
        },
      }),
      /checkpoint of chain/,
    ],
  ] as const) {
    writeFileSync(path, content, { mode: 0o600 });
    assert.throws(
      () => loadTrustFile(path),
      (err) => isAppError(err, 'ERR_CLI_TRUST_FILE') && part.test(err.message),
    );
  }
});
