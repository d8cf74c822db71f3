import type { Prisma } from "@/lib/generated/prisma/client";
import { newId } from "@/lib/ids";

export interface AuditActor {
  type: "user" | "api_key" | "system" | "cli";
  id?: string | null;
}

export interface AuditEntry {
  tenantId: string;
  actor: AuditActor;
  action: string;
  target?: { type: string; id: string };
  data?: Prisma.InputJsonValue;
}

/** Writes one audit row inside the caller's transaction, so the log and the change commit together. */
export async function recordAudit(tx: Prisma.TransactionClient, entry: AuditEntry): Promise<void> {
  await tx.auditLog.create({
    data: {
      tenantId: entry.tenantId,
      id: newId("aud"),
      actorType: entry.actor.type,
      actorId: entry.actor.id ?? null,
      action: entry.action,
      targetType: entry.target?.type ?? null,
      targetId: entry.target?.id ?? null,
      data: entry.data,
    },
  });
}
