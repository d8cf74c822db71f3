// A billing-anchor change keeps the periods already drawn (lib/billing/schedule.ts): events
// for earlier periods, late or not, land where they would have without the change, and every
// read agrees on the periods. Audit 9 found events filed into periods that never existed.
import { describe, expect, it } from "vitest";
import { POST as postAdjustment } from "@/app/api/v1/adjustments/route";
import { POST as createPriceRoute } from "@/app/api/v1/prices/route";
import { createAdjustment } from "@/lib/adjustments/create-adjustment";
import { toCustomerDto } from "@/lib/customers/schemas";
import { updateCustomer } from "@/lib/customers/update-customer";
import { db } from "@/lib/db/client";
import { getPgPool } from "@/lib/db/pg-pool";
import { ingestEvents } from "@/lib/ingest/ingest-events";
import { formatDecimal } from "@/lib/ingest/normalize";
import { projectUsage } from "@/lib/projection/project-usage";
import { getCurrentUsage } from "@/lib/usage/get-current-usage";
import { verifyCounters } from "@/lib/usage/verify-counters";
import { createMeterRow, expectCountersVerified, verifyCountersAfterEach } from "../helpers/ingest";
import { callRoute } from "../helpers/route";
import { createTestTenant } from "../helpers/tenant";

verifyCountersAfterEach();

const ev = (ts: string, quantity: number, idempotencyKey: string) => ({
  metric: "calls",
  customerRef: "c",
  quantity,
  ts,
  idempotencyKey,
});
const ingest = (tenantId: string, now: string, events: ReturnType<typeof ev>[]) =>
  ingestEvents({ tenantId, events, now: new Date(now) });
const move = (tenantId: string, billingAnchor: string | null, now: string) =>
  updateCustomer({
    tenantId,
    customerRef: "c",
    input: { billingAnchor },
    actor: { type: "api_key", id: "key_test" },
    now: new Date(now),
  });

/** Every counter of customer "c": period → value. */
async function counters(tenantId: string): Promise<Record<string, string>> {
  const r = await getPgPool().query<{ period_start: Date; period_end: Date; value: string }>(
    "SELECT period_start, period_end, value::text AS value FROM counters WHERE tenant_id = $1 AND customer_ref = 'c' ORDER BY period_start",
    [tenantId],
  );
  return Object.fromEntries(
    r.rows.map((x) => [`${x.period_start.toISOString()}/${x.period_end.toISOString()}`, formatDecimal(x.value)]),
  );
}

/** A calendar-month customer with 100 units on Feb 10, then its anchor moved to the 15th on Mar 16. */
async function movedCustomer() {
  const t = await createTestTenant();
  await ingest(t.tenantId, "2026-02-20T00:00:00Z", [ev("2026-02-10T00:00:00Z", 100, "feb")]);
  const moved = await move(t.tenantId, "2026-01-15T00:00:00Z", "2026-03-16T00:00:00Z");
  return { t, moved };
}

