/**
 * Enrollment at an identity authority through its API and the SDK: who may call it, what it
 * checks, what it writes (a tag and a DID on the ledger; the person in the vault), one binding
 * per person, re-binding and revocation.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { signRequest } from '../../src/did/index.ts';
import type { ErrorCode } from '../../src/errors.ts';
import { proveMasterDid } from '../../src/sdk/index.ts';
import { enroll, newWallet, openAuthorityNode, PEOPLE, type IaNode, rejects } from './_helpers.ts';

let ia: IaNode;
before(async () => {
  ia = await openAuthorityNode({ idn: { maxCopies: 8 } });
});
after(async () => ia.close());

describe('enrollment', () => {
  test('enrolls a person: the ledger gets the binding, the API shows no personal data', async () => {
    const w = await newWallet(ia.client, 'enroll-1');
    const b = await enroll(ia, PEOPLE[0]!, w);
    assert.equal(b.status, 'active');
    assert.equal(b.did, w.did);
    assert.equal(b.authority, ia.authority);
    assert.equal(b.record, 'held');
    const master = await ia.client.query<{ status: string; authority: string }>('idn', 'master', {
      did: w.did,
    });
    assert.equal(master.status, 'active');
    assert.equal(master.authority, ia.authority);
    const text = JSON.stringify(b) + JSON.stringify(master);
    for (const v of Object.values(PEOPLE[0]!)) assert.ok(!text.includes(v), `${v} in an answer`);
  });

  test('one person, one binding: a second enrollment of the same ID number is refused', async () => {
    const w1 = await newWallet(ia.client, 'dup-1');
    const w2 = await newWallet(ia.client, 'dup-2');
    await enroll(ia, PEOPLE[1]!, w1);
    // the same person under other spellings of the same number (lower-case x, spaces) is the same tag
    await rejects(
      enroll(ia, { ...PEOPLE[1]!, idNumber: ` ${PEOPLE[1]!.idNumber} ` }, w2),
      'ERR_IDENTITY_ALREADY_ENROLLED',
    );
    await rejects(ia.client.query('idn', 'master', { did: w2.did }), 'ERR_IDENTITY_NOT_ENROLLED');
  });

  test('a master DID can hold only one binding', async () => {
    const w = await newWallet(ia.client, 'did-reuse');
    await enroll(ia, PEOPLE[2]!, w);
    await rejects(enroll(ia, PEOPLE[3]!, w), 'ERR_IDENTITY_DID_IN_USE');
  });

  test('bad details fail with their own code and change nothing', async () => {
    const w = await newWallet(ia.client, 'bad-details');
    const p = PEOPLE[3]!;
    const last = p.idNumber.at(-1) === '0' ? '1' : '0';
    const cases: [Partial<typeof p>, ErrorCode][] = [
      [{ idNumber: p.idNumber.slice(0, 17) + last }, 'ERR_IDENTITY_BAD_CHECK_DIGIT'],
      [{ idNumber: '12345' }, 'ERR_IDENTITY_INVALID_ID_NUMBER'],
      [{ birthdate: '2008-06-02' }, 'ERR_IDENTITY_BIRTHDATE_MISMATCH'],
      [{ nationality: 'XX' }, 'ERR_IDENTITY_BAD_NATIONALITY'],
      [{ familyName: '' }, 'ERR_IDENTITY_BAD_NAME'],
      [{ region: 'CN-ZZ' }, 'ERR_IDENTITY_BAD_REGION'],
    ];
    const height = ia.node.chain.head.height;
    for (const [change, code] of cases) await rejects(enroll(ia, { ...p, ...change }, w), code);
    assert.equal(ia.node.chain.head.height, height, 'no block for rejected enrollments');
    await rejects(ia.client.query('idn', 'master', { did: w.did }), 'ERR_IDENTITY_NOT_ENROLLED');
  });

  test('the proof of control: a wrong challenge, a replayed challenge, another DID’s key are refused', async () => {
    const w = await newWallet(ia.client, 'proof');
    const other = await newWallet(ia.client, 'proof-other');
    const person = { ...PEOPLE[3]!, familyName: 'Proofqzx' };
    const { challenge } = await ia.client.identity.challenge(ia.operator, ia.authority);
    const forged = proveMasterDid(ia.authority, 'A'.repeat(43), w.master);
    await rejects(
      ia.client.identity.enroll(ia.operator, ia.authority, { person, did: w.did, proof: forged }),
      'ERR_IDENTITY_BAD_CHALLENGE',
    );
    const byOther = proveMasterDid(ia.authority, challenge, other.master);
    await rejects(
      ia.client.identity.enroll(ia.operator, ia.authority, { person, did: w.did, proof: byOther }),
      'ERR_IDENTITY_BAD_PROOF',
    );
    // the challenge was used up by the failed attempt: single use
    const good = proveMasterDid(ia.authority, challenge, w.master);
    await rejects(
      ia.client.identity.enroll(ia.operator, ia.authority, { person, did: w.did, proof: good }),
      'ERR_IDENTITY_BAD_CHALLENGE',
    );
  });

  test('only the authority’s own keys may call the front office; signed requests cannot be replayed', async () => {
    const w = await newWallet(ia.client, 'intruder');
    await rejects(
      ia.client.identity.challenge(w.master, ia.authority),
      'ERR_IDENTITY_NOT_OPERATOR',
    );
    const env = signRequest('identity.challenge', ia.authority, {}, ia.operator);
    const first = await ia.app.inject({
      method: 'POST',
      url: '/v1/identity/challenges',
      payload: env,
    });
    assert.equal(first.statusCode, 200);
    const again = await ia.app.inject({
      method: 'POST',
      url: '/v1/identity/challenges',
      payload: env,
    });
    assert.equal(again.statusCode, 401);
    assert.equal(again.json().code, 'ERR_DID_AUTH_REPLAYED');
    const old = signRequest('identity.challenge', ia.authority, {}, ia.operator, {
      now: Date.now() - 3_600_000,
    });
    const stale = await ia.app.inject({
      method: 'POST',
      url: '/v1/identity/challenges',
      payload: old,
    });
    assert.equal(stale.json().code, 'ERR_DID_AUTH_EXPIRED');
    const forOther = signRequest('identity.challenge', w.did, {}, ia.operator);
    const wrong = await ia.app.inject({
      method: 'POST',
      url: '/v1/identity/challenges',
      payload: forOther,
    });
    assert.equal(wrong.json().code, 'ERR_DID_AUTH_FAILED');
    const tampered = { ...env, request: { ...env.request, nonce: 'AAAAAAAAAAAAAAAAAAAAAA' } };
    const bad = await ia.app.inject({
      method: 'POST',
      url: '/v1/identity/challenges',
      payload: tampered,
    });
    assert.equal(bad.json().code, 'ERR_DID_AUTH_FAILED');
  });
});

describe('re-binding and revocation', () => {
  test('re-binding moves the person to a new master DID; the old one obtains nothing', async () => {
    const person = {
      ...PEOPLE[0]!,
      idNumber: PEOPLE[3]!.idNumber.slice(0, 6) + '19770101' + '555',
      birthdate: '1977-01-01',
    };
    person.idNumber =
      person.idNumber + (await import('../../src/identity/index.ts')).checkDigitOf(person.idNumber);
    const old = await newWallet(ia.client, 'rebind-old');
    const fresh = await newWallet(ia.client, 'rebind-new');
    await enroll(ia, person, old);
    const copy = await ia.client.identity.requestCopy(
      ia.authority,
      old.master,
      old.pairwise('https://shop.example').keyPair,
    );
    const { challenge } = await ia.client.identity.challenge(ia.operator, ia.authority);
    // a re-check with details that differ from the record is refused
    await rejects(
      ia.client.identity.rebind(ia.operator, ia.authority, {
        person: { ...person, givenName: 'Someoneelse' },
        did: fresh.did,
        proof: proveMasterDid(ia.authority, challenge, fresh.master),
      }),
      'ERR_IDENTITY_PERSON_MISMATCH',
    );
    const c2 = await ia.client.identity.challenge(ia.operator, ia.authority);
    const b = await ia.client.identity.rebind(ia.operator, ia.authority, {
      person,
      did: fresh.did,
      proof: proveMasterDid(ia.authority, c2.challenge, fresh.master),
    });
    assert.equal(b.status, 'active');
    assert.equal(b.rebinds, 1);
    const m = await ia.client.query<{ status: string }>('idn', 'master', { did: old.did });
    assert.equal(m.status, 'rebound');
    await rejects(
      ia.client.identity.requestCopy(
        ia.authority,
        old.master,
        old.pairwise('https://other.example').keyPair,
      ),
      'ERR_IDENTITY_BINDING_ENDED',
    );
    // the old copy was revoked in the same step
    const s = await ia.client.query<{ status: number }>('idn', 'status', {
      list: copy.status.uri.split('/').at(-1)!,
      idx: copy.status.idx,
    });
    assert.equal(s.status, 1);
    // the new DID obtains copies
    const c = await ia.client.identity.requestCopy(
      ia.authority,
      fresh.master,
      fresh.pairwise('https://shop.example').keyPair,
    );
    assert.ok(c.credential.length > 100);
  });

  test('revocation with erasure: binding revoked, copies revoked, record shredded', async () => {
    const person = { ...PEOPLE[2]!, familyName: 'Erasequx' };
    const { checkDigitOf } = await import('../../src/identity/index.ts');
    const first17 = '510104' + '19851212' + '777';
    const p = { ...person, idNumber: first17 + checkDigitOf(first17), birthdate: '1985-12-12' };
    const w = await newWallet(ia.client, 'erase');
    await enroll(ia, p, w);
    const copy = await ia.client.identity.requestCopy(
      ia.authority,
      w.master,
      w.pairwise('https://a.example').keyPair,
    );
    const b = await ia.client.identity.revoke(ia.operator, ia.authority, {
      did: w.did,
      reason: 'holder-request',
      erase: true,
    });
    assert.equal(b.status, 'revoked');
    assert.equal(b.reason, 'erased');
    assert.equal(b.record, 'none');
    const s = await ia.client.query<{ status: number }>('idn', 'status', {
      list: copy.status.uri.split('/').at(-1)!,
      idx: copy.status.idx,
    });
    assert.equal(s.status, 1);
    await rejects(
      ia.client.identity.requestCopy(
        ia.authority,
        w.master,
        w.pairwise('https://b.example').keyPair,
      ),
      'ERR_IDENTITY_BINDING_ENDED',
    );
    // after revocation the person may enroll again, with a new master DID
    const w2 = await newWallet(ia.client, 'erase-again');
    const again = await enroll(ia, p, w2);
    assert.equal(again.status, 'active');
  });

  test('a binding revoked earlier can still be erased; a DID re-bound away revokes nothing', async () => {
    const { checkDigitOf } = await import('../../src/identity/index.ts');
    const first17 = '440305' + '19920202' + '818';
    const p = {
      ...PEOPLE[1]!,
      familyName: 'Laterqzy',
      idNumber: first17 + checkDigitOf(first17),
      birthdate: '1992-02-02',
    };
    const w = await newWallet(ia.client, 'erase-later');
    await enroll(ia, p, w);
    const revoked = await ia.client.identity.revoke(ia.operator, ia.authority, {
      did: w.did,
      reason: 'deceased',
    });
    assert.equal(revoked.record, 'held');
    await rejects(
      ia.client.identity.revoke(ia.operator, ia.authority, { did: w.did, reason: 'deceased' }),
      'ERR_IDENTITY_NOT_ENROLLED',
    );
    const height = ia.node.chain.head.height;
    const erased = await ia.client.identity.revoke(ia.operator, ia.authority, {
      did: w.did,
      reason: 'deceased',
      erase: true,
    });
    assert.equal(erased.record, 'none');
    assert.equal(erased.reason, 'deceased', 'the ledger keeps the reason it had');
    assert.equal(ia.node.chain.head.height, height, 'erasure alone writes nothing to the ledger');
  });

  test('copies requested concurrently are all recorded, so a revocation flips every one', async () => {
    const { checkDigitOf } = await import('../../src/identity/index.ts');
    const first17 = '320102' + '19880808' + '135';
    const p = {
      ...PEOPLE[0]!,
      familyName: 'Raceqzw',
      idNumber: first17 + checkDigitOf(first17),
      birthdate: '1988-08-08',
    };
    const w = await newWallet(ia.client, 'concurrent-copies');
    await enroll(ia, p, w);
    const origins = Array.from({ length: 8 }, (_, i) => `https://site${i}.example`);
    const copies = await Promise.all(
      origins.map((o) =>
        ia.client.identity.requestCopy(ia.authority, w.master, w.pairwise(o).keyPair),
      ),
    );
    assert.equal(new Set(copies.map((c) => c.status.idx)).size, 8, 'eight different indices');
    assert.equal(new Set(copies.map((c) => c.iat)).size, 8, 'eight different iat');
    assert.equal(
      (await ia.client.identity.show(ia.operator, ia.authority, w.did)).copies.issued,
      8,
    );
    await ia.client.identity.revoke(ia.operator, ia.authority, { did: w.did, reason: 'fraud' });
    for (const c of copies) {
      const s = await ia.client.query<{ status: number }>('idn', 'status', {
        list: c.status.uri.split('/').at(-1)!,
        idx: c.status.idx,
      });
      assert.equal(s.status, 1, `copy ${c.status.idx} revoked`);
    }
  });

  test("the operator's front-office key cannot sign the authority's ledger transactions", async () => {
    const tag = 'ab'.repeat(32);
    const w = await newWallet(ia.client, 'operator-tx');
    await rejects(
      ia.client.signAndSubmit(ia.operator.keyPair, ia.operator.kid, 'idn.enroll', {
        tag,
        did: w.did,
      }),
      'ERR_LEDGER_UNAUTHORIZED',
    );
  });

  test('a master DID is rate limited, and a binding holds a bounded number of unexpired copies', async () => {
    const { checkDigitOf } = await import('../../src/identity/index.ts');
    const first17 = '330106' + '19750505' + '246';
    const p = {
      ...PEOPLE[0]!,
      familyName: 'Limitqzr',
      idNumber: first17 + checkDigitOf(first17),
      birthdate: '1975-05-05',
    };
    const w = await newWallet(ia.client, 'copy-limit');
    await enroll(ia, p, w);
    const ask = (i: number) =>
      ia.client.identity.requestCopy(
        ia.authority,
        w.master,
        w.pairwise(`https://l${i}.example`).keyPair,
      );
    // this node allows 8 unexpired copies per binding (modules.idn.maxCopies)
    for (let i = 0; i < 8; i++) await ask(i);
    await rejects(ask(8), 'ERR_IDENTITY_COPY_LIMIT');
    // and 64 requests per master DID in ten minutes
    let limited = false;
    for (let i = 0; i < 70 && !limited; i++)
      limited = await ask(100 + i).then(
        () => false,
        (err: unknown) => (err as { code?: string }).code === 'ERR_IDENTITY_RATE_LIMITED',
      );
    assert.ok(limited, 'the 65th request within the window is refused');
  });
});
