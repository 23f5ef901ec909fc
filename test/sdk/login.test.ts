/**
 * OpenID4VP 1.0 logins end to end over a real node (identity authority, ledger, proofs) and site
 * servers, all through app.inject(): cross-device and same-device logins, the pairwise account id
 * (stable across logins and a restore from the mnemonic), a disclosure policy with its consent
 * receipt recorded on the ledger, and every rejection the issue names, each with its own code, on
 * the wallet's side and on the site's.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  clientIdOf,
  decodeSdJwtVc,
  parseSdJwt,
  presentationHash,
  presentSdJwt,
  realNameQuery,
  SELF_ISSUED_AUD,
  signConsentReceipt,
  signerOfKeyPair,
  signRequestObject,
  verifyConsentReceipt,
  VP_FORMATS_SUPPORTED,
  type ConsentReceiptInput,
  type JwsSigner,
  type RequestObjectClaims,
} from '../../src/credentials/index.ts';
import { ed25519FromSeed, sha256, utf8 } from '../../src/crypto/index.ts';
import {
  authFragment,
  deriveMasterKey,
  derivePairwise,
  newMnemonic,
  planCreate,
  seedOfMnemonic,
} from '../../src/did/index.ts';
import {
  answerLogin,
  consentReceiptHash,
  declineLogin,
  disclosure,
  disclosureCounts,
  openLogin,
  type Holder,
  type LoginPrompt,
} from '../../src/sdk/index.ts';
import { enroll, newWallet, PEOPLE, rejects, type TestWallet } from '../identity/_helpers.ts';
import { openWorld, type World, type WorldSite } from './_site.ts';

let w: World;
let alice: TestWallet;
let bob: TestWallet;
let carol: TestWallet;
before(async () => {
  w = await openWorld();
  alice = await newWallet(w.ia.client, 'login alice');
  bob = await newWallet(w.ia.client, 'login bob');
  carol = await newWallet(w.ia.client, 'login carol');
  await enroll(w.ia, PEOPLE[0]!, alice);
  await enroll(w.ia, PEOPLE[1]!, bob);
  await enroll(w.ia, PEOPLE[2]!, carol);
});
after(async () => w.close());

const copies = new Map<string, Holder>();
/** The wallet's copy for a site origin, bound to its pairwise key (one request per origin). */
async function holderFor(wallet: TestWallet, origin: string): Promise<Holder> {
  const key = `${wallet.did} ${origin}`;
  const held = copies.get(key);
  if (held !== undefined) return held;
  const pw = wallet.pairwise(origin);
  const copy = await w.ia.client.identity.requestCopy(w.ia.authority, wallet.master, pw.keyPair);
  const holder = { credential: copy.credential, keyPair: pw.keyPair, did: pw.did };
  copies.set(key, holder);
  return holder;
}

type StartInput = Parameters<WorldSite['verifier']['start']>[0];
/** Starts a login at `site` and opens its link in the wallet. */
async function open(site: WorldSite, input: StartInput = { purpose: 'login' }) {
  const start = await site.verifier.start(input);
  const prompt = await openLogin(w.client(), start.link);
  return { start, prompt };
}

/** A whole login of `wallet` at `site`. */
async function login(site: WorldSite, wallet: TestWallet, input?: StartInput) {
  const { start, prompt } = await open(site, input);
  const answer = await answerLogin(w.client(), prompt, await holderFor(wallet, site.origin));
  return { start, prompt, answer };
}

/** A response form built by hand (a wallet that misbehaves in one way). */
function formFor(
  prompt: LoginPrompt,
  holder: Holder,
  o: {
    disclose?: readonly string[];
    aud?: string;
    signer?: JwsSigner;
    credentialId?: string;
    receipt?: Partial<ConsentReceiptInput> | 'none';
  } = {},
): Record<string, string> {
  const signer = o.signer ?? signerOfKeyPair(holder.keyPair);
  const want = o.disclose ?? prompt.claims;
  const chosen = decodeSdJwtVc(holder.credential)
    .disclosures.filter((d) => want.includes(d.name))
    .map((d) => d.encoded);
  const iat = Math.floor(Date.now() / 1000);
  const aud = o.aud ?? prompt.clientId;
  const vp = presentSdJwt(parseSdJwt(holder.credential).jwtCompact, chosen, signer, {
    iat,
    aud,
    nonce: prompt.request.nonce,
  });
  const vpToken = JSON.stringify({ [o.credentialId ?? prompt.credentialId]: [vp] });
  const form: Record<string, string> = { vp_token: vpToken, state: prompt.request.state };
  if (prompt.policy !== undefined && o.receipt !== 'none')
    form.realdid_consent_receipt = signConsentReceipt({
      holder: signer,
      clientId: prompt.clientId,
      site: prompt.site.did,
      policy: prompt.policy.id,
      claims: prompt.claims,
      iat,
      presentationHash: presentationHash(vpToken),
      ...o.receipt,
    });
  return form;
}

