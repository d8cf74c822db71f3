import { z } from "zod";
import { otherMethods } from "@/lib/api/other-methods";
import { parseQuery } from "@/lib/api/request";
import { withApiKey } from "@/lib/api/with-api-key";
import { getCurrentUsage } from "@/lib/usage/get-current-usage";

export const dynamic = "force-dynamic";

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

export const { POST, PUT, PATCH, DELETE, OPTIONS } = otherMethods("GET");
