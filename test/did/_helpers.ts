/**
 * DID-specific test fixtures on top of the shared ledger helpers (test/helpers/ledger.ts):
 * deterministic wallets and keys, signing of planned DID transactions with fresh nonces,
 * rejection checks that also prove the ledger did not move, an in-process `fetch` that routes
 * to `app.inject()` (optionally tampering with answers), and a DID Core conformance checker.
 */
import assert from 'node:assert/strict';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { FastifyInstance } from 'fastify';
import {
  decodeMultikey,
  ed25519FromSeed,
  encodeMultikey,
  fromMultibase,
  sha256,
  toHex,
  utf8,
  type Ed25519KeyPair,
  type JsonValue,
} from '../../src/crypto/index.ts';
import {
  currentRecord,
  entropyMnemonic,
  IDENTIFIERS_ROUTE_SCHEMA,
  parseDidUrl,
  seedOfMnemonic,
  type DidRecord,
} from '../../src/did/index.ts';
import type { ErrorCode } from '../../src/errors.ts';
import {
  lastNonce,
  signTx,
  type SignedTxJson,
  type SubmitOutcome,
} from '../../src/ledger/index.ts';
import { buildApp } from '../../src/node/index.ts';
import {
  assertRejected,
  NonceCounter,
  openTestLedger,
  snapshotLedger,
  type TestLedger,
  type TestLedgerOptions,
} from '../helpers/ledger.ts';

/** A transaction to sign: what the wallet planners (planCreate, planRotate, …) return. */
export interface Planned {
  readonly kind: string;
  readonly body: object;
  /** DID URL of the signing key. */
  readonly signer: string;
  readonly keyPair: Ed25519KeyPair;
}

/** A standalone Ed25519 key with its did:key forms. */
export interface TestKey {
  readonly keyPair: Ed25519KeyPair;
  readonly multikey: string;
  /** `did:key:<multikey>` */
  readonly did: string;
  /** `did:key:<multikey>#<multikey>`: the signer URL of a did:key. */
  readonly url: string;
}

/** A deterministic key from a label (so failures reproduce). */
export function testKey(label: string): TestKey {
  const keyPair = ed25519FromSeed(sha256(utf8(`realdid-test/key/${label}`)));
  const multikey = encodeMultikey(keyPair.publicKey);
  return { keyPair, multikey, did: `did:key:${multikey}`, url: `did:key:${multikey}#${multikey}` };
}

/** A deterministic wallet seed from a label, through the real BIP-39 path (mnemonic → seed). */
export function testSeed(label: string): Uint8Array {
  return seedOfMnemonic(entropyMnemonic(sha256(utf8(`realdid-test/wallet/${label}`))));
}

/** A planned transaction signed by `key` as its did:key. */
export function asDidKey(key: TestKey, kind: string, body: object): Planned {
  return { kind, body, signer: key.url, keyPair: key.keyPair };
}

/** Everything a DID test needs from one ledger. */
export interface DidLedger {
  readonly ledger: TestLedger;
  /** Signs with the next free nonce of the signer DID and the clock's time (or the overrides). */
  sign(p: Planned, overrides?: { nonce?: number; created?: number }): SignedTxJson;
  submit(p: Planned | SignedTxJson): Promise<SubmitOutcome>;
  /** Submits and asserts the transaction committed. */
  commit(p: Planned | SignedTxJson): Promise<{ id: string; height: number }>;
  /**
   * Submits, asserts the rejection code, and asserts that the committed ledger (head, state
   * root, state table, log) is exactly what it was before.
   */
  reject(p: Planned | SignedTxJson, code: ErrorCode): Promise<void>;
  /** The current record of a DID (asserting it exists). */
  record(did: string): DidRecord;
  close(): Promise<void>;
}

function isSigned(p: Planned | SignedTxJson): p is SignedTxJson {
  return typeof (p as SignedTxJson).sig === 'string';
}

