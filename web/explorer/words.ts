/** The explorer's words, in English and Simplified Chinese (see web/shared/i18n.ts). */
import { translator, type Dict } from '../shared/i18n.ts';
import { CHECKS } from './words-checks.ts';
import { FIELDS, PAGES, REGISTRIES } from './words-pages.ts';

const APP: Dict = {
  'app.title': { en: 'realdid ledger explorer', zh: 'realdid 账本浏览器' },
  'app.skip': { en: 'Skip to content', zh: '跳到正文' },
  'app.loading': { en: 'Loading…', zh: '正在加载…' },
  'nav.label': { en: 'Explorer pages', zh: '浏览器页面' },
  'nav.overview': { en: 'Overview', zh: '概览' },
  'nav.registries': { en: 'Registries', zh: '登记名录' },
  'nav.credit': { en: 'Public credit', zh: '公共信用' },
  'nav.disclosures': { en: 'Disclosures', zh: '披露统计' },
  'verdict.title': { en: 'What this browser verified', zh: '本浏览器验证了什么' },
  'verdict.verified': {
    en: 'Verified in this browser: all {n} checks passed',
    zh: '已在本浏览器中验证：{n} 项检查全部通过',
  },
  'verdict.failed': {
    en: 'Not verified: {n} of {all} checks failed',
    zh: '未通过验证：{all} 项检查中有 {n} 项失败',
  },
  'verdict.none': { en: 'Nothing here comes with a proof to verify', zh: '此处没有可验证的证明' },
  'badge.proven': { en: 'proven', zh: '已证明' },
  'badge.verified': { en: 'verified', zh: '已验证' },
  'badge.failed': { en: 'proof failed', zh: '证明失败' },
  'badge.unproven': { en: 'node’s word only', zh: '仅为节点所述' },
  'status.pending': { en: 'pending', zh: '待定' },
  'status.final': { en: 'final', zh: '已最终确认' },
  'error.title': { en: 'Something went wrong', zh: '出错了' },
  'error.notFound': { en: 'Not found', zh: '未找到' },
  'error.badInput': { en: 'The node refused the input', zh: '节点拒绝了该输入' },
  'error.network': { en: 'The node could not be reached', zh: '无法连接节点' },
  'error.other': { en: 'The node answered with an error', zh: '节点返回了错误' },
  'error.noPage': { en: 'No such page', zh: '没有这个页面' },
  'error.noPageDetail': {
    en: 'This explorer has no page at this address.',
    zh: '本浏览器在此地址没有页面。',
  },
  'progress.checkpoint': { en: 'Verifying the checkpoint…', zh: '正在验证检查点…' },
  'progress.txs': {
    en: 'Verifying inclusion proofs: {done} of {total}',
    zh: '正在验证包含证明：{done} / {total}',
  },
  'progress.tx': { en: 'Verifying the transaction…', zh: '正在验证交易…' },
  'progress.did': { en: 'Resolving and verifying…', zh: '正在解析并验证…' },
  'progress.proofs': {
    en: 'Verifying state proofs: {done} of {total}',
    zh: '正在验证状态证明：{done} / {total}',
  },
  'progress.org': { en: 'Reading the organization’s record…', zh: '正在读取该组织的记录…' },
};

/** Translates an explorer key in the current language. */
export const t = translator({ ...APP, ...CHECKS, ...PAGES, ...REGISTRIES, ...FIELDS });
