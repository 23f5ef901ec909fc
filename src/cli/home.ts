/**
 * The realdid folder of the person running the CLI: where the wallet and the trust file live
 * unless an option or a variable names another place.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';

/** `$REALDID_HOME` if set and non-empty, else `~/.realdid`. */
export function realdidHome(): string {
  const env = process.env.REALDID_HOME;
  return env !== undefined && env !== '' ? env : join(homedir(), '.realdid');
}
