import { otherMethods } from "@/lib/api/other-methods";
import { withSession } from "@/lib/api/with-session";
import { apiKeyJson } from "@/lib/auth/api-key-input";
import { revokeApiKey } from "@/lib/auth/api-keys";
import { orKeyNotFound } from "@/lib/auth/key-not-found";

export const dynamic = "force-dynamic";

export const POST = withSession<{ id: string }>(
  async ({ tenantId, user, params }) => {
    const key = await orKeyNotFound(revokeApiKey({ tenantId, id: params.id, actor: { type: "user", id: user.id } }));
    return Response.json(apiKeyJson(key));
  },
  { role: "admin" },
);

// Every other method: a 405 in the API's error shape, and OPTIONS with `Allow` (lib/api/other-methods.ts).
export const { GET, HEAD, PUT, PATCH, DELETE, OPTIONS } = otherMethods({ POST });
