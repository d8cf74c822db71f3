import { otherMethods } from "@/lib/api/other-methods";
import { parseBody } from "@/lib/api/request";
import { runRoute } from "@/lib/api/run-route";
import { assertSameOrigin } from "@/lib/api/with-session";
import { activeTenantCookie } from "@/lib/tenants/active-tenant-cookie";
import { signUp, ZSignUp } from "@/lib/users/sign-up";

export const dynamic = "force-dynamic";

// Public: creates the account (joining a tenant only with an invite link's `inviteToken`); the
// page then signs in through next-auth's credentials flow. The cookie opens `tenantId` first.
export function POST(req: Request): Promise<Response> {
  return runRoute(req, async (_requestId, fields) => {
    assertSameOrigin(req);
    const input = await parseBody(req, ZSignUp, 16 * 1024);
    const result = await signUp(input);
    fields.userId = result.userId;
    return Response.json(
      {
        userId: result.userId,
        tenantId: result.tenantId,
        ownTenantId: result.ownTenantId,
        joinedTenantIds: result.joinedTenantIds,
      },
      { status: 201, headers: { "set-cookie": activeTenantCookie(result.tenantId) } },
    );
  });
}

// Every other method: a 405 in the API's error shape, and OPTIONS with `Allow` (lib/api/other-methods.ts).
export const { GET, HEAD, PUT, PATCH, DELETE, OPTIONS } = otherMethods({ POST });
