import { describe, expect, it } from "vitest";
import {
  parseAnchorHistory,
  periodInSchedule,
  sameAnchorPeriods,
  scheduleOf,
  scheduleSince,
} from "@/lib/billing/schedule";

const ms = (iso: string) => Date.parse(iso);
const iso = (p: { startMs: number; endMs: number }) => [
  new Date(p.startMs).toISOString(),
  new Date(p.endMs).toISOString(),
];

describe("billing schedule across anchor changes", () => {
  // Calendar months until Mar 1, the 15th until Apr 15, the 20th at 06:00 since.
  const s = scheduleOf(ms("2026-01-20T06:00:00Z"), [
    // moved on Mar 5: the 15th's first period is Mar 1 – Mar 15
    { untilMs: ms("2026-03-01T00:00:00Z"), anchorMs: null, nextFirstEndMs: ms("2026-03-15T00:00:00Z") },
    // moved on Apr 16: the 20th-at-06:00's first period is Apr 15 – Apr 20 06:00
    {
      untilMs: ms("2026-04-15T00:00:00Z"),
      anchorMs: ms("2026-01-15T00:00:00Z"),
      nextFirstEndMs: ms("2026-04-20T06:00:00Z"),
    },
  ]);

  it("draws each instant's period under the anchor of its time, clipped where the anchor changed", () => {
    expect(iso(periodInSchedule(ms("2026-02-10T00:00:00Z"), s))).toEqual([
      "2026-02-01T00:00:00.000Z",
      "2026-03-01T00:00:00.000Z",
    ]);
    expect(iso(periodInSchedule(ms("2026-03-01T00:00:00Z"), s))).toEqual([
      "2026-03-01T00:00:00.000Z",
      "2026-03-15T00:00:00.000Z",
    ]);
    expect(iso(periodInSchedule(ms("2026-04-14T23:59:59.999Z"), s))).toEqual([
      "2026-03-15T00:00:00.000Z",
      "2026-04-15T00:00:00.000Z",
    ]);
    expect(iso(periodInSchedule(ms("2026-04-15T00:00:00Z"), s))).toEqual([
      "2026-04-15T00:00:00.000Z",
      "2026-04-20T06:00:00.000Z",
    ]);
    expect(iso(periodInSchedule(ms("2026-05-01T00:00:00Z"), s))).toEqual([
      "2026-04-20T06:00:00.000Z",
      "2026-05-20T06:00:00.000Z",
    ]);
    expect(iso(periodInSchedule(ms("1999-12-31T23:59:59Z"), s))).toEqual([
      "1999-12-01T00:00:00.000Z",
      "2000-01-01T00:00:00.000Z",
    ]);
    expect(scheduleSince(s)).toBe(ms("2026-04-15T00:00:00Z"));
  });

  it("periods tile time: each one ends where the next starts, across both changes", () => {
    let at = ms("2025-12-01T00:00:00Z");
    const starts: string[] = [];
    while (at < ms("2026-07-01T00:00:00Z")) {
      const p = periodInSchedule(at, s);
      expect(p.startMs).toBe(at);
      expect(p.endMs).toBeGreaterThan(at);
      starts.push(new Date(at).toISOString().slice(0, 13));
      at = p.endMs;
    }
    expect(starts).toEqual([
      "2025-12-01T00",
      "2026-01-01T00",
      "2026-02-01T00",
      "2026-03-01T00",
      "2026-03-15T00",
      "2026-04-15T00",
      "2026-04-20T06",
      "2026-05-20T06",
      "2026-06-20T06",
    ]);
  });

  it("a first period drawn after its natural end runs on to the period open at the change", () => {
    // Moved on Mar 16 from calendar months to the 15th: the period open right after the move
    // covers Mar 1 – Apr 15, so a delayed event of Mar 10 is not filed in a period never open.
    const moved = scheduleOf(ms("2026-01-15T00:00:00Z"), [
      { untilMs: ms("2026-03-01T00:00:00Z"), anchorMs: null, nextFirstEndMs: ms("2026-04-15T00:00:00Z") },
    ]);
    for (const at of ["2026-03-01T00:00:00Z", "2026-03-10T00:00:00Z", "2026-04-14T23:59:59.999Z"]) {
      expect(iso(periodInSchedule(ms(at), moved)), at).toEqual([
        "2026-03-01T00:00:00.000Z",
        "2026-04-15T00:00:00.000Z",
      ]);
    }
    expect(iso(periodInSchedule(ms("2026-04-15T00:00:00Z"), moved))).toEqual([
      "2026-04-15T00:00:00.000Z",
      "2026-05-15T00:00:00.000Z",
    ]);
  });

  it("without history is the current anchor's periods", () => {
    expect(iso(periodInSchedule(ms("2026-02-10T00:00:00Z"), scheduleOf(null, null)))).toEqual([
      "2026-02-01T00:00:00.000Z",
      "2026-03-01T00:00:00.000Z",
    ]);
    expect(scheduleSince(scheduleOf(null, null))).toBeNull();
  });

  it("knows which anchors draw the same periods", () => {
    expect(sameAnchorPeriods(ms("2026-01-15T00:00:00Z"), ms("2026-03-15T00:00:00Z"))).toBe(true);
    expect(sameAnchorPeriods(null, ms("2026-05-01T00:00:00Z"))).toBe(true);
    expect(sameAnchorPeriods(null, null)).toBe(true);
    // Feb 28 is one of a Jan 31 anchor's boundaries, but the 31st is not one of the 28th's.
    expect(sameAnchorPeriods(ms("2026-01-31T00:00:00Z"), ms("2026-02-28T00:00:00Z"))).toBe(false);
    expect(sameAnchorPeriods(ms("2026-01-15T00:00:00Z"), ms("2026-01-15T00:00:01Z"))).toBe(false);
    expect(sameAnchorPeriods(null, ms("2026-05-01T00:00:01Z"))).toBe(false);
  });

  it("refuses a stored history of the wrong shape instead of reading it as calendar months", () => {
    expect(parseAnchorHistory(null)).toBeNull();
    expect(parseAnchorHistory('[{"untilMs": 1000, "anchorMs": null, "nextFirstEndMs": 2000}]')).toEqual([
      { untilMs: 1000, anchorMs: null, nextFirstEndMs: 2000 },
    ]);
    for (const bad of [
      "{}",
      [{ untilMs: "1000", anchorMs: null, nextFirstEndMs: 2000 }],
      [{ anchorMs: null, nextFirstEndMs: 2000 }],
      [{ untilMs: 1000, anchorMs: "x", nextFirstEndMs: 2000 }],
      [{ untilMs: 1000, anchorMs: null }],
      [{ untilMs: 1000, anchorMs: null, nextFirstEndMs: 1000 }],
      [
        { untilMs: 2000, anchorMs: null, nextFirstEndMs: 3000 },
        { untilMs: 1000, anchorMs: null, nextFirstEndMs: 3000 },
      ],
      [null],
    ]) {
      expect(() => parseAnchorHistory(bad), JSON.stringify(bad)).toThrow(/billing_anchor_history/);
    }
  });
});
