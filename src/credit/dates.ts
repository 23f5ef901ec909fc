/** Calendar dates (`YYYY-MM-DD`, UTC) as the credit module uses them: pure, no wall clock. */
import { AppError } from '../errors.ts';

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * The UTC midnight (ms since the epoch) of a real calendar date.
 * @throws ERR_CREDIT_BAD_DATES for a malformed or impossible date (2026-02-30)
 */
export function dateMs(date: string, field = 'date'): number {
  const known = parsedDates.get(date);
  if (known !== undefined) return known;
  const m = /^([0-9]{4})-([0-9]{2})-([0-9]{2})$/.exec(date);
  const ms = m === null ? NaN : Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  if (Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== date)
    throw new AppError(
      'ERR_CREDIT_BAD_DATES',
      `"${field}" is not a real date: ${JSON.stringify(date)}`,
    );
  if (parsedDates.size >= MAX_PARSED_DATES) parsedDates.clear();
  parsedDates.set(date, ms);
  return ms;
}

/** Real dates parsed so far (records share few distinct dates; the answer depends on the text alone). */
const parsedDates = new Map<string, number>();
const MAX_PARSED_DATES = 65_536;

/** The UTC calendar date of a time (ms). */
export function dateOf(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** `date` plus `days` days. */
export function addDays(date: string, days: number): string {
  return dateOf(dateMs(date) + days * DAY_MS);
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return Math.round((dateMs(to) - dateMs(from)) / DAY_MS);
}
