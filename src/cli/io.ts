import { existsSync, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import { AppError, isAppError, type ErrorCode } from '../errors.ts';

/**
 * Process exit codes by error code; any other error code exits {@link EXIT_OTHER}. The "Exit
 * codes" table of docs/operations.md lists the same (test/cli/exit-codes.test.ts checks it).
 */
export const EXIT_CODES: Readonly<Record<ErrorCode, number>> = {
  ERR_CLI_USAGE: 2,
  ERR_CLI_INSECURE_PASSPHRASE: 2,
  ERR_CLI_DATA_DIR: 3,
  ERR_SDK_HTTP: 4,
  ERR_CRYPTO_WRONG_PASSPHRASE: 5,
  ERR_SDK_GENESIS_MISMATCH: 6,
  ERR_SDK_ROLLBACK: 6,
  ERR_LEDGER_INCONSISTENT: 6,
  ERR_CLI_TRUST_FILE: 6,
  ERR_SDK_STALE_CHECKPOINT: 7,
  ERR_CLI_SYSTEM: 8,
  ERR_CLI_INTERNAL: 70,
};

/** Exit code of a command that succeeded. */
export const EXIT_OK = 0;
/** Exit code of an error whose code has no row in {@link EXIT_CODES}. */
export const EXIT_OTHER = 1;
/** Exit code when `realdid verify` finds a problem. */
export const EXIT_VERIFY_FAILED = 10;

/** The exit code of a typed error. */
export function exitCodeOf(err: AppError): number {
  return EXIT_CODES[err.code] ?? EXIT_OTHER;
}

/** An operating-system error from Node (`listen EADDRINUSE`, `open EACCES`, …). */
function isSystemError(err: unknown): err is NodeJS.ErrnoException {
  const e = err as NodeJS.ErrnoException | null;
  return (
    e instanceof Error &&
    typeof e.code === 'string' &&
    /^E[A-Z0-9]+$/.test(e.code) &&
    (typeof e.syscall === 'string' || typeof e.errno === 'number')
  );
}

/**
 * What the CLI reports for an error that ended a command, and its exit code. Typed errors keep
 * their code, except the node's own ERR_API_INTERNAL (an answer of a failing node: ERR_SDK_HTTP);
 * an operating-system error is ERR_CLI_SYSTEM; anything else is a bug: ERR_CLI_INTERNAL.
 */
export function failureOf(err: unknown): { error: AppError; exit: number } {
  let error: AppError;
  if (isAppError(err, 'ERR_API_INTERNAL')) {
    error = new AppError(
      'ERR_SDK_HTTP',
      `the node failed to answer (ERR_API_INTERNAL: ${err.message}); retry, and report it with the node log if it persists`,
      { cause: err },
    );
  } else if (isAppError(err)) {
    error = err;
  } else if (isSystemError(err)) {
    error = new AppError('ERR_CLI_SYSTEM', err.message, {
      cause: err,
      details: { errno: err.code, ...(err.syscall === undefined ? {} : { syscall: err.syscall }) },
    });
  } else {
    const message = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    error = new AppError(
      'ERR_CLI_INTERNAL',
      `${message} (a bug in realdid: please report it with the command and this message)`,
      { cause: err },
    );
  }
  return { error, exit: exitCodeOf(error) };
}

/** Prints a result: JSON with `--json`, else the human text. */
export function output(json: boolean, value: unknown, human: () => string): void {
  process.stdout.write(json ? `${JSON.stringify(value, null, 2)}\n` : `${human()}\n`);
}

/** Commander's argument parser of a repeatable option: every value given, in order. */
export const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/** Parses a JSON argument, or the file named by `@path`. @throws ERR_CLI_USAGE */
export function jsonArg(name: string, text: string): unknown {
  const source = text.startsWith('@') ? readText(text.slice(1)) : text;
  try {
    return JSON.parse(source);
  } catch (err) {
    throw new AppError('ERR_CLI_USAGE', `--${name} is not valid JSON: ${(err as Error).message}`, {
      cause: err,
    });
  }
}

function readText(path: string): string {
  if (!existsSync(path)) throw new AppError('ERR_CLI_USAGE', `no such file: ${path}`);
  return readFileSync(path, 'utf8');
}

/** Parses a non-negative integer option. @throws ERR_CLI_USAGE */
export function intArg(name: string, text: string | undefined, fallback?: number): number {
  if (text === undefined) {
    if (fallback === undefined) throw new AppError('ERR_CLI_USAGE', `--${name} is required`);
    return fallback;
  }
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 0)
    throw new AppError(
      'ERR_CLI_USAGE',
      `--${name} must be a non-negative integer, got ${JSON.stringify(text)}`,
    );
  return n;
}

