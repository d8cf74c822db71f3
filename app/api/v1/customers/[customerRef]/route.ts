import { otherMethods } from "@/lib/api/other-methods";
import { assertOwnTenant, parseBody, parseWith } from "@/lib/api/request";
import { withApiKey } from "@/lib/api/with-api-key";
import { getCustomerOrThrow } from "@/lib/customers/get-customer-or-throw";
import { ZCustomerParams, ZUpdateCustomerBody } from "@/lib/customers/schemas";
import { updateCustomer } from "@/lib/customers/update-customer";

type Params = { customerRef: string };

export const GET = withApiKey<Params>(
  async ({ tenantId, params }) => {
    const { customerRef } = parseWith(ZCustomerParams, params);
    return Response.json(await getCustomerOrThrow(tenantId, customerRef));
  },
  { scope: "admin" },
);

export const PATCH = withApiKey<Params>(
  async ({ req, tenantId, apiKey, params }) => {
    const { customerRef } = parseWith(ZCustomerParams, params);
    const input = await parseBody(req, ZUpdateCustomerBody);
    assertOwnTenant(tenantId, input.tenantId);
    const { created, ...customer } = await updateCustomer({
      tenantId,
      customerRef,
      input,
      actor: { type: "api_key", id: apiKey.keyId },
    });
    return Response.json(customer, { status: created ? 201 : 200 });
  },
  { scope: "admin" },
);

// Every other method: a 405 in the API's error shape, and OPTIONS with `Allow` (lib/api/other-methods.ts).
export const { POST, PUT, DELETE, OPTIONS } = otherMethods({ GET, PATCH });
