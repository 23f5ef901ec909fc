/**
 * Project vectors for the wallet's key derivation (src/did/wallet-keys.ts): pairwise did:key per
 * site origin (origin normalization included) and the master auth/recovery keys, all from one
 * fixed, public test mnemonic. Negative cases are named by what is wrong with the origin.
 *
 * Pure and deterministic: the vector runner writes `test/vectors/<file>`;
 * test/did/pairwise.test.ts checks that this still produces exactly the committed file.
 */
import { toHex } from '../../src/crypto/index.ts';
import {
  deriveMasterKey,
  derivePairwise,
  seedOfMnemonic,
  type MasterPurpose,
} from '../../src/did/index.ts';
import { isAppError } from '../../src/errors.ts';

/** The BIP-39 test mnemonic (all-zero 128-bit entropy). Public: never use it for real keys. */
export const TEST_MNEMONIC =
  'abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about';

/** One origin: the normalized origin and pairwise DID it must give, or the error it must raise. */
export interface PairwiseCase {
  desc: string;
  origin: string;
  want?: { origin: string; did: string; multikey: string };
  wantErr?: string;
}

/** One master key: purpose and index → Multikey. */
export interface MasterCase {
  purpose: MasterPurpose;
  index: number;
  multikey: string;
}

export interface PairwiseVector {
  desc: string;
  mnemonic: string;
  /** Hex of the 64-byte BIP-39 seed (empty passphrase). */
  seed: string;
  pairwise: PairwiseCase[];
  master: MasterCase[];
}

/** One file for the runner: a path under test/vectors/ and its JSON content. */
export interface PairwiseVectorFile {
  file: string;
  vector: PairwiseVector;
}

const GOOD: ReadonlyArray<readonly [string, string]> = [
  ['https-plain', 'https://example.com'],
  ['https-trailing-slash', 'https://example.com/'],
  ['https-default-port-removed', 'https://example.com:443'],
  ['upper-case-scheme-and-host', 'HTTPS://Example.COM'],
  ['https-non-default-port-kept', 'https://example.com:8443'],
  ['other-site', 'https://shop.example'],
  ['subdomain-is-another-site', 'https://www.example.com'],
  ['idn-host-to-punycode', 'https://bücher.example'],
  ['localhost-http-dev', 'http://localhost:3000'],
  ['localhost-http-default-port-removed', 'http://localhost:80'],
  ['loopback-ipv4-http', 'http://127.0.0.1:8080'],
  ['loopback-ipv6-http', 'http://[::1]:5173'],
];

const BAD: ReadonlyArray<readonly [string, string]> = [
  ['ftp-scheme', 'ftp://example.com'],
  ['http-non-local-host', 'http://example.com'],
  ['path', 'https://example.com/login'],
  ['query', 'https://example.com/?next=1'],
  ['fragment', 'https://example.com/#x'],
  ['credentials', 'https://user:pw@example.com'],
  ['username-only', 'https://user@example.com'],
  ['not-a-url', 'example.com'],
  ['empty', ''],
  ['data-url', 'data:text/plain,hi'],
];

function pairwiseCase(desc: string, seed: Uint8Array, origin: string): PairwiseCase {
  try {
    const p = derivePairwise(seed, origin);
    return { desc, origin, want: { origin: p.origin, did: p.did, multikey: p.multikey } };
  } catch (err) {
    if (!isAppError(err)) throw err;
    return { desc, origin, wantErr: err.code };
  }
}

/** The did-pairwise vectors, as `{file, vector}` for the runner. Writes nothing. */
export function generatePairwiseVectors(): PairwiseVectorFile[] {
  const seed = seedOfMnemonic(TEST_MNEMONIC);
  const master: MasterCase[] = [];
  for (const purpose of ['auth', 'recovery'] as const) {
    for (const index of [0, 1, 2, 1000])
      master.push({ purpose, index, multikey: deriveMasterKey(seed, purpose, index).multikey });
  }
  const vector: PairwiseVector = {
    desc: 'Wallet key derivation: pairwise did:key = Ed25519(HKDF-SHA-256(seed, "realdid/pairwise/v1", normalized origin)); master keys = Ed25519(HKDF-SHA-256(seed, "realdid/wallet/v1", "did:rdid/<purpose>/<index>"))',
    mnemonic: TEST_MNEMONIC,
    seed: toHex(seed),
    pairwise: [...GOOD, ...BAD].map(([desc, origin]) => pairwiseCase(desc, seed, origin)),
    master,
  };
  return [{ file: 'did-pairwise/vectors.json', vector }];
}
