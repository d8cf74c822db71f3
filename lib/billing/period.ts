// Billing periods as Stripe computes them for monthly subscriptions: periods start on
// the anchor's day-of-month and time (UTC); in months without that day, on the month's
// last day (https://docs.stripe.com/billing/subscriptions/billing-cycle). Without an
// anchor, the UTC calendar month.
//
// The arithmetic is on epoch milliseconds, without Date objects: ingest computes a period
// for every (customer, event-time) it meets, and under Next.js every `new Date` goes
// through a tracking wrapper that made Date-based periods a measurable share of ingest CPU.

import { daysInMonth, utcMs } from "@/lib/time/calendar";

export interface BillingPeriod {
  start: Date;
  end: Date;
}

export interface PeriodMs {
  startMs: number;
  endMs: number;
}

const DAY_MS = 86_400_000;

/**
 * A monthly period is at most 31 days long, so a period open at `now` started after
 * `now − OPEN_PERIOD_LOOKBACK_MS`: reads that must find the open period before they know the
 * customer's anchor fetch rows of periods starting in (now − this, now]. The one exception is
 * the first period after an anchor change, which can be longer: those reads also fetch the
 * period starting where the current anchor starts (`currentRegimeStartSql`, schedule.ts).
 */
export const OPEN_PERIOD_LOOKBACK_MS = 32 * DAY_MS;

/** UTC year and month (0–11) of an instant (H. Hinnant's days-to-civil algorithm). */
function yearMonthOf(ms: number): { year: number; month: number; day: number } {
  const z = Math.floor(ms / DAY_MS) + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 2 : mp - 10;
  return { year: yoe + era * 400 + (month <= 1 ? 1 : 0), month, day };
}

/** The anchor's day of month and time of day, which every period boundary repeats. */
interface AnchorParts {
  day: number;
  timeMs: number;
}

const CALENDAR: AnchorParts = { day: 1, timeMs: 0 };
const anchorCache = new Map<number, AnchorParts>();

function anchorParts(anchorMs: number | null): AnchorParts {
  if (anchorMs === null) return CALENDAR;
  let parts = anchorCache.get(anchorMs);
  if (!parts) {
    const timeMs = ((anchorMs % DAY_MS) + DAY_MS) % DAY_MS;
    parts = { day: yearMonthOf(anchorMs).day, timeMs };
    if (anchorCache.size >= 10_000) anchorCache.clear();
    anchorCache.set(anchorMs, parts);
  }
  return parts;
}

/** The anchored instant in a given month (month may be out of 0..11; it is normalized). */
function anchoredIn(year: number, month: number, a: AnchorParts): number {
  const y = year + Math.floor(month / 12);
  const m = ((month % 12) + 12) % 12;
  return utcMs(y, m, Math.min(a.day, daysInMonth(y, m))) + a.timeMs;
}

/** The billing period that contains the instant `tsMs`, for an anchor in epoch ms (null: calendar month). */
export function periodForMs(tsMs: number, anchorMs: number | null): PeriodMs {
  const a = anchorParts(anchorMs);
  const { year, month } = yearMonthOf(tsMs);
  let startMs = anchoredIn(year, month, a);
  let offset = 0;
  if (startMs > tsMs) {
    offset = -1;
    startMs = anchoredIn(year, month - 1, a);
  }
  return { startMs, endMs: anchoredIn(year, month + offset + 1, a) };
}

/** The billing period that contains `ts`. */
export function periodFor(ts: Date, anchor: Date | null | undefined): BillingPeriod {
  const p = periodForMs(ts.getTime(), anchor ? anchor.getTime() : null);
  return { start: new Date(p.startMs), end: new Date(p.endMs) };
}

/** The period right after `period` (same anchor). */
export function nextPeriod(period: BillingPeriod, anchor: Date | null | undefined): BillingPeriod {
  return periodFor(period.end, anchor);
}