const post = (prompt: LoginPrompt, form: Record<string, string>) =>
  w.client().postForm(prompt.responseUri, form);

/** A request object signed by hand and served by `site` at `/oid4vp/request/<id>`. */
function serveRaw(
  site: WorldSite,
  id: string,
  over: Partial<RequestObjectClaims> = {},
  signer: JwsSigner = signerOfKeyPair(site.keyPair, site.kid),
): string {
  const clientId = clientIdOf(site.did);
  const now = Math.floor(Date.now() / 1000);
  const claims: RequestObjectClaims = {
    iss: clientId,
    aud: SELF_ISSUED_AUD,
    client_id: clientId,
    response_type: 'vp_token',
    response_mode: 'direct_post',
    response_uri: `${site.origin}/oid4vp/response/${id}`,
    nonce: `nonce-${id}-0123456789abcdef`,
    state: `state-${id}-0123456789abcdef`,
    iat: now,
    exp: now + 300,
    dcql_query: realNameQuery(['age_over_18']),
    client_metadata: { vp_formats_supported: VP_FORMATS_SUPPORTED },
    realdid_purpose: 'login',
    ...over,
  };
  site.raw.set(id, signRequestObject(claims, signer));
  const q = `client_id=${encodeURIComponent(clientId)}`;
  return `openid4vp://?${q}&request_uri=${encodeURIComponent(`${site.origin}/oid4vp/request/${id}`)}`;
}

