/**
 * Logins the wallet page opened and the person has not decided yet. Each is a running
 * `performLogin` (wallet-login.ts) paused in its consent callback: opening a link runs every check
 * of the wallet up to the prompt; the decision resumes it (approve answers the site, refuse
 * declines), so the page goes through exactly the CLI's steps and activity-log entries. An
 * undecided login is declined when its request expires, when too many are pending, or when the
 * server stops; a login whose prompt arrives once the server is stopping is declined at once.
 */
import { randomBytes } from 'node:crypto';
import { AppError } from '../../errors.ts';
import type { LoginPrompt } from '../../sdk/index.ts';
import { performLogin, type LoginOutcome } from '../commands/wallet-login.ts';
import type { WalletContext } from './context.ts';

/** At most this many undecided logins; opening one more declines the oldest. */
const MAX_PENDING = 8;
/** An undecided login is declined after this long, or when its request expires if sooner. */
const MAX_WAIT_MS = 10 * 60_000;

/** A login waiting for the person's decision. */
export interface PendingLogin {
  readonly id: string;
  readonly prompt: LoginPrompt;
  /** The pairwise DID the site will know the person by. */
  readonly account: string;
  /** Resolves (or rejects) once the decision was acted on. */
  readonly outcome: Promise<LoginOutcome>;
  decide(approve: boolean): void;
}

interface Entry extends PendingLogin {
  readonly timer: NodeJS.Timeout;
}

/** The undecided logins of one wallet server. */
export class PendingLogins {
  readonly #ctx: WalletContext;
  readonly #items = new Map<string, Entry>();
  /** Set by {@link declineAll}: from then on, every login is declined as soon as it is asked. */
  #closed = false;

  constructor(ctx: WalletContext) {
    this.#ctx = ctx;
  }

  /**
   * Opens `link` and runs the wallet's checks; answers once the person is to be asked. Once the
   * server is stopping ({@link declineAll} ran), the login is declined as soon as it is asked (the
   * site is told, the log says so) and this throws ERR_IDENTITY_CONSENT_DECLINED.
   * @throws the wallet's refusals (ERR_IDENTITY_*, ERR_VC_*, logged as in the CLI), ERR_SDK_HTTP
   */
  async open(link: string): Promise<PendingLogin> {
    const client = await this.#ctx.client();
    let decide: (approve: boolean) => void = () => undefined;
    const decision = new Promise<boolean>((resolve) => (decide = resolve));
    let outcome!: Promise<LoginOutcome>;
    const asked = await new Promise<{ prompt: LoginPrompt; account: string }>((ask, refused) => {
      outcome = performLogin(client, this.#ctx.wallet, link, (prompt, account) => {
        if (this.#closed) return Promise.resolve(false);
        ask({ prompt, account });
        return decision;
      });
      outcome.catch(refused); // a refusal before the prompt; later it changes nothing here
    });
    if (this.#closed) {
      // declineAll ran while the prompt was on its way here: nobody will decide it
      decide(false);
      await outcome; // rejects with ERR_IDENTITY_CONSENT_DECLINED once the site was told
      throw new AppError('ERR_IDENTITY_CONSENT_DECLINED', 'the wallet page is stopping');
    }
    const { prompt, account } = asked;
    const id = randomBytes(16).toString('base64url');
    const wait = Math.max(0, Math.min(MAX_WAIT_MS, prompt.expires - Date.now()));
    const timer = setTimeout(() => this.take(id).decide(false), wait).unref();
    const entry: Entry = { id, prompt, account, outcome, decide, timer };
    this.#items.set(id, entry);
    for (const old of this.#items.keys())
      if (this.#items.size > MAX_PENDING) this.take(old).decide(false);
    return entry;
  }

  /** Takes a pending login out (to decide it). @throws ERR_CLI_WALLET_LOGIN_UNKNOWN */
  take(id: string): PendingLogin {
    const entry = this.#items.get(id);
    if (entry === undefined)
      throw new AppError(
        'ERR_CLI_WALLET_LOGIN_UNKNOWN',
        `no pending login ${id}: it was decided or it expired; open the site's link again`,
      );
    this.#items.delete(id);
    clearTimeout(entry.timer);
    return entry;
  }

  /**
   * Declines every undecided login and waits until each is logged (and the site told); every
   * login opened from now on is declined as soon as it is asked.
   */
  async declineAll(): Promise<void> {
    this.#closed = true;
    const all = [...this.#items.keys()].map((id) => this.take(id));
    for (const p of all) p.decide(false);
    await Promise.allSettled(all.map((p) => p.outcome));
  }
}
