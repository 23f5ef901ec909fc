/**
 * did:rdid CRUD through the real ledger: every operation is a signed transaction submitted to a
 * LedgerNode (solo orderer, in-memory SQLite). Every rejection is checked for its code and for
 * leaving the committed ledger (head, state root, state table, log) exactly as it was.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  canonicalBytes,
  ed25519FromSeed,
  encodeMultikey,
  sha256,
  toBase58btc,
  toHex,
  utf8,
} from '../../src/crypto/index.ts';
import {
  deriveMasterKey,
  isRdid,
  planCreate,
  planDeactivate,
  planRecover,
  planRotate,
  planUpdate,
  rdidFor,
  recoveryCommitmentOf,
  resolveRdidKey,
  versionRecord,
  type CreateBody,
  type DocumentSpec,
  type Patch,
} from '../../src/did/index.ts';
import {
  asDidKey,
  openDidLedger,
  testKey,
  testSeed,
  type DidLedger,
  type Planned,
  type TestKey,
} from './_helpers.ts';

const SERVICE = { id: 'home', type: 'LinkedDomains', serviceEndpoint: 'https://example.org/' };
const PROPOSE = { change: { type: 'set-param', name: 'didTest', value: 1 } };
const HOUR = 3_600_000;

async function withLedger(
  fn: (l: DidLedger) => Promise<void>,
  options: Parameters<typeof openDidLedger>[0] = {},
): Promise<void> {
  const l = openDidLedger(options);
  try {
    await fn(l);
  } finally {
    await l.close();
  }
}

/** A did.create of `document` committing to `recovery`, signed by `signer` as its did:key. */
function createOf(
  document: DocumentSpec,
  recovery: TestKey,
  signer: TestKey,
): Planned & { did: string; body: CreateBody } {
  const recoveryCommitment = recoveryCommitmentOf(recovery.multikey);
  const did = rdidFor(document, recoveryCommitment);
  const body: CreateBody = { did, document, recoveryCommitment };
  return { did, ...asDidKey(signer, 'did.create', body), body };
}

/** A did.update signed by `key` as the DID URL `<did>#<fragment>`. */
function updateOf(
  did: string,
  version: number,
  key: TestKey,
  fragment: string,
  patches: Patch[],
): Planned {
  return {
    kind: 'did.update',
    body: { did, version, patches },
    signer: `${did}#${fragment}`,
    keyPair: key.keyPair,
  };
}

/** A did.deactivate naming `recovery` as the recovery key, signed by `key` as `signer`. */
function deactivateOf(
  did: string,
  version: number,
  recovery: TestKey,
  key: TestKey,
  signer: string,
): Planned {
  return {
    kind: 'did.deactivate',
    body: { did, version, recoveryKey: recovery.multikey },
    signer,
    keyPair: key.keyPair,
  };
}

/** A gov.propose signed as `signer` (any kind other than did.*). */
function proposeAs(signer: string, key: TestKey): Planned {
  return { kind: 'gov.propose', body: PROPOSE, signer, keyPair: key.keyPair };
}

const vm = (id: string, key: TestKey): DocumentSpec['verificationMethod'][number] => ({
  id,
  type: 'Multikey',
  publicKeyMultibase: key.multikey,
});

/** The wallet's auth key `i` as a TestKey. */
function authKey(seed: Uint8Array, i: number): TestKey {
  const k = deriveMasterKey(seed, 'auth', i);
  return {
    keyPair: k.keyPair,
    multikey: k.multikey,
    did: `did:key:${k.multikey}`,
    url: `did:key:${k.multikey}#${k.multikey}`,
  };
}

function recoveryKey(seed: Uint8Array, i: number): TestKey {
  const k = deriveMasterKey(seed, 'recovery', i);
  return {
    keyPair: k.keyPair,
    multikey: k.multikey,
    did: `did:key:${k.multikey}`,
    url: `did:key:${k.multikey}#${k.multikey}`,
  };
}