describe('logins', () => {
  test('cross-device: link → signed request → presentation → session with the pairwise account', async () => {
    const { shop } = w.sites;
    const { start, prompt, answer } = await login(shop, alice);
    assert.match(start.link, /^openid4vp:\/\/\?client_id=decentralized_identifier%3Adid%3Ardid%3A/);
    assert.equal(prompt.site.did, shop.did);
    assert.equal(prompt.site.name, 'Site https://shop.example');
    assert.equal(prompt.site.primaryOrigin, shop.origin);
    assert.equal(prompt.purpose.id, 'login');
    assert.deepEqual(prompt.claims, ['age_over_18']);
    assert.equal(prompt.policy, undefined);
    assert.equal(answer.redirectUri, undefined);
    assert.deepEqual(answer.disclosed, ['age_over_18']);
    const st = shop.verifier.status(start.id);
    assert.equal(st.status, 'done');
    const session = st.status === 'done' ? st.session : assert.fail();
    assert.equal(session.account, alice.pairwise(shop.origin).did);
    assert.deepEqual(session.claims, { real_name_verified: true, age_over_18: true });
    assert.equal(session.purpose, 'login');
    assert.equal(session.policy, undefined);
    assert.throws(() => shop.verifier.requestObject(start.id), {
      code: 'ERR_IDENTITY_LOGIN_UNKNOWN',
    });
  });

  test('same-device: the answer redirects with a response code, redeemed once', async () => {
    const { shop } = w.sites;
    const { start, answer } = await login(shop, alice, { purpose: 'login', sameDevice: true });
    const prefix = `${shop.origin}/login/callback#response_code=`;
    assert.ok(answer.redirectUri?.startsWith(prefix), String(answer.redirectUri));
    const code = answer.redirectUri!.slice(prefix.length);
    assert.equal(Buffer.from(code, 'base64url').length, 32);
    // whoever started the login and polls its status does not get the session (OpenID4VP §13.3)
    assert.deepEqual(shop.verifier.status(start.id), { status: 'answered' });
    const session = shop.verifier.redeem(code);
    assert.equal(session.id, start.id);
    assert.equal(session.account, alice.pairwise(shop.origin).did);
    assert.throws(() => shop.verifier.redeem(code), {
      code: 'ERR_IDENTITY_LOGIN_BAD_RESPONSE_CODE',
    });
    assert.throws(() => shop.verifier.redeem('nope'), {
      code: 'ERR_IDENTITY_LOGIN_BAD_RESPONSE_CODE',
    });
  });

  test('the account is the same at every login and after a restore, and differs between sites', async () => {
    const { shop, news } = w.sites;
    const account = async (site: WorldSite, wallet: TestWallet, holder?: Holder) => {
      const { start, prompt } = await open(site);
      await answerLogin(w.client(), prompt, holder ?? (await holderFor(wallet, site.origin)));
      const st = site.verifier.status(start.id);
      return st.status === 'done' ? st.session.account : assert.fail(JSON.stringify(st));
    };
    const mnemonic = newMnemonic();
    const seed = seedOfMnemonic(mnemonic);
    const plan = planCreate(seed);
    await w.ia.client.signAndSubmit(plan.keyPair, plan.signer, plan.kind, plan.body);
    const dave: TestWallet = {
      seed,
      did: plan.did,
      master: {
        kid: `${plan.did}#${authFragment(0)}`,
        keyPair: deriveMasterKey(seed, 'auth', 0).keyPair,
      },
      pairwise: (origin) => derivePairwise(seed, origin),
    };
    await enroll(w.ia, PEOPLE[3]!, dave);
    const first = await account(shop, dave);
    assert.equal(await account(shop, dave), first, 'second login');
    // a restore: the words again, nothing else kept; a new copy for the same pairwise key
    const restored = seedOfMnemonic(mnemonic.split(' ').join('  '));
    const pw = derivePairwise(restored, shop.origin);
    const master = { kid: dave.master.kid, keyPair: deriveMasterKey(restored, 'auth', 0).keyPair };
    const copy = await w.ia.client.identity.requestCopy(w.ia.authority, master, pw.keyPair);
    assert.equal(
      await account(shop, dave, { credential: copy.credential, keyPair: pw.keyPair, did: pw.did }),
      first,
      'after restore',
    );
    assert.equal(first, pw.did);
    const atNews = await account(news, dave);
    assert.notEqual(atNews, first, 'another site sees another account');
  });

  test('a purpose with explicit claims: only those are asked for and disclosed', async () => {
    const { news } = w.sites;
    const { start, prompt, answer } = await login(news, alice, {
      purpose: 'profile',
      claims: ['given_name'],
    });
    assert.deepEqual(prompt.claims, ['given_name']);
    assert.deepEqual(answer.disclosed, ['given_name']);
    const st = news.verifier.status(start.id);
    assert.deepEqual(st.status === 'done' && st.session.claims, {
      real_name_verified: true,
      given_name: PEOPLE[0]!.givenName,
    });
  });

  test('a disclosure policy: consent receipt, disclosure recorded on the ledger (count + 1)', async () => {
    const { shop } = w.sites;
    const count = async () =>
      (await disclosureCounts(w.client(), shop.did)).find((c) => c.policy === 'creator-real-name')
        ?.count ?? 0;
    const before = await count();
    const { start, prompt, answer } = await login(shop, bob, {
      purpose: 'login',
      policy: 'creator-real-name',
    });
    assert.equal(prompt.policy?.id, 'creator-real-name');
    assert.equal(prompt.policy?.legalBasis, 'Example Act §12');
    assert.deepEqual(prompt.claims, ['age_over_18', 'given_name', 'family_name']);
    assert.ok(answer.receipt !== undefined, 'a receipt');
    assert.equal(answer.receiptHash, consentReceiptHash(answer.receipt));
    const st = shop.verifier.status(start.id);
    const s = st.status === 'done' ? st.session : assert.fail(JSON.stringify(st));
    assert.deepEqual(s.claims, {
      real_name_verified: true,
      age_over_18: false, // born 2012
      given_name: PEOPLE[1]!.givenName,
      family_name: PEOPLE[1]!.familyName,
    });
    assert.equal(s.policy?.receipt, answer.receipt);
    assert.equal(s.policy?.receiptHash, answer.receiptHash);
    assert.match(s.policy?.tx ?? '', /^[0-9a-f]{64}$/);
    assert.equal(await count(), before + 1);
    const d = await disclosure(w.client(), answer.receiptHash);
    assert.equal(d?.site, shop.did);
    assert.equal(d?.policy, 'creator-real-name');
    // the person can prove what they agreed to
    const holder = await holderFor(bob, shop.origin);
    const c = verifyConsentReceipt(answer.receipt, {
      holderJwk: signerOfKeyPair(holder.keyPair).jwk,
      clientId: prompt.clientId,
      site: shop.did,
      policy: 'creator-real-name',
      claims: prompt.claims,
      presentationHash: answer.presentationHash,
    });
    assert.equal(c.iss, bob.pairwise(shop.origin).did);
  });
});

