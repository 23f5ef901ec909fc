/** node.json's schema: what `checkNodeConfig` accepts, and the field it names when it refuses. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isAppError } from '../../src/errors.ts';
import { checkNodeConfig, DEFAULT_SOLO_ORDERING } from '../../src/node/index.ts';

const BASE = {
  org: 'org1',
  keyFile: 'keys/org1.json',
  host: '127.0.0.1',
  port: 8080,
  ordering: DEFAULT_SOLO_ORDERING,
};

test('node.json: the optional fields are accepted as written', () => {
  assert.deepEqual(checkNodeConfig(BASE, 'node.json'), BASE);
  for (const extra of [
    { signatureThreads: 0 },
    { signatureThreads: 3 },
    { publicUrl: 'https://node1.example' },
    { modules: { did: { viewCacheMb: 0 } } },
  ]) {
    const config = { ...BASE, ...extra };
    assert.deepEqual(checkNodeConfig(config, 'node.json'), config);
  }
});

test('node.json: a malformed or unknown field is ERR_CLI_DATA_DIR naming it', () => {
  for (const [bad, field] of [
    [{ signatureThreads: -1 }, 'signatureThreads'],
    [{ signatureThreads: 1.5 }, 'signatureThreads'],
    [{ signatureThreads: '2' }, 'signatureThreads'],
    [{ port: 70_000 }, 'port'],
    [{ threads: 2 }, 'threads'],
  ] as const)
    assert.throws(
      () => checkNodeConfig({ ...BASE, ...bad }, 'node.json'),
      (err) => isAppError(err, 'ERR_CLI_DATA_DIR') && err.message.includes(field),
      JSON.stringify(bad),
    );
});
