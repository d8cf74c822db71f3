import { describe, expect, it, vi } from "vitest";
import { POST as adjustmentsPost } from "@/app/api/v1/adjustments/route";
import { db } from "@/lib/db/client";
import { getPgPool } from "@/lib/db/pg-pool";
import { ingestEvents } from "@/lib/ingest/ingest-events";
import { getCurrentUsage } from "@/lib/usage/get-current-usage";
import { verifyCounters } from "@/lib/usage/verify-counters";
import {
  counterValue,
  createMeterRow,
  expectCountersVerified,
  isoNow,
  ledgerCount,
  postIngest,
  verifyCountersAfterEach,
} from "../helpers/ingest";
import { countPgWrites } from "../helpers/pg-writes";
import { callRoute } from "../helpers/route";
import { createTestTenant } from "../helpers/tenant";

verifyCountersAfterEach();

/** What `fn` wrote to stderr (the warn and error logs), kept off the test's output. */
async function capturingStderr<T>(fn: () => Promise<T>): Promise<{ result: T; lines: string[] }> {
  const lines: string[] = [];
  const spy = vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => {
    lines.push(String(chunk));
    return true;
  });
  try {
    return { result: await fn(), lines };
  } finally {
    spy.mockRestore();
  }
}

const ev = (over: Record<string, unknown> = {}) => ({
  metric: "api_calls",
  customerRef: "cus_1",
  quantity: 1,
  ts: isoNow(-60_000),
  ...over,
});

