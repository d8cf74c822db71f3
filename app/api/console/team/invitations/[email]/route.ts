import { otherMethods } from "@/lib/api/other-methods";
import { withSession } from "@/lib/api/with-session";
import { cancelInvitation } from "@/lib/team/cancel-invitation";

export const dynamic = "force-dynamic";

export const DELETE = withSession<{ email: string }>(
  async ({ tenantId, user, params }) => {
    // Next has decoded the segment already: decoding again broke on a "%" (a 500).
    await cancelInvitation({ tenantId, actorUserId: user.id, email: params.email });
    return new Response(null, { status: 204 });
  },
  { role: "admin" },
);

// Every other method: a 405 in the API's error shape, and OPTIONS with `Allow` (lib/api/other-methods.ts).
export const { GET, HEAD, POST, PUT, PATCH, OPTIONS } = otherMethods({ DELETE });
