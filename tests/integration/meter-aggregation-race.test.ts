// Changing a meter's aggregation is refused once it has usage (lib/meters/update-meter.ts).
// A PATCH racing the meter's first ingest must not slip between the two: either the PATCH
// sees the usage and is refused, or the ingest counts with the new aggregation. Counters
// computed under the old one would give billed numbers another meaning.
import { describe, expect, it } from "vitest";
import { ApiError } from "@/lib/api/errors";
import { db } from "@/lib/db/client";
import { ingestEvents } from "@/lib/ingest/ingest-events";
import { createMeterOnce } from "@/lib/meters/create-meter";
import { updateMeter } from "@/lib/meters/update-meter";
import { verifyCounters } from "@/lib/usage/verify-counters";
import { isoNow, verifyCountersAfterEach } from "../helpers/ingest";
import { createTestTenant } from "../helpers/tenant";

verifyCountersAfterEach();

const actor = { type: "system" as const };

describe("PATCH aggregation racing the first ingest", () => {
  it("never leaves counters computed with the aggregation the meter no longer has", async () => {
    const t = await createTestTenant();
    let refused = 0;
    let changed = 0;
    for (let i = 0; i < 40; i++) {
      const metric = `race_${i}`;
      await createMeterOnce({
        tenantId: t.tenantId,
        input: { metric, displayName: metric, aggregation: "sum" },
        actor,
      });
      const events = [2, 3].map((quantity, j) => ({
        metric,
        customerRef: "cus_race",
        quantity,
        ts: isoNow(-1000),
        idempotencyKey: `${metric}-${j}`,
      }));
      const [patch, ingest] = await Promise.allSettled([
        // Let the ingest start first about half the time.
        new Promise((r) => setTimeout(r, i % 2)).then(() =>
          updateMeter({ tenantId: t.tenantId, metric, input: { aggregation: "max" }, actor }),
        ),
        ingestEvents({ tenantId: t.tenantId, events }),
      ]);
      expect(ingest.status).toBe("fulfilled");
      if (patch.status === "rejected") {
        expect(patch.reason).toBeInstanceOf(ApiError);
        expect((patch.reason as ApiError).status).toBe(409);
        refused++;
      } else {
        changed++;
      }
      const meter = await db.meter.findUniqueOrThrow({ where: { tenantId_metric: { tenantId: t.tenantId, metric } } });
      const counter = await db.counter.findFirstOrThrow({ where: { tenantId: t.tenantId, meterId: meter.id } });
      // sum would be 5, max is 3: the counter matches the meter's final aggregation.
      expect(counter.value.toString()).toBe(meter.aggregation === "max" ? "3" : "5");
    }
    expect(refused + changed).toBe(40);
    expect((await verifyCounters({ tenantId: t.tenantId })).differences).toEqual([]);
  });
});
