import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { Ajv } from 'ajv';
import Fastify, { type FastifyInstance } from 'fastify';
import { addFormatsTo, createAjv } from '../ledger/index.ts';
import { errorHandlerFor, notFoundHandler } from './errors.ts';
import type { LedgerNode } from './ledger-node.ts';
import { consortiumRoutes } from './routes/consortium.ts';
import { moduleRoutes } from './routes/modules.ts';
import { ledgerRoutes } from './routes/ledger.ts';
import { opsRoutes } from './routes/ops.ts';
import { webAssets } from './web/serve.ts';

export interface AppOptions {
  /** pino logger options, or false for none (tests). */
  readonly logger?: boolean | object;
}

/**
 * Builds the HTTP API (fastify): JSON Schema on every route, `{code, message}` errors with
 * statuses from the node's composed error registry, OpenAPI at `/docs/json` and Swagger UI at
 * `/docs`. The core's routes come first, then every module's queries and routes, each under its
 * module's OpenAPI tag; this file names no module. `GET /` is the ledger explorer (web/explorer/),
 * whose assets are served under `/web/`.
 */
export async function buildApp(
  node: LedgerNode,
  options: AppOptions = {},
): Promise<FastifyInstance> {
  const errorHandler = errorHandlerFor(node.errors);
  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: 1024 * 1024,
    routerOptions: { maxParamLength: 2048 },
    // Errors raised before routing (bad URL, over-long parameter) get the same {code, message}.
    frameworkErrors: (err, req, reply) => errorHandler(err, req, reply),
    ajv: { customOptions: { coerceTypes: 'array', removeAdditional: false, useDefaults: false } },
  });
  // Bodies are signed as they are: never coerce their types (params and queries are text, so
  // those are coerced to the schema's integers).
  const strict = createAjv();
  const loose = new Ajv({
    strict: false,
    coerceTypes: 'array',
    useDefaults: false,
    removeAdditional: false,
  });
  addFormatsTo(loose);
  app.setValidatorCompiler(({ schema, httpPart }) =>
    (httpPart === 'body' ? strict : loose).compile(schema),
  );
  app.removeContentTypeParser('text/plain');
  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler(notFoundHandler);
  await app.register(swagger, {
    openapi: {
      info: {
        title: 'realdid node API',
        version: '1',
        description:
          'Ledger, proofs and the routes of every module this node runs. Errors: docs/errors.md.',
      },
      tags: [
        { name: 'ledger' },
        { name: 'proofs' },
        { name: 'ops' },
        { name: 'modules', description: 'The modules this node runs, their kinds and queries' },
        ...node.modules.map(({ module }) => ({ name: module.name })),
        ...node.chain.registry.modules
          .filter((m) => m.node === undefined && m.queries !== undefined)
          .map((m) => ({ name: m.name })),
      ],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  ledgerRoutes(app, node);
  consortiumRoutes(app, node);
  opsRoutes(app, node);
  await moduleRoutes(app, node);
  await app.register(import('./routes/home.ts'), { node });
  // The explorer's script and style sheet (`GET /` serves its page).
  await app.register(webAssets, { apps: ['explorer'] });
  await app.ready();
  return app;
}
