import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { AppError, isAppError } from '../../errors.ts';
import { genesisHash, lastNonce, txToJson } from '../../ledger/index.ts';
import type { LedgerNode } from '../ledger-node.ts';
import {
  BatchResult,
  Block,
  BlockList,
  BlockListQuery,
  CheckpointSig,
  ConsistencyProof,
  ErrorBody,
  Genesis,
  Height,
  Hex32,
  InvalidTxAnswer,
  Receipt,
  SignedCheckpoint,
  SignedTx,
  StateKeyQuery,
  StateWithProof,
  TxWithProof,
} from '../schemas.ts';

/**
 * A committed transaction by id, else the block that recorded it as invalid.
 * @throws ERR_LEDGER_NOT_FOUND when it is neither
 */
function committedOrInvalid(
  node: LedgerNode,
  id: string,
):
  | ({ readonly status: 'committed' } & ReturnType<LedgerNode['chain']['tx']>)
  | Static<typeof InvalidTxAnswer> {
  try {
    return { status: 'committed', ...node.chain.tx(id) };
  } catch (err) {
    const invalid = isAppError(err, 'ERR_LEDGER_NOT_FOUND') ? node.chain.invalidTx(id) : undefined;
    if (invalid === undefined) throw err;
    const { position, code, message } = invalid.tx;
    return { id, status: 'invalid', height: invalid.height, position, code, message };
  }
}

const errors = {
  400: ErrorBody,
  401: ErrorBody,
  403: ErrorBody,
  404: ErrorBody,
  409: ErrorBody,
  413: ErrorBody,
  422: ErrorBody,
  503: ErrorBody,
};

