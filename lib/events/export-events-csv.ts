import "server-only";
import { getPgPool } from "@/lib/db/pg-pool";
import { formatDecimal } from "@/lib/ingest/normalize";
import { csvCell, csvRow } from "./csv";
import { type EventFilter, eventConditions } from "./list-events";
import { EVENT_COLUMNS_SQL, type EventRow } from "./schemas";

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
    csvCell(e.id, { text: false }),
    csvCell(e.ts.toISOString(), { text: false }),
    csvCell(e.received_at.toISOString(), { text: false }),
    csvCell(e.metric),
    csvCell(e.customer_ref),
    csvCell(formatDecimal(e.quantity), { text: false }),
    csvCell(e.idempotency_key),
    csvCell(e.resource_id),
    csvCell(e.source),
    csvCell(e.late, { text: false }),
    csvCell(e.period_start.toISOString(), { text: false }),
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
  const { conditions, params } = eventConditions(filter);
  let after: { ts: Date; id: string } | null = null;
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
        const where = [...conditions];
        const values = [...params];
        if (after) {
          values.push(after.ts, after.id);
          const t = `$${values.length - 1}`;
          where.push(`ts >= ${t}`, `(ts, id) > (${t}, $${values.length}::bigint)`);
        }
        values.push(EXPORT_PAGE_SIZE);
        // The table's columns, not the selected text alias `id` (see listEvents).
        const { rows } = await getPgPool().query<EventRow>(
          `SELECT ${EVENT_COLUMNS_SQL} FROM events WHERE ${where.join(" AND ")}
           ORDER BY events.ts ASC, events.id ASC LIMIT $${values.length}`,
          values,
        );
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
