import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { toBase64url } from '../../src/crypto/index.ts';
import { isAppError, type ErrorCode } from '../../src/errors.ts';
import {
  decodeTx,
  signCheckpoint,
  type Checkpoint,
  type SignedCheckpoint,
  type SignedTxJson,
} from '../../src/ledger/index.ts';
import { buildApp, defaultModules } from '../../src/node/index.ts';
import {
  hashGenesis,
  RealdidClient,
  trustFromGenesis,
  verifyCheckpointConsistency,
  verifySignedCheckpoint,
  verifyStateAnswer,
  verifyTxInclusion,
  type TrustAnchor,
} from '../../src/sdk/index.ts';
import {
  makeOrg,
  openTestLedger,
  snapshotLedger,
  type SignOverrides,
  type TestLedger,
  type TestOrg,
} from '../helpers/ledger.ts';

const KiB = 1024;
const SECP256K1_DID_KEY = 'did:key:zQ3shokFTS3brHcDQrn82RUDfCZESWL1ZdCEJwekUDPQiYBme';

/**
 * Every route a default node serves, from the source: each `app.<method>('<path>'` in src/ (the
 * core's routes and the modules' own), and each query a default module declares (a GET route).
 */
/** The routes `app.<method>('<path>'` of a source file. */
const routesOf = (file: string): string[] =>
  [
    ...readFileSync(new URL(`../../src/${file}`, import.meta.url), 'utf8').matchAll(
      /app\.(get|post)\(\s*'([^']+)'/g,
    ),
  ].map((m) => `${m[1]!.toUpperCase()} ${m[2]}`);

/**
 * The credit module's node routes (src/credit/routes.ts: bodies, handles, credentials, reports):
 * served by every node (`GET /v1/credit/authority` only by an identity authority's), their
 * bad-input cases are in test/credit/node.test.ts.
 */
const CREDIT_ROUTES = new Set(routesOf('credit/routes.ts'));

/**
 * Routes of src/identity/routes.ts and lawful-routes.ts (an authority node's API), read from the
 * source (their bad-input cases are in test/identity/api.test.ts and lawful-release.test.ts).
 */
const AUTHORITY_ROUTES = new Set([
  'GET /v1/credit/authority',
  ...routesOf('identity/routes.ts'),
  ...routesOf('identity/lawful-routes.ts'),
]);

function routesInSource(): string[] {
  const routes: string[] = [];
  const scan = (dir: URL): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory()) scan(new URL(`${entry.name}/`, dir));
      else if (entry.name.endsWith('.ts')) {
        const text = readFileSync(new URL(entry.name, dir), 'utf8');
        for (const m of text.matchAll(/app\.(get|post|put|patch|delete)\(\s*'([^']+)'/g))
          routes.push(`${m[1]!.toUpperCase()} ${m[2]}`);
      }
    }
  };
  scan(new URL('../../src/', import.meta.url));
  // src/cli/wallet-server/ is the person's local wallet page (`realdid wallet serve`), not a node's
  // API: its bad-input cases are in test/cli/wallet-server.test.ts and wallet-credit-routes.test.ts.
  const walletPage = new Set(
    [...readdirSync(new URL('../../src/cli/wallet-server/', import.meta.url))].flatMap((f) =>
      routesOf(`cli/wallet-server/${f}`),
    ),
  );
  // The identity authority's API is mounted only on an authority's node: test/identity/api.test.ts
  // holds its bad-input cases.
  const served = routes.filter((r) => !AUTHORITY_ROUTES.has(r) && !walletPage.has(r));
  routes.length = 0;
  routes.push(...served);
  for (const m of defaultModules()) for (const q of m.queries ?? []) routes.push(`GET ${q.path}`);
  return routes.sort();
}

/** fastify's `/a/:b` as OpenAPI's `/a/{b}`. */
const openApiPath = (path: string): string => path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

/** An app over a fresh in-memory ledger, with a proposal committed at heights 1 and 2. */
interface Fixture {
  readonly l: TestLedger;
  readonly app: FastifyInstance;
  readonly trust: TrustAnchor;
  /** The committed `gov.propose` of org1 (log index 0, height 1). */
  readonly committed: SignedTxJson;
  readonly proposalId: string;
}

async function openFixture(): Promise<Fixture> {
  const l = openTestLedger({ orgs: 3, genesis: { quorum: 3 } });
  const app = await buildApp(l.node);
  const committed = l.sign(0, 'gov.propose', {
    change: { type: 'set-param', name: 'disputeDays', value: 20 },
  });
  const [out] = await l.node.submit([committed]);
  assert.ok(out?.ok);
  await l.submitOk(1, 'gov.approve', { proposal: out.id });
  return { l, app, trust: trustFromGenesis(l.genesis), committed, proposalId: out.id };
}

async function closeFixture(f: Fixture): Promise<void> {
  await f.app.close();
  await f.l.close();
}

async function getJson<T = any>(app: FastifyInstance, url: string): Promise<T> {
  const res = await app.inject({ method: 'GET', url });
  assert.equal(res.statusCode, 200, `GET ${url}: ${res.body}`);
  return res.json<T>();
}

const postJson = (url: string, payload: unknown): InjectOptions => ({
  method: 'POST',
  url,
  payload: payload as object,
});
const postRaw = (
  url: string,
  payload: string | Buffer,
  contentType = 'application/json',
): InjectOptions => ({
  method: 'POST',
  url,
  payload,
  headers: { 'content-type': contentType },
});
const get = (url: string): InjectOptions => ({ method: 'GET', url });

interface BadCase {
  /** The route as registered: "METHOD /path/:param". */
  readonly route: string;
  readonly name: string;
  readonly request: (f: Fixture) => InjectOptions;
  readonly status: number;
  readonly code: ErrorCode;
  readonly check?: (body: {
    code: string;
    message: string;
    details?: Record<string, unknown>;
  }) => void;
}

/** A good transaction of org `i` (fresh nonce), optionally altered before or after signing. */
function txOf(
  f: Fixture,
  i: number | TestOrg,
  body: Record<string, unknown> = { proposal: f.proposalId },
  kind = 'gov.approve',
  overrides: SignOverrides = {},
): SignedTxJson {
  return f.l.sign(i, kind, body as never, overrides);
}

const forgedSig = (tx: SignedTxJson): SignedTxJson => {
  const sig = Buffer.from(tx.sig, 'base64url');
  sig[0]! ^= 1;
  return { ...tx, sig: toBase64url(sig) };
};

