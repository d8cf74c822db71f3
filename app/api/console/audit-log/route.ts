import { z } from "zod";
import { parseQuery } from "@/lib/api/request";
import { withSession } from "@/lib/api/with-session";
import { listAuditLog } from "@/lib/audit/list-audit-log";

export const dynamic = "force-dynamic";

const ZQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(200).optional(),
});

export const GET = withSession(
  async ({ req, tenantId }) => {
    const q = parseQuery(req, ZQuery);
    return Response.json(await listAuditLog({ tenantId, limit: q.limit, cursor: q.cursor }));
  },
  { role: "viewer" },
);
