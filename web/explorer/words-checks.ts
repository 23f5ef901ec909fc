/** The explorer's words for what it verified (check labels and failures), in English and Simplified Chinese. */
import type { Dict } from '../shared/i18n.ts';

/** Check labels, failure messages and the names of proven state values. */
export const CHECKS: Dict = {
  'check.anchor': {
    en: 'trust anchor: the genesis document this node serves hashes, in this browser, to {hash}, the hash the node announces; its organizations ({orgs}) and their keys sign checkpoints',
    zh: '信任锚：本节点提供的创世文档在本浏览器中计算的哈希为 {hash}，与节点公布的一致；其中的组织（{orgs}）及其密钥签署检查点',
  },
  'check.signature': {
    en: 'signature of {org} (key {key}) over the checkpoint at height {height}, against {org}’s keys in the trust anchor',
    zh: '{org}（密钥 {key}）对高度 {height} 检查点的签名，按信任锚中 {org} 的密钥验证',
  },
  'check.checkpoint': {
    en: 'checkpoint at height {height} signed by {signers} ({n} trusted signature(s); at least 1 needed)',
    zh: '高度 {height} 的检查点由 {signers} 签署（{n} 个受信任签名；至少需要 1 个）',
  },
  'check.same': {
    en: 'checkpoint at height {height} is the one this browser verified last time',
    zh: '高度 {height} 的检查点即本浏览器上次验证的检查点',
  },
  'check.extends': {
    en: 'checkpoint at height {height} (log size {size}) extends the checkpoint at height {lastHeight} (log size {lastSize}) this browser verified before: RFC 6962 consistency proof',
    zh: '高度 {height} 的检查点（日志大小 {size}）延续了本浏览器此前验证的高度 {lastHeight} 检查点（日志大小 {lastSize}）：RFC 6962 一致性证明',
  },
  'check.prefix': {
    en: 'checkpoint at height {height} (log size {size}) is a prefix of the checkpoint at height {lastHeight} (log size {lastSize}) this browser verified before: RFC 6962 consistency proof',
    zh: '高度 {height} 的检查点（日志大小 {size}）是本浏览器此前验证的高度 {lastHeight} 检查点（日志大小 {lastSize}）的前缀：RFC 6962 一致性证明',
  },
  'check.state': {
    en: '{what}: state proof of “{key}” against state root {root}, checkpoint at height {height} signed by {signers}',
    zh: '{what}：“{key}”的状态证明，对照状态根 {root}，高度 {height} 的检查点（由 {signers} 签署）',
  },
  'check.inclusion': {
    en: 'inclusion of tx {id} at log index {index} in the log of size {size}, root {root}, checkpoint at height {height} signed by {signers}',
    zh: '交易 {id} 位于日志索引 {index}，包含于大小为 {size}、根为 {root} 的日志中，高度 {height} 的检查点（由 {signers} 签署）',
  },
  'check.inclusion.block': {
    en: 'inclusion of tx {id} at log index {index} (inside block {block}) in the log of size {size}, root {root}, checkpoint at height {height} signed by {signers}',
    zh: '交易 {id} 位于日志索引 {index}（属于区块 {block}），包含于大小为 {size}、根为 {root} 的日志中，高度 {height} 的检查点（由 {signers} 签署）',
  },
  'check.inclusion.missing': {
    en: 'inclusion of tx {id} in block {block}: the node gave no answer to verify',
    zh: '交易 {id} 在区块 {block} 中的包含证明：节点未给出可验证的回答',
  },
  'check.header': {
    en: 'header of block {height} hashes to {hash}, the block hash signed in its checkpoint, and carries the checkpoint’s height, log size, log root, state root and time',
    zh: '区块 {height} 的区块头哈希为 {hash}，即其检查点所签署的区块哈希，且高度、日志大小、日志根、状态根和时间与检查点一致',
  },
  'check.parent': {
    en: 'block {height} links to its parent: its previous hash is {parent}, the block hash signed in the checkpoint at height {height} − 1',
    zh: '区块 {height} 链接到父区块：其前一哈希为 {parent}，即高度 {height} − 1 检查点所签署的区块哈希',
  },
  'check.parentGenesis': {
    en: 'block 0 links to the trust anchor: its previous hash is {parent}, the genesis hash computed in this browser',
    zh: '区块 0 链接到信任锚：其前一哈希为 {parent}，即本浏览器计算的创世哈希',
  },
  'check.txCount': {
    en: 'block {height} holds log indices {from} to {to} (exclusive), from its parent’s and its own signed log sizes: {n} transactions, as the node lists',
    zh: '区块 {height} 包含日志索引 {from} 至 {to}（不含），由父区块与本区块签署的日志大小得出：{n} 笔交易，与节点列出的一致',
  },
  'check.finality': {
    en: 'finality of block {height}: {n} of quorum {quorum} member signatures verify ({signers}), against the members and quorum proven in state: {status}',
    zh: '区块 {height} 的最终性：法定人数 {quorum} 中有 {n} 个成员签名通过验证（{signers}），成员与法定人数均由状态证明得出：{status}',
  },
  'check.finality.bad': { en: 'finality of block {height}', zh: '区块 {height} 的最终性' },
  'check.did': {
    en: 'DID resolution: the document and metadata are exactly what the state proofs of {keys} establish, against state root {root}, checkpoint at height {height}',
    zh: 'DID 解析：文档与元数据完全等于 {keys} 的状态证明所确立的内容，对照状态根 {root}，高度 {height} 的检查点',
  },
  'check.didProof': { en: 'DID resolution carries a ledger proof', zh: 'DID 解析结果附有账本证明' },
  'check.didKey': {
    en: 'did:key {did}: the document is computed from the key itself, in this browser (no ledger, no request)',
    zh: 'did:key {did}：文档由密钥本身在本浏览器中计算得出（无需账本，无需请求）',
  },
  'note.firstCheckpoint': {
    en: 'This is the first checkpoint this browser verified for this chain (height {height}): it is remembered, and the next one will be checked to extend it.',
    zh: '这是本浏览器为该链验证的第一个检查点（高度 {height}）：已记住，下一个检查点将被验证是否延续它。',
  },
  'fail.unknownOrg': {
    en: '{org} is not an organization of the trust anchor',
    zh: '{org} 不是信任锚中的组织',
  },
  'fail.unknownKey': {
    en: '{key} is not a key of {org} in the trust anchor',
    zh: '{key} 不是信任锚中 {org} 的密钥',
  },
  'fail.listedDiffers': {
    en: 'the node listed another value than the proven value of {key}',
    zh: '节点列出的值与 {key} 经证明的值不同',
  },
  'fail.outOfBlock': {
    en: 'log index {index} is outside block {height} (indices {from} to {to}, exclusive)',
    zh: '日志索引 {index} 不在区块 {height} 内（索引 {from} 至 {to}，不含）',
  },
  'fail.headerHash': {
    en: 'the header hashes to {hash}, the checkpoint signs {signed}',
    zh: '区块头哈希为 {hash}，检查点签署的是 {signed}',
  },
  'fail.headerFields': {
    en: 'the header of block {height} differs from its checkpoint',
    zh: '区块 {height} 的区块头与其检查点不一致',
  },
  'fail.parent': {
    en: 'previous hash {prevHash}, expected {parentHash}',
    zh: '前一哈希为 {prevHash}，应为 {parentHash}',
  },
  'fail.txCount': {
    en: 'the node lists {n} transactions, the signed log sizes give {from} to {to}',
    zh: '节点列出 {n} 笔交易，而签署的日志大小给出 {from} 至 {to}',
  },
  'fail.rejected': {
    en: 'signatures listed by the node that do not verify (not counted): {orgs}',
    zh: '节点列出但未通过验证的签名（不计入）：{orgs}',
  },
  'what.orgs': { en: 'member organizations', zh: '成员组织' },
  'what.quorum': { en: 'quorum', zh: '法定人数' },
  'what.org': { en: 'organization {id}', zh: '组织 {id}' },
  'what.grant': { en: 'accreditation of {name} ({role})', zh: '{name}（{role}）的资质认定' },
  'what.categories': { en: 'credit categories', zh: '信用类别' },
  'what.lists': { en: 'credit list rules', zh: '信用名单规则' },
  'what.listed': { en: '{uscc} on “{list}”', zh: '{uscc} 在“{list}”中的状态' },
  'what.record': { en: 'credit record {id}…', zh: '信用记录 {id}…' },
  'what.count': { en: 'count of policy {policy} of {name}', zh: '{name} 的政策 {policy} 的次数' },
};
