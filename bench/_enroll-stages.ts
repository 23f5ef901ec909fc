/**
 * The pieces of an enrollment timed one at a time (bench:enroll): each runs `reps` times in a
 * tight loop and reports microseconds per operation. The vault pieces do what
 * `src/identity/records.ts` and `Authority` do to a FileVault (its row layout is private to the
 * identity module): seal a record under a fresh data key, and per copy read the record, allocate
 * a status index and record the copy.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import {
  decodeMultikey,
  ed25519Verify,
  encodeMultikey,
  fromBase64url,
  generateEd25519,
  hmacSha256,
  toBase64url,
  toHex,
  utf8,
} from '../src/crypto/index.ts';
import {
  allocateStatusIndex,
  issueSdJwtVc,
  jwkOfEd25519,
  REAL_NAME_VCT,
  signerOfKeyPair,
} from '../src/credentials/index.ts';
import {
  controlProofBytes,
  newRequestNonce,
  proveControl,
  signRequest,
  verifyControlProof,
  verifySignedRequest,
  type SignedRequest,
} from '../src/did/index.ts';
import { checkPerson, dayOf, normalizedIdNumber, type PersonInput } from '../src/identity/index.ts';
import {
  signTx,
  type SecretStore,
  type SignedTxJson,
  type StateReader,
} from '../src/ledger/index.ts';
import type { RequestKey, StageLedger, Wallet } from './_enroll-setup.ts';
import { median } from './common.ts';

/**
 * CPU microseconds this process has used (every thread: user + system). Timing by CPU rather than
 * by the wall clock keeps a piece's cost apart from the time other programs on a shared machine
 * take the core away; in a tight loop the other threads are idle, so it is the main thread's.
 */
export function cpuNowUs(): number {
  const u = process.cpuUsage();
  return u.user + u.system;
}

/** CPU µs per call of `fn`, over `reps` calls. */
export function timeSync(reps: number, fn: (i: number) => unknown): number {
  const c0 = cpuNowUs();
  for (let i = 0; i < reps; i++) fn(i);
  return (cpuNowUs() - c0) / reps;
}

/** CPU µs per awaited call of `fn`, one at a time. */
export async function timeAsync(
  reps: number,
  fn: (i: number) => Promise<unknown>,
): Promise<number> {
  const c0 = cpuNowUs();
  for (let i = 0; i < reps; i++) await fn(i);
  return (cpuNowUs() - c0) / reps;
}

/** A wallet's signed request for a copy bound to a fresh holder key (as the SDK builds it). */
export function copyRequest(authority: string, master: RequestKey): SignedRequest<unknown> {
  const holder = generateEd25519().keyPair;
  const nonce = newRequestNonce();
  const holderKey = encodeMultikey(holder.publicKey);
  const bytes = controlProofBytes({
    purpose: 'holder-key',
    audience: authority,
    challenge: nonce,
    subject: holderKey,
  });
  const pop = toBase64url(holder.sign(bytes));
  return signRequest('identity.copy', authority, { holder: holderKey, pop }, master, { nonce });
}

/** The front office's signed enrollment request, after the person answered `challenge`. */
export function enrollRequest(
  authority: string,
  operator: RequestKey,
  person: PersonInput,
  wallet: Wallet,
  challenge: string,
): SignedRequest<unknown> {
  const proof = proveControl('enroll', authority, challenge, wallet.master);
  return signRequest(
    'identity.enroll',
    authority,
    { person: { ...person }, did: wallet.did, proof: { ...proof } },
    operator,
  );
}

export interface StageContext {
  readonly state: StateReader;
  readonly authority: string;
  readonly operator: RequestKey;
  readonly wallets: readonly Wallet[];
  readonly people: readonly PersonInput[];
  readonly vault: SecretStore;
}

