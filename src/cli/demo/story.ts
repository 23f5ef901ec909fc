/**
 * The whole story, step by step, against a fresh demo world: enroll, log into two sites, show a
 * real name under a policy, lose the wallet (re-bind: the old copies are revoked and the old
 * wallet's login fails), a lawful request refused without enough approvals and then approved, and
 * the person's activity at the end. Each step says what should happen and checks that it did.
 * The credit story (credit-story.ts) follows, with the wallet she uses by then.
 */
import { AppError, isAppError, type ErrorCode } from '../../errors.ts';
import { checkDigitOf } from '../../identity/index.ts';
import {
  decideLawful,
  disclosureCounts,
  lawfulRequest,
  proveMasterDid,
  releaseLawful,
  requestLawful,
  type PersonDetails,
} from '../../sdk/index.ts';
import type { UnlockedWallet } from '../wallet-file.ts';
import { masterKey } from '../commands/wallet-credentials.ts';
import type { StoredCreditEvent } from '../commands/credit-store.ts';
import { gatherActivity, type ActivityItem } from '../commands/wallet-activity.ts';
import { performLogin } from '../commands/wallet-login.ts';
import { STATUS_TTL_SEC, type DemoSite, type DemoWorld } from './world.ts';

/** What one step did. */
export interface StepResult {
  readonly step: string;
  readonly ok: boolean;
  readonly detail: string;
}

/** The demo's person: fictional, with a valid resident ID number. */
export function demoPerson(): PersonDetails {
  const first17 = '11010819900517123';
  return {
    familyName: '林',
    givenName: '晓雨',
    idNumber: `${first17}${checkDigitOf(first17)}`,
    birthdate: '1990-05-17',
    nationality: 'CN',
    region: 'CN-BJ',
  };
}

/** Fails the step unless `p` rejects with `code`; returns the error's message. */
export async function expectCode(p: Promise<unknown>, code: ErrorCode): Promise<string> {
  try {
    await p;
  } catch (err) {
    if (isAppError(err) && err.code === code) return `${code}: ${err.message}`;
    throw new AppError('ERR_CLI_DEMO_FAILED', `expected ${code}, got ${String(err)}`, {
      cause: err,
    });
  }
  throw new AppError('ERR_CLI_DEMO_FAILED', `expected ${code}, but it succeeded`);
}

/** Starts a login at `site` and answers it with wallet `w` (consenting). */
async function loginAt(
  world: DemoWorld,
  site: DemoSite,
  w: UnlockedWallet,
  input: { purpose: string; policy?: string },
) {
  const start = await site.verifier.start(input);
  const outcome = await performLogin(world.client(), w, start.link, async () => true);
  const status = site.verifier.status(start.id);
  if (status.status !== 'done')
    throw new AppError('ERR_CLI_DEMO_FAILED', `the site's login is ${status.status}`);
  return { ...outcome, session: status.session };
}

/** Enrolls (or re-binds) the person with wallet `w` at the demo authority's front office. */
async function bind(world: DemoWorld, w: UnlockedWallet, how: 'enroll' | 'rebind') {
  const identity = world.client().identity;
  const { challenge } = await identity.challenge(world.operator, world.authority);
  const proof = proveMasterDid(world.authority, challenge, masterKey(w));
  const input = { person: demoPerson(), did: w.file.did!, proof };
  return how === 'enroll'
    ? identity.enroll(world.operator, world.authority, input)
    : identity.rebind(world.operator, world.authority, input);
}

/** A step: what should happen, and the check that returns what it saw (or throws). */
export type Step = readonly [title: string, run: () => Promise<string>];

/** What the steps leave for later steps and the end: her activity, the wallet she uses now, … */
export interface StoryReport {
  activity?: ActivityItem[];
  /** Her wallet after the re-binding (the credit story's person). */
  wallet?: UnlockedWallet;
  /** Her credit events as her wallet keeps them (credit story). */
  credit?: readonly StoredCreditEvent[];
}

