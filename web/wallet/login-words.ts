/**
 * The login screens' words (the link form, the consent screen, the outcome), the names of the
 * real-name credential's claims, and what each error code means, in English and Simplified Chinese.
 */
import type { Dict } from '../shared/i18n.ts';

export const LOGIN_WORDS: Dict = {
  'login.title': { en: 'Log in to a site', zh: '登录网站' },
  'login.intro': {
    en: 'On the site, choose “Log in with realdid”. It shows a link starting with openid4vp:// (and a QR code). Copy the link and paste it here: your wallet checks the request before it shows you anything.',
    zh: '在网站上选择“使用 realdid 登录”。网站会显示一个以 openid4vp:// 开头的链接（以及二维码）。复制该链接并粘贴到这里：钱包会先核验请求，再向您显示任何内容。',
  },
  'login.label': { en: 'Login link from the site', zh: '网站提供的登录链接' },
  'login.hint': {
    en: 'It starts with openid4vp://?client_id=',
    zh: '以 openid4vp://?client_id= 开头',
  },
  'login.open': { en: 'Check the request', zh: '核验请求' },
  'scan.legend': { en: 'Or scan the site’s QR code', zh: '或扫描网站的二维码' },
  'scan.camera': { en: 'Scan with the camera', zh: '用摄像头扫描' },
  'scan.stop': { en: 'Stop the camera', zh: '关闭摄像头' },
  'scan.looking': {
    en: 'Hold the QR code in front of the camera…',
    zh: '请将二维码对准摄像头……',
  },
  'scan.noCamera': { en: 'The camera could not be opened.', zh: '无法打开摄像头。' },
  'scan.file': {
    en: 'Read the QR code from an image (a screenshot or photo)',
    zh: '从图片（截图或照片）读取二维码',
  },
  'scan.reading': { en: 'Reading the image…', zh: '正在读取图片……' },
  'scan.none': { en: 'No QR code found in this image.', zh: '图片中没有找到二维码。' },
  'scan.badImage': {
    en: 'This file is not an image the browser can read.',
    zh: '浏览器无法读取此图片文件。',
  },
  'scan.notLogin': {
    en: 'This QR code holds no openid4vp:// login link.',
    zh: '此二维码不含 openid4vp:// 登录链接。',
  },
  'scan.found': {
    en: 'Login link found: your wallet is checking the request.',
    zh: '已找到登录链接：钱包正在核验请求。',
  },
  'login.checking': {
    en: 'Checking the request: the site’s registration and signature on the ledger…',
    zh: '正在核验请求：账本上网站的登记信息和签名…',
  },
  'login.empty': { en: 'Paste the link first.', zh: '请先粘贴链接。' },
  'consent.title': { en: '{site} asks you to log in', zh: '{site} 请求您登录' },
  'consent.checked': {
    en: 'Your wallet checked this request: signed by the site’s registered DID, from a registered origin, for a registered purpose, asking only for claims registered for it.',
    zh: '钱包已核验此请求：由网站登记的 DID 签名，来自登记的来源，用于登记的目的，只请求为此登记的声明。',
  },
  'consent.site': { en: 'Registered name', zh: '登记名称' },
  'consent.origin': { en: 'Origin', zh: '来源' },
  'consent.did': { en: 'Site DID', zh: '网站 DID' },
  'consent.purpose': { en: 'Purpose', zh: '目的' },
  'consent.account': { en: 'Your account there', zh: '您在该网站的账户' },
  'consent.accountNote': {
    en: 'made for this site only: the same at every login here, unrelated to your other accounts',
    zh: '仅为此网站生成：每次登录此网站都相同，与您的其他账户无关',
  },
  'consent.expires': { en: 'The request expires', zh: '请求到期' },
  'consent.claims': { en: 'It asks to see', zh: '请求查看' },
  'consent.noClaims': {
    en: 'No claims: only that you hold a valid real-name credential.',
    zh: '不请求任何声明：只证明您持有有效的实名凭证。',
  },
  'policy.title': { en: 'Disclosure policy: {id}', zh: '披露政策：{id}' },
  'policy.basis': { en: 'Legal basis', zh: '法律依据' },
  'policy.condition': { en: 'Applies when', zh: '适用条件' },
  'policy.claims': { en: 'It requires', zh: '要求出示' },
  'policy.receipt': {
    en: 'If you approve, your wallet signs a consent receipt. You and the site keep it; the ledger records only its hash, the site and the policy (no personal data).',
    zh: '如果您同意，钱包将签署一份同意回执。您和网站各自保存；账本只记录其哈希、网站和政策（不含个人数据）。',
  },
  'consent.approve': { en: 'Approve', zh: '同意' },
  'consent.refuse': { en: 'Refuse', zh: '拒绝' },
  'consent.sending': { en: 'Answering the site…', zh: '正在答复网站…' },
  'consent.declining': { en: 'Telling the site you refused…', zh: '正在告知网站您已拒绝…' },
  'outcome.sent': { en: 'You are logged in to {site}', zh: '您已登录 {site}' },
  'outcome.account': { en: 'Your account', zh: '您的账户' },
  'outcome.shown': { en: 'Shown', zh: '已出示' },
  'outcome.receipt': { en: 'Consent receipt hash', zh: '同意回执哈希' },
  'outcome.receiptNote': {
    en: 'The signed receipt is kept in your wallet (Consent receipts).',
    zh: '已签名的回执保存在钱包中（见“同意回执”）。',
  },
  'outcome.continue': { en: 'Continue on the site', zh: '返回网站继续' },
  'outcome.declined': { en: 'You refused {site}’s request', zh: '您已拒绝 {site} 的请求' },
  'outcome.declinedNote': {
    en: 'Nothing was shown. The site was told that you refused.',
    zh: '未出示任何内容。已告知网站您拒绝了请求。',
  },
  'outcome.refused': { en: 'The request was refused', zh: '请求已被拒绝' },
  'outcome.logged': {
    en: 'Nothing was sent to the site. This refusal is recorded in your activity log.',
    zh: '未向网站发送任何内容。此次拒绝已记入活动记录。',
  },
  'outcome.again': { en: 'Log in with another link', zh: '使用其他链接登录' },
  'claim.age_over_18': { en: 'over 18', zh: '已满 18 岁' },
  'claim.family_name': { en: 'family name', zh: '姓' },
  'claim.given_name': { en: 'given name', zh: '名' },
  'claim.birthdate': { en: 'date of birth', zh: '出生日期' },
  'claim.nationality': { en: 'nationality', zh: '国籍' },
  'claim.region': { en: 'region', zh: '地区' },
  'error.code': { en: 'Error code', zh: '错误代码' },
  'error.generic': { en: 'The wallet could not do this.', zh: '钱包无法完成此操作。' },
  'error.session': {
    en: 'This tab has no wallet session (a new tab, or the wallet server was restarted). Open the URL that `realdid wallet serve` printed again.',
    zh: '此标签页没有钱包会话（新标签页，或钱包服务已重启）。请重新打开 `realdid wallet serve` 打印的网址。',
  },
  ERR_IDENTITY_CLAIM_NOT_REGISTERED: {
    en: 'The site asked for a claim it did not register for this purpose. Your wallet refused the request and sent nothing.',
    zh: '网站请求了它未为此目的登记的声明。钱包已拒绝该请求，未发送任何内容。',
  },
  ERR_IDENTITY_SITE_NOT_REGISTERED: {
    en: 'The site is not registered (or no longer accredited) on the ledger. Your wallet refused to answer it.',
    zh: '该网站未在账本上登记（或已不再获认可）。钱包拒绝答复。',
  },
  ERR_IDENTITY_ORIGIN_NOT_REGISTERED: {
    en: 'The request comes from a web address the site did not register. Your wallet refused it.',
    zh: '请求来自网站未登记的网址。钱包已拒绝。',
  },
  ERR_IDENTITY_PURPOSE_NOT_REGISTERED: {
    en: 'The site gave a purpose it did not register. Your wallet refused the request.',
    zh: '网站给出的目的未经登记。钱包已拒绝该请求。',
  },
  ERR_IDENTITY_POLICY_NOT_REGISTERED: {
    en: 'The site invoked a disclosure policy it may not invoke for this purpose. Your wallet refused the request.',
    zh: '网站援引了它在此目的下无权援引的披露政策。钱包已拒绝该请求。',
  },
  ERR_IDENTITY_LOGIN_BAD_SIGNATURE: {
    en: 'The request is not signed by the site’s registered key. Your wallet refused it.',
    zh: '请求并非由网站登记的密钥签名。钱包已拒绝。',
  },
  ERR_IDENTITY_LOGIN_MALFORMED: {
    en: 'This is not a valid login link or request (or it has expired). Ask the site for a new one.',
    zh: '这不是有效的登录链接或请求（或已过期）。请向网站索取新的链接。',
  },
  ERR_IDENTITY_LOGIN_UNKNOWN: {
    en: 'The site no longer knows this login (it expired?). Start again on the site.',
    zh: '网站已不认识此次登录（已过期？）。请在网站上重新开始。',
  },
  ERR_IDENTITY_DCQL_UNSUPPORTED: {
    en: 'The site asked in a way this wallet does not support. Nothing was sent.',
    zh: '网站的请求方式不受本钱包支持。未发送任何内容。',
  },
  ERR_IDENTITY_NOT_ENROLLED: {
    en: 'Your DID has no real-name binding yet: enroll at an identity authority first.',
    zh: '您的 DID 尚无实名绑定：请先到身份主管机构登记。',
  },
  ERR_WALLET_NO_DID: {
    en: 'Your wallet has no master DID yet (`realdid did create`).',
    zh: '钱包尚无主 DID（`realdid did create`）。',
  },
  ERR_VC_REVOKED: {
    en: 'Your credential copy was revoked by its issuer.',
    zh: '您的凭证副本已被签发方撤销。',
  },
  ERR_SDK_HTTP: {
    en: 'The node, the site or this wallet server could not be reached (is `realdid wallet serve` still running?). Try again in a moment.',
    zh: '无法连接节点、网站或本钱包服务（`realdid wallet serve` 是否仍在运行？）。请稍后重试。',
  },
  ERR_CLI_WALLET_LOGIN_UNKNOWN: {
    en: 'This login was already decided or expired. Paste the site’s link again.',
    zh: '此次登录已作出决定或已过期。请重新粘贴网站的链接。',
  },
};
