/**
 * The SD-JWT VC workload of bench/sdjwt-verify.ts, also timed by bench/login.ts (the one-thread
 * verify rate its login rate is compared with): presentations of the real-name credential, built
 * once before any timing.
 */
import { randomInt } from 'node:crypto';
import { generateEd25519 } from '../src/crypto/index.ts';
import {
  issueSdJwtVc,
  presentSdJwtVc,
  REAL_NAME_VCT,
  signerOfKeyPair,
  type JwsSigner,
} from '../src/credentials/index.ts';
import { AUD, STATUS_URI, type Workload } from './_sdjwt-worker.ts';

/** Fewer than the 1024-entry holder-key caches: a verifier that sees them again. */
export const HOLDERS = 256;
/** Entries of the status list the presentations point into. */
export const LIST_SIZE = 4096;

/**
 * `size` distinct presentations, each its own credential (issuer signature, 3 of 5 claims
 * disclosed, a KB-JWT for its own nonce, a random status entry), over {@link HOLDERS} holders;
 * `now` (seconds) is the time they are made and verified at.
 */
export async function buildWorkload(size: number, now: number): Promise<Workload> {
  const issuerDid = 'did:rdid:bench-issuer';
  const issuer = signerOfKeyPair(generateEd25519().keyPair, `${issuerDid}#key-1`);
  const holders: JwsSigner[] = Array.from({ length: HOLDERS }, () =>
    signerOfKeyPair(generateEd25519().keyPair),
  );
  const statusBits = new Uint8Array(LIST_SIZE / 8);
  const free = Array.from({ length: LIST_SIZE }, (_, i) => i);
  const presentations: string[] = [];
  const nonces: string[] = [];
  for (let i = 0; i < size; i++) {
    const holder = holders[i % HOLDERS]!;
    const idx = free.splice(randomInt(free.length), 1)[0]!;
    const credential = await issueSdJwtVc({
      issuer: { did: issuerDid, signer: issuer },
      vct: REAL_NAME_VCT,
      iat: now - 3600,
      exp: now + 86400,
      visible: { real_name_verified: true },
      disclosable: {
        given_name: `Given${i}`,
        family_name: `Family${i}`,
        birthdate: '1990-01-01',
        nationality: 'CN',
        uniq: `tag-${i}`,
      },
      holder: holder.jwk,
      status: { idx, uri: STATUS_URI },
    });
    const nonce = `nonce-${i}-${randomInt(1e9)}`;
    nonces.push(nonce);
    presentations.push(
      presentSdJwtVc(credential, {
        disclose: ['given_name', 'family_name', 'uniq'],
        holder,
        nonce,
        aud: AUD,
        iat: now,
      }),
    );
  }
  for (const i of free.slice(0, 1000)) statusBits[i >> 3]! |= 1 << (i & 7); // revoked, unused here
  return { presentations, nonces, issuerDid, issuerJwk: issuer.jwk, statusBits, now };
}
