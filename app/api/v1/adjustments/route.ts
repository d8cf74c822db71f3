import { createAdjustmentOnce } from "@/lib/adjustments/create-adjustment";
import { listAdjustments } from "@/lib/adjustments/list-adjustments";
import { ZCreateAdjustment, ZListAdjustmentsQuery } from "@/lib/adjustments/schemas";
import { createdResponse } from "@/lib/api/idempotency";
import { idempotencyKeyOf } from "@/lib/api/idempotency-key";
import { otherMethods } from "@/lib/api/other-methods";
import { assertOwnTenant, parseBody, parseQuery } from "@/lib/api/request";
import { withApiKey } from "@/lib/api/with-api-key";

export const dynamic = "force-dynamic";

export const POST = withApiKey(
  async ({ req, tenantId, apiKey }) => {
    const idempotencyKey = idempotencyKeyOf(req);
    const input = await parseBody(req, ZCreateAdjustment);
    assertOwnTenant(tenantId, input.tenantId);
    const { adjustment, replayed } = await createAdjustmentOnce({
      tenantId,
      input,
      actor: { type: "api_key", id: apiKey.keyId },
      idempotencyKey,
    });
    // A retry gets the first answer again, marked as such (as Stripe does).
    return createdResponse({ result: adjustment, replayed });
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