const CASES: BadCase[] = [
  // POST /v1/txs
  {
    route: 'POST /v1/txs',
    name: 'malformed JSON',
    request: () => postRaw('/v1/txs', '{"kind":"gov.approve",'),
    status: 400,
    code: 'ERR_API_MALFORMED_JSON',
  },
  {
    route: 'POST /v1/txs',
    name: 'empty JSON body',
    request: () => postRaw('/v1/txs', ''),
    status: 400,
    code: 'ERR_API_MALFORMED_JSON',
  },
  {
    route: 'POST /v1/txs',
    name: 'unsupported content type',
    request: (f) => postRaw('/v1/txs', JSON.stringify(txOf(f, 2)), 'application/xml'),
    status: 415,
    code: 'ERR_API_UNSUPPORTED_MEDIA_TYPE',
  },
  {
    route: 'POST /v1/txs',
    name: 'a text/plain body is not accepted',
    request: (f) => postRaw('/v1/txs', JSON.stringify(txOf(f, 2)), 'text/plain'),
    status: 415,
    code: 'ERR_API_UNSUPPORTED_MEDIA_TYPE',
  },
  {
    route: 'POST /v1/txs',
    name: 'a JSON array',
    request: (f) => postJson('/v1/txs', [txOf(f, 2)]),
    status: 400,
    code: 'ERR_API_SCHEMA',
  },
  {
    route: 'POST /v1/txs',
    name: 'missing "sig"',
    request: (f) => {
      const { sig: _, ...rest } = txOf(f, 2);
      return postJson('/v1/txs', rest);
    },
    status: 400,
    code: 'ERR_API_SCHEMA',
  },
  {
    route: 'POST /v1/txs',
    name: 'missing "nonce"',
    request: (f) => {
      const { nonce: _, ...rest } = txOf(f, 2);
      return postJson('/v1/txs', rest);
    },
    status: 400,
    code: 'ERR_API_SCHEMA',
  },
  {
    route: 'POST /v1/txs',
    name: 'an extra field',
    request: (f) => postJson('/v1/txs', { ...txOf(f, 2), extra: 1 }),
    status: 400,
    code: 'ERR_API_SCHEMA',
  },
  {
    route: 'POST /v1/txs',
    name: '"nonce" is not a number',
    request: (f) => postJson('/v1/txs', { ...txOf(f, 2), nonce: 'seven' }),
    status: 400,
    code: 'ERR_API_SCHEMA',
  },
  {
    route: 'POST /v1/txs',
    name: '"nonce" is 0',
    request: (f) => postJson('/v1/txs', { ...txOf(f, 2), nonce: 0 }),
    status: 400,
    code: 'ERR_API_SCHEMA',
  },
  {
    route: 'POST /v1/txs',
    name: '"nonce" is fractional',
    request: (f) => postJson('/v1/txs', { ...txOf(f, 2), nonce: 1.5 }),
    status: 400,
    code: 'ERR_API_SCHEMA',
  },
  {
    route: 'POST /v1/txs',
    name: '"created" is negative',
    request: (f) => postJson('/v1/txs', { ...txOf(f, 2), created: -1 }),
    status: 400,
    code: 'ERR_API_SCHEMA',
  },
  {
    route: 'POST /v1/txs',
    name: '"body" is a string',
    request: (f) => postJson('/v1/txs', { ...txOf(f, 2), body: 'approve' }),
    status: 400,
    code: 'ERR_API_SCHEMA',
  },
  {
    route: 'POST /v1/txs',
    name: '"sig" is too short',
    request: (f) => postJson('/v1/txs', { ...txOf(f, 2), sig: 'abc' }),
    status: 400,
    code: 'ERR_API_SCHEMA',
  },
  {
    route: 'POST /v1/txs',
    name: '"sig" is not base64url',
    request: (f) => postJson('/v1/txs', { ...txOf(f, 2), sig: '!'.repeat(86) }),
    status: 400,
    code: 'ERR_LEDGER_MALFORMED_TX',
  },
  {
    route: 'POST /v1/txs',
    name: '"kind" is not <namespace>.<verb>',
    request: (f) => postJson('/v1/txs', txOf(f, 2, {}, 'GOV')),
    status: 400,
    code: 'ERR_LEDGER_MALFORMED_TX',
  },
  {
    route: 'POST /v1/txs',
    name: 'a signer without a key fragment',
    request: (f) =>
      postJson('/v1/txs', txOf(f, 2, undefined, undefined, { signer: f.l.orgs[2]!.did })),
    status: 400,
    code: 'ERR_LEDGER_MALFORMED_TX',
  },
  {
    route: 'POST /v1/txs',
    name: 'bad signature',
    request: (f) => postJson('/v1/txs', forgedSig(txOf(f, 2))),
    status: 401,
    code: 'ERR_LEDGER_BAD_SIGNATURE',
  },
  {
    route: 'POST /v1/txs',
    name: "signed by another org's key",
    request: (f) =>
      postJson('/v1/txs', txOf(f, 2, undefined, undefined, { keyPair: f.l.orgs[1]!.keyPair })),
    status: 401,
    code: 'ERR_LEDGER_BAD_SIGNATURE',
  },
  {
    route: 'POST /v1/txs',
    name: 'replay of a committed transaction',
    request: (f) => postJson('/v1/txs', f.committed),
    status: 409,
    code: 'ERR_LEDGER_DUPLICATE_TX',
  },
  {
    route: 'POST /v1/txs',
    name: 'a fresh transaction reusing a committed nonce',
    request: (f) =>
      postJson(
        '/v1/txs',
        txOf(f, 0, { change: { type: 'set-param', name: 'other', value: 1 } }, 'gov.propose', {
          nonce: f.committed.nonce,
        }),
      ),
    status: 409,
    code: 'ERR_LEDGER_REPLAY',
    check: (body) => assert.deepEqual(body.details, { lastNonce: 1 }),
  },
  {
    route: 'POST /v1/txs',
    name: 'unknown kind',
    request: (f) => postJson('/v1/txs', txOf(f, 2, {}, 'gov.abolish')),
    status: 400,
    code: 'ERR_LEDGER_UNKNOWN_KIND',
  },
  {
    route: 'POST /v1/txs',
    name: "body fails the kind's schema",
    request: (f) => postJson('/v1/txs', txOf(f, 2, { proposal: 'not-hex' })),
    status: 400,
    code: 'ERR_LEDGER_SCHEMA',
  },
  {
    route: 'POST /v1/txs',
    name: "body with a field outside the kind's schema",
    request: (f) => postJson('/v1/txs', txOf(f, 2, { proposal: f.proposalId, vote: 'yes' })),
    status: 400,
    code: 'ERR_LEDGER_SCHEMA',
  },
  {
    route: 'POST /v1/txs',
    name: 'body over the 128 KiB route limit',
    request: (f) =>
      postJson('/v1/txs', txOf(f, 2, { proposal: f.proposalId, pad: 'x'.repeat(130 * KiB) })),
    status: 413,
    code: 'ERR_API_BODY_TOO_LARGE',
  },
  {
    route: 'POST /v1/txs',
    name: 'a transaction over 64 KiB canonical, under the body limit',
    request: (f) => {
      const tx = txOf(
        f,
        2,
        { change: { type: 'set-param', name: 'x', value: 1 }, note: 'n'.repeat(70 * KiB) },
        'gov.propose',
      );
      assert.ok(JSON.stringify(tx).length < 128 * KiB);
      return postJson('/v1/txs', tx);
    },
    status: 413,
    code: 'ERR_LEDGER_TX_TOO_LARGE',
  },
  {
    route: 'POST /v1/txs',
    name: 'a did:web signer (no resolver)',
    request: (f) =>
      postJson(
        '/v1/txs',
        txOf(f, 2, undefined, undefined, { signer: 'did:web:example.com#key-1' }),
      ),
    status: 400,
    code: 'ERR_LEDGER_BAD_SIGNER',
  },
  {
    route: 'POST /v1/txs',
    name: 'a secp256k1 did:key signer',
    request: (f) =>
      postJson(
        '/v1/txs',
        txOf(f, 2, undefined, undefined, {
          signer: `${SECP256K1_DID_KEY}#${SECP256K1_DID_KEY.slice(8)}`,
        }),
      ),
    status: 400,
    code: 'ERR_LEDGER_BAD_SIGNER',
  },
  {
    route: 'POST /v1/txs',
    name: 'a did:key URL whose fragment names another key',
    request: (f) =>
      postJson(
        '/v1/txs',
        txOf(f, 2, undefined, undefined, {
          signer: `${f.l.orgs[2]!.did}#${f.l.orgs[1]!.multikey}`,
        }),
      ),
    status: 400,
    code: 'ERR_LEDGER_BAD_SIGNER',
  },
  {
    route: 'POST /v1/txs',
    name: 'created more than 5 min after the block time',
    request: (f) =>
      postJson(
        '/v1/txs',
        txOf(f, 2, undefined, undefined, { created: f.l.node.chain.head.header.time + 6 * 60_000 }),
      ),
    status: 400,
    code: 'ERR_LEDGER_TX_TIME',
  },
  {
    route: 'POST /v1/txs',
    name: 'created more than 24 h before the block time',
    request: (f) =>
      postJson(
        '/v1/txs',
        txOf(f, 2, undefined, undefined, { created: f.l.clock.now - 25 * 3600_000 }),
      ),
    status: 400,
    code: 'ERR_LEDGER_TX_TIME',
  },
  {
    route: 'POST /v1/txs',
    name: 'signed by a non-member key',
    request: (f) => postJson('/v1/txs', txOf(f, makeOrg('outsider'))),
    status: 403,
    code: 'ERR_GOV_NOT_MEMBER',
  },
  {
    route: 'POST /v1/txs',
    name: 'approving an unknown proposal',
    request: (f) => postJson('/v1/txs', txOf(f, 2, { proposal: 'ab'.repeat(32) })),
    status: 404,
    code: 'ERR_GOV_PROPOSAL_NOT_FOUND',
  },
  {
    route: 'POST /v1/txs',
    name: 'approving twice',
    request: (f) => postJson('/v1/txs', txOf(f, 1)),
    status: 409,
    code: 'ERR_GOV_ALREADY_APPROVED',
  },

  // POST /v1/txs/batch
  {
    route: 'POST /v1/txs/batch',
    name: 'malformed JSON',
    request: () => postRaw('/v1/txs/batch', '{"txs":[}'),
    status: 400,
    code: 'ERR_API_MALFORMED_JSON',
  },
  {
    route: 'POST /v1/txs/batch',
    name: 'unsupported content type',
    request: () => postRaw('/v1/txs/batch', 'txs', 'application/x-www-form-urlencoded'),
    status: 415,
    code: 'ERR_API_UNSUPPORTED_MEDIA_TYPE',
  },
  {
    route: 'POST /v1/txs/batch',
    name: 'missing "txs"',
    request: () => postJson('/v1/txs/batch', {}),
    status: 400,
    code: 'ERR_API_SCHEMA',
  },
  {
    route: 'POST /v1/txs/batch',
    name: 'empty "txs"',
    request: () => postJson('/v1/txs/batch', { txs: [] }),
    status: 400,
    code: 'ERR_API_SCHEMA',
  },
  {
    route: 'POST /v1/txs/batch',
    name: 'an extra top-level field',
    request: (f) => postJson('/v1/txs/batch', { txs: [txOf(f, 2)], wait: true }),
    status: 400,
    code: 'ERR_API_SCHEMA',
  },
  {
    route: 'POST /v1/txs/batch',
    name: 'one ill-typed entry rejects the whole batch (the good one is not applied)',
    request: (f) => postJson('/v1/txs/batch', { txs: [txOf(f, 2), { ...txOf(f, 0), nonce: 'x' }] }),
    status: 400,
    code: 'ERR_API_SCHEMA',
  },
  {
    route: 'POST /v1/txs/batch',
    name: 'more than 5000 entries',
    request: (f) => {
      const tx = txOf(f, 2);
      return postJson('/v1/txs/batch', { txs: Array.from({ length: 5001 }, () => tx) });
    },
    status: 400,
    code: 'ERR_API_SCHEMA',
  },
  {
    route: 'POST /v1/txs/batch',
    name: 'body over the 32 MiB route limit',
    request: () => postRaw('/v1/txs/batch', Buffer.alloc(32 * KiB * KiB + 1, 0x20)),
    status: 413,
    code: 'ERR_API_BODY_TOO_LARGE',
  },

  // GET /v1/txs/:id
  {
    route: 'GET /v1/txs/:id',
    name: 'non-hex id',
    request: () => get('/v1/txs/not-a-tx-id'),
    status: 400,
    code: 'ERR_API_SCHEMA',
  },
  {
    route: 'GET /v1/txs/:id',
    name: 'upper-case hex id',
    request: (f) => get(`/v1/txs/${f.proposalId.toUpperCase()}`),
    status: 400,
    code: 'ERR_API_SCHEMA',
  },
  {
    route: 'GET /v1/txs/:id',
    name: 'id one digit short',
    request: (f) => get(`/v1/txs/${f.proposalId.slice(1)}`),
    status: 400,
    code: 'ERR_API_SCHEMA',
  },
  {
    route: 'GET /v1/txs/:id',
    name: 'unknown id',
    request: () => get(`/v1/txs/${'0'.repeat(64)}`),
    status: 404,
    code: 'ERR_LEDGER_NOT_FOUND',
  },

  // GET /v1/blocks
  {
    route: 'GET /v1/blocks',
    name: 'limit 0',
    request: () => get('/v1/blocks?limit=0'),
    status: 400,
    code: 'ERR_API_SCHEMA',
  },
  {
    route: 'GET /v1/blocks',
    name: 'limit above 100',
    request: () => get('/v1/blocks?limit=101'),
    status: 400,
    code: 'ERR_API_SCHEMA',
  },
  {
    route: 'GET /v1/blocks',
    name: 'before 0 (nothing is below block 0)',
    request: () => get('/v1/blocks?before=0'),
    status: 400,
    code: 'ERR_API_SCHEMA',
  },
  {
    route: 'GET /v1/blocks',
    name: 'non-numeric before',
    request: () => get('/v1/blocks?before=head'),
    status: 400,
    code: 'ERR_API_SCHEMA',
  },
  {
    route: 'GET /v1/blocks',
    name: 'fractional limit',
    request: () => get('/v1/blocks?limit=2.5'),
    status: 400,
    code: 'ERR_API_SCHEMA',
  },
  {
    route: 'GET /v1/blocks',
    name: 'an unknown parameter',
    request: () => get('/v1/blocks?from=1'),
    status: 400,
    code: 'ERR_API_SCHEMA',
  },

  // GET /v1/blocks/:height
  {
    route: 'GET /v1/blocks/:height',
    name: 'negative height',
    request: () => get('/v1/blocks/-1'),
    status: 400,
    code: 'ERR_API_SCHEMA',
  },
  {
    route: 'GET /v1/blocks/:height',
    name: 'non-numeric height',
    request: () => get('/v1/blocks/latest'),
    status: 400,
    code: 'ERR_API_SCHEMA',
  },
  {
    route: 'GET /v1/blocks/:height',
    name: 'fractional height',
    request: () => get('/v1/blocks/1.5'),
    status: 400,
    code: 'ERR_API_SCHEMA',
  },
  {
    route: 'GET /v1/blocks/:height',
    name: 'height above 2^53',
    request: () => get('/v1/blocks/99999999999999999999'),
    status: 400,
    code: 'ERR_API_SCHEMA',
  },
  {
    route: 'GET /v1/blocks/:height',
    name: 'no such block',
    request: () => get('/v1/blocks/999'),
    status: 404,
    code: 'ERR_LEDGER_NOT_FOUND',
  },

  // GET /v1/blocks/:height/finality
  {
    route: 'GET /v1/blocks/:height/finality',
    name: 'negative height',
    request: () => get('/v1/blocks/-1/finality'),
    status: 400,
    code: 'ERR_API_SCHEMA',
  },
  {
    route: 'GET /v1/blocks/:height/finality',
    name: 'non-numeric height',
    request: () => get('/v1/blocks/head/finality'),
    status: 400,
    code: 'ERR_API_SCHEMA',
  },
  {
    route: 'GET /v1/blocks/:height/finality',
    name: 'fractional height',
    request: () => get('/v1/blocks/1.5/finality'),
    status: 400,
    code: 'ERR_API_SCHEMA',
  },
  {
    route: 'GET /v1/blocks/:height/finality',
    name: 'height above 2^53',
    request: () => get('/v1/blocks/99999999999999999999/finality'),
    status: 400,
    code: 'ERR_API_SCHEMA',
  },
  {
    route: 'GET /v1/blocks/:height/finality',
    name: 'no such block',
    request: () => get('/v1/blocks/999/finality'),
    status: 404,
    code: 'ERR_LEDGER_NOT_FOUND',
  },
  {
    route: 'GET /v1/blocks/:height/finality',
    name: 'POST instead of GET',
    request: () => postJson('/v1/blocks/1/finality', {}),
    status: 404,
    code: 'ERR_API_NOT_FOUND',
  },

  // GET /v1/consortium (no input): a wrong method is an unknown route
  {
    route: 'GET /v1/consortium',
    name: 'POST instead of GET',
    request: () => postJson('/v1/consortium', {}),
    status: 404,
    code: 'ERR_API_NOT_FOUND',
  },

  // GET /v1/checkpoint (no input): a wrong method is an unknown route
  {
    route: 'GET /v1/checkpoint',
    name: 'POST instead of GET',
    request: () => postJson('/v1/checkpoint', {}),
    status: 404,
    code: 'ERR_API_NOT_FOUND',
  },

  // GET /v1/checkpoints/:height
  {
    route: 'GET /v1/checkpoints/:height',
    name: 'negative height',
    request: () => get('/v1/checkpoints/-1'),
    status: 400,
    code: 'ERR_API_SCHEMA',
  },
  {
    route: 'GET /v1/checkpoints/:height',
    name: 'non-numeric height',
    request: () => get('/v1/checkpoints/head'),
    status: 400,
    code: 'ERR_API_SCHEMA',
  },
  {
    route: 'GET /v1/checkpoints/:height',
    name: 'no such checkpoint',
    request: () => get('/v1/checkpoints/999'),
    status: 404,
    code: 'ERR_LEDGER_NOT_FOUND',
  },

  // POST /v1/checkpoints/:height/signatures
  {
    route: 'POST /v1/checkpoints/:height/signatures',
    name: 'negative height',
    request: (f) => postJson('/v1/checkpoints/-1/signatures', cosig(f, 1, 0)),
    status: 400,
    code: 'ERR_API_SCHEMA',
  },
  {
    route: 'POST /v1/checkpoints/:height/signatures',
    name: 'malformed JSON',
    request: () => postRaw('/v1/checkpoints/0/signatures', '{"org":'),
    status: 400,
    code: 'ERR_API_MALFORMED_JSON',
  },
  {
    route: 'POST /v1/checkpoints/:height/signatures',
    name: 'unsupported content type',
    request: () => postRaw('/v1/checkpoints/0/signatures', '<sig/>', 'application/xml'),
    status: 415,
    code: 'ERR_API_UNSUPPORTED_MEDIA_TYPE',
  },
  {
    route: 'POST /v1/checkpoints/:height/signatures',
    name: 'missing "sig"',
    request: (f) => {
      const { sig: _, ...rest } = cosig(f, 1, 0);
      return postJson('/v1/checkpoints/0/signatures', rest);
    },
    status: 400,
    code: 'ERR_API_SCHEMA',
  },
  {
    route: 'POST /v1/checkpoints/:height/signatures',
    name: 'an extra field',
    request: (f) => postJson('/v1/checkpoints/0/signatures', { ...cosig(f, 1, 0), height: 0 }),
    status: 400,
    code: 'ERR_API_SCHEMA',
  },
  {
    route: 'POST /v1/checkpoints/:height/signatures',
    name: '"sig" of the wrong length',
    request: (f) => postJson('/v1/checkpoints/0/signatures', { ...cosig(f, 1, 0), sig: 'AAAA' }),
    status: 400,
    code: 'ERR_API_SCHEMA',
  },
  {
    route: 'POST /v1/checkpoints/:height/signatures',
    name: '"org" is not a string',
    request: (f) =>
      postJson('/v1/checkpoints/0/signatures', { ...cosig(f, 1, 0), org: { id: 'org2' } }),
    status: 400,
    code: 'ERR_API_SCHEMA',
  },
  {
    route: 'POST /v1/checkpoints/:height/signatures',
    name: 'no such checkpoint',
    request: (f) => postJson('/v1/checkpoints/999/signatures', cosig(f, 1, 0)),
    status: 404,
    code: 'ERR_LEDGER_NOT_FOUND',
  },
  {
    route: 'POST /v1/checkpoints/:height/signatures',
    name: 'a flipped signature bit',
    request: (f) => postJson('/v1/checkpoints/1/signatures', forgedCosig(cosig(f, 1, 1))),
    status: 422,
    code: 'ERR_LEDGER_BAD_CHECKPOINT',
  },
  {
    route: 'POST /v1/checkpoints/:height/signatures',
    name: 'a signature over another checkpoint',
    request: (f) => postJson('/v1/checkpoints/1/signatures', cosig(f, 1, 0)),
    status: 422,
    code: 'ERR_LEDGER_BAD_CHECKPOINT',
  },
  {
    route: 'POST /v1/checkpoints/:height/signatures',
    name: "a member's signature under another org's name",
    request: (f) => postJson('/v1/checkpoints/1/signatures', { ...cosig(f, 1, 1), org: 'org3' }),
    status: 422,
    code: 'ERR_LEDGER_BAD_CHECKPOINT',
  },
  {
    route: 'POST /v1/checkpoints/:height/signatures',
    name: 'a non-member key',
    request: (f) => postJson('/v1/checkpoints/1/signatures', cosig(f, makeOrg('org9'), 1)),
    status: 422,
    code: 'ERR_LEDGER_BAD_CHECKPOINT',
  },
  {
    route: 'POST /v1/checkpoints/:height/signatures',
    name: 'a signature that is not base64url',
    request: (f) =>
      postJson('/v1/checkpoints/1/signatures', { ...cosig(f, 1, 1), sig: '*'.repeat(86) }),
    status: 422,
    code: 'ERR_LEDGER_BAD_CHECKPOINT',
  },

  // GET /v1/proofs/consistency
  {
    route: 'GET /v1/proofs/consistency',
    name: 'missing size1',
    request: () => get('/v1/proofs/consistency'),
    status: 400,
    code: 'ERR_API_SCHEMA',
  },
  {
    route: 'GET /v1/proofs/consistency',
    name: 'negative size1',
    request: () => get('/v1/proofs/consistency?size1=-1'),
    status: 400,
    code: 'ERR_API_SCHEMA',
  },
  {
    route: 'GET /v1/proofs/consistency',
    name: 'non-numeric size2',
    request: () => get('/v1/proofs/consistency?size1=1&size2=all'),
    status: 400,
    code: 'ERR_API_SCHEMA',
  },
  {
    route: 'GET /v1/proofs/consistency',
    name: 'an unknown parameter',
    request: () => get('/v1/proofs/consistency?size1=1&from=0'),
    status: 400,
    code: 'ERR_API_SCHEMA',
  },
  {
    route: 'GET /v1/proofs/consistency',
    name: 'size1 > size2',
    request: () => get('/v1/proofs/consistency?size1=2&size2=1'),
    status: 400,
    code: 'ERR_LEDGER_RANGE',
  },
  {
    route: 'GET /v1/proofs/consistency',
    name: 'size2 > log size',
    request: () => get('/v1/proofs/consistency?size1=1&size2=3'),
    status: 400,
    code: 'ERR_LEDGER_RANGE',
  },
  {
    route: 'GET /v1/proofs/consistency',
    name: 'size1 > log size (size2 defaults to it)',
    request: () => get('/v1/proofs/consistency?size1=5'),
    status: 400,
    code: 'ERR_LEDGER_RANGE',
  },

  // GET /v1/state
  {
    route: 'GET /v1/state',
    name: 'missing key',
    request: () => get('/v1/state'),
    status: 400,
    code: 'ERR_API_SCHEMA',
  },
  {
    route: 'GET /v1/state',
    name: 'empty key',
    request: () => get('/v1/state?key='),
    status: 400,
    code: 'ERR_API_SCHEMA',
  },
  {
    route: 'GET /v1/state',
    name: 'key over 512 characters',
    request: () => get(`/v1/state?key=${'k'.repeat(513)}`),
    status: 400,
    code: 'ERR_API_SCHEMA',
  },
  {
    route: 'GET /v1/state',
    name: 'key given twice',
    request: () => get('/v1/state?key=gov/quorum&key=gov/orgs'),
    status: 400,
    code: 'ERR_API_SCHEMA',
  },
  {
    route: 'GET /v1/state',
    name: 'an unknown parameter',
    request: () => get('/v1/state?key=gov/quorum&height=1'),
    status: 400,
    code: 'ERR_API_SCHEMA',
  },

  // GET /v1/signers/:did/nonce
  {
    route: 'GET /v1/signers/:did/nonce',
    name: 'not a DID',
    request: () => get('/v1/signers/alice/nonce'),
    status: 400,
    code: 'ERR_API_SCHEMA',
  },
  {
    route: 'GET /v1/signers/:did/nonce',
    name: 'a DID with a fragment',
    request: () => get(`/v1/signers/${encodeURIComponent('did:key:z6Mk#key-1')}/nonce`),
    status: 400,
    code: 'ERR_API_SCHEMA',
  },
  {
    route: 'GET /v1/signers/:did/nonce',
    name: 'an upper-case DID method',
    request: () => get('/v1/signers/did:KEY:z6Mk/nonce'),
    status: 400,
    code: 'ERR_API_SCHEMA',
  },

  // GET /v1/genesis, /v1/gov/orgs, /health, /metrics (no input)
  {
    route: 'GET /v1/genesis',
    name: 'POST instead of GET',
    request: () => postJson('/v1/genesis', {}),
    status: 404,
    code: 'ERR_API_NOT_FOUND',
  },
  {
    route: 'GET /v1/gov/orgs',
    name: 'POST instead of GET',
    request: () => postJson('/v1/gov/orgs', {}),
    status: 404,
    code: 'ERR_API_NOT_FOUND',
  },
  {
    route: 'GET /health',
    name: 'POST instead of GET',
    request: () => postJson('/health', {}),
    status: 404,
    code: 'ERR_API_NOT_FOUND',
  },
  {
    route: 'GET /metrics',
    name: 'DELETE instead of GET',
    request: () => ({ method: 'DELETE', url: '/metrics' }),
    status: 404,
    code: 'ERR_API_NOT_FOUND',
  },
  {
    route: 'GET /',
    name: 'POST instead of GET',
    request: () => postJson('/', {}),
    status: 404,
    code: 'ERR_API_NOT_FOUND',
  },

  // GET /web/:file (the explorer's assets)
  {
    route: 'GET /web/:file',
    name: 'an app that is not served',
    request: () => get('/web/wallet.js'),
    status: 400,
    code: 'ERR_API_SCHEMA',
  },
  {
    route: 'GET /web/:file',
    name: 'a path out of web/',
    request: () => get('/web/..%2Fpackage.json'),
    status: 400,
    code: 'ERR_API_SCHEMA',
  },
  {
    route: 'GET /web/:file',
    name: 'a source file',
    request: () => get('/web/explorer.ts'),
    status: 400,
    code: 'ERR_API_SCHEMA',
  },

  // GET /v1/modules
  {
    route: 'GET /v1/modules',
    name: 'POST instead of GET',
    request: () => postJson('/v1/modules', {}),
    status: 404,
    code: 'ERR_API_NOT_FOUND',
  },
  // GET /v1/gov/proposals
  {
    route: 'GET /v1/gov/proposals',
    name: 'limit 0',
    request: () => get('/v1/gov/proposals?limit=0'),
    status: 400,
    code: 'ERR_API_SCHEMA',
  },
  {
    route: 'GET /v1/gov/proposals',
    name: 'limit 501',
    request: () => get('/v1/gov/proposals?limit=501'),
    status: 400,
    code: 'ERR_API_SCHEMA',
  },
  {
    route: 'GET /v1/gov/proposals',
    name: 'non-numeric limit',
    request: () => get('/v1/gov/proposals?limit=ten'),
    status: 400,
    code: 'ERR_API_SCHEMA',
  },
  {
    route: 'GET /v1/gov/proposals',
    name: 'unknown status',
    request: () => get('/v1/gov/proposals?status=pending'),
    status: 400,
    code: 'ERR_API_SCHEMA',
  },
  {
    route: 'GET /v1/gov/proposals',
    name: '"after" over 300 characters',
    request: () => get(`/v1/gov/proposals?after=${'a'.repeat(301)}`),
    status: 400,
    code: 'ERR_API_SCHEMA',
  },
  {
    route: 'GET /v1/gov/proposals',
    name: 'an unknown parameter',
    request: () => get('/v1/gov/proposals?sort=asc'),
    status: 400,
    code: 'ERR_API_SCHEMA',
  },

  // GET /v1/gov/proposals/:id
  {
    route: 'GET /v1/gov/proposals/:id',
    name: 'non-hex id',
    request: () => get('/v1/gov/proposals/latest'),
    status: 400,
    code: 'ERR_API_SCHEMA',
  },
  {
    route: 'GET /v1/gov/proposals/:id',
    name: 'unknown proposal',
    request: () => get(`/v1/gov/proposals/${'ab'.repeat(32)}`),
    status: 404,
    code: 'ERR_GOV_PROPOSAL_NOT_FOUND',
  },

  // governance documents and the credit module's queries
  {
    route: 'GET /v1/gov/documents',
    name: 'POST instead of GET',
    request: () => postJson('/v1/gov/documents', {}),
    status: 404,
    code: 'ERR_API_NOT_FOUND',
  },
  {
    route: 'GET /v1/gov/documents/:namespace/:name',
    name: 'a topic never adopted',
    request: () => get('/v1/gov/documents/credit/secret-sauce'),
    status: 404,
    code: 'ERR_LEDGER_NOT_FOUND',
  },
  {
    route: 'GET /v1/gov/documents/:namespace/:name',
    name: 'version 0',
    request: () => get('/v1/gov/documents/credit/categories?version=0'),
    status: 400,
    code: 'ERR_API_SCHEMA',
  },
  {
    route: 'GET /v1/credit/categories',
    name: 'an unknown parameter',
    request: () => get('/v1/credit/categories?all=1'),
    status: 400,
    code: 'ERR_API_SCHEMA',
  },
  {
    route: 'GET /v1/credit/records/:id',
    name: 'non-hex id',
    request: () => get('/v1/credit/records/latest'),
    status: 400,
    code: 'ERR_API_SCHEMA',
  },
  {
    route: 'GET /v1/credit/records/:id',
    name: 'unknown record',
    request: () => get(`/v1/credit/records/${'cd'.repeat(32)}`),
    status: 404,
    code: 'ERR_CREDIT_RECORD_NOT_FOUND',
  },
  {
    route: 'GET /v1/credit/queries/:id',
    name: 'unknown query',
    request: () => get(`/v1/credit/queries/${'cd'.repeat(32)}`),
    status: 404,
    code: 'ERR_CREDIT_QUERY_NOT_FOUND',
  },
  {
    route: 'GET /v1/credit/public/:uscc',
    name: 'a code with a wrong check character',
    request: () => get('/v1/credit/public/91350100M000100Y44'),
    status: 422,
    code: 'ERR_CREDIT_INVALID_USCC',
  },
  {
    route: 'GET /v1/credit/public/:uscc',
    name: 'a code with a letter I',
    request: () => get('/v1/credit/public/91350100MI00100Y43'),
    status: 400,
    code: 'ERR_API_SCHEMA',
  },
  {
    route: 'GET /v1/credit/lists',
    name: 'POST instead of GET',
    request: () => postJson('/v1/credit/lists', {}),
    status: 404,
    code: 'ERR_API_NOT_FOUND',
  },
  {
    route: 'GET /v1/credit/lists/:id',
    name: 'unknown list',
    request: () => get('/v1/credit/lists/good-citizens'),
    status: 404,
    code: 'ERR_LEDGER_NOT_FOUND',
  },
  {
    route: 'GET /v1/credit/events',
    name: 'limit 0',
    request: () => get('/v1/credit/events?limit=0'),
    status: 400,
    code: 'ERR_API_SCHEMA',
  },

  // GET /v1/gov/roles
  {
    route: 'GET /v1/gov/roles',
    name: 'unknown role',
    request: () => get('/v1/gov/roles?role=auditor'),
    status: 400,
    code: 'ERR_API_SCHEMA',
  },
  {
    route: 'GET /v1/gov/roles',
    name: 'limit 0',
    request: () => get('/v1/gov/roles?limit=0'),
    status: 400,
    code: 'ERR_API_SCHEMA',
  },
  {
    route: 'GET /v1/gov/roles',
    name: 'an unknown parameter',
    request: () => get('/v1/gov/roles?subject=x'),
    status: 400,
    code: 'ERR_API_SCHEMA',
  },

  // GET /v1/gov/accreditations/:role/:subject
  {
    route: 'GET /v1/gov/accreditations/:role/:subject',
    name: 'unknown role',
    request: () => get('/v1/gov/accreditations/auditor/did:key:z6Mk'),
    status: 400,
    code: 'ERR_API_SCHEMA',
  },
  {
    route: 'GET /v1/gov/accreditations/:role/:subject',
    name: 'not a DID',
    request: () => get('/v1/gov/accreditations/identity-authority/alice'),
    status: 400,
    code: 'ERR_API_SCHEMA',
  },

  // GET /v1/gov/site-origins/:origin
  {
    route: 'GET /v1/gov/site-origins/:origin',
    name: 'not a web origin',
    request: () => get(`/v1/gov/site-origins/${encodeURIComponent('https://shop.example/path')}`),
    status: 400,
    code: 'ERR_API_SCHEMA',
  },
  {
    route: 'GET /v1/gov/site-origins/:origin',
    name: 'an origin no site registered',
    request: () => get(`/v1/gov/site-origins/${encodeURIComponent('https://nobody.example')}`),
    status: 404,
    code: 'ERR_LEDGER_NOT_FOUND',
  },

  // GET /v1/identity/disclosures/:receipt, /v1/identity/disclosure-counts
  {
    route: 'GET /v1/identity/disclosures/:receipt',
    name: 'not a SHA-256 hex',
    request: () => get(`/v1/identity/disclosures/${'AB'.repeat(32)}`),
    status: 400,
    code: 'ERR_API_SCHEMA',
  },
  {
    route: 'GET /v1/identity/disclosures/:receipt',
    name: 'no disclosure with this receipt',
    request: () => get(`/v1/identity/disclosures/${'ab'.repeat(32)}`),
    status: 404,
    code: 'ERR_LEDGER_NOT_FOUND',
  },
  {
    route: 'GET /v1/identity/disclosure-counts',
    name: 'a site that is not a did:rdid',
    request: (f) => get(`/v1/identity/disclosure-counts?site=${f.l.orgs[0]!.did}`),
    status: 400,
    code: 'ERR_API_SCHEMA',
  },
  {
    route: 'GET /v1/identity/disclosure-counts',
    name: 'limit 0',
    request: () => get('/v1/identity/disclosure-counts?limit=0'),
    status: 400,
    code: 'ERR_API_SCHEMA',
  },

  // GET /v1/identity/masters/:did
  {
    route: 'GET /v1/identity/masters/:did',
    name: 'not a did:rdid',
    request: (f) => get(`/v1/identity/masters/${f.l.orgs[0]!.did}`),
    status: 400,
    code: 'ERR_API_SCHEMA',
  },
  {
    route: 'GET /v1/identity/masters/:did',
    name: 'a did:rdid without a binding',
    request: () => get(`/v1/identity/masters/did:rdid:${'1'.repeat(40)}`),
    status: 404,
    code: 'ERR_IDENTITY_NOT_ENROLLED',
  },

  // GET /v1/identity/lists
  {
    route: 'GET /v1/identity/lists',
    name: 'limit 501',
    request: () => get('/v1/identity/lists?limit=501'),
    status: 400,
    code: 'ERR_API_SCHEMA',
  },
  {
    route: 'GET /v1/identity/lists',
    name: 'a malformed cursor',
    request: () => get('/v1/identity/lists?after=Not_An_Id'),
    status: 400,
    code: 'ERR_API_SCHEMA',
  },

  // GET /v1/identity/lists/:list/:idx
  {
    route: 'GET /v1/identity/lists/:list/:idx',
    name: 'a negative index',
    request: () => get('/v1/identity/lists/abc-1/-1'),
    status: 400,
    code: 'ERR_API_SCHEMA',
  },
  {
    route: 'GET /v1/identity/lists/:list/:idx',
    name: 'an unknown list',
    request: () => get('/v1/identity/lists/abc-1/5'),
    status: 404,
    code: 'ERR_IDENTITY_LIST_UNKNOWN',
  },

  // GET /v1/identity/lawful-requests/:id, /v1/identity/lawful-requests, /v1/identity/lawful-notices
  {
    route: 'GET /v1/identity/lawful-requests/:id',
    name: 'not a request id',
    request: () => get('/v1/identity/lawful-requests/ABC'),
    status: 400,
    code: 'ERR_API_SCHEMA',
  },
  {
    route: 'GET /v1/identity/lawful-requests/:id',
    name: 'an unknown request',
    request: () => get(`/v1/identity/lawful-requests/${'0'.repeat(64)}`),
    status: 404,
    code: 'ERR_IDENTITY_LAWFUL_UNKNOWN',
  },
  {
    route: 'GET /v1/identity/lawful-requests',
    name: 'an unknown status',
    request: () => get('/v1/identity/lawful-requests?status=leaked'),
    status: 400,
    code: 'ERR_API_SCHEMA',
  },
  {
    route: 'GET /v1/identity/lawful-notices',
    name: 'a malformed cursor',
    request: () => get('/v1/identity/lawful-notices?after=12/ab'),
    status: 400,
    code: 'ERR_API_SCHEMA',
  },
  {
    route: 'GET /v1/identity/lawful-notices',
    name: 'a negative time',
    request: () => get('/v1/identity/lawful-notices?since=-1'),
    status: 400,
    code: 'ERR_API_SCHEMA',
  },

  // GET /1.0/identifiers/:did (request-schema errors only; resolution errors use the DID Resolution format)
  // (an unknown option such as ?format=json is a resolution error: FEATURE_NOT_SUPPORTED (501), see test/did/resolve.test.ts)
  {
    route: 'GET /1.0/identifiers/:did',
    name: 'an option value over 64 characters',
    request: (f) => get(`/1.0/identifiers/${f.l.orgs[0]!.did}?versionId=${'1'.repeat(65)}`),
    status: 400,
    code: 'ERR_API_SCHEMA',
  },
  {
    route: 'GET /1.0/identifiers/:did',
    name: 'more than 8 options',
    request: (f) =>
      get(
        `/1.0/identifiers/${f.l.orgs[0]!.did}?${Array.from({ length: 9 }, (_, i) => `o${i}=1`).join('&')}`,
      ),
    status: 400,
    code: 'ERR_API_SCHEMA',
  },

  // No such route
  {
    route: '(none)',
    name: 'unknown path',
    request: () => get('/v1/nothing-here'),
    status: 404,
    code: 'ERR_API_NOT_FOUND',
  },
  {
    route: '(none)',
    name: 'unknown path with a body',
    request: (f) => postJson('/v1/tx', txOf(f, 2)),
    status: 404,
    code: 'ERR_API_NOT_FOUND',
  },
];

