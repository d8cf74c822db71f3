import { otherMethods } from "@/lib/api/other-methods";
import { ZPaginationQuery } from "@/lib/api/pagination";
import { parseQuery } from "@/lib/api/request";
import { withApiKey } from "@/lib/api/with-api-key";
import { listCustomers } from "@/lib/customers/list-customers";

export const GET = withApiKey(
  async ({ req, tenantId }) => {
    const q = parseQuery(req, ZPaginationQuery);
    return Response.json(await listCustomers({ tenantId, limit: q.limit, cursor: q.cursor }));
  },
  { scope: "admin" },
);

// Every other method: a 405 in the API's error shape, and OPTIONS with `Allow` (lib/api/other-methods.ts).
export const { POST, PUT, PATCH, DELETE, OPTIONS } = otherMethods({ GET });
