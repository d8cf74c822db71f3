import { otherMethods } from "@/lib/api/other-methods";
import { withSession } from "@/lib/api/with-session";
import { getOverview } from "@/lib/console/get-overview";

export const dynamic = "force-dynamic";

export const GET = withSession(async ({ tenantId }) => Response.json(await getOverview(tenantId)), { role: "viewer" });

// Every other method: a 405 in the API's error shape, and OPTIONS with `Allow` (lib/api/other-methods.ts).
export const { POST, PUT, PATCH, DELETE, OPTIONS } = otherMethods({ GET });