describe('did.create', () => {
  test('records version 1 at the block time; the id is base58btc(SHA-256(JCS({document, recoveryCommitment})))', async () => {
    await withLedger(async (l) => {
      const seed = testSeed('create');
      const c = planCreate(seed);
      const { id, height } = await l.commit(c);
      const r = l.record(c.did);
      const blockTime = l.ledger.node.chain.head.header.time;
      assert.equal(height, l.ledger.node.chain.head.height);
      assert.deepEqual(r, {
        did: c.did,
        version: 1,
        created: blockTime,
        updated: blockTime,
        deactivated: false,
        recoveryCommitment: toHex(sha256(deriveMasterKey(seed, 'recovery', 0).keyPair.publicKey)),
        document: c.body.document,
        txId: id,
      });
      // The id, recomputed independently of rdidFor.
      const expected = `did:rdid:${toBase58btc(sha256(canonicalBytes({ document: c.body.document, recoveryCommitment: c.body.recoveryCommitment })))}`;
      assert.equal(c.did, expected);
      assert.equal(r.recoveryCommitment, recoveryCommitmentOf(recoveryKey(seed, 0).multikey));
      // Its key now signs as the DID.
      assert.deepEqual(
        resolveRdidKey(l.ledger.node.chain.state, `${c.did}#key-0`),
        authKey(seed, 0).keyPair.publicKey,
      );
    });
  });

  test('must be signed (as did:key) by an authentication key of the new document, else ERR_LEDGER_UNAUTHORIZED', async () => {
    await withLedger(async (l) => {
      const [a, b, c, stranger, rec] = ['a', 'b', 'c', 'stranger', 'rec'].map(testKey) as [
        TestKey,
        TestKey,
        TestKey,
        TestKey,
        TestKey,
      ];
      const document: DocumentSpec = {
        verificationMethod: [vm('a', a), vm('b', b), vm('c', c)],
        authentication: ['a'],
        assertionMethod: ['b'],
        capabilityInvocation: ['a', 'c'],
      };
      const ok = createOf(document, rec, a);
      await l.reject({ ...ok, signer: b.url, keyPair: b.keyPair }, 'ERR_LEDGER_UNAUTHORIZED'); // assertionMethod only
      await l.reject({ ...ok, signer: c.url, keyPair: c.keyPair }, 'ERR_LEDGER_UNAUTHORIZED'); // capabilityInvocation only
      await l.reject(
        { ...ok, signer: stranger.url, keyPair: stranger.keyPair },
        'ERR_LEDGER_UNAUTHORIZED',
      );
      await l.reject({ ...ok, signer: rec.url, keyPair: rec.keyPair }, 'ERR_LEDGER_UNAUTHORIZED'); // the recovery key
      // The DID URL of a key of a DID that does not exist yet resolves to nothing.
      await l.reject({ ...ok, signer: `${ok.did}#a` }, 'ERR_LEDGER_BAD_SIGNER');
      // A signature by another key than the signer URL names.
      await l.reject({ ...ok, keyPair: b.keyPair }, 'ERR_LEDGER_BAD_SIGNATURE');
      await l.commit(ok);
      assert.equal(l.record(ok.did).version, 1);
    });
  });

  test('a did that is not rdidFor(document, recoveryCommitment) is ERR_DID_BAD_DOCUMENT; a malformed body is ERR_LEDGER_SCHEMA', async () => {
    await withLedger(async (l) => {
      const seed = testSeed('mismatch');
      const c = planCreate(seed);
      const other = planCreate(testSeed('someone else'));
      // Someone else's id.
      await l.reject({ ...c, body: { ...c.body, did: other.did } }, 'ERR_DID_BAD_DOCUMENT');
      // The id of the same document with another recovery commitment.
      const otherCommitment = recoveryCommitmentOf(recoveryKey(seed, 1).multikey);
      await l.reject(
        { ...c, body: { ...c.body, did: rdidFor(c.body.document, otherCommitment) } },
        'ERR_DID_BAD_DOCUMENT',
      );
      await l.reject(
        { ...c, body: { ...c.body, recoveryCommitment: otherCommitment } },
        'ERR_DID_BAD_DOCUMENT',
      );
      // A document breaking the method rules, under its own correct id.
      const k = authKey(seed, 0);
      const dangling: DocumentSpec = {
        verificationMethod: [vm('key-0', k)],
        authentication: ['key-0'],
        assertionMethod: ['nope'],
        capabilityInvocation: ['key-0'],
      };
      await l.reject(createOf(dangling, recoveryKey(seed, 0), k), 'ERR_DID_BAD_DOCUMENT');
      // Schema violations are rejected before any state is read.
      await l.reject({ ...c, body: { ...c.body, did: 'did:rdid:xyz' } }, 'ERR_LEDGER_SCHEMA');
      await l.reject({ ...c, body: { ...c.body, name: 'x' } }, 'ERR_LEDGER_SCHEMA');
      await l.reject(
        { ...c, body: { ...c.body, recoveryCommitment: 'A'.repeat(64) } },
        'ERR_LEDGER_SCHEMA',
      );
      await l.commit(c);
    });
  });

  test('creating twice: the same signed tx is ERR_LEDGER_DUPLICATE_TX, a fresh nonce ERR_DID_ALREADY_EXISTS, a reused nonce ERR_LEDGER_REPLAY', async () => {
    await withLedger(async (l) => {
      const c = planCreate(testSeed('twice'));
      const signed = l.sign(c);
      await l.commit(signed);
      await l.reject(signed, 'ERR_LEDGER_DUPLICATE_TX');
      await l.reject(l.sign(c), 'ERR_DID_ALREADY_EXISTS');
      await l.reject(
        l.sign(c, { nonce: signed.nonce, created: signed.created + 1 }),
        'ERR_LEDGER_REPLAY',
      );
    });
  });

  test('creating twice in one block: the copy is ERR_LEDGER_DUPLICATE_TX, a re-signed create ERR_DID_ALREADY_EXISTS', async () => {
    await withLedger(
      async (l) => {
        const c = planCreate(testSeed('twice in a block'));
        const first = l.sign(c);
        const again = l.sign(c);
        const out = await l.ledger.node.submit([first, first, again]);
        assert.equal(out[0]!.ok, true);
        assert.equal(!out[1]!.ok && out[1]!.error.code, 'ERR_LEDGER_DUPLICATE_TX');
        assert.equal(!out[2]!.ok && out[2]!.error.code, 'ERR_DID_ALREADY_EXISTS');
        assert.equal(l.ledger.node.chain.log.size, 1);
      },
      { maxBlockTxs: 10 },
    );
  });

  test('an id shorter than 43 characters (a hash starting with a zero byte) is a valid did:rdid', async () => {
    // Found by grinding the commitment: SHA-256 of this initial state starts with 0x00, so its
    // base58btc form starts with "1" and is 42 characters long.
    await withLedger(async (l) => {
      const keyPair = ed25519FromSeed(sha256(utf8('realdid-test/short-rdid')));
      const multikey = encodeMultikey(keyPair.publicKey);
      const document: DocumentSpec = {
        verificationMethod: [{ id: 'key-0', type: 'Multikey', publicKeyMultibase: multikey }],
        authentication: ['key-0'],
        assertionMethod: ['key-0'],
        capabilityInvocation: ['key-0'],
      };
      const recoveryCommitment = toHex(sha256(utf8('c66458')));
      const did = rdidFor(document, recoveryCommitment);
      assert.equal(did.length - 'did:rdid:'.length, 42);
      assert.ok(isRdid(did));
      await l.commit({
        kind: 'did.create',
        body: { did, document, recoveryCommitment },
        signer: `did:key:${multikey}#${multikey}`,
        keyPair,
      });
      assert.equal(l.record(did).version, 1);
    });
  });
});

