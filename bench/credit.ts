/**
 * Credit registry benchmark. Part 1: signed `credit.issue` transactions from accredited issuers
 * (did:rdid, capabilityInvocation keys), about organizations and people (one-time handles with
 * sealed locators), submitted at full speed through the solo orderer with full validation
 * (schema, signature on worker threads, accreditation and category checks, apply, lists) and
 * committed to SQLite; next to this machine's single-thread Ed25519 verify rate measured in the
 * same run. Part 2: credit reports (records, statuses, score with reasons) for subjects with 1,000
 * records each, built from committed state as the authority's report route builds them.
 * Usage: npm run bench:credit [-- --size N]
 */
import { join } from 'node:path';
import { mintHandle } from '../src/credentials/index.ts';
import {
  ed25519FromSeed,
  generateX25519,
  sha256,
  toHex,
  utf8,
  type JsonValue,
} from '../src/crypto/index.ts';
import {
  buildReport,
  CREDIT_KEYS,
  demoCreditDocuments,
  organizationCodeCheckCharacter,
  usccCheckCharacter,
} from '../src/credit/index.ts';
import { authFragment, deriveMasterKey, planCreate } from '../src/did/index.ts';
import { decodeTx, signTx, type SignedTxJson } from '../src/ledger/index.ts';
import { openLedgerNode } from '../src/node/index.ts';
import { benchGenesis, ingest, log, measureEd25519VerifyRate, sizeArg, tempDir } from './common.ts';

const size = sizeArg(40_000);
const PEOPLE = 10;
const RECORDS_PER_PERSON = 1000;
const ORGS = 2000;
const ISSUERS = 8;
const BATCH = 1000;
const IN_FLIGHT = 8;

log(
  `credit: ${size} records (${PEOPLE} people × ${RECORDS_PER_PERSON}, the rest about ${ORGS} organizations)`,
);
const verifyRate = measureEd25519VerifyRate();
log(`Ed25519 verify (1 thread): ${Math.round(verifyRate)}/s`);

/** A did:rdid issuer: its genesis document, signer URL and key. */
function issuer(i: number) {
  const seed = sha256(utf8(`bench credit issuer ${i}`));
  const create = planCreate(seed);
  return {
    did: create.did,
    kid: `${create.did}#${authFragment(0)}`,
    keyPair: deriveMasterKey(seed, 'auth', 0).keyPair,
    create,
    nonce: 0,
  };
}
const issuers = Array.from({ length: ISSUERS }, (_, i) => issuer(i));
// Every issuer writes the two categories taking both kinds of subject.
const categories = ['tax-arrears', 'loan-default'];
const docs = demoCreditDocuments({
  tax: issuers[0]!.did,
  regulator: issuers[0]!.did,
  court: issuers[0]!.did,
  bank: issuers[0]!.did,
});
for (const c of (docs[0]!.document as { categories: { id: string; issuers: string[] }[] })
  .categories)
  if (categories.includes(c.id)) c.issuers = issuers.map((x) => x.did);

const now = Date.now();
const { genesis: base, org } = benchGenesis(now - 1000);
const gov = base.modules.gov as { [k: string]: JsonValue };
const genesis = {
  ...base,
  modules: {
    gov: {
      ...gov,
      roles: issuers.map((x, i) => ({
        role: 'credit-issuer',
        subject: x.did,
        name: `Bench issuer ${i}`,
        scope: { categories },
      })),
      documents: docs as unknown as JsonValue,
    },
    did: { documents: issuers.map((x) => x.create.body as unknown as JsonValue) },
  },
};

const orgCodes = Array.from({ length: ORGS }, (_, i) => {
  const first16 = `91110108${String(10_000_000 + i).slice(0, 8)}`;
  const body = `${first16}${organizationCodeCheckCharacter(first16.slice(8, 16))}`;
  return `${body}${usccCheckCharacter(body)}`;
});

const locator = generateX25519();
const people = Array.from({ length: PEOPLE }, (_, i) => ({
  pseudonym: sha256(utf8(`bench person ${i}`)),
  recordKey: ed25519FromSeed(sha256(utf8(`bench person record key ${i}`))).publicKey,
  ids: [] as string[],
}));

