import { existsSync, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import { AppError, isAppError, type ErrorCode } from '../errors.ts';

/** Process exit codes by error code; anything else exits 1. */
const EXIT_CODES: Partial<Record<ErrorCode, number>> = {
  ERR_CLI_USAGE: 2,
  ERR_CLI_DATA_DIR: 3,
  ERR_SDK_HTTP: 4,
  ERR_CRYPTO_WRONG_PASSPHRASE: 5,
};

/** Exit code when `realdid verify` finds a problem. */
export const EXIT_VERIFY_FAILED = 10;

export function exitCodeOf(err: unknown): number {
  return isAppError(err) ? (EXIT_CODES[err.code] ?? 1) : 1;
}

/** Prints a result: JSON with `--json`, else the human text. */
export function output(json: boolean, value: unknown, human: () => string): void {
  process.stdout.write(json ? `${JSON.stringify(value, null, 2)}\n` : `${human()}\n`);
}

/** Parses a JSON argument, or the file named by `@path`. @throws ERR_CLI_USAGE */
export function jsonArg(name: string, text: string): unknown {
  const source = text.startsWith('@') ? readText(text.slice(1)) : text;
  try {
    return JSON.parse(source);
  } catch (err) {
    throw new AppError('ERR_CLI_USAGE', `--${name} is not valid JSON: ${(err as Error).message}`, { cause: err });
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
  if (!Number.isSafeInteger(n) || n < 0) throw new AppError('ERR_CLI_USAGE', `--${name} must be a non-negative integer, got ${JSON.stringify(text)}`);
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
  throw new AppError('ERR_CLI_USAGE', 'no passphrase: set REALDID_PASSPHRASE or pass --passphrase-file');
}

/** Base URL of the node to talk to: --url, else $REALDID_URL, else the default local node. */
export function nodeUrl(url: string | undefined): string {
  return url ?? process.env.REALDID_URL ?? 'http://127.0.0.1:8080';
}
