import { z } from "zod";
import { servePagesRoute } from "@/lib/api/pages-route";
import { parseQuery } from "@/lib/api/request";
import { withApiKey } from "@/lib/api/with-api-key";
import { getCurrentUsage } from "@/lib/usage/get-current-usage";

// A Pages Router API route for speed (lib/api/pages-route.ts); the handler is an App Router one.
export const config = { api: { bodyParser: false } };

const ZCurrentUsageQuery = z.object({
  customerRef: z.string({ error: "required" }).min(1, "required").max(255, "at most 255 characters"),
  tenantId: z.string().optional(),
});

export const GET = withApiKey(
  async ({ req, tenantId }) => {
    const { customerRef } = parseQuery(req, ZCurrentUsageQuery);
    return Response.json(await getCurrentUsage({ tenantId, customerRef }));
  },
  { scope: "usage:read" },
);

export default servePagesRoute({ GET });
