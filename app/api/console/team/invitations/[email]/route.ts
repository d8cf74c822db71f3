import { withSession } from "@/lib/api/with-session";
import { cancelInvitation } from "@/lib/team/cancel-invitation";

export const dynamic = "force-dynamic";

export const DELETE = withSession<{ email: string }>(
  async ({ tenantId, user, params }) => {
    await cancelInvitation({ tenantId, actorUserId: user.id, email: decodeURIComponent(params.email) });
    return new Response(null, { status: 204 });
  },
  { role: "admin" },
);