describe("billing-anchor changes keep the periods already drawn", () => {
  it("an event of a closed period past its window stays late and reaches the open period", async () => {
    const { t, moved } = await movedCustomer();
    // The open period (Mar 1 – Apr 1, empty) is redrawn: the 15th's first period runs from
    // Mar 1 to the end of the 15th's period open at the move, Apr 15.
    expect(moved.currentPeriod).toEqual({ start: "2026-03-01T00:00:00.000Z", end: "2026-04-15T00:00:00.000Z" });
    const NOW = "2026-03-16T01:00:00Z";
    const out = await ingest(t.tenantId, NOW, [
      ev("2026-02-20T00:00:00Z", 5, "feb-late"),
      // delayed, of before the move: in the open period, not in a Mar 1 – Mar 15 never open
      ev("2026-03-10T00:00:00Z", 7, "mar-delayed"),
    ]);
    expect(out.results[1].late).toBeUndefined();
    // February's window closed on Mar 3: late, and added to the open period, as without the move.
    expect(out.results[0]).toMatchObject({ status: "accepted", late: true });
    const current = await getCurrentUsage({ tenantId: t.tenantId, customerRef: "c", now: new Date(NOW) });
    expect(current.period).toEqual({ start: "2026-03-01T00:00:00.000Z", end: "2026-04-15T00:00:00.000Z" });
    expect(current.metrics).toEqual([{ metric: "calls", aggregation: "sum", value: "12", unit: null }]);
    expect(await counters(t.tenantId)).toEqual({
      "2026-02-01T00:00:00.000Z/2026-03-01T00:00:00.000Z": "100",
      "2026-03-01T00:00:00.000Z/2026-04-15T00:00:00.000Z": "12",
    });
    // and the 15th's natural periods follow
    await ingest(t.tenantId, "2026-04-16T00:00:00Z", [ev("2026-04-15T00:00:00Z", 1, "apr")]);
    expect(Object.keys(await counters(t.tenantId))).toContain("2026-04-15T00:00:00.000Z/2026-05-15T00:00:00.000Z");
    await expectCountersVerified(t.tenantId);
  });

  it("usage/current and the projection read the new anchor's first period to its end, past 32 days", async () => {
    // Moved on Mar 16 to the 15th: the open period runs Mar 1 – Apr 15 (45 days). Its counter
    // starts more than 32 days before Apr 10; the reads must still find it.
    const { t } = await movedCustomer();
    await ingest(t.tenantId, "2026-03-20T00:00:00Z", [ev("2026-03-20T00:00:00Z", 7, "mar")]);
    await createAdjustment({
      tenantId: t.tenantId,
      input: { metric: "calls", customerRef: "c", delta: "3", reason: "credit back" },
      actor: { type: "api_key", id: "key_test" },
      now: new Date("2026-04-09T00:00:00Z"),
    });
    const priced = await callRoute(createPriceRoute, {
      method: "POST",
      path: "/api/v1/prices",
      key: t.apiKey,
      body: { metric: "calls", currency: "usd", billing_scheme: "per_unit", unit_amount: 2 },
    });
    expect(priced.status).toBe(201);
    const at = new Date("2026-04-10T00:00:00Z");
    const current = await getCurrentUsage({ tenantId: t.tenantId, customerRef: "c", now: at });
    expect(current.period).toEqual({ start: "2026-03-01T00:00:00.000Z", end: "2026-04-15T00:00:00.000Z" });
    expect(current.metrics).toEqual([{ metric: "calls", aggregation: "sum", value: "10", unit: null }]);
    const projection = await projectUsage({ tenantId: t.tenantId, customerRef: "c", now: at });
    expect(projection.period).toEqual(current.period);
    expect(projection.lineItems[0]).toMatchObject({ metric: "calls", quantity: "10", amount: 20 });
    expect(Number(projection.lineItems[0].projectedQuantity)).toBeGreaterThanOrEqual(10);
    await expectCountersVerified(t.tenantId);
  });

  it("an event of the last closed period within its window lands in that period, as it was drawn", async () => {
    const t = await createTestTenant();
    await ingest(t.tenantId, "2026-02-20T00:00:00Z", [ev("2026-02-10T00:00:00Z", 100, "feb")]);
    await move(t.tenantId, "2026-01-01T06:00:00Z", "2026-03-01T12:00:00Z");
    const out = await ingest(t.tenantId, "2026-03-01T13:00:00Z", [ev("2026-02-28T23:00:00Z", 10, "late-feb")]);
    expect(out.results[0].late).toBeUndefined();
    expect(await counters(t.tenantId)).toEqual({ "2026-02-01T00:00:00.000Z/2026-03-01T00:00:00.000Z": "110" });
    await expectCountersVerified(t.tenantId);
  });

  it("the new anchor's first period runs from the old open period's start to its first boundary", async () => {
    const t = await createTestTenant();
    await ingest(t.tenantId, "2026-02-20T00:00:00Z", [ev("2026-02-10T00:00:00Z", 100, "feb")]);
    // Mar 5: the open period is Mar 1 – Apr 1 (empty); anchored on the 15th from Mar 1 on.
    const moved = await move(t.tenantId, "2026-01-15T00:00:00Z", "2026-03-05T00:00:00Z");
    expect(moved.currentPeriod).toEqual({ start: "2026-03-01T00:00:00.000Z", end: "2026-03-15T00:00:00.000Z" });
    await ingest(t.tenantId, "2026-03-05T01:00:00Z", [
      ev("2026-03-02T00:00:00Z", 1, "short"),
      ev("2026-02-27T00:00:00Z", 2, "feb-late"), // February's window closed Mar 3
    ]);
    await ingest(t.tenantId, "2026-03-20T00:00:00Z", [ev("2026-03-16T00:00:00Z", 3, "full")]);
    expect(await counters(t.tenantId)).toEqual({
      "2026-02-01T00:00:00.000Z/2026-03-01T00:00:00.000Z": "100",
      "2026-03-01T00:00:00.000Z/2026-03-15T00:00:00.000Z": "3", // 1, and the late 2 as an adjustment
      "2026-03-15T00:00:00.000Z/2026-04-15T00:00:00.000Z": "3",
    });
    const late = await db.event.findFirstOrThrow({ where: { tenantId: t.tenantId, idempotencyKey: "feb-late" } });
    expect([late.periodStart, late.late]).toEqual([new Date("2026-02-01T00:00:00Z"), true]);
    // Projection, customer and usage read the same short period while it is open.
    const at = new Date("2026-03-10T00:00:00Z");
    const projection = await projectUsage({ tenantId: t.tenantId, customerRef: "c", now: at });
    expect(projection.period).toEqual({ start: "2026-03-01T00:00:00.000Z", end: "2026-03-15T00:00:00.000Z" });
    const customer = await db.customer.findFirstOrThrow({ where: { tenantId: t.tenantId, customerRef: "c" } });
    expect(toCustomerDto(customer, at).currentPeriod).toEqual(projection.period);
    expect((await getCurrentUsage({ tenantId: t.tenantId, customerRef: "c", now: at })).metrics[0].value).toBe("3");
    // Moved again (now in the full period of the 15th): the 15th's periods so far stay.
    await move(t.tenantId, "2026-01-20T00:00:00Z", "2026-04-16T00:00:00Z");
    await ingest(t.tenantId, "2026-04-16T01:00:00Z", [
      ev("2026-03-14T00:00:00Z", 4, "short-late"),
      ev("2026-04-14T00:00:00Z", 5, "full-in-window"),
      ev("2026-02-14T00:00:00Z", 6, "feb-late-2"),
    ]);
    expect(await counters(t.tenantId)).toEqual({
      "2026-02-01T00:00:00.000Z/2026-03-01T00:00:00.000Z": "100",
      "2026-03-01T00:00:00.000Z/2026-03-15T00:00:00.000Z": "3",
      "2026-03-15T00:00:00.000Z/2026-04-15T00:00:00.000Z": "8",
      // the late ones (Mar 14's window closed Mar 17, Feb's Mar 3) move the open period
      "2026-04-15T00:00:00.000Z/2026-04-20T00:00:00.000Z": "10",
    });
    const fixed = await verifyCounters({ tenantId: t.tenantId, fix: true });
    expect(fixed.differences).toEqual([]);
  });

  it("lets an earlier period be adjusted after the change (and refuses a date that starts none)", async () => {
    const { t } = await movedCustomer();
    const now = new Date("2026-03-16T02:00:00Z");
    const adj = await createAdjustment({
      tenantId: t.tenantId,
      input: { metric: "calls", customerRef: "c", delta: "-10", reason: "refund", periodStart: "2026-02-01T00:00:00Z" },
      actor: { type: "api_key", id: "key_test" },
      now,
    });
    expect(adj.periodStart).toBe("2026-02-01T00:00:00.000Z");
    expect(await counters(t.tenantId)).toEqual({ "2026-02-01T00:00:00.000Z/2026-03-01T00:00:00.000Z": "90" });
    // Feb 15 is a period start of the new anchor, but not of a period this customer had.
    const refused = await callRoute(postAdjustment, {
      method: "POST",
      path: "/api/v1/adjustments",
      key: t.apiKey,
      body: { metric: "calls", customerRef: "c", delta: "1", reason: "x", periodStart: "2026-02-15T00:00:00Z" },
    });
    expect(refused.status).toBe(422);
    expect(refused.body.error.message).toContain("nearest: 2026-02-01T00:00:00.000Z");
    // A revert finds the February period's end as drawn.
    await createAdjustment({
      tenantId: t.tenantId,
      input: { revertsId: adj.id, reason: "undo" },
      actor: { type: "api_key", id: "key_test" },
      now,
    });
    expect(await counters(t.tenantId)).toEqual({ "2026-02-01T00:00:00.000Z/2026-03-01T00:00:00.000Z": "100" });
    await expectCountersVerified(t.tenantId);
  });

  it("accepts an anchor that draws the same periods even with usage in the open period, and records nothing", async () => {
    const t = await createTestTenant();
    await move(t.tenantId, "2026-01-15T00:00:00Z", "2026-03-01T00:00:00Z");
    await ingest(t.tenantId, "2026-03-16T00:00:00Z", [ev("2026-03-16T00:00:00Z", 1, "open")]);
    const same = await move(t.tenantId, "2026-03-15T00:00:00Z", "2026-03-17T00:00:00Z");
    expect(same.billingAnchor).toBe("2026-03-15T00:00:00.000Z");
    expect(same.currentPeriod).toEqual({ start: "2026-03-15T00:00:00.000Z", end: "2026-04-15T00:00:00.000Z" });
    const row = await db.customer.findFirstOrThrow({ where: { tenantId: t.tenantId, customerRef: "c" } });
    expect(row.billingAnchorHistory).toBeNull();
    // a real move of that open period is still refused
    await expect(move(t.tenantId, "2026-03-16T00:00:00Z", "2026-03-17T00:00:00Z")).rejects.toMatchObject({
      code: "conflict",
    });
  });

  it("a late max event's delta-0 adjustment in the open period does not block a move; a late sum event's does", async () => {
    const t = await createTestTenant();
    await createMeterRow(t.tenantId, "peak", "max");
    const late = await ingestEvents({
      tenantId: t.tenantId,
      now: new Date("2026-03-10T00:00:00Z"),
      events: [
        { metric: "peak", customerRef: "c", quantity: 7, ts: "2026-01-10T00:00:00Z", idempotencyKey: "jan-peak" },
      ],
    });
    expect(late.results[0]).toMatchObject({ status: "accepted", late: true });
    const auto = await db.adjustment.findMany({ where: { tenantId: t.tenantId, customerRef: "c" } });
    expect(auto.map((a) => [a.periodStart.toISOString(), formatDecimal(a.delta.toString())])).toEqual([
      ["2026-03-01T00:00:00.000Z", "0"],
    ]);
    // Before: 409 "already has usage in its current billing period", though nothing had moved.
    const moved = await move(t.tenantId, "2026-01-15T00:00:00Z", "2026-03-10T00:00:00Z");
    expect(moved.currentPeriod).toEqual({ start: "2026-03-01T00:00:00.000Z", end: "2026-03-15T00:00:00.000Z" });
    // The delta-0 rows keep their period start, the new anchor's first period's.
    const peak = await getCurrentUsage({
      tenantId: t.tenantId,
      customerRef: "c",
      now: new Date("2026-03-12T00:00:00Z"),
    });
    expect(peak.period).toEqual({ start: "2026-03-01T00:00:00.000Z", end: "2026-03-15T00:00:00.000Z" });
    expect(peak.metrics.find((m) => m.metric === "peak")?.value).toBe("0");
    await expectCountersVerified(t.tenantId);

    // A late sum event moves the open period (+quantity): a move is refused as before.
    await ingest(t.tenantId, "2026-03-20T00:00:00Z", [ev("2026-02-01T00:00:00Z", 4, "feb-late")]);
    await expect(move(t.tenantId, "2026-01-20T00:00:00Z", "2026-03-20T00:00:00Z")).rejects.toMatchObject({
      code: "conflict",
    });
  });

  it("lets an anchor move back: the last closed period keeps its usage and the new one starts at the open period", async () => {
    const t = await createTestTenant();
    const now = "2026-12-02T02:35:00Z";
    await ingest(t.tenantId, now, [ev("2026-11-25T00:00:00Z", 10, "nov")]);
    // Anchored on the 20th, the 20th's period Nov 20 – Dec 20 would hold Nov 25's usage: it is
    // drawn from Dec 1 instead, so November keeps it.
    const moved = await move(t.tenantId, "2026-01-20T00:00:00Z", now);
    expect(moved.currentPeriod).toEqual({ start: "2026-12-01T00:00:00.000Z", end: "2026-12-20T00:00:00.000Z" });
    await ingest(t.tenantId, now, [
      ev("2026-11-28T00:00:00Z", 1, "nov-in-window"),
      ev("2026-12-02T00:00:00Z", 2, "dec"),
    ]);
    expect(await counters(t.tenantId)).toEqual({
      "2026-11-01T00:00:00.000Z/2026-12-01T00:00:00.000Z": "11",
      "2026-12-01T00:00:00.000Z/2026-12-20T00:00:00.000Z": "2",
    });
    await expectCountersVerified(t.tenantId);
  });

  it("a customer without any usage takes the new anchor for all time (no history)", async () => {
    const t = await createTestTenant();
    await move(t.tenantId, "2026-01-15T00:00:00Z", "2026-03-16T00:00:00Z");
    await move(t.tenantId, "2026-01-20T00:00:00Z", "2026-03-17T00:00:00Z");
    const row = await db.customer.findFirstOrThrow({ where: { tenantId: t.tenantId, customerRef: "c" } });
    expect(row.billingAnchorHistory).toBeNull();
    await ingest(t.tenantId, "2026-03-17T00:00:00Z", [ev("2026-02-25T00:00:00Z", 1, "backfill")]);
    expect(Object.keys(await counters(t.tenantId))).toEqual(["2026-02-20T00:00:00.000Z/2026-03-20T00:00:00.000Z"]);
  });

  it("a change made with a clock behind the last change's start only ever grows the history forwards", async () => {
    const t = await createTestTenant();
    await ingest(t.tenantId, "2026-01-20T00:00:00Z", [ev("2026-01-10T00:00:00Z", 1, "jan")]);
    // Feb 2: the 15th from Feb 1 (first period Feb 1 – Feb 15)
    await move(t.tenantId, "2026-01-15T00:00:00Z", "2026-02-02T00:00:00Z");
    // a replica whose clock says Jan 31 moves it again: it replaces the 15th (its first period,
    // still empty), never writes a change dated before Feb 1
    const again = await move(t.tenantId, "2026-01-20T00:00:00Z", "2026-01-31T23:59:59Z");
    expect(again.billingAnchor).toBe("2026-01-20T00:00:00.000Z");
    const row = await db.customer.findFirstOrThrow({ where: { tenantId: t.tenantId, customerRef: "c" } });
    expect(row.billingAnchorHistory).toEqual([
      {
        untilMs: Date.parse("2026-02-01T00:00:00Z"),
        anchorMs: null,
        nextFirstEndMs: Date.parse("2026-02-20T00:00:00Z"),
      },
    ]);
    // the customer still works everywhere
    await ingest(t.tenantId, "2026-02-03T00:00:00Z", [ev("2026-02-03T00:00:00Z", 2, "feb")]);
    expect(await counters(t.tenantId)).toEqual({
      "2026-01-01T00:00:00.000Z/2026-02-01T00:00:00.000Z": "1",
      "2026-02-01T00:00:00.000Z/2026-02-20T00:00:00.000Z": "2",
    });
    await expectCountersVerified(t.tenantId);
  });
});
