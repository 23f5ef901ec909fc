/**
 * The credit story of `realdid demo`, after the login story: an organization's public records put
 * it on the list of seriously untrustworthy entities; a bank and a court write records about the
 * person by a handle they obtain with her ID number, and her wallet finds them with proofs; a
 * lender's query with her consent gets a report (whose score anyone recomputes), one without is
 * logged as denied; she disputes twice: one dispute is answered, the other lapses and the record
 * is suppressed; a record expires (the node's clock jumps to just before midnight) and its body is
 * destroyed; and anyone reads the public list without a key. Each step checks what it saw.
 */
import { canonicalize, sha256, toHex, utf8 } from '../../crypto/index.ts';
import { AppError } from '../../errors.ts';
import {
  bodyCommitment,
  CreditClient,
  creditConsentKey,
  CreditWallet,
  RealdidClient,
  recordBody,
  statementDigest,
  type CreditHandle,
  type CreditQueryEvent,
  type CreditRecordView,
  type CreditScore,
  type CreditSubject,
  type RecordBody,
  type TxSigner,
} from '../../sdk/index.ts';
import { keepLook, readCreditStore, updateCreditStore } from '../commands/credit-store.ts';
import { rescore } from '../commands/credit-reader.ts';
import { masterKey } from '../commands/wallet-credentials.ts';
import type { UnlockedWallet } from '../wallet-file.ts';
import { demoPerson, expectCode, type Step, type StoryReport } from './story.ts';
import {
  DISPUTE_DEADLINE_MS,
  EXPIRY_LEAD_MS,
  expiryClock,
  waitFor,
  type DemoWorld,
} from './world.ts';

/** The demo companies (valid Unified Social Credit Codes, fictional). */
const ORG = '91350100M000100Y43';
const ORG_B = '91110108MA01AB2C3T';
const LIST = 'seriously-untrustworthy';
const PURPOSE = 'loan-underwriting';
const DAY_MS = 86_400_000;

const fail = (why: string): never => {
  throw new AppError('ERR_CLI_DEMO_FAILED', why);
};
const short = (id: string): string => `${id.slice(0, 10)}…`;
const iso = (ms: number): string => new Date(ms).toISOString();
const org = (uscc: string): CreditSubject => ({ type: 'org', uscc });
const scoreText = (s: CreditScore | null): string =>
  s === null
    ? 'no score'
    : `${s.score} (grade ${s.grade}${s.reasons.map((r) => `, ${r.code} ${r.points}`).join('')})`;
/** Are these records exactly `ids` (in any order)? */
const holds = (records: readonly { id: string }[], ids: readonly string[]): boolean =>
  records.length === ids.length && records.every((r) => ids.includes(r.id));

/** Her side: the wallet file, its credit wallet, and the handles of her records it found. */
interface Her {
  readonly w: UnlockedWallet;
  readonly wallet: CreditWallet;
  readonly handles: Map<string, CreditHandle>;
}

/** What the steps share. */
interface Scene {
  readonly world: DemoWorld;
  readonly report: StoryReport;
  readonly client: RealdidClient;
  readonly credit: CreditClient;
  her?: Her;
  loan: string;
  judgment: string;
  consentQuery: string;
}

/** A record to write: its dates lie `ago` days back by the node's clock (it may run ahead). */
interface Write {
  readonly subject: CreditSubject;
  readonly category: string;
  readonly severity: number;
  readonly basis: string;
  readonly ago: number;
  readonly details: RecordBody['details'];
  readonly expires?: string;
}

/** Issues a record with its body (posted to the node, which keeps it encrypted); its id. */
async function write(s: Scene, signer: TxSigner, w: Write): Promise<string> {
  const date = (days: number) => iso(s.world.now() - days * DAY_MS).slice(0, 10);
  const input = {
    subject: w.subject,
    category: w.category,
    severity: w.severity,
    legalBasis: w.basis,
    evidence: toHex(sha256(utf8(`demo evidence: ${w.category} ${w.basis}`))),
    occurred: date(w.ago + 30),
    effective: date(w.ago),
    ...(w.expires === undefined ? {} : { expires: w.expires }),
  };
  return (await s.credit.issue(signer, input, recordBody(w.details))).record;
}

