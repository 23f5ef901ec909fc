/**
 * The identity authority's HTTP API (src/identity/routes.ts) under bad input, in the style of
 * test/node/api.test.ts: every route has cases; each case gets the status the node's error
 * registry gives its code, and changes nothing on the ledger (same head, same state root, same
 * snapshot). The envelope cases (unsigned, badly signed, expired, replayed, wrong audience or
 * action, a stranger on the front office) run on every POST route. A case that shows a defect of
 * src/ not fixed yet runs as a todo, naming it. Then the happy paths: the authority's description,
 * a signed status list token verified with the issuer key the ledger names, and the OpenAPI
 * document.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import type { InjectOptions } from 'fastify';
import {
  decodeMultikey,
  encodeMultikey,
  fromBase64url,
  sha256,
  toBase64url,
  utf8,
  type Ed25519KeyPair,
  type JsonValue,
} from '../../src/crypto/index.ts';
import {
  jwkOfEd25519,
  REAL_NAME_VCT,
  STATUS_LIST_TYP,
  verifierOfJwk,
  verifyStatusListToken,
} from '../../src/credentials/index.ts';
import {
  authFragment,
  controlProofBytes,
  newRequestNonce,
  planCreate,
  proveControl,
  signRequest,
  type SignedRequest,
} from '../../src/did/index.ts';
import { isAppError, type ErrorCode } from '../../src/errors.ts';
import { proveMasterDid, type CopyInfo, type RequestKey } from '../../src/sdk/index.ts';
import { snapshotLedger } from '../helpers/ledger.ts';
import {
  enroll,
  idNumber,
  newWallet,
  openAuthorityNode,
  PEOPLE,
  type IaNode,
  type TestWallet,
} from './_helpers.ts';

/** Every route of src/identity/routes.ts, as "METHOD /path". */
const ROUTES = [
  ...readFileSync(new URL('../../src/identity/routes.ts', import.meta.url), 'utf8').matchAll(
    /app\.(get|post|put|patch|delete)\(\s*'([^']+)'/g,
  ),
]
  .map((m) => `${m[1]!.toUpperCase()} ${m[2]}`)
  .sort();

/** fastify's `/a/:b` as OpenAPI's `/a/{b}`. */
const openApiPath = (path: string): string => path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

const SHOP = 'https://shop.example';
/** A synthetic person who is enrolled, revoked and enrolled again. */
const RETURNING = {
  familyName: 'Returnqzv',
  givenName: 'Againwxk',
  idNumber: idNumber('320102', '19800515', '246'),
  birthdate: '1980-05-15',
  nationality: 'CN',
};
const MINUTE = 60_000;

interface Fixture {
  readonly ia: IaNode;
  /** Enrolled (PEOPLE[0]); holds one copy. */
  readonly person: TestWallet;
  /** A DID on the ledger, never enrolled. */
  readonly stranger: TestWallet;
  /** Enrolled (PEOPLE[2]), then revoked. */
  readonly ended: TestWallet;
  /** Enrolled (PEOPLE[3]), then re-bound to `successor`. */
  readonly rebound: TestWallet;
  readonly successor: TestWallet;
  /** Enrolled (RETURNING), revoked; the same person then enrolled again as `returned`. */
  readonly gone: TestWallet;
  readonly returned: TestWallet;
  /** The person's copy, and the status list it is on. */
  readonly copy: CopyInfo;
  readonly list: string;
}

async function openFixture(): Promise<Fixture> {
  const ia = await openAuthorityNode();
  const person = await newWallet(ia.client, 'api-person');
  const stranger = await newWallet(ia.client, 'api-stranger');
  const ended = await newWallet(ia.client, 'api-ended');
  await enroll(ia, PEOPLE[0]!, person);
  await enroll(ia, PEOPLE[2]!, ended);
  await ia.client.identity.revoke(ia.operator, ia.authority, {
    did: ended.did,
    reason: 'holder-request',
  });
  const rebound = await newWallet(ia.client, 'api-rebound');
  const successor = await newWallet(ia.client, 'api-successor');
  await enroll(ia, PEOPLE[3]!, rebound);
  const { challenge } = await ia.client.identity.challenge(ia.operator, ia.authority);
  await ia.client.identity.rebind(ia.operator, ia.authority, {
    person: PEOPLE[3]!,
    did: successor.did,
    proof: proveMasterDid(ia.authority, challenge, successor.master),
  });
  const gone = await newWallet(ia.client, 'api-gone');
  const returned = await newWallet(ia.client, 'api-returned');
  await enroll(ia, RETURNING, gone);
  await ia.client.identity.revoke(ia.operator, ia.authority, {
    did: gone.did,
    reason: 'holder-request',
  });
  await enroll(ia, RETURNING, returned);
  const copy = await ia.client.identity.requestCopy(
    ia.authority,
    person.master,
    person.pairwise(SHOP).keyPair,
  );
  const list = copy.status.uri.split('/').at(-1)!;
  return { ia, person, stranger, ended, rebound, successor, gone, returned, copy, list };
}

const json = (v: unknown): JsonValue => v as JsonValue;
const post = (url: string, payload: unknown): InjectOptions => ({
  method: 'POST',
  url,
  payload: payload as object,
});
const postRaw = (url: string, payload: string, contentType: string): InjectOptions => ({
  method: 'POST',
  url,
  payload,
  headers: { 'content-type': contentType },
});
const get = (url: string): InjectOptions => ({ method: 'GET', url });

/** A base64url signature with one bit flipped. */
function flipped(signature: string): string {
  const sig = fromBase64url(signature);
  sig[5]! ^= 0x10;
  return toBase64url(sig);
}

/** The DID part of a DID URL. */
const didOf = (kid: string): string => kid.slice(0, kid.indexOf('#'));

/** A fresh challenge from the front office. */
const challengeOf = async (f: Fixture): Promise<string> =>
  (await f.ia.client.identity.challenge(f.ia.operator, f.ia.authority)).challenge;

/** The front office's signed request. */
const byOperator = (f: Fixture, action: string, body: unknown): SignedRequest<JsonValue> =>
  signRequest(action, f.ia.authority, json(body), f.ia.operator);

/** An enrollment (or re-binding) request signed by the operator. */
function bindingRequest(
  f: Fixture,
  person: object,
  did: string,
  proof: object,
  action = 'identity.enroll',
): SignedRequest<JsonValue> {
  return byOperator(f, action, { person, did, proof });
}

/**
 * A copy request signed by `master` for `holder`, with the holder key's proof of possession over
 * the request nonce; `o` spoils it.
 */
