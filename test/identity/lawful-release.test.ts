/**
 * A lawful release over the real authority node (data folder, vault, HTTP API through the SDK):
 * nothing before M approvals, nothing for another pseudonym or another signer, the right person
 * decrypted by the requester only, once, `not-found` for an erased person or a pseudonym the
 * authority never issued a copy to, the outcome on the ledger committing to what was sent, the
 * person's wallet finding the notice, and no personal data on the ledger or in the logs after.
 */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { sha256, toHex, utf8 } from '../../src/crypto/index.ts';
import { signRequest } from '../../src/did/index.ts';
import {
  decideLawful,
  lawfulCaseRef,
  lawfulNotices,
  lawfulRequest,
  noticesFor,
  releaseLawful,
  RealdidClient,
  requestLawful,
} from '../../src/sdk/index.ts';
import { findNeedles, lineHaystacks, personNeedles, sqliteHaystacks } from '../helpers/pii-scan.ts';
import {
  enroll,
  IA_URL,
  initAuthorityDir,
  injectFetch,
  newWallet,
  openAuthorityNode,
  PEOPLE,
  rejects,
  type IaNode,
  type TestWallet,
} from './_helpers.ts';
import { addCastToDataDir, BASIS, CAST, SITE_ORIGIN } from './_lawful.ts';

let ia: IaNode;
let dir: string;
const wallets: TestWallet[] = [];

