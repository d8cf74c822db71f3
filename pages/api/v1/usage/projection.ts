import { z } from "zod";
import { servePagesRoute } from "@/lib/api/pages-route";
import { assertOwnTenant, parseBody } from "@/lib/api/request";
import { withApiKey } from "@/lib/api/with-api-key";
import { projectUsage } from "@/lib/projection/project-usage";

// A Pages Router API route for speed (lib/api/pages-route.ts); the handler is an App Router one.
export const config = { api: { bodyParser: false } };

const ZProjectionBody = z.strictObject({
  customerRef: z.string({ error: "required" }).min(1, "required").max(255, "at most 255 characters"),
  tenantId: z.string().optional(),
});

export const POST = withApiKey(
  async ({ req, tenantId }) => {
    const body = await parseBody(req, ZProjectionBody);
    assertOwnTenant(tenantId, body.tenantId);
    return Response.json(await projectUsage({ tenantId, customerRef: body.customerRef }));
  },
  { scope: "usage:read" },
);

export default servePagesRoute({ POST });
