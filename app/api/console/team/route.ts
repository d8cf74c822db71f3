import { otherMethods } from "@/lib/api/other-methods";
import { withSession } from "@/lib/api/with-session";
import { listTeam } from "@/lib/team/list-team";

export const dynamic = "force-dynamic";

export const GET = withSession(async ({ tenantId }) => Response.json(await listTeam(tenantId)), { role: "viewer" });

// Every other method: a 405 in the API's error shape, and OPTIONS with `Allow` (lib/api/other-methods.ts).
export const { POST, PUT, PATCH, DELETE, OPTIONS } = otherMethods({ GET });
