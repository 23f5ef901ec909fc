/**
 * The installed dependency tree keeps the promise of package.json `engines`: every package in
 * package-lock.json accepts the Node versions `engines` claims (so `npm install` on Node 20 prints
 * no EBADENGINE warning), and the versions pinned by `overrides` for that (cookie@1 under
 * light-my-request, content-disposition@2 under @fastify/static) do what their dependents call
 * them for.
 */
import assert from 'node:assert/strict';
import { hash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import Fastify from 'fastify';
import { buildApp } from '../../src/node/index.ts';
import { openTestLedger } from '../helpers/ledger.ts';

const ROOT = new URL('../../', import.meta.url);
const pkg = JSON.parse(readFileSync(new URL('package.json', ROOT), 'utf8')) as {
  engines: { node: string };
  overrides?: Record<string, unknown>;
};
const lock = JSON.parse(readFileSync(new URL('package-lock.json', ROOT), 'utf8')) as {
  packages: Record<string, { version?: string; engines?: { node?: string } | string[] }>;
};
const require = createRequire(import.meta.url);
// semver is fastify's own dependency (fastify checks plugin versions with it).
const semver = createRequire(require.resolve('fastify'))('semver') as {
  satisfies(v: string, range: string): boolean;
  minVersion(range: string): { version: string } | null;
};

/** The version of `name` that `req` loads (its package.json is not always exported). */
function installedVersion(req: NodeJS.Require, name: string): string {
  for (const dir of req.resolve.paths(name) ?? []) {
    let text: string;
    try {
      text = readFileSync(join(dir, name, 'package.json'), 'utf8');
    } catch {
      continue; // not in this node_modules folder
    }
    return (JSON.parse(text) as { version: string }).version;
  }
  throw new Error(`${name} is not installed`);
}

/** The lowest version of each `||` branch of the engines range, and this Node. */
function claimedVersions(range: string): string[] {
  const lows = range.split('||').map((branch) => semver.minVersion(branch.trim())!.version);
  return [...new Set([...lows, process.versions.node])];
}

test('package.json engines is true: crypto.hash (20.12) and every dependency are there at its lowest versions', () => {
  const claimed = claimedVersions(pkg.engines.node);
  assert.ok(
    claimed.includes(process.versions.node) &&
      semver.satisfies(process.versions.node, pkg.engines.node),
    `this Node ${process.version} is within engines ${pkg.engines.node}`,
  );
  assert.equal(typeof hash, 'function', 'crypto.hash exists');
  assert.ok(
    semver.satisfies(semver.minVersion(pkg.engines.node)!.version, '>=20.12'),
    'crypto.hash needs Node 20.12',
  );
  const refused: string[] = [];
  for (const [path, p] of Object.entries(lock.packages)) {
    const range = Array.isArray(p.engines) ? undefined : p.engines?.node;
    if (path === '' || range === undefined) continue;
    for (const v of claimed)
      if (!semver.satisfies(v, range))
        refused.push(
          `${path.replace(/^.*node_modules\//, '')}@${p.version} wants node ${range}, engines claims ${v}`,
        );
  }
  assert.deepEqual(refused, []);
});

test('cookie@1 under light-my-request: inject() sends the `cookies` option as a Cookie header', async () => {
  const version = installedVersion(createRequire(require.resolve('light-my-request')), 'cookie');
  assert.ok(semver.satisfies(version, '^1.1.1'), `cookie ${version}`);
  const app = Fastify();
  app.get('/', async (req) => ({ cookie: req.headers.cookie ?? null }));
  try {
    const res = await app.inject({
      method: 'GET',
      url: '/',
      cookies: { a: 'b c', session: 'x;y' },
    });
    assert.deepEqual(res.json(), { cookie: 'a=b%20c; session=x%3By' });
  } finally {
    await app.close();
  }
});

test('content-disposition@2 under @fastify/static: reply.download() names the file; the Swagger UI assets load', async () => {
  const swaggerUi = require.resolve('@fastify/swagger-ui');
  const staticPath = createRequire(swaggerUi).resolve('@fastify/static');
  const staticRequire = createRequire(staticPath);
  const version = installedVersion(staticRequire, 'content-disposition');
  assert.ok(semver.satisfies(version, '^2.0.1'), `content-disposition ${version}`);
  const dir = mkdtempSync(join(tmpdir(), 'realdid-static-'));
  writeFileSync(join(dir, 'report ä.txt'), 'hello');
  const app = Fastify();
  await app.register(staticRequire('@fastify/static') as never, { root: dir, serve: false });
  app.get('/file', (_req, reply) =>
    (reply as unknown as { download(name: string): unknown }).download('report ä.txt'),
  );
  try {
    const res = await app.inject({ method: 'GET', url: '/file' });
    assert.equal(res.statusCode, 200);
    assert.equal(res.body, 'hello');
    assert.equal(
      res.headers['content-disposition'],
      `attachment; filename="report ?.txt"; filename*=UTF-8''report%20%C3%A4.txt`,
    );
  } finally {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  }

  const l = openTestLedger({ orgs: 1 });
  const node = await buildApp(l.node);
  try {
    for (const url of [
      '/docs',
      '/docs/static/swagger-ui.css',
      '/docs/static/swagger-ui-bundle.js',
      '/docs/static/swagger-initializer.js',
    ]) {
      const res = await node.inject({ method: 'GET', url });
      assert.equal(res.statusCode, 200, `${url}: ${res.body.slice(0, 100)}`);
      assert.ok(res.body.length > 0);
    }
  } finally {
    await node.close();
    await l.close();
  }
});
