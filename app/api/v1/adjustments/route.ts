import { createAdjustment } from "@/lib/adjustments/create-adjustment";
import { listAdjustments } from "@/lib/adjustments/list-adjustments";
import { ZCreateAdjustment, ZListAdjustmentsQuery } from "@/lib/adjustments/schemas";
import { otherMethods } from "@/lib/api/other-methods";
import { assertOwnTenant, parseBody, parseQuery } from "@/lib/api/request";
import { withApiKey } from "@/lib/api/with-api-key";

export const dynamic = "force-dynamic";

export const POST = withApiKey(
  async ({ req, tenantId, apiKey }) => {
    const input = await parseBody(req, ZCreateAdjustment);
    assertOwnTenant(tenantId, input.tenantId);
    const created = await createAdjustment({ tenantId, input, actor: { type: "api_key", id: apiKey.keyId } });
    return Response.json(created, { status: 201 });
  },
  { scope: "admin" },
);

export const GET = withApiKey(
  async ({ req, tenantId }) => {
    const q = parseQuery(req, ZListAdjustmentsQuery);
    return Response.json(await listAdjustments({ tenantId, ...q }));
  },
  { scope: "admin" },
);

// Every other method: a 405 in the API's error shape, and OPTIONS with `Allow` (lib/api/other-methods.ts).
export const { PUT, PATCH, DELETE, OPTIONS } = otherMethods({ GET, POST });