describe("idempotency", () => {
  it("counts a retried event once and acknowledges the retry as a duplicate", async () => {
    const t = await createTestTenant();
    const body = { events: [ev({ idempotencyKey: "req_1", quantity: 7 })] };
    const first = await postIngest(t.apiKey, body);
    const retry = await postIngest(t.apiKey, body);
    expect(first.body.results).toEqual([{ index: 0, idempotencyKey: "req_1", status: "accepted" }]);
    expect(retry.body).toMatchObject({ accepted: 0, duplicates: 1, conflicts: 0, rejected: 0 });
    expect(retry.body.results).toEqual([{ index: 0, idempotencyKey: "req_1", status: "duplicate" }]);
    expect(await ledgerCount(t.tenantId)).toBe(1);
    expect(await counterValue(t.tenantId, "api_calls", "cus_1")).toBe("7");
  });

  it("refuses the same key with a different payload as a conflict and stores nothing", async () => {
    const t = await createTestTenant();
    await postIngest(t.apiKey, { events: [ev({ idempotencyKey: "req_1", quantity: 7 })] });
    const res = await postIngest(t.apiKey, { events: [ev({ idempotencyKey: "req_1", quantity: 8 })] });
    expect(res.body).toMatchObject({ accepted: 0, duplicates: 0, conflicts: 1 });
    expect(res.body.results[0].status).toBe("conflict");
    expect(res.body.results[0].error.code).toBe("conflict");
    expect(await ledgerCount(t.tenantId)).toBe(1);
    expect(await counterValue(t.tenantId, "api_calls", "cus_1")).toBe("7");
  });

  it("compares a retry with the stored event after normalizing, field by field", async () => {
    const t = await createTestTenant();
    const stored = {
      idempotencyKey: "norm",
      metric: "api_calls",
      customerRef: "cus_1",
      quantity: "12.50",
      ts: "2026-11-27T10:00:00.000Z",
      resourceId: "res_1",
      meta: { b: [1, { y: "é", x: null }], a: 1e21, c: '"quoted"\\' },
      source: "sdk",
    };
    const tsNow = new Date(Date.now() - 60_000);
    stored.ts = tsNow.toISOString();
    expect((await postIngest(t.apiKey, { events: [stored] })).body.accepted).toBe(1);

    // The same event written differently: a duplicate.
    const offset = new Date(tsNow.getTime() + 3_600_000).toISOString().replace("Z", "+01:00");
    const same = [
      { ...stored, quantity: 12.5 },
      { ...stored, quantity: "12.500000" },
      { ...stored, ts: offset },
      { ...stored, ts: stored.ts.replace(/\.(\d{3})Z$/, ".$1999Z") },
      { ...stored, meta: { c: stored.meta.c, a: 1000000000000000000000, b: [1, { x: null, y: "é" }] } },
      { ...stored, source: "csv" },
    ];
    for (const e of same) {
      const res = await postIngest(t.apiKey, { events: [e] });
      expect({ e, status: res.body.results[0].status }).toEqual({ e, status: "duplicate" });
    }

    // Any field of the payload changed: a conflict.
    const other = [
      { ...stored, metric: "api_calls_2" },
      { ...stored, customerRef: "cus_2" },
      { ...stored, quantity: "12.500001" },
      { ...stored, ts: new Date(tsNow.getTime() + 1).toISOString() },
      { ...stored, resourceId: "res_2" },
      { ...stored, resourceId: undefined },
      { ...stored, meta: { ...stored.meta, a: 1e20 } },
      { ...stored, meta: { ...stored.meta, d: null } },
      { ...stored, meta: undefined },
    ];
    for (const e of other) {
      const res = await postIngest(t.apiKey, { events: [e] });
      expect({ e, status: res.body.results[0].status }).toEqual({ e, status: "conflict" });
    }
    expect(await ledgerCount(t.tenantId)).toBe(1);
    expect(await counterValue(t.tenantId, "api_calls", "cus_1")).toBe("12.5");
  });

  it("treats duplicates and conflicts inside one batch like retries", async () => {
    const t = await createTestTenant();
    const a = ev({ idempotencyKey: "k", quantity: 3 });
    const res = await postIngest(t.apiKey, { events: [a, a, { ...a, quantity: 4 }, ev({ idempotencyKey: "j" })] });
    expect(res.body).toMatchObject({ accepted: 2, duplicates: 1, conflicts: 1, rejected: 0 });
    expect(res.body.results.map((r: { status: string }) => r.status)).toEqual([
      "accepted",
      "duplicate",
      "conflict",
      "accepted",
    ]);
    expect(await ledgerCount(t.tenantId)).toBe(2);
    expect(await counterValue(t.tenantId, "api_calls", "cus_1")).toBe("4");
  });

  it("derives a deterministic key from tenant, metric, customer, resource, ms timestamp and normalized quantity", async () => {
    const t = await createTestTenant();
    // an hour ago, whole seconds, so the same instant can be written with an offset and µs
    const at = new Date(Math.floor(Date.now() / 1000) * 1000 - 3_600_000);
    const z = at.toISOString();
    const plusOne = new Date(at.getTime() + 3_600_000).toISOString().replace(".000Z", ".000400+01:00");
    const first = await postIngest(t.apiKey, {
      events: [ev({ quantity: 1.5, ts: z, resourceId: "r1" })],
    });
    const key = first.body.results[0].idempotencyKey;
    expect(key).toMatch(/^drv_[A-Za-z0-9_-]{43}$/);
    // the same event written differently is a retry: "1.500" = 1.5, +01:00 offset = Z, extra µs dropped
    const retry = await postIngest(t.apiKey, {
      events: [ev({ quantity: "1.500", ts: plusOne, resourceId: "r1" })],
    });
    expect(retry.body.results[0]).toEqual({ index: 0, idempotencyKey: key, status: "duplicate" });
    const otherResource = await postIngest(t.apiKey, {
      events: [ev({ quantity: 1.5, ts: z, resourceId: "r2" })],
    });
    expect(otherResource.body.results[0].status).toBe("accepted");
    expect(otherResource.body.results[0].idempotencyKey).not.toBe(key);
    const other = await createTestTenant();
    const otherTenant = await postIngest(other.apiKey, {
      events: [ev({ quantity: 1.5, ts: z, resourceId: "r1" })],
    });
    expect(otherTenant.body.results[0].idempotencyKey).not.toBe(key);
  });

  it("keeps idempotency per tenant: two tenants may use the same key", async () => {
    const a = await createTestTenant();
    const b = await createTestTenant();
    const body = { events: [ev({ idempotencyKey: "shared", quantity: 2 })] };
    expect((await postIngest(a.apiKey, body)).body.accepted).toBe(1);
    const other = await postIngest(b.apiKey, { events: [ev({ idempotencyKey: "shared", quantity: 5 })] });
    expect(other.body.accepted).toBe(1);
    expect(await counterValue(a.tenantId, "api_calls", "cus_1")).toBe("2");
    expect(await counterValue(b.tenantId, "api_calls", "cus_1")).toBe("5");
  });

  it("answers 50 concurrent identical requests identically apart from the one acceptance, with one ledger row", async () => {
    const t = await createTestTenant();
    const body = { events: [ev({ idempotencyKey: "storm", quantity: 9 })] };
    const all = await Promise.all(Array.from({ length: 50 }, () => postIngest(t.apiKey, body)));
    expect(all.every((r) => r.status === 200)).toBe(true);
    const statuses = all.map((r) => r.body.results[0].status);
    expect(statuses.filter((s) => s === "accepted")).toHaveLength(1);
    expect(statuses.filter((s) => s === "duplicate")).toHaveLength(49);
    expect(new Set(all.map((r) => r.body.results[0].idempotencyKey))).toEqual(new Set(["storm"]));
    expect(await ledgerCount(t.tenantId)).toBe(1);
    expect(await counterValue(t.tenantId, "api_calls", "cus_1")).toBe("9");
    await expectCountersVerified(t.tenantId);
  });
});

