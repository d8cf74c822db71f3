import { withSession } from "@/lib/api/with-session";
import { getOverview } from "@/lib/console/get-overview";

export const dynamic = "force-dynamic";

export const GET = withSession(async ({ tenantId }) => Response.json(await getOverview(tenantId)), { role: "viewer" });
