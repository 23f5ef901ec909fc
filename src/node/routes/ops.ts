import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { LedgerNode } from '../ledger-node.ts';

const Health = Type.Object({
  status: Type.String(),
  chainId: Type.String(),
  height: Type.Integer(),
  pending: Type.Integer(),
  // Conditions that leave the node correct but degraded (e.g. resolving every DID from the store).
  warnings: Type.Optional(Type.Array(Type.String())),
});

/** Liveness and Prometheus metrics. */
export function opsRoutes(app: FastifyInstance, node: LedgerNode): void {
  app.get(
    '/health',
    {
      schema: {
        tags: ['ops'],
        summary:
          'Liveness: chain id, head height, pending transactions (503 once the node stopped sealing or applying blocks)',
        response: { 200: Health, 503: Health },
      },
    },
    async (_req, reply) => {
      const consortium = node.consortium();
      const halted = consortium.type === 'nats' ? consortium.halted : null;
      const failed = node.chain.failed !== undefined || halted !== null;
      if (failed) void reply.status(503);
      const warnings = node.warnings();
      if (halted !== null)
        warnings.unshift(
          `the node stopped applying consortium blocks: ${halted.code}: ${halted.message}`,
        );
      if (node.chain.failed !== undefined)
        warnings.unshift(
          `the node stopped sealing blocks: ${node.chain.failed.code}: ${node.chain.failed.message}`,
        );
      return {
        status: failed ? 'failed' : 'ok',
        chainId: node.chain.chainId,
        height: node.chain.head.height,
        pending: node.orderer.pending,
        ...(warnings.length === 0 ? {} : { warnings }),
      };
    },
  );

  app.get(
    '/metrics',
    {
      schema: {
        tags: ['ops'],
        summary: 'Prometheus metrics (text format 0.0.4)',
        response: {
          200: {
            description: 'Prometheus text exposition format 0.0.4',
            content: { 'text/plain': { schema: Type.String() } },
          },
        },
      },
    },
    async (_req, reply) => {
      void reply.type('text/plain; version=0.0.4');
      return node.metrics.render();
    },
  );
}
