import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { ed25519Verify } from '../crypto/index.ts';

/** One Ed25519 verification to run. */
export interface SignatureJob {
  readonly sig: Uint8Array;
  readonly msg: Uint8Array;
  readonly publicKey: Uint8Array;
}

/** Verifies many signatures, possibly in parallel; answers one boolean per job, in order. */
export interface SignatureVerifier {
  verifyMany(jobs: readonly SignatureJob[]): Promise<boolean[]>;
  close(): Promise<void>;
}

/** Verifies on the calling thread. */
export const inlineVerifier: SignatureVerifier = {
  verifyMany: (jobs) => Promise.resolve(jobs.map((j) => ed25519Verify(j.sig, j.msg, j.publicKey))),
  close: () => Promise.resolve(),
};

// The worker is plain JavaScript run from a string, so it needs no TypeScript loader and no file.
// Message layout per job: publicKey(32) | sig(64) | msgLength(u32 LE) | msg.
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { createPublicKey, verify } = require('node:crypto');
const cache = new Map();
parentPort.on('message', ({ id, count, data }) => {
  const buf = Buffer.from(data);
  const out = new Uint8Array(count);
  let at = 0;
  for (let i = 0; i < count; i++) {
    const pub = buf.subarray(at, at + 32);
    const sig = buf.subarray(at + 32, at + 96);
    const len = buf.readUInt32LE(at + 96);
    const msg = buf.subarray(at + 100, at + 100 + len);
    at += 100 + len;
    const k = pub.toString('latin1');
    let key = cache.get(k);
    try {
      if (key === undefined) {
        key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: pub.toString('base64url') }, format: 'jwk' });
        if (cache.size > 50000) cache.clear();
        cache.set(k, key);
      }
      out[i] = verify(null, msg, key, sig) ? 1 : 0;
    } catch (err) {
      out[i] = 0;
    }
  }
  parentPort.postMessage({ id, result: out }, [out.buffer]);
});
`;

function pack(jobs: readonly SignatureJob[]): Uint8Array {
  let size = 0;
  for (const j of jobs) size += 100 + j.msg.length;
  const buf = Buffer.allocUnsafeSlow(size);
  let at = 0;
  for (const j of jobs) {
    if (j.publicKey.length !== 32 || j.sig.length !== 64) {
      buf.fill(0, at, at + 96); // malformed: zero key and signature never verify
    } else {
      buf.set(j.publicKey, at);
      buf.set(j.sig, at + 32);
    }
    buf.writeUInt32LE(j.msg.length, at + 96);
    buf.set(j.msg, at + 100);
    at += 100 + j.msg.length;
  }
  return new Uint8Array(buf.buffer, buf.byteOffset, size);
}

/**
 * Spreads Ed25519 verification over worker threads. Small batches run inline (a round trip
 * to a worker costs more than a few verifications). A worker that dies fails the batches it
 * held (their callers see the error, nothing waits forever) and is replaced at once.
 */
export class WorkerPoolVerifier implements SignatureVerifier {
  readonly #workers: Worker[];
  readonly #pending = new Map<
    number,
    { slot: number; resolve: (r: Uint8Array) => void; reject: (e: Error) => void }
  >();
  #nextId = 0;
  #nextWorker = 0;
  #closing = false;
  readonly #inlineBelow: number;

  constructor(threads = Math.max(1, availableParallelism()), inlineBelow = 8) {
    this.#inlineBelow = inlineBelow;
    this.#workers = [];
    for (let slot = 0; slot < threads; slot++) this.#workers.push(this.#spawn(slot));
  }

  #spawn(slot: number): Worker {
    const w = new Worker(WORKER_SOURCE, { eval: true });
    let failure: Error | undefined;
    w.on('message', ({ id, result }: { id: number; result: Uint8Array }) => {
      const p = this.#pending.get(id);
      this.#settle(id);
      p?.resolve(result);
    });
    w.on('error', (err) => {
      failure = err;
    });
    w.on('exit', (code) => {
      if (this.#closing) return;
      this.#fail(slot, failure ?? new Error(`signature worker exited with code ${code}`));
      this.#workers[slot] = this.#spawn(slot);
    });
    w.unref(); // idle workers do not keep the process alive; busy ones do (see verifyMany)
    return w;
  }

  /** Forgets batch `id`; with nothing left in flight, idle workers stop keeping the process alive. */
  #settle(id: number): void {
    this.#pending.delete(id);
    if (this.#pending.size === 0) this.#workers.forEach((x) => x.unref());
  }

  /** Rejects the batches held by the worker in `slot`. */
  #fail(slot: number, err: Error): void {
    for (const [id, p] of this.#pending) {
      if (p.slot !== slot) continue;
      this.#settle(id);
      p.reject(err);
    }
  }

  get threads(): number {
    return this.#workers.length;
  }

  /** @internal Stops the worker in `slot` as a crash would (for tests of the recovery). */
  async terminateWorker(slot: number): Promise<void> {
    await this.#workers[slot]?.terminate();
  }

  async verifyMany(jobs: readonly SignatureJob[]): Promise<boolean[]> {
    if (jobs.length < this.#inlineBelow) return inlineVerifier.verifyMany(jobs);
    const per = Math.ceil(jobs.length / this.#workers.length);
    const parts: Promise<Uint8Array>[] = [];
    for (let from = 0; from < jobs.length; from += per) {
      const chunk = jobs.slice(from, from + per);
      const data = pack(chunk);
      const id = this.#nextId++;
      const slot = this.#nextWorker++ % this.#workers.length;
      const worker = this.#workers[slot]!;
      parts.push(
        new Promise<Uint8Array>((resolve, reject) =>
          this.#pending.set(id, { slot, resolve, reject }),
        ),
      );
      worker.ref();
      worker.postMessage({ id, count: chunk.length, data }, [data.buffer as ArrayBuffer]);
    }
    const results = await Promise.all(parts);
    const out: boolean[] = [];
    for (const r of results) for (const b of r) out.push(b === 1);
    return out;
  }

  async close(): Promise<void> {
    this.#closing = true;
    await Promise.all(this.#workers.map((w) => w.terminate()));
  }
}
