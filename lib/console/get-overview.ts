import "server-only";
import { type AuditLogEntry, listAuditLog } from "@/lib/audit/list-audit-log";
import { db } from "@/lib/db/client";

export interface TenantOverview {
  meters: number;
  customers: number;
  /** Events whose timestamp falls in the current UTC calendar month. */
  eventsThisMonth: number;
  activeKeys: number;
  monthStart: Date;
  recentActivity: AuditLogEntry[];
}

export async function getOverview(tenantId: string, now = new Date()): Promise<TenantOverview> {
  const monthStart = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
  const nextMonth = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1));
  const [meters, customers, eventsThisMonth, activeKeys, recent] = await Promise.all([
    db.meter.count({ where: { tenantId } }),
    db.customer.count({ where: { tenantId } }),
    db.event.count({ where: { tenantId, ts: { gte: monthStart, lt: nextMonth } } }),
    db.apiKey.count({ where: { tenantId, revokedAt: null, OR: [{ expiresAt: null }, { expiresAt: { gt: now } }] } }),
    listAuditLog({ tenantId, limit: 8 }),
  ]);
  return { meters, customers, eventsThisMonth, activeKeys, monthStart, recentActivity: recent.data };
}