async function prompt(question: string): Promise<string> {
  const muted = new Writable({ write: (_chunk, _enc, cb) => cb() });
  process.stderr.write(question);
  const rl = createInterface({ input: process.stdin, output: muted, terminal: true });
  try {
    return await new Promise<string>((resolve) => rl.question('', resolve));
  } finally {
    rl.close();
    process.stderr.write('\n');
  }
}

/**
 * Asks a yes/no question on the terminal (stderr); true only for an answer starting with y.
 * @throws ERR_CLI_USAGE when stdin is not a terminal (scripts pass `--yes` instead)
 */
export async function confirm(question: string): Promise<boolean> {
  if (!process.stdin.isTTY)
    throw new AppError('ERR_CLI_USAGE', 'not a terminal: pass --yes to consent, or run it in one');
  process.stderr.write(question);
  const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
  try {
    const answer = await new Promise<string>((resolve) => rl.question('', resolve));
    return /^\s*y/i.test(answer);
  } finally {
    rl.close();
  }
}

/**
 * The passphrase that unlocks keys: `--passphrase-file`, else $REALDID_PASSPHRASE, else the
 * given fallback (demo data), else a hidden prompt on a terminal.
 * @throws ERR_CLI_USAGE when none is available
 */
export async function passphrase(file: string | undefined, fallback?: string): Promise<string> {
  if (file !== undefined) return readText(file).replace(/\r?\n$/, '');
  const env = process.env.REALDID_PASSPHRASE;
  if (env !== undefined && env !== '') return env;
  if (fallback !== undefined) return fallback;
  if (process.stdin.isTTY) return prompt('passphrase: ');
  throw new AppError(
    'ERR_CLI_USAGE',
    'no passphrase: set REALDID_PASSPHRASE or pass --passphrase-file',
  );
}

/**
 * A passphrase to replace the one a key is under: `--new-passphrase-file`, else
 * $REALDID_NEW_PASSPHRASE, else typed twice at a hidden prompt on a terminal.
 * @throws ERR_CLI_USAGE when none is available, it is empty, or the two typed differ
 */
export async function replacementPassphrase(file: string | undefined): Promise<string> {
  let pass: string;
  if (file !== undefined) pass = readText(file).replace(/\r?\n$/, '');
  else if (process.env.REALDID_NEW_PASSPHRASE) pass = process.env.REALDID_NEW_PASSPHRASE;
  else if (process.stdin.isTTY) {
    pass = await prompt('new passphrase: ');
    if ((await prompt('new passphrase again: ')) !== pass)
      throw new AppError('ERR_CLI_USAGE', 'the two new passphrases differ');
  } else
    throw new AppError(
      'ERR_CLI_USAGE',
      'no new passphrase: set REALDID_NEW_PASSPHRASE or pass --new-passphrase-file',
    );
  if (pass === '') throw new AppError('ERR_CLI_USAGE', 'the new passphrase must not be empty');
  return pass;
}

/** Base URL of the node to talk to: --url, else $REALDID_URL, else the default local node. */
export function nodeUrl(url: string | undefined): string {
  return url ?? process.env.REALDID_URL ?? 'http://127.0.0.1:8080';
}
