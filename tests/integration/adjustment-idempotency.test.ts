// POST /api/v1/adjustments with an Idempotency-Key: a retry (after a timeout, or a 503 whose
// commit did happen) answers the adjustment already made instead of making a second one.
import { describe, expect, it } from "vitest";
import { POST as postAdjustment } from "@/app/api/v1/adjustments/route";
import { POST as postMeter } from "@/app/api/v1/meters/route";
import { db } from "@/lib/db/client";
import { counterValue, expectCountersVerified, postIngest, verifyCountersAfterEach } from "../helpers/ingest";
import { callRoute } from "../helpers/route";
import { createTestTenant, type TestTenant } from "../helpers/tenant";

verifyCountersAfterEach();

const post = (t: TestTenant, body: unknown, key?: string) =>
  callRoute(postAdjustment, {
    method: "POST",
    path: "/api/v1/adjustments",
    key: t.apiKey,
    headers: key === undefined ? {} : { "idempotency-key": key },
    body,
  });
const credit = { metric: "api_calls", customerRef: "c", delta: "-10", reason: "goodwill credit" };

async function tenantWithUsage(): Promise<TestTenant> {
  const t = await createTestTenant();
  const res = await postIngest(t.apiKey, {
    events: [{ metric: "api_calls", customerRef: "c", quantity: 100, ts: new Date().toISOString() }],
  });
  expect(res.status).toBe(200);
  return t;
}

describe("adjustments with an Idempotency-Key", () => {
  it("a retry with the same key and request answers the same adjustment and moves the counter once", async () => {
    const t = await tenantWithUsage();
    const first = await post(t, credit, "credit-2026-12-1");
    expect(first.status).toBe(201);
    expect(first.headers.get("idempotent-replayed")).toBeNull();
    // the same request, the delta written another way
    const retry = await post(t, { ...credit, delta: "-10.000" }, "credit-2026-12-1");
    expect(retry.status).toBe(201);
    expect(retry.headers.get("idempotent-replayed")).toBe("true");
    expect(retry.body).toEqual(first.body);
    expect(await counterValue(t.tenantId, "api_calls", "c")).toBe("90");
    expect(await db.adjustment.count({ where: { tenantId: t.tenantId } })).toBe(1);
    await expectCountersVerified(t.tenantId);
  });

  it("concurrent requests with one key make one adjustment, and every one answers it", async () => {
    const t = await tenantWithUsage();
    const answers = await Promise.all(Array.from({ length: 12 }, () => post(t, credit, "burst")));
    expect(answers.map((a) => a.status)).toEqual(Array(12).fill(201));
    expect(new Set(answers.map((a) => a.body.id)).size).toBe(1);
    expect(answers.filter((a) => a.headers.get("idempotent-replayed") === "true")).toHaveLength(11);
    expect(await counterValue(t.tenantId, "api_calls", "c")).toBe("90");
    await expectCountersVerified(t.tenantId);
  });

  it("the same key for another request is a 409 that changes nothing; keys are per tenant; no key, no dedup", async () => {
    const t = await tenantWithUsage();
    expect((await post(t, credit, "k1")).status).toBe(201);
    for (const other of [
      { ...credit, delta: "-11" },
      { ...credit, reason: "other" },
      { ...credit, customerRef: "d" },
    ]) {
      const res = await post(t, other, "k1");
      expect(res.status, JSON.stringify(other)).toBe(409);
      expect(res.body.error.code).toBe("conflict");
      expect(res.body.error.message).toContain('Idempotency-Key "k1" was already used for a different adjustment');
    }
    expect(await counterValue(t.tenantId, "api_calls", "c")).toBe("90");
    const other = await tenantWithUsage();
    expect((await post(other, credit, "k1")).status).toBe(201); // another tenant's own k1
    expect(await counterValue(other.tenantId, "api_calls", "c")).toBe("90");
    // without a key, each request is a new adjustment
    expect((await post(t, credit)).status).toBe(201);
    expect((await post(t, credit)).status).toBe(201);
    expect(await counterValue(t.tenantId, "api_calls", "c")).toBe("70");
  });

  it("a request that fails leaves its key unused: the corrected retry with the same key is made", async () => {
    const t = await tenantWithUsage();
    const tooMuch = await post(t, { ...credit, delta: "-1000" }, "fix-me");
    expect(tooMuch.status).toBe(422); // would make the counter negative: rolled back
    const noMeter = await post(t, { ...credit, metric: "nope" }, "fix-me");
    expect(noMeter.status).toBe(404);
    expect(await db.idempotencyKey.count({ where: { tenantId: t.tenantId } })).toBe(0);
    const fixed = await post(t, credit, "fix-me");
    expect(fixed.status).toBe(201);
    expect(fixed.headers.get("idempotent-replayed")).toBeNull();
    expect(await counterValue(t.tenantId, "api_calls", "c")).toBe("90");
    // from now on the key is the corrected request's
    expect((await post(t, { ...credit, delta: "-1000" }, "fix-me")).status).toBe(409);
  });

  it("a key is the tenant's across endpoints: one used for a meter is a 409 here", async () => {
    const t = await tenantWithUsage();
    const meter = await callRoute(postMeter, {
      method: "POST",
      path: "/api/v1/meters",
      key: t.apiKey,
      headers: { "idempotency-key": "shared" },
      body: { metric: "storage_gb" },
    });
    expect(meter.status).toBe(201);
    const res = await post(t, credit, "shared");
    expect(res.status).toBe(409);
    expect(res.body.error.message).toContain('Idempotency-Key "shared" was already used for POST /api/v1/meters');
    expect(await db.adjustment.count({ where: { tenantId: t.tenantId } })).toBe(0);
  });

  it("a revert retried with its key reverts once", async () => {
    const t = await tenantWithUsage();
    const made = await post(t, credit);
    const revert = { revertsId: made.body.id, reason: "undo" };
    const first = await post(t, revert, "undo-1");
    const retry = await post(t, revert, "undo-1");
    expect([first.status, retry.status]).toEqual([201, 201]);
    expect(retry.body.id).toBe(first.body.id);
    expect(await counterValue(t.tenantId, "api_calls", "c")).toBe("100");
    // without the key a second revert is still refused
    expect((await post(t, revert)).status).toBe(409);
  });

  it("refuses a malformed key with 422 naming the header, before anything is written", async () => {
    const t = await tenantWithUsage();
    for (const bad of ["", "x".repeat(256), "has space", "é"]) {
      const res = await callRoute(postAdjustment, {
        method: "POST",
        path: "/api/v1/adjustments",
        key: t.apiKey,
        headers: { "idempotency-key": bad },
        body: credit,
      }).catch((e: unknown) => ({ status: -1, body: String(e), headers: new Headers() }));
      if (res.status === -1) continue; // a header value the fetch API itself refuses (non-ASCII)
      expect(res.status, JSON.stringify(bad)).toBe(422);
      expect(res.body.error.details[0].path).toBe("Idempotency-Key");
    }
    expect(await db.adjustment.count({ where: { tenantId: t.tenantId } })).toBe(0);
  });
});
