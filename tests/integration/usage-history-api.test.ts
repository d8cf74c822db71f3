import { describe, expect, it } from "vitest";
import { POST as createMeter } from "@/app/api/v1/meters/route";
import { GET as history } from "@/app/api/v1/usage/history/route";
import { db } from "@/lib/db/client";
import { newId } from "@/lib/ids";
import { ingestEvents } from "@/lib/ingest/ingest-events";
import { ZUsageHistory } from "@/lib/usage/history-schemas";
import { verifyCountersAfterEach } from "../helpers/ingest";
import { callRoute } from "../helpers/route";
import { runCommonRouteTests } from "../helpers/security";
import { createTestTenant, type TestTenant } from "../helpers/tenant";

verifyCountersAfterEach();

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
// A UTC midnight 20 days back: buckets below are whole hours/days from here.
const DAY0 = Math.floor((Date.now() - 20 * DAY) / DAY) * DAY;
const iso = (ms: number) => new Date(ms).toISOString();

async function meter(t: TestTenant, body: Record<string, unknown>) {
  const res = await callRoute(createMeter, { method: "POST", path: "/api/v1/meters", key: t.apiKey, body });
  expect(res.status).toBe(201);
}

async function customer(t: TestTenant, customerRef: string) {
  await db.customer.create({ data: { tenantId: t.tenantId, id: newId("cst"), customerRef } });
}

async function ingest(t: TestTenant, events: Array<Record<string, unknown>>) {
  const out = await ingestEvents({ tenantId: t.tenantId, events });
  expect(out.rejected).toBe(0);
}

async function getHistory(t: TestTenant, q: Record<string, string>) {
  const res = await callRoute(history, { path: `/api/v1/usage/history?${new URLSearchParams(q)}`, key: t.apiKey });
  return res;
}

const ev = (metric: string, ms: number, quantity: number | string, extra: Record<string, unknown> = {}) => ({
  metric,
  customerRef: "cus_H",
  quantity,
  ts: iso(ms),
  ...extra,
});

describe("GET /api/v1/usage/history", () => {
  runCommonRouteTests({
    handler: history,
    method: "GET",
    path: `/api/v1/usage/history?customerRef=cus_1&metric=secret_m&from=${encodeURIComponent(iso(DAY0))}&to=${encodeURIComponent(iso(DAY0 + DAY))}`,
    scope: "usage:read",
    foreignObject: async (owner) => {
      await meter(owner, { metric: "secret_m" });
      await customer(owner, "cus_1");
      return {
        params: {},
        path: `/api/v1/usage/history?customerRef=cus_1&metric=secret_m&from=${encodeURIComponent(iso(DAY0))}&to=${encodeURIComponent(iso(DAY0 + DAY))}`,
      };
    },
  });
});