describe("events already in the ledger", () => {
  // A batch is first written as if all its events were new: INSERT, counter updates and COMMIT
  // leave together, guarded by sm_ingest_expect_new. One stored event must undo all of it.
  it("writes a new event in two round trips: BEGIN with the lookup, then INSERT, counter and COMMIT", async () => {
    const t = await createTestTenant();
    await ingestEvents({ tenantId: t.tenantId, events: [ev({ idempotencyKey: "warm", quantity: 1 })] });
    const fresh = ev({ idempotencyKey: "new", quantity: 2 });
    const { result, writes } = await countPgWrites(() => ingestEvents({ tenantId: t.tenantId, events: [fresh] }));
    expect(result.results).toEqual([{ index: 0, idempotencyKey: "new", status: "accepted" }]);
    expect(writes).toBe(2);
    expect(await counterValue(t.tenantId, "api_calls", "cus_1")).toBe("3");
    // A retry is written again without the assumption: more round trips, still counted once.
    const retry = await countPgWrites(() => ingestEvents({ tenantId: t.tenantId, events: [fresh] }));
    expect(retry.result.results).toEqual([{ index: 0, idempotencyKey: "new", status: "duplicate" }]);
    // 2 for the undone attempt; then BEGIN with the lookup, the INSERT, the read-back, the COMMIT.
    expect(retry.writes).toBe(6);
    expect(await counterValue(t.tenantId, "api_calls", "cus_1")).toBe("3");
  });

  it("counts only the new events of a batch that also holds a stored one and a changed copy of it", async () => {
    const t = await createTestTenant();
    await createMeterRow(t.tenantId, "projects", "unique_count");
    await createMeterRow(t.tenantId, "seats", "max");
    const stored = [
      ev({ idempotencyKey: "a", quantity: 5 }),
      ev({ metric: "projects", idempotencyKey: "p1", resourceId: "r1" }),
      ev({ metric: "seats", idempotencyKey: "s1", quantity: 4 }),
    ];
    await ingestEvents({ tenantId: t.tenantId, events: stored });
    const res = await ingestEvents({
      tenantId: t.tenantId,
      events: [
        ev({ idempotencyKey: "b", quantity: 7 }),
        stored[0],
        ev({ metric: "projects", idempotencyKey: "p2", resourceId: "r2" }),
        { ...stored[1], resourceId: "r9" },
        ev({ metric: "seats", idempotencyKey: "s2", quantity: 3 }),
        { ...stored[2], quantity: 40 },
      ],
    });
    expect(res.results.map((r) => r.status)).toEqual([
      "accepted",
      "duplicate",
      "accepted",
      "conflict",
      "accepted",
      "conflict",
    ]);
    expect(res).toMatchObject({ accepted: 3, duplicates: 1, conflicts: 2, rejected: 0 });
    expect(await ledgerCount(t.tenantId)).toBe(6);
    expect(await counterValue(t.tenantId, "api_calls", "cus_1")).toBe("12");
    expect(await counterValue(t.tenantId, "projects", "cus_1")).toBe("2");
    expect(await counterValue(t.tenantId, "seats", "cus_1")).toBe("4");
    await expectCountersVerified(t.tenantId);
  });

  it("counts an event once when concurrent batches both hold it, whichever commits first", async () => {
    const t = await createTestTenant();
    await ingestEvents({ tenantId: t.tenantId, events: [ev({ idempotencyKey: "warm", quantity: 1 })] });
    const shared = ev({ idempotencyKey: "shared", quantity: 100 });
    const batches = Array.from({ length: 8 }, (_, i) => [shared, ev({ idempotencyKey: `own-${i}`, quantity: 1 })]);
    const all = await Promise.all(batches.map((events) => ingestEvents({ tenantId: t.tenantId, events })));
    expect(all.map((r) => r.results[0].status).filter((s) => s === "accepted")).toHaveLength(1);
    expect(all.map((r) => r.results[0].status).filter((s) => s === "duplicate")).toHaveLength(7);
    expect(all.every((r) => r.results[1].status === "accepted")).toBe(true);
    expect(await ledgerCount(t.tenantId)).toBe(10);
    expect(await counterValue(t.tenantId, "api_calls", "cus_1")).toBe("109");
    await expectCountersVerified(t.tenantId);
  });
});

