/**
 * The demo site's page frame: escaping, one layout with an inline style sheet and inline scripts
 * allowed only by the response's CSP nonce, and errors in plain words with their code.
 */

/** Escapes text for HTML content and double-quoted attributes. */
export function esc(value: unknown): string {
  return String(value).replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );
}

/** The Content-Security-Policy of a page whose inline style and scripts carry `nonce`. */
export function pageCsp(nonce: string): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src 'nonce-${nonce}'`,
    "img-src 'self'",
    "connect-src 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join('; ');
}

const STYLE = `
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0; font: 1.0625rem/1.55 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans",
  "Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", sans-serif;
  color: #1b1b1f; background: #f6f7f9; }
header, main, footer { max-width: 42rem; margin: 0 auto; padding: 1rem; }
header { display: flex; flex-wrap: wrap; gap: .5rem 1.25rem; align-items: baseline; }
header .brand { font-weight: 700; font-size: 1.15rem; color: #1b1b1f; text-decoration: none; }
nav a { margin-right: 1rem; }
a { color: #0b4fb3; }
a:focus-visible, button:focus-visible, input:focus-visible { outline: 3px solid #c24e00; outline-offset: 2px; }
main { background: #fff; border-radius: .5rem; box-shadow: 0 1px 3px #0002; }
h1 { font-size: 1.6rem; line-height: 1.25; margin: .25rem 0 1rem; }
h2 { font-size: 1.2rem; margin: 1.5rem 0 .5rem; }
button, .button { display: inline-block; font: inherit; font-weight: 600; padding: .65rem 1.1rem;
  border-radius: .4rem; border: 2px solid #0b4fb3; background: #0b4fb3; color: #fff; cursor: pointer;
  text-decoration: none; }
button.secondary, .button.secondary { background: #fff; color: #0b4fb3; }
form { margin: 1rem 0; }
label { display: block; font-weight: 600; margin-bottom: .25rem; }
input[type=number], input[type=text] { font: inherit; padding: .5rem; width: 100%; max-width: 16rem;
  border: 2px solid #5b5f6a; border-radius: .3rem; }
.hint { color: #4a4e57; font-size: .95rem; }
.qr { width: 100%; max-width: 18rem; height: auto; display: block; margin: 1rem 0; border: 1px solid #d0d3da; }
.link { word-break: break-all; font-family: ui-monospace, Menlo, Consolas, monospace; font-size: .85rem;
  background: #f1f2f5; padding: .5rem; border-radius: .3rem; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: .35rem 1rem; }
dt { font-weight: 600; }
dd { margin: 0; overflow-wrap: anywhere; }
@media (max-width: 32rem) { dl { grid-template-columns: 1fr; gap: .1rem; } dd { margin-bottom: .6rem; } }
code { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: .9em; }
.error { border-left: 5px solid #b3261e; background: #fdf0ef; padding: .75rem 1rem; }
.ok { border-left: 5px solid #1e7b34; background: #eef8f0; padding: .75rem 1rem; }
.status { font-weight: 600; }
footer { color: #4a4e57; font-size: .9rem; }
`;

/** A whole page: `body` is trusted markup (built with {@link esc} from untrusted values). */
export function layout(title: string, body: string, nonce: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)} · realdid demo site</title>
<style nonce="${nonce}">${STYLE}</style>
</head>
<body>
<header>
<a class="brand" href="/">realdid demo site</a>
<nav aria-label="Main"><a href="/">Home</a><a href="/account">Account</a><a href="/creator">Creator</a></nav>
</header>
<main id="main">
${body}
</main>
<footer><p>A demonstration of anonymous login with realdid: the site learns a per-site account id and only what you choose to show.</p></footer>
</body>
</html>
`;
}

/** What an error code means for the person in front of the page. */
const PLAIN: Readonly<Record<string, string>> = {
  ERR_IDENTITY_LOGIN_UNKNOWN:
    'This login request is not pending here: it expired, was already used, or was started in another browser.',
  ERR_IDENTITY_LOGIN_ANSWERED: 'This login request was already answered.',
  ERR_IDENTITY_LOGIN_STATE_MISMATCH: "The wallet's answer belongs to another login request.",
  ERR_IDENTITY_LOGIN_MALFORMED: "The wallet's answer is not in the expected form.",
  ERR_IDENTITY_LOGIN_BAD_RESPONSE_CODE: 'The code that came back from the wallet is not valid.',
  ERR_IDENTITY_DCQL_UNSATISFIED: 'The wallet showed other information than the site asked for.',
  ERR_IDENTITY_CLAIM_NOT_REGISTERED: 'The site asked for information it is not registered for.',
  ERR_IDENTITY_SITE_NOT_REGISTERED: 'This site is not registered as a relying party (any more).',
  ERR_IDENTITY_POLICY_NOT_REGISTERED: 'The site invoked a policy it is not registered for.',
  ERR_IDENTITY_BAD_RECEIPT: 'The consent receipt from the wallet does not check out.',
  ERR_IDENTITY_CONSENT_DECLINED: 'You declined the request in your wallet.',
  ERR_VC_REVOKED: 'The credential the wallet showed has been revoked.',
  ERR_VC_EXPIRED: 'The credential the wallet showed has expired.',
  ERR_VC_KB_BAD_SIGNATURE: 'The credential the wallet showed is bound to another key.',
  ERR_VC_NONCE_REPLAYED: 'This answer was already used once.',
  ERR_SDK_HTTP: 'The site could not reach the realdid node.',
  ERR_API_SCHEMA: 'The form was not filled in as expected.',
  ERR_API_NOT_FOUND: 'There is no such page.',
};

/** An error for people: plain words, then the code (for support and for tests). */
export function errorBox(code: string, message: string): string {
  const plain =
    PLAIN[code] ??
    (code.startsWith('ERR_VC_')
      ? 'The credential the wallet showed could not be verified.'
      : 'The request could not be completed.');
  return `<div class="error" role="alert"><p><strong>${esc(plain)}</strong></p>
<p>Error code: <code class="code">${esc(code)}</code></p>
<p class="hint">${esc(message)}</p></div>`;
}
