// Proleptic Gregorian calendar arithmetic in UTC on epoch milliseconds, shared by the billing
// periods and the ingest timestamp parser.

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const FOUR_CENTURIES_MS = 146_097 * 86_400_000;

/** Days in `month` (0–11) of `year`. */
export function daysInMonth(year: number, month: number): number {
  if (month !== 1) return MONTH_DAYS[month];
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
}

/**
 * `Date.UTC` for every year: Date.UTC reads years 0–99 as 1900–1999, so those are counted
 * from 400 years on (a whole cycle of 146,097 days) and stepped back. Month may be out of
 * 0–11, as with Date.UTC.
 */
export function utcMs(year: number, month: number, day = 1, h = 0, mi = 0, s = 0, ms = 0): number {
  return year >= 0 && year < 100
    ? Date.UTC(year + 400, month, day, h, mi, s, ms) - FOUR_CENTURIES_MS
    : Date.UTC(year, month, day, h, mi, s, ms);
}