/** Opens an in-memory ledger (one org, block per tx, manual clock) with DID helpers. */
export function openDidLedger(options: TestLedgerOptions = {}): DidLedger {
  const ledger = openTestLedger({ orgs: 1, ...options });
  const { node } = ledger;
  const nonces = new NonceCounter();
  const sign: DidLedger['sign'] = (p, overrides = {}) => {
    const did = p.signer.slice(0, p.signer.indexOf('#'));
    const nonce = overrides.nonce ?? nonces.next(did, lastNonce(node.pendingState, did));
    return signTx(
      {
        kind: p.kind,
        body: p.body as { [k: string]: JsonValue },
        signer: p.signer,
        nonce,
        created: overrides.created ?? ledger.clock.now,
      },
      p.keyPair,
    );
  };
  const submit: DidLedger['submit'] = async (p) =>
    (await node.submit([isSigned(p) ? p : sign(p)]))[0]!;
  return {
    ledger,
    sign,
    submit,
    async commit(p) {
      const out = await submit(p);
      if (!out.ok)
        assert.fail(
          `${isSigned(p) ? p.kind : p.kind} was rejected: ${out.error.code} ${out.error.message}`,
        );
      return { id: out.id, height: out.height };
    },
    async reject(p, code) {
      const before = {
        ...snapshotLedger(node),
        root: toHex(node.chain.tree.root()),
        stateRoot: node.chain.head.header.stateRoot,
      };
      assertRejected(await submit(p), code);
      const after = {
        ...snapshotLedger(node),
        root: toHex(node.chain.tree.root()),
        stateRoot: node.chain.head.header.stateRoot,
      };
      assert.deepEqual(after, before, `a rejected ${p.kind} (${code}) changed the ledger`);
    },
    record(did) {
      const r = currentRecord(node.chain.state, did);
      assert.ok(r !== undefined, `${did} exists`);
      return r;
    },
    close: () => ledger.close(),
  };
}

export { injectFetch, type Exchange } from '../helpers/inject-fetch.ts';

/** A ledger with its HTTP app. */
export async function appOf(l: DidLedger): Promise<FastifyInstance> {
  return buildApp(l.ledger.node, { logger: false });
}

/** An answer of the resolver route. */
export interface IdentifierAnswer {
  readonly status: number;
  /** The Content-Type header ('undefined' when there is none). */
  readonly contentType: string;
  readonly location: string | undefined;
  /** The parsed body (undefined for an empty one). */
  readonly body: Record<string, any>;
  readonly text: string;
}

/**
 * GET /1.0/identifiers/{did} through inject: status, content type, Location and parsed body,
 * after checking that the body is what the route's response schema says for its status and
 * media type (an empty body for a 303).
 */
export async function getIdentifier(
  app: FastifyInstance,
  didUrl: string,
  options: { accept?: string; query?: Record<string, string>; encode?: boolean } = {},
): Promise<IdentifierAnswer> {
  const path = options.encode === false ? didUrl : encodeURIComponent(didUrl);
  const query =
    options.query === undefined ? '' : `?${new URLSearchParams(options.query).toString()}`;
  const res = await app.inject({
    method: 'GET',
    url: `/1.0/identifiers/${path}${query}`,
    headers: options.accept === undefined ? {} : { accept: options.accept },
  });
  const answer = {
    status: res.statusCode,
    contentType: String(res.headers['content-type']),
    location: res.headers.location,
    body: (res.body === '' ? undefined : JSON.parse(res.body)) as Record<string, any>,
    text: res.body,
  };
  assertAnswerSchema(answer);
  return answer;
}

const addFormats = ((addFormatsModule as unknown as { default?: (ajv: Ajv) => Ajv }).default ??
  addFormatsModule) as unknown as (ajv: Ajv) => Ajv;
const schemaAjv = addFormats(new Ajv({ strict: false, allErrors: true }));
const answerValidators = new Map<string, ValidateFunction>();

/** Asserts that a resolver answer matches the route's response schema for its status and media type. */
export function assertAnswerSchema(a: {
  status: number;
  contentType: string;
  body: unknown;
  text?: string;
}): void {
  const byStatus = (
    IDENTIFIERS_ROUTE_SCHEMA.response as Record<
      number,
      { description: string; content?: Record<string, { schema: object }> }
    >
  )[a.status];
  assert.ok(byStatus !== undefined, `the route schema documents status ${a.status}`);
  if (byStatus.content === undefined || a.text === '') {
    assert.equal(a.text ?? '', '', `status ${a.status} has an empty body`);
    assert.match(
      byStatus.description,
      /body is empty/,
      `the route schema documents an empty body for status ${a.status}`,
    );
    return;
  }
  const media = a.contentType.split(';')[0]!.trim();
  const schema = byStatus.content[media]?.schema;
  assert.ok(schema !== undefined, `the route schema documents ${media} for status ${a.status}`);
  const key = `${a.status} ${media}`;
  let validate = answerValidators.get(key);
  if (validate === undefined) {
    validate = schemaAjv.compile(schema);
    answerValidators.set(key, validate);
  }
  assert.ok(
    validate(a.body),
    `${key} answer does not match the route schema: ${schemaAjv.errorsText(validate.errors)} in ${JSON.stringify(a.body).slice(0, 300)}`,
  );
}

