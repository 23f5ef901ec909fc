/**
 * The credit report's words in English and Simplified Chinese, and the few phrases built from
 * data: a record's category and status, a score reason, the time left before a deadline.
 */
import { currentLang, translator } from '../shared/i18n.ts';
import type { RecordStatus, WalletCreditReport } from './credit-types.ts';

const DICT = {
  title: { en: 'Your credit report', zh: '我的信用报告' },
  intro: {
    en: 'Every record an accredited issuer wrote about you, every query about you, and your score with its reasons. Your wallet finds your records in the public feed by itself: nothing about you is sent when it looks.',
    zh: '经认可的信息提供方写入的关于您的每一条记录、每一次对您的查询，以及您的评分和原因。钱包自行在公开事件流中识别您的记录：查找时不会发送任何关于您的信息。',
  },
  asOf: { en: 'As of block {height}, ', zh: '截至区块 {height}，' },
  loading: { en: 'Loading your credit report…', zh: '正在加载信用报告…' },
  look: { en: 'Look for new events', zh: '查找新事件' },
  looking: { en: 'Looking through the credit feed…', zh: '正在查找信用事件流…' },
  looked: {
    en: 'Read {scanned} feed events: {found} new about you ({kept} kept by your wallet).',
    zh: '已读取 {scanned} 个事件：{found} 个关于您的新事件（钱包共保存 {kept} 个）。',
  },
  noCredTitle: { en: 'No credit credential yet', zh: '尚无信用凭证' },
  noCred: {
    en: 'Your wallet has no credit credential yet. The credit authority issues it to you, signed by your DID. With it your wallet recognizes the records and queries about you in the public feed (each under a one-time handle only you can recognize), and you can dispute records and give consent tokens.',
    zh: '您的钱包尚无信用凭证。信用主管机构会向您签发（以您的 DID 签名请求）。有了它，钱包就能在公开事件流中识别关于您的记录和查询（每条都使用只有您能识别的一次性标识），您也可以对记录提出异议并授予查询同意令牌。',
  },
  obtain: { en: 'Obtain my credit credential', zh: '获取我的信用凭证' },
  obtaining: { en: 'Obtaining the credential from the authority…', zh: '正在向主管机构获取凭证…' },
  notEnrolled: {
    en: 'The identity authority has no real-name binding for your DID: enroll at its front office first.',
    zh: '身份主管机构没有您 DID 的实名绑定：请先到其服务窗口登记。',
  },
  error: { en: 'Something went wrong: {code}', zh: '出现错误：{code}' },
  retry: { en: 'Try again', zh: '重试' },
  scoreTitle: { en: 'Score', zh: '信用评分' },
  grade: { en: 'grade {grade}', zh: '等级 {grade}' },
  noScore: {
    en: 'Governance has adopted no scoring model: there is no score.',
    zh: '治理机构尚未采用评分模型：没有评分。',
  },
  matches: {
    en: 'Your wallet recomputed this score from the report’s records with the adopted model {model} (document version {v}): it matches the node’s.',
    zh: '钱包已用采用的模型 {model}（文档版本 {v}）根据报告中的记录重新计算此评分：与节点给出的一致。',
  },
  differs: {
    en: 'Warning: your wallet recomputed {mine} with the adopted model {model}, the node’s report says {theirs}.',
    zh: '警告：钱包用采用的模型 {model} 算得 {mine}，节点报告为 {theirs}。',
  },
  before: { en: 'Before: {score} ({grade}), at ', zh: '之前：{score}（{grade}），时间 ' },
  why: { en: 'Why', zh: '原因' },
  noReasons: { en: 'No record lowers your score.', zh: '没有记录降低您的评分。' },
  reason: {
    en: '{code}: {category} lowers your score by {points} points ({n} record(s))',
    zh: '{code}：{category}使评分降低 {points} 分（{n} 条记录）',
  },
  factor: {
    en: '{category} raises your score by {points} points ({n} record(s))',
    zh: '{category}使评分提高 {points} 分（{n} 条记录）',
  },
  behind: { en: 'Records behind the score', zh: '计入评分的记录' },
  none: { en: 'none', zh: '无' },
  recordsTitle: { en: 'Records about you ({n})', zh: '关于您的记录（{n}）' },
  noRecords: { en: 'No record about you.', zh: '没有关于您的记录。' },
  'status.in-force': { en: 'in force', zh: '有效' },
  'status.disputed': { en: 'disputed', zh: '异议中' },
  'status.suppressed': { en: 'suppressed', zh: '已屏蔽' },
  'status.withdrawn': { en: 'withdrawn', zh: '已撤回' },
  'status.restored': { en: 'restored (credit repaired)', zh: '已修复' },
  'status.expired': { en: 'expired', zh: '已过期' },
  negative: { en: 'negative', zh: '负面' },
  positive: { en: 'positive', zh: '正面' },
  kind: { en: 'Kind', zh: '性质' },
  legalBasis: { en: 'Legal basis', zh: '法律依据' },
  issuer: { en: 'Issuer', zh: '提供方' },
  dates: { en: 'Dates', zh: '日期' },
  datesValue: {
    en: 'occurred {occurred}, effective {effective}, expires {expires}',
    zh: '发生 {occurred}，生效 {effective}，到期 {expires}',
  },
  issued: { en: 'Written', zh: '写入时间' },
  counts: { en: 'In the score', zh: '计入评分' },
  yes: { en: 'yes', zh: '是' },
  no: { en: 'no', zh: '否' },
  found: {
    en: 'found by your wallet in the feed at height {height}, its proofs checked',
    zh: '钱包在事件流中于高度 {height} 找到，已核验证明',
  },
  notFound: {
    en: 'not yet found by your wallet: look for new events',
    zh: '钱包尚未找到：请查找新事件',
  },
  notMinted: {
    en: 'Warning: this handle carries your tag but none of your keys',
    zh: '警告：此标识带有您的标签，但不是您的密钥',
  },
  disputeTitle: { en: 'Dispute', zh: '异议' },
  'dispute.open': { en: 'open: the issuer must answer', zh: '处理中：提供方须答复' },
  'dispute.upheld': { en: 'answered: the record is upheld', zh: '已答复：维持记录' },
  'dispute.amended': { en: 'answered: the record was amended', zh: '已答复：记录已更正' },
  'dispute.withdrawn': { en: 'answered: the record was withdrawn', zh: '已答复：记录已撤回' },
  'dispute.lapsed': {
    en: 'not answered in time: the record is suppressed',
    zh: '未按期答复：记录已屏蔽',
  },
  filedLabel: { en: 'Filed', zh: '提出时间' },
  walletLabel: { en: 'Your wallet', zh: '钱包' },
  kindValue: { en: '{polarity}, severity {n}', zh: '{polarity}，严重程度 {n}' },
  deadline: { en: 'Deadline', zh: '答复期限' },
  answerLabel: { en: 'Issuer’s answer', zh: '提供方答复' },
  yourStatement: { en: 'Your statement', zh: '您的陈述' },
  daysLeft: { en: '{n} days left', zh: '还剩 {n} 天' },
  dayLeft: { en: '1 day left', zh: '还剩 1 天' },
  hoursLeft: { en: '{n} hours left', zh: '还剩 {n} 小时' },
  passed: { en: 'the deadline has passed', zh: '已过期限' },
  disputeButton: { en: 'Dispute this record', zh: '对此记录提出异议' },
  statementLabel: {
    en: 'Your statement: why the record is wrong (at most 500 characters)',
    zh: '您的陈述：记录为何有误（最多 500 字）',
  },
  counter: { en: '{n} / 500 characters', zh: '{n} / 500 字' },
  send: { en: 'Dispute…', zh: '提出异议…' },
  confirmText: {
    en: 'Send this dispute? It is signed with the record’s one-time key; the ledger gets the SHA-256 of your statement, the issuer its text. The issuer must answer before the deadline, else the record is suppressed automatically.',
    zh: '确认提出异议？异议以此记录的一次性密钥签名；账本记录您陈述的 SHA-256，提供方收到陈述原文。提供方须在期限前答复，否则记录将被自动屏蔽。',
  },
  confirm: { en: 'Confirm the dispute', zh: '确认提出异议' },
  cancel: { en: 'Cancel', zh: '取消' },
  sending: { en: 'Sending the dispute…', zh: '正在提交异议…' },
  disputed: {
    en: 'Disputed at height {height}. The issuer must answer by ',
    zh: '已于高度 {height} 提出异议。提供方须在此之前答复：',
  },
  disputedAfter: {
    en: '; otherwise the record is suppressed automatically.',
    zh: '；否则记录将被自动屏蔽。',
  },
  queriesTitle: { en: 'Queries about you ({n})', zh: '对您的查询（{n}）' },
  noQueries: { en: 'Nobody has queried your credit.', zh: '尚无人查询您的信用。' },
  querier: { en: 'Querier', zh: '查询方' },
  purpose: { en: 'Purpose', zh: '用途' },
  outcome: { en: 'Outcome', zh: '结果' },
  when: { en: 'Time', zh: '时间' },
  allowed: { en: 'allowed', zh: '已允许' },
  denied: { en: 'denied', zh: '已拒绝' },
  withConsent: { en: 'with your consent', zh: '经您同意' },
  withoutConsent: { en: 'named by ID number', zh: '以身份证号指定' },
  consentTitle: { en: 'Give a consent token', zh: '授予查询同意令牌' },
  consentIntro: {
    en: 'A token lets one querier query your credit once, for one purpose, until it expires. Give it to the querier yourself.',
    zh: '令牌允许一个查询方为一个用途查询您的信用一次，在到期前有效。请由您亲自交给查询方。',
  },
  querierLabel: { en: 'Querier DID', zh: '查询方 DID' },
  purposeLabel: { en: 'Purpose (as the querier registered it)', zh: '用途（查询方登记的用途）' },
  expiresLabel: { en: 'Valid for', zh: '有效期' },
  '1h': { en: '1 hour', zh: '1 小时' },
  '1d': { en: '1 day', zh: '1 天' },
  '7d': { en: '7 days', zh: '7 天' },
  '30d': { en: '30 days', zh: '30 天' },
  makeToken: { en: 'Make the token', zh: '生成令牌' },
  making: { en: 'Signing the consent…', zh: '正在签署同意…' },
  tokenLabel: { en: 'Consent token (valid until {until})', zh: '同意令牌（有效期至 {until}）' },
  copy: { en: 'Copy', zh: '复制' },
  copied: { en: 'Copied.', zh: '已复制。' },
  verifiedTitle: { en: 'What was verified', zh: '已核验的内容' },
  verifiedIntro: {
    en: 'Your wallet checked each event’s proofs when it found it; this page checks them again, here in your browser, against checkpoints signed by the consortium of chain {chain}.',
    zh: '钱包在找到每个事件时已核验其证明；本页在您的浏览器中再次核验，依据链 {chain} 的联盟签名检查点。',
  },
  allVerified: { en: 'Every proof verified in this browser', zh: '所有证明均已在本浏览器中核验' },
  someFailed: { en: 'A proof did not verify', zh: '有证明未通过核验' },
  noEvents: { en: 'No event to verify yet', zh: '尚无可核验的事件' },
  'kind.record': { en: 'record', zh: '记录' },
  'kind.dispute': { en: 'dispute', zh: '异议' },
  'kind.query': { en: 'query', zh: '查询' },
  txCheck: {
    en: '{kind} {ref}: its transaction is in the ledger at height {height} (inclusion proof against checkpoint {cp})',
    zh: '{kind} {ref}：其交易位于账本高度 {height}（针对检查点 {cp} 的包含证明）',
  },
  stateCheck: {
    en: '{kind} {ref}: its state as your wallet saw it (state proof against checkpoint {cp})',
    zh: '{kind} {ref}：钱包所见的状态（针对检查点 {cp} 的状态证明）',
  },
  authority: { en: 'Credit authority', zh: '信用主管机构' },
} as const;

