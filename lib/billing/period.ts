// Billing periods as Stripe computes them for monthly subscriptions: periods start on
// the anchor's day-of-month and time (UTC); in months without that day, on the month's
// last day (https://docs.stripe.com/billing/subscriptions/billing-cycle). Without an
// anchor, the UTC calendar month.

export interface BillingPeriod {
  start: Date;
  end: Date;
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
}

/** The anchored instant in a given month (month may be out of 0..11; it is normalized). */
function anchoredIn(year: number, month: number, anchor: Date): Date {
  const first = new Date(Date.UTC(year, month, 1));
  const y = first.getUTCFullYear();
  const m = first.getUTCMonth();
  const day = Math.min(anchor.getUTCDate(), daysInMonth(y, m));
  return new Date(
    Date.UTC(
      y,
      m,
      day,
      anchor.getUTCHours(),
      anchor.getUTCMinutes(),
      anchor.getUTCSeconds(),
      anchor.getUTCMilliseconds(),
    ),
  );
}

const CALENDAR_ANCHOR = new Date(Date.UTC(2000, 0, 1));

/** The billing period that contains `ts`. */
export function periodFor(ts: Date, anchor: Date | null | undefined): BillingPeriod {
  const a = anchor ?? CALENDAR_ANCHOR;
  const y = ts.getUTCFullYear();
  const m = ts.getUTCMonth();
  let offset = 0;
  let start = anchoredIn(y, m, a);
  if (start.getTime() > ts.getTime()) {
    offset = -1;
    start = anchoredIn(y, m - 1, a);
  }
  const end = anchoredIn(y, m + offset + 1, a);
  return { start, end };
}

/** The period right after `period` (same anchor). */
export function nextPeriod(period: BillingPeriod, anchor: Date | null | undefined): BillingPeriod {
  return periodFor(period.end, anchor);
}
