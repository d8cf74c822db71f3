import { z } from "zod";
import { servePagesRoute } from "@/lib/api/pages-route";
import { parseQuery } from "@/lib/api/request";
import { ZCustomerRefInput, ZTenantIdField } from "@/lib/api/schemas";
import { withApiKey } from "@/lib/api/with-api-key";
import { getCurrentUsage } from "@/lib/usage/get-current-usage";

// A Pages Router API route for speed (lib/api/pages-route.ts); the handler is an App Router one.
export const config = { api: { bodyParser: false } };

// Strict, like every other query: an unknown parameter (a misspelt customerRef) is a 422, not ignored.
const ZCurrentUsageQuery = z.strictObject({ customerRef: ZCustomerRefInput, tenantId: ZTenantIdField });

export const GET = withApiKey(
  async ({ req, tenantId }) => {
    const { customerRef } = parseQuery(req, ZCurrentUsageQuery);
    return Response.json(await getCurrentUsage({ tenantId, customerRef }));
  },
  { scope: "usage:read" },
);

export default servePagesRoute({ GET });
