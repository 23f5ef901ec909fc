/**
 * Principle 2 (DESIGN.md): sites cannot link a person across sites. Two sites record everything
 * they receive from one person over several logins each (every form field, every segment, header
 * and claim of every SD-JWT, disclosure and KB-JWT, every consent receipt); no value is common to
 * both except the claim values the person chose to show to both, and values that every person's
 * presentations share (the issuer, the credential type, algorithm names: they say nothing about
 * who). Population values are measured, not listed: a value counts as one only if another person's
 * presentation carries it too.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { decodeSdJwtVc } from '../../src/credentials/index.ts';
import { fromBase64url } from '../../src/crypto/index.ts';
import { answerLogin, openLogin, type Holder } from '../../src/sdk/index.ts';
import { openWorld, type World, type WorldSite } from '../sdk/_site.ts';
import { enroll, newWallet, PEOPLE, type TestWallet } from './_helpers.ts';

let w: World;
let alice: TestWallet;
let bob: TestWallet;
/** Everything each site received, per person. */
const received = new Map<string, Record<string, string>[]>();

before(async () => {
  w = await openWorld();
  alice = await newWallet(w.ia.client, 'unlinkability alice');
  bob = await newWallet(w.ia.client, 'unlinkability bob');
  await enroll(w.ia, PEOPLE[0]!, alice);
  await enroll(w.ia, PEOPLE[1]!, bob);
});
after(async () => w.close());

/** Records every form a site's verifier is given, under `who`. */
function record(site: WorldSite, who: () => string): void {
  const respond = site.verifier.respond.bind(site.verifier);
  site.verifier.respond = (id, form) => {
    const key = `${site.origin} ${who()}`;
    received.set(key, [...(received.get(key) ?? []), { ...(form as Record<string, string>) }]);
    return respond(id, form);
  };
}

/** Every value inside a JSON value: strings, numbers and booleans at the leaves. */
function leaves(v: unknown, out: Set<string>): void {
  if (v === null || v === undefined) return;
  if (Array.isArray(v)) for (const x of v) leaves(x, out);
  else if (typeof v === 'object') for (const x of Object.values(v)) leaves(x, out);
  else out.add(`${typeof v}:${String(v)}`);
}

const decodeJson = (b64: string): unknown =>
  JSON.parse(Buffer.from(fromBase64url(b64)).toString('utf8'));

/** A compact JWS: its three segments as values, and every value of its header and payload. */
function jwsAtoms(jws: string, out: Set<string>): void {
  const [h, p, s] = jws.split('.');
  for (const seg of [h, p, s]) out.add(`segment:${seg}`);
  leaves(decodeJson(h!), out);
  leaves(decodeJson(p!), out);
}

/** Every value a site can read in the forms it received. */
function atomsOf(forms: readonly Record<string, string>[]): Set<string> {
  const out = new Set<string>();
  for (const form of forms) {
    for (const [name, value] of Object.entries(form)) {
      out.add(`field:${value}`);
      if (name === 'realdid_consent_receipt') jwsAtoms(value, out);
      if (name !== 'vp_token') continue;
      const token = JSON.parse(value) as Record<string, string[]>;
      for (const [id, presentations] of Object.entries(token)) {
        out.add(`string:${id}`);
        for (const vp of presentations) {
          const parts = vp.split('~');
          jwsAtoms(parts[0]!, out);
          const kb = parts.at(-1)!;
          if (kb !== '') jwsAtoms(kb, out);
          for (const d of parts.slice(1, -1)) {
            out.add(`segment:${d}`);
            leaves(decodeJson(d), out);
          }
        }
      }
    }
  }
  return out;
}

/** Logs `wallet` into `site` (its copy for the site's origin), `times` times, a minute apart. */
async function logins(
  wallet: TestWallet,
  site: WorldSite,
  times: number,
  start: number,
  purpose = 'login',
): Promise<string[]> {
  const pw = wallet.pairwise(site.origin);
  const copy = await w.ia.client.identity.requestCopy(w.ia.authority, wallet.master, pw.keyPair);
  const holder: Holder = { credential: copy.credential, keyPair: pw.keyPair, did: pw.did };
  const accounts: string[] = [];
  for (let i = 0; i < times; i++) {
    const s = await site.verifier.start({ purpose });
    const prompt = await openLogin(w.client(), s.link);
    // Logins happen at different moments, as they would: the KB-JWT's iat is the login's second.
    await answerLogin(w.client(), prompt, holder, { now: start - i * 61_000 });
    const status = site.verifier.status(s.id);
    assert.equal(status.status, 'done', JSON.stringify(status));
    if (status.status === 'done') accounts.push(status.session.account);
  }
  return accounts;
}

test('two sites that pool everything they received from one person find nothing in common but the claims she showed both', async () => {
  const { shop, news } = w.sites;
  let who = 'alice';
  record(shop, () => who);
  record(news, () => who);
  const now = Date.now();
  const atShop = await logins(alice, shop, 3, now, 'profile');
  const atNews = await logins(alice, news, 3, now - 10_000);
  who = 'bob';
  await logins(bob, shop, 1, now - 20_000, 'profile');
  await logins(bob, news, 1, now - 30_000);

  // each site knows her by one stable account id, and the two differ
  assert.equal(new Set(atShop).size, 1);
  assert.equal(new Set(atNews).size, 1);
  assert.notEqual(atShop[0], atNews[0]);

  const a = atomsOf(received.get(`${shop.origin} alice`)!);
  const b = atomsOf(received.get(`${news.origin} alice`)!);
  const population = new Set(
    [
      ...atomsOf(received.get(`${shop.origin} bob`)!),
      ...atomsOf(received.get(`${news.origin} bob`)!),
    ].filter((x) => a.has(x) || b.has(x)),
  );
  // what she showed both: the values of the claims both purposes asked for
  const shownToBoth = new Set<string>();
  const shopClaims = shop.terms.purposes.find((p) => p.id === 'profile')!.claims;
  const newsClaims = news.terms.purposes.find((p) => p.id === 'login')!.claims;
  const credential = decodeSdJwtVc(
    (
      await w.ia.client.identity.requestCopy(
        w.ia.authority,
        alice.master,
        alice.pairwise('https://other.example').keyPair,
      )
    ).credential,
  );
  for (const d of credential.disclosures)
    if (shopClaims.includes(d.name) && newsClaims.includes(d.name)) {
      shownToBoth.add(`string:${d.name}`);
      leaves(d.value, shownToBoth);
    }

  const common = [...a].filter((x) => b.has(x));
  const linking = common.filter((x) => !population.has(x) && !shownToBoth.has(x));
  assert.deepEqual(linking, [], `values common to both sites: ${linking.join(', ')}`);
  // the check has teeth: the sites did receive plenty, and share population values
  assert.ok(a.size > 50 && b.size > 50, `${a.size} and ${b.size} values`);
  assert.ok(common.length > 0);
  // her two accounts, her keys, the copies' signatures: each seen by one site only
  assert.ok(!b.has(`string:${atShop[0]!.slice('did:key:'.length)}`));
});
