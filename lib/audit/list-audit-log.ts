import "server-only";
import { ApiError } from "@/lib/api/errors";
import { db } from "@/lib/db/client";

export interface AuditLogEntry {
  id: string;
  actorType: string;
  actorId: string | null;
  /** The actor's email when the actor is a user that still exists. */
  actorEmail: string | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  data: unknown;
  createdAt: Date;
}

// Cursor = "<createdAt ms>.<id>" of the last row: stable under inserts, unlike offsets.
function encodeCursor(row: { createdAt: Date; id: string }): string {
  return Buffer.from(`${row.createdAt.getTime()}.${row.id}`).toString("base64url");
}

function decodeCursor(cursor: string): { createdAt: Date; id: string } {
  const raw = Buffer.from(cursor, "base64url").toString("utf8");
  const m = /^(\d{1,15})\.(aud_[0-9A-Za-z]{1,64})$/.exec(raw);
  if (!m) throw new ApiError({ code: "validation_failed", message: "cursor: is not a valid cursor" });
  return { createdAt: new Date(Number(m[1])), id: m[2] };
}

/** The tenant's audit log, newest first. */
export async function listAuditLog(opts: {
  tenantId: string;
  limit?: number;
  cursor?: string | null;
}): Promise<{ data: AuditLogEntry[]; nextCursor: string | null }> {
  const limit = Math.min(Math.max(opts.limit ?? 50, 1), 200);
  const after = opts.cursor ? decodeCursor(opts.cursor) : null;
  const rows = await db.auditLog.findMany({
    where: {
      tenantId: opts.tenantId,
      ...(after
        ? { OR: [{ createdAt: { lt: after.createdAt } }, { createdAt: after.createdAt, id: { lt: after.id } }] }
        : {}),
    },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: limit + 1,
  });
  const page = rows.slice(0, limit);
  const userIds = [...new Set(page.filter((r) => r.actorType === "user" && r.actorId).map((r) => r.actorId!))];
  const users = userIds.length
    ? await db.user.findMany({ where: { id: { in: userIds } }, select: { id: true, email: true } })
    : [];
  const emails = new Map(users.map((u) => [u.id, u.email]));
  return {
    data: page.map((r) => ({
      id: r.id,
      actorType: r.actorType,
      actorId: r.actorId,
      actorEmail: r.actorId ? (emails.get(r.actorId) ?? null) : null,
      action: r.action,
      targetType: r.targetType,
      targetId: r.targetId,
      data: r.data,
      createdAt: r.createdAt,
    })),
    nextCursor: rows.length > limit ? encodeCursor(page[page.length - 1]) : null,
  };
}
