import { parseQuery } from "@/lib/api/request";
import { withApiKey } from "@/lib/api/with-api-key";
import { exportEventsCsv } from "@/lib/events/export-events-csv";
import { ZExportEventsQuery } from "@/lib/events/schemas";

export const GET = withApiKey(
  async ({ req, tenantId }) => {
    const { tenantId: _claimed, ...q } = parseQuery(req, ZExportEventsQuery);
    const day = (iso: string) => new Date(iso).toISOString().slice(0, 10);
    return new Response(exportEventsCsv({ ...q, tenantId }), {
      headers: {
        "content-type": "text/csv; charset=utf-8",
        "content-disposition": `attachment; filename="events_${day(q.from)}_${day(q.to)}.csv"`,
        "cache-control": "no-store",
      },
    });
  },
  { scope: "usage:read" },
);