function copyRequest(
  f: Fixture,
  master: RequestKey,
  holder: Ed25519KeyPair,
  o: {
    readonly popBy?: Ed25519KeyPair;
    readonly popNonce?: string;
    readonly popAudience?: string;
    readonly popPurpose?: string;
    readonly holderKey?: string;
  } = {},
): SignedRequest<JsonValue> {
  const nonce = newRequestNonce();
  const holderKey = o.holderKey ?? encodeMultikey(holder.publicKey);
  const pop = toBase64url(
    (o.popBy ?? holder).sign(
      controlProofBytes({
        purpose: o.popPurpose ?? 'holder-key',
        audience: o.popAudience ?? f.ia.authority,
        challenge: o.popNonce ?? nonce,
        subject: holderKey,
      }),
    ),
  );
  return signRequest('identity.copy', f.ia.authority, { holder: holderKey, pop }, master, {
    nonce,
  });
}

/** A POST route of the API, with a request that is signed right and harmless. */
interface PostRoute {
  readonly path: string;
  readonly action: string;
  /** Front office (only the authority's keys may call it). */
  readonly operator: boolean;
  /** Who signs the harmless request. */
  readonly key: (f: Fixture) => RequestKey;
  /** A body the schema accepts, refused (or answered) further on without changing anything. */
  readonly body: (f: Fixture) => JsonValue;
  /** What the harmless request gets: 200 or an error code. */
  readonly outcome: 200 | ErrorCode;
}

const POST_ROUTES: readonly PostRoute[] = [
  {
    path: '/v1/identity/challenges',
    action: 'identity.challenge',
    operator: true,
    key: (f) => f.ia.operator,
    body: () => ({}),
    outcome: 200,
  },
  {
    path: '/v1/identity/enrollments',
    action: 'identity.enroll',
    operator: true,
    key: (f) => f.ia.operator,
    body: (f) =>
      json({
        person: PEOPLE[1],
        did: f.stranger.did,
        proof: {
          challenge: 'A'.repeat(43),
          signer: f.stranger.master.kid,
          signature: 'A'.repeat(86),
        },
      }),
    outcome: 'ERR_IDENTITY_BAD_CHALLENGE',
  },
  {
    path: '/v1/identity/rebindings',
    action: 'identity.rebind',
    operator: true,
    key: (f) => f.ia.operator,
    body: (f) =>
      json({
        person: PEOPLE[1],
        did: f.stranger.did,
        proof: {
          challenge: 'A'.repeat(43),
          signer: f.stranger.master.kid,
          signature: 'A'.repeat(86),
        },
      }),
    // the proof of control comes first: without it nothing tells whether the person is enrolled
    outcome: 'ERR_IDENTITY_BAD_CHALLENGE',
  },
  {
    path: '/v1/identity/revocations',
    action: 'identity.revoke',
    operator: true,
    key: (f) => f.ia.operator,
    body: (f) => ({ did: f.stranger.did, reason: 'holder-request' }),
    outcome: 'ERR_IDENTITY_NOT_ENROLLED',
  },
  {
    path: '/v1/identity/lookups',
    action: 'identity.show',
    operator: true,
    key: (f) => f.ia.operator,
    body: (f) => ({ did: f.person.did }),
    outcome: 200,
  },
  {
    path: '/v1/identity/copies',
    action: 'identity.copy',
    operator: false,
    // an enrolled person with a bad holder proof: signed and counted (nonce remembered), issues nothing
    key: (f) => f.person.master,
    body: (f) => ({
      holder: encodeMultikey(f.person.pairwise(SHOP).keyPair.publicKey),
      pop: 'A'.repeat(86),
    }),
    outcome: 'ERR_IDENTITY_BAD_PROOF',
  },
];

/** The route's harmless request, signed by `key` (default: the route's signer). */
function harmless(
  f: Fixture,
  r: PostRoute,
  o: {
    readonly key?: RequestKey;
    readonly action?: string;
    readonly audience?: string;
    readonly now?: number;
    readonly body?: JsonValue;
  } = {},
): SignedRequest<JsonValue> {
  return signRequest(
    o.action ?? r.action,
    o.audience ?? f.ia.authority,
    o.body ?? r.body(f),
    o.key ?? r.key(f),
    o.now === undefined ? {} : { now: o.now },
  );
}

/** Asserts an answer is `outcome` (200, or that error code). */
function assertOutcome(
  res: { statusCode: number; body: string; json: () => { code?: string } },
  outcome: 200 | ErrorCode,
): void {
  if (outcome === 200) assert.equal(res.statusCode, 200, res.body.slice(0, 300));
  else assert.equal(res.json().code, outcome, res.body.slice(0, 300));
}

/** An envelope spoiled in one way, the same on every POST route. */
interface EnvelopeCase {
  readonly name: string;
  readonly code: ErrorCode;
  readonly status: number;
  /** Front-office routes only. */
  readonly operatorOnly?: boolean;
  /** The body to post, or a promise of it. */
  readonly payload: (f: Fixture, r: PostRoute) => unknown;
}