const DID_CORE_PROPERTIES = new Set([
  '@context',
  'id',
  'controller',
  'alsoKnownAs',
  'verificationMethod',
  'authentication',
  'assertionMethod',
  'keyAgreement',
  'capabilityInvocation',
  'capabilityDelegation',
  'service',
]);
const RELATIONSHIP_NAMES = [
  'authentication',
  'assertionMethod',
  'keyAgreement',
  'capabilityInvocation',
  'capabilityDelegation',
] as const;

/**
 * Asserts `doc` is a valid DID Core 1.0 document of `did` with Multikey (Ed25519) methods:
 * required properties, absolute DID URL ids under the DID, unique ids, every relationship
 * reference resolving to a listed method, keys decoding to 32-byte Ed25519 public keys.
 */
export function assertDidCoreDocument(
  doc: Record<string, any>,
  did: string,
  options: { ld?: boolean } = {},
): void {
  assert.equal(doc.id, did, 'id is the DID');
  assert.equal(parseDidUrl(doc.id).did, did);
  for (const k of Object.keys(doc))
    assert.ok(DID_CORE_PROPERTIES.has(k), `property ${k} is a DID Core property`);
  if (options.ld === true) {
    assert.ok(Array.isArray(doc['@context']), '@context is an array');
    assert.equal(
      doc['@context'][0],
      'https://www.w3.org/ns/did/v1',
      'the DID v1 context comes first',
    );
    assert.ok(
      doc['@context'].includes('https://w3id.org/security/multikey/v1'),
      'the Multikey context is listed',
    );
  } else if (options.ld === false) {
    assert.equal(doc['@context'], undefined, 'plain JSON has no @context');
  }
  if (doc.controller !== undefined) {
    for (const c of [doc.controller].flat())
      assert.doesNotThrow(() => parseDidUrl(c), `controller ${c} is a DID`);
  }
  assert.ok(
    Array.isArray(doc.verificationMethod) && doc.verificationMethod.length > 0,
    'verificationMethod is a non-empty array',
  );
  const ids = new Set<string>();
  const absolute = (id: unknown, what: string): void => {
    assert.equal(typeof id, 'string', `${what} is a string`);
    const url = parseDidUrl(id as string);
    assert.equal(url.did, did, `${what} ${id} is under ${did}`);
    assert.ok(
      url.fragment !== undefined && url.fragment.length > 0,
      `${what} ${id} has a fragment`,
    );
    assert.deepEqual(url.params, {}, `${what} ${id} has no query`);
  };
  for (const vm of doc.verificationMethod) {
    assert.deepEqual(Object.keys(vm).sort(), ['controller', 'id', 'publicKeyMultibase', 'type']);
    absolute(vm.id, 'verification method id');
    assert.ok(!ids.has(vm.id), `verification method id ${vm.id} is unique`);
    ids.add(vm.id);
    assert.equal(vm.type, 'Multikey');
    assert.doesNotThrow(() => parseDidUrl(vm.controller));
    const raw = fromMultibase(vm.publicKeyMultibase);
    assert.equal(raw.length, 34, 'Multikey = 2-byte multicodec + 32-byte key');
    assert.deepEqual([raw[0], raw[1]], [0xed, 0x01], 'ed25519-pub multicodec 0xed01');
    assert.equal(
      decodeMultikey(vm.publicKeyMultibase).length,
      32,
      'Ed25519 public key is 32 bytes',
    );
  }
  for (const rel of RELATIONSHIP_NAMES) {
    if (doc[rel] === undefined) continue;
    assert.ok(Array.isArray(doc[rel]), `${rel} is an array`);
    for (const ref of doc[rel]) {
      assert.equal(typeof ref, 'string', `${rel} holds references, not embedded methods`);
      assert.ok(ids.has(ref), `${rel} reference ${ref} names a listed verification method`);
    }
  }
  if (doc.service !== undefined) {
    assert.ok(Array.isArray(doc.service));
    for (const s of doc.service) {
      absolute(s.id, 'service id');
      assert.ok(!ids.has(s.id), `service id ${s.id} is unique`);
      ids.add(s.id);
      assert.equal(typeof s.type, 'string');
      assert.match(s.serviceEndpoint, /^https:\/\//);
      assert.doesNotThrow(() => new URL(s.serviceEndpoint));
    }
  }
}
