import { otherMethods } from "@/lib/api/other-methods";
import { parseBody } from "@/lib/api/request";
import { withSignedInUser } from "@/lib/api/with-session";
import { acceptInvitation, ZAcceptInvitation } from "@/lib/team/accept-invitation";
import { activeTenantCookie } from "@/lib/tenants/active-tenant-cookie";

export const dynamic = "force-dynamic";

// The signed-in user accepts an invite link sent to their email; the joined tenant opens next.
export const POST = withSignedInUser(async ({ req, user }) => {
  const { token } = await parseBody(req, ZAcceptInvitation);
  const joined = await acceptInvitation({ userId: user.id, token });
  return Response.json(joined, { status: 200, headers: { "set-cookie": activeTenantCookie(joined.tenantId) } });
});

// Every other method: a 405 in the API's error shape, and OPTIONS with `Allow` (lib/api/other-methods.ts).
export const { GET, HEAD, PUT, PATCH, DELETE, OPTIONS } = otherMethods({ POST });
