// ESLint flat config: typescript-eslint (type-aware) for the TypeScript tree, the import-boundary
// rule of STYLE.md ("Dependency direction"), and a few rules that hold STYLE.md's shape.
// `npm run lint`; the boundary rule lives in eslint-rules/ with its test in test/tools/.
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';
import realdid from './eslint-rules/import-boundaries.js';
import { boundaryOptions } from './eslint-rules/layers.js';

/** Modules that do I/O, kept out of the pure folders. */
const IO_MODULES = [
  'fs',
  'fs/promises',
  'net',
  'http',
  'https',
  'http2',
  'dgram',
  'dns',
  'child_process',
];

export default defineConfig(
  { ignores: ['data/**', 'coverage/**', '.tmp/**'] },
  { linterOptions: { reportUnusedDisableDirectives: 'error' } },

  {
    // Imports point downward, and across folders only through index.ts (eslint-rules/layers.js).
    files: ['**/*.ts', '**/*.js'],
    plugins: { realdid },
    rules: { 'realdid/import-boundaries': ['error', boundaryOptions(import.meta.dirname)] },
  },

  {
    files: ['**/*.ts'],
    extends: [js.configs.recommended, tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      // tsconfig.json covers src/, test/, bench/ and scripts/ (and eslint-rules/*.d.ts, which
      // test/tools/ imports).
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // tsc reports unused locals and parameters (noUnusedLocals, noUnusedParameters).
      '@typescript-eslint/no-unused-vars': 'off',
      // STYLE.md "Errors": never swallow an error with `catch {}`.
      'no-empty': ['error', { allowEmptyCatch: false }],
      // Fastify plugins and handlers are async by contract, with or without an await inside.
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          // node:test's test()/describe() return promises that the runner itself awaits.
          allowForKnownSafeCalls: [
            { from: 'package', package: 'node:test', name: ['test', 'describe', 'it', 'suite'] },
          ],
        },
      ],
    },
  },

  {
    // Tests read untyped JSON answers (inject().json(), parsed vectors) and poke at invalid
    // inputs on purpose; the `any` rules stay on for src/, bench/ and scripts/.
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      // Assertion messages print whatever a test received, typed or not.
      '@typescript-eslint/no-base-to-string': 'off',
      '@typescript-eslint/restrict-template-expressions': 'off',
      // node:test's test() returns a promise that the runner awaits; calling it in a loop is fine.
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: false }],
    },
  },

  {
    // STYLE.md "Tooling and public API": named exports only.
    files: ['src/**/*.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        { selector: 'ExportAllDeclaration', message: 'Use named exports, not `export *`.' },
      ],
    },
  },

  {
    // STYLE.md "Dependency direction": crypto/ and the Merkle trees are pure: no clock, no
    // Math.random, no fs or network; time and randomness come in as parameters.
    files: ['src/crypto/**/*.ts', 'src/ledger/merkle/**/*.ts', 'src/ledger/smt/**/*.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        { object: 'Date', property: 'now', message: 'Pure code: take the time as a parameter.' },
        { object: 'Math', property: 'random', message: 'Pure code: take randomness in.' },
      ],
      'no-restricted-imports': [
        'error',
        {
          paths: IO_MODULES.flatMap((m) => [m, `node:${m}`]).map((name) => ({
            name,
            message: 'Pure code: no I/O here.',
          })),
        },
      ],
    },
  },

  {
    // bin/, eslint-rules/ and this file: plain ESM run by Node.
    files: ['**/*.js'],
    extends: [js.configs.recommended],
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
  },
);
