/**
 * Helpers of the CLI tests where several parties (an authority's front office, a person, a site)
 * run `realdid` as separate processes: each party's environment, reading a run's JSON answer or
 * its typed error, and checking the wallet's sealed files on disk.
 */
import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';

/** What one CLI run printed, and its exit code. */
export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** The environment of one party: nothing of the caller's REALDID_*, then `extra` (its own home, …). */
export function partyEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith('REALDID_')),
  );
  return { ...env, ...extra };
}

/** The JSON a successful `--json` run printed. */
export function json<T = Record<string, unknown>>(r: Run): T {
  assert.equal(r.code, 0, `exit ${r.code}: ${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}

/** The `{code, message}` a failed `--json` run printed last on stderr. */
export function errorOf(r: Run): { code: string; message: string } {
  assert.notEqual(r.code, 0, `expected a failure, got stdout ${r.stdout}`);
  return JSON.parse(r.stderr.trim().split('\n').at(-1)!) as { code: string; message: string };
}

/** Asserts that a wallet's sealed file is 0600 and holds only its nonce, ciphertext and version. */
export function assertSealedFile(path: string): void {
  assert.equal(statSync(path).mode & 0o777, 0o600);
  const text = readFileSync(path, 'utf8');
  assert.deepEqual(Object.keys(JSON.parse(text) as object).sort(), ['nonce', 'sealed', 'version']);
}