describe("meters, customers and counters", () => {
  it("auto-creates a sum meter and the customer for an unknown metric and customer", async () => {
    const t = await createTestTenant();
    await postIngest(t.apiKey, { events: [ev({ metric: "tokens.in", customerRef: "cus_new", quantity: 10 })] });
    const meter = await db.meter.findUniqueOrThrow({
      where: { tenantId_metric: { tenantId: t.tenantId, metric: "tokens.in" } },
    });
    expect(meter.aggregation).toBe("sum");
    const customer = await db.customer.findUnique({
      where: { tenantId_customerRef: { tenantId: t.tenantId, customerRef: "cus_new" } },
    });
    expect(customer?.billingAnchor).toBeNull();
  });

  it("aggregates count, max, last (ties broken by key) and unique_count per customer", async () => {
    const t = await createTestTenant();
    await createMeterRow(t.tenantId, "requests", "count");
    await createMeterRow(t.tenantId, "seats", "max");
    await createMeterRow(t.tenantId, "plan_level", "last");
    await createMeterRow(t.tenantId, "projects", "unique_count");
    await createMeterRow(t.tenantId, "users", "unique_count", "userId");
    const ts = "2026-11-27T10:00:00.000Z";
    const now = new Date("2026-11-27T12:00:00Z");
    const events = [
      { metric: "requests", customerRef: "c", quantity: 5, ts },
      { metric: "requests", customerRef: "c", quantity: 0, ts, idempotencyKey: "r2" },
      { metric: "seats", customerRef: "c", quantity: 3, ts, idempotencyKey: "s1" },
      { metric: "seats", customerRef: "c", quantity: "12.5", ts, idempotencyKey: "s2" },
      { metric: "seats", customerRef: "c", quantity: 4, ts, idempotencyKey: "s3" },
      { metric: "plan_level", customerRef: "c", quantity: 2, ts: "2026-11-27T11:00:00Z", idempotencyKey: "p-a" },
      { metric: "plan_level", customerRef: "c", quantity: 3, ts: "2026-11-27T11:00:00Z", idempotencyKey: "p-b" },
      { metric: "plan_level", customerRef: "c", quantity: 9, ts, idempotencyKey: "p-c" },
      { metric: "projects", customerRef: "c", quantity: 1, ts, resourceId: "p1", idempotencyKey: "u1" },
      { metric: "projects", customerRef: "c", quantity: 1, ts, resourceId: "p2", idempotencyKey: "u2" },
      { metric: "projects", customerRef: "c", quantity: 1, ts, resourceId: "p1", idempotencyKey: "u3" },
      { metric: "projects", customerRef: "c", quantity: 1, ts, idempotencyKey: "u4" },
      { metric: "users", customerRef: "c", quantity: 1, ts, meta: { userId: "alice" }, idempotencyKey: "v1" },
      { metric: "users", customerRef: "c", quantity: 1, ts, meta: { userId: 42 }, idempotencyKey: "v2" },
      { metric: "users", customerRef: "c", quantity: 1, ts, meta: { userId: "alice" }, idempotencyKey: "v3" },
      { metric: "users", customerRef: "c", quantity: 1, ts, meta: { other: 1 }, idempotencyKey: "v4" },
    ];
    // split over two calls so aggregation across transactions is exercised too
    await ingestEvents({ tenantId: t.tenantId, events: events.slice(0, 9), now });
    await ingestEvents({ tenantId: t.tenantId, events: events.slice(9), now });
    const usage = await getCurrentUsage({ tenantId: t.tenantId, customerRef: "c", now });
    const byMetric = Object.fromEntries(usage.metrics.map((m) => [m.metric, m.value]));
    expect(byMetric).toEqual({ plan_level: "3", projects: "2", requests: "2", seats: "12.5", users: "2" });
    // a later event wins "last"; an earlier one does not
    await ingestEvents({
      tenantId: t.tenantId,
      events: [
        { metric: "plan_level", customerRef: "c", quantity: 1, ts: "2026-11-27T10:30:00Z", idempotencyKey: "p-d" },
        { metric: "plan_level", customerRef: "c", quantity: 7, ts: "2026-11-27T11:00:00Z", idempotencyKey: "p-e" },
        { metric: "seats", customerRef: "c", quantity: 12, ts, idempotencyKey: "s4" },
      ],
      now,
    });
    const after = await getCurrentUsage({ tenantId: t.tenantId, customerRef: "c", now });
    expect(after.metrics.find((m) => m.metric === "plan_level")?.value).toBe("7");
    expect(after.metrics.find((m) => m.metric === "seats")?.value).toBe("12.5");
    await expectCountersVerified(t.tenantId);
  });

  it("counts long distinct values of a meta field (up to meta's 4 KiB) instead of failing the batch", async () => {
    const t = await createTestTenant();
    await createMeterRow(t.tenantId, "documents", "unique_count", "docId");
    // Incompressible, 3,000–4,000 bytes: past the 2,704 bytes a btree index entry holds, so
    // storing the value itself in counter_uniques' key failed the whole batch with a 500.
    const { randomBytes } = await import("node:crypto");
    const long = (n: number) => randomBytes(n).toString("base64");
    const [a, b] = [long(3000), long(2250)];
    const res = await postIngest(t.apiKey, {
      events: [
        ev({ metric: "documents", meta: { docId: a }, idempotencyKey: "d1" }),
        ev({ metric: "documents", meta: { docId: b }, idempotencyKey: "d2" }),
        ev({ metric: "documents", meta: { docId: a }, idempotencyKey: "d3" }),
        ev({ metric: "documents", meta: { docId: "short" }, idempotencyKey: "d4" }),
        ev({ quantity: 3, idempotencyKey: "other" }),
      ],
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ accepted: 5, rejected: 0 });
    const again = await postIngest(t.apiKey, {
      events: [ev({ metric: "documents", meta: { docId: b }, idempotencyKey: "d5" })],
    });
    expect(again.body.accepted).toBe(1);
    expect(await counterValue(t.tenantId, "documents", "cus_1")).toBe("3");
    expect(await counterValue(t.tenantId, "api_calls", "cus_1")).toBe("3");
    await expectCountersVerified(t.tenantId);
    // counters verify --fix rebuilds the distinct values the same way.
    await getPgPool().query("UPDATE counters SET value = 0 WHERE tenant_id = $1", [t.tenantId]);
    await getPgPool().query("DELETE FROM counter_uniques WHERE tenant_id = $1", [t.tenantId]);
    expect((await verifyCounters({ tenantId: t.tenantId, fix: true })).differences.length).toBeGreaterThan(0);
    await expectCountersVerified(t.tenantId);
    expect(await counterValue(t.tenantId, "documents", "cus_1")).toBe("3");
  });

  it("puts events in the customer's anchored billing period", async () => {
    const t = await createTestTenant();
    await postIngest(t.apiKey, { events: [ev({ customerRef: "anchored", quantity: 1, ts: "2026-11-10T00:00:00Z" })] });
    await db.customer.update({
      where: { tenantId_customerRef: { tenantId: t.tenantId, customerRef: "anchored" } },
      data: { billingAnchor: new Date("2026-01-15T08:00:00Z") },
    });
    const now = new Date("2026-11-16T12:00:00Z"); // within 48 h of the previous period's end
    await ingestEvents({
      tenantId: t.tenantId,
      events: [
        { metric: "api_calls", customerRef: "anchored", quantity: 2, ts: "2026-11-15T07:59:59Z" },
        { metric: "api_calls", customerRef: "anchored", quantity: 3, ts: "2026-11-15T08:00:00Z" },
      ],
      now,
    });
    const usage = await getCurrentUsage({ tenantId: t.tenantId, customerRef: "anchored", now });
    expect(usage.period).toEqual({ start: "2026-11-15T08:00:00.000Z", end: "2026-12-15T08:00:00.000Z" });
    expect(usage.metrics).toEqual([{ metric: "api_calls", aggregation: "sum", value: "3", unit: null }]);
    expect(await counterValue(t.tenantId, "api_calls", "anchored", new Date("2026-10-15T08:00:00Z"))).toBe("2");
  });
});

