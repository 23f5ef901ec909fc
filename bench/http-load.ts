/**
 * HTTP load for benchmarks: autocannon in its own process (so it does not share the server's
 * event loop), requesting `prefix + id` for ids drawn uniformly from a JSON array file.
 */
import { spawn } from 'node:child_process';

export interface LoadResult {
  readonly rps: number;
  readonly p99: number;
  readonly non2xx: number;
  readonly errors: number;
}

const LOADER = `
import autocannon from 'autocannon';
import { readFileSync } from 'node:fs';
const [url, prefix, seconds, connections, file] = process.argv.slice(1);
const ids = JSON.parse(readFileSync(file, 'utf8'));
const result = await autocannon({
  url, connections: Number(connections), duration: Number(seconds),
  requests: [{ setupRequest: (req) => ({ ...req, path: prefix + ids[Math.floor(Math.random() * ids.length)] }) }],
});
process.stdout.write(JSON.stringify({ rps: result.requests.average, p99: result.latency.p99, non2xx: result.non2xx, errors: result.errors }));
`;

/** Loads `url` for `seconds` with `connections` connections; paths are `prefix` + a random id of `idsFile`. */
export function loadRandomPaths(
  url: string,
  prefix: string,
  idsFile: string,
  seconds: number,
  connections: number,
): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const args = [
      '--input-type=module',
      '-e',
      LOADER,
      url,
      prefix,
      String(seconds),
      String(connections),
      idsFile,
    ];
    const child = spawn(process.execPath, args, {
      cwd: process.cwd(),
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('exit', (code) =>
      code === 0
        ? resolve(JSON.parse(out) as LoadResult)
        : reject(new Error(`loader exited ${code}`)),
    );
  });
}
