import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { CLI_ERRORS } from '../src/cli/index.ts';
import { AppError, defineErrors, isAppError, isErrorCode, type ErrorCode } from '../src/errors.ts';
import { defaultModules, ErrorRegistry } from '../src/node/index.ts';
import { SDK_ERRORS } from '../src/sdk/index.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DOC = readFileSync(join(ROOT, 'docs/errors.md'), 'utf8');
/** What a default node composes, plus the client-side catalogs (documented, never served). */
const REGISTRY = new ErrorRegistry(defaultModules(), { sdk: SDK_ERRORS, cli: CLI_ERRORS });
const ROWS = new Map(REGISTRY.entries().map((e) => [e.code, e]));
const CODES = [...ROWS.keys()];
const CODE_RE = /^ERR_[A-Z]+_[A-Z0-9_]+$/;

/** Area of a code (its second segment) → the `## ` section of docs/errors.md it belongs in. */
const SECTIONS: Readonly<Record<string, RegExp>> = {
  CRYPTO: /^crypto\b/i,
  LEDGER: /^ledger\b/i,
  GOV: /^governance\b/i,
  DID: /^did\b/i,
  WALLET: /^wallet\b/i,
  VC: /^credentials\b/i,
  IDENTITY: /^identity\b/i,
  CREDIT: /^credit\b/i,
  API: /^http api\b|^api\b/i,
  SDK: /^sdk\b/i,
  CLI: /^cli\b/i,
};

/** The table rows of docs/errors.md: code → {status, meaning, todo, section}. */
function docRows(): Map<
  string,
  { status: string; meaning: string; todo: string; section: string }
> {
  const rows = new Map<
    string,
    { status: string; meaning: string; todo: string; section: string }
  >();
  let section = '';
  for (const line of DOC.split('\n')) {
    if (line.startsWith('## ')) section = line.slice(3).trim();
    const m = /^\|\s*`?(ERR_[A-Z0-9_]+)`?\s*\|\s*(\d{3}|—)\s*\|(.*)\|(.*)\|\s*$/.exec(line);
    if (m === null) continue;
    assert.ok(!rows.has(m[1]!), `${m[1]} has two rows in docs/errors.md`);
    rows.set(m[1]!, { status: m[2]!, meaning: m[3]!.trim(), todo: m[4]!.trim(), section });
  }
  return rows;
}

function* sourceFiles(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* sourceFiles(path);
    else if (/\.(ts|js|mjs)$/.test(name)) yield path;
  }
}

test('every code matches ERR_<AREA>_<REASON>, has a one-line meaning, and a 4xx/5xx status unless it is client-side', () => {
  assert.ok(CODES.length > 0);
  for (const code of CODES) {
    assert.match(code, CODE_RE);
    const { status, meaning, owner } = ROWS.get(code)!;
    if (owner === 'sdk' || owner === 'cli')
      assert.equal(status, undefined, `${code}: client-side codes carry no HTTP status`);
    else
      assert.ok(
        Number.isInteger(status) && status! >= 400 && status! <= 599,
        `${code}: status ${status}`,
      );
    assert.ok(meaning.length > 0 && !meaning.includes('\n'), `${code}: meaning`);
    assert.ok(
      Object.hasOwn(SECTIONS, code.split('_')[1]!),
      `${code}: area ${code.split('_')[1]} has a section in docs/errors.md`,
    );
  }
});

test('docs/errors.md lists every registered code with its HTTP status and meaning, in its area section', () => {
  const rows = docRows();
  for (const code of CODES) {
    const row = rows.get(code);
    assert.ok(row !== undefined, `${code} is missing from docs/errors.md`);
    const { status, meaning } = ROWS.get(code)!;
    assert.equal(
      row.status,
      status === undefined ? '—' : String(status),
      `${code}: HTTP status in docs/errors.md`,
    );
    assert.equal(
      row.meaning,
      meaning,
      `${code}: meaning in docs/errors.md differs from the registry`,
    );
    assert.ok(row.todo.length > 0, `${code}: "what to do" is empty`);
    assert.match(
      row.section,
      SECTIONS[code.split('_')[1]!]!,
      `${code} is listed under "${row.section}"`,
    );
  }
});

test('every ERR_ code mentioned anywhere in docs/errors.md exists in the registry', () => {
  const mentioned = new Set(DOC.match(/\bERR_[A-Z0-9_]+/g) ?? []);
  for (const code of mentioned) {
    // `ERR_<AREA>_<REASON>` itself is the pattern, not a code.
    if (code === 'ERR_') continue;
    assert.ok(REGISTRY.has(code), `docs/errors.md mentions ${code}, which no catalog declares`);
  }
  assert.equal(docRows().size, CODES.length);
});

test("every 'ERR_…' string literal in src/ is a registered code (no unregistered code is thrown)", () => {
  const unknown: string[] = [];
  let seen = 0;
  for (const file of sourceFiles(join(ROOT, 'src'))) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/(['"`])(ERR_[A-Z0-9_]*)\1/g)) {
      seen++;
      if (!REGISTRY.has(m[2]!)) unknown.push(`${file.slice(ROOT.length)}: ${m[2]}`);
    }
  }
  assert.ok(seen > 20, `found only ${seen} code literals: is the pattern still right?`);
  assert.deepEqual(unknown, []);
});

test('AppError serializes to {code, message, details?}; the node maps each code to its status', () => {
  for (const code of CODES) {
    const e = new AppError(code, `test ${code}`);
    assert.deepEqual(e.toJSON(), { code, message: `test ${code}` });
    assert.ok(isAppError(e, code));
    assert.equal(REGISTRY.status(code), ROWS.get(code)!.status ?? 500);
  }
  const cause = new Error('root');
  const e = new AppError('ERR_LEDGER_REPLAY', 'nonce 3 is not greater than 7', {
    cause,
    details: { lastNonce: 7 },
  });
  assert.equal(e.name, 'AppError');
  assert.equal(e.cause, cause);
  assert.deepEqual(e.toJSON(), {
    code: 'ERR_LEDGER_REPLAY',
    message: 'nonce 3 is not greater than 7',
    details: { lastNonce: 7 },
  });
  assert.equal(isErrorCode('ERR_NOPE_NOPE'), true, 'shape only');
  assert.equal(REGISTRY.has('ERR_NOPE_NOPE'), false);
  assert.equal(isErrorCode('toString'), false);
  assert.equal(isAppError(new Error('x')), false);
  assert.equal(REGISTRY.status('ERR_NOPE_NOPE'), 500, 'an undeclared code is a server bug');
});

test('catalogs are checked: malformed codes, multi-line meanings, bad statuses, codes declared twice, served codes without a status', () => {
  assert.throws(() => defineErrors({ ERR_bad: { meaning: 'x' } } as never), TypeError);
  assert.throws(() => defineErrors({ ERR_X_Y: { meaning: 'two\nlines' } }), TypeError);
  assert.throws(() => defineErrors({ ERR_X_Y: { meaning: 'x', status: 200 } }), TypeError);
  const mod = (errors: Record<ErrorCode, { meaning: string; status?: number }>) => ({
    name: 'm',
    errors,
  });
  assert.throws(
    () => new ErrorRegistry([mod({ ERR_LEDGER_REPLAY: { meaning: 'again', status: 409 } })]),
    /declared by both/,
  );
  assert.throws(
    () => new ErrorRegistry([mod({ ERR_M_X: { meaning: 'no status' } })]),
    /no HTTP status/,
  );
  assert.equal(
    new ErrorRegistry([mod({ ERR_M_X: { meaning: 'x', status: 418 } })]).status('ERR_M_X'),
    418,
  );
});
