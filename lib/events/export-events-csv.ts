import "server-only";
import { db } from "@/lib/db/client";
import type { Prisma } from "@/lib/generated/prisma/client";
import { csvCell, csvRow } from "./csv";
import { type EventFilter, eventWhere } from "./list-events";
import type { EventRow } from "./schemas";

export const EXPORT_PAGE_SIZE = 1000;

export const EXPORT_COLUMNS = [
  "id",
  "ts",
  "received_at",
  "metric",
  "customer_ref",
  "quantity",
  "idempotency_key",
  "resource_id",
  "source",
  "late",
  "period_start",
  "meta",
] as const;

function eventCsvRow(e: EventRow): string {
  return csvRow([
    csvCell(e.id.toString(), { text: false }),
    csvCell(e.ts.toISOString(), { text: false }),
    csvCell(e.receivedAt.toISOString(), { text: false }),
    csvCell(e.metric),
    csvCell(e.customerRef),
    csvCell(e.quantity.toFixed(), { text: false }),
    csvCell(e.idempotencyKey),
    csvCell(e.resourceId),
    csvCell(e.source),
    csvCell(e.late, { text: false }),
    csvCell(e.periodStart.toISOString(), { text: false }),
    csvCell(e.meta == null ? null : JSON.stringify(e.meta)),
  ]);
}

/**
 * Streams the tenant's events in [from, to) as CSV, oldest first. Each pull reads one
 * keyset page, so memory stays bounded and the client's read speed paces the database
 * (ReadableStream backpressure) however large the range is.
 */
export function exportEventsCsv(filter: EventFilter & { from: string; to: string }): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const base = eventWhere(filter);
  let after: { ts: Date; id: bigint } | null = null;
  let headerSent = false;
  let done = false;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        if (!headerSent) {
          headerSent = true;
          controller.enqueue(encoder.encode(csvRow([...EXPORT_COLUMNS])));
          return;
        }
        if (done) {
          controller.close();
          return;
        }
        const where: Prisma.EventWhereInput = after
          ? {
              AND: [
                base,
                { ts: { gte: after.ts } },
                { OR: [{ ts: { gt: after.ts } }, { ts: after.ts, id: { gt: after.id } }] },
              ],
            }
          : base;
        const rows = await db.event.findMany({
          where,
          orderBy: [{ ts: "asc" }, { id: "asc" }],
          take: EXPORT_PAGE_SIZE,
        });
        if (rows.length < EXPORT_PAGE_SIZE) done = true;
        const last = rows[rows.length - 1];
        if (last) after = { ts: last.ts, id: last.id };
        if (rows.length === 0) {
          controller.close();
          return;
        }
        controller.enqueue(encoder.encode(rows.map(eventCsvRow).join("")));
      },
    },
    { highWaterMark: 1 },
  );
}