before(async () => {
  dir = initAuthorityDir('realdid-lawful-');
  addCastToDataDir(dir);
  ia = await openAuthorityNode({ dir });
  for (const [i, person] of PEOPLE.slice(0, 2).entries()) {
    const w = await newWallet(ia.client, `lawful ${i}`);
    await enroll(ia, person, w);
    await ia.client.identity.requestCopy(ia.authority, w.master, w.pairwise(SITE_ORIGIN).keyPair);
    wallets.push(w);
  }
});
after(async () => {
  await ia.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Files a request about `pairwiseDid` and has `approvals` custodians approve it. */
async function approved(pairwiseDid: string, approvals = 2): Promise<string> {
  const { id } = await requestLawful(ia.client, CAST.court, {
    authority: ia.authority,
    site: CAST.site.did,
    pairwiseDid,
    basis: BASIS,
    caseRef: 'Case 2026-0042',
  });
  for (const c of [CAST.c1, CAST.c2].slice(0, approvals))
    await decideLawful(ia.client, c, id, 'approve');
  return id;
}

describe('lawful release by the identity authority', () => {
  test('the case reference on the ledger is salted: a guessed case number does not match it', async () => {
    const pairwise = wallets[1]!.pairwise(SITE_ORIGIN).did;
    const filed = [];
    for (let i = 0; i < 2; i++)
      filed.push(
        await requestLawful(ia.client, CAST.court, {
          authority: ia.authority,
          site: CAST.site.did,
          pairwiseDid: pairwise,
          basis: BASIS,
          caseRef: 'Case 2026-0042',
        }),
      );
    const [a, b] = filed as [(typeof filed)[0], (typeof filed)[0]];
    const onLedger = (await lawfulRequest(ia.client, a.id)).value.caseRef;
    assert.equal(onLedger, lawfulCaseRef(a.caseSalt, 'Case 2026-0042'));
    assert.notEqual(onLedger, toHex(sha256(utf8('Case 2026-0042'))), 'an unsalted hash');
    assert.notEqual((await lawfulRequest(ia.client, b.id)).value.caseRef, onLedger);
  });

  test('too few approvals: ERR_IDENTITY_LAWFUL_NOT_APPROVED, and nothing is recorded', async () => {
    const pairwise = wallets[0]!.pairwise(SITE_ORIGIN).did;
    const id = await approved(pairwise, 1);
    await rejects(
      releaseLawful(ia.client, CAST.court, id, pairwise),
      'ERR_IDENTITY_LAWFUL_NOT_APPROVED',
    );
    const r = (await lawfulRequest(ia.client, id)).value;
    assert.equal(r.status, 'open');
    assert.equal(r.outcome, undefined);
  });

  test('another pseudonym, another signer, another authority’s request: refused, still approved', async () => {
    const pairwise = wallets[0]!.pairwise(SITE_ORIGIN).did;
    const id = await approved(pairwise);
    await rejects(
      releaseLawful(ia.client, CAST.court, id, wallets[1]!.pairwise(SITE_ORIGIN).did),
      'ERR_IDENTITY_LAWFUL_SUBJECT_MISMATCH',
    );
    await rejects(
      releaseLawful(ia.client, CAST.prosecutor, id, pairwise),
      'ERR_IDENTITY_NOT_LAWFUL_REQUESTER',
    );
    await rejects(
      releaseLawful(ia.client, CAST.c1, id, pairwise),
      'ERR_IDENTITY_NOT_LAWFUL_REQUESTER',
    );
    // Signed for another audience (as if for another authority): the envelope fails.
    const env = signRequest(
      'identity.lawful-release',
      CAST.ia2.did,
      {
        request: id,
        pairwiseDid: pairwise,
        encryptionKey: { kty: 'OKP', crv: 'X25519', x: 'A'.repeat(43) },
      },
      CAST.court,
    );
    await rejects(
      ia.client.request('POST', '/v1/identity/lawful-releases', env),
      'ERR_DID_AUTH_FAILED',
    );
    assert.equal((await lawfulRequest(ia.client, id)).value.status, 'approved');
  });

  test('approved: the requester decrypts the right person; the ledger holds the JWE’s hash; a second release is closed', async () => {
    const w = wallets[0]!;
    const pairwise = w.pairwise(SITE_ORIGIN).did;
    const id = await approved(pairwise);
    const out = await releaseLawful(ia.client, CAST.court, id, pairwise);
    const p = PEOPLE[0]!;
    assert.equal(out.result, 'released');
    assert.deepEqual(out.identity, {
      familyName: p.familyName,
      givenName: p.givenName,
      idNumber: p.idNumber,
      birthdate: p.birthdate,
      nationality: p.nationality,
      region: 'CN-BJ',
      masterDid: w.did,
    });
    const r = out.request.value;
    assert.equal(r.status, 'released');
    assert.equal(r.outcome?.releaseHash, toHex(sha256(utf8(out.jwe))));
    const outcomeTx = (await ia.client.tx(out.outcomeTx.id)).tx;
    assert.equal(outcomeTx.payload.kind, 'idn.lawful-outcome');
    assert.equal(outcomeTx.signerDid, ia.authority);
    await rejects(releaseLawful(ia.client, CAST.court, id, pairwise), 'ERR_IDENTITY_LAWFUL_CLOSED');

    // The person's wallet finds the notice (written at once) among all notices, with proofs.
    const mine = await noticesFor(ia.client, [w.pairwise('https://other.example').did, pairwise]);
    const match = mine.find((m) => m.notice.value.request === id);
    assert.ok(match, 'the wallet sees the request about its pseudonym');
    assert.equal(match.pairwiseDid, pairwise);
    assert.equal(match.request.value.status, 'released');
    assert.equal(match.notice.value.site, CAST.site.did);
    const other = await noticesFor(ia.client, [wallets[1]!.pairwise(SITE_ORIGIN).did]);
    assert.ok(
      other.every((m) => m.notice.value.request !== id),
      'nobody else matches it',
    );
    const page = await lawfulNotices(ia.client, { since: r.created });
    assert.ok(
      page.notices.some((n) => n.value.request === id && n.key === `idn/lawful-notice/${id}`),
    );
  });

  test('an erased person, or a pseudonym never issued a copy: not-found, recorded, nothing personal sent', async () => {
    const w = wallets[1]!;
    const pairwise = w.pairwise(SITE_ORIGIN).did;
    await ia.client.identity.revoke(ia.operator, ia.authority, {
      did: w.did,
      reason: 'holder-request',
      erase: true,
    });
    for (const subject of [pairwise, wallets[0]!.pairwise('https://never.example').did]) {
      const id = await approved(subject);
      const out = await releaseLawful(ia.client, CAST.court, id, subject);
      assert.equal(out.result, 'not-found');
      assert.equal(out.identity, undefined);
      assert.equal(out.request.value.status, 'not-found');
      assert.equal(out.request.value.outcome?.releaseHash, toHex(sha256(utf8(out.jwe))));
    }
  });

  test('bad input on POST /v1/identity/lawful-releases: the documented code, and the request unchanged', async () => {
    const pairwise = wallets[0]!.pairwise(SITE_ORIGIN).did;
    const id = await approved(pairwise);
    const key = { kty: 'OKP', crv: 'X25519', x: 'A'.repeat(43) } as const;
    const send = (
      body: Record<string, unknown>,
      signer = CAST.court,
      action = 'identity.lawful-release',
    ) =>
      ia.app.inject({
        method: 'POST',
        url: '/v1/identity/lawful-releases',
        payload: signRequest(action, ia.authority, body as never, signer),
      });
    const cases: [Record<string, unknown>, number, string, string?][] = [
      [{ request: id, pairwiseDid: pairwise }, 400, 'ERR_API_SCHEMA'],
      [
        { request: id, pairwiseDid: pairwise, encryptionKey: { ...key, crv: 'P-256' } },
        400,
        'ERR_API_SCHEMA',
      ],
      [{ request: id, pairwiseDid: 'did:rdid:abc', encryptionKey: key }, 400, 'ERR_API_SCHEMA'],
      [
        { request: id, pairwiseDid: pairwise, encryptionKey: key },
        400,
        'ERR_API_SCHEMA',
        'identity.copy',
      ],
      [
        { request: '0'.repeat(64), pairwiseDid: pairwise, encryptionKey: key },
        404,
        'ERR_IDENTITY_LAWFUL_UNKNOWN',
      ],
      // all-zero x: a low-order point, no shared secret: refused before anything is recorded
      [{ request: id, pairwiseDid: pairwise, encryptionKey: key }, 400, 'ERR_CRYPTO_BAD_KEY'],
    ];
    for (const [body, status, code, action] of cases) {
      const res = await send(body, CAST.court, action);
      assert.equal(res.statusCode, status, res.body);
      assert.equal(res.json<{ code: string }>().code, code, res.body);
    }
    const env = signRequest(
      'identity.lawful-release',
      ia.authority,
      { request: id, pairwiseDid: pairwise, encryptionKey: key },
      CAST.court,
    );
    const first = await ia.app.inject({
      method: 'POST',
      url: '/v1/identity/lawful-releases',
      payload: env,
    });
    assert.equal(first.json<{ code: string }>().code, 'ERR_CRYPTO_BAD_KEY');
    const again = await ia.app.inject({
      method: 'POST',
      url: '/v1/identity/lawful-releases',
      payload: env,
    });
    assert.equal(again.json<{ code: string }>().code, 'ERR_DID_AUTH_REPLAYED');
    assert.equal((await lawfulRequest(ia.client, id)).value.status, 'approved');
  });

  test('/docs/json lists the release route and the lawful queries under the identity tag', async () => {
    const doc = (await ia.app.inject({ url: '/docs/json' })).json<{
      paths: Record<string, Record<string, { tags?: string[]; requestBody?: unknown }>>;
    }>();
    const release = doc.paths['/v1/identity/lawful-releases']?.post;
    assert.deepEqual(release?.tags, ['identity']);
    assert.ok(release?.requestBody);
    for (const path of [
      '/v1/identity/lawful-requests',
      '/v1/identity/lawful-requests/{id}',
      '/v1/identity/lawful-notices',
    ])
      assert.deepEqual(doc.paths[path]?.get?.tags, ['identity'], path);
  });

  test('the SDK believes only proofs: a node that alters a request or lists a notice it cannot prove is caught', async () => {
    const pairwise = wallets[0]!.pairwise(SITE_ORIGIN).did;
    const id = await approved(pairwise, 1);
    const lying = new RealdidClient({
      url: IA_URL,
      fetch: injectFetch(ia.app, (x) => {
        const body = x.json as { value?: { status?: string } } | undefined;
        if (x.path.startsWith('/v1/state?key=idn%2Flawful%2F') && body?.value !== undefined)
          body.value.status = 'refused';
        if (x.path.startsWith('/v1/identity/lawful-notices'))
          (x.json as { notices: { request: string }[] }).notices.push({
            ...(x.json as { notices: { request: string }[] }).notices[0]!,
            request: 'f'.repeat(64),
          });
      }),
    });
    await rejects(lawfulRequest(lying, id), 'ERR_LEDGER_BAD_PROOF');
    await rejects(lawfulNotices(lying), 'ERR_LEDGER_BAD_PROOF');
  });

  test('no personal data on the ledger or in the node log after the releases', () => {
    const found = findNeedles(personNeedles(PEOPLE), [
      ...sqliteHaystacks(join(dir, 'ledger.sqlite')),
      ...lineHaystacks('node log', ia.logs),
    ]);
    assert.deepEqual(found, []);
    // Positive control: the scan finds a name where it would be.
    assert.notDeepEqual(
      findNeedles(
        personNeedles(PEOPLE),
        lineHaystacks('planted', [`{"n":"${PEOPLE[0]!.familyName}"}`]),
      ),
      [],
    );
  });
});
