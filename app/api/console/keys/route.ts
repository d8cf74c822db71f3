import { otherMethods } from "@/lib/api/other-methods";
import { parseBody } from "@/lib/api/request";
import { withSession } from "@/lib/api/with-session";
import { apiKeyJson, ZCreateApiKey } from "@/lib/auth/api-key-input";
import { createApiKey, listApiKeys } from "@/lib/auth/api-keys";

export const dynamic = "force-dynamic";

export const GET = withSession(
  async ({ tenantId }) => Response.json({ data: (await listApiKeys(tenantId)).map((k) => apiKeyJson(k)) }),
  { role: "viewer" },
);

export const POST = withSession(
  async ({ req, tenantId, user }) => {
    const input = await parseBody(req, ZCreateApiKey);
    const created = await createApiKey({
      tenantId,
      name: input.name,
      scopes: input.scopes,
      mode: input.mode,
      expiresAt: input.expiresAt ? new Date(input.expiresAt) : null,
      actor: { type: "user", id: user.id },
    });
    // The only response that ever contains the secret.
    return Response.json({ ...apiKeyJson(created), key: created.key }, { status: 201 });
  },
  { role: "admin" },
);

// Every other method: a 405 in the API's error shape, and OPTIONS with `Allow` (lib/api/other-methods.ts).
export const { PUT, PATCH, DELETE, OPTIONS } = otherMethods({ GET, POST });
