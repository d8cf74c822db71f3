import { otherMethods } from "@/lib/api/other-methods";
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

// Every other method: a 405 in the API's error shape, and OPTIONS with `Allow` (lib/api/other-methods.ts).
export const { POST, PUT, PATCH, DELETE, OPTIONS } = otherMethods({ GET });
