// Ingest decides whether an event is late from the clock read once its batch holds the tenant's
// usage-config lock, not when the request arrived: a batch that waited behind an anchor change
// or `counters verify --fix` must not file an event as on time after its window closed (audit 9).
import { describe, expect, it } from "vitest";
import { lockUsageConfigSql } from "@/lib/billing/usage-config-lock";
import { updateCustomer } from "@/lib/customers/update-customer";
import { db } from "@/lib/db/client";
import { ingestEvents } from "@/lib/ingest/ingest-events";
import { expectCountersVerified, verifyCountersAfterEach } from "../helpers/ingest";
import { useRawPgClient } from "../helpers/raw-pg-client";
import { createTestTenant } from "../helpers/tenant";

verifyCountersAfterEach();

describe("ingest's clock", () => {
  const other = useRawPgClient();

  it("is read after the lock: an event whose window closed during the wait is late", async () => {
    const t = await createTestTenant();
    await db.tenant.update({ where: { id: t.tenantId }, data: { latenessWindowHours: 0 } });
    // A billing anchor at today's time of day + 1.5 s: the open period ends then, and with a
    // window of 0 h an event of it is late from that instant on.
    const endsAt = Date.now() + 1_500;
    await updateCustomer({
      tenantId: t.tenantId,
      customerRef: "c",
      input: { billingAnchor: new Date(endsAt).toISOString() },
      actor: { type: "system", id: "test" },
    });
    const ts = new Date(Date.now() - 1_000).toISOString();

    // Another session holds the lock exclusively (as an anchor change does) past the period's end.
    await other().query("BEGIN");
    await other().query(lockUsageConfigSql(t.tenantId));
    const sent = Date.now();
    const ingest = ingestEvents({
      tenantId: t.tenantId,
      events: [{ metric: "calls", customerRef: "c", quantity: 7, ts, idempotencyKey: "waited" }],
    });
    await new Promise((r) => setTimeout(r, endsAt + 500 - Date.now()));
    await other().query("COMMIT");
    const out = await ingest;
    expect(sent).toBeLessThan(endsAt); // it arrived on time...
    expect(out.results[0]).toMatchObject({ status: "accepted", late: true }); // ...and was filed after
    const stored = await db.event.findFirstOrThrow({ where: { tenantId: t.tenantId, idempotencyKey: "waited" } });
    expect(stored.late).toBe(true);
    await expectCountersVerified(t.tenantId);
  });
});