/** The page's translator. */
export const t = translator(DICT);

/** Category names of the demo consortium's catalogue; others show governance's English name. */
const CATEGORIES: Readonly<Record<string, { en: string; zh: string }>> = {
  'tax-arrears': { en: 'Tax arrears', zh: '欠缴税款' },
  'administrative-penalty': { en: 'Administrative penalty', zh: '行政处罚' },
  'judgment-default': { en: 'Judgment default', zh: '失信被执行' },
  'loan-default': { en: 'Loan default', zh: '贷款违约' },
  'a-grade-taxpayer': { en: 'A-grade taxpayer', zh: 'A 级纳税人' },
  'on-time-repayment': { en: 'On-time repayment', zh: '按时还款' },
};

/** A category's name in the page's language. */
export function categoryName(r: Pick<WalletCreditReport, 'categories'>, id: string): string {
  return CATEGORIES[id]?.[currentLang()] ?? r.categories[id]?.name ?? id;
}

/** A record status's words. */
export const statusWords = (s: RecordStatus): string => t(`status.${s}`);

/** The badge class of a status. */
export function statusClass(s: RecordStatus, polarity: string): string {
  if (s === 'disputed') return 'warn';
  if (s === 'in-force' || s === 'restored') return polarity === 'negative' ? 'bad' : 'ok';
  return 'ok';
}

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

/** "n days left" (rounded) before `deadline` at `now` (block time or later), or "passed". */
export function timeLeft(deadline: number, now: number): string {
  const left = deadline - now;
  if (left <= 0) return t('passed');
  if (left < DAY_MS) return t('hoursLeft', { n: Math.max(1, Math.ceil(left / HOUR_MS)) });
  const days = Math.round(left / DAY_MS);
  return days === 1 ? t('dayLeft') : t('daysLeft', { n: days });
}
