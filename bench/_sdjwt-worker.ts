/**
 * The SD-JWT VC verify workload shared by bench/sdjwt-verify.ts and its worker threads: the
 * verifier context (a cached issuer verifier, a status bitset read synchronously) and one timed
 * loop. Run as a worker, it answers `{ ms }` messages with how many presentations it verified.
 */
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import {
  REAL_NAME_VCT,
  verifierOfJwk,
  verifySdJwtVcPresentation,
  type JwsVerifier,
  type PublicJwk,
  type StatusRef,
  type VerifyOptions,
} from '../src/credentials/index.ts';

export const AUD = 'https://verifier.bench.example';
export const STATUS_URI = 'https://status.bench.example/lists/1';

/** Everything a thread needs to verify the presentations (structured-cloneable). */
export interface Workload {
  readonly presentations: readonly string[];
  readonly nonces: readonly string[];
  readonly issuerDid: string;
  readonly issuerJwk: PublicJwk;
  /** 1 bit per status, LSB first (draft-ietf-oauth-status-list §4.1). */
  readonly statusBits: Uint8Array;
  readonly now: number;
}

/** Per-presentation verify options over one cached issuer verifier and an in-memory bitset. */
export function verifyOptionsOf(w: Workload): VerifyOptions[] {
  const issuer: JwsVerifier = verifierOfJwk(w.issuerJwk);
  const issuers = {
    resolveIssuer: (iss: string) => {
      if (iss !== w.issuerDid) throw new Error(`unknown issuer ${iss}`);
      return issuer;
    },
  };
  const bits = w.statusBits;
  const status = {
    statusOf: (ref: StatusRef) => {
      if (ref.uri !== STATUS_URI) throw new Error(`unknown list ${ref.uri}`);
      return ((bits[ref.idx >> 3] ?? 0) >> (ref.idx & 7)) & 1;
    },
  };
  return w.nonces.map((nonce) => ({
    issuers,
    status,
    nonce,
    aud: AUD,
    now: w.now,
    vct: [REAL_NAME_VCT],
  }));
}

/** Verifies presentations round-robin for about `ms`; returns the count and the elapsed ms. */
export async function verifyFor(
  presentations: readonly string[],
  options: readonly VerifyOptions[],
  ms: number,
): Promise<{ count: number; elapsedMs: number }> {
  let count = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < ms) {
    for (let k = 0; k < 32; k++, count++) {
      const i = count % presentations.length;
      await verifySdJwtVcPresentation(presentations[i]!, options[i]!);
    }
  }
  return { count, elapsedMs: performance.now() - t0 };
}

if (!isMainThread && parentPort !== null) {
  const port = parentPort;
  const w = workerData as Workload;
  const options = verifyOptionsOf(w);
  port.on('message', (msg: { ms: number }) => {
    verifyFor(w.presentations, options, msg.ms).then(
      (r) => port.postMessage(r),
      (err: unknown) => port.postMessage({ error: String(err) }),
    );
  });
}
