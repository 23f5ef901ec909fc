/**
 * A byte scanner for personal data (DESIGN.md Principle 1): each personal value becomes a set of
 * needles, one per encoding a careless implementation could store it in (UTF-8 as given, lower
 * and upper case; UTF-16 LE and BE; hex of the UTF-8 bytes, lower and upper; base64 and base64url
 * of the UTF-8 bytes at each of the three byte alignments), and haystacks are the raw bytes of
 * files (an SQLite database with its `-wal`, `-shm` and `-journal`) and every cell of every table
 * of a database, decoded: text as UTF-8, blobs as they are, and the strings inside any cell that is
 * JSON (so a value stored with `\uXXXX` escapes is still seen). Raw bytes and decoded cells are both
 * needed: a long cell is split across overflow pages on disk, and a deleted value may linger in a
 * free page or an old WAL frame that no query returns.
 *
 * @example
 * const found = findNeedles(personNeedles(PEOPLE), [...fileHaystacks(sqliteFiles(db)), ...cellHaystacks(db)]);
 * assert.deepEqual(found, []);
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename } from 'node:path';
import Database from 'better-sqlite3';

/** A byte string to look for, with the name of the value and encoding it stands for. */
export interface Needle {
  readonly label: string;
  readonly bytes: Buffer;
  /**
   * Matches only where no ASCII letter or digit touches it on either side: for short all-digit
   * values, which hex hashes and decimal numbers would otherwise contain by chance. A compact
   * birth date (`19900307`, 8 digits) sits at a given place of a hex hash with probability 16^-8,
   * so a ledger with a MiB of hex would show one of four such dates about one run in a thousand;
   * a leaked value is delimited (a JSON string, a field), so the boundary costs little.
   * Its other encodings (16 hex digits, 16 bytes of UTF-16, 9 or more base64 characters) and the
   * `YYYY-MM-DD` form (10 bytes; any date a ledger writes is of its own time, not of a birth year)
   * are matched anywhere.
   */
  readonly standalone?: boolean;
}

/** Bytes to search, and where they come from (shown in findings). */
export interface Haystack {
  readonly where: string;
  readonly bytes: Buffer;
}

/**
 * Shortest needle scanned. A needle of n bytes turns up by chance in L random bytes (ciphertext,
 * hashes) with probability about L·2^(-8n): for the few MiB a test folder holds, 2^-26 at n = 6,
 * but about 2^-8 at n = 4, the UTF-16 form of a two-character Chinese name. A test that fails one
 * run in a few hundred is worse than none, so 4- and 5-byte forms are not scanned alone; the same
 * name is still scanned in UTF-8 (3 bytes a character), in every other encoding, and inside the
 * full name in UTF-16.
 */
export const MIN_NEEDLE_BYTES = 6;

/**
 * The base64 (or base64url) text of `bytes` as it appears inside the encoding of a longer byte
 * string in which `bytes` starts at offset `k` mod 3: the characters that depend only on `bytes`
 * (the leading ones that mix in the preceding byte and the trailing ones that mix in the next,
 * or padding, are cut off).
 */
export function base64Window(bytes: Buffer, k: 0 | 1 | 2, url = false): string {
  const text = Buffer.concat([Buffer.alloc(k), bytes]).toString(url ? 'base64url' : 'base64');
  const start = Math.ceil((8 * k) / 6);
  const end = Math.floor((8 * (k + bytes.length)) / 6);
  return text.replace(/=+$/, '').slice(start, end);
}

/** The needles of one value, in every encoding (deduplicated, shorter ones than the floor dropped). */
export function encodingsOf(label: string, value: string): Needle[] {
  const u8 = Buffer.from(value, 'utf8');
  const be = Buffer.from(value, 'utf16le').swap16();
  const forms: [string, Buffer][] = [
    ['utf8', u8],
    ['utf8-lower', Buffer.from(value.toLowerCase(), 'utf8')],
    ['utf8-upper', Buffer.from(value.toUpperCase(), 'utf8')],
    ['utf16le', Buffer.from(value, 'utf16le')],
    ['utf16be', be],
    ['hex', Buffer.from(u8.toString('hex'))],
    ['HEX', Buffer.from(u8.toString('hex').toUpperCase())],
  ];
  for (const k of [0, 1, 2] as const) {
    forms.push([`base64@${k}`, Buffer.from(base64Window(u8, k))]);
    forms.push([`base64url@${k}`, Buffer.from(base64Window(u8, k, true))]);
  }
  const digitsOnly = /^[0-9]+$/.test(value);
  const seen = new Set<string>();
  const out: Needle[] = [];
  for (const [form, bytes] of forms) {
    const key = bytes.toString('hex');
    if (bytes.length < MIN_NEEDLE_BYTES || seen.has(key)) continue;
    seen.add(key);
    // Only the plain text of an all-digit value is short and common enough to need a boundary.
    const standalone = digitsOnly && form.startsWith('utf8') && bytes.length < 12;
    out.push({ label: `${label}/${form}`, bytes, ...(standalone ? { standalone } : {}) });
  }
  return out;
}

/** A person's details, as the identity authority takes them. */
export interface PersonValues {
  readonly familyName: string;
  readonly givenName: string;
  readonly idNumber: string;
  readonly birthdate: string;
}

/**
 * The personal values of each person: family name, given name, the full name (joined as written
 * in Chinese, and with a space either way round), the ID number (and its 17 digits before the
 * check character), the birth date as `YYYY-MM-DD` and as `YYYYMMDD`.
 */
