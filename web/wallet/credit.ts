/**
 * The wallet page's credit report (`#/credit`): the person's score with its reasons, the records
 * about them with their status and disputes, the queries about them, a consent token to give, a
 * look through the credit feed for new events, and the proofs of the events the wallet found,
 * checked again in this browser. Without a credit credential, it says what one is and obtains it.
 * Everything comes from the wallet's own server (`/api/credit/…`).
 */
import { ApiError } from '../shared/api.ts';
import { progressLine } from '../shared/checks.ts';
import { h, mount, time } from '../shared/dom.ts';
import { currentLang } from '../shared/i18n.ts';
import { walletApi } from './wallet-api.ts';
import { consentSection, queriesSection } from './credit-consent.ts';
import { proofSection } from './credit-proofs.ts';
import { recordsSection } from './credit-records.ts';
import { scoreSection } from './credit-score.ts';
import type { DisputeAnswer, WalletCreditReport, WatchAnswer } from './credit-types.ts';
import { t } from './credit-words.ts';
import { errorBox, pageHeading } from './ui.ts';

/** What the page shows, kept across re-renders (a language switch re-renders from it). */
interface State {
  report?: WalletCreditReport;
  error?: unknown;
  /** The answer of the last look through the feed. */
  looked?: WatchAnswer;
  /** Disputes filed from this page, by record: their deadline is said on the record's card. */
  readonly filed: Map<string, DisputeAnswer>;
}

class CreditPage {
  readonly root: HTMLElement;
  readonly state: State = kept;

  constructor(root: HTMLElement) {
    this.root = root;
  }

  /** Fetches the report (or the reason there is none) and renders it. */
  async load(): Promise<void> {
    try {
      this.state.report = await walletApi<WalletCreditReport>('/api/credit/report');
      this.state.error = undefined;
    } catch (err) {
      this.state.report = undefined;
      this.state.error = err;
    }
    await this.render();
  }

  async render(): Promise<void> {
    const { report, error } = this.state;
    const head = pageHeading(t('title'));
    if (report === undefined) {
      mount(this.root, head, this.problem(error));
      return;
    }
    const now = Math.max(Date.now(), report.at);
    const actions = {
      now,
      filed: this.state.filed,
      dispute: (r: string, s: string) => this.dispute(r, s),
    };
    mount(
      this.root,
      head,
      h('p', { class: 'muted' }, t('intro')),
      h(
        'p',
        { class: 'muted' },
        t('asOf', { height: report.height }),
        time(report.at, currentLang()),
      ),
      this.lookButton(),
      scoreSection(report),
      recordsSection(report, actions),
      queriesSection(report),
      consentSection(),
      await proofSection(report),
    );
  }

  /** No report: no credential yet (explained, with the button), not enrolled, or an error. */
  problem(error: unknown): HTMLElement {
    const code = error instanceof ApiError ? error.code : undefined;
    if (code === 'ERR_CREDIT_NO_CREDENTIAL') {
      const status = h('div', { 'aria-live': 'polite' });
      const button = h('button', { type: 'button', 'data-action': 'obtain' }, t('obtain'));
      button.addEventListener('click', () => {
        button.disabled = true;
        status.replaceChildren(progressLine(t('obtaining')));
        this.obtain().catch((err: unknown) => {
          status.replaceChildren(errorBox(err));
          button.disabled = false;
        });
      });
      return h(
        'section',
        { class: 'panel credit-none', 'aria-labelledby': 'credit-none-h' },
        h('h3', { id: 'credit-none-h' }, t('noCredTitle')),
        h('p', null, t('noCred')),
        h('p', null, button),
        status,
      );
    }
    const retry = h('button', { type: 'button', class: 'secondary' }, t('retry'));
    retry.addEventListener('click', () => void this.load());
    const enroll = code === 'ERR_CREDIT_NOT_ENROLLED' || code === 'ERR_IDENTITY_NOT_ENROLLED';
    return h(
      'div',
      null,
      enroll ? h('p', null, t('notEnrolled')) : null,
      errorBox(error),
      h('p', null, retry),
    );
  }

  /** The button that looks through the feed, with its progress and what it found. */
  lookButton(): HTMLElement {
    const looked = this.state.looked;
    const status = h(
      'div',
      { 'aria-live': 'polite', class: 'credit-look-status' },
      looked === undefined
        ? null
        : h('p', { 'data-scanned': looked.scanned }, t('looked', { ...looked })),
    );
    const button = h(
      'button',
      { type: 'button', class: 'secondary', 'data-action': 'look' },
      t('look'),
    );
    button.addEventListener('click', () => {
      button.disabled = true;
      status.replaceChildren(progressLine(t('looking')));
      this.look().catch((err: unknown) => {
        status.replaceChildren(errorBox(err));
        button.disabled = false;
      });
    });
    return h('div', { class: 'credit-look' }, button, status);
  }

  async look(): Promise<void> {
    this.state.looked = await walletApi<WatchAnswer>('/api/credit/watch', { method: 'POST' });
    await this.load();
  }

  async obtain(): Promise<void> {
    await walletApi('/api/credit/credential', { method: 'POST' });
    this.state.looked = await walletApi<WatchAnswer>('/api/credit/watch', { method: 'POST' });
    await this.load();
  }

  async dispute(record: string, statement: string): Promise<void> {
    const answer = await walletApi<DisputeAnswer>('/api/credit/dispute', {
      method: 'POST',
      json: { record, statement },
    });
    this.state.filed.set(record, answer);
    await this.load();
    this.root.querySelector<HTMLElement>(`[data-filed="${record}"]`)?.focus();
  }
}

/**
 * What the page keeps while it is open: the router renders the view again on a language switch,
 * and the deadline of a dispute filed here stays said on its record's card.
 */
const kept: Pick<State, 'filed' | 'looked'> = { filed: new Map() };

/**
 * The credit report view, loaded.
 * @param progress shows what is being loaded while the view is not there yet (the router's line)
 */
export async function creditView(progress?: (text: string) => void): Promise<HTMLElement> {
  progress?.(t('loading'));
  const root = h('section', { class: 'credit', 'aria-labelledby': 'page-title' });
  await new CreditPage(root).load();
  return root;
}
