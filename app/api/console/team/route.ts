import { withSession } from "@/lib/api/with-session";
import { listTeam } from "@/lib/team/list-team";

export const dynamic = "force-dynamic";

export const GET = withSession(async ({ tenantId }) => Response.json(await listTeam(tenantId)), { role: "viewer" });
