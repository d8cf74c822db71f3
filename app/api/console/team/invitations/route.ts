import { parseBody } from "@/lib/api/request";
import { withSession } from "@/lib/api/with-session";
import { inviteMember, ZInviteMember } from "@/lib/team/invite-member";

export const dynamic = "force-dynamic";

export const POST = withSession(
  async ({ req, tenantId, user }) => {
    const input = await parseBody(req, ZInviteMember);
    return Response.json(await inviteMember({ tenantId, actorUserId: user.id, ...input }), { status: 201 });
  },
  { role: "admin" },
);
