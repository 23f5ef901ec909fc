/**
 * The wallet's sealed files (credential copies, activity log): two commands writing the same file
 * at once lose nothing (the lock), a lock left by a process that died is broken, a file sealed
 * under another seed is ERR_WALLET_CORRUPT, and the file holds nothing in clear.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import {
  activityLogPath,
  logPresentation,
  readActivity,
  type PresentationEntry,
} from '../../src/cli/activity-log.ts';
import { isAppError } from '../../src/errors.ts';

const dir = mkdtempSync(join(tmpdir(), 'realdid-sealed-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const seed = new Uint8Array(64).fill(7);

const entry = (i: number, who: string): PresentationEntry => ({
  time: i,
  site: `did:rdid:site-${who}`,
  siteName: 'Secret Clinic',
  origin: 'https://clinic.example',
  account: 'did:key:z6Mk',
  purpose: 'login',
  purposeDescription: 'log in',
  claims: ['age_over_18'],
  outcome: 'sent',
});

/** A child process appending `n` entries to the log at `wallet`. */
function appender(wallet: string, who: string, n: number): Promise<number | null> {
  const code = `
    import { logPresentation } from './src/cli/activity-log.ts';
    const seed = new Uint8Array(64).fill(7);
    for (let i = 0; i < ${n}; i++)
      logPresentation(${JSON.stringify(wallet)}, seed, { time: i, site: 'did:rdid:site-${who}', siteName: '', origin: '', account: '', purpose: '', purposeDescription: '', claims: [], outcome: 'sent' });
  `;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], {
    stdio: 'inherit',
  });
  return new Promise((resolve) => child.on('exit', resolve));
}

test('two processes appending to one activity log at once lose no entry', async () => {
  const wallet = join(dir, 'race.json');
  const codes = await Promise.all([appender(wallet, 'a', 200), appender(wallet, 'b', 200)]);
  assert.deepEqual(codes, [0, 0]);
  const log = readActivity(wallet, seed);
  assert.equal(log.presentations.filter((p) => p.site === 'did:rdid:site-a').length, 200);
  assert.equal(log.presentations.filter((p) => p.site === 'did:rdid:site-b').length, 200);
});

test('a lock left by a process that died is broken; a fresh one is waited for', () => {
  const wallet = join(dir, 'stale.json');
  const lock = `${activityLogPath(wallet)}.lock`;
  writeFileSync(lock, '');
  const old = (Date.now() - 60_000) / 1000;
  utimesSync(lock, old, old);
  logPresentation(wallet, seed, entry(1, 'x'));
  assert.equal(readActivity(wallet, seed).presentations.length, 1);
});

test('the log is sealed: another seed cannot read it, and no value is in clear', () => {
  const wallet = join(dir, 'sealed.json');
  logPresentation(wallet, seed, entry(1, 'y'));
  const raw = readFileSync(activityLogPath(wallet), 'utf8');
  for (const clear of ['Secret Clinic', 'clinic.example', 'age_over_18', 'did:rdid'])
    assert.ok(!raw.includes(clear), clear);
  assert.throws(
    () => readActivity(wallet, new Uint8Array(64).fill(8)),
    (err: unknown) => isAppError(err, 'ERR_WALLET_CORRUPT'),
  );
});
