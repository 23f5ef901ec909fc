/**
 * Where an enrollment's main-thread time goes in place (bench:enroll): a V8 CPU profile of one
 * extra round, its samples grouped by what they were doing. A sample inside node:crypto or a
 * SQLite call counts for that (Ed25519 sign or verify, key import, randomness, hashing and AES,
 * SQLite under the vault or the ledger); any other sample counts for the nearest frame on its
 * stack that belongs to a package or to a layer of src/.
 */
import type { Profiler } from 'node:inspector';
import { Session } from 'node:inspector/promises';

/** Runs `run` under the V8 sampling profiler (main thread only). */
export async function withCpuProfile<T>(
  run: () => Promise<T>,
): Promise<{ result: T; profile: Profiler.Profile }> {
  const session = new Session();
  session.connect();
  try {
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: 250 });
    await session.post('Profiler.start');
    const result = await run();
    const { profile } = await session.post('Profiler.stop');
    return { result, profile };
  } finally {
    session.disconnect();
  }
}

const SQLITE_NATIVES = new Set(['run', 'get', 'all', 'iterate', 'exec', 'pragma', 'prepare']);
const HTTP_PACKAGES =
  /node_modules\/(fastify|@fastify\/[^/]+|light-my-request|find-my-way|avvio|secure-json-parse|fast-json-stringify|fast-uri|ajv|ajv-formats|toad-cache|rfdc|fast-querystring|json-schema-ref-resolver|process-warning|abstract-logging|cookie|set-cookie-parser)\//;

/** The group of a frame that owns its samples, or undefined for runtime and native frames. */
function ownerOf(url: string): string | undefined {
  if (url.includes('/node_modules/')) {
    if (/node_modules\/(@sd-jwt\/[^/]+|js-base64)\//.test(url)) return 'sd-jwt library';
    if (HTTP_PACKAGES.test(url)) return 'http: fastify, inject, ajv';
    if (url.includes('/node_modules/better-sqlite3/')) return undefined;
    return 'other packages';
  }
  const layer = /\/src\/([a-z-]+)\//.exec(url)?.[1];
  if (layer !== undefined)
    return url.endsWith('/src/node/vault.ts') ? 'vault (JS)' : `${layer} (JS)`;
  if (url.includes('/bench/')) return 'bench client (JS)';
  return undefined;
}

/** A frame that says what a sample does whatever called it, or undefined. */
function specialOf(frame: Profiler.ProfileNode['callFrame']): string | undefined {
  const { functionName: name, url } = frame;
  if (name === 'signOneShot') return 'Ed25519 sign';
  if (name === 'verifyOneShot') return 'Ed25519 verify';
  if (url === 'node:internal/crypto/keys') return 'key import (KeyObject)';
  if (url === 'node:internal/crypto/random') return 'randomBytes';
  if (/^node:internal\/crypto\/(hash|cipher|hkdf)$/.test(url)) return 'SHA-256, HMAC, AES';
  return undefined;
}

function groupOf(
  id: number,
  nodes: ReadonlyMap<number, Profiler.ProfileNode>,
  parents: ReadonlyMap<number, number>,
): string | undefined {
  const leaf = nodes.get(id)!.callFrame.functionName;
  if (leaf === '(idle)') return undefined;
  if (leaf === '(garbage collector)') return 'garbage collector';
  let sqlite = false;
  for (let cur: number | undefined = id; cur !== undefined; cur = parents.get(cur)) {
    const frame = nodes.get(cur)!.callFrame;
    const special = specialOf(frame);
    if (special !== undefined) return special;
    if (
      frame.url.includes('/node_modules/better-sqlite3/') ||
      (frame.url === '' && SQLITE_NATIVES.has(frame.functionName))
    )
      sqlite = true;
    const owner = ownerOf(frame.url);
    if (owner === undefined) continue;
    if (!sqlite) return owner;
    if (owner === 'vault (JS)') return 'SQLite: vault';
    return owner === 'ledger (JS)' ? 'SQLite: ledger' : 'SQLite: other';
  }
  return 'runtime (no owner)';
}

/** Main-thread ms per enrollment by group, biggest first, and the lines that show them. */
export function profileSummary(
  profile: Profiler.Profile,
  enrollments: number,
): { groups: Record<string, number>; lines: string[] } {
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const parents = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parents.set(c, n.id);
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  const byGroup = new Map<string, number>();
  const groupOfNode = new Map<number, string | undefined>();
  for (let i = 0; i < samples.length; i++) {
    const id = samples[i]!;
    if (!groupOfNode.has(id)) groupOfNode.set(id, groupOf(id, nodes, parents));
    const group = groupOfNode.get(id);
    // A sample's time is the gap to the next one.
    if (group !== undefined) byGroup.set(group, (byGroup.get(group) ?? 0) + (deltas[i + 1] ?? 0));
  }
  const total = [...byGroup.values()].reduce((a, b) => a + b, 0);
  const sorted = [...byGroup].sort((a, b) => b[1] - a[1]);
  const groups = Object.fromEntries(
    sorted.map(([g, us]) => [g, Number((us / 1000 / enrollments).toFixed(3))]),
  );
  const lines = [
    'in place (V8 CPU profile of one more round, main thread, idle excluded; the profiler slows the round, so read the shares), ms per enrollment:',
    ...sorted.map(
      ([g, us]) =>
        `  ${g.padEnd(28)} ${(us / 1000 / enrollments).toFixed(3).padStart(7)} ms  ${((100 * us) / total).toFixed(1).padStart(5)}%`,
    ),
    `  ${'total'.padEnd(28)} ${(total / 1000 / enrollments).toFixed(3).padStart(7)} ms`,
  ];
  return { groups, lines };
}
