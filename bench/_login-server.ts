/**
 * The login benchmark's server process (forked by bench/login.ts, so the site has its own CPU and
 * the wallets theirs): a node on the data folder (its own HTTP port) and the demo site on the
 * port its origin names, both over real HTTP. It answers IPC messages: `cpu` (this process's CPU
 * microseconds so far, and the site's requests to the node), `profile-start` / `profile-stop` (a
 * V8 CPU profile of this process), `stop`.
 * Usage (by bench/login.ts only): node --import tsx bench/_login-server.ts <data dir> <site port>
 */
import type { Profiler } from 'node:inspector';
import { Session } from 'node:inspector/promises';
import { startNode } from '../src/node/index.ts';
import { RealdidClient } from '../src/sdk/index.ts';
import { createDemoSite } from '../examples/demo-site/server.ts';
import { loadDemoSiteSigner } from '../examples/demo-site/site-key.ts';

/** The folder's key passphrase (bench/login.ts creates the folder with it). */
export const BENCH_PASSPHRASE = 'bench login passphrase';

/** What the server process says once it listens. */
export interface ServerReady {
  readonly nodeUrl: string;
  readonly siteUrl: string;
  readonly siteDid: string;
}

/** Messages the server answers. */
export type ServerMessage = 'cpu' | 'profile-start' | 'profile-stop' | 'stop';

const cpuUs = (): number => {
  const u = process.cpuUsage();
  return u.user + u.system;
};

/** What a sample's own frame (the leaf) was doing. */
function groupOfFrame(f: Profiler.ProfileNode['callFrame']): string | undefined {
  const { functionName: name, url } = f;
  if (name === '(idle)' || name === '(program)') return undefined;
  if (name === '(garbage collector)') return 'garbage collector';
  if (url === '' && (name === 'run' || name === 'SignJob')) return 'Ed25519 sign/verify';
  if (url === '' && /^(writev|writeLatin1String|writeUtf8String|writeBuffer|readv)$/.test(name))
    return 'socket writes';
  if (/^node:(_http|net|internal\/(stream|streams|http|net))/.test(url)) return 'node http';
  const pkg = /node_modules\/((@[^/]+\/)?[^/]+)\//.exec(url)?.[1];
  if (pkg !== undefined) return /^(dcql|valibot)$/.test(pkg) ? 'dcql + valibot' : `pkg ${pkg}`;
  const layer = /\/src\/([a-z-]+)\//.exec(url)?.[1];
  if (layer !== undefined) return `src/${layer}`;
  if (url.includes('/examples/')) return 'demo site';
  if (url.includes('/bench/')) return 'bench';
  return 'runtime, other';
}

/** Where a profile's time went: ms per login by group, and the hottest functions (ms in all). */
export function profileOf(
  p: Profiler.Profile,
  logins: number,
  top: number,
): { groups: [string, number][]; hot: [string, number][] } {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const samples = p.samples ?? [];
  const deltas = p.timeDeltas ?? [];
  const groups = new Map<string, number>();
  const fns = new Map<string, number>();
  for (let i = 0; i < samples.length; i++) {
    const f = byId.get(samples[i]!)!.callFrame;
    const us = deltas[i + 1] ?? 0;
    const g = groupOfFrame(f);
    if (g === undefined) continue;
    groups.set(g, (groups.get(g) ?? 0) + us);
    const file = f.url.replace(/^.*\/(node_modules|src|examples|bench)\//, '$1/');
    const key = `${f.functionName || '(anonymous)'} ${file}:${f.lineNumber + 1}`;
    fns.set(key, (fns.get(key) ?? 0) + us);
  }
  const sorted = (m: Map<string, number>, div: number): [string, number][] =>
    [...m].sort((a, b) => b[1] - a[1]).map(([k, us]) => [k, us / 1000 / div]);
  return { groups: sorted(groups, logins), hot: sorted(fns, 1).slice(0, top) };
}

async function main(): Promise<void> {
  const [dir, portText] = process.argv.slice(2);
  const port = Number(portText);
  if (dir === undefined || !Number.isInteger(port)) throw new Error('usage: <data dir> <port>');
  const node = await startNode({ dataDir: dir, passphrase: BENCH_PASSPHRASE, port: 0 });
  const loaded = loadDemoSiteSigner(dir, BENCH_PASSPHRASE);
  const siteUrl = `http://127.0.0.1:${port}`;
  let nodeRequests = 0; // the site's requests to the node (registration, issuer, status list)
  const client = new RealdidClient({
    url: node.url,
    genesisHash: loaded.genesisHash,
    fetch: (input, init) => {
      nodeRequests += 1;
      return fetch(input, init);
    },
  });
  const site = createDemoSite({ client, site: loaded.signer, baseUrl: siteUrl });
  await site.listen({ port, host: '127.0.0.1' });
  let session: Session | undefined;
  process.on('message', (m: ServerMessage) => {
    const answer = async (): Promise<unknown> => {
      if (m === 'cpu') return { cpuUs: cpuUs(), nodeRequests };
      if (m === 'profile-start') {
        session = new Session();
        session.connect();
        await session.post('Profiler.enable');
        await session.post('Profiler.setSamplingInterval', { interval: 200 });
        await session.post('Profiler.start');
        return { ok: true };
      }
      if (m === 'profile-stop') {
        const { profile } = await session!.post('Profiler.stop');
        session!.disconnect();
        return { profile };
      }
      await site.close();
      await node.close();
      return { stopped: true };
    };
    answer().then(
      (a) => {
        process.send!(a);
        if (m === 'stop') process.exit(0);
      },
      (err: unknown) => process.send!({ error: String(err) }),
    );
  });
  process.send!({ nodeUrl: node.url, siteUrl, siteDid: loaded.signer.did } satisfies ServerReady);
}

if (process.send !== undefined)
  main().catch((err: unknown) => {
    process.stderr.write(`login bench server: ${String(err)}\n`);
    process.exit(1);
  });
