import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { CRYPTO_ERRORS } from '../crypto/index.ts';
import { CREDENTIALS_ERRORS } from '../credentials/index.ts';
import { AppError, defineErrors, type ErrorCatalog, type ErrorCode } from '../errors.ts';
import { LEDGER_ERRORS, type LedgerModule } from '../ledger/index.ts';

/** Error codes of the HTTP API itself. */
export const API_ERRORS = defineErrors({
  ERR_API_MALFORMED_JSON: { status: 400, meaning: 'The request body is not valid JSON.' },
  ERR_API_SCHEMA: { status: 400, meaning: "The request does not match the route's JSON Schema." },
  ERR_API_BODY_TOO_LARGE: { status: 413, meaning: 'The request body exceeds the route limit.' },
  ERR_API_UNSUPPORTED_MEDIA_TYPE: {
    status: 415,
    meaning: 'The request Content-Type is not supported.',
  },
  ERR_API_NOT_FOUND: { status: 404, meaning: 'No such route.' },
  ERR_API_INTERNAL: {
    status: 500,
    meaning: 'An unexpected server error; the ledger is unchanged.',
  },
});

/**
 * HTTP statuses of the codes the domain-free layers raise (crypto/, ledger/): they carry no
 * statuses themselves; this table is where the node maps them. Domain modules declare the status
 * of their own codes in their catalogs.
 */
export const CORE_HTTP_STATUS: Readonly<
  Record<keyof typeof CRYPTO_ERRORS | keyof typeof LEDGER_ERRORS, number>
> = {
  ERR_CRYPTO_BAD_KEY: 400,
  ERR_CRYPTO_BAD_ENCODING: 400,
  ERR_CRYPTO_BAD_MULTIKEY: 400,
  ERR_CRYPTO_NOT_CANONICAL: 400,
  ERR_CRYPTO_WRONG_PASSPHRASE: 401,
  ERR_CRYPTO_BAD_KEYSTORE: 400,
  ERR_LEDGER_MALFORMED_TX: 400,
  ERR_LEDGER_TX_TOO_LARGE: 413,
  ERR_LEDGER_UNKNOWN_KIND: 400,
  ERR_LEDGER_UNKNOWN_DOCUMENT: 422,
  ERR_LEDGER_BAD_DOCUMENT: 422,
  ERR_LEDGER_SCHEMA: 400,
  ERR_LEDGER_BAD_SIGNER: 400,
  ERR_LEDGER_BAD_SIGNATURE: 401,
  ERR_LEDGER_REPLAY: 409,
  ERR_LEDGER_DUPLICATE_TX: 409,
  ERR_LEDGER_UNAUTHORIZED: 403,
  ERR_LEDGER_TX_TIME: 400,
  ERR_LEDGER_NOT_FOUND: 404,
  ERR_LEDGER_RANGE: 400,
  ERR_LEDGER_BAD_PROOF: 422,
  ERR_LEDGER_ROOT_MISMATCH: 422,
  ERR_LEDGER_CHAIN_BROKEN: 422,
  ERR_LEDGER_BAD_CHECKPOINT: 422,
  ERR_LEDGER_INCONSISTENT: 422,
  ERR_LEDGER_BAD_GENESIS: 400,
  ERR_LEDGER_STORE: 500,
  ERR_LEDGER_OVERLOADED: 503,
  ERR_LEDGER_MODULE_FAILED: 500,
  ERR_LEDGER_NOT_SIGNER: 409,
  ERR_LEDGER_STOPPED: 503,
  ERR_LEDGER_UNAVAILABLE: 503,
  ERR_LEDGER_DIVERGED: 503,
};

/** One row of the composed registry. */
export interface RegisteredError {
  readonly code: ErrorCode;
  readonly meaning: string;
  /** HTTP status; undefined for codes that are never served (SDK, CLI). */
  readonly status: number | undefined;
  /** The layer or module that declares it. */
  readonly owner: string;
}

/**
 * Every error code a node can answer with, composed from the core catalogs (with
 * {@link CORE_HTTP_STATUS}), the API's and each module's. Client-side catalogs (SDK, CLI) can be
 * added for documentation; they carry no status.
 */
export class ErrorRegistry {
  readonly #rows = new Map<string, RegisteredError>();

  /** @throws TypeError on a code declared twice, or a served code without an HTTP status */
  constructor(
    modules: readonly Pick<LedgerModule, 'name' | 'errors'>[],
    clientCatalogs: Readonly<Record<string, ErrorCatalog>> = {},
  ) {
    this.#add('crypto', CRYPTO_ERRORS, CORE_HTTP_STATUS);
    this.#add('ledger', LEDGER_ERRORS, CORE_HTTP_STATUS);
    this.#add('api', API_ERRORS);
    this.#add('credentials', CREDENTIALS_ERRORS);
    for (const m of modules)
      if (m.errors !== undefined) this.#add(m.name, m.errors, undefined, true);
    for (const [owner, catalog] of Object.entries(clientCatalogs))
      this.#add(owner, catalog, undefined, false);
  }

  #add(
    owner: string,
    catalog: ErrorCatalog,
    statuses?: Readonly<Record<string, number>>,
    served = true,
  ): void {
    for (const [code, spec] of Object.entries(catalog) as [
      ErrorCode,
      { meaning: string; status?: number },
    ][]) {
      if (this.#rows.has(code))
        throw new TypeError(
          `error code ${code} is declared by both ${this.#rows.get(code)!.owner} and ${owner}`,
        );
      const status = spec.status ?? statuses?.[code];
      if (served && status === undefined)
        throw new TypeError(`error code ${code} of ${owner} has no HTTP status`);
      this.#rows.set(code, { code, meaning: spec.meaning, status, owner });
    }
  }

  has(code: string): boolean {
    return this.#rows.has(code);
  }

  /** HTTP status of a code; 500 for a code no catalog declares (a bug, logged by the caller). */
  status(code: string): number {
    return this.#rows.get(code)?.status ?? 500;
  }

  entries(): RegisteredError[] {
    return [...this.#rows.values()];
  }
}

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
  if (err instanceof SyntaxError)
    return new AppError('ERR_API_MALFORMED_JSON', err.message, { cause: err });
  return new AppError('ERR_API_INTERNAL', 'internal error; the ledger is unchanged', {
    cause: err,
  });
}

/**
 * The fastify error handler: `{code, message, details?}` with the status from `registry`. An
 * internal error, or a code no catalog declares, is logged with its stack.
 */
export function errorHandlerFor(
  registry: ErrorRegistry,
): (err: unknown, request: FastifyRequest, reply: FastifyReply) => void {
  return (err, request, reply) => {
    const e = toAppError(err);
    const status = registry.status(e.code);
    if (status >= 500 && e.code !== 'ERR_LEDGER_OVERLOADED' && e.code !== 'ERR_LEDGER_STOPPED')
      request.log.error({ err }, 'server error');
    if (!registry.has(e.code))
      request.log.error({ code: e.code }, 'error code missing from every catalog');
    void reply.status(status).send(e.toJSON());
  };
}

export function notFoundHandler(request: FastifyRequest, reply: FastifyReply): void {
  const e = new AppError(
    'ERR_API_NOT_FOUND',
    `no route ${request.method} ${request.url.split('?')[0]}`,
  );
  void reply.status(404).send(e.toJSON());
}
