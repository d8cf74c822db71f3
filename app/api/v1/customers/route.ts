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
