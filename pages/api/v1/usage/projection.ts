import { z } from "zod";
import { servePagesRoute } from "@/lib/api/pages-route";
import { assertOwnTenant, parseBody } from "@/lib/api/request";
import { ZCustomerRefInput, ZTenantIdField } from "@/lib/api/schemas";
import { withApiKey } from "@/lib/api/with-api-key";
import { projectUsage } from "@/lib/projection/project-usage";

// A Pages Router API route for speed (lib/api/pages-route.ts); the handler is an App Router one.
export const config = { api: { bodyParser: false } };

const ZProjectionBody = z.strictObject({ customerRef: ZCustomerRefInput, tenantId: ZTenantIdField });

export const POST = withApiKey(
  async ({ req, tenantId }) => {
    const body = await parseBody(req, ZProjectionBody);
    assertOwnTenant(tenantId, body.tenantId);
    return Response.json(await projectUsage({ tenantId, customerRef: body.customerRef }));
  },
  { scope: "usage:read" },
);

export default servePagesRoute({ POST });