/** Signed-request and proof checks: µs per enroll request, per copy request, per proof, per pop. */
export function timeSignatureChecks(c: StageContext, reps: number): Record<string, number> {
  const w = c.wallets[0]!;
  const enrollEnv = enrollRequest(c.authority, c.operator, c.people[0]!, w, 'A'.repeat(43));
  const copyEnv = copyRequest(c.authority, w.master);
  const proof = proveControl('enroll', c.authority, 'A'.repeat(43), w.master);
  const now = Date.now();
  const check = (env: SignedRequest<unknown>, action: string) => () =>
    verifySignedRequest(env, { state: c.state, action, audience: c.authority, now });
  type CopyEnvelope = SignedRequest<{ holder: string; pop: string }>;
  const pops = Array.from(
    { length: reps },
    () => copyRequest(c.authority, w.master) as CopyEnvelope,
  );
  const challengeEnv = signRequest('identity.challenge', c.authority, {}, c.operator);
  return {
    challengeRequestVerify: timeSync(reps, check(challengeEnv, 'identity.challenge')),
    enrollRequestVerify: timeSync(reps, check(enrollEnv, 'identity.enroll')),
    copyRequestVerify: timeSync(reps, check(copyEnv, 'identity.copy')),
    controlProofVerify: timeSync(reps, () =>
      verifyControlProof(proof, {
        state: c.state,
        purpose: 'enroll',
        audience: c.authority,
        did: w.did,
      }),
    ),
    // Every copy brings a holder key the node has never seen: no key cache helps here.
    holderPopVerify: timeSync(reps, (i) => {
      const { request } = pops[i]!;
      const bytes = controlProofBytes({
        purpose: 'holder-key',
        audience: c.authority,
        challenge: request.nonce,
        subject: request.body.holder,
      });
      const key = decodeMultikey(request.body.holder);
      if (!ed25519Verify(fromBase64url(request.body.pop), bytes, key))
        throw new Error('pop does not verify');
    }),
  };
}

/** Person check and uniqueness tag: µs per person. */
export function timePersonTag(c: StageContext, reps: number): number {
  const secret = randomBytes(32);
  const today = dayOf(Date.now());
  return timeSync(reps, (i) => {
    const person = checkPerson(c.people[i % c.people.length]!, { today });
    const message = utf8(`realdid/uniqueness/v1|${normalizedIdNumber(person.idNumber)}`);
    return toHex(hmacSha256(secret, message));
  });
}

const json = (v: unknown): Uint8Array => utf8(JSON.stringify(v));
const aad = (tag: string): Buffer => Buffer.from(`realdid/person/v1|${tag}`, 'utf8');

/** A person's record sealed under a fresh data key, both rows in one vault transaction. */
function sealPerson(vault: SecretStore, tag: string, record: object): void {
  const dek = randomBytes(32);
  const nonce = randomBytes(12);
  const c = createCipheriv('aes-256-gcm', dek, nonce);
  c.setAAD(aad(tag));
  const body = Buffer.concat([c.update(json(record)), c.final()]);
  vault.transaction(() => {
    vault.set(`dek/${tag}`, dek);
    vault.set(`person/${tag}`, Buffer.concat([nonce, body, c.getAuthTag()]));
  });
}

function openPerson(vault: SecretStore, tag: string): unknown {
  const sealed = vault.get(`person/${tag}`)!;
  const d = createDecipheriv('aes-256-gcm', vault.get(`dek/${tag}`)!, sealed.subarray(0, 12));
  d.setAAD(aad(tag));
  d.setAuthTag(sealed.subarray(sealed.length - 16));
  return JSON.parse(
    Buffer.concat([d.update(sealed.subarray(12, sealed.length - 16)), d.final()]).toString(),
  );
}

/**
 * The vault's part of an enrollment (seal and store the record, clear the copies row) and of one
 * copy (read the record and the copies, allocate a status index, record the copy): µs each.
 */
export function timeVault(
  c: StageContext,
  reps: number,
  round: number,
): { seal: number; copyRecord: number } {
  const tags = Array.from({ length: reps }, (_, i) => toHex(randomBytes(32)) + `${round}-${i}`);
  const now = Date.now();
  const seal = timeSync(reps, (i) => {
    const person = c.people[i % c.people.length]!;
    const record = { ...person, region: 'CN-BJ', tag: tags[i], did: c.wallets[0]!.did };
    sealPerson(c.vault, tags[i]!, { ...record, enrolledAt: now, checkedAt: now });
    c.vault.delete(`copies/${tags[i]}`);
  });
  const list = `stage-${round}`;
  const size = 2 ** 20;
  c.vault.set('lists', json({ current: list, size, used: 0, seq: round }));
  const iat = Math.floor(now / 1000);
  const copyRecord = timeSync(reps, (i) => {
    const tag = tags[i]!;
    openPerson(c.vault, tag);
    const copies = JSON.parse(
      Buffer.from(c.vault.get(`copies/${tag}`) ?? utf8('[]')).toString(),
    ) as unknown[];
    const lists = JSON.parse(Buffer.from(c.vault.get('lists')!).toString()) as { used: number };
    const idx = allocateStatusIndex(size, (k) => c.vault.has(`taken/${list}/${k}`));
    c.vault.set('lists', json({ ...lists, used: lists.used + 1 }));
    c.vault.transaction(() => {
      c.vault.set(`taken/${list}/${idx}`, new Uint8Array([1]));
      c.vault.set(`copies/${tag}`, json([...copies, { list, idx, iat, exp: iat + 604_800 }]));
    });
  });
  return { seal, copyRecord };
}