describe("late events", () => {
  it("counts an event within the lateness window in its own (closed) period", async () => {
    const t = await createTestTenant();
    const now = new Date("2026-12-02T23:00:00Z"); // November ended 47 h ago; window 48 h
    const res = await ingestEvents({
      tenantId: t.tenantId,
      events: [{ metric: "api_calls", customerRef: "c", quantity: 4, ts: "2026-11-30T20:00:00Z" }],
      now,
    });
    expect(res.results[0]).toMatchObject({ status: "accepted" });
    expect(res.results[0].late).toBeUndefined();
    expect(await counterValue(t.tenantId, "api_calls", "c", new Date("2026-11-01T00:00:00Z"))).toBe("4");
    expect(await db.adjustment.count({ where: { tenantId: t.tenantId } })).toBe(0);
  });

  it("stores an event after the window as late and moves the open period by a linked adjustment", async () => {
    const t = await createTestTenant();
    const now = new Date("2026-12-03T01:00:00Z"); // 49 h after November ended
    await ingestEvents({
      tenantId: t.tenantId,
      events: [
        { metric: "api_calls", customerRef: "c", quantity: 1, ts: "2026-11-20T00:00:00Z", idempotencyKey: "on-time" },
      ],
      now: new Date("2026-11-20T01:00:00Z"),
    });
    const res = await ingestEvents({
      tenantId: t.tenantId,
      events: [
        { metric: "api_calls", customerRef: "c", quantity: 6, ts: "2026-11-30T20:00:00Z", idempotencyKey: "late-1" },
      ],
      now,
    });
    expect(res.results[0]).toEqual({ index: 0, idempotencyKey: "late-1", status: "accepted", late: true });
    const event = await db.event.findUniqueOrThrow({
      where: { tenantId_idempotencyKey: { tenantId: t.tenantId, idempotencyKey: "late-1" } },
    });
    expect(event.late).toBe(true);
    expect(event.periodStart.toISOString()).toBe("2026-11-01T00:00:00.000Z");
    const adj = await db.adjustment.findFirstOrThrow({ where: { tenantId: t.tenantId } });
    expect(adj.eventId).toBe(event.id);
    expect(adj.delta.toString()).toBe("6");
    expect(adj.periodStart.toISOString()).toBe("2026-12-01T00:00:00.000Z");
    expect(await counterValue(t.tenantId, "api_calls", "c", new Date("2026-11-01T00:00:00Z"))).toBe("1");
    expect(await counterValue(t.tenantId, "api_calls", "c", new Date("2026-12-01T00:00:00Z"))).toBe("6");
    // a retry of the late event is a duplicate, flagged late, and adds no second adjustment
    const retry = await ingestEvents({
      tenantId: t.tenantId,
      events: [
        { metric: "api_calls", customerRef: "c", quantity: 6, ts: "2026-11-30T20:00:00Z", idempotencyKey: "late-1" },
      ],
      now,
    });
    expect(retry.results[0]).toEqual({ index: 0, idempotencyKey: "late-1", status: "duplicate", late: true });
    expect(await db.adjustment.count({ where: { tenantId: t.tenantId } })).toBe(1);
    // Audit-logged like every adjustment, by the system, once.
    const audit = await db.auditLog.findMany({ where: { tenantId: t.tenantId, action: "adjustment.created" } });
    expect(audit).toEqual([
      expect.objectContaining({
        actorType: "system",
        actorId: "system:late-event",
        targetType: "adjustment",
        targetId: adj.id,
        data: {
          metric: "api_calls",
          customerRef: "c",
          periodStart: "2026-12-01T00:00:00.000Z",
          delta: "6",
          reason: "late event late-1 for the period starting 2026-11-01T00:00:00.000Z",
          revertsId: null,
          eventId: event.id.toString(),
          idempotencyKey: "late-1",
        },
      }),
    ]);
    await expectCountersVerified(t.tenantId);
  });

  it("files an event as late from the very millisecond its window closes", async () => {
    const t = await createTestTenant();
    // November ends 2026-12-01T00:00Z; with the default 48 h window it closes 2026-12-03T00:00Z.
    const at = (now: string, key: string) =>
      ingestEvents({
        tenantId: t.tenantId,
        now: new Date(now),
        events: [
          { metric: "api_calls", customerRef: "c", quantity: 1, ts: "2026-11-30T23:59:59.999Z", idempotencyKey: key },
        ],
      });
    expect((await at("2026-12-02T23:59:59.999Z", "before")).results[0].late).toBeUndefined();
    expect((await at("2026-12-03T00:00:00.000Z", "at")).results[0].late).toBe(true);
    expect(await counterValue(t.tenantId, "api_calls", "c", new Date("2026-11-01T00:00:00Z"))).toBe("1");
    expect(await counterValue(t.tenantId, "api_calls", "c", new Date("2026-12-01T00:00:00Z"))).toBe("1");
    // At the 72 h maximum, the same edge.
    await db.tenant.update({ where: { id: t.tenantId }, data: { latenessWindowHours: 72 } });
    expect((await at("2026-12-03T23:59:59.999Z", "before-72")).results[0].late).toBeUndefined();
    expect((await at("2026-12-04T00:00:00.000Z", "at-72")).results[0].late).toBe(true);
    expect(await counterValue(t.tenantId, "api_calls", "c", new Date("2026-11-01T00:00:00Z"))).toBe("2");
    expect(await counterValue(t.tenantId, "api_calls", "c", new Date("2026-12-01T00:00:00Z"))).toBe("2");
  });

  it("uses the tenant's configured lateness window", async () => {
    const t = await createTestTenant();
    await db.tenant.update({ where: { id: t.tenantId }, data: { latenessWindowHours: 72 } });
    const res = await ingestEvents({
      tenantId: t.tenantId,
      events: [{ metric: "api_calls", customerRef: "c", quantity: 2, ts: "2026-11-30T20:00:00Z" }],
      now: new Date("2026-12-03T23:00:00Z"), // 71 h after the period end
    });
    expect(res.results[0].late).toBeUndefined();
    expect(await counterValue(t.tenantId, "api_calls", "c", new Date("2026-11-01T00:00:00Z"))).toBe("2");
  });
});

