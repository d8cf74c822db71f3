import { otherMethods } from "@/lib/api/other-methods";
import { parseBody } from "@/lib/api/request";
import { runRoute } from "@/lib/api/run-route";
import { assertSameOrigin } from "@/lib/api/with-session";
import { requestClientAddress } from "@/lib/server/client-address";
import { activeTenantCookie } from "@/lib/tenants/active-tenant-cookie";
import { signUp, ZSignUp } from "@/lib/users/sign-up";
import { takeSignupAttempt } from "@/lib/users/signup-throttle";

export const dynamic = "force-dynamic";

// Public: creates the account (joining a tenant only with an invite link's `inviteToken`); the
// page then signs in through next-auth's credentials flow. The cookie opens `tenantId` first.
// Throttled per client address (lib/users/signup-throttle.ts). An email that already has an
// account gets a 409 saying so: the page signs in right after, so a uniform answer would
// still tell (README, "Security model").
export function POST(req: Request): Promise<Response> {
  return runRoute(req, async (_requestId, fields) => {
    assertSameOrigin(req);
    const input = await parseBody(req, ZSignUp, 16 * 1024);
    takeSignupAttempt(requestClientAddress(req));
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
