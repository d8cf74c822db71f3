import { otherMethods } from "@/lib/api/other-methods";
import { withSession } from "@/lib/api/with-session";
import { apiKeyJson } from "@/lib/auth/api-key-input";
import { rotateApiKey } from "@/lib/auth/api-keys";
import { orKeyNotFound } from "@/lib/auth/key-not-found";

export const dynamic = "force-dynamic";

export const POST = withSession<{ id: string }>(
  async ({ tenantId, user, params }) => {
    const key = await orKeyNotFound(rotateApiKey({ tenantId, id: params.id, actor: { type: "user", id: user.id } }));
    // The replacement's secret is shown once, like a new key's.
    return Response.json({ ...apiKeyJson(key), key: key.key }, { status: 201 });
  },
  { role: "admin" },
);

// Every other method: a 405 in the API's error shape, and OPTIONS with `Allow` (lib/api/other-methods.ts).
export const { GET, HEAD, PUT, PATCH, DELETE, OPTIONS } = otherMethods({ POST });