export function personValues(people: readonly PersonValues[]): Map<string, string> {
  const out = new Map<string, string>();
  people.forEach((p, i) => {
    const at = `person${i}`;
    out.set(`${at}.familyName`, p.familyName);
    out.set(`${at}.givenName`, p.givenName);
    out.set(`${at}.fullName`, p.familyName + p.givenName);
    out.set(`${at}.fullName-spaced`, `${p.familyName} ${p.givenName}`);
    out.set(`${at}.fullName-western`, `${p.givenName} ${p.familyName}`);
    out.set(`${at}.idNumber`, p.idNumber);
    out.set(`${at}.idNumber-17`, p.idNumber.slice(0, 17));
    out.set(`${at}.birthdate`, p.birthdate);
    out.set(`${at}.birthdate-compact`, p.birthdate.replaceAll('-', ''));
  });
  return out;
}

/** Every needle of every value. */
export function needlesOf(values: ReadonlyMap<string, string>): Needle[] {
  return [...values].flatMap(([label, value]) => encodingsOf(label, value));
}

/** The needles of {@link personValues}. */
export function personNeedles(people: readonly PersonValues[]): Needle[] {
  return needlesOf(personValues(people));
}

const isAlnum = (b: number | undefined): boolean =>
  b !== undefined &&
  ((b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a));

/** Whether `needle` occurs in `hay` (for a standalone needle, with no letter or digit touching it). */
export function occursIn(needle: Needle, hay: Buffer): boolean {
  if (needle.standalone !== true) return hay.includes(needle.bytes);
  for (let i = hay.indexOf(needle.bytes); i >= 0; i = hay.indexOf(needle.bytes, i + 1))
    if (!isAlnum(hay[i - 1]) && !isAlnum(hay[i + needle.bytes.length])) return true;
  return false;
}

/** `"<needle label> in <where>"` for every needle found in a haystack. */
export function findNeedles(needles: readonly Needle[], haystacks: readonly Haystack[]): string[] {
  const found: string[] = [];
  for (const n of needles)
    for (const h of haystacks) if (occursIn(n, h.bytes)) found.push(`${n.label} in ${h.where}`);
  return found;
}

/** The files of an SQLite database that exist: the database, its WAL, shared memory and journal. */
export function sqliteFiles(dbPath: string): string[] {
  return ['', '-wal', '-shm', '-journal'].map((s) => dbPath + s).filter((p) => existsSync(p));
}

/** The whole bytes of each file. */
export function fileHaystacks(paths: readonly string[]): Haystack[] {
  return paths.map((p) => ({ where: `file ${basename(p)}`, bytes: readFileSync(p) }));
}

/** Every string inside a JSON value (property names too). */
function stringsIn(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(stringsIn);
  if (value !== null && typeof value === 'object')
    return Object.entries(value).flatMap(([k, v]) => [k, ...stringsIn(v)]);
  return [];
}

/** The strings of a text that is JSON, one a line; undefined when it is not JSON. */
export function jsonStrings(text: string): string | undefined {
  const t = text.trimStart();
  if (!t.startsWith('{') && !t.startsWith('[') && !t.startsWith('"')) return undefined;
  try {
    return stringsIn(JSON.parse(t)).join('\n');
  } catch (err) {
    if (err instanceof SyntaxError) return undefined; // not JSON: its raw bytes are scanned already
    throw err;
  }
}

/** A cell's bytes, and the strings inside it when it is JSON text (or a blob of JSON). */
function cellHaystack(where: string, cell: unknown): Haystack[] {
  if (cell === null || cell === undefined) return [];
  const raw = Buffer.isBuffer(cell) ? cell : Buffer.from(String(cell), 'utf8');
  const out: Haystack[] = [{ where, bytes: raw }];
  const decoded = jsonStrings(raw.toString('utf8'));
  if (decoded !== undefined) out.push({ where: `${where} (JSON)`, bytes: Buffer.from(decoded) });
  return out;
}

/**
 * Every cell of every table of an SQLite database (opened read-only, so it can be read while its
 * owner has it open in WAL mode), one haystack per table and kind: raw cell bytes joined with a
 * zero byte between cells (which no needle holds, so no match spans two cells), and JSON strings.
 */
export function cellHaystacks(dbPath: string): Haystack[] {
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  try {
    const tables = db
      .prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table'")
      .all();
    const out: Haystack[] = [];
    for (const { name } of tables) {
      const parts = new Map<string, Buffer[]>();
      const rows = db.prepare(`SELECT * FROM "${name.replaceAll('"', '""')}"`).raw();
      for (const row of rows.iterate() as Iterable<unknown[]>)
        for (const cell of row)
          for (const h of cellHaystack(`table ${name}`, cell)) {
            const list = parts.get(h.where) ?? [];
            list.push(h.bytes, Buffer.alloc(1));
            parts.set(h.where, list);
          }
      for (const [where, list] of parts) out.push({ where, bytes: Buffer.concat(list) });
    }
    return out;
  } finally {
    db.close();
  }
}

/**
 * Lines of text (a log): all of them raw, and the strings inside each line that is JSON (pino
 * writes one JSON object a line; a value it escaped as `\uXXXX` is seen decoded).
 */
export function lineHaystacks(where: string, lines: readonly string[]): Haystack[] {
  const decoded = lines.flatMap((l) => jsonStrings(l) ?? []);
  return [
    { where, bytes: Buffer.from(lines.join('\n')) },
    { where: `${where} (JSON)`, bytes: Buffer.from(decoded.join('\n')) },
  ];
}

/** The raw files and the decoded cells of one SQLite database. */
export function sqliteHaystacks(dbPath: string): Haystack[] {
  return [...fileHaystacks(sqliteFiles(dbPath)), ...cellHaystacks(dbPath)];
}