describe("usage history", () => {
  it("sums quantities per hour bucket exactly, with zero-filled empty buckets", async () => {
    const t = await createTestTenant();
    await meter(t, { metric: "api_calls" });
    await ingest(t, [
      ev("api_calls", DAY0 + 10 * 60_000, "0.1"),
      ev("api_calls", DAY0 + 50 * 60_000, "0.2"),
      ev("api_calls", DAY0 + 2 * HOUR, 5),
      ev("api_calls", DAY0 + 2 * HOUR + 59 * 60_000, "1000000000.000001"),
      ev("api_calls", DAY0 + 5 * HOUR, 7), // outside [from, to)
      ev("api_calls", DAY0 + HOUR, 3, { customerRef: "cus_other" }),
    ]);
    const res = await getHistory(t, {
      customerRef: "cus_H",
      metric: "api_calls",
      from: iso(DAY0),
      to: iso(DAY0 + 4 * HOUR),
      granularity: "hour",
    });
    expect(res.status).toBe(200);
    const h = ZUsageHistory.parse(res.body);
    expect(h.aggregation).toBe("sum");
    expect(h.data).toEqual([
      { ts: iso(DAY0), value: "0.3" },
      { ts: iso(DAY0 + HOUR), value: "0" },
      { ts: iso(DAY0 + 2 * HOUR), value: "1000000005.000001" },
      { ts: iso(DAY0 + 3 * HOUR), value: "0" },
    ]);
  });

  it("rounds from down and to up to whole UTC days", async () => {
    const t = await createTestTenant();
    await meter(t, { metric: "api_calls" });
    await ingest(t, [ev("api_calls", DAY0 + 1000, 1), ev("api_calls", DAY0 + DAY + 23 * HOUR, 2)]);
    const res = await getHistory(t, {
      customerRef: "cus_H",
      metric: "api_calls",
      from: iso(DAY0 + 12 * HOUR),
      to: iso(DAY0 + DAY + 1),
      granularity: "day",
    });
    expect(res.status).toBe(200);
    expect(res.body.from).toBe(iso(DAY0));
    expect(res.body.to).toBe(iso(DAY0 + 2 * DAY));
    expect(res.body.data).toEqual([
      { ts: iso(DAY0), value: "1" },
      { ts: iso(DAY0 + DAY), value: "2" },
    ]);
  });

  it("honours count, max, last and unique_count per bucket", async () => {
    const t = await createTestTenant();
    await meter(t, { metric: "requests", aggregation: "count" });
    await meter(t, { metric: "seats", aggregation: "max" });
    await meter(t, { metric: "balance", aggregation: "last" });
    await meter(t, { metric: "projects", aggregation: "unique_count" });
    await meter(t, { metric: "users", aggregation: "unique_count", uniqueBy: "userId" });
    await ingest(t, [
      ev("requests", DAY0 + 1, 100),
      ev("requests", DAY0 + 2, 0),
      ev("requests", DAY0 + DAY + 5, 3),
      ev("seats", DAY0 + 1, 4),
      ev("seats", DAY0 + 2, "9.5"),
      ev("seats", DAY0 + 3, 2),
      ev("balance", DAY0 + 10, 1),
      ev("balance", DAY0 + 30, 42),
      ev("balance", DAY0 + 20, 7),
      // same timestamp: the greater idempotency key wins, like the live counter
      ev("balance", DAY0 + DAY + 30, 5, { idempotencyKey: "a" }),
      ev("balance", DAY0 + DAY + 30, 6, { idempotencyKey: "b" }),
      ev("projects", DAY0 + 1, 1, { resourceId: "p1" }),
      ev("projects", DAY0 + 2, 1, { resourceId: "p1" }),
      ev("projects", DAY0 + 3, 1, { resourceId: "p2" }),
      ev("projects", DAY0 + 4, 1),
      ev("users", DAY0 + 1, 1, { meta: { userId: "u1" } }),
      ev("users", DAY0 + 2, 1, { meta: { userId: "u2" } }),
      ev("users", DAY0 + 3, 1, { meta: { userId: "u1" } }),
      ev("users", DAY0 + DAY + 3, 1, { meta: { userId: "u1" } }),
    ]);
    const values = async (metric: string) => {
      const res = await getHistory(t, {
        customerRef: "cus_H",
        metric,
        from: iso(DAY0),
        to: iso(DAY0 + 3 * DAY),
        granularity: "day",
      });
      expect(res.status, metric).toBe(200);
      return res.body.data.map((d: { value: string | null }) => d.value);
    };
    expect(await values("requests")).toEqual(["2", "1", "0"]);
    expect(await values("seats")).toEqual(["9.5", null, null]);
    expect(await values("balance")).toEqual(["42", "6", null]);
    expect(await values("projects")).toEqual(["2", "0", "0"]);
    expect(await values("users")).toEqual(["2", "1", "0"]);
  });

  it("refuses absurd ranges, from after to, bad granularity and missing parameters with 422", async () => {
    const t = await createTestTenant();
    await meter(t, { metric: "api_calls" });
    await customer(t, "cus_H");
    const base = { customerRef: "cus_H", metric: "api_calls" };
    const bad: Array<Record<string, string>> = [
      { ...base, from: iso(DAY0), to: iso(DAY0 + 42 * DAY), granularity: "hour" },
      { ...base, from: "2000-01-01T00:00:00Z", to: "2026-01-01T00:00:00Z", granularity: "day" },
      { ...base, from: iso(DAY0 + DAY), to: iso(DAY0), granularity: "day" },
      { ...base, from: iso(DAY0), to: iso(DAY0 + DAY), granularity: "minute" },
      { metric: "api_calls", from: iso(DAY0), to: iso(DAY0 + DAY) },
      { ...base, from: iso(DAY0) },
    ];
    for (const q of bad) {
      const res = await getHistory(t, q);
      expect(res.status, JSON.stringify(q)).toBe(422);
      expect(res.body.error.code).toBe("validation_failed");
    }
    const ok = await getHistory(t, { ...base, from: iso(DAY0), to: iso(DAY0 + 41 * DAY), granularity: "hour" });
    expect(ok.status).toBe(200);
    expect(ok.body.data).toHaveLength(984);

    // the answer echoes `to` rounded up: it must stay a 4-digit year, not "+010000-01-01…"
    const late = { ...base, from: "9999-12-30T00:00:00Z", granularity: "day" };
    const beyond = await getHistory(t, { ...late, to: "9999-12-31T12:00:00Z" });
    expect(beyond.status).toBe(422);
    expect(beyond.body.error.details).toEqual([
      { path: "to", message: "rounded up to the end of its UTC day, must stay within year 9999" },
    ]);
    expect((await getHistory(t, { ...late, to: "9999-12-31T20:00:00-05:00", granularity: "hour" })).status).toBe(422);
    const last = await getHistory(t, { ...late, to: "9999-12-31T00:00:00Z" });
    expect(last.status).toBe(200);
    expect(last.body).toMatchObject({ to: "9999-12-31T00:00:00.000Z", data: [{ ts: "9999-12-30T00:00:00.000Z" }] });
    const lastHour = await getHistory(t, { ...late, to: "9999-12-31T22:30:00Z", granularity: "hour" });
    expect(lastHour.status).toBe(200);
    expect(lastHour.body.to).toBe("9999-12-31T23:00:00.000Z");
  });

  it("answers 404 for a metric without a meter and for an unknown customer, never zeros", async () => {
    const t = await createTestTenant();
    await customer(t, "cus_H");
    const range = { from: iso(DAY0), to: iso(DAY0 + DAY) };
    const res = await getHistory(t, { customerRef: "cus_H", metric: "nope", ...range });
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe("not_found");
    await meter(t, { metric: "api_calls" });
    const typo = await getHistory(t, { customerRef: "cus_h", metric: "api_calls", ...range });
    expect(typo.status).toBe(404);
    expect(typo.body.error).toMatchObject({ code: "not_found", message: 'Customer "cus_h" not found.' });
    expect((await getHistory(t, { customerRef: "cus_H", metric: "api_calls", ...range })).status).toBe(200);
  });
});
