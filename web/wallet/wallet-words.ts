/**
 * The wallet page's words in English and Simplified Chinese (the login screens' words are in
 * login-words.ts), and `t`, the translator over both.
 */
import { translator, type Dict } from '../shared/i18n.ts';
import { LOGIN_WORDS } from './login-words.ts';

const WORDS: Dict = {
  'app.title': { en: 'realdid wallet', zh: 'realdid 钱包' },
  'app.skip': { en: 'Skip to content', zh: '跳到正文' },
  'app.loading': { en: 'Loading…', zh: '正在加载…' },
  'nav.label': { en: 'Wallet', zh: '钱包' },
  'nav.overview': { en: 'Overview', zh: '概览' },
  'nav.login': { en: 'Log in to a site', zh: '登录网站' },
  'nav.credentials': { en: 'Credentials', zh: '凭证' },
  'nav.sites': { en: 'Sites', zh: '网站' },
  'nav.receipts': { en: 'Consent receipts', zh: '同意回执' },
  'nav.activity': { en: 'Activity', zh: '活动记录' },
  'nav.lawful': { en: 'Lawful requests', zh: '依法查询' },
  'nav.credit': { en: 'Credit', zh: '信用' },
  'page.missing': { en: 'No such page', zh: '没有此页面' },
  'page.missingDetail': { en: 'Choose a page from the menu.', zh: '请从菜单中选择页面。' },
  'page.error': { en: 'Something went wrong', zh: '出现错误' },

  'overview.title': { en: 'Your wallet', zh: '我的钱包' },
  'overview.intro': {
    en: 'This page is served by `realdid wallet serve` on this computer. Your seed and keys stay in that process: this page only shows what the wallet did and asks for your decisions.',
    zh: '本页面由本机上的 `realdid wallet serve` 提供。您的种子和密钥只保存在该进程中：本页面只显示钱包所做的事，并请您作出决定。',
  },
  'overview.identity': { en: 'Your identity', zh: '我的身份' },
  'overview.masterDid': { en: 'Master DID', zh: '主 DID' },
  'overview.noDid': {
    en: 'none yet (run `realdid did create`; it will be {did})',
    zh: '尚无（运行 `realdid did create`；将是 {did}）',
  },
  'overview.enrollment': { en: 'Real-name enrollment', zh: '实名登记' },
  'overview.authority': { en: 'Identity authority', zh: '身份主管机构' },
  'overview.since': { en: 'Bound since', zh: '绑定时间' },
  'overview.rebinds': { en: 'Re-bindings', zh: '重新绑定次数' },
  'overview.node': { en: 'The ledger', zh: '账本' },
  'overview.nodeUrl': { en: 'Node', zh: '节点' },
  'overview.chain': { en: 'Chain', zh: '链' },
  'overview.genesis': { en: 'Genesis hash', zh: '创世哈希' },
  'overview.height': { en: 'Latest checkpoint', zh: '最新检查点' },
  'overview.heightValue': { en: 'height {height}, ', zh: '高度 {height}，' },
  'overview.unreachable': {
    en: 'The node cannot be reached: the page shows what the wallet holds, and the rest once the node answers.',
    zh: '无法连接节点：页面显示钱包中保存的内容，节点恢复后再显示其余内容。',
  },
  'overview.file': { en: 'Wallet file', zh: '钱包文件' },
  'overview.path': { en: 'File', zh: '文件' },
  'overview.keys': { en: 'Key indexes', zh: '密钥序号' },
  'overview.keysValue': {
    en: 'authentication {auth}, recovery {recovery}',
    zh: '认证 {auth}，恢复 {recovery}',
  },
  'status.active': { en: 'enrolled', zh: '已登记' },
  'status.rebound': { en: 'moved to a newer master DID', zh: '已转到新的主 DID' },
  'status.revoked': { en: 'revoked', zh: '已撤销' },
  'status.not-enrolled': { en: 'not enrolled', zh: '未登记' },
  'status.no-did': { en: 'no DID yet', zh: '尚无 DID' },
  'status.unknown': { en: 'unknown', zh: '未知' },
  'status.notEnrolledHelp': {
    en: 'Enroll once at an identity authority’s front office: it checks your documents and binds your real name to this DID. Sites never learn it.',
    zh: '请到身份主管机构的服务窗口登记一次：机构核验您的证件，并把实名与此 DID 绑定。网站永远不会得知您的实名。',
  },
  'verified.state': {
    en: 'Checked by your wallet: the state proof of {key} against checkpoint {height}, signed by {signers}.',
    zh: '已由钱包核验：{key} 的状态证明，对照由 {signers} 签名的检查点 {height}。',
  },
  'verified.absent': {
    en: 'Checked by your wallet: the state proof shows {key} absent at checkpoint {height}, signed by {signers}.',
    zh: '已由钱包核验：状态证明显示检查点 {height}（由 {signers} 签名）中没有 {key}。',
  },

  'copies.title': { en: 'Your credentials', zh: '我的凭证' },
  'copies.intro': {
    en: 'Your wallet holds one copy of your real-name credential per site, each bound to the key it uses for that site only, so two sites cannot link you by it. Its status is checked against the issuer’s status list on the ledger.',
    zh: '钱包为每个网站保存一份实名凭证副本，每份只绑定该网站专用的密钥，因此两个网站无法借此关联您。其状态对照账本上签发方的状态列表核验。',
  },
  'copies.none': {
    en: 'No copy yet: the wallet obtains one from the identity authority at your first login to a site.',
    zh: '尚无副本：首次登录某网站时，钱包会向身份主管机构获取一份。',
  },
  'copies.caption': { en: 'Credential copies, one per site', zh: '凭证副本（每个网站一份）' },
  'copies.site': { en: 'Site', zh: '网站' },
  'copies.holder': { en: 'Your account there', zh: '您在该网站的账户' },
  'copies.status': { en: 'Status', zh: '状态' },
  'copies.expires': { en: 'Expires', zh: '到期' },
  'copies.claims': { en: 'Claims it can show', zh: '可出示的声明' },
  'copies.valid': { en: 'valid', zh: '有效' },
  'copies.revoked': { en: 'revoked', zh: '已撤销' },
  'copies.expired': { en: 'expired', zh: '已过期' },
  'copies.unchecked': { en: 'not checked', zh: '未核验' },
  'copies.notChecked': {
    en: 'The status lists could not be checked ({code}).',
    zh: '无法核验状态列表（{code}）。',
  },

  'sites.title': { en: 'Sites you logged into', zh: '已登录的网站' },
  'sites.intro': {
    en: 'From your wallet’s activity log. Each site knows you only by the account id your wallet made for it.',
    zh: '来自钱包的活动记录。每个网站只通过钱包为它生成的账户标识认识您。',
  },
  'sites.none': { en: 'You have not logged into any site yet.', zh: '您还没有登录过任何网站。' },
  'sites.caption': { en: 'Sites and what they saw', zh: '网站及其看到的内容' },
  'sites.site': { en: 'Site', zh: '网站' },
  'sites.account': { en: 'Account (pairwise DID)', zh: '账户（成对 DID）' },
  'sites.last': { en: 'Last login', zh: '最近登录' },
  'sites.logins': { en: 'Logins', zh: '登录次数' },
  'sites.shown': { en: 'Claims shown', zh: '已出示的声明' },
  'sites.nothing': { en: 'nothing but a valid credential', zh: '仅证明持有有效凭证' },

  'receipts.title': { en: 'Consent receipts', zh: '同意回执' },
  'receipts.intro': {
    en: 'When a site invokes a disclosure policy, you sign a consent receipt. The ledger records its hash with the site and the policy (no personal data); your wallet keeps the receipt.',
    zh: '当网站援引披露政策时，您会签署一份同意回执。账本记录回执的哈希、网站和政策（不含个人数据）；钱包保存回执本身。',
  },
  'receipts.none': { en: 'You have signed no consent receipt.', zh: '您尚未签署任何同意回执。' },
  'receipts.heading': { en: '{site}: policy {policy}', zh: '{site}：政策 {policy}' },
  'receipts.claims': { en: 'Shown', zh: '已出示' },
  'receipts.time': { en: 'Signed', zh: '签署时间' },
  'receipts.hash': { en: 'Receipt hash', zh: '回执哈希' },
  'receipts.recorded': { en: 'On the ledger', zh: '账本记录' },
  'receipts.yes': { en: 'recorded at height {height}', zh: '已记录，高度 {height}' },
  'receipts.no': {
    en: 'NOT recorded: the state proof shows no such disclosure',
    zh: '未记录：状态证明显示没有这项披露',
  },
  'receipts.unknown': { en: 'not checked ({code})', zh: '未核验（{code}）' },
  'receipts.show': { en: 'The signed receipt (JWS)', zh: '已签名的回执（JWS）' },

  'activity.title': { en: 'Activity', zh: '活动记录' },
  'activity.intro': {
    en: 'Everything concerning you, newest first. Ledger events come with the state proof your wallet checked against a checkpoint signed by the consortium, and kept as evidence.',
    zh: '与您有关的一切，按时间倒序。账本事件附有钱包对照联盟签名检查点核验过的状态证明，并作为证据保存。',
  },
  'activity.looking': {
    en: 'Reading the ledger and checking each proof…',
    zh: '正在读取账本并核验每项证明…',
  },
  'activity.none': { en: 'No activity yet.', zh: '尚无活动。' },
  'activity.list': { en: 'Events', zh: '事件' },
  'kind.enrollment': { en: 'Enrollment', zh: '实名登记' },
  'kind.rebinding': { en: 'Re-binding', zh: '重新绑定' },
  'kind.revocation': { en: 'Revocation', zh: '撤销' },
  'kind.credential': { en: 'Credential copy', zh: '凭证副本' },
  'kind.login': { en: 'Login', zh: '登录' },
  'kind.disclosure': { en: 'Disclosure', zh: '披露' },
  'kind.lawful-request': { en: 'Lawful request', zh: '依法查询' },
  'event.enrollment': {
    en: 'Your master DID was bound to your real name at {authority} ({status}).',
    zh: '您的主 DID 已在 {authority} 与实名绑定（{status}）。',
  },
  'event.rebinding': {
    en: 'Your real name was re-bound to a new master DID {n} time(s).',
    zh: '您的实名已重新绑定到新的主 DID {n} 次。',
  },
  'event.revocation': {
    en: 'The real-name binding was revoked by {authority}.',
    zh: '实名绑定已被 {authority} 撤销。',
  },
  'event.credential': {
    en: 'Credential copy for {origin}: {status}, expires {exp}.',
    zh: '{origin} 的凭证副本：{status}，到期 {exp}。',
  },
  'event.login.sent': {
    en: 'Logged into {site} for “{purpose}”: showed {claims}.',
    zh: '为“{purpose}”登录 {site}：出示了 {claims}。',
  },
  'event.login.declined': {
    en: '{site} asked for {claims} for “{purpose}”: you refused.',
    zh: '{site} 为“{purpose}”请求 {claims}：您已拒绝。',
  },
  'event.login.refused': {
    en: 'A request of {site} was refused by your wallet or the site: {code}.',
    zh: '{site} 的请求被钱包或网站拒绝：{code}。',
  },
  'event.disclosure': {
    en: '{claims} disclosed to {site} under policy {policy}.',
    zh: '依据政策 {policy} 向 {site} 披露了 {claims}。',
  },
  'event.lawful': {
    en: '{requester} asked {authority} to identify your account at {site}, citing “{basis}”: {status}.',
    zh: '{requester} 以“{basis}”为由，请求 {authority} 识别您在 {site} 的账户：{status}。',
  },
  'checked.login': {
    en: 'Checked by your wallet before it asked you: the request was signed by the site’s registered DID (resolved with proofs), on a registered origin, for a registered purpose and only registered claims.',
    zh: '钱包在询问您之前已核验：请求由网站登记的 DID 签名（经证明解析），来自登记的来源，用于登记的目的，且只请求登记的声明。',
  },
  'checked.credential': {
    en: 'Checked by your wallet: the copy’s status bit in the issuer’s status list, read from the ledger with its proof.',
    zh: '已由钱包核验：签发方状态列表中该副本的状态位，连同证明从账本读取。',
  },
  'checked.none': { en: 'No ledger proof for this event.', zh: '此事件没有账本证明。' },
  'lawful.title': { en: 'Lawful requests about you', zh: '关于您的依法查询' },
  'lawful.intro': {
    en: 'A lawful request to identify one of your accounts leaves a notice on the ledger. Your wallet scans every notice and compares it with your accounts here, on this computer: nothing about you is sent.',
    zh: '依法识别您某个账户的请求会在账本上留下通知。钱包在本机扫描每条通知并与您的账户比对：不会发送任何关于您的信息。',
  },
  'lawful.none': {
    en: 'No lawful request concerns any of your accounts.',
    zh: '没有涉及您任何账户的依法查询。',
  },
  'lawful.account': { en: 'Your account', zh: '您的账户' },
  'lawful.requester': { en: 'Requested by', zh: '请求方' },
  'lawful.basis': { en: 'Legal basis', zh: '法律依据' },
  'lawful.status': { en: 'Status', zh: '状态' },
  'lawful.decisions': {
    en: '{a} approval(s), {r} refusal(s)',
    zh: '{a} 项批准，{r} 项拒绝',
  },
  'lawful.outcome': { en: 'Outcome', zh: '结果' },
  'lawful.notified': { en: 'You were notified', zh: '通知时间' },
};

/** The translator of the wallet page (its own words and the login screens'). */
export const t = translator({ ...WORDS, ...LOGIN_WORDS });
