/**
 * `realdid wallet login <link>`: logs into a site with OpenID4VP 1.0. The wallet checks the
 * request (signed by the site's registered DID, claims inside its registration), shows the site's
 * registered name, purpose, requested claims and any disclosure policy, asks consent, and answers
 * with the site's copy (bound to the site's pairwise key) disclosing only those claims. Every
 * answer, refusal and decline goes into the wallet's sealed activity log.
 */
import type { Command } from 'commander';
import { derivePairwise } from '../../did/index.ts';
import { AppError, isAppError } from '../../errors.ts';
import { didOfClientId, parseRequestLink } from '../../credentials/index.ts';
import {
  answerLogin,
  declineLogin,
  openLogin,
  type LoginAnswer,
  type LoginPrompt,
  type RealdidClient,
} from '../../sdk/index.ts';
import { logPresentation, type PresentationEntry } from '../activity-log.ts';
import { connect, nodeOptions, type NodeOpts } from '../connect.ts';
import { readCopies, type StoredCopy } from '../credential-store.ts';
import { confirm, output } from '../io.ts';
import type { UnlockedWallet } from '../wallet-file.ts';
import { issuanceOf, obtain } from './wallet-credentials.ts';
import { unlockWalletOpts, type WalletOpts } from './wallet.ts';

type LoginOpts = WalletOpts & NodeOpts & { yes?: boolean };

/** A copy is used for a login while it has at least this long left; else a new one is obtained. */
const MIN_LEFT_SEC = 5 * 60;

/** The copy for the site's primary origin: the one held if fresh enough, else a new one. */
async function copyFor(
  client: RealdidClient,
  w: UnlockedWallet,
  origin: string,
): Promise<StoredCopy> {
  const nowSec = Math.floor(Date.now() / 1000);
  const held = readCopies(w.path, w.seed).find((c) => c.origin === origin);
  if (held !== undefined && held.exp - nowSec > MIN_LEFT_SEC) return held;
  return obtain(await issuanceOf(client), w, origin);
}

/** What the person is asked to agree to, in words. */
export function describePrompt(p: LoginPrompt): string {
  const lines = [
    `${p.site.name} (${p.site.primaryOrigin}, ${p.site.did})`,
    `purpose: ${p.purpose.description} [${p.purpose.id}]`,
    `asks to see: ${p.claims.length === 0 ? '(no claims: only that you hold a real-name credential)' : p.claims.join(', ')}`,
  ];
  if (p.policy !== undefined)
    lines.push(
      `disclosure policy ${p.policy.id}: ${p.policy.description}`,
      `  legal basis: ${p.policy.legalBasis}`,
      `  applies when: ${p.policy.condition}`,
      `  you will sign a consent receipt; the ledger records that this site invoked this policy (no personal data)`,
    );
  return lines.join('\n');
}

function entryOf(
  p: LoginPrompt,
  account: string,
  outcome: PresentationEntry['outcome'],
  extra: Partial<PresentationEntry> = {},
): PresentationEntry {
  return {
    time: Date.now(),
    site: p.site.did,
    siteName: p.site.name,
    origin: p.site.primaryOrigin,
    account,
    purpose: p.purpose.id,
    purposeDescription: p.purpose.description,
    claims: p.claims,
    ...(p.policy === undefined
      ? {}
      : {
          policy: {
            id: p.policy.id,
            legalBasis: p.policy.legalBasis,
            condition: p.policy.condition,
          },
        }),
    outcome,
    ...extra,
  };
}

/** Logs a refusal of a request the wallet could not even open (the site named by its link). */
function logUnopened(w: UnlockedWallet, link: string, err: AppError): void {
  let site: string;
  try {
    site = didOfClientId(parseRequestLink(link).clientId);
  } catch (parseErr) {
    if (!isAppError(parseErr)) throw parseErr;
    return; // not a login link at all: nothing to record
  }
  logPresentation(w.path, w.seed, {
    time: Date.now(),
    site,
    siteName: '',
    origin: '',
    account: '',
    purpose: '',
    purposeDescription: '',
    claims: [],
    outcome: 'refused',
    code: err.code,
  });
}

/** What a login did: the request as checked, the account the site knows, the answer sent. */
export interface LoginOutcome {
  readonly prompt: LoginPrompt;
  readonly account: string;
  readonly answer: LoginAnswer;
}

