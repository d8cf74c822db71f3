import { otherMethods } from "@/lib/api/other-methods";
import { parseQuery } from "@/lib/api/request";
import { withApiKey } from "@/lib/api/with-api-key";
import { getUsageHistory } from "@/lib/usage/get-usage-history";
import { ZUsageHistoryQuery } from "@/lib/usage/history-schemas";

export const GET = withApiKey(
  async ({ req, tenantId }) => {
    const { tenantId: _claimed, ...q } = parseQuery(req, ZUsageHistoryQuery);
    return Response.json(await getUsageHistory({ ...q, tenantId }));
  },
  { scope: "usage:read" },
);

// Every other method: a 405 in the API's error shape, and OPTIONS with `Allow` (lib/api/other-methods.ts).
export const { POST, PUT, PATCH, DELETE, OPTIONS } = otherMethods({ GET });
