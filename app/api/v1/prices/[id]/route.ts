import { otherMethods } from "@/lib/api/other-methods";
import { assertOwnTenant, parseBody, parseWith } from "@/lib/api/request";
import { withApiKey } from "@/lib/api/with-api-key";
import { getPriceOrThrow } from "@/lib/pricing/get-price-or-throw";
import { toPriceDto, ZPriceParams, ZUpdatePriceBody } from "@/lib/pricing/schemas";
import { updatePrice } from "@/lib/pricing/update-price";

type Params = { id: string };

export const GET = withApiKey<Params>(
  async ({ tenantId, params }) => {
    const { id } = parseWith(ZPriceParams, params);
    return Response.json(toPriceDto(await getPriceOrThrow(tenantId, id)));
  },
  { scope: "admin" },
);

export const PATCH = withApiKey<Params>(
  async ({ req, tenantId, apiKey, params }) => {
    const { id } = parseWith(ZPriceParams, params);
    const input = await parseBody(req, ZUpdatePriceBody);
    assertOwnTenant(tenantId, input.tenantId);
    return Response.json(await updatePrice({ tenantId, id, input, actor: { type: "api_key", id: apiKey.keyId } }));
  },
  { scope: "admin" },
);

// Every other method: a 405 in the API's error shape, and OPTIONS with `Allow` (lib/api/other-methods.ts).
export const { POST, PUT, DELETE, OPTIONS } = otherMethods({ GET, PATCH });
