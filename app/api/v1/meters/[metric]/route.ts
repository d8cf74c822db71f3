import { otherMethods } from "@/lib/api/other-methods";
import { assertOwnTenant, parseBody, parseWith } from "@/lib/api/request";
import { withApiKey } from "@/lib/api/with-api-key";
import { getMeterOrThrow } from "@/lib/meters/get-meter-or-throw";
import { ZMeterParams, ZUpdateMeterBody } from "@/lib/meters/schemas";
import { updateMeter } from "@/lib/meters/update-meter";

type Params = { metric: string };

export const GET = withApiKey<Params>(
  async ({ tenantId, params }) => {
    const { metric } = parseWith(ZMeterParams, params);
    return Response.json(await getMeterOrThrow(tenantId, metric));
  },
  { scope: "admin" },
);

export const PATCH = withApiKey<Params>(
  async ({ req, tenantId, apiKey, params }) => {
    const { metric } = parseWith(ZMeterParams, params);
    const input = await parseBody(req, ZUpdateMeterBody);
    assertOwnTenant(tenantId, input.tenantId);
    return Response.json(await updateMeter({ tenantId, metric, input, actor: { type: "api_key", id: apiKey.keyId } }));
  },
  { scope: "admin" },
);

// Every other method: a 405 in the API's error shape, and OPTIONS with `Allow` (lib/api/other-methods.ts).
export const { POST, PUT, DELETE, OPTIONS } = otherMethods({ GET, PATCH });
