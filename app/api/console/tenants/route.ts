import { otherMethods } from "@/lib/api/other-methods";
import { parseBody } from "@/lib/api/request";
import { withSignedInUser } from "@/lib/api/with-session";
import { activeTenantCookie } from "@/lib/tenants/active-tenant-cookie";
import { createOwnedTenant, ZCreateTenant } from "@/lib/tenants/create-owned-tenant";

export const dynamic = "force-dynamic";

export const GET = withSignedInUser(async ({ session }) => Response.json({ data: session.memberships }));

export const POST = withSignedInUser(async ({ req, user }) => {
  const { name } = await parseBody(req, ZCreateTenant);
  const tenant = await createOwnedTenant({ userId: user.id, name });
  return Response.json(
    { tenantId: tenant.id, tenantName: tenant.name, role: "owner" },
    { status: 201, headers: { "set-cookie": activeTenantCookie(tenant.id) } },
  );
});

// Every other method: a 405 in the API's error shape, and OPTIONS with `Allow` (lib/api/other-methods.ts).
export const { PUT, PATCH, DELETE, OPTIONS } = otherMethods({ GET, POST });
