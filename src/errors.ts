/**
 * Errors shared by every layer: the {@link AppError} base class and the shape of an error
 * catalog. Each layer and each domain module declares its own codes in its `errors.ts`
 * (`ERR_<AREA>_<REASON>` with a one-line meaning; domain modules add the HTTP status of their
 * codes, the statuses of core codes live in `node/`). The node composes the catalogs into one
 * registry; `docs/errors.md` lists every code and `test/errors.test.ts` keeps the two in sync
 * (as fastify does for its error registry). Codes are stable: clients match on `code`, never on
 * `message`.
 */

/** A stable error code `ERR_<AREA>_<REASON>`. */
export type ErrorCode = `ERR_${string}`;

/** The pattern every code matches. */
export const ERROR_CODE_RE = /^ERR_[A-Z]+_[A-Z0-9_]+$/;

/** What a catalog says about one code: its meaning and, for codes served over HTTP by a module, the status. */
export interface ErrorSpec {
  readonly meaning: string;
  readonly status?: number;
}

/** The codes one layer or module declares. */
export type ErrorCatalog = Readonly<Record<ErrorCode, ErrorSpec>>;

/**
 * Declares a catalog, checking each code's shape and meaning once at load.
 * @throws TypeError for a malformed code, an empty or multi-line meaning, or a status outside 400..599
 */
export function defineErrors<const T extends Record<ErrorCode, ErrorSpec>>(catalog: T): T {
  for (const [code, spec] of Object.entries<ErrorSpec>(catalog)) {
    if (!ERROR_CODE_RE.test(code))
      throw new TypeError(`error code ${JSON.stringify(code)} does not match ERR_<AREA>_<REASON>`);
    if (spec.meaning.length === 0 || spec.meaning.includes('\n'))
      throw new TypeError(`${code}: the meaning must be one line`);
    if (
      spec.status !== undefined &&
      !(Number.isInteger(spec.status) && spec.status >= 400 && spec.status <= 599)
    ) {
      throw new TypeError(`${code}: HTTP status ${spec.status} is not within 400..599`);
    }
  }
  return Object.freeze(catalog);
}

/** Does `value` look like an error code (`ERR_<AREA>_<REASON>`)? */
export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && ERROR_CODE_RE.test(value);
}

/**
 * Base class of every domain error in realdid: a stable `code` (declared in a catalog), an
 * optional machine-readable `details` object and the original `cause`. The HTTP status is the
 * node's business (its composed error registry), the exit code the CLI's.
 *
 * @example
 * throw new AppError('ERR_LEDGER_REPLAY', 'nonce 3 is not greater than last nonce 7', { details: { last: 7 } });
 */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown> | undefined;

  constructor(
    code: ErrorCode,
    message: string,
    options: { cause?: unknown; details?: Record<string, unknown> } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.details = options.details;
  }

  /** The JSON body the API and `--json` CLI output use for this error. */
  toJSON(): { code: ErrorCode; message: string; details?: Record<string, unknown> } {
    return this.details === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, details: this.details };
  }
}

/** Is `err` an {@link AppError} with the given code (or any code when omitted)? */
export function isAppError(err: unknown, code?: ErrorCode): err is AppError {
  return err instanceof AppError && (code === undefined || err.code === code);
}