/** A record about her, by a handle the issuer obtains with her ID number. */
async function aboutHer(s: Scene, signer: TxSigner, w: Omit<Write, 'subject'>): Promise<string> {
  const handle = await s.credit.handle(signer, demoPerson().idNumber);
  return write(s, signer, { ...w, subject: { type: 'person', handle } });
}

/** Her wallet looks at the feed after its cursor and keeps what it found, with the proofs. */
async function look(s: Scene, her: Her) {
  const seen = await her.wallet.watch(s.client, readCreditStore(her.w.path, her.w.seed).cursor);
  s.report.credit = keepLook(her.w.path, her.w.seed, seen).events;
  for (const e of seen.events)
    if (e.event.kind === 'record') her.handles.set(e.event.ref, e.handle);
  return seen;
}

/** She disputes one of her records with its handle key; the statement stays in her wallet. */
async function dispute(s: Scene, her: Her, record: string, statement: string) {
  const digest = statementDigest(statement);
  const signer = her.wallet.recordSigner(her.handles.get(record)!);
  const receipt = await s.credit.dispute(signer, record, digest);
  const kept = { record, statement, digest, tx: receipt.id, time: Date.now() };
  updateCreditStore(her.w.path, her.w.seed, (x) => ({ ...x, statements: [...x.statements, kept] }));
  return { digest, open: (await s.credit.record(record)).value.dispute! };
}

async function companyListed(s: Scene): Promise<string> {
  const { tax, regulator } = s.world.credit;
  const details = { taxYear: 2025, amountDue: 1286400, currency: 'CNY' };
  const arrears = await write(s, tax, {
    subject: org(ORG),
    category: 'tax-arrears',
    severity: 3,
    basis: 'Tax Collection and Administration Law of the PRC, Article 63 (demo)',
    ago: 40,
    details,
  });
  const { value } = await s.credit.record(arrears);
  const back = await s.credit.body(arrears, { request: tax });
  if (
    bodyCommitment(back.body) !== value.commitment ||
    canonicalize(back.body.details) !== canonicalize(details)
  )
    fail(`the ledger's commitment ${value.commitment} is not the body's`);
  const penalty = { subject: org(ORG), category: 'administrative-penalty' };
  const penalties = [
    await write(s, regulator, {
      ...penalty,
      severity: 3,
      basis: 'Advertising Law of the PRC, Article 55 (demo)',
      ago: 60,
      details: { decision: 'demo penalty decision 2026-031', fine: 500000 },
    }),
    await write(s, regulator, {
      ...penalty,
      severity: 2,
      basis: 'Product Quality Law of the PRC, Article 49 (demo)',
      ago: 20,
      details: { decision: 'demo penalty decision 2026-077', fine: 120000 },
    }),
  ];
  const pub = await s.credit.publicRecord(ORG);
  const entry = pub.lists.find((l) => l.list === LIST);
  if (
    entry === undefined ||
    !holds(
      entry.records.map((id) => ({ id })),
      penalties,
    )
  )
    fail(`${ORG} is on: ${JSON.stringify(pub.lists)}`);
  return `tax arrears ${short(arrears)}: body kept encrypted by the node, commitment ${short(value.commitment)} on the ledger; penalties ${short(penalties[0]!)} (severity 3) and ${short(penalties[1]!)} (severity 2) → GET /v1/credit/public/${ORG}: on ${LIST} since ${iso(entry!.since)}, named records ${entry!.records.map(short).join(', ')}; ${pub.records.length} public records`;
}

