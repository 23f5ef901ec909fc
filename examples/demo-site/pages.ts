/**
 * The demo site's pages, server-rendered. Every value that came from outside (claims, DIDs,
 * links, messages) goes through `esc`; the two inline scripts carry the response's CSP nonce.
 */
import type { LoginSession } from '../../src/sdk/index.ts';
import { errorBox, esc } from './html.ts';

/** A finished login as the site keeps it in a session. */
export interface SiteSession {
  readonly login: LoginSession;
  readonly flow: 'login' | 'creator';
  /** Creator flow: the follower count the creator gave. */
  readonly followers?: number;
}

/** What the site's policy says, shown before a creator answers. */
export interface PolicyNote {
  readonly id: string;
  readonly legalBasis: string;
  readonly condition: string;
}

export function homePage(): string {
  return `<h1>Log in without giving yourself away</h1>
<p>This site never learns who you are. Your realdid wallet gives it an account id made for this
site only, and proves that you are over 18: nothing else.</p>
<form method="post" action="/login">
<input type="hidden" name="mode" value="cross">
<button type="submit" id="login">Log in with realdid</button>
</form>
<form method="post" action="/login">
<input type="hidden" name="mode" value="same">
<button type="submit" class="secondary" id="login-same">Use a wallet on this device</button>
</form>
<h2>Creators</h2>
<p>Creators with more than 500,000 followers must show their real name. See the <a href="/creator">creator page</a>.</p>`;
}

/** The page that shows a login request as a QR code and a link, and waits for the wallet. */
export function waitPage(o: {
  id: string;
  link: string;
  qr: string;
  nonce: string;
  sameDevice: boolean;
  policy?: PolicyNote;
}): string {
  const id = encodeURIComponent(o.id);
  const policy =
    o.policy === undefined
      ? ''
      : `<div class="ok"><p>This request invokes the disclosure policy <code>${esc(o.policy.id)}</code>
(${esc(o.policy.condition)}). Legal basis: ${esc(o.policy.legalBasis)}</p>
<p>Your wallet shows the policy and asks for your consent; you sign a consent receipt that you and the site keep.</p></div>`;
  return `<h1>Log in with realdid</h1>
${policy}
<p>${o.sameDevice ? 'Open the link below: your wallet on this device answers and sends you back here.' : 'Scan the QR code with your realdid wallet, or open the link where your wallet is.'}</p>
${o.sameDevice ? '' : o.qr}
<p><a class="button" id="request-link" href="${esc(o.link)}">Open in my wallet</a></p>
<p class="hint">The request as text: paste it into your wallet page (<code>realdid wallet serve</code>, “Log in to a site”), or give it to the command-line wallet (<code>realdid wallet login '…'</code>):</p>
<p class="link" id="request-text">${esc(o.link)}</p>
<p id="login-status" class="status" role="status" aria-live="polite" data-id="${esc(o.id)}">Waiting for your wallet…</p>
<p><a href="/login/${id}/continue" id="continue">I have answered in my wallet: continue</a></p>
<script nonce="${o.nonce}">
(function () {
  var el = document.getElementById('login-status');
  var base = '/login/' + encodeURIComponent(el.getAttribute('data-id'));
  function poll() {
    fetch(base + '/status', { headers: { accept: 'application/json' } })
      .then(function (r) { return r.json(); })
      .then(function (s) {
        if (s.status === 'pending') return void setTimeout(poll, 400);
        if (s.status === 'answered') {
          el.textContent = 'Answered on this device: your wallet sends this browser back with a code.';
          return;
        }
        el.textContent = s.status === 'done' ? 'Answered: logging you in…' : 'The login did not succeed.';
        location.assign(base + '/continue');
      })
      .catch(function () { setTimeout(poll, 2000); });
  }
  poll();
})();
</script>`;
}