describe("adjustments", () => {
  const postAdj = (key: string, body: unknown) =>
    callRoute(adjustmentsPost, { method: "POST", path: "/api/v1/adjustments", key, body });

  it("moves the counter at once, is audit-logged with the key, and reverts exactly once", async () => {
    const t = await createTestTenant();
    await postIngest(t.apiKey, { events: [ev({ quantity: 100 })] });
    const created = await postAdj(t.apiKey, {
      metric: "api_calls",
      customerRef: "cus_1",
      delta: "-25.5",
      reason: "outage credit",
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ metric: "api_calls", customerRef: "cus_1", delta: "-25.5", revertsId: null });
    expect(created.body.actor).toMatch(/^api_key:key_/);
    expect(await counterValue(t.tenantId, "api_calls", "cus_1")).toBe("74.5");
    const audit = await db.auditLog.findFirstOrThrow({
      where: { tenantId: t.tenantId, action: "adjustment.created", targetId: created.body.id },
    });
    expect(audit.actorType).toBe("api_key");
    expect(audit.actorId).toBe(created.body.actor.slice("api_key:".length));

    const revert = await postAdj(t.apiKey, { revertsId: created.body.id, reason: "credit was a mistake" });
    expect(revert.status).toBe(201);
    expect(revert.body).toMatchObject({ delta: "25.5", revertsId: created.body.id });
    expect(await counterValue(t.tenantId, "api_calls", "cus_1")).toBe("100");
    const again = await postAdj(t.apiKey, { revertsId: created.body.id, reason: "twice" });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe("conflict");
    expect(await counterValue(t.tenantId, "api_calls", "cus_1")).toBe("100");
    await expectCountersVerified(t.tenantId);
  });

  it("refuses unknown meters and customers, bad periods, and a counter going negative", async () => {
    const t = await createTestTenant();
    await postIngest(t.apiKey, { events: [ev({ quantity: 10 })] });
    const base = { metric: "api_calls", customerRef: "cus_1", delta: 1, reason: "r" };
    expect((await postAdj(t.apiKey, { ...base, metric: "nope" })).status).toBe(404);
    expect((await postAdj(t.apiKey, { ...base, customerRef: "nobody" })).status).toBe(404);
    const badPeriod = await postAdj(t.apiKey, { ...base, periodStart: "2026-11-02T00:00:00Z" });
    expect(badPeriod.status).toBe(422);
    expect(badPeriod.body.error.message).toContain("periodStart");
    // Year 0000 is RFC 3339 but no year for Postgres: a 422, not a 500.
    const yearZero = await postAdj(t.apiKey, { ...base, periodStart: "0000-01-01T00:00:00Z" });
    expect(yearZero.status).toBe(422);
    expect(yearZero.body.error.details).toEqual([{ path: "periodStart", message: "must be in year 0001 or later" }]);
    const negative = await postAdj(t.apiKey, { ...base, delta: -11 });
    expect(negative.status).toBe(422);
    for (const body of [
      { ...base, delta: 0 },
      { ...base, delta: "1.1234567" },
      { ...base, reason: "" },
      { ...base, extra: 1 },
      { revertsId: "adj_x", reason: "r", delta: 1 },
    ]) {
      const res = await postAdj(t.apiKey, body);
      expect(res.status).toBe(422);
      expect(res.body.error.code).toBe("validation_failed");
    }
    expect((await postAdj(t.apiKey, { revertsId: "adj_missing", reason: "r" })).status).toBe(404);
    expect(await db.adjustment.count({ where: { tenantId: t.tenantId } })).toBe(0);
    expect(await counterValue(t.tenantId, "api_calls", "cus_1")).toBe("10");
  });

  it("applies to a past period named by periodStart, and to max meters as an offset", async () => {
    const t = await createTestTenant();
    await createMeterRow(t.tenantId, "seats", "max");
    const now = new Date();
    await ingestEvents({ tenantId: t.tenantId, events: [ev({ metric: "seats", quantity: 5 })], now });
    const created = await postAdj(t.apiKey, { metric: "seats", customerRef: "cus_1", delta: 2, reason: "r" });
    expect(created.status).toBe(201);
    expect(await counterValue(t.tenantId, "seats", "cus_1")).toBe("7");
    // a higher event raises the raw max; the offset stays on top
    await ingestEvents({
      tenantId: t.tenantId,
      events: [ev({ metric: "seats", quantity: 8, idempotencyKey: "x" })],
      now,
    });
    expect(await counterValue(t.tenantId, "seats", "cus_1")).toBe("10");
    const past = await postAdj(t.apiKey, {
      metric: "seats",
      customerRef: "cus_1",
      delta: 1,
      reason: "r",
      periodStart: "2026-01-01T00:00:00Z",
    });
    expect(past.status).toBe(201);
    expect(await counterValue(t.tenantId, "seats", "cus_1", new Date("2026-01-01T00:00:00Z"))).toBe("1");
    await expectCountersVerified(t.tenantId);
  });
});

