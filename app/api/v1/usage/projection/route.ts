import { z } from "zod";
import { otherMethods } from "@/lib/api/other-methods";
import { assertOwnTenant, parseBody } from "@/lib/api/request";
import { withApiKey } from "@/lib/api/with-api-key";
import { projectUsage } from "@/lib/projection/project-usage";

export const dynamic = "force-dynamic";

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

export const { GET, HEAD, PUT, PATCH, DELETE, OPTIONS } = otherMethods("POST");
