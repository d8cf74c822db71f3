import { servePagesRoute } from "@/lib/api/pages-route";
import { readJsonWithText } from "@/lib/api/request";
import { withApiKey } from "@/lib/api/with-api-key";
import { inexactNumbers } from "@/lib/ingest/inexact-numbers";
import { ingestEvents } from "@/lib/ingest/ingest-events";
import { parseIngestRequest } from "@/lib/ingest/parse-ingest-request";

// A Pages Router API route for speed (lib/api/pages-route.ts); the handler is an App Router one.
export const config = { api: { bodyParser: false } };

export const POST = withApiKey(
  async ({ req, tenantId, requestId }) => {
    const { value, text } = await readJsonWithText(req);
    const { events } = parseIngestRequest(value, tenantId);
    const outcome = await ingestEvents({ tenantId, events, inexactNumbers: inexactNumbers(text) });
    return Response.json({
      accepted: outcome.accepted,
      duplicates: outcome.duplicates,
      conflicts: outcome.conflicts,
      rejected: outcome.rejected,
      requestId,
      results: outcome.results,
    });
  },
  { scope: "events:write" },
);

export default servePagesRoute({ POST });
