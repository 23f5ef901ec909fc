/**
 * The layer map of STYLE.md "Dependency direction", read by `realdid/import-boundaries`:
 * each layer lists the layers it may import (each only through its `index.ts`).
 *
 *   crypto ← ledger ← governance, did ← credentials ← identity, credit ← node
 *   sdk: the pure verifiers of crypto, ledger, governance, did and credentials (it speaks HTTP to node)
 *   cli: starts node and uses sdk (and everything below)
 *
 * Layers on one level (governance and did; identity and credit) do not import each other.
 * `src/errors.ts` is shared by every layer; `src/index.ts`, the public surface, may import every
 * layer's index and is imported by none.
 */
const BASE = ['crypto'];
const LEDGER = [...BASE, 'ledger'];
const DOMAIN = [...LEDGER, 'governance', 'did'];
const CREDENTIALS = [...DOMAIN, 'credentials'];
const APPS = [...CREDENTIALS, 'identity', 'credit'];

/** @type {Record<string, string[]>} */
export const LAYERS = {
  crypto: [],
  ledger: BASE,
  governance: LEDGER,
  did: LEDGER,
  credentials: DOMAIN,
  identity: CREDENTIALS,
  credit: CREDENTIALS,
  node: APPS,
  sdk: ['crypto', 'ledger', 'governance', 'did', 'credentials'],
  cli: [...APPS, 'node', 'sdk'],
};

/** Options of `realdid/import-boundaries` for a repository rooted at `rootDir`. */
export function boundaryOptions(rootDir) {
  return {
    rootDir,
    srcDir: 'src',
    layers: LAYERS,
    shared: ['errors.ts'],
    entries: ['index.ts'],
    // test/<layer>/ may import any file of src/<layer>/ (white-box); everything else in test/,
    // bench/, scripts/ and examples/ go through src/<layer>/index.ts. web/ imports only src/sdk/index.ts (its pure verifiers, bundled for the browser) and otherwise speaks HTTP.
    outside: { test: 'mirror', bench: 'index', scripts: 'index', examples: 'index', web: 'sdk' },
  };
}
