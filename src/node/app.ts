import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance } from 'fastify';
import { errorHandler, notFoundHandler } from './errors.ts';
import type { LedgerNode } from './ledger-node.ts';
import { didRoutes } from './routes/did.ts';
import { govRoutes } from './routes/gov.ts';
import { ledgerRoutes } from './routes/ledger.ts';
import { opsRoutes } from './routes/ops.ts';

export interface AppOptions {
  /** pino logger options, or false for none (tests). */
  readonly logger?: boolean | object;
}

/**
 * Builds the HTTP API (fastify): JSON Schema on every route, `{code, message}` errors with
 * statuses from the error registry, OpenAPI at `/docs/json` and Swagger UI at `/docs`.
 */
export async function buildApp(node: LedgerNode, options: AppOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: 1024 * 1024,
    ajv: { customOptions: { coerceTypes: 'array', removeAdditional: false, useDefaults: false } },
  });
  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler(notFoundHandler);
  await app.register(swagger, {
    openapi: {
      info: { title: 'realdid node API', version: '1', description: 'Ledger, proofs and governance of a realdid node. Errors: docs/errors.md.' },
      tags: [{ name: 'ledger' }, { name: 'proofs' }, { name: 'governance' }, { name: 'did' }, { name: 'ops' }],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  ledgerRoutes(app, node);
  govRoutes(app, node);
  didRoutes(app, node);
  opsRoutes(app, node);
  await app.ready();
  return app;
}
