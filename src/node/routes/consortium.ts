import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { LedgerNode } from '../ledger-node.ts';
import { ConsortiumView, ErrorBody, Finality, Height } from '../schemas.ts';

const errors = { 400: ErrorBody, 404: ErrorBody };

/** Routes of consortium ordering: how final a block is, and the ordering this node takes part in. */
export function consortiumRoutes(app: FastifyInstance, node: LedgerNode): void {
  app.get(
    '/v1/blocks/:height/finality',
    {
      schema: {
        tags: ['ledger'],
        summary:
          'Whether a block is final: the member signatures over its checkpoint against the governance quorum',
        description:
          "`final` once at least `quorum` organizations (the governance quorum at the head) signed this node's checkpoint of the block, else `pending`. A solo node signs alone: with a quorum above 1 its blocks stay pending until other organizations cosign them (`POST /v1/checkpoints/{height}/signatures`). Clients check the signatures themselves (the SDK's `finality`).",
        params: Type.Object({ height: Height }),
        response: { 200: Finality, ...errors },
      },
    },
    async (req) => node.chain.finality((req.params as { height: number }).height),
  );

  app.get(
    '/v1/consortium',
    {
      schema: {
        tags: ['ledger'],
        summary:
          'The ordering this node takes part in: solo, or the NATS consortium (stream, connection, last applied sequence, halt, alarms)',
        response: { 200: ConsortiumView },
      },
    },
    async () => node.consortium(),
  );
}
