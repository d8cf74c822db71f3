import { z } from "zod";
import { ZCursor, ZLimit } from "@/lib/api/pagination";
import { ZDecimalString, ZRfc3339, ZTenantIdField } from "@/lib/api/schemas";
import { ZCustomerRef } from "@/lib/customers/schemas";
import { formatDecimal } from "@/lib/ingest/normalize";
import { ZMetric } from "@/lib/meters/schemas";

const rangeMessage = { path: ["to"], message: "must be after from" };
const fromBeforeTo = (q: { from?: string; to?: string }) => !q.from || !q.to || Date.parse(q.from) < Date.parse(q.to);

export const ZListEventsQuery = z
  .strictObject({
    customerRef: ZCustomerRef.optional(),
    metric: ZMetric.optional(),
    from: ZRfc3339.optional().meta({ description: "Inclusive lower bound on the event time `ts`." }),
    to: ZRfc3339.optional().meta({ description: "Exclusive upper bound on the event time `ts`." }),
    limit: ZLimit,
    cursor: ZCursor.optional(),
    tenantId: ZTenantIdField,
  })
  .refine(fromBeforeTo, rangeMessage);
export type ListEventsQuery = z.infer<typeof ZListEventsQuery>;

export const ZExportEventsQuery = z
  .strictObject({
    from: ZRfc3339.meta({ description: "Inclusive lower bound on the event time `ts`." }),
    to: ZRfc3339.meta({ description: "Exclusive upper bound on the event time `ts`." }),
    customerRef: ZCustomerRef.optional(),
    metric: ZMetric.optional(),
    tenantId: ZTenantIdField,
  })
  .refine(fromBeforeTo, rangeMessage);
export type ExportEventsQuery = z.infer<typeof ZExportEventsQuery>;

export const ZLedgerEvent = z.object({
  id: z.string().meta({ description: "Ledger sequence id (decimal string)." }),
  idempotencyKey: z.string(),
  metric: z.string(),
  customerRef: z.string(),
  quantity: ZDecimalString,
  ts: z.string().meta({ format: "date-time" }),
  receivedAt: z.string().meta({ format: "date-time" }),
  resourceId: z.string().nullable(),
  meta: z.record(z.string(), z.unknown()).nullable(),
  source: z.string().nullable(),
  periodStart: z.string().meta({
    format: "date-time",
    description:
      "Start of the billing period the event's `ts` falls in. A late event (`late: true`) keeps its closed period here; its quantity is counted in the customer's open period, through an automatic adjustment linked to it (`GET /api/v1/adjustments`, `eventId`).",
  }),
  late: z.boolean().meta({ description: "Arrived after its period's lateness window; applied as an adjustment." }),
});
export type LedgerEventDto = z.infer<typeof ZLedgerEvent>;

/** A row of `EVENT_COLUMNS_SQL` as node-postgres returns it. */
export interface EventRow {
  id: string;
  idempotency_key: string;
  metric: string;
  customer_ref: string;
  quantity: string;
  ts: Date;
  received_at: Date;
  resource_id: string | null;
  meta: Record<string, unknown> | null;
  source: string | null;
  period_start: Date;
  late: boolean;
}

export const EVENT_COLUMNS_SQL = `id::text AS id, idempotency_key, metric, customer_ref, quantity::text AS quantity, ts,
  received_at, resource_id, meta, source, period_start, late`;

export function toLedgerEventDto(row: EventRow): LedgerEventDto {
  return {
    id: row.id,
    idempotencyKey: row.idempotency_key,
    metric: row.metric,
    customerRef: row.customer_ref,
    quantity: formatDecimal(row.quantity),
    ts: row.ts.toISOString(),
    receivedAt: row.received_at.toISOString(),
    resourceId: row.resource_id,
    meta: row.meta,
    source: row.source,
    periodStart: row.period_start.toISOString(),
    late: row.late,
  };
}