/** A cosignature of the checkpoint at `height` by org `i` (or any org). */
function cosig(
  f: Fixture,
  i: number | TestOrg,
  height: number,
): { org: string; key: string; sig: string } {
  const o = typeof i === 'number' ? f.l.orgs[i]! : i;
  return signCheckpoint(
    f.l.node.chain.signedCheckpoint(height).checkpoint,
    o.id,
    o.multikey,
    o.keyPair,
  );
}

function forgedCosig(s: { org: string; key: string; sig: string }): {
  org: string;
  key: string;
  sig: string;
} {
  const sig = Buffer.from(s.sig, 'base64url');
  sig[10]! ^= 0x80;
  return { ...s, sig: toBase64url(sig) };
}

describe('bad input on every route: the documented 4xx code, and nothing changes', () => {
  let f: Fixture;
  before(async () => {
    f = await openFixture();
  });
  after(() => closeFixture(f));

  test('every route in src/node/routes has bad-input cases, and every case names a route', () => {
    const inSource = routesInSource().filter((r) => !CREDIT_ROUTES.has(r));
    const covered = [...new Set(CASES.map((c) => c.route).filter((r) => r !== '(none)'))].sort();
    assert.deepEqual(covered, inSource);
  });

  for (const c of CASES) {
    test(`${c.route}: ${c.name} → ${c.status} ${c.code}`, async () => {
      assert.equal(f.l.node.errors.status(c.code), c.status, 'the case agrees with the registry');
      const cpBefore = (await getJson<SignedCheckpoint>(f.app, '/v1/checkpoint')).checkpoint;
      const snapBefore = snapshotLedger(f.l.node);
      const res = await f.app.inject(c.request(f));
      assert.equal(res.statusCode, c.status, res.body.slice(0, 300));
      const body = res.json<{ code: string; message: string; details?: Record<string, unknown> }>();
      assert.equal(body.code, c.code, body.message);
      assert.equal(typeof body.message, 'string');
      assert.ok(body.message.length > 0);
      c.check?.(body);
      const cpAfter = (await getJson<SignedCheckpoint>(f.app, '/v1/checkpoint')).checkpoint;
      assert.equal(cpAfter.stateRoot, cpBefore.stateRoot);
      assert.equal(cpAfter.logSize, cpBefore.logSize);
      assert.deepEqual(cpAfter, cpBefore);
      assert.deepEqual(snapshotLedger(f.l.node), snapBefore);
    });
  }
});

