/**
 * DID resolution benchmark: builds a ledger of N DIDs through the real transaction path
 * (did.create, signed, validated, committed), then drives GET /1.0/identifiers/{did} for random
 * existing DIDs over loopback with autocannon in a separate process, and, in the same run, a
 * bare fastify route returning a fixed JSON document of the same size (the bound).
 * Usage: npm run bench:resolve [-- --size N] [--seconds S] [--ledger DIR]
 * (--ledger keeps the built ledger in DIR and reuses it when run again with the same --size)
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve as resolvePath } from 'node:path';
import Fastify from 'fastify';
import {
  ed25519FromSeed,
  encodeMultikey,
  fromHex,
  generateEd25519,
  toHex,
  type Ed25519KeyPair,
} from '../src/crypto/index.ts';
import { didRuntimeOf, rdidFor, walletDocument } from '../src/did/index.ts';
import { signTx, type GenesisDoc, type SignedTxJson } from '../src/ledger/index.ts';
import { buildApp, openLedgerNode } from '../src/node/index.ts';
import { benchGenesis, log, median, sizeArg, tempDir } from './common.ts';
import { loadRandomPaths } from './http-load.ts';
import { randomBytes } from 'node:crypto';

const size = sizeArg(1_000_000);
const secondsArg = process.argv.indexOf('--seconds');
const SECONDS = secondsArg === -1 ? 3 : Number(process.argv[secondsArg + 1]);
const ROUNDS = 3;
const CONNECTIONS = 10;

// --ledger DIR keeps the built ledger in DIR and reuses it on the next run (same --size).
const ledgerArg = process.argv.indexOf('--ledger');
const dir =
  ledgerArg === -1 ? tempDir('realdid-bench-resolve-') : resolvePath(process.argv[ledgerArg + 1]!);
const savedFile = join(dir, 'bench-resolve.json');
const saved = existsSync(savedFile)
  ? (JSON.parse(readFileSync(savedFile, 'utf8')) as {
      size: number;
      genesis: GenesisDoc;
      orgSeed: string;
    })
  : undefined;
if (saved !== undefined && saved.size !== size)
  throw new Error(`${dir} holds a ledger of ${saved.size} DIDs, not --size ${size}`);
const { genesis, org } =
  saved === undefined
    ? benchGenesis(Date.now() - 1000)
    : { genesis: saved.genesis, org: orgOf(saved.orgSeed) };
mkdirSync(dir, { recursive: true });
const node = openLedgerNode({
  path: join(dir, 'ledger.sqlite'),
  genesis,
  signer: { org: 'org1', multikey: org.multikey, keyPair: org.keyPair },
  ordering: { maxBlockTxs: 5000, blockIntervalMs: 50, maxPending: 200_000 },
});
const didsFile = join(dir, 'dids.json');
const dids: string[] =
  saved === undefined ? await build() : (JSON.parse(readFileSync(didsFile, 'utf8')) as string[]);
if (saved === undefined) {
  writeFileSync(didsFile, JSON.stringify(dids));
  if (ledgerArg !== -1)
    writeFileSync(savedFile, JSON.stringify({ size, genesis, orgSeed: toHex(org.seed) }));
}

function orgOf(seedHex: string): { keyPair: Ed25519KeyPair; multikey: string; seed: Uint8Array } {
  const seed = fromHex(seedHex);
  const keyPair = ed25519FromSeed(seed);
  return { keyPair, multikey: encodeMultikey(keyPair.publicKey), seed };
}

/** Creates `size` DIDs, each a did.create signed by its own new key, submitted in batches. */
async function build(): Promise<string[]> {
  log(`did-resolve: creating ${size} DIDs through the ledger`);
  // Every DID is a candidate: requests pick uniformly among all of them (no small hot set).
  const out: string[] = [];
  const t0 = performance.now();
  const CHUNK = 5000;
  let inFlight: Promise<unknown>[] = [];
  for (let done = 0; done < size; done += CHUNK) {
    const txs: SignedTxJson[] = [];
    for (let i = done; i < Math.min(size, done + CHUNK); i++) {
      // A wallet-shaped DID: one fresh key, and a commitment to a recovery key never used here.
      const { keyPair } = generateEd25519();
      const multikey = encodeMultikey(keyPair.publicKey);
      const document = walletDocument(multikey, 'key-0');
      const recoveryCommitment = toHex(randomBytes(32));
      const did = rdidFor(document, recoveryCommitment);
      const body = { did, document, recoveryCommitment };
      txs.push(
        signTx(
          {
            kind: 'did.create',
            body,
            signer: `did:key:${multikey}#${multikey}`,
            nonce: 1,
            created: Date.now(),
          },
          keyPair,
        ),
      );
      out.push(did);
    }
    inFlight.push(
      node.submit(txs).then((res) => {
        const bad = res.find((o) => !o.ok);
        if (bad !== undefined && !bad.ok)
          throw new Error(`rejected: ${bad.error.code} ${bad.error.message}`);
      }),
    );
    if (inFlight.length >= 4) {
      await Promise.all(inFlight);
      inFlight = [];
    }
    if ((done / CHUNK) % 10 === 0)
      log(
        `  ${done}/${size} DIDs (height ${node.chain.head.height}, ${((performance.now() - t0) / 1000).toFixed(0)} s)`,
      );
  }
  await Promise.all(inFlight);
  log(
    `built ${size} DIDs in ${((performance.now() - t0) / 1000).toFixed(1)} s; state keys ${node.chain.tree.size}`,
  );
  return out;
}