describe('did.update', () => {
  test('adds and removes keys and services; each version goes to history', async () => {
    await withLedger(async (l) => {
      const seed = testSeed('update');
      const c = planCreate(seed);
      await l.commit(c);
      const k0 = authKey(seed, 0);
      const k1 = testKey('update/k1');
      const signing = testKey('update/signing');
      await l.commit(
        updateOf(c.did, 1, k0, 'key-0', [
          {
            op: 'add-key',
            key: vm('k1', k1),
            relationships: ['authentication', 'capabilityInvocation'],
          },
          { op: 'add-service', service: SERVICE },
          { op: 'add-key', key: vm('signing', signing), relationships: ['assertionMethod'] },
        ]),
      );
      const v2 = l.record(c.did);
      assert.equal(v2.version, 2);
      assert.deepEqual(v2.document, {
        verificationMethod: [vm('key-0', k0), vm('k1', k1), vm('signing', signing)],
        authentication: ['key-0', 'k1'],
        assertionMethod: ['key-0', 'signing'],
        capabilityInvocation: ['key-0', 'k1'],
        service: [SERVICE],
      });
      assert.deepEqual(
        versionRecord(l.ledger.node.chain.state, c.did, 1)?.document,
        c.body.document,
        'version 1 kept in history',
      );
      const state = l.ledger.node.chain.state;
      assert.deepEqual(resolveRdidKey(state, `${c.did}#k1`), k1.keyPair.publicKey);
      assert.equal(
        resolveRdidKey(state, `${c.did}#signing`),
        undefined,
        'an assertionMethod-only key cannot sign transactions',
      );
      await l.reject(
        updateOf(c.did, 2, signing, 'signing', [{ op: 'remove-service', id: 'home' }]),
        'ERR_LEDGER_BAD_SIGNER',
      );

      // The new key removes the old one, then the service.
      await l.commit(updateOf(c.did, 2, k1, 'k1', [{ op: 'remove-key', id: 'key-0' }]));
      await l.commit(updateOf(c.did, 3, k1, 'k1', [{ op: 'remove-service', id: 'home' }]));
      const v4 = l.record(c.did);
      assert.equal(v4.version, 4);
      assert.deepEqual(v4.document, {
        verificationMethod: [vm('k1', k1), vm('signing', signing)],
        authentication: ['k1'],
        assertionMethod: ['signing'],
        capabilityInvocation: ['k1'],
      });
      assert.equal('service' in v4.document, false, 'an emptied service list is dropped');
      assert.equal(v4.created, l.record(c.did).created);
      assert.ok(v4.updated > v2.updated);
      for (const v of [1, 2, 3])
        assert.equal(versionRecord(l.ledger.node.chain.state, c.did, v)?.version, v);
      assert.equal(
        versionRecord(l.ledger.node.chain.state, c.did, 4),
        undefined,
        'the current version lives under did/doc/',
      );
    });
  });

  test('a stale or future version, unknown ids and duplicates are ERR_DID_BAD_DOCUMENT', async () => {
    await withLedger(async (l) => {
      const seed = testSeed('update errors');
      const c = planCreate(seed);
      await l.commit(c);
      const k0 = authKey(seed, 0);
      const k1 = testKey('errors/k1');
      await l.commit(updateOf(c.did, 1, k0, 'key-0', [{ op: 'add-service', service: SERVICE }]));
      const up = (version: number, patches: Patch[]): Planned =>
        updateOf(c.did, version, k0, 'key-0', patches);
      await l.reject(up(1, [{ op: 'remove-service', id: 'home' }]), 'ERR_DID_BAD_DOCUMENT'); // stale
      await l.reject(up(3, [{ op: 'remove-service', id: 'home' }]), 'ERR_DID_BAD_DOCUMENT'); // future
      await l.reject(up(2, [{ op: 'remove-key', id: 'nope' }]), 'ERR_DID_BAD_DOCUMENT');
      await l.reject(up(2, [{ op: 'remove-service', id: 'nope' }]), 'ERR_DID_BAD_DOCUMENT');
      await l.reject(
        up(2, [{ op: 'add-key', key: vm('key-0', k1), relationships: ['authentication'] }]),
        'ERR_DID_BAD_DOCUMENT',
      ); // id taken
      await l.reject(
        up(2, [{ op: 'add-key', key: vm('again', k0), relationships: ['authentication'] }]),
        'ERR_DID_BAD_DOCUMENT',
      ); // key listed twice
      await l.reject(
        up(2, [{ op: 'add-service', service: { ...SERVICE, id: 'key-0' } }]),
        'ERR_DID_BAD_DOCUMENT',
      ); // service id = key id
      await l.reject(up(2, [{ op: 'add-service', service: SERVICE }]), 'ERR_DID_BAD_DOCUMENT'); // service id taken
      await l.reject(
        up(2, [
          {
            op: 'add-service',
            service: { ...SERVICE, id: 'web', serviceEndpoint: 'http://example.org/' },
          },
        ]),
        'ERR_LEDGER_SCHEMA',
      );
      // One bad patch rejects the whole update.
      await l.reject(
        up(2, [
          { op: 'add-key', key: vm('k1', k1), relationships: ['authentication'] },
          { op: 'remove-key', id: 'nope' },
        ]),
        'ERR_DID_BAD_DOCUMENT',
      );
      assert.equal(resolveRdidKey(l.ledger.node.chain.state, `${c.did}#k1`), undefined);
      // Unknown DID: its key URL resolves to nothing.
      const ghost = planCreate(testSeed('ghost'));
      await l.reject(
        updateOf(ghost.did, 1, authKey(testSeed('ghost'), 0), 'key-0', [
          { op: 'add-service', service: SERVICE },
        ]),
        'ERR_LEDGER_BAD_SIGNER',
      );
    });
  });

  test('a document left without authentication or capabilityInvocation is ERR_DID_BAD_DOCUMENT', async () => {
    await withLedger(async (l) => {
      const [k0, assert1, auth1, rec] = ['nk/0', 'nk/assert', 'nk/auth', 'nk/rec'].map(testKey) as [
        TestKey,
        TestKey,
        TestKey,
        TestKey,
      ];
      const document: DocumentSpec = {
        verificationMethod: [vm('key-0', k0), vm('inv', assert1), vm('auth', auth1)],
        authentication: ['key-0', 'auth'],
        capabilityInvocation: ['key-0', 'inv'],
      };
      const c = createOf(document, rec, k0);
      await l.commit(c);
      // Removing key-0 and auth leaves no authentication key.
      await l.reject(
        updateOf(c.did, 1, k0, 'key-0', [
          { op: 'remove-key', id: 'key-0' },
          { op: 'remove-key', id: 'auth' },
        ]),
        'ERR_DID_BAD_DOCUMENT',
      );
      // Removing key-0 and inv leaves no capabilityInvocation key.
      await l.reject(
        updateOf(c.did, 1, k0, 'key-0', [
          { op: 'remove-key', id: 'inv' },
          { op: 'remove-key', id: 'key-0' },
        ]),
        'ERR_DID_BAD_DOCUMENT',
      );
      // Removing every key.
      await l.reject(
        updateOf(c.did, 1, k0, 'key-0', [
          { op: 'remove-key', id: 'key-0' },
          { op: 'remove-key', id: 'inv' },
          { op: 'remove-key', id: 'auth' },
        ]),
        'ERR_DID_BAD_DOCUMENT',
      );
      await l.commit(updateOf(c.did, 1, k0, 'key-0', [{ op: 'remove-key', id: 'inv' }]));
    });
  });

  test('updates cannot grow a document beyond 16 verification methods or 16 services', async () => {
    await withLedger(async (l) => {
      const seed = testSeed('grow');
      const c = planCreate(seed);
      await l.commit(c);
      const k0 = authKey(seed, 0);
      const keys = Array.from({ length: 16 }, (_, i) => testKey(`grow/${i}`));
      const addKeys = (from: number, to: number): Patch[] =>
        keys.slice(from, to).map((k, i) => ({
          op: 'add-key',
          key: vm(`g${from + i}`, k),
          relationships: ['assertionMethod'],
        }));
      await l.commit(updateOf(c.did, 1, k0, 'key-0', addKeys(0, 15))); // 16 methods
      assert.equal(l.record(c.did).document.verificationMethod.length, 16);
      await l.reject(updateOf(c.did, 2, k0, 'key-0', addKeys(15, 16)), 'ERR_DID_BAD_DOCUMENT');
      const services = (from: number, n: number): Patch[] =>
        Array.from({ length: n }, (_, i) => ({
          op: 'add-service',
          service: { ...SERVICE, id: `s${from + i}` },
        }));
      await l.commit(updateOf(c.did, 2, k0, 'key-0', services(0, 16)));
      await l.reject(updateOf(c.did, 3, k0, 'key-0', services(16, 1)), 'ERR_DID_BAD_DOCUMENT');
    });
  });

  test('only a capabilityInvocation key of the DID, signing as the DID, may update it (else ERR_LEDGER_UNAUTHORIZED)', async () => {
    await withLedger(async (l) => {
      const [k0, authOnly, rec] = ['who/0', 'who/auth', 'who/rec'].map(testKey) as [
        TestKey,
        TestKey,
        TestKey,
      ];
      const c = createOf(
        {
          verificationMethod: [vm('key-0', k0), vm('login', authOnly)],
          authentication: ['key-0', 'login'],
          capabilityInvocation: ['key-0'],
        },
        rec,
        k0,
      );
      await l.commit(c);
      const other = planCreate(testSeed('other'));
      await l.commit(other);
      const patch: Patch[] = [{ op: 'add-service', service: SERVICE }];
      await l.reject(updateOf(c.did, 1, authOnly, 'login', patch), 'ERR_LEDGER_UNAUTHORIZED'); // authentication only
      await l.reject(
        asDidKey(k0, 'did.update', { did: c.did, version: 1, patches: patch }),
        'ERR_LEDGER_UNAUTHORIZED',
      ); // right key, as did:key
      await l.reject(
        {
          ...updateOf(c.did, 1, authKey(testSeed('other'), 0), 'key-0', patch),
          signer: `${other.did}#key-0`,
        },
        'ERR_LEDGER_UNAUTHORIZED',
      ); // another DID
      await l.reject(
        asDidKey(rec, 'did.update', { did: c.did, version: 1, patches: patch }),
        'ERR_LEDGER_UNAUTHORIZED',
      ); // the recovery key
      await l.commit(updateOf(c.did, 1, k0, 'key-0', patch));
    });
  });

  test('a document whose capabilityInvocation keys cannot sign (not authentication keys) is refused', async () => {
    await withLedger(async (l) => {
      const [login, admin, rec] = ['split/login', 'split/admin', 'split/rec'].map(testKey) as [
        TestKey,
        TestKey,
        TestKey,
      ];
      const c = createOf(
        {
          verificationMethod: [vm('login', login), vm('admin', admin)],
          authentication: ['login'],
          capabilityInvocation: ['admin'],
        },
        rec,
        login,
      );
      await l.reject(c, 'ERR_DID_BAD_DOCUMENT');
    });
  });
});

