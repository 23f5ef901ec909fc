/**
 * Where the DID resolver's time goes over HTTP: on a ledger built by `bench:resolve --ledger DIR`,
 * serves one route per stage of a resolution (each answering the same fixed body, so only the
 * work differs) next to the node's real resolver, and loads each in turn like bench:resolve does.
 * A stage's cost inside the server is 1/reqPerSec minus the `fixed` stage's; on a loaded
 * 2-core machine these are often two to three times the stage's cost in a tight loop.
 * Usage: npm run bench:resolve-stages -- --ledger DIR [--seconds S] [--rounds R]
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve as resolvePath } from 'node:path';
import Fastify from 'fastify';
import {
  didRuntimeOf,
  documentMetadataJson,
  parseRdid,
  renderDocumentJson,
  resolveForHttp,
  resolveOptionsOf,
  resolverProofs,
  type DidRecord,
} from '../src/did/index.ts';
import type { GenesisDoc } from '../src/ledger/index.ts';
import { buildApp, openLedgerNode } from '../src/node/index.ts';
import { log, median } from './common.ts';
import { loadRandomPaths } from './http-load.ts';

const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(name);
  return i === -1 ? undefined : process.argv[i + 1];
};
const ledgerDir = arg('--ledger');
if (ledgerDir === undefined || !existsSync(join(ledgerDir, 'bench-resolve.json'))) {
  throw new Error(
    'give --ledger DIR with a ledger built by `npm run bench:resolve -- --ledger DIR`',
  );
}
const dir = resolvePath(ledgerDir);
const SECONDS = Number(arg('--seconds') ?? 3);
const ROUNDS = Number(arg('--rounds') ?? 3);
const CONNECTIONS = 10;

const { genesis } = JSON.parse(readFileSync(join(dir, 'bench-resolve.json'), 'utf8')) as {
  genesis: GenesisDoc;
};
log('did-resolve-stages: opening the ledger');
const node = openLedgerNode({ path: join(dir, 'ledger.sqlite'), genesis });
const { chain } = node;
const didsFile = join(dir, 'dids.json');
const dids = JSON.parse(readFileSync(didsFile, 'utf8')) as string[];

const keyOf = (did: string): string => `did/doc/${parseRdid(did)}`;
await node.ready;
const app = await buildApp(node);
const sample = (await app.inject({ url: `/1.0/identifiers/${dids[0]}` })).body;
const { writeProof, viewProof } = resolverProofs(chain);
/** Each stage does its work on the requested DID and answers the same fixed body. */
const STAGES: Record<string, (did: string) => void> = {
  fixed: () => undefined,
  parse: (did) => {
    resolveOptionsOf(did);
    parseRdid(did);
  },
  read: (did) => chain.state.get(keyOf(did)),
  'read+parse': (did) => JSON.parse(chain.state.get(keyOf(did))!) as unknown,
  'read+parse+render': (did) => {
    const record = JSON.parse(chain.state.get(keyOf(did))!) as DidRecord;
    renderDocumentJson(record, true);
    documentMetadataJson(record);
  },
  proof: (did) => chain.stateProofJson(keyOf(did), 'unused'),
  'read+proof': (did) => {
    const key = keyOf(did);
    chain.stateProofJson(key, chain.state.get(key));
  },
  'resolve (no proof)': (did) => resolveForHttp(chain.state, did, undefined),
  // The node's two ways to a full answer: from the store, and from the pre-rendered views.
  'store answer': (did) => resolveForHttp(chain.state, did, undefined, {}, writeProof),
  'views answer': (did) => didRuntimeOf(node)!.views.answer(did, undefined, {}, viewProof),
};
const stages = Fastify({ routerOptions: { maxParamLength: 2048 } });
const names = Object.keys(STAGES);
names.forEach((name, i) => {
  const work = STAGES[name]!;
  stages.get(`/${i}/:did`, async (req, reply) => {
    work((req.params as { did: string }).did);
    return reply.type('application/did-resolution').send(sample);
  });
});
await stages.listen({ host: '127.0.0.1', port: 0 });
await app.listen({ host: '127.0.0.1', port: 0 });
const portOf = (f: typeof app): number => (f.server.address() as { port: number }).port;

const rps: Record<string, number[]> = {};
for (let r = 0; r < ROUNDS; r++) {
  for (const [i, name] of names.entries()) {
    const out = await loadRandomPaths(
      `http://127.0.0.1:${portOf(stages)}`,
      `/${i}/`,
      didsFile,
      SECONDS,
      CONNECTIONS,
    );
    (rps[name] ??= []).push(out.rps);
  }
  const full = await loadRandomPaths(
    `http://127.0.0.1:${portOf(app)}`,
    '/1.0/identifiers/',
    didsFile,
    SECONDS,
    CONNECTIONS,
  );
  (rps['resolve (node route)'] ??= []).push(full.rps);
  log(`  round ${r + 1} done`);
}
await stages.close();
await app.close();
await node.close();
const medians = Object.fromEntries(Object.entries(rps).map(([k, v]) => [k, Math.round(median(v))]));
const floorUs = 1e6 / medians.fixed!;
for (const [k, v] of Object.entries(medians))
  log(
    `  ${k.padEnd(22)} ${String(v).padStart(6)} req/s  ${(1e6 / v - floorUs).toFixed(1).padStart(6)} µs over fixed`,
  );
console.log(JSON.stringify({ bench: 'did-resolve-stages', dids: dids.length, reqPerSec: medians }));
