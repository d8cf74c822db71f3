import { errorResponse, toApiError } from "@/lib/api/errors";
import { parseBody } from "@/lib/api/request";
import { newRequestId } from "@/lib/api/request-id";
import { assertSameOrigin } from "@/lib/api/with-session";
import { logger } from "@/lib/log";
import { activeTenantCookie } from "@/lib/tenants/active-tenant-cookie";
import { signUp, ZSignUp } from "@/lib/users/sign-up";

export const dynamic = "force-dynamic";

// Public: creates the account (joining a tenant only with an invite link's `inviteToken`); the
// page then signs in through next-auth's credentials flow. The cookie opens `tenantId` first.
export async function POST(req: Request): Promise<Response> {
  const requestId = req.headers.get("x-request-id")?.match(/^[\w.-]{1,64}$/)?.[0] ?? newRequestId();
  try {
    assertSameOrigin(req);
    const input = await parseBody(req, ZSignUp, 16 * 1024);
    const result = await signUp(input);
    return Response.json(
      {
        userId: result.userId,
        tenantId: result.tenantId,
        ownTenantId: result.ownTenantId,
        joinedTenantIds: result.joinedTenantIds,
      },
      { status: 201, headers: { "x-request-id": requestId, "set-cookie": activeTenantCookie(result.tenantId) } },
    );
  } catch (err) {
    const apiErr = toApiError(err);
    if (apiErr.code === "internal_error") {
      logger.error("unhandled error", { requestId, err: err instanceof Error ? err.stack : String(err) });
    }
    return errorResponse(apiErr, requestId);
  }
}
