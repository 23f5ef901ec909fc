/**
 * Real-name credential copies from the authority, verified as a site would (SDK
 * credentialVerifier: issuer key and accreditation from proven ledger state, status from the
 * signed status list): what a site sees, unlinkability of copies, and every rejection the issue
 * names — revoked, expired, unaccredited or de-accredited issuer, tampered disclosure, a
 * disclosure from another copy, wrong key binding, wrong audience, replayed nonce, stale status list.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { SDJwtVcInstance } from '@sd-jwt/sd-jwt-vc';
import { createHash, createPublicKey, verify } from 'node:crypto';
import {
  decodeSdJwtVc,
  issueSdJwtVc,
  jwkOfEd25519,
  presentSdJwtVc,
  REAL_NAME_VCT,
  signerOfKeyPair,
  StatusListCache,
} from '../../src/credentials/index.ts';
import { fromBase64url } from '../../src/crypto/index.ts';
import { loadKeyFile } from '../../src/node/index.ts';
import { credentialVerifier, LedgerIssuerResolver } from '../../src/sdk/index.ts';
import {
  enroll,
  IA_URL,
  newWallet,
  openAuthorityNode,
  PEOPLE,
  type IaNode,
  type TestWallet,
  PASSPHRASE,
  rejects,
} from './_helpers.ts';

const SHOP = 'https://shop.example';
const NEWS = 'https://news.example';
const now = (): number => Math.floor(Date.now() / 1000);

let ia: IaNode;
let alice: TestWallet;
before(async () => {
  ia = await openAuthorityNode();
  alice = await newWallet(ia.client, 'cred-alice');
  await enroll(ia, PEOPLE[0]!, alice);
});
after(async () => ia.close());

/** A copy for `origin` and a presentation of it to that site. */
async function present(
  w: TestWallet,
  origin: string,
  disclose: string[],
  nonce = `n-${Math.random()}`,
) {
  const pw = w.pairwise(origin);
  const copy = await ia.client.identity.requestCopy(ia.authority, w.master, pw.keyPair);
  const vp = presentSdJwtVc(copy.credential, {
    disclose,
    holder: signerOfKeyPair(pw.keyPair),
    nonce,
    aud: origin,
    iat: now(),
  });
  return { copy, vp, nonce, pairwise: pw };
}

