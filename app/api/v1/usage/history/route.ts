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
