// A customer's billing periods across billing-anchor changes.
//
// Periods follow the current anchor (lib/billing/period.ts), but an anchor change must not move
// the periods already billed: usage filed in February under the old anchor stays in February,
// and an event for February that arrives after the change must land there too, not in a
// period the new anchor would have drawn across February. So a change records the regime it
// ends: the old anchor and the instant it stops applying ("until"), which is the start of the
// period that was open when the anchor changed (that period holds no usage: the change is
// refused otherwise, lib/customers/update-customer.ts). The new anchor applies from there on;
// its first period starts at that instant and ends where the new anchor's period containing the
// moment of the change ends (`nextFirstEndMs`): the period open right after the change covers
// everything since the old open period's start, so no usage of that stretch can fall into a
// period that was never open (moved on Mar 16 from calendar months to the 15th: Mar 1 – Apr 15).
//
// The history is stored with the customer (`customers.billing_anchor_history`, oldest first)
// and is null for a customer whose anchor never changed after it had usage, the common case.
import { fromEpochMs } from "@/lib/db/epoch-ms";
import { type BillingPeriod, type PeriodMs, periodForMs } from "./period";

export interface AnchorRegime {
  /** The regime's anchor (epoch ms; null: UTC calendar months). */
  anchorMs: number | null;
  /** It applies to instants before this one (and from the previous regime's `untilMs` on). */
  untilMs: number;
  /** Where the next regime's first period (from `untilMs`) ends. */
  nextFirstEndMs: number;
}

export interface BillingSchedule {
  /** The current anchor (epoch ms; null: UTC calendar months). */
  anchorMs: number | null;
  /** Earlier regimes, oldest first; the last one's `untilMs` is where the current anchor starts. */
  history: readonly AnchorRegime[] | null;
}

/** Where the current anchor starts applying (null: everywhere). */
export function scheduleSince(s: BillingSchedule): number | null {
  return s.history && s.history.length > 0 ? s.history[s.history.length - 1].untilMs : null;
}

/**
 * SQL: where the current anchor's first period starts (the last regime's `untilMs`), from the
 * customer's `billing_anchor_history` column; NULL without history. That first period runs
 * from the open period at the change to the new anchor's next boundary, so it can last up to
 * 62 days (longer if the anchor moves again while it is empty): reads that look for the open
 * period among periods starting in the last OPEN_PERIOD_LOOKBACK_MS must also take this one.
 */
export const currentRegimeStartSql = (historyColumn: string): string =>
  fromEpochMs(`(${historyColumn} -> -1 ->> 'untilMs')::bigint`);

/** The billing period containing the instant `tsMs`. */
export function periodInSchedule(tsMs: number, s: BillingSchedule): PeriodMs {
  const history = s.history ?? [];
  let i = 0; // the regime of tsMs: history[i], or the current anchor when i === history.length
  while (i < history.length && tsMs >= history[i].untilMs) i++;
  const anchorMs = i < history.length ? history[i].anchorMs : s.anchorMs;
  const fromMs = i > 0 ? history[i - 1].untilMs : null;
  const untilMs = i < history.length ? history[i].untilMs : null;
  if (i > 0 && tsMs < history[i - 1].nextFirstEndMs) {
    const firstEnd = history[i - 1].nextFirstEndMs;
    return { startMs: fromMs as number, endMs: untilMs !== null && untilMs < firstEnd ? untilMs : firstEnd };
  }
  return clip(periodForMs(tsMs, anchorMs), fromMs, untilMs);
}

/** periodInSchedule as Dates. */
export function billingPeriodAt(at: Date, s: BillingSchedule): BillingPeriod {
  const p = periodInSchedule(at.getTime(), s);
  return { start: new Date(p.startMs), end: new Date(p.endMs) };
}

function clip(p: PeriodMs, from: number | null, until: number | null): PeriodMs {
  const startMs = from !== null && p.startMs < from ? from : p.startMs;
  const endMs = until !== null && p.endMs > until ? until : p.endMs;
  return startMs === p.startMs && endMs === p.endMs ? p : { startMs, endMs };
}

/**
 * The history column as stored (a JSON array of `{ untilMs, anchorMs }`), checked: a row that
 * does not have this shape is an error, never silently a calendar month.
 */
export function parseAnchorHistory(raw: unknown): AnchorRegime[] | null {
  if (raw === null || raw === undefined) return null;
  const value = typeof raw === "string" ? (JSON.parse(raw) as unknown) : raw;
  if (!Array.isArray(value)) throw new Error("billing_anchor_history: not an array");
  let previous = Number.NEGATIVE_INFINITY;
  return value.map((r: unknown) => {
    const { untilMs, anchorMs, nextFirstEndMs } = (r ?? {}) as Record<string, unknown>;
    if (!Number.isSafeInteger(untilMs) || (untilMs as number) <= previous) {
      throw new Error("billing_anchor_history: untilMs missing or not increasing");
    }
    if (anchorMs !== null && !Number.isSafeInteger(anchorMs)) throw new Error("billing_anchor_history: bad anchorMs");
    if (!Number.isSafeInteger(nextFirstEndMs) || (nextFirstEndMs as number) <= (untilMs as number)) {
      throw new Error("billing_anchor_history: nextFirstEndMs missing or not after untilMs");
    }
    previous = untilMs as number;
    return {
      untilMs: untilMs as number,
      anchorMs: anchorMs as number | null,
      nextFirstEndMs: nextFirstEndMs as number,
    };
  });
}

/** A schedule from a customer row's anchor (Date or epoch ms) and stored history. */
export function scheduleOf(anchor: Date | number | null | undefined, history: unknown): BillingSchedule {
  const anchorMs =
    anchor === null || anchor === undefined ? null : typeof anchor === "number" ? anchor : anchor.getTime();
  return { anchorMs, history: parseAnchorHistory(history) };
}

/** The same periods: same day of month and time of day (or both calendar months). */
export function sameAnchorPeriods(a: number | null, b: number | null): boolean {
  // Calendar months are the periods of an anchor on the 1st at midnight (epoch 0 is one).
  const x = a ?? 0;
  const y = b ?? 0;
  // Two anchors draw the same boundaries when each is a boundary of the other's (one way is
  // not enough: Feb 28 is a boundary of a Jan 31 anchor, whose Mar 31 is not one of Feb 28's).
  return periodForMs(y, x).startMs === y && periodForMs(x, y).startMs === x;
}