const ENVELOPE_CASES: readonly EnvelopeCase[] = [
  // The schema: the envelope's shape, before any signature is looked at.
  {
    name: 'unsigned (no "signature")',
    code: 'ERR_API_SCHEMA',
    status: 400,
    payload: (f, r) => {
      const { signature: _, ...rest } = harmless(f, r);
      return rest;
    },
  },
  {
    name: 'no "signer"',
    code: 'ERR_API_SCHEMA',
    status: 400,
    payload: (f, r) => {
      const { signer: _, ...rest } = harmless(f, r);
      return rest;
    },
  },
  {
    name: 'the bare request, not an envelope',
    code: 'ERR_API_SCHEMA',
    status: 400,
    payload: (f, r) => harmless(f, r).request,
  },
  {
    name: 'an empty "signature"',
    code: 'ERR_API_SCHEMA',
    status: 400,
    payload: (f, r) => ({ ...harmless(f, r), signature: '' }),
  },
  {
    name: '"signature" is not base64url',
    code: 'ERR_API_SCHEMA',
    status: 400,
    payload: (f, r) => ({ ...harmless(f, r), signature: '+/'.repeat(43) }),
  },
  {
    name: 'an extra top-level field',
    code: 'ERR_API_SCHEMA',
    status: 400,
    payload: (f, r) => ({ ...harmless(f, r), note: 'x' }),
  },
  {
    name: 'an extra field in the signed request',
    code: 'ERR_API_SCHEMA',
    status: 400,
    payload: (f, r) => {
      const env = harmless(f, r);
      return { ...env, request: { ...env.request, expires: 1 } };
    },
  },
  {
    name: 'signed for another action (the route takes one action only)',
    code: 'ERR_API_SCHEMA',
    status: 400,
    payload: (f, r) =>
      harmless(f, r, {
        action: r.action === 'identity.show' ? 'identity.revoke' : 'identity.show',
      }),
  },
  {
    name: '"created" is a string',
    code: 'ERR_API_SCHEMA',
    status: 400,
    payload: (f, r) => {
      const env = harmless(f, r);
      return { ...env, request: { ...env.request, created: String(env.request.created) } };
    },
  },
  {
    name: '"created" is fractional',
    code: 'ERR_API_SCHEMA',
    status: 400,
    payload: (f, r) => harmless(f, r, { now: Date.now() + 0.5 }),
  },
  {
    name: '"nonce" is not base64url',
    code: 'ERR_API_SCHEMA',
    status: 400,
    payload: (f, r) => {
      const env = harmless(f, r);
      return { ...env, request: { ...env.request, nonce: 'not a nonce!' } };
    },
  },
  {
    name: '"audience" is over 220 characters',
    code: 'ERR_API_SCHEMA',
    status: 400,
    payload: (f, r) => harmless(f, r, { audience: `did:rdid:${'1'.repeat(220)}` }),
  },
  {
    name: '"body" is a string',
    code: 'ERR_API_SCHEMA',
    status: 400,
    payload: (f, r) => harmless(f, r, { body: 'body' }),
  },
  // The signature.
  {
    name: 'one bit of the signature flipped',
    code: 'ERR_DID_AUTH_FAILED',
    status: 401,
    payload: (f, r) => {
      const env = harmless(f, r);
      return { ...env, signature: flipped(env.signature) };
    },
  },
  {
    name: 'a signature of 3 bytes',
    code: 'ERR_DID_AUTH_FAILED',
    status: 401,
    payload: (f, r) => ({ ...harmless(f, r), signature: 'AAAA' }),
  },
  {
    name: '"created" changed after signing',
    code: 'ERR_DID_AUTH_FAILED',
    status: 401,
    payload: (f, r) => {
      const env = harmless(f, r);
      return { ...env, request: { ...env.request, created: env.request.created - 1 } };
    },
  },
  {
    name: '"nonce" changed after signing',
    code: 'ERR_DID_AUTH_FAILED',
    status: 401,
    payload: (f, r) => {
      const env = harmless(f, r);
      return { ...env, request: { ...env.request, nonce: newRequestNonce() } };
    },
  },
  {
    name: 'signed with another key than the one "signer" names',
    code: 'ERR_DID_AUTH_FAILED',
    status: 401,
    payload: (f, r) =>
      harmless(f, r, { key: { kid: r.key(f).kid, keyPair: f.ended.master.keyPair } }),
  },
  {
    name: '"signer" is not a DID URL',
    code: 'ERR_DID_AUTH_FAILED',
    status: 401,
    payload: (f, r) => harmless(f, r, { key: { kid: 'operator', keyPair: r.key(f).keyPair } }),
  },
  {
    name: '"signer" is a DID without a key fragment',
    code: 'ERR_DID_AUTH_FAILED',
    status: 401,
    payload: (f, r) =>
      harmless(f, r, { key: { kid: didOf(r.key(f).kid), keyPair: r.key(f).keyPair } }),
  },
  {
    name: '"signer" names a key the DID does not have',
    code: 'ERR_DID_AUTH_FAILED',
    status: 401,
    payload: (f, r) =>
      harmless(f, r, {
        key: { kid: `${didOf(r.key(f).kid)}#nokey`, keyPair: r.key(f).keyPair },
      }),
  },
  {
    name: "signed by the same key as a did:key (not a ledger DID's key)",
    code: 'ERR_DID_AUTH_FAILED',
    status: 401,
    payload: (f, r) => {
      const mk = encodeMultikey(r.key(f).keyPair.publicKey);
      return harmless(f, r, { key: { kid: `did:key:${mk}#${mk}`, keyPair: r.key(f).keyPair } });
    },
  },
  {
    name: 'signed by a DID that is not on the ledger',
    code: 'ERR_DID_AUTH_FAILED',
    status: 401,
    payload: (f, r) => {
      const plan = planCreate(sha256(utf8('api test: never created')));
      return harmless(f, r, {
        key: { kid: `${plan.did}#${authFragment(0)}`, keyPair: plan.keyPair },
      });
    },
  },
  // The audience and the time window.
  {
    name: 'for another audience',
    code: 'ERR_DID_AUTH_FAILED',
    status: 401,
    payload: (f, r) => harmless(f, r, { audience: f.stranger.did }),
  },
  {
    name: "for a DID URL of the authority's key instead of its DID",
    code: 'ERR_DID_AUTH_FAILED',
    status: 401,
    payload: (f, r) => harmless(f, r, { audience: `${f.ia.authority}#issuer` }),
  },
  {
    name: 'created 6 minutes ago',
    code: 'ERR_DID_AUTH_EXPIRED',
    status: 401,
    payload: (f, r) => harmless(f, r, { now: Date.now() - 6 * MINUTE }),
  },
  {
    name: 'created 6 minutes ahead',
    code: 'ERR_DID_AUTH_EXPIRED',
    status: 401,
    payload: (f, r) => harmless(f, r, { now: Date.now() + 6 * MINUTE }),
  },
  {
    name: '"created" is 0 (1970)',
    code: 'ERR_DID_AUTH_EXPIRED',
    status: 401,
    payload: (f, r) => harmless(f, r, { now: 0 }),
  },
  {
    name: '"created" is 1e20 (an integer beyond 2^53)',
    code: 'ERR_DID_AUTH_EXPIRED',
    status: 401,
    payload: (f, r) => {
      const env = harmless(f, r);
      return { ...env, request: { ...env.request, created: 1e20 } };
    },
  },
  // Replays and strangers.
  {
    name: 'replayed (the same envelope, answered once already)',
    code: 'ERR_DID_AUTH_REPLAYED',
    status: 401,
    payload: async (f, r) => {
      const env = harmless(f, r);
      assertOutcome(await f.ia.app.inject(post(r.path, env)), r.outcome);
      return env;
    },
  },
  {
    name: "signed by a person's master DID, not by the authority",
    code: 'ERR_IDENTITY_NOT_OPERATOR',
    status: 403,
    operatorOnly: true,
    payload: (f, r) => harmless(f, r, { key: f.person.master }),
  },
  {
    name: 'signed by a DID that is on the ledger and never enrolled',
    code: 'ERR_IDENTITY_NOT_OPERATOR',
    status: 403,
    operatorOnly: true,
    payload: (f, r) => harmless(f, r, { key: f.stranger.master }),
  },
];

interface BadCase {
  /** The route as registered: "METHOD /path/:param". */
  readonly route: string;
  readonly name: string;
  readonly request: (f: Fixture) => InjectOptions | Promise<InjectOptions>;
  readonly status: number;
  readonly code: ErrorCode;
  /** A defect of src/ this case shows (reported, not fixed yet): the case runs as a todo. */
  readonly todo?: string;
}