/** `fetch` answered by `app.inject`, so the SDK client runs against the app without a port. */
function injectFetch(app: FastifyInstance): typeof fetch {
  return async (input, init) => {
    const url = new URL(String(input));
    const res = await app.inject({
      method: (init?.method ?? 'GET') as 'GET' | 'POST',
      url: url.pathname + url.search,
      headers: (init?.headers ?? {}) as Record<string, string>,
      ...(init?.body === undefined || init.body === null ? {} : { payload: init.body as string }),
    });
    return new Response(res.body, {
      status: res.statusCode,
      headers: { 'content-type': String(res.headers['content-type'] ?? '') },
    });
  };
}

describe('happy paths', () => {
  let f: Fixture;
  before(async () => {
    f = await openFixture();
  });
  after(() => closeFixture(f));

  test('submit → receipt; GET /v1/txs/:id carries an inclusion proof that verifies against a signed checkpoint', async () => {
    const tx = f.l.sign(2, 'gov.propose', {
      change: { type: 'set-param', name: 'x', value: 1 },
      note: 'api test',
    });
    const res = await f.app.inject(postJson('/v1/txs', tx));
    assert.equal(res.statusCode, 200, res.body);
    const receipt = res.json<{ id: string; height: number; logIndex: number }>();
    assert.deepEqual(receipt, { id: decodeTx(tx).id, height: 3, logIndex: 2 });

    const answer = await getJson(f.app, `/v1/txs/${receipt.id}`);
    assert.equal(answer.height, 3);
    assert.deepEqual(answer.tx, tx);
    const cp = verifySignedCheckpoint(answer.checkpoint, f.trust, 1);
    const proven = verifyTxInclusion(answer, cp);
    assert.equal(proven.id, receipt.id);
    // An older transaction is proven against the same latest checkpoint.
    const first = await getJson(f.app, `/v1/txs/${f.proposalId}`);
    assert.equal(
      verifyTxInclusion(first, verifySignedCheckpoint(first.checkpoint, f.trust)).id,
      f.proposalId,
    );
    // A tampered answer fails.
    assert.throws(
      () =>
        verifyTxInclusion(
          { ...answer, logIndex: 0, inclusion: { ...answer.inclusion, leafIndex: 0 } },
          cp,
        ),
      (e: unknown) => isAppError(e, 'ERR_LEDGER_BAD_PROOF'),
    );

    const block = await getJson(f.app, '/v1/blocks/3');
    assert.deepEqual(block.txIds, [receipt.id]);
    assert.equal(block.hash, cp.blockHash);
    const nonce = await getJson(f.app, `/v1/signers/${encodeURIComponent(f.l.orgs[2]!.did)}/nonce`);
    assert.deepEqual(nonce, {
      did: f.l.orgs[2]!.did,
      lastNonce: tx.nonce,
      nextNonce: tx.nonce + 1,
    });
  });

  test('GET /v1/state: a present and an absent key verify with verifyStateAnswer', async () => {
    const quorum = await getJson(f.app, '/v1/state?key=gov/quorum');
    const cp = verifySignedCheckpoint(quorum.checkpoint, f.trust);
    assert.equal(verifyStateAnswer('gov/quorum', quorum, cp), 3);
    const absent = await getJson(
      f.app,
      `/v1/state?key=${encodeURIComponent('gov/param/no-such-param')}`,
    );
    assert.equal(absent.value, null);
    assert.equal(
      verifyStateAnswer(
        'gov/param/no-such-param',
        absent,
        verifySignedCheckpoint(absent.checkpoint, f.trust),
      ),
      null,
    );
    // Lies are caught: another value, or the proof of another key.
    assert.throws(
      () => verifyStateAnswer('gov/quorum', { ...quorum, value: 1 }, cp),
      (e: unknown) => isAppError(e, 'ERR_LEDGER_BAD_PROOF'),
    );
    assert.throws(
      () => verifyStateAnswer('gov/orgs', quorum, cp),
      (e: unknown) => isAppError(e, 'ERR_LEDGER_BAD_PROOF'),
    );
    assert.throws(
      () => verifyStateAnswer('gov/param/no-such-param', { ...absent, value: 7 }, cp),
      (e: unknown) => isAppError(e, 'ERR_LEDGER_BAD_PROOF'),
    );
  });

  test('a consistency proof between two checkpoints verifies', async () => {
    const old: Checkpoint = verifySignedCheckpoint(
      await getJson(f.app, '/v1/checkpoints/1'),
      f.trust,
    );
    await f.l.submitOk(0, 'gov.propose', { change: { type: 'set-param', name: 'y', value: 2 } });
    const head: Checkpoint = verifySignedCheckpoint(
      await getJson(f.app, '/v1/checkpoint'),
      f.trust,
    );
    assert.ok(head.logSize > old.logSize);
    const proof = await getJson(
      f.app,
      `/v1/proofs/consistency?size1=${old.logSize}&size2=${head.logSize}`,
    );
    assert.deepEqual([proof.size1, proof.size2], [old.logSize, head.logSize]);
    verifyCheckpointConsistency(old, head, proof.hashes);
    const byDefault = await getJson(f.app, `/v1/proofs/consistency?size1=${old.logSize}`);
    assert.deepEqual(byDefault, proof);
    assert.throws(
      () => verifyCheckpointConsistency(old, { ...head, logRoot: old.logRoot }, proof.hashes),
      (e: unknown) => isAppError(e, 'ERR_LEDGER_INCONSISTENT'),
    );
  });

  test('GET /v1/blocks lists the newest blocks first, paged by `before`', async () => {
    const head = f.l.node.chain.head.height;
    const all = await getJson(f.app, '/v1/blocks');
    assert.deepEqual(
      all.blocks.map((b: { height: number }) => b.height),
      Array.from({ length: head + 1 }, (_, i) => head - i),
    );
    assert.equal(all.next, null);
    for (const b of all.blocks) {
      const block = await getJson(f.app, `/v1/blocks/${b.height}`);
      assert.deepEqual(b, {
        height: block.height,
        hash: block.hash,
        time: block.header.time,
        txCount: block.txIds.length,
      });
    }
    const page = await getJson(f.app, '/v1/blocks?limit=2');
    assert.deepEqual(page.blocks, all.blocks.slice(0, 2));
    assert.equal(page.next, head - 1);
    const rest = await getJson(f.app, `/v1/blocks?before=${page.next}&limit=100`);
    assert.deepEqual(rest.blocks, all.blocks.slice(2));
    assert.equal(rest.next, null);
    const above = await getJson(f.app, `/v1/blocks?before=${head + 50}&limit=1`);
    assert.deepEqual(
      above.blocks,
      all.blocks.slice(0, 1),
      'a `before` above the head starts at the head',
    );
  });

  test('a good cosignature is accepted and counted by clients', async () => {
    const h = f.l.node.chain.head.height;
    const res = await f.app.inject(postJson(`/v1/checkpoints/${h}/signatures`, cosig(f, 1, h)));
    assert.equal(res.statusCode, 200, res.body);
    const scp = res.json<SignedCheckpoint>();
    assert.deepEqual(
      scp.signatures.map((s) => s.org),
      ['org1', 'org2'],
    );
    assert.equal(verifySignedCheckpoint(scp, f.trust, 2).height, h);
    assert.deepEqual(await getJson(f.app, `/v1/checkpoints/${h}`), scp);
    // The same org again is idempotent.
    const again = await f.app.inject(postJson(`/v1/checkpoints/${h}/signatures`, cosig(f, 1, h)));
    assert.deepEqual(again.json(), scp);
  });

  test('governance views, genesis, /health and /metrics', async () => {
    const orgs = await getJson(f.app, '/v1/gov/orgs');
    assert.equal(orgs.quorum, 3);
    assert.deepEqual(
      orgs.orgs.map((o: { id: string }) => o.id),
      ['org1', 'org2', 'org3'],
    );
    const open = await getJson(f.app, '/v1/gov/proposals?status=open');
    assert.ok(open.proposals.some((p: { id: string }) => p.id === f.proposalId));
    assert.deepEqual((await getJson(f.app, '/v1/gov/proposals?status=executed')).proposals, []);
    const p = await getJson(f.app, `/v1/gov/proposals/${f.proposalId}`);
    assert.deepEqual(p.approvals, ['org1', 'org2']);
    assert.deepEqual(await getJson(f.app, '/v1/gov/roles?role=querier'), { roles: [], next: null });
    const g = await getJson(f.app, '/v1/genesis');
    assert.equal(g.hash, hashGenesis(f.l.genesis));

    const health = await getJson(f.app, '/health');
    assert.deepEqual(health, {
      status: 'ok',
      chainId: 'realdid-test',
      height: f.l.node.chain.head.height,
      pending: 0,
    });

    await f.app.inject(
      postJson('/v1/txs', forgedSig(f.l.sign(2, 'gov.approve', { proposal: f.proposalId }))),
    );
    const metrics = await f.app.inject(get('/metrics'));
    assert.equal(metrics.statusCode, 200);
    assert.match(String(metrics.headers['content-type']), /^text\/plain/);
    assert.match(
      metrics.body,
      new RegExp(`^realdid_block_height ${f.l.node.chain.head.height}$`, 'm'),
    );
    assert.match(metrics.body, /^# TYPE realdid_block_height gauge$/m);
    assert.match(
      metrics.body,
      /^realdid_tx_rejected_total\{code="ERR_LEDGER_BAD_SIGNATURE"\} [1-9]\d*$/m,
    );
    assert.match(metrics.body, /^realdid_tx_committed_total [1-9]\d*$/m);
  });

  test('/docs/json is an OpenAPI document listing every route', async () => {
    const doc = await getJson(f.app, '/docs/json');
    assert.match(doc.openapi, /^3\./);
    const listed = Object.entries(doc.paths as Record<string, Record<string, unknown>>)
      .flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`))
      .filter((r) => !/ \/docs/.test(r))
      .sort();
    const expected = routesInSource()
      // the pages' script and style sheet: not part of the API (hidden from its document)
      .filter((r) => r !== 'GET /web/:file')
      .map((r) => {
        const [m, p] = r.split(' ');
        return `${m} ${openApiPath(p!)}`;
      })
      .sort();
    assert.deepEqual(listed, expected);
    assert.ok(doc.paths['/v1/txs'].post.requestBody, 'POST /v1/txs documents its body');
  });

  test('the SDK client, speaking to the app through inject, verifies everything it is given', async () => {
    const client = new RealdidClient({
      url: 'http://node.invalid',
      fetch: injectFetch(f.app),
      minSignatures: 1,
    });
    const cp1 = await client.checkpoint();
    const r = await client.submit(
      f.l.sign(1, 'gov.propose', { change: { type: 'set-param', name: 'z', value: 3 } }),
    );
    const { tx, height } = await client.tx(r.id);
    assert.equal(tx.id, r.id);
    assert.equal(height, r.height);
    assert.ok(
      client.lastCheckpoint!.height > cp1.height,
      'the newer checkpoint was accepted as consistent',
    );
    assert.equal((await client.state<number>('gov/quorum')).value, 3);
    assert.equal((await client.state('gov/param/nothing')).value, null);
    await assert.rejects(client.submit(f.committed), (e: unknown) =>
      isAppError(e, 'ERR_LEDGER_DUPLICATE_TX'),
    );
  });
});

describe('the batch route with good and bad transactions', () => {
  test('each outcome is right, and the ledger equals a twin fed only the good ones', async () => {
    const f = await openFixture();
    const twin = openTestLedger({ orgs: [...f.l.orgs], genesis: { quorum: 3 } });
    try {
      // Bring the twin to the same point.
      for (let h = 1; h <= f.l.node.chain.head.height; h++) {
        const block = await getJson(f.app, `/v1/blocks/${h}`);
        const txs = await Promise.all(
          block.txIds.map(async (id: string) => (await getJson(f.app, `/v1/txs/${id}`)).tx),
        );
        for (const o of await twin.node.submit(txs)) assert.ok(o.ok);
      }
      assert.equal(twin.node.chain.head.hash, f.l.node.chain.head.hash);

      const good1 = f.l.sign(2, 'gov.approve', { proposal: f.proposalId }); // executes the proposal
      const good2 = f.l.sign(0, 'gov.propose', { change: { type: 'set-quorum', quorum: 2 } });
      const good3 = f.l.sign(1, 'gov.approve', { proposal: decodeTx(good2).id });
      const good4 = f.l.sign(2, 'gov.approve', { proposal: decodeTx(good2).id }); // the third approval: quorum becomes 2
      const batch: [unknown, ErrorCode | 'ok'][] = [
        [good1, 'ok'],
        [
          forgedSig(
            f.l.sign(1, 'gov.propose', { change: { type: 'set-param', name: 'bad', value: 1 } }),
          ),
          'ERR_LEDGER_BAD_SIGNATURE',
        ],
        [f.committed, 'ERR_LEDGER_DUPLICATE_TX'],
        [good1, 'ERR_LEDGER_DUPLICATE_TX'],
        [f.l.sign(2, 'gov.approve', { proposal: f.proposalId }), 'ERR_GOV_PROPOSAL_CLOSED'],
        [good2, 'ok'],
        [
          f.l.sign(
            0,
            'gov.propose',
            { change: { type: 'set-param', name: 'bad', value: 2 } },
            { nonce: good2.nonce },
          ),
          'ERR_LEDGER_REPLAY',
        ],
        [f.l.sign(1, 'gov.abolish', {}), 'ERR_LEDGER_UNKNOWN_KIND'],
        [f.l.sign(1, 'gov.propose', { change: { type: 'nothing' } }), 'ERR_LEDGER_SCHEMA'],
        [
          f.l.sign(makeOrg('outsider'), 'gov.approve', { proposal: decodeTx(good2).id }),
          'ERR_GOV_NOT_MEMBER',
        ],
        [
          f.l.sign(
            1,
            'gov.approve',
            { proposal: decodeTx(good2).id },
            { created: f.l.clock.now + 3600_000 },
          ),
          'ERR_LEDGER_TX_TIME',
        ],
        [f.l.sign(1, 'NOT.A.KIND', {}), 'ERR_LEDGER_MALFORMED_TX'],
        [
          f.l.sign(
            1,
            'gov.approve',
            { proposal: decodeTx(good2).id },
            { signer: 'did:web:example.com#k' },
          ),
          'ERR_LEDGER_BAD_SIGNER',
        ],
        [good3, 'ok'],
        [good4, 'ok'],
      ];
      const startLog = f.l.node.chain.log.size;
      const res = await f.app.inject(postJson('/v1/txs/batch', { txs: batch.map(([tx]) => tx) }));
      assert.equal(res.statusCode, 200, res.body);
      const { results } = res.json<{
        results: (
          | { ok: true; id: string; height: number; logIndex: number }
          | { ok: false; id?: string; error: { code: string; message: string } }
        )[];
      }>();
      assert.equal(results.length, batch.length);
      let logIndex = startLog;
      results.forEach((r, i) => {
        const [tx, want] = batch[i]!;
        if (want === 'ok') {
          assert.ok(r.ok, JSON.stringify(r));
          assert.equal(r.id, decodeTx(tx).id);
          assert.equal(r.logIndex, logIndex++);
        } else {
          assert.ok(!r.ok, `entry ${i}: expected ${want}`);
          assert.equal(r.error.code, want, `entry ${i}: ${r.error.message}`);
          // Transactions that decode are named by id, except those refused before execution.
          if (r.id !== undefined) assert.equal(r.id, decodeTx(tx).id);
          if (want === 'ERR_LEDGER_MALFORMED_TX') assert.equal(r.id, undefined);
          else if (!['ERR_LEDGER_UNKNOWN_KIND', 'ERR_LEDGER_SCHEMA'].includes(want))
            assert.equal(r.id, decodeTx(tx).id, `entry ${i}`);
        }
      });
      assert.equal(f.l.node.chain.log.size, logIndex);
      assert.equal((await getJson(f.app, `/v1/gov/proposals/${f.proposalId}`)).status, 'executed');
      assert.equal((await getJson(f.app, '/v1/gov/orgs')).quorum, 2);

      // The bad ones changed nothing: a twin fed only the good ones is identical, block for block.
      for (const tx of [good1, good2, good3, good4])
        assert.ok((await twin.node.submit([tx]))[0]!.ok);
      assert.deepEqual(snapshotLedger(f.l.node), snapshotLedger(twin.node));
      assert.deepEqual(f.l.node.chain.signedCheckpoint(), twin.node.chain.signedCheckpoint());
    } finally {
      await twin.close();
      await closeFixture(f);
    }
  });
});

describe('regressions: defects found in review, fixed in src/', () => {
  // Fixed in src/node/app.ts (bodies are compiled by a non-coercing Ajv): with fastify's
  // `coerceTypes: 'array'` applied to bodies too, a wrong-typed field was coerced instead of
  // rejected ("nonce": "4" became 4, "created": true became 1). Bodies are signed data and are
  // validated as they are.
  test('POST /v1/txs with a numeric field sent as a string is ERR_API_SCHEMA, not coerced', async () => {
    const f = await openFixture();
    try {
      const tx = f.l.sign(2, 'gov.approve', { proposal: f.proposalId });
      const before = snapshotLedger(f.l.node);
      const res = await f.app.inject(postJson('/v1/txs', { ...tx, nonce: String(tx.nonce) }));
      assert.equal(res.statusCode, 400, res.body);
      assert.equal(res.json().code, 'ERR_API_SCHEMA');
      assert.deepEqual(snapshotLedger(f.l.node), before);
    } finally {
      await closeFixture(f);
    }
  });

  // Fixed in src/node/app.ts (`maxParamLength: 2048`) and node/errors.ts (FST_ERR_MAX_PARAM_LENGTH
  // → ERR_API_SCHEMA): with fastify's default limit of 100, a longer path parameter never reached
  // the route schema (maxLength 512 for signer DIDs, 2048 for the resolver) and fastify answered
  // 414 with its own code `FST_ERR_MAX_PARAM_LENGTH`, outside the registry.
  test('path parameters up to the schema maxLength reach the route; longer ones are ERR_API_SCHEMA', async () => {
    const f = await openFixture();
    try {
      const did = `did:key:${'z'.repeat(150)}`;
      const ok = await f.app.inject(get(`/v1/signers/${did}/nonce`));
      assert.equal(ok.statusCode, 200, ok.body);
      assert.deepEqual(ok.json(), { did, lastNonce: 0, nextNonce: 1 });
      for (const url of [
        `/v1/signers/did:key:${'z'.repeat(520)}/nonce`,
        `/1.0/identifiers/did:rdid:${'a'.repeat(2050)}`,
      ]) {
        const res = await f.app.inject(get(url));
        assert.equal(res.statusCode, 400, res.body.slice(0, 200));
        assert.equal(res.json().code, 'ERR_API_SCHEMA');
      }
    } finally {
      await closeFixture(f);
    }
  });

  // Fixed in src/ledger/chain.ts (isMemberSignature compares `key` with the org's keys): the
  // signature was checked against every key of `org` while the `key` field was stored as sent,
  // so a valid signature labelled with another org's key was accepted.
  test("a cosignature whose 'key' is not the signing org's key is ERR_LEDGER_BAD_CHECKPOINT", async () => {
    const f = await openFixture();
    try {
      const s = { ...cosig(f, 1, 1), key: f.l.orgs[0]!.multikey };
      const res = await f.app.inject(postJson('/v1/checkpoints/1/signatures', s));
      assert.equal(res.statusCode, 422, res.body);
      assert.equal(res.json().code, 'ERR_LEDGER_BAD_CHECKPOINT');
    } finally {
      await closeFixture(f);
    }
  });
});
