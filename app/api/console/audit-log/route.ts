import { z } from "zod";
import { otherMethods } from "@/lib/api/other-methods";
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

// Every other method: a 405 in the API's error shape, and OPTIONS with `Allow` (lib/api/other-methods.ts).
export const { POST, PUT, PATCH, DELETE, OPTIONS } = otherMethods({ GET });
