import { otherMethods } from "@/lib/api/other-methods";
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

// Every other method: a 405 in the API's error shape, and OPTIONS with `Allow` (lib/api/other-methods.ts).
export const { GET, HEAD, PUT, PATCH, DELETE, OPTIONS } = otherMethods({ POST });
