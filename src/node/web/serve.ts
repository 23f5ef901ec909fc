/**
 * Serving the web pages: the HTML shell of an app (its text is rendered by its script, in the
 * person's language), the bundled script (`/web/<app>.js`) and the shared style sheet
 * (`/web/style.css`), each with a Content-Security-Policy that lets the page load nothing but
 * this origin's own script and style, and talk to nothing but this origin.
 */
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { webFile, webScript } from './bundle.ts';

/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** What a page may load and talk to: its own origin only; no frames, no plugins, no inline script. */
export const WEB_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** Sets the headers every page and asset carries. */
export function webHeaders(reply: FastifyReply): FastifyReply {
  return reply
    .header('content-security-policy', WEB_CSP)
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'no-referrer')
    .header('cross-origin-opener-policy', 'same-origin')
    .header('cross-origin-resource-policy', 'same-origin');
}

/** The HTML shell of `app`: a skip link, a mount point, a `<noscript>` notice and the script. */
export function webShell(app: string, title: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light">
<title>${escapeHtml(title)}</title>
<link rel="stylesheet" href="/web/style.css">
<script type="module" src="/web/${escapeHtml(app)}.js"></script>
</head>
<body>
<div id="app" data-app="${escapeHtml(app)}"><p class="progress">Loading… 正在加载…</p></div>
<noscript><p>This page checks proofs in your browser and needs JavaScript. 本页面在浏览器中验证证明，需要启用 JavaScript。</p></noscript>
</body>
</html>
`;
}

/**
 * The assets of the web apps `apps` as a fastify plugin: `GET /web/<app>.js`, `GET /web/style.css`.
 * A script is bundled on its first request (about 0.3 s), then served from memory: nothing is
 * built for a node whose pages nobody opens.
 */
export const webAssets: FastifyPluginAsync<{ apps: readonly string[] }> = async (app, { apps }) => {
  app.get(
    '/web/:file',
    {
      schema: {
        hide: true,
        params: Type.Object({
          file: Type.Union([
            ...apps.map((a) => Type.Literal(`${a}.js`)),
            Type.Literal('style.css'),
          ]),
        }),
      },
    },
    async (req, reply) => {
      const { file } = req.params as { file: string };
      void webHeaders(reply).header('cache-control', 'no-cache');
      if (file === 'style.css')
        return reply.type('text/css; charset=utf-8').send(webFile('shared/style.css'));
      const script = await webScript(file.slice(0, -3));
      return reply.type('text/javascript; charset=utf-8').send(script);
    },
  );
};
