import { otherMethods } from "@/lib/api/other-methods";
import { parseQuery } from "@/lib/api/request";
import { withApiKey } from "@/lib/api/with-api-key";
import { listEvents } from "@/lib/events/list-events";
import { ZListEventsQuery } from "@/lib/events/schemas";

export const GET = withApiKey(
  async ({ req, tenantId }) => {
    const { tenantId: _claimed, ...q } = parseQuery(req, ZListEventsQuery);
    return Response.json(await listEvents({ ...q, tenantId }));
  },
  { scope: "usage:read" },
);

// Every other method: a 405 in the API's error shape, and OPTIONS with `Allow` (lib/api/other-methods.ts).
export const { POST, PUT, PATCH, DELETE, OPTIONS } = otherMethods({ GET });