log('signing...');
const t0sign = performance.now();
const txs: SignedTxJson[] = [];
const personOf = new Map<number, number>();
const stride = Math.max(1, Math.floor(size / (PEOPLE * RECORDS_PER_PERSON)));
for (let i = 0; i < size; i++) {
  const s = issuers[i % ISSUERS]!;
  s.nonce += 1;
  // every `stride`-th record is about a person, round-robin, until each has RECORDS_PER_PERSON
  const n = i / stride;
  const p = i % stride === 0 ? n % PEOPLE : -1;
  const personal = p >= 0 && people[p]!.ids.length < RECORDS_PER_PERSON;
  const subject = personal
    ? {
        type: 'person',
        handle: mintHandle({
          pseudonym: people[p]!.pseudonym,
          publicKey: people[p]!.recordKey,
          locatorKey: locator.publicJwk,
        }),
      }
    : { type: 'org', uscc: orgCodes[i % ORGS]! };
  const body = {
    subject,
    category: categories[i % 2]!,
    severity: 1 + (i % 3),
    legalBasis: 'Tax Collection and Administration Law of the PRC, Article 63',
    evidence: toHex(sha256(utf8(`evidence ${i}`))),
    commitment: toHex(sha256(utf8(`body ${i}`))),
    occurred: '2026-01-05',
    effective: '2026-02-01',
  };
  const tx = signTx(
    { kind: 'credit.issue', body: body as never, signer: s.kid, nonce: s.nonce, created: now },
    s.keyPair,
  );
  if (personal) {
    personOf.set(txs.length, p);
    people[p]!.ids.push(decodeTx(tx).id);
  }
  txs.push(tx);
  if (i > 0 && i % 10_000 === 0) log(`  signed ${i}/${size}`);
}
log(
  `signed ${size} in ${((performance.now() - t0sign) / 1000).toFixed(1)} s (${personOf.size} about people)`,
);

const dir = tempDir('realdid-bench-credit-');
const node = openLedgerNode({
  path: join(dir, 'ledger.sqlite'),
  genesis,
  signer: { org: 'org1', multikey: org.multikey, keyPair: org.keyPair },
  ordering: { maxBlockTxs: 4000, blockIntervalMs: 50, maxPending: 200_000 },
});

const run = await ingest(node, txs, { batch: BATCH, inFlight: IN_FLIGHT });
const { committed, seconds, overall, perSec: recordsPerSec } = run;
log(
  `committed ${committed} in ${seconds.toFixed(2)} s: ${Math.round(overall)} records/s overall, ${Math.round(recordsPerSec)} median of ${run.windows} one-second windows`,
);

// Part 2: reports over 1,000 records each, from committed state.
const state = node.chain.state;
for (const p of people)
  if (state.get(CREDIT_KEYS.record(p.ids[0]!)) === undefined)
    throw new Error('a record is missing');
const head = { height: node.chain.head.height, time: node.chain.head.header.time };
const times: number[] = [];
for (let round = 0; round < 20; round++)
  for (const p of people) {
    const t = performance.now();
    const report = buildReport(state, head, 'querier', p.ids);
    times.push(performance.now() - t);
    if (report.records.length !== p.ids.length || report.score === null)
      throw new Error(`report of ${report.records.length} records`);
  }
await node.close();
times.sort((a, b) => a - b);
const p99 = times[Math.min(times.length - 1, Math.floor(times.length * 0.99))]!;
log(
  `${times.length} reports of ${RECORDS_PER_PERSON} records: p50 ${times[Math.floor(times.length / 2)]!.toFixed(1)} ms, p99 ${p99.toFixed(1)} ms`,
);
console.log(
  JSON.stringify({
    bench: 'credit',
    records: committed,
    recordsPerSec: Math.round(recordsPerSec),
    ed25519VerifyPerSec: Math.round(verifyRate),
    ratio: Number((recordsPerSec / verifyRate).toFixed(3)),
    reportP99Ms: Number(p99.toFixed(1)),
  }),
);