const ENVELOPE_BAD_CASES: BadCase[] = POST_ROUTES.flatMap((r) =>
  ENVELOPE_CASES.filter((c) => r.operator || c.operatorOnly !== true).map((c) => ({
    route: `POST ${r.path}`,
    name: c.name,
    status: c.status,
    code: c.code,
    request: async (f: Fixture) => post(r.path, await c.payload(f, r)),
  })),
);

const ENROLL = '/v1/identity/enrollments';
const REBIND = '/v1/identity/rebindings';
const REVOKE = '/v1/identity/revocations';
const LOOKUP = '/v1/identity/lookups';
const COPIES = '/v1/identity/copies';
const STATUS = '/v1/identity/status-lists';

/** A schema-valid proof of nothing (an unknown challenge). */
const noProof = (w: TestWallet) => ({
  challenge: 'A'.repeat(43),
  signer: w.master.kid,
  signature: 'A'.repeat(86),
});

const ROUTE_CASES: BadCase[] = [
  // GET /v1/identity/authority
  {
    route: 'GET /v1/identity/authority',
    name: 'POST instead of GET',
    request: () => post('/v1/identity/authority', {}),
    status: 404,
    code: 'ERR_API_NOT_FOUND',
  },

  // POST /v1/identity/challenges
  {
    route: 'POST /v1/identity/challenges',
    name: 'malformed JSON',
    request: () => postRaw('/v1/identity/challenges', '{"request":', 'application/json'),
    status: 400,
    code: 'ERR_API_MALFORMED_JSON',
  },
  {
    route: 'POST /v1/identity/challenges',
    name: 'GET instead of POST',
    request: () => get('/v1/identity/challenges'),
    status: 404,
    code: 'ERR_API_NOT_FOUND',
  },
  {
    route: 'POST /v1/identity/challenges',
    name: 'a body with a field (the body is {})',
    request: (f) => post('/v1/identity/challenges', byOperator(f, 'identity.challenge', { n: 1 })),
    status: 400,
    code: 'ERR_API_SCHEMA',
  },
  {
    route: 'POST /v1/identity/challenges',
    name: 'a request without "body"',
    request: (f) => {
      const env = byOperator(f, 'identity.challenge', {});
      const { body: _, ...request } = env.request;
      return post('/v1/identity/challenges', { ...env, request });
    },
    status: 400,
    code: 'ERR_API_SCHEMA',
  },

  // POST /v1/identity/enrollments: the schema
  {
    route: `POST ${ENROLL}`,
    name: 'a text/plain body',
    request: (f) =>
      postRaw(
        ENROLL,
        JSON.stringify(bindingRequest(f, PEOPLE[1]!, f.stranger.did, noProof(f.stranger))),
        'text/plain',
      ),
    status: 415,
    code: 'ERR_API_UNSUPPORTED_MEDIA_TYPE',
  },
  {
    route: `POST ${ENROLL}`,
    name: 'the person without "familyName"',
    request: (f) => {
      const { familyName: _, ...person } = PEOPLE[1]!;
      return post(ENROLL, bindingRequest(f, person, f.stranger.did, noProof(f.stranger)));
    },
    status: 400,
    code: 'ERR_API_SCHEMA',
  },
  {
    route: `POST ${ENROLL}`,
    name: 'the person with an extra field',
    request: (f) =>
      post(
        ENROLL,
        bindingRequest(f, { ...PEOPLE[1]!, sex: 'F' }, f.stranger.did, noProof(f.stranger)),
      ),
    status: 400,
    code: 'ERR_API_SCHEMA',
  },
  {
    route: `POST ${ENROLL}`,
    name: '"idNumber" is a number',
    request: (f) =>
      post(
        ENROLL,
        bindingRequest(
          f,
          { ...PEOPLE[1]!, idNumber: Number(PEOPLE[1]!.idNumber.slice(0, 17)) },
          f.stranger.did,
          noProof(f.stranger),
        ),
      ),
    status: 400,
    code: 'ERR_API_SCHEMA',
  },
  {
    route: `POST ${ENROLL}`,
    name: '"familyName" over 256 characters',
    request: (f) =>
      post(
        ENROLL,
        bindingRequest(
          f,
          { ...PEOPLE[1]!, familyName: 'x'.repeat(257) },
          f.stranger.did,
          noProof(f.stranger),
        ),
      ),
    status: 400,
    code: 'ERR_API_SCHEMA',
  },
  {
    route: `POST ${ENROLL}`,
    name: '"did" is a did:key',
    request: (f) =>
      post(
        ENROLL,
        bindingRequest(f, PEOPLE[1]!, f.stranger.pairwise(SHOP).did, noProof(f.stranger)),
      ),
    status: 400,
    code: 'ERR_API_SCHEMA',
  },
  {
    route: `POST ${ENROLL}`,
    name: '"did" is a DID URL (with a key fragment)',
    request: (f) =>
      post(ENROLL, bindingRequest(f, PEOPLE[1]!, f.stranger.master.kid, noProof(f.stranger))),
    status: 400,
    code: 'ERR_API_SCHEMA',
  },
  {
    route: `POST ${ENROLL}`,
    name: 'no "proof"',
    request: (f) =>
      post(ENROLL, byOperator(f, 'identity.enroll', { person: PEOPLE[1], did: f.stranger.did })),
    status: 400,
    code: 'ERR_API_SCHEMA',
  },
  {
    route: `POST ${ENROLL}`,
    name: 'the proof with an extra field',
    request: (f) =>
      post(
        ENROLL,
        bindingRequest(f, PEOPLE[1]!, f.stranger.did, { ...noProof(f.stranger), purpose: 'x' }),
      ),
    status: 400,
    code: 'ERR_API_SCHEMA',
  },
  {
    route: `POST ${ENROLL}`,
    name: 'the proof\'s "challenge" is not base64url',
    request: (f) =>
      post(
        ENROLL,
        bindingRequest(f, PEOPLE[1]!, f.stranger.did, {
          ...noProof(f.stranger),
          challenge: 'a challenge',
        }),
      ),
    status: 400,
    code: 'ERR_API_SCHEMA',
  },
  // POST /v1/identity/enrollments: the person's details
  {
    route: `POST ${ENROLL}`,
    name: 'an ID number with a wrong check digit',
    request: (f) => {
      const id = PEOPLE[1]!.idNumber;
      const bad = id.slice(0, 17) + (id.at(-1) === '0' ? '1' : '0');
      return post(
        ENROLL,
        bindingRequest(f, { ...PEOPLE[1]!, idNumber: bad }, f.stranger.did, noProof(f.stranger)),
      );
    },
    status: 422,
    code: 'ERR_IDENTITY_BAD_CHECK_DIGIT',
  },
  {
    route: `POST ${ENROLL}`,
    name: 'a birth date that disagrees with the ID number',
    request: (f) =>
      post(
        ENROLL,
        bindingRequest(
          f,
          { ...PEOPLE[1]!, birthdate: '2012-03-01' },
          f.stranger.did,
          noProof(f.stranger),
        ),
      ),
    status: 422,
    code: 'ERR_IDENTITY_BIRTHDATE_MISMATCH',
  },
  {
    route: `POST ${ENROLL}`,
    name: 'an empty given name',
    request: (f) =>
      post(
        ENROLL,
        bindingRequest(f, { ...PEOPLE[1]!, givenName: '' }, f.stranger.did, noProof(f.stranger)),
      ),
    status: 422,
    code: 'ERR_IDENTITY_BAD_NAME',
  },
  {
    route: `POST ${ENROLL}`,
    name: 'a person already enrolled',
    request: async (f) => {
      const proof = proveMasterDid(f.ia.authority, await challengeOf(f), f.stranger.master);
      return post(ENROLL, bindingRequest(f, PEOPLE[0]!, f.stranger.did, proof));
    },
    status: 409,
    code: 'ERR_IDENTITY_ALREADY_ENROLLED',
  },
  // POST /v1/identity/enrollments: the proof of control
  {
    route: `POST ${ENROLL}`,
    name: 'an unknown challenge',
    request: (f) =>
      post(
        ENROLL,
        bindingRequest(
          f,
          PEOPLE[1]!,
          f.stranger.did,
          proveMasterDid(f.ia.authority, 'B'.repeat(43), f.stranger.master),
        ),
      ),
    status: 401,
    code: 'ERR_IDENTITY_BAD_CHALLENGE',
  },
  {
    route: `POST ${ENROLL}`,
    name: 'the proof signed by another DID than the one enrolled',
    request: async (f) => {
      const proof = proveMasterDid(f.ia.authority, await challengeOf(f), f.ended.master);
      return post(ENROLL, bindingRequest(f, PEOPLE[1]!, f.stranger.did, proof));
    },
    status: 401,
    code: 'ERR_IDENTITY_BAD_PROOF',
  },
  {
    route: `POST ${ENROLL}`,
    name: "the proof's signer names the DID, the signature is another key's",
    request: async (f) => {
      const proof = proveMasterDid(f.ia.authority, await challengeOf(f), {
        kid: f.stranger.master.kid,
        keyPair: f.ended.master.keyPair,
      });
      return post(ENROLL, bindingRequest(f, PEOPLE[1]!, f.stranger.did, proof));
    },
    status: 401,
    code: 'ERR_IDENTITY_BAD_PROOF',
  },
  {
    route: `POST ${ENROLL}`,
    name: 'the proof made for another authority',
    request: async (f) => {
      const proof = proveMasterDid(f.ended.did, await challengeOf(f), f.stranger.master);
      return post(ENROLL, bindingRequest(f, PEOPLE[1]!, f.stranger.did, proof));
    },
    status: 401,
    code: 'ERR_IDENTITY_BAD_PROOF',
  },
  {
    route: `POST ${ENROLL}`,
    name: 'the proof made for another purpose (a holder-key proof)',
    request: async (f) => {
      const proof = proveControl(
        'holder-key',
        f.ia.authority,
        await challengeOf(f),
        f.stranger.master,
      );
      return post(ENROLL, bindingRequest(f, PEOPLE[1]!, f.stranger.did, proof));
    },
    status: 401,
    code: 'ERR_IDENTITY_BAD_PROOF',
  },
  {
    route: `POST ${ENROLL}`,
    name: 'the proof with one bit of its signature flipped',
    request: async (f) => {
      const proof = proveMasterDid(f.ia.authority, await challengeOf(f), f.stranger.master);
      return post(
        ENROLL,
        bindingRequest(f, PEOPLE[1]!, f.stranger.did, {
          ...proof,
          signature: flipped(proof.signature),
        }),
      );
    },
    status: 401,
    code: 'ERR_IDENTITY_BAD_PROOF',
  },
  {
    route: `POST ${ENROLL}`,
    name: 'a master DID that is not on the ledger (its proof cannot verify)',
    request: async (f) => {
      const plan = planCreate(sha256(utf8('api test: a DID never created')));
      const proof = proveMasterDid(f.ia.authority, await challengeOf(f), {
        kid: `${plan.did}#${authFragment(0)}`,
        keyPair: plan.keyPair,
      });
      return post(ENROLL, bindingRequest(f, PEOPLE[1]!, plan.did, proof));
    },
    status: 401,
    code: 'ERR_IDENTITY_BAD_PROOF',
  },
  {
    route: `POST ${ENROLL}`,
    name: 'a master DID that holds a binding already (the ledger refuses the transaction)',
    request: async (f) => {
      const proof = proveMasterDid(f.ia.authority, await challengeOf(f), f.person.master);
      return post(ENROLL, bindingRequest(f, PEOPLE[1]!, f.person.did, proof));
    },
    status: 409,
    code: 'ERR_IDENTITY_DID_IN_USE',
  },
  {
    route: `POST ${ENROLL}`,
    name: 'a master DID whose binding was revoked (a DID is bound once)',
    request: async (f) => {
      const proof = proveMasterDid(f.ia.authority, await challengeOf(f), f.ended.master);
      return post(ENROLL, bindingRequest(f, PEOPLE[1]!, f.ended.did, proof));
    },
    status: 409,
    code: 'ERR_IDENTITY_DID_IN_USE',
  },

  // POST /v1/identity/rebindings
  {
    route: `POST ${REBIND}`,
    name: 'no "person"',
    request: (f) =>
      post(
        REBIND,
        byOperator(f, 'identity.rebind', { did: f.stranger.did, proof: noProof(f.stranger) }),
      ),
    status: 400,
    code: 'ERR_API_SCHEMA',
  },
  {
    route: `POST ${REBIND}`,
    name: '"nationality" over 8 characters',
    request: (f) =>
      post(
        REBIND,
        bindingRequest(
          f,
          { ...PEOPLE[0]!, nationality: 'CHINA-PRC' },
          f.stranger.did,
          noProof(f.stranger),
          'identity.rebind',
        ),
      ),
    status: 400,
    code: 'ERR_API_SCHEMA',
  },
  {
    route: `POST ${REBIND}`,
    name: 'a person who is not enrolled',
    request: async (f) => {
      const proof = proveMasterDid(f.ia.authority, await challengeOf(f), f.stranger.master);
      return post(REBIND, bindingRequest(f, PEOPLE[1]!, f.stranger.did, proof, 'identity.rebind'));
    },
    status: 404,
    code: 'ERR_IDENTITY_NOT_ENROLLED',
  },
  {
    route: `POST ${REBIND}`,
    name: 'a person whose binding was revoked',
    request: async (f) => {
      const proof = proveMasterDid(f.ia.authority, await challengeOf(f), f.stranger.master);
      return post(REBIND, bindingRequest(f, PEOPLE[2]!, f.stranger.did, proof, 'identity.rebind'));
    },
    status: 404,
    code: 'ERR_IDENTITY_NOT_ENROLLED',
  },
  {
    route: `POST ${REBIND}`,
    name: "details that differ from the authority's record",
    request: async (f) => {
      const proof = proveMasterDid(f.ia.authority, await challengeOf(f), f.stranger.master);
      const person = { ...PEOPLE[0]!, givenName: 'Someoneelse' };
      return post(REBIND, bindingRequest(f, person, f.stranger.did, proof, 'identity.rebind'));
    },
    status: 403,
    code: 'ERR_IDENTITY_PERSON_MISMATCH',
  },
  {
    route: `POST ${REBIND}`,
    name: 'the right person, an unknown challenge',
    request: (f) =>
      post(
        REBIND,
        bindingRequest(f, PEOPLE[0]!, f.stranger.did, noProof(f.stranger), 'identity.rebind'),
      ),
    status: 401,
    code: 'ERR_IDENTITY_BAD_CHALLENGE',
  },
  {
    route: `POST ${REBIND}`,
    name: 'the right person, the proof signed by another DID',
    request: async (f) => {
      const proof = proveMasterDid(f.ia.authority, await challengeOf(f), f.ended.master);
      return post(REBIND, bindingRequest(f, PEOPLE[0]!, f.stranger.did, proof, 'identity.rebind'));
    },
    status: 401,
    code: 'ERR_IDENTITY_BAD_PROOF',
  },

  // POST /v1/identity/revocations
  {
    route: `POST ${REVOKE}`,
    name: 'an unknown reason',
    request: (f) =>
      post(REVOKE, byOperator(f, 'identity.revoke', { did: f.person.did, reason: 'bored' })),
    status: 400,
    code: 'ERR_API_SCHEMA',
  },
  {
    route: `POST ${REVOKE}`,
    name: 'no "reason"',
    request: (f) => post(REVOKE, byOperator(f, 'identity.revoke', { did: f.person.did })),
    status: 400,
    code: 'ERR_API_SCHEMA',
  },
  {
    route: `POST ${REVOKE}`,
    name: '"erase" is a string',
    request: (f) =>
      post(
        REVOKE,
        byOperator(f, 'identity.revoke', {
          did: f.person.did,
          reason: 'holder-request',
          erase: 'yes',
        }),
      ),
    status: 400,
    code: 'ERR_API_SCHEMA',
  },
  {
    route: `POST ${REVOKE}`,
    name: '"did" with trailing garbage',
    request: (f) =>
      post(
        REVOKE,
        byOperator(f, 'identity.revoke', { did: `${f.person.did}x!`, reason: 'holder-request' }),
      ),
    status: 400,
    code: 'ERR_API_SCHEMA',
  },
  {
    route: `POST ${REVOKE}`,
    name: 'a DID that never held a binding',
    request: (f) =>
      post(
        REVOKE,
        byOperator(f, 'identity.revoke', {
          did: f.stranger.did,
          reason: 'holder-request',
          erase: true,
        }),
      ),
    status: 404,
    code: 'ERR_IDENTITY_NOT_ENROLLED',
  },
  {
    route: `POST ${REVOKE}`,
    name: 'a binding revoked already',
    request: (f) =>
      post(REVOKE, byOperator(f, 'identity.revoke', { did: f.ended.did, reason: 'fraud' })),
    status: 404,
    code: 'ERR_IDENTITY_NOT_ENROLLED',
  },
  {
    route: `POST ${REVOKE}`,
    name: 'a master DID re-bound to another one (it holds no binding any more)',
    request: (f) =>
      post(REVOKE, byOperator(f, 'identity.revoke', { did: f.rebound.did, reason: 'fraud' })),
    status: 404,
    code: 'ERR_IDENTITY_NOT_ENROLLED',
  },
  {
    route: `POST ${REVOKE}`,
    name: 'a master DID re-bound to another one, with erase',
    request: (f) =>
      post(
        REVOKE,
        byOperator(f, 'identity.revoke', {
          did: f.rebound.did,
          reason: 'holder-request',
          erase: true,
        }),
      ),
    status: 404,
    code: 'ERR_IDENTITY_NOT_ENROLLED',
  },
  {
    route: `POST ${REVOKE}`,
    name: 'erase through a revoked master DID whose person enrolled again with another DID',
    request: (f) =>
      post(
        REVOKE,
        byOperator(f, 'identity.revoke', {
          did: f.gone.did,
          reason: 'holder-request',
          erase: true,
        }),
      ),
    status: 404,
    code: 'ERR_IDENTITY_NOT_ENROLLED',
  },

  // POST /v1/identity/lookups
  {
    route: `POST ${LOOKUP}`,
    name: 'no "did"',
    request: (f) => post(LOOKUP, byOperator(f, 'identity.show', {})),
    status: 400,
    code: 'ERR_API_SCHEMA',
  },
  {
    route: `POST ${LOOKUP}`,
    name: 'an extra field in the body',
    request: (f) =>
      post(LOOKUP, byOperator(f, 'identity.show', { did: f.person.did, withRecord: true })),
    status: 400,
    code: 'ERR_API_SCHEMA',
  },
  {
    route: `POST ${LOOKUP}`,
    name: '"did" is a number',
    request: (f) => post(LOOKUP, byOperator(f, 'identity.show', { did: 42 })),
    status: 400,
    code: 'ERR_API_SCHEMA',
  },
  {
    route: `POST ${LOOKUP}`,
    name: 'a DID that never held a binding',
    request: (f) => post(LOOKUP, byOperator(f, 'identity.show', { did: f.stranger.did })),
    status: 404,
    code: 'ERR_IDENTITY_NOT_ENROLLED',
  },
  {
    route: `POST ${LOOKUP}`,
    name: "the authority's own DID",
    request: (f) => post(LOOKUP, byOperator(f, 'identity.show', { did: f.ia.authority })),
    status: 404,
    code: 'ERR_IDENTITY_NOT_ENROLLED',
  },

  // POST /v1/identity/copies: the schema
  {
    route: `POST ${COPIES}`,
    name: '"holder" is a did:key, not a Multikey',
    request: (f) => {
      const w = f.person;
      return post(
        COPIES,
        copyRequest(f, w.master, w.pairwise(SHOP).keyPair, { holderKey: w.pairwise(SHOP).did }),
      );
    },
    status: 400,
    code: 'ERR_API_SCHEMA',
  },
  {
    route: `POST ${COPIES}`,
    name: '"pop" is 85 characters',
    request: (f) => {
      const env = copyRequest(f, f.person.master, f.person.pairwise(SHOP).keyPair);
      const body = env.request.body as { holder: string; pop: string };
      return post(COPIES, {
        ...env,
        request: { ...env.request, body: { ...body, pop: body.pop.slice(1) } },
      });
    },
    status: 400,
    code: 'ERR_API_SCHEMA',
  },
  {
    route: `POST ${COPIES}`,
    name: 'no "pop"',
    request: (f) =>
      post(
        COPIES,
        signRequest(
          'identity.copy',
          f.ia.authority,
          { holder: encodeMultikey(f.person.pairwise(SHOP).keyPair.publicKey) },
          f.person.master,
        ),
      ),
    status: 400,
    code: 'ERR_API_SCHEMA',
  },
  {
    route: `POST ${COPIES}`,
    name: 'an extra field in the body (a site)',
    request: (f) => {
      const env = copyRequest(f, f.person.master, f.person.pairwise(SHOP).keyPair);
      return post(COPIES, {
        ...env,
        request: { ...env.request, body: { ...(env.request.body as object), origin: SHOP } },
      });
    },
    status: 400,
    code: 'ERR_API_SCHEMA',
  },
  // POST /v1/identity/copies: who asks
  {
    route: `POST ${COPIES}`,
    name: 'from a DID that was never enrolled (a good holder proof)',
    request: (f) =>
      post(COPIES, copyRequest(f, f.stranger.master, f.stranger.pairwise(SHOP).keyPair)),
    status: 404,
    code: 'ERR_IDENTITY_NOT_ENROLLED',
  },
  {
    route: `POST ${COPIES}`,
    name: "from the authority's own operator key",
    request: (f) => post(COPIES, copyRequest(f, f.ia.operator, f.person.pairwise(SHOP).keyPair)),
    status: 404,
    code: 'ERR_IDENTITY_NOT_ENROLLED',
  },
  {
    route: `POST ${COPIES}`,
    name: 'from a master DID whose binding was revoked',
    request: (f) => post(COPIES, copyRequest(f, f.ended.master, f.ended.pairwise(SHOP).keyPair)),
    status: 403,
    code: 'ERR_IDENTITY_BINDING_ENDED',
  },
  // POST /v1/identity/copies: the holder key's proof of possession
  {
    route: `POST ${COPIES}`,
    name: 'the holder proof signed by another key',
    request: (f) =>
      post(
        COPIES,
        copyRequest(f, f.person.master, f.person.pairwise(SHOP).keyPair, {
          popBy: f.person.pairwise('https://other.example').keyPair,
        }),
      ),
    status: 401,
    code: 'ERR_IDENTITY_BAD_PROOF',
  },
  {
    route: `POST ${COPIES}`,
    name: 'the holder proof signed by the master key',
    request: (f) =>
      post(
        COPIES,
        copyRequest(f, f.person.master, f.person.pairwise(SHOP).keyPair, {
          popBy: f.person.master.keyPair,
        }),
      ),
    status: 401,
    code: 'ERR_IDENTITY_BAD_PROOF',
  },
  {
    route: `POST ${COPIES}`,
    name: 'the holder proof over another nonce (taken from an earlier request)',
    request: (f) =>
      post(
        COPIES,
        copyRequest(f, f.person.master, f.person.pairwise(SHOP).keyPair, {
          popNonce: newRequestNonce(),
        }),
      ),
    status: 401,
    code: 'ERR_IDENTITY_BAD_PROOF',
  },
  {
    route: `POST ${COPIES}`,
    name: 'the holder proof made for another authority',
    request: (f) =>
      post(
        COPIES,
        copyRequest(f, f.person.master, f.person.pairwise(SHOP).keyPair, {
          popAudience: f.stranger.did,
        }),
      ),
    status: 401,
    code: 'ERR_IDENTITY_BAD_PROOF',
  },
  {
    route: `POST ${COPIES}`,
    name: 'the holder proof made for another purpose (enroll)',
    request: (f) =>
      post(
        COPIES,
        copyRequest(f, f.person.master, f.person.pairwise(SHOP).keyPair, { popPurpose: 'enroll' }),
      ),
    status: 401,
    code: 'ERR_IDENTITY_BAD_PROOF',
  },
  {
    route: `POST ${COPIES}`,
    name: 'a holder proof of 64 zero bytes',
    request: (f) => {
      const env = copyRequest(f, f.person.master, f.person.pairwise(SHOP).keyPair);
      const body = { ...(env.request.body as object), pop: toBase64url(new Uint8Array(64)) };
      return post(COPIES, signRequest('identity.copy', f.ia.authority, body, f.person.master));
    },
    status: 401,
    code: 'ERR_IDENTITY_BAD_PROOF',
  },
  {
    route: `POST ${COPIES}`,
    name: 'a "holder" of the Multikey pattern that is no Ed25519 key',
    request: (f) => {
      const real = encodeMultikey(f.person.pairwise(SHOP).keyPair.publicKey);
      const holderKey = `z6Mk${'1'.repeat(real.length - 4)}`;
      return post(
        COPIES,
        copyRequest(f, f.person.master, f.person.pairwise(SHOP).keyPair, { holderKey }),
      );
    },
    status: 401,
    code: 'ERR_IDENTITY_BAD_PROOF',
  },

  // GET /v1/identity/status-lists/:list
  {
    route: 'GET /v1/identity/status-lists/:list',
    name: 'an unknown list',
    request: () => get(`${STATUS}/no-such-list`),
    status: 404,
    code: 'ERR_IDENTITY_LIST_UNKNOWN',
  },
  {
    route: 'GET /v1/identity/status-lists/:list',
    name: 'a list id that differs from a real one by one character',
    request: (f) => get(`${STATUS}/${f.list.slice(0, -1)}9`),
    status: 404,
    code: 'ERR_IDENTITY_LIST_UNKNOWN',
  },
  {
    route: 'GET /v1/identity/status-lists/:list',
    name: 'an upper-case list id',
    request: (f) => get(`${STATUS}/${f.list.toUpperCase()}`),
    status: 400,
    code: 'ERR_API_SCHEMA',
  },
  {
    route: 'GET /v1/identity/status-lists/:list',
    name: 'a list id over 64 characters',
    request: () => get(`${STATUS}/${'a'.repeat(65)}`),
    status: 400,
    code: 'ERR_API_SCHEMA',
  },
  {
    route: 'GET /v1/identity/status-lists/:list',
    name: 'POST instead of GET',
    request: (f) => post(`${STATUS}/${f.list}`, {}),
    status: 404,
    code: 'ERR_API_NOT_FOUND',
  },
];

