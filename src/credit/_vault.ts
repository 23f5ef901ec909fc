/** JSON rows and secrets of the credit module's vaults (the node's encrypted key-value stores). */
import { randomBytes } from 'node:crypto';
import { utf8 } from '../crypto/index.ts';
import type { SecretStore } from '../ledger/index.ts';

/** A JSON row of a vault, or undefined. */
export function readJsonRow<T>(vault: SecretStore, row: string): T | undefined {
  const bytes = vault.get(row);
  return bytes === undefined ? undefined : (JSON.parse(Buffer.from(bytes).toString('utf8')) as T);
}

/** Writes a JSON row of a vault. */
export function writeJsonRow(vault: SecretStore, row: string, value: unknown): void {
  vault.set(row, utf8(JSON.stringify(value)));
}

/** A 32-byte secret row, created at random if absent. */
export function secretRow(vault: SecretStore, row: string): Uint8Array {
  const existing = vault.get(row);
  if (existing !== undefined) return existing;
  const secret = new Uint8Array(randomBytes(32));
  vault.set(row, secret);
  return secret;
}
