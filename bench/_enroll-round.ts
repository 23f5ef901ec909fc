/**
 * One round of bench:enroll's stage timings, and their summary: what each piece of an enrollment
 * costs alone (µs per operation, in tight loops or one request at a time), and in ms per
 * enrollment once multiplied by how often an enrollment does it.
 */
import type { PersonInput } from '../src/identity/index.ts';
import { signRequest } from '../src/did/index.ts';
import type { FileVault } from '../src/node/index.ts';
import {
  createWallets,
  post,
  type BenchAuthority,
  type StageLedger,
  type Wallet,
} from './_enroll-setup.ts';
import {
  copyRequest,
  timeAsync,
  timeClientSigning,
  timeLedger,
  timePersonTag,
  timeSdJwtIssue,
  timeSignatureChecks,
  timeVault,
  type StageContext,
} from './_enroll-stages.ts';
import { median } from './common.ts';

/** CPU µs per operation (ledgerLatencyMs: wall ms; ledgerTxsPerBlock: a count), by piece. */
export type StageTimes = Record<string, number>;

const REPS = 200;
const LEDGER_TXS = 256;
const REQUESTS = 100;

/** Times every piece once (a round), on the node of the main run and on the stage ledger. */
export async function measureStages(o: {
  readonly ia: BenchAuthority;
  readonly stage: StageLedger;
  readonly stageVault: FileVault;
  /** Wallets enrolled in this round (each gets one more copy here). */
  readonly wallets: readonly Wallet[];
  readonly people: readonly PersonInput[];
  readonly round: number;
  readonly inFlight: number;
}): Promise<StageTimes> {
  const { ia } = o;
  const c: StageContext = {
    state: ia.node.chain.state,
    authority: ia.authority,
    operator: ia.operator,
    wallets: o.wallets,
    people: o.people,
    vault: o.stageVault,
  };
  const signatures = timeSignatureChecks(c, REPS);
  const personTag = timePersonTag(c, REPS);
  const vault = timeVault(c, REPS, o.round);
  const sdJwtIssue = await timeSdJwtIssue(c, REPS);
  const clientSigning = timeClientSigning(c, REPS);
  const dids = (await createWallets(o.stage.node, `stage-${o.round}`, LEDGER_TXS)).map(
    (w) => w.did,
  );
  const ledger = await timeLedger(o.stage, dids, o.inFlight);
  // Whole requests, one at a time, on the node itself: a challenge, and a 6th copy for people
  // enrolled in this round.
  const challenges = Array.from({ length: REQUESTS }, () =>
    signRequest('identity.challenge', ia.authority, {}, ia.operator),
  );
  const httpFloor = await timeAsync(REQUESTS, () =>
    ia.app.inject({ method: 'GET', url: '/v1/identity/authority' }),
  );
  const challengeRequest = await timeAsync(REQUESTS, (i) =>
    post(ia, '/v1/identity/challenges', challenges[i]!),
  );
  const n = Math.min(REQUESTS, o.wallets.length);
  const copies = o.wallets.slice(0, n).map((w) => copyRequest(ia.authority, w.master));
  const copyRequestUs = await timeAsync(n, (i) => post(ia, '/v1/identity/copies', copies[i]!));
  return {
    ...signatures,
    personTag,
    vaultSeal: vault.seal,
    copyRecord: vault.copyRecord,
    sdJwtIssue,
    clientSigning,
    txSign: ledger.signUs,
    ledgerCommit: ledger.commitUs,
    ledgerLatencyMs: ledger.latencyMs,
    ledgerTxsPerBlock: ledger.txsPerBlock,
    httpFloor,
    challengeRequest,
    copyRequest: copyRequestUs,
  };
}

const ms = (us: number): number => Number((us / 1000).toFixed(3));

/** Medians over rounds, the stages in ms per enrollment, and human lines for them. */
export function stageSummary(
  rounds: readonly StageTimes[],
  copies: number,
): { perOpUs: StageTimes; stages: Record<string, number>; lines: string[] } {
  const keys = Object.keys(rounds[0]!);
  const m = Object.fromEntries(keys.map((k) => [k, median(rounds.map((r) => r[k]!))]));
  const get = (k: string): number => m[k]!;
  const copyParts =
    get('copyRequestVerify') + get('holderPopVerify') + get('sdJwtIssue') + get('copyRecord');
  // What a whole request costs beyond the pieces timed alone: the floor of any request (inject,
  // routing, reply: a GET of the authority's description), then for the POSTs the JSON body, its
  // schema, the response schema and the handler's own reads of the ledger state.
  const challengeRest = get('challengeRequest') - get('challengeRequestVerify') - get('httpFloor');
  // (The enrollment request's rest is taken to be the challenge's: its commit wait is no CPU.)
  const copyRest = get('copyRequest') - copyParts - get('httpFloor');
  const rows: [string, string, number][] = [
    [
      'requestVerify',
      '2 + copies signed requests',
      get('challengeRequestVerify') +
        get('enrollRequestVerify') +
        copies * get('copyRequestVerify'),
    ],
    [
      'proofVerify',
      '1 control proof + copies pops',
      get('controlProofVerify') + copies * get('holderPopVerify'),
    ],
    ['personTag', '1 check + HMAC', get('personTag')],
    ['vaultSeal', '1 seal + write', get('vaultSeal')],
    ['ledgerCommit', '1 tx signed + committed', get('txSign') + get('ledgerCommit')],
    ['sdJwtIssue', 'copies SD-JWT VCs', copies * get('sdJwtIssue')],
    ['copyVault', 'copies reads + records', copies * get('copyRecord')],
    ['httpFloor', '2 + copies requests', (2 + copies) * get('httpFloor')],
    ['requestRest', 'bodies, schemas, state reads, GC', 2 * challengeRest + copies * copyRest],
    ['clientSigning', "bench's proof + request", get('clientSigning')],
  ];
  const total = rows.reduce((s, [, , us]) => s + us, 0);
  const stages: Record<string, number> = Object.fromEntries(rows.map(([k, , us]) => [k, ms(us)]));
  stages.sum = ms(total);
  const lines = [
    'stages, each timed alone (CPU, medians over rounds), ms per enrollment:',
    ...rows.map(
      ([k, what, us]) =>
        `  ${k.padEnd(14)} ${ms(us).toFixed(3).padStart(7)} ms  ${((100 * us) / total).toFixed(1).padStart(5)}%  (${what})`,
    ),
    `  ${'sum'.padEnd(14)} ${ms(total).toFixed(3).padStart(7)} ms`,
    `  ledger alone: ${get('ledgerLatencyMs').toFixed(1)} ms submit→commit (wall), ${get('ledgerTxsPerBlock').toFixed(1)} txs/block; whole requests alone: challenge ${get('challengeRequest').toFixed(0)} µs, copy ${get('copyRequest').toFixed(0)} µs of CPU`,
    'per operation, CPU µs: ' +
      keys
        .filter((k) => !k.startsWith('ledgerLatency') && k !== 'ledgerTxsPerBlock')
        .map((k) => `${k} ${get(k).toFixed(1)}`)
        .join(', '),
  ];
  const perOpUs = Object.fromEntries(keys.map((k) => [k, Number(get(k).toFixed(1))]));
  return { perOpUs, stages, lines };
}
