/**
 * `realdid query`: any module query the node lists at /v1/modules, run from the command line
 * without a command of its own.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { DEMO_PASSPHRASE } from '../../src/node/index.ts';
import { runRealdid, startNodeProcess, type NodeProcess } from '../helpers/cli.ts';

describe('realdid query', () => {
  const dir = mkdtempSync(join(tmpdir(), 'realdid-query-'));
  const data = join(dir, 'data');
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    REALDID_PASSPHRASE: DEMO_PASSPHRASE,
    REALDID_HOME: join(dir, 'home'),
  };
  delete env.REALDID_URL;
  let node: NodeProcess;

  before(async () => {
    const init = await runRealdid(['node', 'init', '--data', data, '--demo'], { env });
    assert.equal(init.code, 0, init.stderr);
    node = await startNodeProcess(data, { env });
  });
  after(async () => {
    if (node?.child.pid !== undefined && node.child.exitCode === null) {
      process.kill(node.child.pid, 'SIGTERM');
      await node.exited;
    }
    rmSync(dir, { recursive: true, force: true });
  });

  test('--list shows every module with its queries; a query runs by name with name=value inputs', async () => {
    const list = await runRealdid(['query', '--list', '--json', '--url', node.url], { env });
    assert.equal(list.code, 0, list.stderr);
    const modules = JSON.parse(list.stdout) as { namespace: string; queries: { name: string }[] }[];
    assert.deepEqual(
      modules.find((m) => m.namespace === 'gov')!.queries.map((q) => q.name),
      [
        'orgs',
        'proposals',
        'proposal',
        'roles',
        'accreditation',
        'site-origin',
        'documents',
        'document',
      ],
    );
    assert.deepEqual(
      modules.find((m) => m.namespace === 'idn')!.queries.map((q) => q.name),
      [
        'master',
        'lists',
        'status',
        'disclosure',
        'disclosure-counts',
        'lawful-request',
        'lawful-requests',
        'lawful-notices',
      ],
    );
    const orgs = await runRealdid(['query', 'gov', 'orgs', '--json', '--url', node.url], { env });
    assert.equal(orgs.code, 0, orgs.stderr);
    assert.equal((JSON.parse(orgs.stdout) as { quorum: number }).quorum, 2);
    const page = await runRealdid(
      ['query', 'gov', 'proposals', 'status=open', 'limit=5', '--json', '--url', node.url],
      { env },
    );
    assert.equal(page.code, 0, page.stderr);
    assert.deepEqual(JSON.parse(page.stdout), { proposals: [], next: null });
  });

  test('an unknown query, a missing path parameter or a bad input is a typed error with its exit code', async () => {
    const none = await runRealdid(['query', 'gov', 'nothing', '--json', '--url', node.url], {
      env,
    });
    assert.notEqual(none.code, 0);
    assert.equal(JSON.parse(none.stderr).code, 'ERR_SDK_NO_QUERY');
    const missing = await runRealdid(['query', 'gov', 'proposal', '--json', '--url', node.url], {
      env,
    });
    assert.equal(JSON.parse(missing.stderr).code, 'ERR_SDK_QUERY_INPUT');
    const notFound = await runRealdid(
      ['query', 'gov', 'proposal', `id=${'ab'.repeat(32)}`, '--json', '--url', node.url],
      { env },
    );
    assert.equal(JSON.parse(notFound.stderr).code, 'ERR_GOV_PROPOSAL_NOT_FOUND');
    const bad = await runRealdid(
      ['query', 'gov', 'proposals', 'oops', '--json', '--url', node.url],
      { env },
    );
    assert.equal(bad.code, 2);
    assert.equal(JSON.parse(bad.stderr).code, 'ERR_CLI_USAGE');
  });
});