describe('key rotation', () => {
  test('after a rotation the old key is ERR_LEDGER_BAD_SIGNER at every later height, for every kind', async () => {
    await withLedger(async (l) => {
      const seed = testSeed('rotate');
      const c = planCreate(seed);
      await l.commit(c);
      const k0 = authKey(seed, 0);
      const k1 = authKey(seed, 1);
      const { height: rotatedAt } = await l.commit(planRotate(seed, l.record(c.did), 0, 1));
      assert.deepEqual(
        l.record(c.did).document.verificationMethod.map((m) => m.id),
        ['key-1'],
      );
      assert.deepEqual(
        versionRecord(l.ledger.node.chain.state, c.did, 1)?.document.verificationMethod[0]
          ?.publicKeyMultibase,
        k0.multikey,
        'history keeps the old key',
      );
      const old = `${c.did}#key-0`;
      for (let i = 0; i < 5; i++) {
        const v = l.record(c.did).version;
        assert.equal(resolveRdidKey(l.ledger.node.chain.state, old), undefined);
        await l.reject(
          updateOf(c.did, v, k0, 'key-0', [
            { op: 'add-service', service: { ...SERVICE, id: `x${i}` } },
          ]),
          'ERR_LEDGER_BAD_SIGNER',
        );
        await l.reject(planRotate(seed, l.record(c.did), 0, 2), 'ERR_LEDGER_BAD_SIGNER');
        await l.reject(deactivateOf(c.did, v, k0, k0, old), 'ERR_LEDGER_BAD_SIGNER');
        await l.reject(proposeAs(old, k0), 'ERR_LEDGER_BAD_SIGNER');
        // The old key as a did:key is just some key: not the DID's controller.
        await l.reject(
          asDidKey(k0, 'did.update', {
            did: c.did,
            version: v,
            patches: [{ op: 'add-service', service: SERVICE }],
          }),
          'ERR_LEDGER_UNAUTHORIZED',
        );
        // The new key keeps working, moving the ledger to the next height.
        const patch: Patch =
          i % 2 === 0
            ? { op: 'add-service', service: SERVICE }
            : { op: 'remove-service', id: 'home' };
        const { height } = await l.commit(planUpdate(seed, l.record(c.did), 1, [patch]));
        assert.equal(height, rotatedAt + i + 1);
      }
      assert.deepEqual(
        resolveRdidKey(l.ledger.node.chain.state, `${c.did}#key-1`),
        k1.keyPair.publicKey,
      );
    });
  });

  test('a rotation and a use of the old key in the same block: the old key is rejected, the new one accepted', async () => {
    await withLedger(
      async (l) => {
        const seed = testSeed('rotate in block');
        const c = planCreate(seed);
        await l.commit(c);
        const v1 = l.record(c.did);
        const rotate = l.sign(planRotate(seed, v1, 0, 1));
        const v2 = { ...v1, version: 2 };
        const withOld = l.sign(planUpdate(seed, v2, 0, [{ op: 'add-service', service: SERVICE }]));
        const withNew = l.sign(planUpdate(seed, v2, 1, [{ op: 'add-service', service: SERVICE }]));
        const [a, b, d] = await l.ledger.node.submit([rotate, withOld, withNew]);
        assert.equal(a!.ok, true);
        assert.equal(!b!.ok && b!.error.code, 'ERR_LEDGER_BAD_SIGNER');
        assert.equal(d!.ok, true);
        assert.equal(a!.ok && d!.ok && a!.height === d!.height, true, 'one block');
        assert.equal(l.record(c.did).version, 3);
      },
      { maxBlockTxs: 10 },
    );
  });
});