async function herRecords(s: Scene): Promise<string> {
  const { bank, court } = s.world.credit;
  s.loan = await aboutHer(s, bank, {
    category: 'loan-default',
    severity: 2,
    basis: 'Loan contract demo-2024-0917, Article 12 (more than 90 days past due)',
    ago: 100,
    details: { contract: 'demo-2024-0917', principal: 180000, daysPastDue: 120 },
  });
  s.judgment = await aboutHer(s, court, {
    category: 'judgment-default',
    severity: 2,
    basis: 'Civil Procedure Law of the PRC, Article 266 (demo)',
    ago: 45,
    details: { caseRef: '(2026) 京0108执 5678 号 (demo)', amountOwed: 96000 },
  });
  const w = s.report.wallet ?? fail('she has no wallet yet');
  const jws = await s.credit.credential(masterKey(w), creditConsentKey(w.seed).keyPair);
  const wallet = await CreditWallet.open(s.client, jws, w.seed);
  const obtained = Date.now();
  updateCreditStore(w.path, w.seed, (x) => ({
    ...x,
    credential: jws,
    authority: wallet.authority,
    obtained,
  }));
  const her: Her = (s.her = { w, wallet, handles: new Map() });
  const seen = await look(s, her);
  const found = seen.events.filter((e) => e.event.kind === 'record' && e.handleKey === 'record');
  if (
    !holds(
      found.map((e) => ({ id: e.event.ref })),
      [s.loan, s.judgment],
    )
  )
    fail(`her wallet found ${found.map((e) => e.event.ref).join(', ') || 'nothing'}`);
  const proven = found.map(
    (e) => `${(e.state.value as CreditRecordView).category} @ height ${e.tx.height}`,
  );
  const key = wallet.recordSigner(her.handles.get(s.loan)!).keyPair;
  const read = await s.credit.body(s.loan, { handleKey: key });
  return `credential from ${wallet.authority} (kept sealed next to her wallet); her watch read ${seen.scanned} feed events and found ${found.length} records about her, each under its own one-time handle, its transaction's inclusion and its state proven against signed checkpoints (${proven.join(', ')}); she reads the loan default's body with its handle key: ${JSON.stringify(read.body.details)}`;
}

async function consentedQuery(s: Scene, her: Her): Promise<string> {
  const { lender } = s.world.credit;
  const token = her.wallet.makeConsent({
    querier: lender.did,
    purpose: PURPOSE,
    expiresInMs: 10 * 60_000,
    now: s.world.now(), // checked against block time
  });
  const q = await s.credit.queryWithConsent(lender, token);
  if (q.event.value.outcome !== 'allowed')
    fail(`the query was ${q.event.value.outcome} (${q.event.value.reason})`);
  s.consentQuery = q.id;
  const rep = await s.credit.report(lender, q.id);
  if (!holds(rep.records, [s.loan, s.judgment]) || rep.score === null)
    fail(`the report holds ${rep.records.length} records, score ${scoreText(rep.score)}`);
  const again = await expectCode(s.credit.report(lender, q.id), 'ERR_CREDIT_REPORT_SERVED');
  const local = await rescore(s.client, rep);
  if (!local.matches)
    fail(`recomputed ${scoreText(local.recomputed)}, the report says ${scoreText(rep.score)}`);
  const records = rep.records.map((r) => `${r.category} (severity ${r.severity})`).join(', ');
  return `consent on a fresh handle of her consent key, for 10 min; query ${short(q.id)} allowed; the report: ${records}, score ${scoreText(rep.score)}; recomputed locally with model ${local.model?.version}: ${local.recomputed?.score}, the same; a second read: ${again}`;
}

async function deniedQuery(s: Scene, her: Her): Promise<string> {
  const { lender } = s.world.credit;
  const handle = await s.credit.handle(lender, demoPerson().idNumber);
  const q = await s.credit.query(lender, { type: 'person', handle }, PURPOSE);
  if (q.event.value.reason !== 'ERR_CREDIT_CONSENT_MISSING')
    fail(`the query was ${q.event.value.outcome} (${q.event.value.reason})`);
  const noReport = await expectCode(s.credit.report(lender, q.id), 'ERR_CREDIT_QUERY_DENIED');
  const queries = (await look(s, her)).events.filter((e) => e.event.kind === 'query');
  const seen = (id: string) => queries.find((e) => e.event.ref === id);
  const denied = seen(q.id);
  if (denied?.handleKey !== 'record' || seen(s.consentQuery)?.handleKey !== 'consent')
    fail(`her watch shows ${queries.length} queries`);
  const logged = denied!.state.value as CreditQueryEvent;
  return `query ${short(q.id)} logged ${logged.outcome} (${logged.reason}) at ${iso(logged.at)}; no report: ${noReport}; her watch shows both queries with proofs: the one with her consent (allowed), this one (denied, named by ID number without her consent)`;
}