/** The steps, in order; each returns what it saw, or throws. */
export function storySteps(world: DemoWorld, report: StoryReport): Step[] {
  const { forum, shop } = world.sites;
  let phone: UnlockedWallet;
  let newPhone: UnlockedWallet;
  let forumAccount = '';
  let shopAccount = '';
  let lawfulId = '';
  return [
    [
      'enroll: the authority checks a real name off the ledger and binds it to a new wallet',
      async () => {
        phone = await world.newWallet('phone');
        const b = await bind(world, phone, 'enroll');
        return `master DID ${b.did} bound (${b.status}); the ledger holds a keyed tag, no name`;
      },
    ],
    [
      `log into ${forum.name}: it learns that she is over 18 and a pairwise account id`,
      async () => {
        const r = await loginAt(world, forum, phone, { purpose: 'login' });
        forumAccount = r.session.account;
        return `account ${forumAccount}, claims ${JSON.stringify(r.session.claims)}`;
      },
    ],
    [
      `log into ${shop.name}: another account id, nothing in common with the first site`,
      async () => {
        const r = await loginAt(world, shop, phone, { purpose: 'delivery' });
        shopAccount = r.session.account;
        if (shopAccount === forumAccount)
          throw new AppError('ERR_CLI_DEMO_FAILED', 'same account id');
        const again = await loginAt(world, forum, phone, { purpose: 'login' });
        if (again.session.account !== forumAccount)
          throw new AppError('ERR_CLI_DEMO_FAILED', 'the forum account changed between logins');
        return `account ${shopAccount}, claims ${JSON.stringify(r.session.claims)}; the forum knows her as ${forumAccount} again`;
      },
    ],
    [
      `a creator with 600,000 followers shows her real name on ${forum.name} under its disclosure policy`,
      async () => {
        const r = await loginAt(world, forum, phone, {
          purpose: 'creator',
          policy: 'creator-real-name',
        });
        const counts = await disclosureCounts(world.client(), forum.key.did);
        const n = counts.find((c) => c.policy === 'creator-real-name')?.count ?? 0;
        if (r.session.policy === undefined || n !== 1)
          throw new AppError(
            'ERR_CLI_DEMO_FAILED',
            `receipt ${r.session.policy?.receiptHash ?? 'none'}, count ${n}`,
          );
        return `shown ${Object.keys(r.session.claims).join(', ')}; consent receipt ${r.session.policy.receiptHash} kept by both; the ledger counts 1 invocation of creator-real-name by the site (no personal data)`;
      },
    ],
    [
      'her phone is stolen: the authority re-binds her to a new wallet, which revokes every copy of the old one',
      async () => {
        newPhone = await world.newWallet('new-phone');
        report.wallet = newPhone;
        const b = await bind(world, newPhone, 'rebind');
        // sites hold the authority's signed status list until its token's lifetime ends
        await new Promise((r) => setTimeout(r, STATUS_TTL_SEC * 1000));
        return `new master DID ${b.did} (${b.status}); sites see the revocation once their copy of the status list expires (${STATUS_TTL_SEC} s here)`;
      },
    ],
    [
      "the thief's login with the old phone is refused: its copy is revoked",
      async () => {
        const start = await shop.verifier.start({ purpose: 'login' });
        const seen = await expectCode(
          performLogin(world.client(), phone, start.link, async () => true),
          'ERR_VC_REVOKED',
        );
        const copy = await expectCode(
          world
            .client()
            .identity.requestCopy(world.authority, masterKey(phone), masterKey(phone).keyPair),
          'ERR_IDENTITY_BINDING_ENDED',
        );
        return `${seen}; a new copy for the old wallet: ${copy}`;
      },
    ],
    [
      `she logs into ${shop.name} with the new wallet`,
      async () => {
        const r = await loginAt(world, shop, newPhone, { purpose: 'login' });
        shopAccount = r.session.account;
        return `account ${shopAccount} (a new seed gives new pairwise ids)`;
      },
    ],
    [
      `a court asks to identify her account at ${shop.name}; one custodian approves; the authority refuses to release`,
      async () => {
        const req = await requestLawful(world.client(), world.court, {
          authority: world.authority,
          site: shop.key.did,
          pairwiseDid: shopAccount,
          basis: 'prc-cpl-150 Criminal Procedure Law of the PRC, Article 150 (demo case)',
          caseRef: '(2026) 京0108刑初 1234 号 (demo)',
        });
        lawfulId = req.id;
        await decideLawful(world.client(), world.custodians[0]!, lawfulId, 'approve');
        const refused = await expectCode(
          releaseLawful(world.client(), world.court, lawfulId, shopAccount),
          'ERR_IDENTITY_LAWFUL_NOT_APPROVED',
        );
        return `request ${lawfulId}: ${refused}`;
      },
    ],
    [
      'the second custodian approves: the authority releases her identity to the court only, and the ledger records the outcome',
      async () => {
        await decideLawful(world.client(), world.custodians[1]!, lawfulId, 'approve');
        const rel = await releaseLawful(world.client(), world.court, lawfulId, shopAccount);
        const p = demoPerson();
        if (rel.identity?.idNumber !== p.idNumber)
          throw new AppError('ERR_CLI_DEMO_FAILED', `released ${rel.result}, not the person`);
        const onLedger = await lawfulRequest(world.client(), lawfulId);
        return `released to the court (encrypted to its key): ${rel.identity.familyName}${rel.identity.givenName}; ledger status ${onLedger.value.status}, ${onLedger.value.approvals.length} approvals, release hash ${onLedger.value.outcome?.releaseHash}`;
      },
    ],
    [
      'her activity: every event concerning her, ledger events with proofs checked against signed checkpoints',
      async () => {
        const items = await gatherActivity(world.client(), newPhone);
        report.activity = items;
        const kinds = new Set(items.map((i) => i.kind));
        for (const k of [
          'enrollment',
          'rebinding',
          'credential',
          'login',
          'lawful-request',
        ] as const)
          if (!kinds.has(k)) throw new AppError('ERR_CLI_DEMO_FAILED', `no ${k} in her activity`);
        const lawful = items.find((i) => i.kind === 'lawful-request')!;
        if (lawful.evidence === undefined || !lawful.text.includes('released'))
          throw new AppError('ERR_CLI_DEMO_FAILED', `lawful request shown as: ${lawful.text}`);
        return `${items.length} events, ${items.filter((i) => i.evidence !== undefined).length} with proofs (kept in her wallet)`;
      },
    ],
  ];
}
