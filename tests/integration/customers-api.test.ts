import { describe, expect, it } from "vitest";
import { GET as getCustomer, PATCH as patchCustomer } from "@/app/api/v1/customers/[customerRef]/route";
import { GET as listCustomers } from "@/app/api/v1/customers/route";
import { ZCustomer } from "@/lib/customers/schemas";
import { db } from "@/lib/db/client";
import { newId } from "@/lib/ids";
import { ingestEvents } from "@/lib/ingest/ingest-events";
import { verifyCountersAfterEach } from "../helpers/ingest";
import { callRoute } from "../helpers/route";
import { runCommonRouteTests } from "../helpers/security";
import { createTestTenant, type TestTenant } from "../helpers/tenant";

verifyCountersAfterEach();

async function addCustomer(tenantId: string, customerRef: string, extra: { billingAnchor?: Date } = {}) {
  await db.customer.create({ data: { tenantId, id: newId("cst"), customerRef, ...extra } });
}

const foreignCustomer = async (owner: TestTenant) => {
  await addCustomer(owner.tenantId, "cus_SECRET");
  return { params: { customerRef: "cus_SECRET" }, path: "/api/v1/customers/cus_SECRET" };
};

const patch = (t: TestTenant, customerRef: string, body: unknown) =>
  callRoute(patchCustomer, {
    method: "PATCH",
    path: `/api/v1/customers/${customerRef}`,
    key: t.apiKey,
    params: { customerRef },
    body,
  });

/** Every customerRef of the key's tenant, following nextCursor page by page (each page a 200). */
async function listAllRefs(key: string, limit: number, check?: (data: unknown[]) => void): Promise<string[]> {
  const seen: string[] = [];
  let cursor: string | null = null;
  do {
    const qs: string = cursor ? `?limit=${limit}&cursor=${encodeURIComponent(cursor)}` : `?limit=${limit}`;
    const page = await callRoute(listCustomers, { path: `/api/v1/customers${qs}`, key });
    expect(page.status, JSON.stringify(page.body.error)).toBe(200);
    check?.(page.body.data);
    seen.push(...page.body.data.map((c: { customerRef: string }) => c.customerRef));
    cursor = page.body.nextCursor;
  } while (cursor);
  return seen;
}

describe("GET /api/v1/customers", () => {
  runCommonRouteTests({ handler: listCustomers, method: "GET", path: "/api/v1/customers", scope: "admin" });
});
describe("GET /api/v1/customers/{customerRef}", () => {
  runCommonRouteTests({
    handler: getCustomer,
    method: "GET",
    path: "/api/v1/customers/cus_X",
    params: { customerRef: "cus_X" },
    scope: "admin",
    foreignObject: foreignCustomer,
  });
});
describe("PATCH /api/v1/customers/{customerRef}", () => {
  runCommonRouteTests({
    handler: patchCustomer,
    method: "PATCH",
    path: "/api/v1/customers/cus_X",
    params: { customerRef: "cus_X" },
    body: { name: "Renamed" },
    scope: "admin",
  });
  it("never touches another tenant's customer of the same ref: it creates the caller's own", async () => {
    const owner = await createTestTenant();
    const intruder = await createTestTenant();
    const { params } = await foreignCustomer(owner);
    const res = await patch(intruder, params.customerRef, { name: "Renamed" });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ customerRef: "cus_SECRET", name: "Renamed" });
    const theirs = await db.customer.findFirstOrThrow({
      where: { tenantId: owner.tenantId, customerRef: "cus_SECRET" },
    });
    expect(theirs.name).toBeNull();
    expect(res.body.id).not.toBe(theirs.id);
  });
});