describe("counters verify", () => {
  it("finds a tampered counter and a missing one, and --fix restores both", async () => {
    const t = await createTestTenant();
    await postIngest(t.apiKey, {
      events: [
        ev({ quantity: 3, idempotencyKey: "a" }),
        ev({ customerRef: "cus_2", quantity: 4, idempotencyKey: "b" }),
      ],
    });
    const pool = getPgPool();
    await pool.query("UPDATE counters SET value = value + 1 WHERE tenant_id = $1 AND customer_ref = 'cus_1'", [
      t.tenantId,
    ]);
    await pool.query("DELETE FROM counters WHERE tenant_id = $1 AND customer_ref = 'cus_2'", [t.tenantId]);
    const found = await verifyCounters({ tenantId: t.tenantId });
    expect(found.differences).toHaveLength(2);
    const tampered = found.differences.find((d) => d.customerRef === "cus_1");
    expect(tampered?.expected?.value).toBe("3");
    expect(tampered?.actual?.value).toBe("4");
    expect(found.differences.find((d) => d.customerRef === "cus_2")?.actual).toBeNull();
    const fixed = await verifyCounters({ tenantId: t.tenantId, fix: true });
    expect(fixed.fixed).toBe(2);
    expect((await verifyCounters({ tenantId: t.tenantId })).differences).toEqual([]);
    expect(await counterValue(t.tenantId, "api_calls", "cus_1")).toBe("3");
    expect(await counterValue(t.tenantId, "api_calls", "cus_2")).toBe("4");
  });

  it("checks each late event's one automatic adjustment, which the counters alone cannot show", async () => {
    const t = await createTestTenant();
    const now = new Date("2026-12-03T01:00:00Z"); // 49 h after November ended
    const ingest = (key: string, ts: string) =>
      ingestEvents({
        tenantId: t.tenantId,
        now,
        events: [{ metric: "api_calls", customerRef: "c", quantity: 6, ts, idempotencyKey: key }],
      });
    await ingest("late", "2026-11-30T20:00:00Z");
    await ingest("on-time", "2026-12-02T20:00:00Z");
    const pool = getPgPool();
    const ids = await pool.query<{ late: string; on_time: string; adj: string }>(
      `SELECT (SELECT id::text FROM events WHERE tenant_id = $1 AND idempotency_key = 'late') AS late,
         (SELECT id::text FROM events WHERE tenant_id = $1 AND idempotency_key = 'on-time') AS on_time,
         (SELECT id FROM adjustments WHERE tenant_id = $1) AS adj`,
      [t.tenantId],
    );
    const { late, on_time: onTime, adj } = ids.rows[0];
    const clean = await verifyCounters({ tenantId: t.tenantId });
    expect(clean).toMatchObject({ differences: [], lateEventsChecked: 1, lateEventLinks: [] });

    // A second automatic adjustment for the same event is refused by the database.
    const twice = await pool
      .query(
        `INSERT INTO adjustments (tenant_id, id, meter_id, customer_ref, period_start, delta, reason, actor, event_id)
         SELECT tenant_id, 'adj_twice', meter_id, customer_ref, period_start, delta, reason, actor, event_id
         FROM adjustments WHERE tenant_id = $1`,
        [t.tenantId],
      )
      .catch((err: { code?: string }) => err.code);
    expect(twice).toBe("23505");

    // Moved onto the on-time event: the late one has none, and the on-time one counts twice.
    await pool.query("UPDATE adjustments SET event_id = $2 WHERE tenant_id = $1", [t.tenantId, onTime]);
    const moved = await verifyCounters({ tenantId: t.tenantId, fix: true });
    expect(moved.differences).toEqual([]); // the counter still agrees with the adjustments
    expect(moved.lateEventLinks).toEqual([
      {
        tenantId: t.tenantId,
        eventId: late,
        idempotencyKey: "late",
        adjustmentIds: [],
        problem: "late event with 0 automatic adjustments instead of 1",
      },
      {
        tenantId: t.tenantId,
        eventId: onTime,
        idempotencyKey: "on-time",
        adjustmentIds: [adj],
        problem: "automatic adjustment of an event that is not late (the event already counts in its own period)",
      },
    ]);
    // Pointing at no event at all.
    await pool.query("UPDATE adjustments SET event_id = 0 WHERE tenant_id = $1", [t.tenantId]);
    expect((await verifyCounters({ tenantId: t.tenantId })).lateEventLinks.map((p) => p.problem)).toEqual([
      "late event with 0 automatic adjustments instead of 1",
      "automatic adjustment of an event that is not in the ledger",
    ]);
    // Onto another customer.
    await pool.query("UPDATE adjustments SET event_id = $2, customer_ref = 'other' WHERE tenant_id = $1", [
      t.tenantId,
      late,
    ]);
    const elsewhere = await verifyCounters({ tenantId: t.tenantId, fix: true });
    expect(elsewhere.lateEventLinks.map((p) => p.problem)).toEqual([
      "its automatic adjustment moves another meter or customer than the event's",
    ]);
    // Restored, and the counters rebuilt from it: nothing left to report.
    await pool.query("UPDATE adjustments SET customer_ref = 'c' WHERE tenant_id = $1", [t.tenantId]);
    const restored = await verifyCounters({ tenantId: t.tenantId, fix: true });
    expect(restored.lateEventLinks).toEqual([]);
    expect(await counterValue(t.tenantId, "api_calls", "c", new Date("2026-12-01T00:00:00Z"))).toBe("12");
  });
});

