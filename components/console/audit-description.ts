import type { AuditLogEntry } from "@/lib/audit/list-audit-log";

function field(data: unknown, key: string): string | undefined {
  if (data && typeof data === "object" && key in data) {
    const v = (data as Record<string, unknown>)[key];
    if (typeof v === "string") return v;
    if (Array.isArray(v)) return v.join(", ");
  }
  return undefined;
}

export function describeActor(e: Pick<AuditLogEntry, "actorType" | "actorId" | "actorEmail">): string {
  if (e.actorType === "user") return e.actorEmail ?? e.actorId ?? "a deleted user";
  if (e.actorType === "api_key") return `API key ${e.actorId ?? ""}`.trim();
  if (e.actorType === "cli") return "CLI";
  return "System";
}

function describeSettingsChange(data: unknown): string {
  const change = data && typeof data === "object" ? (data as Record<string, unknown>).latenessWindowHours : undefined;
  if (change && typeof change === "object") {
    const { from, to } = change as { from?: unknown; to?: unknown };
    return `Changed the lateness window from ${String(from)} h to ${String(to)} h`;
  }
  return "Changed the tenant's settings";
}

/** A readable sentence for known actions; unknown actions show their raw name. */
export function describeAction(e: Pick<AuditLogEntry, "action" | "targetId" | "data">): string {
  const d = e.data;
  switch (e.action) {
    case "tenant.created":
      return `Created tenant “${field(d, "name") ?? ""}”`;
    case "api_key.created":
      return `Created API key “${field(d, "name") ?? e.targetId}” (${field(d, "prefix") ?? ""}…)`;
    case "api_key.revoked":
      return `Revoked API key ${e.targetId}`;
    case "api_key.rotated":
      return `Rotated API key ${e.targetId}`;
    case "member.added":
      return `Added ${field(d, "email") ?? e.targetId} as ${field(d, "role") ?? "member"}`;
    case "member.role_changed":
      return `Changed ${e.targetId}'s role from ${field(d, "from")} to ${field(d, "to")}`;
    case "member.removed":
      return `Removed member ${e.targetId}`;
    case "invitation.created":
      return `Invited ${field(d, "email") ?? e.targetId} as ${field(d, "role") ?? "member"}`;
    case "invitation.renewed":
      return `Made a new invite link for ${field(d, "email") ?? e.targetId} as ${field(d, "role") ?? "member"}`;
    case "invitation.cancelled":
      return `Cancelled the invitation for ${field(d, "email") ?? e.targetId}`;
    case "invitation.accepted":
      return `${field(d, "email") ?? e.targetId} accepted an invitation as ${field(d, "role") ?? "member"}`;
    case "tenant.settings_updated":
      return describeSettingsChange(d);
    case "demo.seeded":
      return "Seeded demo data";
    default:
      return e.targetId ? `${e.action} ${e.targetId}` : e.action;
  }
}