const CASES: readonly BadCase[] = [...ROUTE_CASES, ...ENVELOPE_BAD_CASES];

describe('bad input on every route of the authority: the documented code, and nothing changes', () => {
  let f: Fixture;
  before(async () => {
    f = await openFixture();
  });
  after(() => f.ia.close());

  test('every route of src/identity/routes.ts has bad-input cases, and every case names one', () => {
    assert.ok(ROUTES.length >= 8, ROUTES.join(', '));
    const covered = [...new Set(CASES.map((c) => c.route))].sort();
    assert.deepEqual(covered, ROUTES);
    for (const r of POST_ROUTES) assert.ok(ROUTES.includes(`POST ${r.path}`), r.path);
  });

  test("each POST route's harmless request, signed right, answers as expected and changes nothing", async () => {
    const head = f.ia.node.chain.head;
    for (const r of POST_ROUTES)
      assertOutcome(await f.ia.app.inject(post(r.path, harmless(f, r))), r.outcome);
    assert.equal(f.ia.node.chain.head.hash, head.hash);
  });

  const answers: string[] = [];
  for (const c of CASES) {
    const options = c.todo === undefined ? {} : { todo: c.todo };
    test(`${c.route}: ${c.name} → ${c.status} ${c.code}`, options, async () => {
      assert.equal(f.ia.node.errors.status(c.code), c.status, 'the case agrees with the registry');
      const head = f.ia.node.chain.head;
      const snapshot = snapshotLedger(f.ia.node);
      const res = await f.ia.app.inject(await c.request(f));
      answers.push(res.body);
      assert.equal(res.statusCode, c.status, res.body.slice(0, 300));
      const body = res.json<{ code: string; message: string }>();
      assert.equal(body.code, c.code, body.message);
      assert.equal(typeof body.message, 'string');
      assert.ok(body.message.length > 0);
      const now = f.ia.node.chain.head;
      assert.equal(now.height, head.height);
      assert.equal(now.header.stateRoot, head.header.stateRoot);
      assert.equal(now.hash, head.hash);
      assert.deepEqual(snapshotLedger(f.ia.node), snapshot);
    });
  }

  test('no personal data in any error answer or log line of the cases above', () => {
    assert.equal(answers.length, CASES.length);
    const text = [...answers, ...f.ia.logs].join('\n');
    for (const p of [...PEOPLE, RETURNING])
      for (const v of [p.idNumber, p.familyName, p.givenName])
        assert.ok(!text.includes(v), `${v} in an answer or a log line`);
  });
});

