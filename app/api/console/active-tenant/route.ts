import { z } from "zod";
import { ApiError } from "@/lib/api/errors";
import { otherMethods } from "@/lib/api/other-methods";
import { parseBody } from "@/lib/api/request";
import { withSignedInUser } from "@/lib/api/with-session";
import { activeTenantCookie } from "@/lib/tenants/active-tenant-cookie";

export const dynamic = "force-dynamic";

const ZSwitch = z.object({ tenantId: z.string().min(1).max(64) });

export const POST = withSignedInUser(async ({ req, session }) => {
  const { tenantId } = await parseBody(req, ZSwitch);
  const membership = session.memberships.find((m) => m.tenantId === tenantId);
  // Same answer for "does not exist" and "not yours": tenant ids are not enumerable.
  if (!membership) throw new ApiError({ code: "not_found", message: "Tenant not found." });
  return Response.json(membership, { headers: { "set-cookie": activeTenantCookie(tenantId) } });
});

// Every other method: a 405 in the API's error shape, and OPTIONS with `Allow` (lib/api/other-methods.ts).
export const { GET, HEAD, PUT, PATCH, DELETE, OPTIONS } = otherMethods({ POST });