describe("customers API", () => {
  it("shows a customer with the UTC calendar month as its current period when it has no anchor", async () => {
    const t = await createTestTenant();
    await addCustomer(t.tenantId, "cus_A");
    const res = await callRoute(getCustomer, {
      path: "/api/v1/customers/cus_A",
      key: t.apiKey,
      params: { customerRef: "cus_A" },
    });
    expect(res.status).toBe(200);
    const c = ZCustomer.parse(res.body);
    const now = new Date();
    const start = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
    const end = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1));
    expect(c).toMatchObject({ customerRef: "cus_A", billingAnchor: null, stripeCustomerId: null, name: null });
    expect(c.currentPeriod).toEqual({ start: start.toISOString(), end: end.toISOString() });
  });

  it("sets the billing anchor and answers the anchored current period (day-of-month and time of the anchor)", async () => {
    const t = await createTestTenant();
    await addCustomer(t.tenantId, "cus_B");
    const now = new Date();
    // Anchor on today's day-of-month one year ago at 00:00:00 UTC, so the current period
    // starts today at midnight and ends on the same day next month (clamped for short months).
    const anchor = new Date(Date.UTC(now.getUTCFullYear() - 1, now.getUTCMonth(), now.getUTCDate()));
    const res = await patch(t, "cus_B", {
      name: "Globex",
      stripeCustomerId: "cus_Stripe123",
      billingAnchor: anchor.toISOString().replace("Z", "+00:00"),
    });
    expect(res.status).toBe(200);
    const c = ZCustomer.parse(res.body);
    expect(c).toMatchObject({ name: "Globex", stripeCustomerId: "cus_Stripe123", billingAnchor: anchor.toISOString() });
    const start = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
    expect(c.currentPeriod.start).toBe(start.toISOString());
    const nextMonthDays = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 2, 0)).getUTCDate();
    const end = new Date(
      Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, Math.min(now.getUTCDate(), nextMonthDays)),
    );
    expect(c.currentPeriod.end).toBe(end.toISOString());
    // GET agrees, and the change is audit-logged with the old and new anchor.
    const got = await callRoute(getCustomer, {
      path: "/api/v1/customers/cus_B",
      key: t.apiKey,
      params: { customerRef: "cus_B" },
    });
    expect(got.body.currentPeriod).toEqual(c.currentPeriod);
    const audit = await db.auditLog.findFirst({ where: { tenantId: t.tenantId, action: "customer.updated" } });
    expect(audit?.data).toMatchObject({ billingAnchor: { from: null } });
  });

  it("honours an anchor offset: 2026-01-31T10:00:00+02:00 anchors periods on the 31st (clamped) at 08:00 UTC", async () => {
    const t = await createTestTenant();
    await addCustomer(t.tenantId, "cus_C");
    const res = await patch(t, "cus_C", { billingAnchor: "2026-01-31T10:00:00+02:00" });
    expect(res.status).toBe(200);
    expect(res.body.billingAnchor).toBe("2026-01-31T08:00:00.000Z");
    const row = await db.customer.findUnique({
      where: { tenantId_customerRef: { tenantId: t.tenantId, customerRef: "cus_C" } },
    });
    expect(row?.billingAnchor?.toISOString()).toBe("2026-01-31T08:00:00.000Z");
    const start = new Date(res.body.currentPeriod.start);
    expect(start.getUTCHours()).toBe(8);
    const dim = new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 1, 0)).getUTCDate();
    expect(start.getUTCDate()).toBe(Math.min(31, dim));
  });

  it("refuses an anchor without an offset, a bad Stripe id and unknown fields with 422", async () => {
    const t = await createTestTenant();
    await addCustomer(t.tenantId, "cus_D");
    for (const body of [
      { billingAnchor: "2026-01-31T10:00:00" },
      { billingAnchor: "31/01/2026" },
      { stripeCustomerId: "acct_123" },
      { nickname: "x" },
    ]) {
      const res = await patch(t, "cus_D", body);
      expect(res.status, JSON.stringify(body)).toBe(422);
      expect(res.body.error.code).toBe("validation_failed");
    }
  });

  it("refuses with 422, not a 500, an anchor whose instant is past year 9999 in UTC (RFC 3339 has 4-digit years)", async () => {
    const t = await createTestTenant();
    await addCustomer(t.tenantId, "cus_Y10K");
    // 9999-12-31T23:59:59-23:59 is 10000-01-01T23:58:59Z: Postgres via Prisma refused it (500),
    // and no RFC 3339 timestamp could have answered it back.
    for (const billingAnchor of ["9999-12-31T23:59:59-23:59", "9999-12-31T23:30:00-00:31"]) {
      const res = await patch(t, "cus_Y10K", { billingAnchor });
      expect(res.status, billingAnchor).toBe(422);
      expect(res.body.error).toMatchObject({ code: "validation_failed", details: [{ path: "billingAnchor" }] });
    }
    const last = await patch(t, "cus_Y10K", { billingAnchor: "9999-12-31T23:59:59.999Z" });
    expect(last.status).toBe(200);
    expect(last.body.billingAnchor).toBe("9999-12-31T23:59:59.999Z");
  });

  it("refuses with 409 to move the anchor of a customer with usage in its open period, but allows other edits", async () => {
    const t = await createTestTenant();
    const out = await ingestEvents({
      tenantId: t.tenantId,
      events: [{ metric: "api_calls", customerRef: "cus_E", quantity: 5, ts: new Date().toISOString() }],
    });
    expect(out.accepted).toBe(1);
    const moved = await patch(t, "cus_E", { billingAnchor: "2026-01-15T00:00:00Z" });
    expect(moved.status).toBe(409);
    expect(moved.body.error.code).toBe("conflict");
    expect(moved.body.error.message).toContain("already has usage in its current billing period");
    const renamed = await patch(t, "cus_E", { name: "Initech" });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({ name: "Initech", billingAnchor: null });
  });

  it("creates an unknown customer (201), so its billing anchor can be set before its first event", async () => {
    const t = await createTestTenant();
    const anchor = "2026-10-15T12:00:00Z";
    const res = await patch(t, "cus_new", { name: "New Co", billingAnchor: anchor, stripeCustomerId: "cus_Stripe1" });
    expect(res.status).toBe(201);
    const c = ZCustomer.parse(res.body);
    expect(c).toMatchObject({
      customerRef: "cus_new",
      name: "New Co",
      stripeCustomerId: "cus_Stripe1",
      billingAnchor: "2026-10-15T12:00:00.000Z",
    });
    expect(new Date(c.currentPeriod.start).getUTCDate()).toBe(15);
    // the first event then lands in the anchored period, and a second PATCH updates (200)
    const out = await ingestEvents({
      tenantId: t.tenantId,
      events: [
        { metric: "calls", customerRef: "cus_new", quantity: 3, ts: new Date(Date.now() - 60_000).toISOString() },
      ],
    });
    expect(out.accepted).toBe(1);
    const counter = await db.counter.findFirstOrThrow({ where: { tenantId: t.tenantId, customerRef: "cus_new" } });
    expect(counter.periodStart.toISOString()).toBe(c.currentPeriod.start);
    const again = await patch(t, "cus_new", { name: "New Co 2" });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ id: c.id, name: "New Co 2" });
    const audit = await db.auditLog.findMany({
      where: { tenantId: t.tenantId, targetId: c.id },
      orderBy: { createdAt: "asc" },
    });
    expect(audit.map((a) => a.action)).toEqual(["customer.created", "customer.updated", "customer.updated"]);
    // bad input still creates nothing
    const bad = await patch(t, "cus_never", { billingAnchor: "yesterday" });
    expect(bad.status).toBe(422);
    expect(await db.customer.count({ where: { tenantId: t.tenantId, customerRef: "cus_never" } })).toBe(0);
  });

  it("pages through customers in customerRef order without duplicates or gaps, tenant-scoped", async () => {
    const t = await createTestTenant();
    const other = await createTestTenant();
    await addCustomer(other.tenantId, "cus_00_other");
    const refs = ["cus_05", "cus_01", "cus_04", "cus_02", "cus_03"];
    for (const r of refs) await addCustomer(t.tenantId, r);
    const seen = await listAllRefs(t.apiKey, 2, (data) => {
      expect(data.length).toBeLessThanOrEqual(2);
      for (const c of data) ZCustomer.parse(c);
    });
    expect(seen).toEqual([...refs].sort());
  });

  it("pages past customers whose refs are long and not ASCII: the nextCursor it gives is accepted back", async () => {
    const t = await createTestTenant();
    // 255 characters (the longest customerRef) of 3 UTF-8 bytes each, and of JSON escapes: their
    // nextCursor was over the 512 characters a cursor could have, so page 2 answered 422.
    const refs = ["顧".repeat(255), "\u0001".repeat(255), "a".repeat(255)].sort();
    for (const r of refs) await addCustomer(t.tenantId, r);
    const seen = await listAllRefs(t.apiKey, 1);
    expect([...seen].sort()).toEqual(refs);
  });
});
