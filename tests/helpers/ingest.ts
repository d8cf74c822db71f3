import { afterEach, beforeEach } from "vitest";
import { db } from "@/lib/db/client";
import { getPgPool } from "@/lib/db/pg-pool";
import { newId } from "@/lib/ids";
import { formatDecimal } from "@/lib/ingest/normalize";
import { verifyCounters } from "@/lib/usage/verify-counters";
import { POST as ingestRoute } from "@/pages/api/v1/events/ingest";
import { callRoute } from "./route";
import { tenantsCreated } from "./tenant";

export function postIngest(key: string, body: unknown, headers?: Record<string, string>) {
  return callRoute(ingestRoute, { method: "POST", path: "/api/v1/events/ingest", key, body, headers });
}

export async function ledgerCount(tenantId: string): Promise<number> {
  const r = await getPgPool().query<{ n: string }>("SELECT count(*)::text AS n FROM events WHERE tenant_id = $1", [
    tenantId,
  ]);
  return Number(r.rows[0].n);
}

/** The live counter value (normalized decimal string) or null when there is no counter. */
export async function counterValue(
  tenantId: string,
  metric: string,
  customerRef: string,
  periodStart?: Date,
): Promise<string | null> {
  const r = await getPgPool().query<{ value: string }>(
    `SELECT c.value::text AS value FROM counters c JOIN meters m ON m.tenant_id = c.tenant_id AND m.id = c.meter_id
     WHERE c.tenant_id = $1 AND m.metric = $2 AND c.customer_ref = $3 AND ($4::timestamptz IS NULL OR c.period_start = $4)
     ORDER BY c.period_start DESC LIMIT 1`,
    [tenantId, metric, customerRef, periodStart?.toISOString() ?? null],
  );
  if (r.rowCount === 0) return null;
  return formatDecimal(r.rows[0].value);
}

export async function createMeterRow(
  tenantId: string,
  metric: string,
  aggregation: "sum" | "count" | "max" | "last" | "unique_count",
  uniqueBy: string | null = null,
): Promise<void> {
  await db.meter.create({
    data: { tenantId, id: newId("mtr"), metric, displayName: metric, aggregation, uniqueBy },
  });
}

/**
 * Every counter of the tenant equals its rebuild from the ledger + adjustments, and every late
 * event has its one automatic adjustment.
 */
export async function expectCountersVerified(tenantId: string): Promise<number> {
  const result = await verifyCounters({ tenantId });
  if (result.differences.length > 0) {
    throw new Error(`counters differ from the ledger: ${JSON.stringify(result.differences, null, 2)}`);
  }
  if (result.lateEventLinks.length > 0) {
    throw new Error(`late events' automatic adjustments are wrong: ${JSON.stringify(result.lateEventLinks, null, 2)}`);
  }
  return result.checked;
}

/**
 * After each test of the file, `counters verify` finds nothing in the tenants the test created
 * and in those created outside any test (beforeAll), which later tests may write to (issue #3:
 * after any test, zero differences). A test that tampers with counters on purpose must repair
 * them (verify --fix) before it ends.
 */
export function verifyCountersAfterEach(): void {
  const shared: string[] = [];
  let seen = 0;
  beforeEach(() => {
    shared.push(...tenantsCreated().slice(seen));
    seen = tenantsCreated().length;
  });
  afterEach(async () => {
    const mine = tenantsCreated().slice(seen);
    seen = tenantsCreated().length;
    for (const tenantId of [...shared, ...mine]) await expectCountersVerified(tenantId);
  });
}

export const isoNow = (offsetMs = 0) => new Date(Date.now() + offsetMs).toISOString();
