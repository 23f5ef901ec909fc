/**
 * The signature worker pool: answers in order, fails (never hangs) the batches of a worker that
 * dies, and replaces the dead worker so later batches are verified.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { generateEd25519, utf8 } from '../../src/crypto/index.ts';
import { WorkerPoolVerifier, type SignatureJob } from '../../src/ledger/index.ts';

/** `n` jobs; every third signature is for another message (must be false). */
function jobs(n: number): { jobs: SignatureJob[]; want: boolean[] } {
  const { keyPair } = generateEd25519();
  const out: SignatureJob[] = [];
  const want: boolean[] = [];
  for (let i = 0; i < n; i++) {
    const msg = utf8(`message ${i}`);
    const bad = i % 3 === 2;
    out.push({
      sig: keyPair.sign(bad ? utf8(`other ${i}`) : msg),
      msg,
      publicKey: keyPair.publicKey,
    });
    want.push(!bad);
  }
  return { jobs: out, want };
}

describe('WorkerPoolVerifier', { timeout: 60_000 }, () => {
  test('answers one boolean per job, in order, inline and on workers', async () => {
    const pool = new WorkerPoolVerifier(2);
    try {
      for (const n of [1, 7, 8, 9, 301]) {
        const { jobs: js, want } = jobs(n);
        assert.deepEqual(await pool.verifyMany(js), want, `${n} jobs`);
      }
    } finally {
      await pool.close();
    }
  });

  test('a worker that dies fails its batch, is replaced, and later batches verify', async () => {
    const pool = new WorkerPoolVerifier(2);
    try {
      const big = jobs(4000);
      const inFlight = pool.verifyMany(big.jobs);
      await pool.terminateWorker(0);
      await assert.rejects(inFlight, /signature worker exited/);
      // Before the fix, batches sent to the dead worker's slot never answered.
      for (let round = 0; round < 4; round++) {
        const { jobs: js, want } = jobs(64);
        assert.deepEqual(await pool.verifyMany(js), want, `round ${round} after the crash`);
      }
      assert.equal(pool.threads, 2);
    } finally {
      await pool.close();
    }
  });

  test('close stops every worker for good', async () => {
    const pool = new WorkerPoolVerifier(2);
    const { jobs: js, want } = jobs(32);
    assert.deepEqual(await pool.verifyMany(js), want);
    await pool.close();
    // Nothing is respawned: the process can exit (the test runner would time out otherwise).
  });
});