/** Routes of the domain-free ledger: transactions, blocks, checkpoints and proofs. */
export function ledgerRoutes(app: FastifyInstance, node: LedgerNode): void {
  const { chain } = node;

  app.post(
    '/v1/txs',
    {
      bodyLimit: 128 * 1024,
      schema: {
        tags: ['ledger'],
        summary: 'Submit one signed transaction; answers once it is committed',
        body: SignedTx,
        response: { 200: Receipt, ...errors },
      },
    },
    async (req) => {
      const [out] = await node.submit([req.body]);
      if (!out!.ok) throw out!.error;
      return { id: out!.id, height: out!.height, logIndex: out!.logIndex };
    },
  );

  app.post(
    '/v1/txs/batch',
    {
      bodyLimit: 32 * 1024 * 1024,
      schema: {
        tags: ['ledger'],
        summary: 'Submit up to 5000 signed transactions in order; each gets its own outcome',
        body: Type.Object(
          { txs: Type.Array(SignedTx, { minItems: 1, maxItems: 5000 }) },
          { additionalProperties: false },
        ),
        response: { 200: BatchResult, ...errors },
      },
    },
    async (req) => {
      const outcomes = await node.submit((req.body as { txs: unknown[] }).txs);
      return {
        results: outcomes.map((o) =>
          o.ok
            ? o
            : {
                ok: false as const,
                ...(o.id === undefined ? {} : { id: o.id }),
                error: o.error.toJSON(),
              },
        ),
      };
    },
  );

  app.get(
    '/v1/txs/:id',
    {
      schema: {
        tags: ['ledger'],
        summary:
          'A committed transaction with its RFC 6962 inclusion proof and the signed checkpoint it is proven against; or, for one a consortium block recorded as invalid, that block and the error code',
        description:
          'A committed transaction answers `status: "committed"` with its proof. A transaction that was ordered but failed (consortium ordering) answers `status: "invalid"` with the height of the block that records it, its position and the error code every node got; it changed nothing. An id never ordered is 404 ERR_LEDGER_NOT_FOUND.',
        params: Type.Object({ id: Hex32 }),
        response: { 200: Type.Union([TxWithProof, InvalidTxAnswer]), ...errors },
      },
    },
    async (req) => {
      const { id } = req.params as { id: string };
      const found = committedOrInvalid(node, id);
      if (found.status === 'invalid') return found;
      const { tx, stored } = found;
      const checkpoint = chain.signedCheckpoint();
      const logSize = checkpoint.checkpoint.logSize;
      return {
        id,
        status: 'committed' as const,
        tx: txToJson(tx),
        height: stored.height,
        logIndex: stored.seq,
        inclusion: {
          leafIndex: stored.seq,
          logSize,
          hashes: chain.inclusionProof(stored.seq, logSize),
        },
        checkpoint,
      };
    },
  );

  app.get(
    '/v1/blocks',
    {
      schema: {
        tags: ['ledger'],
        summary: 'The latest blocks, newest first: height, hash, time and transaction count',
        description:
          "Paged from the head down: `next` is the `before` of the next page. The list is the node's word; each block's checkpoint (`GET /v1/checkpoints/{height}`) is what a client verifies.",
        querystring: BlockListQuery,
        response: { 200: BlockList, ...errors },
      },
    },
    async (req) => {
      const { before, limit = 20 } = req.query as { before?: number; limit?: number };
      const top = Math.min(before === undefined ? Infinity : before - 1, chain.head.height);
      const blocks: Static<typeof BlockList>['blocks'] = [];
      for (let height = top; height >= 0 && blocks.length < limit; height--) {
        const b = chain.store.block(height);
        if (b === undefined) break;
        blocks.push({ height, hash: b.hash, time: b.header.time, txCount: b.txCount });
      }
      const last = blocks.at(-1);
      return { blocks, next: last === undefined || last.height === 0 ? null : last.height };
    },
  );

  app.get(
    '/v1/blocks/:height',
    {
      schema: {
        tags: ['ledger'],
        summary:
          'A block header, its transaction ids, checkpoint signatures and the transactions it records as invalid',
        params: Type.Object({ height: Height }),
        response: { 200: Block, ...errors },
      },
    },
    async (req) => {
      const { height } = req.params as { height: number };
      const block = chain.store.block(height);
      if (block === undefined)
        throw new AppError('ERR_LEDGER_NOT_FOUND', `no block at height ${height}`);
      const txIds = chain.store
        .txRange(block.firstSeq, block.firstSeq + block.txCount)
        .map((t) => Buffer.from(t.id).toString('hex'));
      return {
        height,
        hash: block.hash,
        header: block.header,
        txIds,
        signatures: chain.store.signatures(height),
        invalid: chain
          .invalidTxs(height)
          .map(({ id, position, code, message }) => ({ id, position, code, message })),
      };
    },
  );

  app.get(
    '/v1/checkpoint',
    {
      schema: {
        tags: ['proofs'],
        summary: 'The latest signed checkpoint',
        response: { 200: SignedCheckpoint },
      },
    },
    async () => chain.signedCheckpoint(),
  );

  app.get(
    '/v1/checkpoints/:height',
    {
      schema: {
        tags: ['proofs'],
        summary: 'The signed checkpoint of a block',
        params: Type.Object({ height: Height }),
        response: { 200: SignedCheckpoint, ...errors },
      },
    },
    async (req) => chain.signedCheckpoint((req.params as { height: number }).height),
  );

  app.post(
    '/v1/checkpoints/:height/signatures',
    {
      schema: {
        tags: ['proofs'],
        summary: "Add another organization's cosignature to a checkpoint",
        params: Type.Object({ height: Height }),
        body: CheckpointSig,
        response: { 200: SignedCheckpoint, ...errors },
      },
    },
    async (req) =>
      chain.cosign(
        (req.params as { height: number }).height,
        req.body as { org: string; key: string; sig: string },
      ),
  );

  app.get(
    '/v1/proofs/consistency',
    {
      schema: {
        tags: ['proofs'],
        summary:
          'RFC 6962 consistency proof between two log sizes (size2 defaults to the current size)',
        querystring: Type.Object(
          {
            size1: Type.Integer({ minimum: 0 }),
            size2: Type.Optional(Type.Integer({ minimum: 0 })),
          },
          { additionalProperties: false },
        ),
        response: { 200: ConsistencyProof, ...errors },
      },
    },
    async (req) => {
      const { size1, size2 = chain.log.size } = req.query as { size1: number; size2?: number };
      return { size1, size2, hashes: chain.consistencyProof(size1, size2) };
    },
  );

  app.get(
    '/v1/state',
    {
      schema: {
        tags: ['proofs'],
        summary:
          "A state key's value (or absence) with a sparse-Merkle proof against the latest signed checkpoint",
        querystring: StateKeyQuery,
        response: { 200: StateWithProof, ...errors },
      },
    },
    async (req) => {
      const { key } = req.query as { key: string };
      // Proof and checkpoint come from the same committed head: nothing commits in between.
      const proof = chain.stateProof(key);
      const checkpoint = chain.signedCheckpoint();
      return {
        key,
        value: proof.value === null ? null : (JSON.parse(proof.value) as unknown),
        proof,
        checkpoint,
      };
    },
  );

  app.get(
    '/v1/signers/:did/nonce',
    {
      schema: {
        tags: ['ledger'],
        summary: "A signer's last nonce, counting transactions accepted into the pending block",
        params: Type.Object({
          did: Type.String({ pattern: '^did:[a-z0-9]+:[A-Za-z0-9._:%-]+$', maxLength: 512 }),
        }),
        response: {
          200: Type.Object({
            did: Type.String(),
            lastNonce: Type.Integer(),
            nextNonce: Type.Integer(),
          }),
          ...errors,
        },
      },
    },
    async (req) => {
      const { did } = req.params as { did: string };
      const last = lastNonce(node.pendingState, did);
      return { did, lastNonce: last, nextNonce: last + 1 };
    },
  );

  app.get(
    '/v1/genesis',
    {
      schema: {
        tags: ['ledger'],
        summary: 'The genesis document and its hash (the chain identity)',
        response: { 200: Type.Object({ hash: Hex32, genesis: Genesis }) },
      },
    },
    async () => ({ hash: genesisHash(chain.genesis), genesis: chain.genesis }),
  );
}
