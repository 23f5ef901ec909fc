/**
 * Writes the project's generated test vectors to test/vectors/<file>: honest cases and named
 * mutations (transparency-dev style) for the RFC 6962 log, the state commitment and pairwise
 * DIDs. `test/vectors.test.ts` fails if the committed files differ from what this writes.
 * Usage: npm run gen:vectors
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generatedVectors } from './gen-vectors/all.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', 'test', 'vectors');
let n = 0;
for (const { file, vector } of generatedVectors()) {
  const path = join(root, file);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(vector, null, 2)}\n`);
  n++;
}
process.stdout.write(`wrote ${n} vector files under test/vectors/\n`);