describe("hot counter under concurrency", () => {
  it("writes a batch that hit a deadlock again, counts it once, and logs the retry", async () => {
    const t = await createTestTenant();
    const pool = getPgPool();
    // The first ledger INSERT of this tenant fails as a deadlock would (a sequence is not rolled back).
    const seq = `sm_test_deadlock_${t.tenantId.replace(/\W/g, "_")}`;
    await pool.query(`CREATE SEQUENCE ${seq}`);
    await pool.query(`CREATE FUNCTION ${seq}() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF nextval('${seq}') = 1 THEN RAISE EXCEPTION 'test deadlock' USING ERRCODE = '40P01'; END IF;
        RETURN NEW;
      END $$`);
    await pool.query(
      `CREATE TRIGGER ${seq} BEFORE INSERT ON events FOR EACH ROW WHEN (NEW.tenant_id = '${t.tenantId}') EXECUTE FUNCTION ${seq}()`,
    );
    let logged: string[] = [];
    try {
      const { result: res, lines } = await capturingStderr(() =>
        postIngest(t.apiKey, { events: [ev({ quantity: 4, idempotencyKey: "once" })] }),
      );
      logged = lines;
      expect(res.status).toBe(200);
      expect(res.body.results).toEqual([{ index: 0, idempotencyKey: "once", status: "accepted" }]);
    } finally {
      await pool.query(`DROP TRIGGER ${seq} ON events`);
      await pool.query(`DROP FUNCTION ${seq}()`);
      await pool.query(`DROP SEQUENCE ${seq}`);
    }
    const retried = logged.filter((l) => l.includes("written again after")).map((l) => JSON.parse(l));
    expect(retried).toEqual([
      expect.objectContaining({ level: "warn", tenantId: t.tenantId, code: "40P01", attempt: 1 }),
    ]);
    expect(await ledgerCount(t.tenantId)).toBe(1);
    expect(await counterValue(t.tenantId, "api_calls", "cus_1")).toBe("4");
  });

  it("sums 40 parallel batches for one customer exactly, without deadlocks", async () => {
    const t = await createTestTenant();
    await createMeterRow(t.tenantId, "hot_users", "unique_count");
    const batches = Array.from({ length: 40 }, (_, b) => ({
      events: Array.from({ length: 50 }, (_, i) => [
        ev({ quantity: "0.5", idempotencyKey: `b${b}-${i}` }),
        // overlapping keys across batches (every batch repeats batch 0's keys) and shared distinct values
        ev({ quantity: "0.5", idempotencyKey: `b0-${i}` }),
        ev({ metric: "hot_users", resourceId: `u${(b * 50 + i) % 300}`, idempotencyKey: `hu${b}-${i}` }),
      ]).flat(),
    }));
    // ingestEvents retries a deadlock silently for its client, but logs it: none may happen.
    const { result: res, lines } = await capturingStderr(() =>
      Promise.all(batches.map((body) => postIngest(t.apiKey, body))),
    );
    expect(lines.filter((l) => l.includes("written again after"))).toEqual([]);
    expect(res.map((r) => r.status)).toEqual(batches.map(() => 200));
    const accepted = res.reduce((n, r) => n + r.body.accepted, 0);
    expect(accepted).toBe(40 * 50 + 40 * 50);
    expect(await counterValue(t.tenantId, "api_calls", "cus_1")).toBe("1000");
    expect(await counterValue(t.tenantId, "hot_users", "cus_1")).toBe("300");
    await expectCountersVerified(t.tenantId);
  });
});
