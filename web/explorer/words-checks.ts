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
  'check.notBelow': {
    en: 'checkpoint at height {height} is not below the checkpoint at height {floor} this browser had verified when it asked (the chain’s head never goes back)',
    zh: '高度 {height} 的检查点不低于本浏览器发出请求时已验证的高度 {floor} 检查点（链头从不后退）',
  },
  'check.oneBlock': {
    en: 'checkpoint at height {height} is the only one signed for that height that this browser verified (two different signed checkpoints at one height are an equivocation)',
    zh: '高度 {height} 的检查点是本浏览器在该高度验证过的唯一签署检查点（同一高度有两个不同的签署检查点即为双重签署）',
  },
  'check.inclusion.invalid': {
    en: 'inclusion of tx {id} in block {block}: the block lists it as committed',
    zh: '交易 {id} 在区块 {block} 中的包含证明：区块将其列为已提交',
  },
  'check.txIndices': {
    en: 'the transactions of block {height} are exactly log indices {from} to {to} (exclusive), each verified once: none left out, none listed twice',
    zh: '区块 {height} 的交易恰为日志索引 {from} 至 {to}（不含），每个索引各验证一次：无遗漏，无重复',
  },
  'check.txBlock': {
    en: 'tx {id} is in block {block}: its verified log index {index} lies between the log sizes signed in the checkpoints at heights {block} − 1 and {block}',
    zh: '交易 {id} 属于区块 {block}：其经验证的日志索引 {index} 位于高度 {block} − 1 与 {block} 的检查点所签署的日志大小之间',
  },
  'note.firstCheckpoint': {
    en: 'This is the first checkpoint this browser verified for this chain (height {height}): it is remembered, and the next one will be checked to extend it.',
    zh: '这是本浏览器为该链验证的第一个检查点（高度 {height}）：已记住，下一个检查点将被验证是否延续它。',
  },
  'note.oldCheckpoint': {
    en: '⚠ The newest checkpoint is from {time} ({minutes} minutes ago, height {height}): what this page shows is the chain as of then. A node seals blocks only when transactions arrive or a deadline passes, so an idle chain has an old head; this is information, not a failed check.',
    zh: '⚠ 最新的检查点来自 {time}（{minutes} 分钟前，高度 {height}）：本页所示为链在那时的状态。节点仅在有交易到达或期限到来时才封装区块，因此空闲的链头会较旧；此为提示信息，并非检查失败。',
  },
  'note.invalidTx': {
    en: 'The node says a consortium block (height {height}) recorded this transaction as invalid. That is the node’s word: the answer comes with no proof, and this browser verified nothing about it.',
    zh: '节点称某联盟区块（高度 {height}）将此交易记录为无效。这仅为节点所述：该回答不附证明，本浏览器未对其作任何验证。',
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
  'fail.rollback': {
    en: 'the node went back from height {floor} (block {hash}) to height {height}',
    zh: '节点从高度 {floor}（区块 {hash}）退回到了高度 {height}',
  },
  'fail.equivocation': {
    en: 'two different checkpoints at height {height}, both with trusted signatures: block {a}, verified before, and block {b}',
    zh: '高度 {height} 有两个不同的检查点，且都带有受信任的签名：此前已验证的区块 {a}，以及区块 {b}',
  },
  'fail.logShrinks': {
    en: 'the log at height {height} (size {size}) is smaller than at height {lastHeight} (size {lastSize})',
    zh: '高度 {height} 的日志（大小 {size}）小于高度 {lastHeight} 的日志（大小 {lastSize}）',
  },
  'fail.listedInvalid': {
    en: 'the node answers that it was recorded invalid (block {height}), without a proof; an invalid transaction is not in the log',
    zh: '节点回答该交易被记录为无效（区块 {height}），且不附证明；无效交易不在日志中',
  },
  'fail.txIndices': {
    en: 'indices listed more than once: {repeated}; indices not verified: {missing}',
    zh: '被重复列出的索引：{repeated}；未经验证的索引：{missing}',
  },
  'fail.txBlockCheckpoint': {
    en: 'the checkpoints of block {block} and its parent did not both verify',
    zh: '区块 {block} 及其父区块的检查点未能全部通过验证',
  },
  'fail.txBlockHeights': {
    en: 'the node answered checkpoints of other heights than block {block} and its parent',
    zh: '节点返回的检查点高度并非区块 {block} 及其父区块',
  },
  'fail.finalityCheckpoint': {
    en: 'the finality answer is about block {hash}, the verified checkpoint at height {height} signs block {verified}',
    zh: '最终性回答针对区块 {hash}，而高度 {height} 的已验证检查点签署的是区块 {verified}',
  },
  'fail.recordSubject': {
    en: 'record {id}… is not about {uscc}',
    zh: '记录 {id}… 并非关于 {uscc}',
  },
  'fail.recordNotPublic': {
    en: 'record {id}… is not public',
    zh: '记录 {id}… 不是公开记录',
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
  'what.record': {
    en: 'public credit record {id}… of {uscc}',
    zh: '{uscc} 的公开信用记录 {id}…',
  },
  'what.count': { en: 'count of policy {policy} of {name}', zh: '{name} 的政策 {policy} 的次数' },
};