describe('did.recover', () => {
  test('recovery after compromise of the auth key removes the attacker; wrong or reused recovery keys are ERR_DID_BAD_RECOVERY', async () => {
    await withLedger(async (l) => {
      const seed = testSeed('recover');
      const c = planCreate(seed);
      await l.commit(c);
      const stolen = authKey(seed, 0);
      const evil = testKey('attacker');
      // The attacker uses the stolen key to lock the owner out.
      await l.commit(
        updateOf(c.did, 1, stolen, 'key-0', [
          {
            op: 'add-key',
            key: vm('evil', evil),
            relationships: ['authentication', 'capabilityInvocation'],
          },
          { op: 'remove-key', id: 'key-0' },
        ]),
      );
      await l.commit(
        updateOf(c.did, 2, evil, 'evil', [
          {
            op: 'add-service',
            service: {
              id: 'phish',
              type: 'LinkedDomains',
              serviceEndpoint: 'https://evil.example/',
            },
          },
        ]),
      );
      await l.reject(
        planUpdate(seed, l.record(c.did), 0, [{ op: 'add-service', service: SERVICE }]),
        'ERR_LEDGER_BAD_SIGNER',
      );
      const rec3 = l.record(c.did);

      // Wrong recovery keys.
      await l.reject(planRecover(seed, rec3, 3, 5), 'ERR_DID_BAD_RECOVERY'); // not the committed one
      const good = planRecover(seed, rec3, 0, 5);
      await l.reject(
        {
          ...good,
          body: { ...good.body, recoveryKey: evil.multikey },
          signer: evil.url,
          keyPair: evil.keyPair,
        },
        'ERR_DID_BAD_RECOVERY',
      );
      // The right key revealed in the body, but signed by someone else.
      await l.reject(
        { ...good, signer: evil.url, keyPair: evil.keyPair },
        'ERR_LEDGER_UNAUTHORIZED',
      );
      // Re-committing to the revealed key, a stale version, a broken document.
      await l.reject(
        { ...good, body: { ...good.body, recoveryCommitment: rec3.recoveryCommitment } },
        'ERR_DID_BAD_RECOVERY',
      );
      await l.reject({ ...good, body: { ...good.body, version: 2 } }, 'ERR_DID_BAD_DOCUMENT');
      await l.reject(
        {
          ...good,
          body: { ...good.body, document: { ...good.body.document, assertionMethod: ['nope'] } },
        },
        'ERR_DID_BAD_DOCUMENT',
      );

      await l.commit(good);
      const r = l.record(c.did);
      assert.equal(r.version, 4);
      assert.deepEqual(r.document, {
        verificationMethod: [vm('key-5', authKey(seed, 5))],
        authentication: ['key-5'],
        assertionMethod: ['key-5'],
        capabilityInvocation: ['key-5'],
      });
      assert.equal(
        r.recoveryCommitment,
        recoveryCommitmentOf(recoveryKey(seed, 1).multikey),
        'pre-rotated: commits to the next recovery key',
      );
      // The attacker's key and the stolen key are gone, for every kind.
      const state = l.ledger.node.chain.state;
      assert.equal(resolveRdidKey(state, `${c.did}#evil`), undefined);
      await l.reject(
        updateOf(c.did, 4, evil, 'evil', [{ op: 'add-service', service: SERVICE }]),
        'ERR_LEDGER_BAD_SIGNER',
      );
      await l.reject(deactivateOf(c.did, 4, evil, evil, `${c.did}#evil`), 'ERR_LEDGER_BAD_SIGNER');
      await l.reject(proposeAs(`${c.did}#evil`, evil), 'ERR_LEDGER_BAD_SIGNER');
      await l.reject(
        updateOf(c.did, 4, stolen, 'key-0', [{ op: 'add-service', service: SERVICE }]),
        'ERR_LEDGER_BAD_SIGNER',
      );
      // The spent recovery key opens nothing any more.
      await l.reject(planRecover(seed, r, 0, 6), 'ERR_DID_BAD_RECOVERY');
      await l.reject(
        deactivateOf(
          c.did,
          4,
          recoveryKey(seed, 0),
          recoveryKey(seed, 0),
          recoveryKey(seed, 0).url,
        ),
        'ERR_DID_BAD_RECOVERY',
      );
      // The owner is back in control, and can recover again with the next pre-rotated key.
      await l.commit(planUpdate(seed, r, 5, [{ op: 'add-service', service: SERVICE }]));
      await l.commit(planRecover(seed, l.record(c.did), 1, 7));
      assert.equal(
        l.record(c.did).recoveryCommitment,
        recoveryCommitmentOf(recoveryKey(seed, 2).multikey),
      );
    });
  });

  test('recovering a DID that does not exist is ERR_DID_BAD_RECOVERY', async () => {
    await withLedger(async (l) => {
      const seed = testSeed('recover ghost');
      const c = planCreate(seed);
      const fake = {
        ...c.body,
        version: 1,
        deactivated: false,
        created: 0,
        updated: 0,
        txId: '0'.repeat(64),
      };
      await l.reject(planRecover(seed, fake, 0, 1), 'ERR_DID_BAD_RECOVERY');
    });
  });
});

