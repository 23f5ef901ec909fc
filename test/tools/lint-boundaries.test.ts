/**
 * `realdid/import-boundaries` (eslint-rules/import-boundaries.js) on a small sample tree written to
 * a temporary folder: an upward import and an import that bypasses a folder's index.ts are
 * reported, legal imports are not, and the repository's eslint.config.js applies the rule.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
import realdid from '../../eslint-rules/import-boundaries.js';
import { boundaryOptions } from '../../eslint-rules/layers.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const RULE = 'realdid/import-boundaries';

/** Files the sample imports point at (the rule looks for each folder's index.ts on disk). */
const TREE = [
  'src/errors.ts',
  'src/index.ts',
  'src/crypto/index.ts',
  'src/crypto/hash.ts',
  'src/ledger/index.ts',
  'src/ledger/chain.ts',
  'src/ledger/merkle/index.ts',
  'src/ledger/merkle/log.ts',
  'src/ledger/merkle/_int.ts',
  'src/ledger/ordering/solo.ts',
  'src/governance/index.ts',
  'src/did/index.ts',
  'src/node/index.ts',
  'src/sdk/index.ts',
  'src/cli/index.ts',
  'src/cli/io.ts',
  'src/cli/errors.ts',
  'test/helpers/ledger.ts',
];

let dir = '';
let eslint: ESLint;

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'realdid-lint-'));
  for (const file of TREE) {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    writeFileSync(join(dir, file), 'export {};\n');
  }
  eslint = new ESLint({
    cwd: dir,
    overrideConfigFile: true,
    overrideConfig: [
      {
        files: ['**/*.ts'],
        languageOptions: { parser: tseslint.parser },
        plugins: { realdid },
        rules: { [RULE]: ['error', boundaryOptions(dir)] },
      },
    ],
  });
});

after(() => rmSync(dir, { recursive: true, force: true }));

/** The boundary messages for `code` as if it were the file `file` of the sample tree. */
async function lint(file: string, code: string): Promise<{ messageId: string; message: string }[]> {
  const [result] = await eslint.lintText(code, { filePath: join(dir, file) });
  assert.ok(result !== undefined);
  for (const m of result.messages) assert.equal(m.ruleId, RULE, `${file}: ${m.message}`);
  return result.messages.map((m) => ({ messageId: m.messageId ?? '', message: m.message }));
}

async function assertReports(file: string, code: string, want: string[]): Promise<void> {
  const got = await lint(file, code);
  assert.deepEqual(
    got.map((m) => m.messageId),
    want,
    `${file}: ${code}\n${got.map((m) => m.message).join('\n')}`,
  );
}

describe('legal imports are not reported', () => {
  const cases: [string, string][] = [
    [
      'src/ledger/chain.ts',
      [
        "import { hash } from '../crypto/index.ts';",
        "import { AppError } from '../errors.ts';",
        "import { MerkleLog } from './merkle/index.ts';",
        "import { SoloOrderer } from './ordering/solo.ts';",
        "import { readFileSync } from 'node:fs';",
        "import Fastify from 'fastify';",
      ].join('\n'),
    ],
    ['src/ledger/merkle/log.ts', "import { split } from './_int.ts';"],
    [
      'src/node/index.ts',
      "import { a } from '../did/index.ts';\nimport type { B } from '../ledger/index.ts';",
    ],
    ['src/sdk/index.ts', "export { verify } from '../did/index.ts';"],
    [
      'src/cli/index.ts',
      "import { a } from '../node/index.ts';\nimport { b } from '../sdk/index.ts';\nimport { c } from './io.ts';",
    ],
    [
      'src/index.ts',
      "export { hash } from './crypto/index.ts';\nexport type { Chain } from './ledger/index.ts';",
    ],
    ['src/crypto/hash.ts', "import { AppError } from '../errors.ts';"],
    ['test/cli/exit-codes.test.ts', "import { EXIT_CODES } from '../../src/cli/io.ts';"],
    [
      'test/ledger/merkle/properties.test.ts',
      "import { split } from '../../../src/ledger/merkle/_int.ts';",
    ],
    [
      'test/node/api.test.ts',
      "import { a } from '../../src/node/index.ts';\nimport { b } from '../helpers/ledger.ts';",
    ],
    [
      'bench/ingest.ts',
      "import { a } from '../src/ledger/index.ts';\nimport { isAppError } from '../src/errors.ts';",
    ],
    ['scripts/gen.ts', "const m = await import('../src/ledger/index.ts');"],
    ['web/app/main.ts', "import { verifyTxInclusion } from '../../src/sdk/index.ts';"],
  ];
  for (const [file, code] of cases) {
    test(file, async () => assertReports(file, code, []));
  }
});