{
  const t0 = performance.now();
  await node.ready;
  const v = didRuntimeOf(node)!.views.stats();
  log(
    `resolver views: ${v.entries} DIDs, ${Math.round(v.bytes / 2 ** 20)} MiB, ready ${((performance.now() - t0) / 1000).toFixed(1)} s after open${v.overBudget > 0 ? `, ${v.overBudget} over budget` : ''}`,
  );
}
const app = await buildApp(node);
await app.listen({ host: '127.0.0.1', port: 0 });
const appPort = (app.server.address() as { port: number }).port;

// The bound: a bare fastify route returning a fixed JSON document of the same size.
const sampleAnswer = await app.inject({ url: `/1.0/identifiers/${dids[0]}` });
const fixed: unknown = JSON.parse(sampleAnswer.body);
const bare = Fastify();
bare.get('/fixed/:id', async () => fixed);
await bare.listen({ host: '127.0.0.1', port: 0 });
const barePort = (bare.server.address() as { port: number }).port;
log(
  `resolution answer: ${sampleAnswer.body.length} bytes (status ${sampleAnswer.statusCode}); bare route serves the same document`,
);

const load = (port: number, prefix: string) =>
  loadRandomPaths(`http://127.0.0.1:${port}`, prefix, didsFile, SECONDS, CONNECTIONS);

const didRps: number[] = [];
const bareRps: number[] = [];
const p99s: number[] = [];
for (let r = 0; r < ROUNDS; r++) {
  const b = await load(barePort, '/fixed/');
  const d = await load(appPort, '/1.0/identifiers/');
  if (d.non2xx > 0 || d.errors > 0)
    throw new Error(`resolver answered ${d.non2xx} non-2xx, ${d.errors} errors`);
  bareRps.push(b.rps);
  didRps.push(d.rps);
  p99s.push(d.p99);
  log(
    `  round ${r + 1}: resolve ${Math.round(d.rps)} req/s (p99 ${d.p99} ms), bare ${Math.round(b.rps)} req/s`,
  );
}
const rssMb = Math.round(process.memoryUsage().rss / 1024 / 1024);
await app.close();
await bare.close();
await node.close();
const reqPerSec = median(didRps);
const bareReqPerSec = median(bareRps);
console.log(
  JSON.stringify({
    bench: 'did-resolve',
    dids: size,
    reqPerSec: Math.round(reqPerSec),
    bareReqPerSec: Math.round(bareReqPerSec),
    ratio: Number((reqPerSec / bareReqPerSec).toFixed(3)),
    p99Ms: median(p99s),
    rssMb,
  }),
);