/**
 * Opens a login link, asks `consent` (with the account the site will know: the pairwise DID),
 * answers with the site's copy (obtaining one if needed), and logs what happened in the wallet's
 * activity log (sent, declined or refused with its code).
 * @throws ERR_IDENTITY_CONSENT_DECLINED, the wallet's and the site's refusals (ERR_IDENTITY_*,
 *   ERR_VC_*), ERR_SDK_HTTP
 */
export async function performLogin(
  client: RealdidClient,
  w: UnlockedWallet,
  link: string,
  consent: (prompt: LoginPrompt, account: string) => Promise<boolean>,
): Promise<LoginOutcome> {
  let prompt: LoginPrompt;
  try {
    prompt = await openLogin(client, link);
  } catch (err) {
    if (isAppError(err)) logUnopened(w, link, err);
    throw err;
  }
  const pairwise = derivePairwise(w.seed, prompt.site.primaryOrigin);
  if (!(await consent(prompt, pairwise.did))) {
    logPresentation(w.path, w.seed, entryOf(prompt, pairwise.did, 'declined'));
    await declineLogin(client, prompt).catch((err: unknown) => {
      // the site may be gone; the person's decision stands either way
      if (!isAppError(err)) throw err;
    });
    throw new AppError(
      'ERR_IDENTITY_CONSENT_DECLINED',
      `you declined ${prompt.site.name}'s request`,
    );
  }
  let answer: LoginAnswer;
  try {
    const copy = await copyFor(client, w, prompt.site.primaryOrigin);
    answer = await answerLogin(client, prompt, {
      credential: copy.credential,
      keyPair: pairwise.keyPair,
      did: pairwise.did,
    });
  } catch (err) {
    if (isAppError(err))
      logPresentation(w.path, w.seed, entryOf(prompt, pairwise.did, 'refused', { code: err.code }));
    throw err;
  }
  logPresentation(
    w.path,
    w.seed,
    entryOf(prompt, pairwise.did, 'sent', {
      claims: answer.disclosed,
      presentationHash: answer.presentationHash,
      ...(answer.receipt === undefined ? {} : { receipt: answer.receipt }),
      ...(answer.receiptHash === undefined ? {} : { receiptHash: answer.receiptHash }),
    }),
  );
  return { prompt, account: pairwise.did, answer };
}

async function login(link: string, o: LoginOpts): Promise<void> {
  const w = await unlockWalletOpts(o);
  const client = await connect(o);
  const json = o.json ?? false;
  const { prompt, account, answer } = await performLogin(client, w, link, async (p) => {
    // what is asked goes to stderr: shown before any question, --json or not (stdout stays JSON)
    if (o.yes === true) {
      if (!json) process.stderr.write(`${describePrompt(p)}\n`);
      return true;
    }
    process.stderr.write(`${describePrompt(p)}\n`);
    return confirm(`share this with ${p.site.name}? [y/N] `);
  });
  output(
    json,
    {
      site: prompt.site.did,
      name: prompt.site.name,
      account,
      purpose: prompt.purpose.id,
      disclosed: answer.disclosed,
      ...(prompt.policy === undefined ? {} : { policy: prompt.policy.id }),
      ...(answer.receiptHash === undefined ? {} : { receiptHash: answer.receiptHash }),
      ...(answer.redirectUri === undefined ? {} : { redirectUri: answer.redirectUri }),
    },
    () =>
      [
        `logged in to ${prompt.site.name} as ${account}`,
        `  shown: ${answer.disclosed.length === 0 ? '(nothing but a valid credential)' : answer.disclosed.join(', ')}`,
        ...(answer.receiptHash === undefined
          ? []
          : [`  consent receipt ${answer.receiptHash} (kept in the wallet's activity log)`]),
        ...(answer.redirectUri === undefined
          ? []
          : [`  continue in the browser: ${answer.redirectUri}`]),
      ].join('\n'),
  );
}

/** Registers `realdid wallet login`. */
export function walletLoginCommands(wallet: Command, common: (c: Command) => Command): void {
  common(nodeOptions(wallet.command('login')))
    .description(
      "log into a site (OpenID4VP): shows the site's registered name, purpose and requested claims, asks consent, answers",
    )
    .argument('<link>', 'the openid4vp:// link the site shows (as a QR code or a link)')
    .option('--yes', 'consent without asking (scripts)')
    .action((link: string, o: LoginOpts) => login(link, o));
}
