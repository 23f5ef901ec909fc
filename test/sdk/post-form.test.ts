/**
 * `RealdidClient.postForm` (what a wallet's OpenID4VP `direct_post` goes through) never follows a
 * redirect: a 307 or 308 would send the presentation and the consent receipt again, to wherever
 * the answer points, past the wallet's check that the response_uri is a registered origin.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { isAppError } from '../../src/errors.ts';
import { RealdidClient } from '../../src/sdk/index.ts';

let site: Server;
let elsewhere: Server;
const received: string[] = [];
const urlOf = (s: Server): string => `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
const listen = (s: Server): Promise<void> => new Promise((ok) => s.listen(0, '127.0.0.1', ok));

before(async () => {
  elsewhere = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      received.push(body);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await listen(elsewhere);
  site = createServer((req, res) => {
    req.resume();
    const status = req.url === '/308' ? 308 : 307;
    res.writeHead(status, { location: `${urlOf(elsewhere)}/collect` }).end();
  });
  await listen(site);
});
after(() => {
  site.close();
  elsewhere.close();
});

test('postForm refuses a redirect (ERR_SDK_HTTP) and the form goes nowhere else', async () => {
  const client = new RealdidClient({ url: urlOf(site) });
  for (const path of ['/307', '/308'])
    await assert.rejects(
      client.postForm(`${urlOf(site)}${path}`, { vp_token: '{"real_name":["x"]}', state: 's' }),
      (e: unknown) => isAppError(e, 'ERR_SDK_HTTP'),
    );
  assert.deepEqual(received, []);
});