describe('happy paths', () => {
  let f: Fixture;
  before(async () => {
    f = await openFixture();
  });
  after(() => f.ia.close());

  test('GET /v1/identity/authority: the DID, the issuer key, the credential type, no problem', async () => {
    const res = await f.ia.app.inject(get('/v1/identity/authority'));
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual(res.json(), {
      did: f.ia.authority,
      name: 'Test Identity Authority',
      issuerKey: `${f.ia.authority}#issuer`,
      vct: REAL_NAME_VCT,
      problem: null,
    });
    assert.deepEqual(await f.ia.client.identity.authority(), res.json());
  });

  test('GET /v1/identity/status-lists/:list: a statuslist+jwt the issuer key on the ledger verifies', async () => {
    const res = await f.ia.app.inject(get(`${STATUS}/${f.list}`));
    assert.equal(res.statusCode, 200, res.body);
    assert.match(String(res.headers['content-type']), /^application\/statuslist\+jwt(;|$)/);
    const jwt = res.body;
    assert.match(jwt, /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    const header = JSON.parse(Buffer.from(jwt.split('.')[0]!, 'base64url').toString('utf8')) as {
      typ: string;
      alg: string;
      kid: string;
    };
    assert.equal(header.typ, STATUS_LIST_TYP);
    assert.equal(header.typ, 'statuslist+jwt');
    assert.equal(header.alg, 'EdDSA');
    const { issuerKey } = await f.ia.client.identity.authority();
    assert.equal(header.kid, issuerKey);

    // The issuer key, from a proof-checked resolution of the authority's DID.
    const { didDocument } = await f.ia.client.resolveDid(f.ia.authority);
    const fragment = issuerKey.slice(issuerKey.indexOf('#'));
    const vm = didDocument.verificationMethod?.find((m) => m.id === issuerKey || m.id === fragment);
    assert.ok(vm?.publicKeyMultibase, 'the DID document lists the issuer key');
    assert.ok(
      (didDocument.assertionMethod ?? []).some((m) => m === issuerKey || m === fragment),
      'as an assertion method',
    );
    const verifier = verifierOfJwk(jwkOfEd25519(decodeMultikey(vm.publicKeyMultibase)));
    const now = Math.floor(Date.now() / 1000);
    const token = verifyStatusListToken(jwt, { verifier, uri: f.copy.status.uri, now });
    assert.equal(token.sub, f.copy.status.uri);
    assert.equal(token.iss, f.ia.authority);
    assert.equal(token.kid, issuerKey);
    assert.ok(token.exp! > now);
    assert.equal(token.list.get(f.copy.status.idx), 0, 'the copy is valid');

    // Signed by another key (the operator's), the same token does not verify.
    const operatorKey = verifierOfJwk(jwkOfEd25519(f.ia.operator.keyPair.publicKey));
    assert.throws(
      () => verifyStatusListToken(jwt, { verifier: operatorKey, uri: f.copy.status.uri, now }),
      (e: unknown) => isAppError(e, 'ERR_VC_STATUS_BAD_TOKEN'),
    );

    // After a revocation, the next token says so.
    await f.ia.client.identity.revoke(f.ia.operator, f.ia.authority, {
      did: f.person.did,
      reason: 'holder-request',
    });
    const after = await f.ia.app.inject(get(`${STATUS}/${f.list}`));
    const revoked = verifyStatusListToken(after.body, {
      verifier,
      uri: f.copy.status.uri,
      now: Math.floor(Date.now() / 1000),
    });
    assert.equal(revoked.list.get(f.copy.status.idx), 1, 'the copy is revoked');
  });

  test("/docs/json lists every route of the authority under the identity module's tag", async () => {
    const res = await f.ia.app.inject(get('/docs/json'));
    assert.equal(res.statusCode, 200);
    const doc = res.json<{
      tags: { name: string }[];
      paths: Record<string, Record<string, { tags?: string[]; requestBody?: unknown }>>;
    }>();
    assert.ok(doc.tags.some((t) => t.name === 'identity'));
    for (const route of ROUTES) {
      const [method, path] = route.split(' ') as [string, string];
      const op = doc.paths[openApiPath(path)]?.[method.toLowerCase()];
      assert.ok(op, `${route} is in the OpenAPI document`);
      assert.deepEqual(op.tags, ['identity'], route);
      if (method === 'POST') assert.ok(op.requestBody, `${route} documents its body`);
    }
  });
});