describe('what a site sees', () => {
  test('a presentation verifies through the ledger and shows only the chosen claims', async () => {
    const { vp, nonce, pairwise } = await present(alice, SHOP, ['age_over_18', 'region']);
    const site = credentialVerifier(ia.newClient());
    const v = await site.verify(vp, { nonce, aud: SHOP });
    assert.equal(v.iss, ia.authority);
    assert.equal(v.vct, REAL_NAME_VCT);
    assert.deepEqual(v.claims, { real_name_verified: true, age_over_18: true, region: 'CN-BJ' });
    assert.deepEqual(v.holder, jwkOfEd25519(pairwise.keyPair.publicKey));
    assert.ok(v.exp - v.iat <= 7 * 24 * 3600, 'a short lifetime');
    assert.equal(v.iat % 60, 0, 'iat is coarse (whole minutes)');
    assert.ok(v.iat <= now() && v.iat > now() - 25 * 3600, 'iat is set back by at most a day');
  });

  test('the age claims follow the birth date, and every claim is disclosable', async () => {
    const copy = await ia.client.identity.requestCopy(
      ia.authority,
      alice.master,
      alice.pairwise('https://all.example').keyPair,
    );
    const d = decodeSdJwtVc(copy.credential);
    const names = d.disclosures.map((x) => x.name).sort();
    assert.deepEqual(names, [
      'age_over_14',
      'age_over_16',
      'age_over_18',
      'age_over_60',
      'birthdate',
      'family_name',
      'given_name',
      'nationality',
      'region',
    ]);
    const byName = Object.fromEntries(d.disclosures.map((x) => [x.name, x.value]));
    assert.equal(byName.age_over_60, false);
    assert.equal(byName.birthdate, PEOPLE[0]!.birthdate);
    assert.equal(d.payload.real_name_verified, true);
    assert.equal(d.header.typ, 'dc+sd-jwt');
  });

  test('copies for two sites share no signature, salt, key, status index, digest or exact iat', async () => {
    const a = await ia.client.identity.requestCopy(
      ia.authority,
      alice.master,
      alice.pairwise(SHOP).keyPair,
    );
    const b = await ia.client.identity.requestCopy(
      ia.authority,
      alice.master,
      alice.pairwise(NEWS).keyPair,
    );
    const da = decodeSdJwtVc(a.credential);
    const db = decodeSdJwtVc(b.credential);
    const sig = (c: string) => c.split('~')[0]!.split('.')[2]!;
    assert.notEqual(sig(a.credential), sig(b.credential));
    const common = (x: string[], y: string[]) => x.filter((v) => y.includes(v));
    assert.deepEqual(
      common(
        da.disclosures.map((d) => d.salt),
        db.disclosures.map((d) => d.salt),
      ),
      [],
    );
    assert.deepEqual(
      common(
        da.disclosures.map((d) => d.digest),
        db.disclosures.map((d) => d.digest),
      ),
      [],
    );
    assert.deepEqual(common(da.payload._sd as string[], db.payload._sd as string[]), []);
    assert.notDeepEqual(da.payload.cnf, db.payload.cnf);
    assert.notEqual(a.status.idx, b.status.idx);
    assert.notEqual(a.iat, b.iat);
    assert.notEqual(a.exp, b.exp);
    // what is common is only what every copy of every person of this authority shows
    const visible = (p: Record<string, unknown>) =>
      Object.keys(p).filter(
        (k) => JSON.stringify(p[k]) === JSON.stringify((db.payload as Record<string, unknown>)[k]),
      );
    assert.deepEqual(visible(da.payload as Record<string, unknown>).sort(), [
      '_sd_alg',
      'iss',
      'real_name_verified',
      'vct',
    ]);
  });

  test('after a restore (same seed), the same pairwise key gets new copies', async () => {
    const again = await ia.client.identity.requestCopy(
      ia.authority,
      alice.master,
      alice.pairwise(SHOP).keyPair,
    );
    assert.deepEqual(decodeSdJwtVc(again.credential).payload.cnf, {
      jwk: jwkOfEd25519(alice.pairwise(SHOP).keyPair.publicKey),
    });
  });

  test('the stock @sd-jwt/sd-jwt-vc verifier accepts an authority-issued presentation', async () => {
    const { vp, nonce } = await present(alice, SHOP, ['given_name']);
    const issuerKey = (await ia.client.identity.authority()).issuerKey;
    const doc = (await ia.client.resolveDid(ia.authority)).didDocument;
    const vm = doc.verificationMethod.find((m) => m.id === issuerKey || m.id.endsWith('#issuer'))!;
    const { decodeMultikey } = await import('../../src/crypto/index.ts');
    const issuerPub = createPublicKey({
      key: { ...jwkOfEd25519(decodeMultikey(vm.publicKeyMultibase)) },
      format: 'jwk',
    });
    const stock = new SDJwtVcInstance({
      hasher: (data: string | ArrayBuffer) =>
        new Uint8Array(
          createHash('sha256')
            .update(typeof data === 'string' ? data : Buffer.from(data))
            .digest(),
        ),
      verifier: (input: string, sig: string) =>
        verify(null, Buffer.from(input), issuerPub, fromBase64url(sig)),
      kbVerifier: (input: string, sig: string, payload: { cnf?: { jwk?: object } }) =>
        verify(
          null,
          Buffer.from(input),
          createPublicKey({ key: payload.cnf!.jwk as never, format: 'jwk' }),
          fromBase64url(sig),
        ),
      hashAlg: 'sha-256',
      statusListFetcher: (uri: string) => ia.newClient().fetchText(uri),
    });
    const out = await stock.verify(vp, { keyBindingNonce: nonce });
    assert.equal((out.payload as { given_name?: string }).given_name, PEOPLE[0]!.givenName);
  });
});