describe('refused, each with its own code', () => {
  test('a claim outside the registration: the verifier will not ask, the wallet will not answer', async () => {
    const { shop, news } = w.sites;
    await rejects(
      shop.verifier.start({ purpose: 'login', claims: ['birthdate'] }),
      'ERR_IDENTITY_CLAIM_NOT_REGISTERED',
    );
    await rejects(shop.verifier.start({ purpose: 'nope' }), 'ERR_IDENTITY_PURPOSE_NOT_REGISTERED');
    await rejects(
      shop.verifier.start({ purpose: 'profile', policy: 'creator-real-name' }),
      'ERR_IDENTITY_POLICY_NOT_REGISTERED',
    );
    await rejects(
      news.verifier.start({ purpose: 'login', policy: 'creator-real-name' }),
      'ERR_IDENTITY_POLICY_NOT_REGISTERED',
    );
    const c = w.client();
    await rejects(
      openLogin(c, serveRaw(shop, 'claim', { dcql_query: realNameQuery(['birthdate']) })),
      'ERR_IDENTITY_CLAIM_NOT_REGISTERED',
    );
    await rejects(
      openLogin(c, serveRaw(shop, 'purpose', { realdid_purpose: 'nope' })),
      'ERR_IDENTITY_PURPOSE_NOT_REGISTERED',
    );
    await rejects(
      openLogin(
        c,
        serveRaw(shop, 'policy', {
          realdid_purpose: 'profile',
          realdid_policy: 'creator-real-name',
        }),
      ),
      'ERR_IDENTITY_POLICY_NOT_REGISTERED',
    );
    // the policy's claims only with the policy
    await rejects(
      openLogin(c, serveRaw(shop, 'nopolicy', { dcql_query: realNameQuery(['family_name']) })),
      'ERR_IDENTITY_CLAIM_NOT_REGISTERED',
    );
  });

  test('an unregistered site', async () => {
    const { stranger } = w.sites;
    await rejects(
      stranger.verifier.start({ purpose: 'login' }),
      'ERR_IDENTITY_SITE_NOT_REGISTERED',
    );
    await rejects(
      openLogin(w.client(), serveRaw(stranger, 'x')),
      'ERR_IDENTITY_SITE_NOT_REGISTERED',
    );
  });

  test('a de-registered site: refused by the wallet and, at the answer, by the verifier', async () => {
    const { gone } = w.sites;
    w.verifierFor(gone, { siteCacheSec: 0 });
    const { start, prompt } = await open(gone);
    await w.govern({ type: 'revoke', role: 'relying-party', subject: gone.did, reason: 'test' });
    await rejects(
      answerLogin(w.client(), prompt, await holderFor(alice, gone.origin)),
      'ERR_IDENTITY_SITE_NOT_REGISTERED',
    );
    assert.deepEqual(gone.verifier.status(start.id).status, 'failed');
    await rejects(openLogin(w.client(), start.link), 'ERR_IDENTITY_SITE_NOT_REGISTERED');
    await rejects(gone.verifier.start({ purpose: 'login' }), 'ERR_IDENTITY_SITE_NOT_REGISTERED');
  });

  test('a request object signed with the wrong key, or on an unregistered origin', async () => {
    const { shop } = w.sites;
    const c = w.client();
    const intruder = ed25519FromSeed(sha256(utf8('login intruder')));
    await rejects(
      openLogin(c, serveRaw(shop, 'wrongkey', {}, signerOfKeyPair(intruder, shop.kid))),
      'ERR_IDENTITY_LOGIN_BAD_SIGNATURE',
    );
    await rejects(
      openLogin(c, serveRaw(shop, 'swapped', {}, signerOfKeyPair(shop.keyPair, shop.loginKid))),
      'ERR_IDENTITY_LOGIN_BAD_SIGNATURE',
    );
    // the authentication-only key is a valid signer of requests
    assert.equal(
      (
        await openLogin(
          c,
          serveRaw(shop, 'loginkey', {}, signerOfKeyPair(shop.loginKeyPair, shop.loginKid)),
        )
      ).site.did,
      shop.did,
    );
    await rejects(
      openLogin(c, serveRaw(shop, 'evil', { response_uri: 'https://evil.example/r' })),
      'ERR_IDENTITY_ORIGIN_NOT_REGISTERED',
    );
    const link = serveRaw(shop, 'elsewhere').replace(
      encodeURIComponent(shop.origin),
      encodeURIComponent('https://evil.example'),
    );
    await rejects(openLogin(c, link), 'ERR_IDENTITY_ORIGIN_NOT_REGISTERED');
    await rejects(openLogin(c, 'openid4vp://?client_id=x'), 'ERR_IDENTITY_LOGIN_MALFORMED');
    const { start } = await open(shop);
    await rejects(
      openLogin(c, start.link, { now: start.expires + 61_000 }),
      'ERR_IDENTITY_LOGIN_MALFORMED',
    );
  });

  test('a presentation for another audience (aud not the full client_id)', async () => {
    const { shop } = w.sites;
    const { start, prompt } = await open(shop);
    const holder = await holderFor(alice, shop.origin);
    await rejects(
      post(prompt, formFor(prompt, holder, { aud: shop.origin })),
      'ERR_VC_KB_AUDIENCE',
    );
    const st = shop.verifier.status(start.id);
    assert.deepEqual(st.status === 'failed' && st.code, 'ERR_VC_KB_AUDIENCE');
  });

  test('a replayed response or presentation', async () => {
    const { shop } = w.sites;
    const holder = await holderFor(alice, shop.origin);
    const first = await open(shop);
    const form = formFor(first.prompt, holder);
    assert.deepEqual(await post(first.prompt, form), {});
    await rejects(post(first.prompt, form), 'ERR_IDENTITY_LOGIN_ANSWERED');
    assert.equal(shop.verifier.status(first.start.id).status, 'done', 'untouched');
    const second = await open(shop);
    await rejects(
      post(second.prompt, { ...form, state: second.prompt.request.state }),
      'ERR_VC_KB_NONCE',
    );
  });

  test("a response carrying another request's state", async () => {
    const { shop } = w.sites;
    const holder = await holderFor(alice, shop.origin);
    const a = await open(shop);
    const b = await open(shop);
    const formA = formFor(a.prompt, holder);
    await rejects(post(b.prompt, formA), 'ERR_IDENTITY_LOGIN_STATE_MISMATCH');
    await rejects(
      post(a.prompt, { ...formA, state: 'unknown-state-0123456789' }),
      'ERR_IDENTITY_LOGIN_UNKNOWN',
    );
    assert.equal(shop.verifier.status(a.start.id).status, 'pending');
    assert.equal(shop.verifier.status(b.start.id).status, 'pending');
    assert.deepEqual(await post(a.prompt, formA), {});
  });

  test("a copy bound to another site's key", async () => {
    const { shop, news } = w.sites;
    const { prompt } = await open(shop);
    const newsCopy = await holderFor(alice, news.origin);
    const shopKey = alice.pairwise(shop.origin).keyPair;
    // the wallet itself will not present it with this site's key
    await rejects(
      answerLogin(w.client(), prompt, {
        ...newsCopy,
        keyPair: shopKey,
        did: alice.pairwise(shop.origin).did,
      }),
      'ERR_VC_BAD_KEY',
    );
    // someone holding only the copy cannot sign its key binding
    await rejects(
      post(prompt, formFor(prompt, newsCopy, { signer: signerOfKeyPair(shopKey) })),
      'ERR_VC_KB_BAD_SIGNATURE',
    );
  });

  test('a revoked copy', async () => {
    const { shop } = w.sites;
    const holder = await holderFor(carol, shop.origin);
    await w.ia.client.identity.revoke(w.ia.operator, w.ia.authority, {
      did: carol.did,
      reason: 'holder-request',
    });
    w.verifierFor(shop); // a verifier that has not seen the status list before
    const { start, prompt } = await open(shop);
    await rejects(answerLogin(w.client(), prompt, holder), 'ERR_VC_REVOKED');
    const st = shop.verifier.status(start.id);
    assert.deepEqual(st.status === 'failed' && st.code, 'ERR_VC_REVOKED');
  });

  test('an expired copy', async () => {
    const { news } = w.sites;
    const later = Date.now() + 8 * 24 * 3600 * 1000;
    w.verifierFor(news, { now: () => later });
    const start = await news.verifier.start({ purpose: 'login' });
    const prompt = await openLogin(w.client(), start.link, { now: later });
    await rejects(
      answerLogin(w.client(), prompt, await holderFor(alice, news.origin), { now: later }),
      'ERR_VC_EXPIRED',
    );
    w.verifierFor(news);
  });

  test('a presentation that does not satisfy the DCQL query: a claim missing, one extra, another id', async () => {
    const { news } = w.sites;
    const holder = await holderFor(alice, news.origin);
    const input = { purpose: 'profile' };
    const missing = await open(news, input);
    assert.deepEqual(missing.prompt.claims, ['given_name', 'region']);
    await rejects(
      post(missing.prompt, formFor(missing.prompt, holder, { disclose: ['given_name'] })),
      'ERR_IDENTITY_DCQL_UNSATISFIED',
    );
    const extra = await open(news, input);
    await rejects(
      post(
        extra.prompt,
        formFor(extra.prompt, holder, { disclose: ['given_name', 'region', 'family_name'] }),
      ),
      'ERR_IDENTITY_DCQL_UNSATISFIED',
    );
    const other = await open(news, input);
    await rejects(
      post(other.prompt, formFor(other.prompt, holder, { credentialId: 'other' })),
      'ERR_IDENTITY_DCQL_UNSATISFIED',
    );
    assert.equal(news.verifier.status(other.start.id).status, 'failed');
  });

  test('a malformed response form', async () => {
    const { news } = w.sites;
    const holder = await holderFor(alice, news.origin);
    for (const [name, mutate] of Object.entries({
      'no-vp-token': (f: Record<string, string>) => ({ state: f.state! }),
      'vp-token-not-json': (f: Record<string, string>) => ({ ...f, vp_token: 'eyJ' }),
      'two-presentations': (f: Record<string, string>) => ({
        ...f,
        vp_token: JSON.stringify({ real_name: ['a', 'b'] }),
      }),
      'receipt-without-policy': (f: Record<string, string>) => ({
        ...f,
        realdid_consent_receipt: 'x.y.z',
      }),
    })) {
      const { prompt } = await open(news);
      await rejects(
        post(prompt, mutate(formFor(prompt, holder))),
        'ERR_IDENTITY_LOGIN_MALFORMED',
      ).catch((err: unknown) => assert.fail(`${name}: ${String(err)}`));
    }
  });

  test('a policy request: a missing or wrong consent receipt, and nothing recorded', async () => {
    const { shop } = w.sites;
    const holder = await holderFor(bob, shop.origin);
    const input = { purpose: 'login', policy: 'creator-real-name' };
    const count = async () =>
      (await disclosureCounts(w.client(), shop.did)).find((c) => c.policy === 'creator-real-name')
        ?.count ?? 0;
    const before = await count();
    const other = signerOfKeyPair(ed25519FromSeed(sha256(utf8('login receipt intruder'))));
    for (const receipt of [
      'none',
      { policy: 'another' },
      { claims: ['given_name'] },
      { holder: other },
      { presentationHash: presentationHash('x') },
    ] as const) {
      const { start, prompt } = await open(shop, input);
      await rejects(post(prompt, formFor(prompt, holder, { receipt })), 'ERR_IDENTITY_BAD_RECEIPT');
      const st = shop.verifier.status(start.id);
      assert.deepEqual(st.status === 'failed' && st.code, 'ERR_IDENTITY_BAD_RECEIPT');
    }
    assert.equal(await count(), before);
  });

  test('a person who declines: the site stops waiting', async () => {
    const { shop } = w.sites;
    const { start, prompt } = await open(shop);
    await declineLogin(w.client(), prompt);
    const st = shop.verifier.status(start.id);
    assert.deepEqual(st.status === 'failed' && st.code, 'ERR_IDENTITY_CONSENT_DECLINED');
  });
});