describe('an upward or sideways import between layers is reported', () => {
  const cases: [string, string, string][] = [
    ['src/crypto/hash.ts', "import { Chain } from '../ledger/index.ts';", 'upward'],
    ['src/ledger/chain.ts', "import type { LedgerNode } from '../node/index.ts';", 'upward'],
    ['src/did/index.ts', "export const load = () => import('../node/index.ts');", 'upward'],
    ['src/ledger/chain.ts', "export { buildApp } from '../node/index.ts';", 'upward'],
    // Upward and past an index at once: one report, the upward one.
    ['src/crypto/hash.ts', "import { MerkleLog } from '../ledger/merkle/log.ts';", 'upward'],
    ['src/did/index.ts', "import { govModule } from '../governance/index.ts';", 'notAllowed'],
    ['src/sdk/index.ts', "import { openLedgerNode } from '../node/index.ts';", 'notAllowed'],
    [
      'src/ledger/chain.ts',
      "import { openTestLedger } from '../../test/helpers/ledger.ts';",
      'srcOutside',
    ],
    ['src/node/index.ts', "import { x } from '../index.ts';", 'entry'],
    ['web/main.ts', "import { Chain } from '../src/ledger/index.ts';", 'sdkOnly'],
    ['web/app/main.ts', "import { sha256 } from '../../src/crypto/hash.ts';", 'sdkOnly'],
  ];
  for (const [file, code, want] of cases) {
    test(`${file}: ${code}`, async () => assertReports(file, code, [want]));
  }

  test('the message names both layers', async () => {
    const [m] = await lint('src/crypto/hash.ts', "import { Chain } from '../ledger/index.ts';");
    assert.match(m?.message ?? '', /layer crypto may not import layer ledger, which sits above it/);
  });
});

describe("an import that bypasses a folder's index.ts is reported", () => {
  const cases: [string, string, string][] = [
    ['src/node/index.ts', "import { MerkleLog } from '../ledger/merkle/log.ts';", 'bypass'],
    ['src/node/index.ts', "import { MerkleLog } from '../ledger/merkle/index.ts';", 'bypass'],
    ['src/sdk/index.ts', "export { Chain } from '../ledger/chain.ts';", 'bypass'],
    ['src/cli/index.ts', "import type { Chain } from '../ledger/chain.ts';", 'bypass'],
    // Inside a layer, a sub-folder with an index.ts is entered through it, and `_` files are private.
    ['src/ledger/chain.ts', "import { MerkleLog } from './merkle/log.ts';", 'bypass'],
    ['src/ledger/chain.ts', "import { split } from './merkle/_int.ts';", 'private'],
    // Tests, bench and scripts: other layers only through src/<layer>/index.ts.
    [
      'test/node/api.test.ts',
      "import { MerkleLog } from '../../src/ledger/merkle/log.ts';",
      'bypass',
    ],
    ['test/errors.test.ts', "import { CLI_ERRORS } from '../src/cli/errors.ts';", 'bypass'],
    ['bench/ingest.ts', "import { Chain } from '../src/ledger/chain.ts';", 'bypass'],
    ['scripts/gen.ts', "import { MerkleLog } from '../src/ledger/merkle/index.ts';", 'bypass'],
  ];
  for (const [file, code, want] of cases) {
    test(`${file}: ${code}`, async () => assertReports(file, code, [want]));
  }

  test('the message names the index to import from', async () => {
    const [m] = await lint(
      'src/node/index.ts',
      "import { MerkleLog } from '../ledger/merkle/log.ts';",
    );
    assert.match(m?.message ?? '', /reaches past src\/ledger\/index\.ts/);
  });
});

test("the repository's eslint.config.js applies the rule to src/, test/, bench/ and scripts/", async () => {
  const repo = new ESLint({ cwd: ROOT });
  for (const file of [
    'src/ledger/chain.ts',
    'test/node/api.test.ts',
    'bench/common.ts',
    'scripts/gen-vectors.ts',
  ]) {
    const config = (await repo.calculateConfigForFile(join(ROOT, file))) as {
      rules: Record<string, [number, { rootDir: string }]>;
    };
    const [severity, options] = config.rules[RULE] ?? [];
    assert.equal(severity, 2, `${file}: ${RULE} is an error`);
    assert.equal(options?.rootDir, ROOT.replace(/\/$/, ''), `${file}: rooted at the repository`);
  }
});