describe('rejections', () => {
  test('revoked copy (revoking the binding flips all its copies)', async () => {
    const bob = await newWallet(ia.client, 'cred-bob');
    await enroll(ia, PEOPLE[1]!, bob);
    const { vp, nonce } = await present(bob, SHOP, ['age_over_14']);
    await ia.client.identity.revoke(ia.operator, ia.authority, { did: bob.did, reason: 'fraud' });
    await rejects(
      credentialVerifier(ia.newClient()).verify(vp, { nonce, aud: SHOP }),
      'ERR_VC_REVOKED',
    );
  });

  test('expired copy', async () => {
    const { copy, vp, nonce } = await present(alice, SHOP, ['age_over_18']);
    await rejects(
      credentialVerifier(ia.newClient()).verify(vp, { nonce, aud: SHOP, now: copy.exp + 3600 }),
      'ERR_VC_EXPIRED',
    );
  });

  test('an unaccredited issuer (a DID with a key, not accredited for the type)', async () => {
    const mallory = await newWallet(ia.client, 'cred-mallory');
    const pw = alice.pairwise(SHOP);
    const forged = await issueSdJwtVc({
      issuer: {
        did: mallory.did,
        signer: signerOfKeyPair(mallory.master.keyPair, mallory.master.kid),
      },
      vct: REAL_NAME_VCT,
      iat: now() - 60,
      exp: now() + 3600,
      visible: { real_name_verified: true },
      disclosable: { age_over_18: true },
      holder: jwkOfEd25519(pw.keyPair.publicKey),
      status: { idx: 1, uri: `${IA_URL}/v1/identity/status-lists/x` },
    });
    const vp = presentSdJwtVc(forged, {
      disclose: ['age_over_18'],
      holder: signerOfKeyPair(pw.keyPair),
      nonce: 'n1',
      aud: SHOP,
      iat: now(),
    });
    await rejects(
      credentialVerifier(ia.newClient()).verify(vp, { nonce: 'n1', aud: SHOP }),
      'ERR_VC_ISSUER_NOT_ACCREDITED',
    );
  });

  test('tampered disclosure, and a disclosure taken from another copy', async () => {
    const { vp, nonce } = await present(alice, SHOP, ['age_over_18']);
    const parts = vp.split('~');
    const disclosure = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString()) as unknown[];
    disclosure[2] = false;
    const tampered = [
      parts[0],
      Buffer.from(JSON.stringify(disclosure)).toString('base64url'),
      ...parts.slice(2),
    ].join('~');
    const site = credentialVerifier(ia.newClient());
    await rejects(site.verify(tampered, { nonce, aud: SHOP }), 'ERR_VC_DISCLOSURE_UNKNOWN');
    const other = await present(alice, NEWS, ['age_over_18']);
    const spliced = [parts[0], other.vp.split('~')[1], ...parts.slice(2)].join('~');
    await rejects(site.verify(spliced, { nonce, aud: SHOP }), 'ERR_VC_DISCLOSURE_UNKNOWN');
  });

  test('wrong key binding (another pairwise key), wrong audience, replayed nonce', async () => {
    const copy = await ia.client.identity.requestCopy(
      ia.authority,
      alice.master,
      alice.pairwise(SHOP).keyPair,
    );
    const news = alice.pairwise(NEWS);
    // sign the KB-JWT with the news key although the copy is bound to the shop key
    const honest = presentSdJwtVc(copy.credential, {
      disclose: [],
      holder: signerOfKeyPair(alice.pairwise(SHOP).keyPair),
      nonce: 'k1',
      aud: SHOP,
      iat: now(),
    });
    const [body, kb] = [
      honest.slice(0, honest.lastIndexOf('~') + 1),
      honest.slice(honest.lastIndexOf('~') + 1),
    ];
    const [h, p] = kb.split('.');
    const forgedSig = Buffer.from(news.keyPair.sign(Buffer.from(`${h}.${p}`))).toString(
      'base64url',
    );
    const site = credentialVerifier(ia.newClient(), { nonces: new SeenNonces() });
    await rejects(
      site.verify(`${body}${h}.${p}.${forgedSig}`, { nonce: 'k1', aud: SHOP }),
      'ERR_VC_KB_BAD_SIGNATURE',
    );
    await rejects(site.verify(honest, { nonce: 'k1', aud: NEWS }), 'ERR_VC_KB_AUDIENCE');
    await site.verify(honest, { nonce: 'k1', aud: SHOP });
    await rejects(site.verify(honest, { nonce: 'k1', aud: SHOP }), 'ERR_VC_NONCE_REPLAYED');
  });

  test('a stale status list is refused, never used', async () => {
    const { vp, nonce } = await present(alice, SHOP, []);
    const client = ia.newClient();
    const issuers = new LedgerIssuerResolver(client);
    // a verifier whose freshness bound is 10 s and whose clock is a minute ahead: the token the
    // authority signs now is already too old for it
    const status = new StatusListCache({
      fetch: (uri) => client.fetchText(uri),
      verifierFor: (iss, kid) => issuers.verifierFor(iss, kid),
      maxAgeSec: 10,
      now: () => now() + 60,
    });
    const { verifySdJwtVcPresentation } = await import('../../src/credentials/index.ts');
    await rejects(
      verifySdJwtVcPresentation(vp, {
        issuers,
        status,
        nonce,
        aud: SHOP,
        now: now(),
        vct: [REAL_NAME_VCT],
      }),
      'ERR_VC_STATUS_STALE',
    );
  });
});