/** One SD-JWT VC as the authority issues it (9 disclosable claims, holder key, status): µs. */
export async function timeSdJwtIssue(c: StageContext, reps: number): Promise<number> {
  const issuer = generateEd25519().keyPair;
  const signer = signerOfKeyPair(issuer, `${c.authority}#issuer`);
  // A fresh holder key per copy, as wallets send them.
  const holders = Array.from({ length: reps }, () =>
    jwkOfEd25519(generateEd25519().keyPair.publicKey),
  );
  const iat = Math.floor(Date.now() / 1000);
  return timeAsync(reps, (i) =>
    issueSdJwtVc({
      issuer: { did: c.authority, signer },
      vct: REAL_NAME_VCT,
      iat,
      exp: iat + 604_800,
      visible: { real_name_verified: true },
      disclosable: {
        family_name: '欧阳',
        given_name: '明轩',
        birthdate: '1990-03-07',
        nationality: 'CN',
        region: 'CN-BJ',
        age_over_14: true,
        age_over_16: true,
        age_over_18: true,
        age_over_60: false,
      },
      holder: holders[i]!,
      status: { idx: i, uri: 'http://ia.bench/v1/identity/status-lists/0123456789ab-1' },
    }),
  );
}

/** The bench's own signing per enrollment (the person's proof and the front office's request). */
export function timeClientSigning(c: StageContext, reps: number): number {
  return timeSync(reps, (i) =>
    enrollRequest(
      c.authority,
      c.operator,
      c.people[i % c.people.length]!,
      c.wallets[0]!,
      'A'.repeat(43),
    ),
  );
}

/** The ledger's part of one enrollment, alone: idn.enroll transactions signed and committed. */
export interface LedgerStage {
  /** CPU µs to sign one transaction (the authority signs each one it submits). */
  readonly signUs: number;
  /**
   * CPU µs per committed transaction, every thread (the signature check runs on the worker
   * pool), with `inFlight` single-transaction submits at a time, as the authority makes them.
   */
  readonly commitUs: number;
  /** Median ms from submit to commit. */
  readonly latencyMs: number;
  readonly txsPerBlock: number;
}

/** Signs idn.enroll transactions for `dids` and submits them `inFlight` at a time, one per submit. */
export async function timeLedger(
  l: StageLedger,
  dids: readonly string[],
  inFlight: number,
): Promise<LedgerStage> {
  const txs: SignedTxJson[] = [];
  const created = Date.now();
  const signUs = timeSync(dids.length, (i) => {
    l.nonce += 1;
    const body = { tag: toHex(randomBytes(32)), did: dids[i]! };
    txs.push(
      signTx({ kind: 'idn.enroll', body, signer: l.kid, nonce: l.nonce, created }, l.issuer),
    );
  });
  const latencies: number[] = [];
  const h0 = l.node.chain.head.height;
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < txs.length) {
      const tx = txs[next++]!;
      const t = performance.now();
      const [out] = await l.node.submit([tx]);
      if (out === undefined || !out.ok) throw new Error(`idn.enroll rejected: ${out?.error.code}`);
      latencies.push(performance.now() - t);
    }
  };
  const c0 = cpuNowUs();
  await Promise.all(Array.from({ length: inFlight }, worker));
  return {
    signUs,
    commitUs: (cpuNowUs() - c0) / txs.length,
    latencyMs: median(latencies),
    txsPerBlock: txs.length / Math.max(1, l.node.chain.head.height - h0),
  };
}
