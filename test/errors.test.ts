import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { AppError, ERROR_REGISTRY, httpStatusOf, isAppError, isErrorCode, type ErrorCode } from '../src/errors.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DOC = readFileSync(join(ROOT, 'docs/errors.md'), 'utf8');
const CODES = Object.keys(ERROR_REGISTRY) as ErrorCode[];
const CODE_RE = /^ERR_[A-Z]+_[A-Z0-9_]+$/;

/** Area of a code (its second segment) → the `## ` section of docs/errors.md it belongs in. */
const SECTIONS: Readonly<Record<string, RegExp>> = {
  CRYPTO: /^crypto\b/i,
  LEDGER: /^ledger\b/i,
  GOV: /^governance\b/i,
  DID: /^did\b/i,
  WALLET: /^wallet\b/i,
  API: /^http api\b|^api\b/i,
  SDK: /^sdk\b/i,
  CLI: /^cli\b/i,
};

/** The table rows of docs/errors.md: code → {status, meaning, todo, section}. */
function docRows(): Map<string, { status: string; meaning: string; todo: string; section: string }> {
  const rows = new Map<string, { status: string; meaning: string; todo: string; section: string }>();
  let section = '';
  for (const line of DOC.split('\n')) {
    if (line.startsWith('## ')) section = line.slice(3).trim();
    const m = /^\|\s*`?(ERR_[A-Z0-9_]+)`?\s*\|\s*(\d{3})\s*\|(.*)\|(.*)\|\s*$/.exec(line);
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

test('every code matches ERR_<AREA>_<REASON> and has a 4xx/5xx status and a one-line meaning', () => {
  assert.ok(CODES.length > 0);
  for (const code of CODES) {
    assert.match(code, CODE_RE);
    const [status, meaning] = ERROR_REGISTRY[code];
    assert.ok(Number.isInteger(status) && status >= 400 && status <= 599, `${code}: status ${status}`);
    assert.ok(meaning.length > 0 && !meaning.includes('\n'), `${code}: meaning`);
    assert.ok(Object.hasOwn(SECTIONS, code.split('_')[1]!), `${code}: area ${code.split('_')[1]} has a section in docs/errors.md`);
  }
});

test('docs/errors.md lists every registered code with its HTTP status and meaning, in its area section', () => {
  const rows = docRows();
  for (const code of CODES) {
    const row = rows.get(code);
    assert.ok(row !== undefined, `${code} is missing from docs/errors.md`);
    const [status, meaning] = ERROR_REGISTRY[code];
    assert.equal(row.status, String(status), `${code}: HTTP status in docs/errors.md`);
    assert.equal(row.meaning, meaning, `${code}: meaning in docs/errors.md differs from the registry`);
    assert.ok(row.todo.length > 0, `${code}: "what to do" is empty`);
    assert.match(row.section, SECTIONS[code.split('_')[1]!]!, `${code} is listed under "${row.section}"`);
  }
});

test('every ERR_ code mentioned anywhere in docs/errors.md exists in the registry', () => {
  const mentioned = new Set(DOC.match(/\bERR_[A-Z0-9_]+/g) ?? []);
  for (const code of mentioned) {
    // `ERR_<AREA>_<REASON>` itself is the pattern, not a code.
    if (code === 'ERR_') continue;
    assert.ok(isErrorCode(code), `docs/errors.md mentions ${code}, which is not in ERROR_REGISTRY`);
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
      if (!isErrorCode(m[2])) unknown.push(`${file.slice(ROOT.length)}: ${m[2]}`);
    }
  }
  assert.ok(seen > 20, `found only ${seen} code literals: is the pattern still right?`);
  assert.deepEqual(unknown, []);
});

test('AppError takes its status from the registry and serializes to {code, message, details?}', () => {
  for (const code of CODES) {
    const e = new AppError(code, `test ${code}`);
    assert.equal(e.status, ERROR_REGISTRY[code][0]);
    assert.equal(httpStatusOf(code), e.status);
    assert.deepEqual(e.toJSON(), { code, message: `test ${code}` });
    assert.ok(isAppError(e, code));
  }
  const cause = new Error('root');
  const e = new AppError('ERR_LEDGER_REPLAY', 'nonce 3 is not greater than 7', { cause, details: { lastNonce: 7 } });
  assert.equal(e.name, 'AppError');
  assert.equal(e.cause, cause);
  assert.deepEqual(e.toJSON(), { code: 'ERR_LEDGER_REPLAY', message: 'nonce 3 is not greater than 7', details: { lastNonce: 7 } });
  assert.equal(isErrorCode('ERR_NOPE_NOPE'), false);
  assert.equal(isErrorCode('toString'), false);
  assert.equal(isAppError(new Error('x')), false);
});