describe('robustness', () => {
  test('a character outside base64url is malformed, never read as another byte', async () => {
    const { vp, nonce } = await present(alice, SHOP, ['age_over_18']);
    const bent = `${vp.slice(0, 5)}\u0165${vp.slice(6)}`; // U+0165: its low byte is "e"
    await rejects(
      credentialVerifier(ia.newClient()).verify(bent, { nonce, aud: SHOP }),
      'ERR_VC_MALFORMED',
    );
  });

  test('a presentation refused for a stale status list can be sent again with its nonce', async () => {
    const { vp, nonce } = await present(alice, SHOP, []);
    const nonces = new SeenNonces();
    const client = ia.newClient();
    const issuers = new LedgerIssuerResolver(client);
    const stale = new StatusListCache({
      fetch: (uri) => client.fetchText(uri),
      verifierFor: (iss, kid) => issuers.verifierFor(iss, kid),
      maxAgeSec: 10,
      now: () => now() + 60,
    });
    const { verifySdJwtVcPresentation } = await import('../../src/credentials/index.ts');
    const o = { issuers, nonce, aud: SHOP, now: now(), vct: [REAL_NAME_VCT], nonces };
    await rejects(verifySdJwtVcPresentation(vp, { ...o, status: stale }), 'ERR_VC_STATUS_STALE');
    const fresh = credentialVerifier(ia.newClient(), { nonces });
    await fresh.verify(vp, { nonce, aud: SHOP });
    await rejects(fresh.verify(vp, { nonce, aud: SHOP }), 'ERR_VC_NONCE_REPLAYED');
  });
});

class SeenNonces {
  readonly #seen = new Set<string>();
  consume(nonce: string): boolean {
    if (this.#seen.has(nonce)) return false;
    this.#seen.add(nonce);
    return true;
  }
}

describe('de-accreditation', () => {
  test('copies of a de-accredited authority are refused', async () => {
    const { vp, nonce } = await present(alice, SHOP, ['age_over_18']);
    await credentialVerifier(ia.newClient()).verify(vp, { nonce, aud: SHOP });
    // governance (one org, quorum 1) revokes the accreditation
    const org = loadKeyFile(join(ia.dir, 'keys', 'org1.json'), PASSPHRASE);
    await ia.client.signAndSubmit(
      org.keyPair,
      `did:key:${org.multikey}#${org.multikey}`,
      'gov.propose',
      {
        change: {
          type: 'revoke',
          role: 'identity-authority',
          subject: ia.authority,
          reason: 'test',
        },
      },
    );
    await rejects(
      credentialVerifier(ia.newClient()).verify(vp, { nonce, aud: SHOP }),
      'ERR_VC_ISSUER_DEACCREDITED',
    );
    // and the authority can no longer write to the ledger
    const carol = await newWallet(ia.client, 'cred-carol');
    await rejects(enroll(ia, PEOPLE[2]!, carol), 'ERR_LEDGER_UNAUTHORIZED');
  });
});
