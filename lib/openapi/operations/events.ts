import { ZPage } from "@/lib/api/pagination";
import { EXPORT_COLUMNS } from "@/lib/events/export-events-csv";
import { ZExportEventsQuery, ZLedgerEvent, ZListEventsQuery } from "@/lib/events/schemas";
import type { ApiOperation } from "../registry";

export const eventOperations: ApiOperation[] = [
  {
    method: "get",
    path: "/api/v1/events",
    operationId: "listEvents",
    tag: "Events",
    summary: "List ledger events",
    description:
      "The tenant's events, newest event time first, filtered by customer, metric and `[from, to)`. Keyset cursors keep pages free of duplicates and gaps while events are being ingested.",
    scope: "usage:read",
    query: ZListEventsQuery,
    responses: { 200: { description: "A page of events.", schema: ZPage(ZLedgerEvent) } },
  },
  {
    method: "get",
    path: "/api/v1/events/export",
    operationId: "exportEvents",
    tag: "Events",
    summary: "Export events as CSV",
    description: `Streams the events of \`[from, to)\` oldest first as RFC 4180 CSV with a header row (${EXPORT_COLUMNS.join(", ")}). Cells that a spreadsheet would run as a formula are prefixed with \`'\`.`,
    scope: "usage:read",
    query: ZExportEventsQuery,
    responses: { 200: { description: "CSV file (streamed).", contentType: "text/csv" } },
  },
];
