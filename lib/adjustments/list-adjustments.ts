import "server-only";
import { z } from "zod";
import { decodeCursor, toPage } from "@/lib/api/pagination";
import { ZRfc3339 } from "@/lib/api/schemas";
import { getPgPool } from "@/lib/db/pg-pool";
import { formatDecimal } from "@/lib/ingest/normalize";
import type { AdjustmentView } from "./schemas";

const ZPosition = z.object({ c: ZRfc3339, id: z.string().min(1).max(64) });

export interface AdjustmentRow {
  id: string;
  metric: string;
  customer_ref: string;
  period_start: Date;
  delta: string;
  reason: string;
  actor: string;
  event_id: string | null;
  reverts_id: string | null;
  created_at: Date;
}

export function toAdjustmentView(r: AdjustmentRow): AdjustmentView {
  return {
    id: r.id,
    metric: r.metric,
    customerRef: r.customer_ref,
    periodStart: r.period_start.toISOString(),
    delta: formatDecimal(r.delta),
    reason: r.reason,
    actor: r.actor,
    eventId: r.event_id,
    revertsId: r.reverts_id,
    createdAt: r.created_at.toISOString(),
  };
}

/** The tenant's adjustments, newest first, keyset-paginated on (created_at, id). */
export async function listAdjustments(opts: {
  tenantId: string;
  customerRef?: string;
  metric?: string;
  limit: number;
  cursor?: string;
}): Promise<{ data: AdjustmentView[]; nextCursor: string | null }> {
  const pos = opts.cursor ? decodeCursor(opts.cursor, ZPosition) : null;
  const rows = await getPgPool().query<AdjustmentRow>(
    `SELECT a.id, m.metric, a.customer_ref, a.period_start, a.delta::text AS delta, a.reason, a.actor,
       a.event_id::text AS event_id, a.reverts_id, a.created_at
     FROM adjustments a JOIN meters m ON m.tenant_id = a.tenant_id AND m.id = a.meter_id
     WHERE a.tenant_id = $1
       AND ($2::text IS NULL OR a.customer_ref = $2)
       AND ($3::text IS NULL OR m.metric = $3)
       AND ($4::timestamptz IS NULL OR (a.created_at, a.id) < ($4::timestamptz, $5::text))
     ORDER BY a.created_at DESC, a.id DESC
     LIMIT $6`,
    [opts.tenantId, opts.customerRef ?? null, opts.metric ?? null, pos?.c ?? null, pos?.id ?? null, opts.limit + 1],
  );
  return toPage(rows.rows, opts.limit, toAdjustmentView, (r) => ({ c: r.created_at.toISOString(), id: r.id }));
}