/** The same-device callback: its script reads `#response_code` and posts it. */
export function callbackPage(nonce: string): string {
  return `<h1>Finishing your login</h1>
<form method="post" action="/login/callback" id="callback">
<label for="response_code">Response code from your wallet</label>
<input type="text" id="response_code" name="response_code" autocomplete="off" required>
<p class="hint">Without JavaScript: copy what follows <code>#response_code=</code> in the address bar into this field.</p>
<button type="submit">Continue</button>
</form>
<script nonce="${nonce}">
(function () {
  var code = new URLSearchParams(location.hash.slice(1)).get('response_code');
  if (!code) return;
  history.replaceState(null, '', location.pathname);
  document.getElementById('response_code').value = code;
  document.getElementById('callback').submit();
})();
</script>`;
}

function claimList(claims: LoginSession['claims']): string {
  const rows = Object.entries(claims)
    .map(
      ([k, v]) =>
        `<dt>${esc(k)}</dt><dd data-claim="${esc(k)}">${esc(typeof v === 'string' ? v : JSON.stringify(v))}</dd>`,
    )
    .join('');
  return rows === '' ? '<p>Nothing.</p>' : `<dl id="claims">${rows}</dl>`;
}

export function accountPage(s: SiteSession): string {
  return `<h1>Your account</h1>
<dl>
<dt>Account id</dt><dd><code id="account-id">${esc(s.login.account)}</code></dd>
<dt>Purpose</dt><dd>${esc(s.login.purpose)}</dd>
<dt>Logged in</dt><dd>${esc(new Date(s.login.at).toISOString())}</dd>
</dl>
<p class="hint">The account id is a key your wallet made for this site only: the same at every
login here, unrelated to your ids at other sites.</p>
<h2>What you showed</h2>
${claimList(s.login.claims)}
<form method="post" action="/logout"><button type="submit" class="secondary">Log out</button></form>`;
}

export function notLoggedInPage(): string {
  return `<h1>Your account</h1>
<p>You are not logged in.</p>
<form method="post" action="/login"><input type="hidden" name="mode" value="cross">
<button type="submit">Log in with realdid</button></form>`;
}

export function creatorFormPage(threshold: number): string {
  return `<h1>Publish as a creator</h1>
<p>Creators with more than ${threshold.toLocaleString('en')} followers must show their real name
on their profile. Below that, you publish under your anonymous account.</p>
<form method="post" action="/creator">
<label for="followers">Your follower count</label>
<input type="number" id="followers" name="followers" min="0" max="10000000000" step="1" value="612000" required>
<p class="hint">A demo: the site would know this from your account.</p>
<button type="submit" id="creator-login">Continue with realdid</button>
</form>`;
}

/** A creator's profile: the real name and the consent receipt when the policy was invoked. */
export function creatorPage(s: SiteSession, recorded: string): string {
  const p = s.login.policy;
  const c = s.login.claims;
  const name = [c.family_name, c.given_name].filter((x) => typeof x === 'string').join(' ');
  const disclosure =
    p === undefined
      ? `<p id="pseudonymous">No real name is required at this follower count: you publish under your account id.</p>`
      : `<h2>Real name (shown under policy <code>${esc(p.id)}</code>)</h2>
<p id="real-name" class="ok">${esc(name)}</p>
<dl>
<dt>Consent receipt hash</dt><dd><code id="receipt-hash">${esc(p.receiptHash)}</code></dd>
<dt>Recorded on the ledger</dt><dd id="ledger-recorded">${esc(recorded)}</dd>
${p.tx === undefined ? '' : `<dt>Ledger transaction</dt><dd><code id="disclosure-tx">${esc(p.tx)}</code></dd>`}
</dl>
<p class="hint">The ledger holds only this hash, the policy id and the site: no name. Your wallet
keeps the signed receipt, so you can prove what you agreed to.</p>`;
  return `<h1>Creator profile</h1>
<dl>
<dt>Account id</dt><dd><code id="account-id">${esc(s.login.account)}</code></dd>
<dt>Followers</dt><dd>${esc((s.followers ?? 0).toLocaleString('en'))}</dd>
</dl>
${disclosure}
<form method="post" action="/logout"><button type="submit" class="secondary">Log out</button></form>`;
}

export function errorPage(code: string, message: string): string {
  return `<h1>That did not work</h1>
${errorBox(code, message)}
<p><a href="/">Back to the start</a></p>`;
}