async function answeredDispute(s: Scene, her: Her): Promise<string> {
  const statement = 'I repaid this loan in full; the receipt of the bank is attached.';
  const { digest, open } = await dispute(s, her, s.loan, statement);
  const note = 'No repayment was received: the loan remains in default.';
  await s.credit.respond(s.world.credit.bank, { record: s.loan, decision: 'uphold', note });
  const { value } = await s.credit.record(s.loan);
  const d = value.dispute;
  if (d?.status !== 'upheld' || !(d.answered! < d.deadline) || value.suppressed)
    fail(`the dispute is ${d?.status}, the record ${value.suppressed ? 'suppressed' : 'in force'}`);
  return `statement SHA-256 ${short(digest)} on the ledger (the text stays in her wallet); filed ${iso(open.filed)}, answer due ${iso(open.deadline)}; the bank upheld it ${d!.answered! - d!.filed} ms after filing ("${note}"); the record stays in force`;
}

async function lapsedDispute(s: Scene, her: Her): Promise<string> {
  const before = (await s.credit.myReport(masterKey(her.w))).score;
  const statement = 'The judgment was performed in full; see the enforcement receipt.';
  const { open } = await dispute(s, her, s.judgment, statement);
  const lapsed = await waitFor('the dispute to lapse', DISPUTE_DEADLINE_MS + 15_000, async () => {
    const { value } = await s.credit.record(s.judgment);
    return value.dispute?.status === 'lapsed' ? value : undefined;
  });
  if (!lapsed.suppressed) fail('the lapsed record is not suppressed');
  const late = await expectCode(
    s.credit.respond(s.world.credit.court, { record: s.judgment, decision: 'uphold', note: '-' }),
    'ERR_CREDIT_DEADLINE_PASSED',
  );
  const mine = await s.credit.myReport(masterKey(her.w));
  const after = mine.score;
  if (after === null || after.score === before?.score || after.records.includes(s.judgment))
    fail(`her score ${scoreText(before)} → ${scoreText(after)}`);
  await look(s, her);
  const at = lapsed.history.find((h) => h.action === 'lapsed')?.at ?? 0;
  return `answer due ${iso(open.deadline)}; the node's block at ${iso(at)} lapsed the dispute: the record is suppressed (out of reports, scores and lists; her own report still shows it: ${mine.records.length} records); a late answer by the court: ${late}; her score ${scoreText(before)} → ${scoreText(after)}`;
}

async function expiringRecord(s: Scene): Promise<string> {
  const { regulator } = s.world.credit;
  const { midnight, limitMs } = await expiryClock(s.world);
  const penalty = { subject: org(ORG_B), category: 'administrative-penalty' };
  const lasting = await write(s, regulator, {
    ...penalty,
    severity: 3,
    basis: 'Food Safety Law of the PRC, Article 124 (demo)',
    ago: 30,
    details: { decision: 'demo penalty decision 2026-102', fine: 300000 },
  });
  const expiring = await write(s, regulator, {
    ...penalty,
    severity: 2,
    basis: 'Pricing Law of the PRC, Article 39 (demo)',
    ago: 0,
    details: { decision: 'demo penalty decision 2026-115', fine: 80000 },
    expires: iso(midnight).slice(0, 10),
  });
  const listed = (await s.credit.publicRecord(ORG_B)).lists.find((l) => l.list === LIST);
  if (listed?.records.length !== 2) fail(`${ORG_B} did not enter ${LIST}`);
  s.world.advanceClock(midnight - EXPIRY_LEAD_MS, limitMs);
  const cp = await waitFor('a block at midnight', 15_000, async () => {
    const c = await s.client.checkpoint();
    return c.time >= midnight ? c : undefined;
  });
  const after = await afterExpiry(s, expiring, lasting);
  return `${ORG_B}: penalties ${short(lasting)} and ${short(expiring)} (expires ${iso(midnight).slice(0, 10)}) put it on ${LIST}; the node's clock jumps to ${iso(midnight - EXPIRY_LEAD_MS)}; its block at ${iso(cp.time)} (height ${cp.height}, no transaction) expires ${short(expiring)}: ${after}`;
}

