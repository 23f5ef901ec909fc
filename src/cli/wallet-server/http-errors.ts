/**
 * The wallet server's errors over HTTP: `{code, message}` as the node answers them, with a status
 * per code. The CLI's catalog carries no statuses (its codes end a command, not an HTTP exchange),
 * so the wallet server's own codes get theirs here; every other code gets the node's status from
 * its error registry, and a failure to reach the node or a site (`ERR_SDK_…`) is 502.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError, type ErrorCode } from '../../errors.ts';
import { defaultModules, ErrorRegistry, toAppError } from '../../node/index.ts';
import type { CLI_ERRORS } from '../errors.ts';

/** HTTP statuses of the CLI codes the wallet server answers with. */
export const WALLET_HTTP_STATUS: Readonly<Partial<Record<keyof typeof CLI_ERRORS, number>>> = {
  ERR_CLI_WALLET_HOST: 421,
  ERR_CLI_WALLET_SESSION: 401,
  ERR_CLI_WALLET_HEADER: 403,
  ERR_CLI_WALLET_CROSS_ORIGIN: 403,
  ERR_CLI_WALLET_LOGIN_UNKNOWN: 404,
  ERR_CLI_USAGE: 400,
  ERR_CLI_TRUST_FILE: 502,
};

const REGISTRY = new ErrorRegistry(defaultModules());

/** The HTTP status of an error code on the wallet server. */
export function walletStatusOf(code: ErrorCode): number {
  const own = (WALLET_HTTP_STATUS as Record<string, number | undefined>)[code];
  if (own !== undefined) return own;
  if (/^ERR_SDK_/.test(code)) return 502;
  return REGISTRY.status(code);
}

/**
 * What stderr gets of an unexpected error: the route (its pattern, never the URL, which may hold
 * the token), the code, the message and the stack; never the request, the error's details or its
 * cause's fields.
 */
export function errorReport(err: unknown, code: ErrorCode, req: FastifyRequest): string {
  const route = `${req.method} ${req.routeOptions?.url ?? '(no route)'}`;
  const message = err instanceof Error ? err.message : String(err);
  const stack = err instanceof Error && err.stack !== undefined ? err.stack : message;
  return `realdid wallet serve: ${code} on ${route}: ${message}\n${stack}\n`;
}

/**
 * The fastify error handler: `{code, message}` (details left out). A 5xx other than an unreachable
 * node (ERR_SDK_HTTP) is written to stderr ({@link errorReport}): the server has no logger.
 */
export function walletErrorHandler(err: unknown, req: FastifyRequest, reply: FastifyReply): void {
  const e = toAppError(err);
  const status = walletStatusOf(e.code);
  if (status >= 500 && e.code !== 'ERR_SDK_HTTP')
    process.stderr.write(errorReport(err, e.code, req));
  void reply.status(status).send({ code: e.code, message: e.message });
}

/** The not-found handler: ERR_API_NOT_FOUND. */
export function walletNotFound(req: FastifyRequest, reply: FastifyReply): void {
  const e = new AppError('ERR_API_NOT_FOUND', `no route ${req.method} ${req.url.split('?')[0]}`);
  void reply.status(404).send(e.toJSON());
}
