import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, httpStatusOf, type ErrorCode } from '../errors.ts';

/** fastify's own error codes → realdid codes. */
const FASTIFY_CODES: Readonly<Record<string, ErrorCode>> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'ERR_API_MALFORMED_JSON',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'ERR_API_MALFORMED_JSON',
  FST_ERR_CTP_BODY_TOO_LARGE: 'ERR_API_BODY_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'ERR_API_UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'ERR_API_MALFORMED_JSON',
  FST_ERR_MAX_PARAM_LENGTH: 'ERR_API_SCHEMA',
  FST_ERR_BAD_URL: 'ERR_API_SCHEMA',
  FST_ERR_ASYNC_CONSTRAINT: 'ERR_API_SCHEMA',
};

/** Converts anything thrown in a route into an {@link AppError} with a stable code. */
export function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  const fe = err as Partial<FastifyError>;
  if (fe.validation !== undefined) {
    const v = fe.validation[0];
    const where = `${fe.validationContext ?? 'request'}${v?.instancePath ?? ''}`;
    return new AppError('ERR_API_SCHEMA', `${where} ${v?.message ?? 'is invalid'}`, { cause: err });
  }
  const mapped = fe.code === undefined ? undefined : FASTIFY_CODES[fe.code];
  if (mapped !== undefined) return new AppError(mapped, fe.message ?? mapped, { cause: err });
  if (err instanceof SyntaxError) return new AppError('ERR_API_MALFORMED_JSON', err.message, { cause: err });
  return new AppError('ERR_API_INTERNAL', 'internal error; the ledger is unchanged', { cause: err });
}

/** fastify error handler: `{code, message, details?}` with the status from the registry. */
export function errorHandler(err: unknown, request: FastifyRequest, reply: FastifyReply): void {
  const e = toAppError(err);
  if (e.code === 'ERR_API_INTERNAL') request.log.error({ err }, 'unexpected error');
  void reply.status(httpStatusOf(e.code)).send(e.toJSON());
}

export function notFoundHandler(request: FastifyRequest, reply: FastifyReply): void {
  const e = new AppError('ERR_API_NOT_FOUND', `no route ${request.method} ${request.url.split('?')[0]}`);
  void reply.status(404).send(e.toJSON());
}
