import { createdResponse } from "@/lib/api/idempotency";
import { idempotencyKeyOf } from "@/lib/api/idempotency-key";
import { otherMethods } from "@/lib/api/other-methods";
import { ZPaginationQuery } from "@/lib/api/pagination";
import { assertOwnTenant, parseBody, parseQuery } from "@/lib/api/request";
import { withApiKey } from "@/lib/api/with-api-key";
import { createMeterOnce } from "@/lib/meters/create-meter";
import { listMeters } from "@/lib/meters/list-meters";
import { ZCreateMeterBody } from "@/lib/meters/schemas";

export const GET = withApiKey(
  async ({ req, tenantId }) => {
    const q = parseQuery(req, ZPaginationQuery);
    return Response.json(await listMeters({ tenantId, limit: q.limit, cursor: q.cursor }));
  },
  { scope: "admin" },
);

export const POST = withApiKey(
  async ({ req, tenantId, apiKey }) => {
    const idempotencyKey = idempotencyKeyOf(req);
    const input = await parseBody(req, ZCreateMeterBody);
    assertOwnTenant(tenantId, input.tenantId);
    return createdResponse(
      await createMeterOnce({ tenantId, input, actor: { type: "api_key", id: apiKey.keyId }, idempotencyKey }),
    );
  },
  { scope: "admin" },
);

// Every other method: a 405 in the API's error shape, and OPTIONS with `Allow` (lib/api/other-methods.ts).
export const { PUT, PATCH, DELETE, OPTIONS } = otherMethods({ GET, POST });
