/**
 * Helpers of the wallet server's tests: one HTTP exchange over node:http (which lets a test send
 * any Host, Origin or Sec-Fetch-Site), and the secrets no answer may hold.
 */
import { request } from 'node:http';
import { readCopies } from '../../src/cli/credential-store.ts';
import { hkdfSha256, toBase64url, utf8 } from '../../src/crypto/index.ts';
import { MASTER_SALT, PAIRWISE_SALT } from '../../src/did/index.ts';
import { WALLET_PASSPHRASE, type WalletWorld } from '../helpers/wallet-world.ts';
import { PEOPLE } from '../identity/_helpers.ts';

/** One answer of the wallet server. */
export interface Answer {
  readonly path: string;
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

/** `method path` on 127.0.0.1:`port` with Host `127.0.0.1:<port>` unless `o.headers` says otherwise. */
export function exchange(
  port: number,
  path: string,
  o: { method?: string; headers?: Record<string, string>; body?: unknown } = {},
): Promise<Answer> {
  const body = o.body === undefined ? undefined : JSON.stringify(o.body);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path,
        method: o.method ?? 'GET',
        headers: {
          host: `127.0.0.1:${port}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...o.headers,
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8').on('data', (d: string) => (text += d));
        res.on('end', () =>
          resolve({ path, status: res.statusCode ?? 0, headers: res.headers, body: text }),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * What the page must never be sent: runs of the mnemonic, the passphrase, the seed, the private
 * key seeds of the wallet's keys (derived as did/wallet-keys.ts does), the URL's token, the SD-JWT
 * copy and its issuer-signed part, and the person's data held in the copy.
 */
export function secretsOf(w: WalletWorld, loginUrl: string): string[] {
  const seed = w.wallet.seed;
  const copy = readCopies(w.walletFile, seed)[0]!.credential;
  const keys = [
    hkdfSha256(seed, utf8(MASTER_SALT), utf8('did:rdid/auth/0'), 32),
    hkdfSha256(seed, utf8(MASTER_SALT), utf8('did:rdid/recovery/0'), 32),
    hkdfSha256(seed, utf8(PAIRWISE_SALT), utf8(w.demo.siteUrl), 32),
  ];
  const words = w.mnemonic.split(' ');
  return [
    ...words.slice(0, -3).map((_, i) => words.slice(i, i + 4).join(' ')),
    WALLET_PASSPHRASE,
    Buffer.from(seed).toString('hex'),
    toBase64url(seed),
    ...keys.flatMap((k) => [Buffer.from(k).toString('hex'), toBase64url(k)]),
    new URL(loginUrl).searchParams.get('token')!,
    copy,
    copy.split('~')[0]!,
    PEOPLE[0]!.idNumber,
    PEOPLE[0]!.familyName,
    PEOPLE[0]!.birthdate,
  ];
}
