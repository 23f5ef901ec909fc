/**
 * The last checkpoint this browser verified, per chain (by genesis hash), kept in localStorage:
 * public data, so that the next visit checks the node's new checkpoint extends it (RFC 6962
 * consistency) and a node that rewrote or rolled back its history is caught.
 */
import type { Checkpoint } from './verifier.ts';

const PREFIX = 'realdid.explorer.checkpoint.';

/** The checkpoint remembered for the chain of genesis hash `chain`, if any. */
export function remembered(chain: string): Checkpoint | undefined {
  const text = globalThis.localStorage?.getItem(PREFIX + chain);
  if (text === null || text === undefined) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    // Not ours (edited by hand): forget it rather than fail every page.
    console.warn('forgetting a remembered checkpoint that is not JSON', err);
    forget(chain);
    return undefined;
  }
  const cp = value as Partial<Checkpoint> | null;
  return typeof cp?.height === 'number' && typeof cp.logSize === 'number'
    ? (cp as Checkpoint)
    : undefined;
}

/** Remembers `cp` as the last checkpoint verified for `chain`. */
export function remember(chain: string, cp: Checkpoint): void {
  globalThis.localStorage?.setItem(PREFIX + chain, JSON.stringify(cp));
}

/** Forgets the remembered checkpoint of `chain` (after a deliberate reset of the node). */
export function forget(chain: string): void {
  globalThis.localStorage?.removeItem(PREFIX + chain);
}