describe('did.deactivate', () => {
  test('is final: later update, recover and deactivate are rejected', async () => {
    await withLedger(async (l) => {
      const seed = testSeed('deactivate');
      const c = planCreate(seed);
      await l.commit(c);
      await l.commit(
        planUpdate(seed, l.record(c.did), 0, [{ op: 'add-service', service: SERVICE }]),
      );
      const k0 = authKey(seed, 0);
      const r0 = recoveryKey(seed, 0);
      await l.reject(deactivateOf(c.did, 1, r0, r0, r0.url), 'ERR_DID_BAD_DOCUMENT'); // stale version
      await l.commit(planDeactivate(seed, l.record(c.did), 0));
      const r = l.record(c.did);
      assert.equal(r.version, 3);
      assert.equal(r.deactivated, true);
      assert.equal(r.recoveryCommitment, '', 'the recovery commitment is erased');
      assert.deepEqual(r.document.service, [SERVICE], 'the final document is kept');
      assert.equal(resolveRdidKey(l.ledger.node.chain.state, `${c.did}#key-0`), undefined);

      await l.reject(
        planUpdate(seed, r, 0, [{ op: 'remove-service', id: 'home' }]),
        'ERR_LEDGER_BAD_SIGNER',
      );
      await l.reject(proposeAs(`${c.did}#key-0`, k0), 'ERR_LEDGER_BAD_SIGNER');
      await l.reject(planRecover(seed, r, 0, 1), 'ERR_DID_BAD_RECOVERY');
      await l.reject(planDeactivate(seed, r, 0), 'ERR_DID_BAD_RECOVERY'); // the commitment is gone
      assert.equal(l.record(c.did).version, 3);
    });
  });

  test('only the recovery key can deactivate: a stolen update key cannot destroy the DID', async () => {
    await withLedger(async (l) => {
      const [k0, login, rec] = ['d2/0', 'd2/login', 'd2/rec'].map(testKey) as [
        TestKey,
        TestKey,
        TestKey,
      ];
      const other = testKey('d2/other');
      const c = createOf(
        {
          verificationMethod: [vm('key-0', k0), vm('login', login)],
          authentication: ['key-0', 'login'],
          capabilityInvocation: ['key-0'],
        },
        rec,
        k0,
      );
      await l.commit(c);
      await l.reject(deactivateOf(c.did, 1, rec, k0, `${c.did}#key-0`), 'ERR_LEDGER_UNAUTHORIZED'); // the update key
      await l.reject(
        deactivateOf(c.did, 1, rec, login, `${c.did}#login`),
        'ERR_LEDGER_UNAUTHORIZED',
      );
      await l.reject(deactivateOf(c.did, 1, other, other, other.url), 'ERR_DID_BAD_RECOVERY'); // a key that opens nothing
      await l.commit(deactivateOf(c.did, 1, rec, rec, rec.url));
      assert.equal(l.record(c.did).deactivated, true);
      const body = {
        did: c.did,
        version: 2,
        recoveryKey: rec.multikey,
        document: c.body.document,
        recoveryCommitment: recoveryCommitmentOf(testKey('d2/next').multikey),
      };
      await l.reject(asDidKey(rec, 'did.recover', body), 'ERR_DID_BAD_RECOVERY');
    });
  });
});

describe('block time', () => {
  // Regression: the solo orderer used to keep the empty block a rejected transaction had opened,
  // so the next transaction got that block's stale time (and ERR_LEDGER_TX_TIME an hour later).
  test('a rejected transaction does not pin the time of the next block', async () => {
    await withLedger(async (l) => {
      const c = planCreate(testSeed('stale block'));
      await l.reject(
        { ...c, body: { ...c.body, did: planCreate(testSeed('x')).did } },
        'ERR_DID_BAD_DOCUMENT',
      );
      l.ledger.clock.advance(HOUR);
      await l.commit(c);
      assert.equal(l.ledger.node.chain.head.header.time, l.ledger.clock.now);
      assert.equal(l.record(c.did).created, l.ledger.clock.now);
    });
  });
});
