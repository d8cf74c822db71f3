import { z } from "zod";
import { otherMethods } from "@/lib/api/other-methods";
import { parseBody } from "@/lib/api/request";
import { withSession } from "@/lib/api/with-session";
import { ZRole } from "@/lib/auth/roles";
import { changeMemberRole } from "@/lib/team/change-member-role";
import { removeMember } from "@/lib/team/remove-member";

export const dynamic = "force-dynamic";

const ZChangeRole = z.object({ role: ZRole });

export const PATCH = withSession<{ userId: string }>(
  async ({ req, tenantId, user, params }) => {
    const { role } = await parseBody(req, ZChangeRole);
    return Response.json(await changeMemberRole({ tenantId, actorUserId: user.id, userId: params.userId, role }));
  },
  { role: "admin" },
);

export const DELETE = withSession<{ userId: string }>(
  async ({ tenantId, user, params }) => {
    await removeMember({ tenantId, actorUserId: user.id, userId: params.userId });
    return new Response(null, { status: 204 });
  },
  { role: "admin" },
);

// Every other method: a 405 in the API's error shape, and OPTIONS with `Allow` (lib/api/other-methods.ts).
export const { GET, HEAD, POST, PUT, OPTIONS } = otherMethods({ PATCH, DELETE });