/** After the expiry of `expiring`: the list, the public record, a report and the body. */
async function afterExpiry(s: Scene, expiring: string, lasting: string): Promise<string> {
  const { lender, regulator } = s.world.credit;
  const { value } = await s.credit.record(expiring);
  const pub = await s.credit.publicRecord(ORG_B);
  const key = `credit/list-history/${LIST}/${ORG_B}`;
  const history = (await s.client.state<{ from: number; until: number }[]>(key)).value ?? [];
  const q = await s.credit.query(lender, org(ORG_B), PURPOSE);
  const rep = await s.credit.report(lender, q.id);
  const gone = await expectCode(
    s.credit.body(expiring, { request: regulator }),
    'ERR_CREDIT_BODY_GONE',
  );
  const exit = history.at(-1);
  if (!value.expired || pub.lists.length > 0 || exit === undefined)
    fail(`expired ${value.expired}, on ${pub.lists.length} lists, ${history.length} exits`);
  if (!holds(pub.records, [lasting]) || !holds(rep.records, [lasting]))
    fail(`the public record holds ${pub.records.length}, the report ${rep.records.length}`);
  return `${ORG_B} leaves the list (its history keeps ${iso(exit!.from)} – ${iso(exit!.until)}); its public record and the lender's report hold only ${short(lasting)}; the record's commitment ${short(value.commitment)} stays on the ledger; its body: ${gone}`;
}

async function publicList(s: Scene): Promise<string> {
  const c = s.world.credit;
  const names = new Map([
    [c.tax.did, 'the tax office'],
    [c.regulator.did, 'the market regulator'],
  ]);
  const anyone = new CreditClient(new RealdidClient({ url: s.world.node.url }));
  const page = await anyone.list(LIST);
  const entry = page.entries.find((e) => e.uscc === ORG);
  if (entry === undefined || page.entries.some((e) => e.uscc === ORG_B))
    fail(`the list holds ${page.entries.map((e) => e.uscc).join(', ') || 'nobody'}`);
  const pub = await anyone.publicRecord(ORG);
  const records = pub.records.map(
    (r) =>
      `${r.category} (severity ${r.severity}, by ${names.get(r.issuer) ?? r.issuer}: ${r.legalBasis})`,
  );
  return `GET /v1/credit/lists/${LIST}: ${page.entries.length} organization(s): ${ORG} since ${iso(entry!.since)} for ${entry!.records.map(short).join(', ')} (rule: "${page.list.description}"); GET /v1/credit/public/${ORG}: ${records.join('; ')}`;
}

/** The steps of the credit story, in order (`report.wallet` is hers by the second). */
export function creditSteps(world: DemoWorld, report: StoryReport): Step[] {
  const client = world.client();
  const s: Scene = {
    world,
    report,
    client,
    credit: new CreditClient(client),
    loan: '',
    judgment: '',
    consentQuery: '',
  };
  const her = () => s.her ?? fail('she has no credit wallet yet');
  const wait = `${DISPUTE_DEADLINE_MS / 1000} s here, 20 days by default`;
  return [
    [
      `the tax office records tax arrears of ${ORG} (the body goes to the node, its commitment on the ledger); the market regulator records two serious penalties: the company is on the list ${LIST}`,
      () => companyListed(s),
    ],
    [
      'the bank records a loan default of hers and the enforcement court a judgment default, each by a handle obtained with her ID number; her (new) wallet obtains its credit credential and finds both, with proofs',
      () => herRecords(s),
    ],
    [
      `she consents to one query by the lender for ${PURPOSE}: it is allowed and gets the report once (records, score with reason codes); the score recomputed locally is the same`,
      () => consentedQuery(s, her()),
    ],
    [
      'the lender queries her without consent (a handle it obtained by her ID number): logged as denied, and her watch shows it',
      () => deniedQuery(s, her()),
    ],
    [
      `she disputes the loan default; the bank upholds it before the deadline (${wait})`,
      () => answeredDispute(s, her()),
    ],
    [
      `she disputes the judgment default; nobody answers; after the deadline (${wait}) the record is suppressed and her score changes`,
      () => lapsedDispute(s, her()),
    ],
    [
      "a record whose expiry date comes during the story: at 00:00 UTC by the node's clock (which jumps to 2 s before it) it leaves the list, the public record and reports, and its body is destroyed",
      () => expiringRecord(s),
    ],
    [
      `anyone reads the list ${LIST} and a company's public record, without any key`,
      () => publicList(s),
    ],
  ];
}
