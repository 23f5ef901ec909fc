import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ed25519Verify,
  encodeMultikey,
  generateEd25519,
  utf8,
  type Ed25519KeyPair,
} from '../src/crypto/index.ts';
import { didKeyUrlOf, signTx, type GenesisDoc, type SignedTxJson } from '../src/ledger/index.ts';
import { governanceModule } from '../src/governance/index.ts';
import type { LedgerNode } from '../src/node/index.ts';
import { benchModule } from './kv-module.ts';

/** `--size N` (or the default). */
export function sizeArg(fallback: number): number {
  const i = process.argv.indexOf('--size');
  const n = i === -1 ? fallback : Number(process.argv[i + 1]);
  if (!Number.isSafeInteger(n) || n < 1) throw new Error(`--size must be a positive integer`);
  return n;
}

/**
 * CPU time (user + system) so far of the process or thread whose Linux `stat` file is `path`
 * (`/proc/<pid>/stat`, `/proc/self/task/<tid>/stat`), µs; 0 when it is gone.
 */
export function procCpuUs(path: string): number {
  let stat: string;
  try {
    stat = readFileSync(path, 'utf8');
  } catch {
    return 0;
  }
  // Fields after the parenthesized command name: utime and stime are the 12th and 13th, in
  // USER_HZ ticks (100 per second on Linux).
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) * 10_000;
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

export function log(line: string): void {
  process.stderr.write(`${line}\n`);
}

/** This machine's single-thread Ed25519 verify rate (KeyObjects reused): median of `runs` runs. */
export function measureEd25519VerifyRate(runs = 3, ms = 700): number {
  const { keyPair } = generateEd25519();
  const msgs = Array.from({ length: 256 }, (_, i) =>
    utf8(`{"kind":"bench.put","nonce":${i},"body":{"key":"k${i}","value":"${'x'.repeat(120)}"}}`),
  );
  const sigs = msgs.map((m) => keyPair.sign(m));
  const rates: number[] = [];
  for (let r = 0; r < runs; r++) {
    let n = 0;
    const t0 = performance.now();
    while (performance.now() - t0 < ms) {
      for (let i = 0; i < 64; i++, n++)
        if (!ed25519Verify(sigs[n % 256]!, msgs[n % 256]!, keyPair.publicKey))
          throw new Error('verify failed');
    }
    rates.push(n / ((performance.now() - t0) / 1000));
  }
  return median(rates);
}

export interface Signer {
  readonly keyPair: Ed25519KeyPair;
  readonly url: string;
  nonce: number;
}

export function makeSigners(n: number): Signer[] {
  return Array.from({ length: n }, () => {
    const { keyPair } = generateEd25519();
    return { keyPair, url: didKeyUrlOf(encodeMultikey(keyPair.publicKey)), nonce: 0 };
  });
}

/** `count` signed bench.put transactions spread round-robin over the signers. */
export function makeTxs(
  signers: Signer[],
  count: number,
  created: number,
  onProgress?: (i: number) => void,
): SignedTxJson[] {
  const out: SignedTxJson[] = [];
  for (let i = 0; i < count; i++) {
    const s = signers[i % signers.length]!;
    s.nonce += 1;
    out.push(
      signTx(
        {
          kind: 'bench.put',
          body: { key: `k${i}`, value: `value-${i}-${'x'.repeat(64)}` },
          signer: s.url,
          nonce: s.nonce,
          created,
        },
        s.keyPair,
      ),
    );
    if (onProgress !== undefined && i % 10_000 === 0) onProgress(i);
  }
  return out;
}

/** A one-org genesis for benchmarks, with the org key. */
export function benchGenesis(time: number): {
  genesis: GenesisDoc;
  org: { keyPair: Ed25519KeyPair; multikey: string; seed: Uint8Array };
} {
  const { keyPair, seed } = generateEd25519();
  const multikey = encodeMultikey(keyPair.publicKey);
  return {
    genesis: {
      chainId: 'realdid-bench',
      time,
      modules: { gov: { orgs: [{ id: 'org1', name: 'Bench Org', keys: [multikey] }], quorum: 1 } },
    },
    org: { keyPair, multikey, seed },
  };
}

export const benchModules = () => [governanceModule, benchModule];

/** A temporary folder removed at exit. */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** What {@link ingest} measured. */
export interface IngestResult {
  readonly committed: number;
  readonly seconds: number;
  readonly overall: number;
  /** Median of one-second windows (the overall rate when fewer than 3 windows). */
  readonly perSec: number;
  readonly windows: number;
}

/**
 * Submits `txs` to `node` in batches of `batch`, `inFlight` batches at a time, failing on the
 * first refused transaction; measures committed transactions per second in one-second windows.
 */
export async function ingest(
  node: { submit: LedgerNode['submit']; chain: { head: { height: number } } },
  txs: readonly SignedTxJson[],
  o: { batch: number; inFlight: number },
): Promise<IngestResult> {
  const t0 = performance.now();
  let committed = 0;
  let next = 0;
  let lastReport = t0;
  const rates: number[] = [];
  let windowStart = t0;
  let windowCommitted = 0;
  async function worker(): Promise<void> {
    while (next < txs.length) {
      const batch = txs.slice(next, next + o.batch);
      next += o.batch;
      const out = await node.submit(batch);
      const bad = out.find((x) => !x.ok);
      if (bad !== undefined && !bad.ok)
        throw new Error(`rejected: ${bad.error.code} ${bad.error.message}`);
      committed += out.length;
      const t = performance.now();
      if (t - windowStart >= 1000) {
        rates.push(((committed - windowCommitted) * 1000) / (t - windowStart));
        windowStart = t;
        windowCommitted = committed;
      }
      if (t - lastReport > 1000) {
        log(`  committed ${committed}/${txs.length} (height ${node.chain.head.height})`);
        lastReport = t;
      }
    }
  }
  await Promise.all(Array.from({ length: o.inFlight }, worker));
  const seconds = (performance.now() - t0) / 1000;
  const overall = committed / seconds;
  return {
    committed,
    seconds,
    overall,
    perSec: rates.length >= 3 ? median(rates) : overall,
    windows: rates.length,
  };
}
