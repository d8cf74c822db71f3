import { describe, expect, it } from "vitest";
import { POST } from "@/app/api/v1/events/ingest/route";
import { getPgPool } from "@/lib/db/pg-pool";
import { callRoute } from "../helpers/route";
import { createTestTenant } from "../helpers/tenant";

describe("ingest smoke", () => {
  it("accepts an event and moves the counter", async () => {
    const t = await createTestTenant();
    const ts = new Date().toISOString();
    const res = await callRoute(POST, {
      method: "POST",
      path: "/api/v1/events/ingest",
      key: t.apiKey,
      body: { events: [{ metric: "api_calls", customerRef: "cus_1", quantity: 3, ts, idempotencyKey: "k1" }] },
    });
    expect(res.status).toBe(200);
    expect(res.body.accepted).toBe(1);
    const c = await getPgPool().query("select value::text from counters where tenant_id = $1", [t.tenantId]);
    expect(c.rows).toEqual([{ value: "3.000000" }]);
  });
});
